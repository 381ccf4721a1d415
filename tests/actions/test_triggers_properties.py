"""Properties: text written from a parsed trigger parses back to it; nothing raises."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.triggers import (
    And,
    Call,
    Compare,
    Field,
    In,
    Not,
    Or,
    TriggerSyntaxError,
    generate,
    matches,
    parse,
)
from actions.triggers.nodes import PATH_ROOTS, PLAIN_FIELDS

segments = st.text(min_size=1, max_size=6) | st.integers(min_value=0, max_value=20)
fields = st.builds(Field, st.sampled_from(PLAIN_FIELDS)) | st.builds(
    Field, st.sampled_from(PATH_ROOTS), st.lists(segments, min_size=1, max_size=3).map(tuple)
)
numbers = st.integers(min_value=-(10**12), max_value=10**12) | st.floats(
    allow_nan=False, allow_infinity=False
).filter(lambda f: math.isfinite(f))
values = st.none() | st.booleans() | numbers | st.text(max_size=8)
leaves = st.one_of(
    st.builds(Compare, fields, st.sampled_from(["=", "!="]), values),
    st.builds(Compare, fields, st.sampled_from(["<", "<=", ">", ">="]), numbers),
    st.builds(In, fields, st.lists(values, min_size=1, max_size=3).map(tuple), st.booleans()),
    st.builds(Call, st.sampled_from(["contains", "match"]), fields, st.text(max_size=6), st.booleans()),
)


def _group(kind, children):
    flat: list = []
    for child in children:
        flat.extend(child.operands if isinstance(child, kind) else [child])
    return kind(tuple(flat))


triggers = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: _group(And, c)),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: _group(Or, c)),
    ),
    max_leaves=8,
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300)
@given(triggers)
def test_it_parses_what_it_generates_back_to_the_same_trigger(trigger):
    assert parse(generate(trigger)) == trigger


@given(
    triggers,
    st.dictionaries(
        st.sampled_from(["type", "event", "properties", "traits", "context", "userId"]), json_values
    ),
)
def test_it_never_raises_on_any_event(trigger, event):
    assert matches(trigger, event) in (True, False)


@given(st.text(max_size=40) | st.text(alphabet="()!=<>[],'\"\\ .andortypeventraits0123", max_size=40))
def test_it_raises_only_syntax_errors_on_any_text_and_points_inside_it(text):
    try:
        trigger = parse(text)
    except TriggerSyntaxError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert parse(generate(trigger)) == trigger
