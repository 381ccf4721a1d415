"""The trigger language: the hosted products' examples, their sharp edges fixed."""

from __future__ import annotations

import pytest

from actions.triggers import (
    And,
    Compare,
    Field,
    Not,
    Or,
    TriggerSyntaxError,
    compile_trigger,
    explain,
    generate,
    matches,
    parse,
)

TRACK = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u1",
    "properties": {
        "total": 120,
        "name": "Nike Air",
        "price": 99.5,
        "product 1": {"price": 7},
        "items": [{"sku": "a"}],
    },
    "context": {"library": {"name": "analytics-python"}},
}
IDENTIFY = {
    "type": "identify",
    "userId": "u1",
    "traits": {"plan": "premium", "logins": 12, "email": "a@x.io"},
}
GROUP = {"type": "group", "groupId": "g1", "anonymousId": "an"}


def m(text, event):
    return matches(parse(text), event)


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('type = "identify"', IDENTIFY, True),
        ('type = "group"', GROUP, True),
        ('type = "track" and event = "Order Completed"', TRACK, True),
        ('event = "Product Added" or event = "Order Completed"', TRACK, True),
        ('type = "track" and (event = "Product Added" or event = "Order Completed")', TRACK, True),
        (
            '(event = "Product Added" and properties.price >= 100) or (event = "Order Completed" and properties.total >= 500)',
            TRACK,
            False,
        ),
        ('type = "identify" and traits.plan = "premium" and traits.logins >= 10', IDENTIFY, True),
        ('event = "Order Completed" and contains(properties.name, "Nike")', TRACK, True),
        ('!contains(event, "Test")', TRACK, True),
        ('match(event, "Order*")', TRACK, True),
        ("traits.email != null", IDENTIFY, True),
        ('context.library.name = "analytics-python"', TRACK, True),
        ("properties.product\\ 1.price > 5", TRACK, True),
    ],
)
def test_it_means_what_the_hosted_products_mean_by_their_examples(text, event, expected):
    assert m(text, event) is expected


def test_it_binds_and_tighter_than_or():
    text = 'type = "track" or type = "identify" and event = "X"'
    assert m(text, {"type": "track"})
    assert not m(text, {"type": "identify"})
    assert parse(text) == Or(
        (
            Compare(Field("type"), "=", "track"),
            And((Compare(Field("type"), "=", "identify"), Compare(Field("event"), "=", "X"))),
        )
    )


def test_it_nests_parentheses_to_any_depth():
    assert m(
        '(type = "track" and (event = "A" or (event = "Order Completed" and (properties.total > 100))))',
        TRACK,
    )


def test_it_negates_a_group():
    assert not m('!(type = "track")', TRACK)
    assert m('not (type = "identify" or type = "group")', TRACK)
    assert parse('!(type = "track")') == Not(Compare(Field("type"), "=", "track"))


def test_it_reads_single_quotes_and_escapes():
    assert m("type = 'track'", TRACK)
    assert m('event = "Say \\"hi\\""', {"event": 'Say "hi"'})
    assert m("event = 'it\\'s'", {"event": "it's"})
    assert m('event = "caf\\u00e9\\n"', {"event": "café\n"})


def test_it_tests_membership_in_a_list():
    assert m('event in ["Order Completed", "Refund"]', TRACK)
    assert not m('event not in ["Order Completed"]', TRACK)
    assert m("properties.total in [1, 120]", TRACK)
    assert not m('properties.total in ["120"]', TRACK)


@pytest.mark.parametrize("field", ["anonymousId", "groupId", "previousId", "userId", "name"])
def test_it_knows_the_extra_message_fields(field):
    assert m(f'{field} = "x"', {field: "x"})


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ('type = "track" and', "Expected a condition", 19),
        ("type = identify", 'put text in quotes, like "identify"', 8),
        ('type = "track', "A string is not closed", 8),
        ('email = "a"', "Unknown field 'email'", 1),
        ('foo.bar = "a"', "Unknown field", 1),
        ('(type = "track"', 'Expected ")"', 16),
        ('type = "a" type = "b"', 'Expected "and" or "or"', 12),
        ('properties.total < "10"', "compares with a number", 20),
        ("traits = 1", "Name a part of traits", 1),
        ('type ~ "x"', "Unexpected character", 6),
        ("", "A trigger is required", 1),
        ('event = "a\\q"', "Unknown escape", 11),
    ],
)
def test_it_reports_syntax_errors_with_their_column(text, message, column):
    with pytest.raises(TriggerSyntaxError) as error:
        parse(text)
    assert message in str(error.value)
    assert error.value.column == column
    assert str(error.value).endswith(f"at column {column}")


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('f = "5"', {"f": "5"}, True),
        ('f = "5"', {"f": 5}, False),
        ("f = 5", {"f": 5}, True),
        ("f = 5", {"f": "5"}, False),
        ("f = 5", {"f": 5.0}, True),
        ('f != "s"', {}, True),
        ('f != "s"', {"f": "s"}, False),
        ("f != 5", {}, False),
        ("f != 5", {"f": 6}, True),
        ("f != 5", {"f": "6"}, False),
        ("f < 10", {"f": 5}, True),
        ("f < 10", {"f": "5"}, False),
        ("f >= 10", {"f": 10}, True),
        ("f > 10", {}, False),
        ("f = true", {"f": True}, True),
        ("f = true", {"f": "true"}, False),
        ("f = true", {"f": 1}, False),
        ("f = false", {"f": False}, True),
        ("f != null", {"f": 0}, True),
        ("f != null", {"f": None}, False),
        ("f = null", {}, True),
        ("f = null", {"f": None}, True),
        ('contains(f, "b")', {"f": "abc"}, True),
        ('contains(f, "b")', {"f": ["b"]}, False),
        ('!contains(f, "b")', {"f": "xyz"}, True),
        ('!contains(f, "b")', {}, False),
        ('!(contains(f, "b"))', {}, True),
        ('match(f, "*ed")', {"f": "Completed"}, True),
        ('!match(f, "*ed")', {"f": 3}, False),
        ('f = "Identify"', {"f": "identify"}, False),
    ],
)
def test_it_keeps_the_strict_typing_of_the_hosted_products(text, event, expected):
    assert (
        m(text.replace("f ", "properties.f ").replace("(f,", "(properties.f,"), {"properties": event})
        is expected
    )


@pytest.mark.parametrize(
    ("glob", "text", "expected"),
    [
        ("Order*", "Order Completed", True),
        ("*Completed", "Order Completed", True),
        ("Order ?ompleted", "Order Completed", True),
        ("[A-Z]*", "order", False),
        ("[!a-z]*", "Order", True),
        ("\\*star", "*star", True),
        ("\\*star", "xstar", False),
        ("a.b", "axb", False),
    ],
)
def test_it_matches_full_globs(glob, text, expected):
    assert m(f'match(event, "{glob}")'.replace("\\", "\\\\"), {"event": text}) is expected


def test_it_follows_paths_with_indexes():
    assert m('properties.items[0].sku = "a"', TRACK)
    assert not m('properties.items[3].sku = "a"', TRACK)
    assert m("properties.items[3].sku = null", TRACK)


def test_it_treats_a_null_parent_as_missing():
    assert m("traits.address.city = null", {"traits": {"address": None}})
    assert m('traits.address.city != "Paris"', {"traits": {"address": None}})


def test_it_accepts_keywords_in_any_case_and_writes_them_in_lower_case():
    trigger = parse("type = 'track' AND NOT (event IN ['A'] Or userId = NULL)")
    assert generate(trigger) == 'type = "track" and !(event in ["A"] or userId = null)'


def test_it_writes_canonical_text():
    assert (
        generate(parse("(type='track' and (event='A'))or(type='identify')"))
        == 'type = "track" and event = "A" or type = "identify"'
    )


def test_it_explains_why_an_event_does_not_match():
    assert (
        explain(parse('type = "identify" and traits.plan = "pro"'), IDENTIFY)
        == 'traits.plan = "pro" is false: traits.plan is "premium"'
    )
    assert explain(parse("traits.age > 18"), IDENTIFY) == "traits.age > 18 is false: traits.age is missing"
    assert explain(parse('type = "identify"'), IDENTIFY) is None
    assert (explain(parse('type = "a" or type = "b"'), IDENTIFY) or "").startswith("none of the alternatives")


def test_it_compiles_a_trigger_once():
    assert compile_trigger('type = "track"') is compile_trigger('type = "track"')
    assert compile_trigger('type = "track"')(TRACK)


@pytest.mark.parametrize(
    "event", [None, [], "text", {"type": None}, {"properties": [1, 2]}, {"properties": "x"}]
)
def test_it_never_raises_on_strange_events(event):
    assert m('type = "track" or properties.a.b[2] > 1 or contains(properties.x, "y")', event) is False
