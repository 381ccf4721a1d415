"""The editor's preview: why an event does not match."""

import pytest

from actions.triggers import explain, parse

ORDER = {"type": "track", "event": "Order Completed", "properties": {"total": "150", "tags": ["a", "b"]}}


def _explain(text, event):
    return explain(parse(text), event)


def test_it_says_nothing_when_the_event_matches():
    assert _explain('type = "track"', ORDER) is None


def test_it_names_the_failing_condition_and_the_actual_value():
    assert _explain('type = "identify"', ORDER) == 'type = "identify" is false: type is "track"'


def test_it_names_the_first_failing_condition_of_an_and():
    assert (
        _explain('type = "track" and event = "Signed Up" and userId != null', ORDER)
        == 'event = "Signed Up" is false: event is "Order Completed"'
    )


def test_it_names_the_first_alternative_of_a_failing_or():
    assert _explain('event = "A" or event = "B"', ORDER) == 'event = "A" is false: event is "Order Completed"'


def test_it_looks_inside_a_failing_group():
    assert (
        _explain('type = "track" and (event = "A" or event = "B")', ORDER)
        == 'event = "A" is false: event is "Order Completed"'
    )


def test_it_says_a_field_is_missing():
    assert _explain("traits.email != null", ORDER) == "traits.email != null is false: traits.email is missing"


def test_it_says_a_field_is_null():
    assert _explain('userId = "u1"', {"userId": None}) == 'userId = "u1" is false: userId is null'


def test_it_points_out_a_number_written_as_text():
    assert (
        _explain("properties.total >= 100", ORDER)
        == 'properties.total >= 100 is false: properties.total is "150" (text, not a number)'
    )


def test_it_points_out_text_compared_with_a_number():
    assert (
        _explain('properties.total = "150"', {"properties": {"total": 150}})
        == 'properties.total = "150" is false: properties.total is 150 (a number, not text)'
    )


def test_it_points_out_text_compared_with_a_boolean():
    assert (
        _explain("traits.vip = true", {"traits": {"vip": "true"}})
        == 'traits.vip = true is false: traits.vip is "true" (text, not true or false)'
    )


def test_it_describes_a_list():
    assert (
        _explain('contains(properties.tags, "a")', ORDER)
        == 'contains(properties.tags, "a") is false: properties.tags is a list of 2 items (not text)'
    )


def test_it_describes_an_object():
    assert (
        _explain('context.library = "x"', {"context": {"library": {}}})
        == 'context.library = "x" is false: context.library is an object (not text)'
    )


def test_it_explains_a_negated_condition_by_the_value_that_made_it_true():
    assert _explain('!(type = "track")', ORDER) == '!(type = "track") is false: type is "track"'


def test_it_explains_a_negated_group_by_the_group_being_true():
    assert (
        _explain('!(type = "track" and userId = null)', ORDER)
        == '!(type = "track" and userId = null) is false: type = "track" and userId = null is true'
    )


def test_it_explains_segments_bang_contains_on_a_missing_field():
    assert (
        _explain('!contains(event, "Test")', {"type": "identify"})
        == '!contains(event, "Test") is false: event is missing'
    )


def test_it_cuts_a_long_value_short():
    reason = _explain('event = "x"', {"event": "y" * 500})

    assert reason == 'event = "x" is false: event is "' + "y" * 59 + '…"'


@pytest.mark.parametrize("event", [None, [], "text", 3, {"properties": [1]}])
def test_it_never_raises_on_an_odd_event(event):
    assert _explain("properties.total > 1", event) == (
        "properties.total > 1 is false: properties.total is missing"
    )
