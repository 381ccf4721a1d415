"""Reading trigger text into its tree."""

import pytest

from actions.triggers import And, Compare, Contains, Field, In, Match, Not, Or, parse
from actions.triggers.parser import MAX_DEPTH

TYPE = Field("type")
EVENT = Field("event")
A = Compare(EVENT, "=", "A")
B = Compare(EVENT, "=", "B")
C = Compare(EVENT, "=", "C")
D = Compare(EVENT, "=", "D")


def _compare(text: str) -> Compare:
    tree = parse(text)
    assert isinstance(tree, Compare)
    return tree


def _match(text: str) -> Match:
    tree = parse(text)
    assert isinstance(tree, Match)
    return tree


# Fields and paths.


@pytest.mark.parametrize("root", ["type", "event", "name", "userId", "anonymousId", "groupId", "previousId"])
def test_it_reads_every_plain_field(root):
    assert parse(f'{root} = "x"') == Compare(Field(root), "=", "x")


@pytest.mark.parametrize("root", ["properties", "traits", "context"])
def test_it_reads_a_path_under_every_object(root):
    assert parse(f"{root}.a.b = 1") == Compare(Field(root, ("a", "b")), "=", 1)


def test_it_reads_array_indexes_in_a_path():
    assert _compare("properties.items[0].sku[12] = 1").field == Field("properties", ("items", 0, "sku", 12))


def test_it_reads_consecutive_indexes():
    assert _compare("properties.grid[1][2] = 1").field == Field("properties", ("grid", 1, 2))


def test_it_reads_a_digit_segment_as_a_key():
    assert _compare("properties.items.0 = 1").field == Field("properties", ("items", "0"))


def test_it_reads_an_escaped_space_in_a_path():
    assert _compare("properties.product\\ 1.price > 5").field == Field("properties", ("product 1", "price"))


@pytest.mark.parametrize(
    ("written", "segment"),
    [("a\\.b", "a.b"), ("a\\[0\\]", "a[0]"), ("\\$ref", "$ref"), ("a\\\\b", "a\\b"), ("\\@type", "@type")],
)
def test_it_reads_escaped_special_characters_in_a_path(written, segment):
    assert _compare(f"properties.{written} = 1").field == Field("properties", (segment,))


def test_it_reads_dashes_and_underscores_in_a_path_unescaped():
    assert _compare("traits.first-name_2 != null").field == Field("traits", ("first-name_2",))


def test_it_reads_letters_of_any_script_in_a_path_unescaped():
    assert parse('traits.prénom = "Zoë"') == Compare(Field("traits", ("prénom",)), "=", "Zoë")


def test_it_reads_keywords_as_path_segments():
    assert _compare("properties.and.or.in = 1").field == Field("properties", ("and", "or", "in"))


# Literals.


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("3.25", 3.25),
        ("-0.5", -0.5),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("1e+2", 100.0),
        ("12345678901234567890", 12345678901234567890),
    ],
)
def test_it_reads_numbers(written, value):
    parsed = _compare(f"properties.n = {written}").value

    assert parsed == value
    assert type(parsed) is type(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ('"plain"', "plain"),
        ("'single'", "single"),
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        ("'it\\'s'", "it's"),
        ('"a\\"b"', 'a"b'),
        ('"back\\\\slash"', "back\\slash"),
        ('"line\\nbreak"', "line\nbreak"),
        ('"tab\\there"', "tab\there"),
        ('"cr\\r"', "cr\r"),
        ('"\\u00e9t\\u00E9"', "été"),
        ('"\\ud83d\\ude00"', "\U0001f600"),
        ('"raw é and 😀"', "raw é and 😀"),
        ('""', ""),
    ],
)
def test_it_reads_strings_and_their_escapes(written, value):
    assert _compare(f"event = {written}").value == value


def test_it_keeps_the_backslash_of_an_unknown_escape():
    # As Segment's FQL does, so match(x, 'a\*b') is a literal star.
    assert _match(r'match(event, "a\*b")').pattern == "a\\*b"


@pytest.mark.parametrize(("written", "value"), [("true", True), ("false", False), ("null", None)])
def test_it_reads_true_false_and_null(written, value):
    assert _compare(f"traits.x = {written}").value is value


@pytest.mark.parametrize("written", ["AND", "And", "aNd"])
def test_it_reads_and_in_any_case(written):
    assert parse(f'event = "A" {written} event = "B"') == And((A, B))


@pytest.mark.parametrize("written", ["OR", "Or"])
def test_it_reads_or_in_any_case(written):
    assert parse(f'event = "A" {written} event = "B"') == Or((A, B))


@pytest.mark.parametrize(("written", "value"), [("TRUE", True), ("False", False), ("NULL", None)])
def test_it_reads_literal_keywords_in_any_case(written, value):
    assert _compare(f"traits.x = {written}").value is value


def test_it_reads_not_and_in_in_any_case():
    assert parse('event NOT IN ["A"]') == In(EVENT, ("A",), negated=True)


def test_it_reads_function_names_in_any_case():
    assert parse('CONTAINS(event, "A")') == Contains(EVENT, "A")


# Operators.


@pytest.mark.parametrize("operator", ["=", "!=", "<", "<=", ">", ">="])
def test_it_reads_every_comparison_operator(operator):
    assert parse(f"properties.n {operator} 1") == Compare(Field("properties", ("n",)), operator, 1)


def test_it_reads_operators_without_spaces():
    assert parse('type="track"and properties.n>=-1') == And(
        (Compare(TYPE, "=", "track"), Compare(Field("properties", ("n",)), ">=", -1))
    )


def test_it_reads_an_in_list_of_mixed_values():
    assert parse('properties.x in ["a", 3, 2.5, true, null]') == In(
        Field("properties", ("x",)), ("a", 3, 2.5, True, None)
    )


def test_it_reads_not_in():
    assert parse('event not in ["A", "B"]') == In(EVENT, ("A", "B"), negated=True)


def test_it_reads_contains():
    assert parse('contains(properties.name, "Nike")') == Contains(Field("properties", ("name",)), "Nike")


def test_it_reads_match_with_a_full_glob():
    assert parse("match(event, 'Order [A-Z]?*')") == Match(EVENT, "Order [A-Z]?*")


@pytest.mark.parametrize("bang", ["!", "! ", "not ", "NOT "])
def test_it_reads_a_negated_call_as_segments_string_only_negation(bang):
    assert parse(f'{bang}contains(event, "Test")') == Contains(EVENT, "Test", negated=True)


def test_it_reads_a_negated_match():
    assert parse('!match(event, "*Test")') == Match(EVENT, "*Test", negated=True)


def test_it_reads_a_negated_parenthesised_call_as_logical_negation():
    assert parse('!(contains(event, "Test"))') == Not(Contains(EVENT, "Test"))


@pytest.mark.parametrize("bang", ["!", "not "])
def test_it_reads_a_negated_condition(bang):
    assert parse(f'{bang}type = "track"') == Not(Compare(TYPE, "=", "track"))


def test_it_reads_a_negated_group():
    assert parse('not (event = "A" or event = "B")') == Not(Or((A, B)))


def test_it_reads_double_negation():
    assert parse('!!(event = "A")') == Not(Not(A))


def test_it_negates_only_the_next_condition():
    assert parse('!event = "A" and event = "B"') == And((Not(A), B))


# Precedence and grouping.


def test_it_binds_and_tighter_than_or():
    assert parse('event = "A" or event = "B" and event = "C" or event = "D"') == Or((A, And((B, C)), D))


def test_it_collects_a_run_of_and_into_one_node():
    assert parse('event = "A" and event = "B" and event = "C"') == And((A, B, C))


def test_it_keeps_a_parenthesised_run_as_its_own_node():
    assert parse('(event = "A" and event = "B") and event = "C"') == And((And((A, B)), C))


def test_it_groups_an_or_inside_an_and():
    assert parse('event = "A" and (event = "B" or event = "C")') == And((A, Or((B, C))))


def test_it_ignores_redundant_parentheses():
    assert parse('((event = "A"))') == A


def test_it_nests_parentheses_deeply():
    depth = MAX_DEPTH
    assert parse("(" * depth + 'event = "A"' + ")" * depth) == A


def test_it_reads_text_spread_over_lines():
    assert parse('type = "track"\n  and (\n    event = "A"\n  )\n') == And((Compare(TYPE, "=", "track"), A))
