"""Triggers mean what they mean in Segment and Customer.io, minus their parser's sharp edges.

The examples, the typing table and the sharp edges are those of the
subscription language (Segment's destination-subscriptions package).
"""

import pytest

from actions.triggers import (
    And,
    Compare,
    Contains,
    Field,
    In,
    Match,
    Not,
    Or,
    Trigger,
    TriggerSyntaxError,
    explain,
    generate,
    matches,
    parse,
)

TYPE = Field("type")
EVENT = Field("event")

IDENTIFY = {
    "type": "identify",
    "userId": "u1",
    "traits": {"email": "ada@example.com", "plan": "premium", "logins": 12},
    "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
}
ORDER = {"type": "track", "event": "Order Completed", "properties": {"total": 600, "price": 20}}
PRODUCT = {"type": "track", "event": "Product Added", "properties": {"price": 150, "name": "Nike Air"}}
TEST_EVENT = {"type": "track", "event": "Test Order", "properties": {"product 1": {"price": 7}}}
GROUP = {"type": "group", "groupId": "g1", "traits": {"name": "Acme"}}


# Every example of the language works, parses to the tree Segment builds,
# and takes the events Segment takes.

SEGMENT_EXAMPLES: list[tuple[str, Trigger, list[dict], list[dict]]] = [
    ('type = "identify"', Compare(TYPE, "=", "identify"), [IDENTIFY], [ORDER, GROUP]),
    ('type = "group"', Compare(TYPE, "=", "group"), [GROUP], [IDENTIFY]),
    (
        'type = "track" and event = "Order Completed"',
        And((Compare(TYPE, "=", "track"), Compare(EVENT, "=", "Order Completed"))),
        [ORDER],
        [PRODUCT, IDENTIFY],
    ),
    (
        'event = "Product Added" or event = "Order Completed"',
        Or((Compare(EVENT, "=", "Product Added"), Compare(EVENT, "=", "Order Completed"))),
        [ORDER, PRODUCT],
        [TEST_EVENT, IDENTIFY],
    ),
    (
        'type = "track" and (event = "Product Added" or event = "Order Completed")',
        And(
            (
                Compare(TYPE, "=", "track"),
                Or((Compare(EVENT, "=", "Product Added"), Compare(EVENT, "=", "Order Completed"))),
            )
        ),
        [ORDER, PRODUCT],
        [TEST_EVENT],
    ),
    (
        '(event = "Product Added" and properties.price >= 100) or '
        '(event = "Order Completed" and properties.total >= 500)',
        Or(
            (
                And(
                    (
                        Compare(EVENT, "=", "Product Added"),
                        Compare(Field("properties", ("price",)), ">=", 100),
                    )
                ),
                And(
                    (
                        Compare(EVENT, "=", "Order Completed"),
                        Compare(Field("properties", ("total",)), ">=", 500),
                    )
                ),
            )
        ),
        [ORDER, PRODUCT],
        [TEST_EVENT, {**PRODUCT, "properties": {"price": 99}}],
    ),
    (
        'type = "identify" and traits.plan = "premium" and traits.logins >= 10',
        And(
            (
                Compare(TYPE, "=", "identify"),
                Compare(Field("traits", ("plan",)), "=", "premium"),
                Compare(Field("traits", ("logins",)), ">=", 10),
            )
        ),
        [IDENTIFY],
        [{**IDENTIFY, "traits": {"plan": "premium", "logins": 3}}],
    ),
    (
        'event = "Product Added" and contains(properties.name, "Nike")',
        And((Compare(EVENT, "=", "Product Added"), Contains(Field("properties", ("name",)), "Nike"))),
        [PRODUCT],
        [ORDER, {**PRODUCT, "properties": {"name": "nike air"}}],
    ),
    (
        '!contains(event, "Test")',
        Contains(EVENT, "Test", negated=True),
        [ORDER, PRODUCT],
        [TEST_EVENT, IDENTIFY],
    ),
    ('match(event, "Order*")', Match(EVENT, "Order*"), [ORDER], [PRODUCT, TEST_EVENT, IDENTIFY]),
    ("traits.email != null", Compare(Field("traits", ("email",)), "!=", None), [IDENTIFY], [ORDER, GROUP]),
    (
        'context.library.name = "analytics-python"',
        Compare(Field("context", ("library", "name")), "=", "analytics-python"),
        [IDENTIFY],
        [ORDER],
    ),
    (
        "properties.product\\ 1.price > 5",
        Compare(Field("properties", ("product 1", "price")), ">", 5),
        [TEST_EVENT],
        [ORDER],
    ),
]


@pytest.mark.parametrize(("text", "tree", "taken", "left"), SEGMENT_EXAMPLES)
def test_it_parses_every_segment_example_to_segments_tree(text, tree, taken, left):
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "tree", "taken", "left"), SEGMENT_EXAMPLES)
def test_it_takes_the_events_segment_takes(text, tree, taken, left):
    assert all(matches(tree, event) for event in taken)


@pytest.mark.parametrize(("text", "tree", "taken", "left"), SEGMENT_EXAMPLES)
def test_it_leaves_the_events_segment_leaves(text, tree, taken, left):
    assert not any(matches(tree, event) for event in left)


@pytest.mark.parametrize(
    ("text", "tree"), [(text, tree) for text, tree, _, _ in SEGMENT_EXAMPLES if not text.startswith("(")]
)
def test_it_writes_segment_examples_back_as_they_were(text, tree):
    assert generate(tree) == text


def test_it_drops_parentheses_that_precedence_makes_unneeded():
    _, tree, _, _ = SEGMENT_EXAMPLES[5]

    assert generate(tree) == (
        'event = "Product Added" and properties.price >= 100 or event = "Order Completed" and properties.total >= 500'
    )


# The typing table: what each operator takes, row by row.


MISSING = object()


def _with(value):
    """An event whose properties.f is value; MISSING leaves it out."""
    return {"type": "track", "properties": {} if value is MISSING else {"f": value}}


TYPING = [
    # f = "s": exactly the text.
    ('properties.f = "5"', "5", True),
    ('properties.f = "5"', 5, False),
    ('properties.f = "5"', "05", False),
    ('properties.f = "5"', MISSING, False),
    ('properties.f = "true"', True, False),
    # f = 5: a number equal to 5.
    ("properties.f = 5", 5, True),
    ("properties.f = 5", 5.0, True),
    ("properties.f = 5", "5", False),
    ("properties.f = 1", True, False),
    ("properties.f = 5", MISSING, False),
    # f != "s": anything but that text, a missing field included.
    ('properties.f != "5"', "6", True),
    ('properties.f != "5"', 5, True),
    ('properties.f != "5"', MISSING, True),
    ('properties.f != "5"', None, True),
    ('properties.f != "5"', "5", False),
    # f != 5: a number other than 5; missing is false.
    ("properties.f != 5", 6, True),
    ("properties.f != 5", 5, False),
    ("properties.f != 5", "6", False),
    ("properties.f != 5", MISSING, False),
    ("properties.f != 5", None, False),
    # < <= > >=: numbers only; a numeric text never matches.
    ("properties.f < 10", 9, True),
    ("properties.f < 10", 10, False),
    ("properties.f <= 10", 10, True),
    ("properties.f > 10", 10.5, True),
    ("properties.f >= 10", 10, True),
    ("properties.f >= 10", 9.99, False),
    ("properties.f < 10", "9", False),
    ("properties.f > 0", True, False),
    ("properties.f < 10", MISSING, False),
    ("properties.f < 10", None, False),
    ("properties.f > -1", -0.5, True),
    # = true / = false: that boolean only.
    ("properties.f = true", True, True),
    ("properties.f = true", "true", False),
    ("properties.f = true", 1, False),
    ("properties.f = false", False, True),
    ("properties.f = false", 0, False),
    ("properties.f = false", MISSING, False),
    # != null: present and not null.
    ("properties.f != null", "", True),
    ("properties.f != null", 0, True),
    ("properties.f != null", False, True),
    ("properties.f != null", None, False),
    ("properties.f != null", MISSING, False),
    # = null: missing or null.
    ("properties.f = null", None, True),
    ("properties.f = null", MISSING, True),
    ("properties.f = null", "", False),
    # contains: a text containing it.
    ('contains(properties.f, "ik")', "Nike", True),
    ('contains(properties.f, "IK")', "Nike", False),
    ('contains(properties.f, "1")', 12, False),
    ('contains(properties.f, "a")', ["a"], False),
    ('contains(properties.f, "a")', MISSING, False),
    # !contains: a text not containing it; missing is false.
    ('!contains(properties.f, "ik")', "Adidas", True),
    ('!contains(properties.f, "ik")', "Nike", False),
    ('!contains(properties.f, "ik")', MISSING, False),
    ('!contains(properties.f, "ik")', 5, False),
    # match "s*" / "*s": prefix / suffix of a text.
    ('match(properties.f, "Or*")', "Order", True),
    ('match(properties.f, "Or*")', "order", False),
    ('match(properties.f, "*er")', "Order", True),
    ('match(properties.f, "*er")', "Orders", False),
    ('match(properties.f, "1*")', 12, False),
    # !match negates, still on texts only.
    ('!match(properties.f, "Or*")', "Cart", True),
    ('!match(properties.f, "Or*")', "Order", False),
    ('!match(properties.f, "Or*")', MISSING, False),
    ('!match(properties.f, "*er")', None, False),
]


@pytest.mark.parametrize(("text", "value", "expected"), TYPING)
def test_it_keeps_segments_strict_typing(text, value, expected):
    assert matches(parse(text), _with(value)) is expected


def test_it_matches_case_sensitively():
    assert not matches(parse('type = "Identify"'), IDENTIFY)


# The sharp edges of Segment's parser, each fixed.


def test_it_binds_and_tighter_than_a_leading_or():
    # Segment reads the whole level as AND (the last conjunction wins).
    tree = parse('type = "track" or type = "identify" and event = "X"')

    assert tree == Or(
        (Compare(TYPE, "=", "track"), And((Compare(TYPE, "=", "identify"), Compare(EVENT, "=", "X"))))
    )
    assert matches(tree, {"type": "track", "event": "Y"})
    assert not matches(tree, {"type": "identify", "event": "Y"})


def test_it_binds_and_tighter_than_a_trailing_or():
    # Segment reads the whole level as OR.
    tree = parse('type = "track" and event = "A" or event = "B"')

    assert tree == Or(
        (And((Compare(TYPE, "=", "track"), Compare(EVENT, "=", "A"))), Compare(EVENT, "=", "B"))
    )
    assert matches(tree, {"type": "page", "event": "B"})
    assert not matches(tree, {"type": "page", "event": "A"})


def test_it_nests_parentheses_beyond_one_level():
    tree = parse('(type = "track" and (event = "A" or event = "B"))')

    assert tree == And(
        (Compare(TYPE, "=", "track"), Or((Compare(EVENT, "=", "A"), Compare(EVENT, "=", "B"))))
    )


def test_it_negates_a_parenthesised_group():
    # Segment silently drops the "!" and matches tracks.
    tree = parse('!(type = "track")')

    assert tree == Not(Compare(TYPE, "=", "track"))
    assert not matches(tree, ORDER)
    assert matches(tree, IDENTIFY)


def test_it_reads_single_quoted_strings():
    # Segment keeps the quotes and never matches.
    assert matches(parse("type = 'identify'"), IDENTIFY)


def test_it_reads_backslash_escapes_in_strings():
    assert parse(r'event = "Say \"hi\""') == Compare(EVENT, "=", 'Say "hi"')


def test_it_supports_in_lists():
    tree = parse('event in ["A", "B"]')

    assert tree == In(EVENT, ("A", "B"))
    assert matches(tree, {"event": "B"})


def test_it_refuses_functions_it_does_not_have():
    with pytest.raises(TriggerSyntaxError, match=r"Unknown function lowercase\(\)"):
        parse('lowercase(event) = "x"')


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("anonymousId != null", {"anonymousId": "a1"}),
        ('groupId = "g1"', GROUP),
        ('previousId = "old"', {"type": "alias", "previousId": "old", "userId": "new"}),
    ],
)
def test_it_knows_the_extra_fields(text, event):
    assert matches(parse(text), event)


def test_it_refuses_fields_outside_the_language():
    with pytest.raises(TriggerSyntaxError, match=r'Unknown field "messageId" at column 1;.*userId'):
        parse('messageId = "m1"')


def test_it_refuses_a_bare_word_as_a_value():
    # Segment takes it as the text "identify".
    with pytest.raises(TriggerSyntaxError, match=r'did you mean "identify"\?'):
        parse("type = identify")


def test_it_refuses_a_dangling_and():
    # Segment ignores it.
    with pytest.raises(TriggerSyntaxError, match='Expected a condition after "and" at column 19'):
        parse('type = "track" and')


def test_it_requires_a_trigger():
    with pytest.raises(TriggerSyntaxError) as raised:
        parse("")

    assert str(raised.value) == "A trigger is required"


def test_it_refuses_an_unknown_word():
    with pytest.raises(TriggerSyntaxError, match='Unknown field "typo"'):
        parse("typo")


def test_it_explains_a_segment_example_on_the_wrong_event():
    assert explain(parse('type = "identify"'), ORDER) == 'type = "identify" is false: type is "track"'
