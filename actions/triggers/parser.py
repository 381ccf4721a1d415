"""Read a trigger's text into its tree, or say precisely what is wrong and where.

trigger    := or_expr
or_expr    := and_expr ("or" and_expr)*
and_expr   := unary ("and" unary)*
unary      := ("!" | "not") call          -- Segment's !contains / !match
            | ("!" | "not") unary          -- logical negation
            | primary
primary    := "(" or_expr ")" | call | condition
call       := ("contains" | "match") "(" field "," STRING ")"
condition  := field OPERATOR value
            | field ["not"] "in" "[" value ("," value)* "]"
value      := STRING | NUMBER | "true" | "false" | "null"
"""

from __future__ import annotations

import difflib

from actions.triggers.canonical import quote
from actions.triggers.errors import TriggerSyntaxError
from actions.triggers.globs import GlobError, parse_glob
from actions.triggers.lexer import (
    END,
    KEYWORD,
    NAME,
    NUMBER,
    NUMBER_PATTERN,
    OPERATOR,
    STRING,
    SYMBOL,
    Token,
    tokenize,
)
from actions.triggers.nodes import (
    ORDER_OPERATORS,
    PATH_FIELDS,
    PLAIN_FIELDS,
    ROOTS,
    And,
    Compare,
    Contains,
    Field,
    In,
    Match,
    Not,
    Or,
    Trigger,
    Value,
    is_number,
)

# Parentheses and negations nest this deep at most: far beyond any real
# trigger, and well inside Python's recursion limit when evaluating.
MAX_DEPTH = 100

FUNCTIONS = ("contains", "match")
_KEYWORD_VALUES: dict[str, Value] = {"true": True, "false": False, "null": None}
_ALL_FIELDS = (
    "The fields are type, event, name, userId, anonymousId, groupId, previousId "
    "and paths under properties., traits. and context."
)


def parse(text: str) -> Trigger:
    """The tree of a trigger's text; raises TriggerSyntaxError with the position of the problem.

    An empty or blank text is an error too ("A trigger is required"): an
    action that should take no events has no trigger at all, and that is
    the caller's business.
    """
    if not isinstance(text, str):
        raise TypeError(f"a trigger is a str, not {type(text).__name__}")
    if not text.strip():
        raise TriggerSyntaxError("A trigger is required", 0)
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    # Moving along the tokens.

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != END:
            self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == KEYWORD and token.value == word

    def at_symbol(self, symbol: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == SYMBOL and token.value == symbol

    def at_function(self) -> bool:
        token = self.peek()
        return token.kind == NAME and len(token.value) == 1 and token.value[0].lower() in FUNCTIONS

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TriggerSyntaxError.at(
                "Nested too deeply", token.position, f'at most {MAX_DEPTH} levels of "(" and "!"'
            )

    # The grammar.

    def parse(self) -> Trigger:
        tree = self.or_expr(after=None)
        token = self.peek()
        if token.kind == END:
            return tree
        if token.kind == SYMBOL and token.value == ")":
            raise TriggerSyntaxError.at('Unexpected ")"', token.position, 'there is no "(" for it to close')
        raise TriggerSyntaxError.at(f'Expected "and" or "or" before {token.text}', token.position)

    def or_expr(self, after: str | None) -> Trigger:
        children = [self.and_expr(after)]
        while self.at_keyword("or"):
            self.advance()
            children.append(self.and_expr('"or"'))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self, after: str | None) -> Trigger:
        children = [self.unary(after)]
        while self.at_keyword("and"):
            self.advance()
            children.append(self.unary('"and"'))
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self, after: str | None) -> Trigger:
        token = self.peek()
        if not (token.kind == SYMBOL and token.value == "!") and not self.at_keyword("not"):
            return self.primary(after)
        self.advance()
        if self.at_function():
            return self.call(negated=True)
        self.enter(token)
        operand = self.unary(f'"{token.text}"')
        self.depth -= 1
        return Not(operand)

    def primary(self, after: str | None) -> Trigger:
        token = self.peek()
        if token.kind == SYMBOL and token.value == "(":
            self.advance()
            self.enter(token)
            tree = self.or_expr('"("')
            self.depth -= 1
            if not self.at_symbol(")"):
                closing = self.peek()
                raise TriggerSyntaxError.at(
                    'Expected ")"',
                    closing.position,
                    f'the "(" at column {token.position + 1} is never closed',
                )
            self.advance()
            return tree
        if self.at_function():
            return self.call(negated=False)
        if token.kind == NAME and len(token.value) == 1 and self.at_symbol("(", ahead=1):
            raise TriggerSyntaxError.at(
                f"Unknown function {token.text}()", token.position, "the functions are contains() and match()"
            )
        if token.kind == NAME:
            return self.condition()
        raise self.expected_condition(token, after)

    def expected_condition(self, token: Token, after: str | None) -> TriggerSyntaxError:
        where = f" after {after}" if after else ""
        hint = None if token.kind == END else 'a condition looks like type = "identify"'
        if token.kind in (STRING, NUMBER) or (
            token.kind == KEYWORD and token.value in ("true", "false", "null")
        ):
            hint = "a condition starts with a field, like event or properties.total"
        return TriggerSyntaxError.at(f"Expected a condition{where}", token.position, hint)

    def condition(self) -> Trigger:
        name = self.advance()
        field = self.field(name)
        token = self.peek()
        if token.kind == OPERATOR:
            self.advance()
            value_token = self.peek()
            value = self.value(f'"{token.value}"')
            if token.value in ORDER_OPERATORS and not is_number(value):
                hint = None
                if isinstance(value, str) and NUMBER_PATTERN.fullmatch(value.strip()):
                    hint = f"did you mean {value.strip()} without quotes?"
                raise TriggerSyntaxError.at(
                    f'"{token.value}" compares numbers: expected a number', value_token.position, hint
                )
            return Compare(field, token.value, value)
        negated = self.at_keyword("not")
        if negated:
            self.advance()
            if not self.at_keyword("in"):
                raise TriggerSyntaxError.at('Expected "in" after "not"', self.peek().position)
        if self.at_keyword("in"):
            self.advance()
            return In(field, self.value_list(), negated)
        raise TriggerSyntaxError.at(
            f"Expected an operator after {name.text}",
            token.position,
            "one of =, !=, <, <=, >, >=, in, not in",
        )

    def value(self, after: str) -> Value:
        token = self.peek()
        if token.kind in (STRING, NUMBER) or (
            token.kind == KEYWORD and token.value in ("true", "false", "null")
        ):
            self.advance()
            if token.kind == KEYWORD:
                return _KEYWORD_VALUES[token.value]
            value: Value = token.value
            return value
        hint = None
        if token.kind == NAME:
            hint = f"did you mean {quote(token.text)}? Text goes between quotes"
        raise TriggerSyntaxError.at(f"Expected a value after {after}", token.position, hint)

    def value_list(self) -> tuple[Value, ...]:
        opening = self.peek()
        if not self.at_symbol("["):
            raise TriggerSyntaxError.at(
                'Expected "[" after "in"', opening.position, 'a list looks like ["a", "b"]'
            )
        self.advance()
        values = [self.value('"["')]
        while self.at_symbol(","):
            self.advance()
            values.append(self.value('","'))
        if not self.at_symbol("]"):
            token = self.peek()
            hint = f'the "[" at column {opening.position + 1} is never closed' if token.kind == END else None
            raise TriggerSyntaxError.at('Expected "," or "]" in the list', token.position, hint)
        self.advance()
        return tuple(values)

    def call(self, negated: bool) -> Trigger:
        name = self.advance()
        function = name.text.lower()
        example = f'{function}(event, "Order")'
        if not self.at_symbol("("):
            raise TriggerSyntaxError.at(
                f'Expected "(" after {name.text}', self.peek().position, f"write {example}"
            )
        self.advance()
        token = self.peek()
        if token.kind != NAME:
            raise TriggerSyntaxError.at(
                f'Expected a field after "{function}("', token.position, f"write {example}"
            )
        field = self.field(self.advance())
        if not self.at_symbol(","):
            raise TriggerSyntaxError.at('Expected ","', self.peek().position, f"write {example}")
        self.advance()
        token = self.peek()
        if token.kind != STRING:
            hint = f"did you mean {quote(token.text)}?" if token.kind == NAME else f"write {example}"
            raise TriggerSyntaxError.at('Expected a text in quotes after ","', token.position, hint)
        self.advance()
        if not self.at_symbol(")"):
            raise TriggerSyntaxError.at(
                f'Expected ")" to close {function}(', self.peek().position, f"write {example}"
            )
        self.advance()
        if function == "contains":
            return Contains(field, token.value, negated)
        try:
            parse_glob(token.value)
        except GlobError as error:
            # Point into the pattern when it was written without escapes.
            exact = len(token.text) == len(token.value) + 2
            position = token.position + 1 + error.offset if exact else token.position
            raise TriggerSyntaxError.at(error.reason, position, error.hint) from None
        return Match(field, token.value, negated)

    def field(self, token: Token) -> Field:
        root, *path = token.value
        if root in PLAIN_FIELDS:
            if path:
                raise TriggerSyntaxError.at(
                    f"{root} has no fields inside it",
                    token.position + len(root),
                    "only properties, traits and context have fields inside them",
                )
            return Field(root)
        if root in PATH_FIELDS:
            if not path or isinstance(path[0], int):
                raise TriggerSyntaxError.at(
                    f"{root} needs a field name after it", token.position + len(root), f"like {root}.plan"
                )
            return Field(root, tuple(path))
        raise TriggerSyntaxError.at(f'Unknown field "{token.text}"', token.position, _field_hint(token))


def _field_hint(token: Token) -> str:
    root = token.value[0]
    rest = token.text[len(root) :]
    same_but_case = [known for known in ROOTS if known.lower() == root.lower()]
    close = same_but_case or difflib.get_close_matches(root, ROOTS, n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]}{rest}? {_ALL_FIELDS}"
    if not rest:
        return f"did you mean traits.{root} or properties.{root}? {_ALL_FIELDS}"
    return _ALL_FIELDS[0].lower() + _ALL_FIELDS[1:]
