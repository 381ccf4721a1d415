"""Syntax errors: a message a marketer understands, and where the problem is."""

import pytest

from actions.triggers import TriggerSyntaxError, parse


def _error(text):
    with pytest.raises(TriggerSyntaxError) as raised:
        parse(text)
    return raised.value


ERRORS = [
    ("type = ", 'Expected a value after "=" at column 8', 7),
    ("type =", 'Expected a value after "=" at column 7', 6),
    (
        "type = identify",
        'Expected a value after "=" at column 8; did you mean "identify"? Text goes between quotes',
        7,
    ),
    ('type = "track" and', 'Expected a condition after "and" at column 19', 18),
    ('type = "track" or', 'Expected a condition after "or" at column 18', 17),
    ("!", 'Expected a condition after "!" at column 2', 1),
    ("(", 'Expected a condition after "(" at column 2', 1),
    ('(type = "a"', 'Expected ")" at column 12; the "(" at column 1 is never closed', 11),
    ('type = "a")', 'Unexpected ")" at column 11; there is no "(" for it to close', 10),
    ('type == "a"', '"==" is not part of the language at column 6; use "=" to compare', 5),
    ('type = "a" && event = "b"', '"&&" is not part of the language at column 12; use "and"', 11),
    ('type = "a" || event = "b"', '"||" is not part of the language at column 12; use "or"', 11),
    ('type <> "a"', '"<>" is not part of the language at column 6; use "!="', 5),
    (
        "type = \u201ca\u201d",
        'Unexpected \u201c at column 8; write text between straight quotes: "like this"',
        7,
    ),
    ('type = "a" #', 'Unexpected character "#" at column 12', 11),
    ("type = \x00", 'Unexpected character "U+0000" at column 8', 7),
    ('type = "abc', 'Missing the closing " of the text starting at column 8', 7),
    ("type = 'abc", "Missing the closing ' of the text starting at column 8", 7),
    ('type = "abc\\"', 'Missing the closing " of the text starting at column 8', 7),
    ('type = "\\u12"', "Expected 4 hex digits after \\u at column 9", 8),
    ('type = "\\ud83d"', "\\u escapes a lone surrogate at column 9; give both halves of the pair", 8),
    (
        'properties.total > "100"',
        '">" compares numbers: expected a number at column 20; did you mean 100 without quotes?',
        19,
    ),
    ("properties.total > true", '">" compares numbers: expected a number at column 20', 19),
    ("properties.total <= null", '"<=" compares numbers: expected a number at column 21', 20),
    (
        "type.x = 1",
        "type has no fields inside it at column 5; only properties, traits and context have fields inside them",
        4,
    ),
    ("properties = 1", "properties needs a field name after it at column 11; like properties.plan", 10),
    ("traits[0] = 1", "traits needs a field name after it at column 7; like traits.plan", 6),
    (
        "properties. = 1",
        'Expected a field name after "." at column 12; write other characters after a \\',
        11,
    ),
    ("properties.a\\", "Expected a character after \\ at column 14", 13),
    (
        'type "track"',
        "Expected an operator after type at column 6; one of =, !=, <, <=, >, >=, in, not in",
        5,
    ),
    ('type = "track" event = "x"', 'Expected "and" or "or" before event at column 16', 15),
    ('event in "A"', 'Expected "[" after "in" at column 10; a list looks like ["a", "b"]', 9),
    (
        'event in ["A"',
        'Expected "," or "]" in the list at column 14; the "[" at column 10 is never closed',
        13,
    ),
    ('event in ["A",]', 'Expected a value after "," at column 15', 14),
    ("event in []", 'Expected a value after "[" at column 11', 10),
    ('event not = "A"', 'Expected "in" after "not" at column 11', 10),
    ("contains(event)", 'Expected "," at column 15; write contains(event, "Order")', 14),
    (
        'contains("x", event)',
        'Expected a field after "contains(" at column 10; write contains(event, "Order")',
        9,
    ),
    ("contains(event, x)", 'Expected a text in quotes after "," at column 17; did you mean "x"?', 16),
    ('match(event, "a"', 'Expected ")" to close match( at column 17; write match(event, "Order")', 16),
    (
        'match(event, "Order [A-Z")',
        "The [ in the pattern is never closed at column 21; write \\[ to match a [",
        20,
    ),
    ('match(event, "[z-a]")', "The range z-a runs backwards at column 15; write a-z", 14),
    (
        'lowercase(event) = "x"',
        "Unknown function lowercase() at column 1; the functions are contains() and match()",
        0,
    ),
    (
        '"x" = type',
        "Expected a condition at column 1; a condition starts with a field, like event or properties.total",
        0,
    ),
    ("properties.x = 1.2.3", "Invalid number at column 16", 15),
    ("properties.x = 1e999", "This number is too large at column 16", 15),
    ("!" * 101 + 'type = "x"', 'Nested too deeply at column 101; at most 100 levels of "(" and "!"', 100),
]


@pytest.mark.parametrize(("text", "message", "position"), ERRORS)
def test_it_says_what_is_wrong(text, message, position):
    assert str(_error(text)) == message


@pytest.mark.parametrize(("text", "message", "position"), ERRORS)
def test_it_says_where_it_is_wrong(text, message, position):
    error = _error(text)

    assert (error.position, error.column) == (position, position + 1)


def test_it_gives_the_message_as_an_attribute():
    assert _error("type = ").message == 'Expected a value after "=" at column 8'


def test_it_is_a_value_error():
    assert isinstance(_error("type = "), ValueError)


@pytest.mark.parametrize("text", ["", " ", "\n\t  "])
def test_it_requires_a_trigger_rather_than_an_empty_text(text):
    error = _error(text)

    assert (str(error), error.position) == ("A trigger is required", 0)


@pytest.mark.parametrize("text", ['email = "x"', 'foo.bar = "x"', 'Type = "x"'])
def test_it_names_the_allowed_fields_for_an_unknown_one(text):
    assert (
        "type, event, name, userId, anonymousId, groupId, previousId and paths under properties., traits. and context."
        in str(_error(text))
    )


def test_it_suggests_a_path_for_a_bare_unknown_field():
    assert str(_error('email = "x"')).startswith(
        'Unknown field "email" at column 1; did you mean traits.email or properties.email?'
    )


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [('userid = "x"', "userId"), ('Type = "x"', "type"), ("propertys.total > 1", "properties.total")],
)
def test_it_suggests_the_field_that_was_probably_meant(text, suggestion):
    assert f"did you mean {suggestion}?" in str(_error(text))


def test_it_points_at_the_unknown_field_not_the_start():
    assert _error('type = "a" and email = "x"').position == 15


def test_it_points_at_the_pattern_when_it_has_escapes():
    # The offset inside an escaped literal is not the offset in the text.
    assert _error(r'match(event, "\u0041[")').position == 13


def test_it_refuses_a_non_string_text():
    with pytest.raises(TypeError):
        parse(None)  # type: ignore[arg-type]
