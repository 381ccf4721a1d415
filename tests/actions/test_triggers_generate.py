"""Writing a tree back as canonical text."""

import pytest

from actions.triggers import And, Compare, Contains, Field, In, Match, Not, Or, generate, parse

EVENT = Field("event")
A = Compare(EVENT, "=", "A")
B = Compare(EVENT, "=", "B")
C = Compare(EVENT, "=", "C")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("type='identify'", 'type = "identify"'),
        ('type   =    "identify"', 'type = "identify"'),
        ('event = "A" AND event = "B" Or event = "C"', 'event = "A" and event = "B" or event = "C"'),
        ("traits.x = TRUE", "traits.x = true"),
        ("traits.x != NULL", "traits.x != null"),
        ('event NOT IN ["A","B"]', 'event not in ["A", "B"]'),
        ('not contains(event, "x")', '!contains(event, "x")'),
        ('MATCH(event, "x*")', 'match(event, "x*")'),
        ('not type = "track"', '!(type = "track")'),
        ('!type = "track"', '!(type = "track")'),
        ('((event = "A"))', 'event = "A"'),
        ('(event = "A" and event = "B") or event = "C"', 'event = "A" and event = "B" or event = "C"'),
        ("properties.n = 1e3", "properties.n = 1000.0"),
        ("properties.n = 007", "properties.n = 7"),
        ("properties.n = -0.50", "properties.n = -0.5"),
    ],
)
def test_it_writes_canonical_text(text, canonical):
    assert generate(parse(text)) == canonical


def test_it_keeps_parentheses_an_or_needs_inside_an_and():
    assert generate(And((A, Or((B, C))))) == 'event = "A" and (event = "B" or event = "C")'


def test_it_drops_parentheses_an_and_does_not_need_inside_an_or():
    assert generate(Or((A, And((B, C))))) == 'event = "A" or event = "B" and event = "C"'


def test_it_keeps_parentheses_around_a_nested_run_of_the_same_kind():
    assert generate(And((And((A, B)), C))) == '(event = "A" and event = "B") and event = "C"'


def test_it_keeps_parentheses_around_a_nested_or_in_an_or():
    assert generate(Or((A, Or((B, C))))) == 'event = "A" or (event = "B" or event = "C")'


def test_it_writes_a_negated_condition_with_parentheses():
    assert generate(Not(A)) == '!(event = "A")'


def test_it_writes_a_negated_call_apart_from_segments_bang_call():
    assert (generate(Not(Contains(EVENT, "x"))), generate(Contains(EVENT, "x", negated=True))) == (
        '!(contains(event, "x"))',
        '!contains(event, "x")',
    )


def test_it_writes_a_double_negation():
    assert generate(Not(Not(A))) == '!(!(event = "A"))'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("it's", '"it\'s"'),
        ("a\nb\tc\rd", r'"a\nb\tc\rd"'),
        ("\x00\x1f\x7f", r'"\u0000\u001f\u007f"'),
        ("zero\u200bwidth", r'"zero\u200bwidth"'),
        ("\U000e0001", r'"\udb40\udc01"'),
        ("été 😀", '"été 😀"'),
    ],
)
def test_it_escapes_strings_in_double_quotes(value, written):
    assert generate(Compare(EVENT, "=", value)) == f"event = {written}"


@pytest.mark.parametrize(
    ("path", "written"),
    [
        (("product 1", "price"), "properties.product\\ 1.price"),
        (("a.b",), "properties.a\\.b"),
        (("items", 0, "sku"), "properties.items[0].sku"),
        (("0",), "properties.0"),
        (("first-name_2",), "properties.first-name_2"),
        (("prénom",), "properties.prénom"),
        (("$ref", "@id"), "properties.\\$ref.\\@id"),
        (("a[0]",), "properties.a\\[0\\]"),
    ],
)
def test_it_escapes_path_segments_as_segment_does(path, written):
    assert generate(Compare(Field("properties", path), "!=", None)) == f"{written} != null"


@pytest.mark.parametrize(
    ("value", "written"),
    [(5, "5"), (-5, "-5"), (2.5, "2.5"), (1e16, "1e+16"), (1e-7, "1e-07"), (True, "true"), (None, "null")],
)
def test_it_writes_literals(value, written):
    assert generate(Compare(Field("traits", ("x",)), "=", value)) == f"traits.x = {written}"


def test_it_writes_a_mixed_list():
    assert generate(In(EVENT, ("a", 1, 2.5, False, None))) == 'event in ["a", 1, 2.5, false, null]'


def test_it_writes_a_glob_with_escapes_so_it_reads_back_the_same():
    tree = Match(EVENT, "a\\*b")

    assert (generate(tree), parse(generate(tree))) == ('match(event, "a\\\\*b")', tree)
