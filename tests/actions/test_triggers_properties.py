"""Properties over random trees, events and texts."""

import math
import operator

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.triggers import (
    And,
    Compare,
    Contains,
    Field,
    In,
    Match,
    Not,
    Or,
    TriggerSyntaxError,
    compile_trigger,
    explain,
    generate,
    matches,
    parse,
)
from actions.triggers.globs import parse_glob
from actions.triggers.nodes import ORDER_OPERATORS, PLAIN_FIELDS, ROOTS
from tests.actions.glob_reference import regex_match

# Small alphabets make trees and events meet often; st.text() adds the odd ones.
SEGMENTS = st.one_of(
    st.sampled_from(["a", "b", "total", "0", "1", "01", "product 1", "a.b", "[0]", "é"]),
    st.text(min_size=1, max_size=6),
)
TEXTS = st.one_of(st.sampled_from(["", "a", "A", "ab", "track", "5", "a*b", 'q"\\']), st.text(max_size=8))
NUMBERS = st.one_of(
    st.integers(-3, 3),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUES = st.one_of(TEXTS, NUMBERS, st.booleans(), st.none())
GLOBS = st.lists(
    st.sampled_from(
        ["*", "?", "a", "b", "\\*", "\\?", "\\[", "\\\\", "[ab]", "[!a]", "[a-c]", ".", '"', " "]
    ),
    max_size=5,
).map("".join)


@st.composite
def fields(draw):
    root = draw(st.sampled_from(ROOTS))
    if root in PLAIN_FIELDS:
        return Field(root)
    rest = draw(st.lists(st.one_of(SEGMENTS, st.integers(0, 2)), max_size=2))
    return Field(root, (draw(SEGMENTS), *rest))


CONDITIONS = st.one_of(
    st.builds(Compare, fields(), st.sampled_from(["=", "!="]), VALUES),
    st.builds(Compare, fields(), st.sampled_from(ORDER_OPERATORS), NUMBERS),
    st.builds(In, fields(), st.lists(VALUES, min_size=1, max_size=4).map(tuple), st.booleans()),
    st.builds(Contains, fields(), TEXTS, st.booleans()),
    st.builds(Match, fields(), GLOBS, st.booleans()),
)
TREES = st.recursive(
    CONDITIONS,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.lists(children, min_size=2, max_size=4).map(lambda c: And(tuple(c))),
        st.lists(children, min_size=2, max_size=4).map(lambda c: Or(tuple(c))),
    ),
    max_leaves=12,
)

JSON_LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, st.floats(), TEXTS)
JSON = st.recursive(
    JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(SEGMENTS, children, max_size=3)
    ),
    max_leaves=10,
)
EVENTS = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(ROOTS), st.text(max_size=4)), JSON, max_size=8),
    JSON,
)

TOKENS = st.sampled_from(
    [
        "type",
        "event",
        "properties.a",
        "traits.b[0]",
        "context.x\\ y",
        "userId",
        "=",
        "!=",
        "<",
        ">=",
        "and",
        "OR",
        "not",
        "!",
        "in",
        "[",
        "]",
        ",",
        "(",
        ")",
        '"a"',
        "'b'",
        "5",
        "-1.5e3",
        "true",
        "null",
        "contains",
        "match",
        '"*a?"',
        '"[a-"',
        "\\",
        '"',
        "'",
        ".",
        "foo",
        "\n",
    ]
)


@st.composite
def edited_triggers(draw):
    """A valid trigger's text with a slice cut out or a token put in: near misses."""
    text = generate(draw(TREES))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 3)))
    return text[:start] + draw(st.one_of(st.just(""), TOKENS)) + text[end:]


TEXTS_TO_PARSE = st.one_of(
    st.text(),
    st.lists(TOKENS, max_size=14).map(" ".join),
    st.lists(TOKENS, max_size=14).map("".join),
    edited_triggers(),
)


def _fields(tree):
    if isinstance(tree, And | Or):
        return [field for child in tree.children for field in _fields(child)]
    if isinstance(tree, Not):
        return _fields(tree.operand)
    return [tree.field]


def _literals(tree):
    if isinstance(tree, And | Or):
        return [value for child in tree.children for value in _literals(child)]
    if isinstance(tree, Not):
        return _literals(tree.operand)
    if isinstance(tree, Compare):
        return [tree.value]
    if isinstance(tree, In):
        return list(tree.values)
    if isinstance(tree, Contains):
        return [tree.text, f"x{tree.text}y"]
    return [tree.pattern.replace("\\", "").replace("*", "").replace("?", "a")]


def _place(event, field, value):
    """Put value at the field's path in event, building objects and arrays on the way."""
    keys = [field.root, *field.path]
    node = event
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        child = value if last else ([] if isinstance(keys[i + 1], int) else {})
        if isinstance(key, int):
            if not isinstance(node, list):
                return
            node.extend([None] * (key + 1 - len(node)))
        elif not isinstance(node, dict):
            return
        if last or not isinstance(node[key] if isinstance(key, int) else node.get(key), dict | list):
            node[key] = child
        node = node[key]


@st.composite
def trees_and_events(draw):
    """A tree, and an event holding likely values at some of the tree's fields."""
    tree = draw(TREES)
    event = draw(st.dictionaries(st.sampled_from(ROOTS), JSON, max_size=3))
    likely = st.one_of(st.sampled_from(_literals(tree)), JSON_LEAVES)
    for field in _fields(tree):
        if draw(st.booleans()):
            _place(event, field, draw(likely))
    return tree, event


# A plain reading of the typing rules, to check the fast closures against.

MISSING = object()


def _reference_lookup(field, event):
    value = event.get(field.root, MISSING) if isinstance(event, dict) else MISSING
    for segment in field.path:
        key = str(segment)
        if isinstance(value, dict):
            value = value.get(key, MISSING)
        elif isinstance(value, list) and key.isdigit() and str(int(key)) == key and int(key) < len(value):
            value = value[int(key)]
        else:
            value = MISSING
    return value


def _is_number(value):
    return type(value) in (int, float)


def _equal(actual, expected):
    if expected is None:
        return actual is None or actual is MISSING
    if type(expected) in (bool, str):
        return type(actual) is type(expected) and actual == expected
    return _is_number(actual) and actual == expected


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _reference(tree, event):
    if isinstance(tree, And):
        return all(_reference(child, event) for child in tree.children)
    if isinstance(tree, Or):
        return any(_reference(child, event) for child in tree.children)
    if isinstance(tree, Not):
        return not _reference(tree.operand, event)
    actual = _reference_lookup(tree.field, event)
    if isinstance(tree, Compare):
        if tree.operator == "=":
            return _equal(actual, tree.value)
        if tree.operator == "!=":
            if _is_number(tree.value):
                return _is_number(actual) and actual != tree.value
            return not _equal(actual, tree.value)
        assert isinstance(tree.value, int | float)
        return _is_number(actual) and _ORDER[tree.operator](actual, tree.value)
    if isinstance(tree, In):
        return any(_equal(actual, value) for value in tree.values) != tree.negated
    if type(actual) is not str:
        return False
    if isinstance(tree, Contains):
        return (tree.text in actual) != tree.negated
    return regex_match(parse_glob(tree.pattern), actual) != tree.negated


@settings(deadline=None)
@given(TREES)
def test_it_reads_back_the_tree_it_wrote(tree):
    assert parse(generate(tree)) == tree


@settings(deadline=None)
@given(TREES)
def test_it_writes_canonical_text_that_is_a_fixed_point(tree):
    assert generate(parse(generate(tree))) == generate(tree)


@settings(deadline=None, max_examples=300)
@given(TREES, EVENTS)
def test_it_matches_random_events_as_the_typing_rules_say(tree, event):
    assert matches(tree, event) is _reference(tree, event)


@settings(deadline=None, max_examples=500)
@given(trees_and_events())
def test_it_matches_events_made_to_fit_as_the_typing_rules_say(tree_and_event):
    tree, event = tree_and_event

    assert matches(tree, event) is _reference(tree, event)


@settings(deadline=None)
@given(TREES, EVENTS)
def test_it_matches_the_same_through_compiled_text(tree, event):
    assert compile_trigger(generate(tree))(event) is matches(tree, event)


@settings(deadline=None)
@given(TREES, EVENTS)
def test_it_explains_exactly_the_events_it_does_not_match(tree, event):
    reason = explain(tree, event)

    assert (reason is None) is matches(tree, event)
    assert reason is None or (isinstance(reason, str) and " is false: " in reason)


@settings(deadline=None)
@given(TREES, EVENTS)
def test_it_negates_exactly(tree, event):
    assert matches(Not(tree), event) is not matches(tree, event)


@settings(deadline=None)
@given(TREES, st.one_of(JSON, st.dictionaries(st.sampled_from(ROOTS), st.floats(), max_size=4)))
def test_it_never_raises_on_any_event(tree, event):
    assert matches(tree, event) in (True, False)


@settings(deadline=None, max_examples=500)
@given(TEXTS_TO_PARSE)
def test_it_raises_only_syntax_errors_on_any_text(text):
    try:
        tree = parse(text)
    except TriggerSyntaxError as error:
        assert 0 <= error.position <= len(text)
        assert error.column == error.position + 1
    else:
        assert parse(generate(tree)) == tree


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_it_reads_back_any_finite_float(number):
    written = parse(generate(Compare(Field("properties", ("x",)), "=", number)))

    assert isinstance(written, Compare)
    assert written.value == number
    assert math.copysign(1, written.value) == math.copysign(1, number)  # type: ignore[arg-type]
