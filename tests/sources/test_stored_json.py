import json

from sources.stored_json import UNREADABLE, TolerantDecoder


def test_it_reads_ordinary_json_as_json():
    assert json.loads('{"a": [1, {"b": null}]}', cls=TolerantDecoder) == {"a": [1, {"b": None}]}


def test_it_reads_json_nested_past_the_stack_as_a_marker():
    assert json.loads('{"a":' * 5000 + "1" + "}" * 5000, cls=TolerantDecoder) == {UNREADABLE: True}


def test_it_still_refuses_text_that_is_not_json():
    try:
        json.loads("{nope", cls=TolerantDecoder)
    except json.JSONDecodeError as exc:
        assert exc.pos == 1
    else:
        raise AssertionError("malformed JSON was read")
