"""Properties: a mapping that validates never fails on any event; validate never raises."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.mapping import MISSING, MappingError, evaluate, paths, paths_used, render_fields, validate
from actions.mapping.evaluation import compile_fields

# Names that the generated paths use, so that paths often find something.
NAMES = ["traits", "properties", "a", "b", "0", "1", "x y", "$", "email"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities too: Python's json reads them
    | st.text(max_size=6)
    | st.sampled_from(["", "0", "{{a}}", '{"a": 1}', "[1, 2]", "NaN"])
)
events = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=4), children, max_size=5)
    ),
    max_leaves=25,
)

steps = st.lists(
    st.sampled_from(NAMES).map(lambda n: "." + n)
    | st.text(st.characters(blacklist_characters=".[]{}"), min_size=1, max_size=4).map(lambda n: "." + n)
    | st.integers(0, 3).map(lambda i: f"[{i}]"),
    max_size=4,
)
path_texts = st.tuples(st.sampled_from(["$", ""]), steps).map(
    lambda parts: (parts[0] + "".join(parts[1])) if parts[0] == "$" else "".join(parts[1]).removeprefix(".")
)
# Literal template text: anything without braces; placeholders in double or triple braces.
template_texts = st.lists(
    st.text(st.characters(blacklist_characters="{}"), max_size=4)
    | path_texts.filter(lambda p: p.strip() == p and p != "").map(lambda p: "{{" + p + "}}")
    | path_texts.filter(lambda p: p.strip() == p and p != "").map(lambda p: "{{{ " + p + " }}}"),
    max_size=4,
).map("".join)
raw_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(["", "{{a}}"])
)
short_texts = st.text(min_size=1, max_size=4)


def directives(children):
    at_path = path_texts.map(lambda p: {"@path": p})
    return st.one_of(
        at_path,
        template_texts.map(lambda t: {"@template": t}),
        children.map(lambda m: {"@literal": m}),
        st.fixed_dictionaries({"operator": st.sampled_from(["lower", "upper"]), "value": children}).map(
            lambda o: {"@case": o}
        ),
        st.fixed_dictionaries(
            {"value": children, "pattern": short_texts},
            optional={
                "replacement": st.text(max_size=4),
                "global": st.booleans(),
                "ignorecase": st.booleans(),
                "pattern2": short_texts,
            },
        ).map(lambda o: {"@replace": o}),
        st.tuples(
            path_texts | at_path, st.dictionaries(st.sampled_from(["k", "l"]), children, max_size=2)
        ).map(lambda t: {"@arrayPath": [t[0], t[1]]}),
        path_texts.map(lambda p: {"@arrayPath": [p]}),
        st.fixed_dictionaries({"mode": st.sampled_from(["encode", "decode"]), "value": children}).map(
            lambda o: {"@json": o}
        ),
        st.fixed_dictionaries(
            {
                "objects": st.lists(
                    at_path | st.dictionaries(st.sampled_from(["k", "l"]), children, max_size=2)
                )
            },
            optional={"direction": st.sampled_from(["left", "right"])},
        ).map(lambda o: {"@merge": o}),
        st.fixed_dictionaries(
            {"value": children, "separator": short_texts}, optional={"omitArrays": st.booleans()}
        ).map(lambda o: {"@flatten": o}),
        children.map(lambda m: {"@excludeWhenNull": m}),
    )


def conditionals(children):
    # Three shapes rather than a filter: a retried filter makes hypothesis
    # write out the whole recursive strategy.
    branches = (
        st.fixed_dictionaries({"then": children})
        | st.fixed_dictionaries({"else": children})
        | st.fixed_dictionaries({"then": children, "else": children})
    )
    return st.tuples(st.sampled_from(["exists", "blank"]), children, branches).map(
        lambda t: {"@if": {t[0]: t[1], **t[2]}}
    )


valid_mappings = st.recursive(
    raw_values | path_texts.map(lambda p: {"@path": p}),
    lambda children: (
        directives(children)
        | conditionals(children)
        | st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["Email", "Name", "x"]), children, max_size=3)
    ),
    max_leaves=12,
)

# Arbitrary JSON whose keys and values are often directive words, so that
# near-valid shapes are common.
WORDS = [
    "@path",
    "@if",
    "@template",
    "@literal",
    "@case",
    "@replace",
    "@arrayPath",
    "@json",
    "@merge",
    "@flatten",
    "@excludeWhenNull",
    "@liquid",
    "@nope",
    "_metadata",
    "exists",
    "blank",
    "then",
    "else",
    "operator",
    "value",
    "pattern",
    "replacement",
    "pattern2",
    "replacement2",
    "global",
    "ignorecase",
    "mode",
    "objects",
    "direction",
    "separator",
    "omitArrays",
]
VALUES = ["lower", "upper", "encode", "decode", "left", "right", "$.a", "a..b", "{{a}}", "{{", "-", ""]
any_json = st.recursive(
    scalars | st.sampled_from(VALUES),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=15,
)


@settings(max_examples=400, deadline=None)
@given(mapping=valid_mappings, event=events)
def test_it_never_fails_on_any_event_with_a_mapping_that_validated(mapping, event):
    assert validate(mapping) == []

    evaluate(mapping, event)
    render_fields({"Field": mapping}, event)


@settings(max_examples=400, deadline=None)
@given(mapping=any_json, event=events)
def test_it_never_fails_on_any_event_with_arbitrary_json_that_validated(mapping, event):
    if validate(mapping) == []:
        evaluate(mapping, event)


@settings(max_examples=400, deadline=None)
@given(mapping=any_json)
def test_it_answers_arbitrary_json_with_a_list_of_errors(mapping):
    errors = validate(mapping)

    assert all(isinstance(e, MappingError) and isinstance(e.message, str) for e in errors)


@given(mapping=any_json)
def test_it_lists_paths_of_arbitrary_json_without_failing(mapping):
    assert all(isinstance(p, str) for p in paths_used(mapping))


@given(path=path_texts)
def test_it_reads_back_a_canonical_path_as_the_same_steps(path):
    parsed = paths.parse(path)

    assert paths.parse(paths.canonical(parsed)) == parsed


@given(mapping=valid_mappings, event=events)
def test_it_leaves_no_missing_inside_a_result(mapping, event):
    result = evaluate(mapping, event)
    pending = [result]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        else:
            assert value is not MISSING or value is result


def _slots(value, found):
    # Every (container, key) in a mapping, so that one can be replaced.
    if isinstance(value, dict):
        for key, member in value.items():
            found.append((value, key))
            _slots(member, found)
    elif isinstance(value, list):
        for i, member in enumerate(value):
            found.append((value, i))
            _slots(member, found)
    return found


@settings(max_examples=400, deadline=None)
@given(mapping=valid_mappings, junk=any_json, pick=st.integers(0, 10_000), event=events)
def test_it_never_fails_on_any_event_with_a_damaged_mapping_that_still_validated(mapping, junk, pick, event):
    # A valid mapping with one part replaced by arbitrary JSON: near-valid
    # shapes that a generator of valid mappings would never produce.
    slots = _slots(mapping, [])
    if slots:
        container, key = slots[pick % len(slots)]
        container[key] = junk

    if validate(mapping) == []:
        evaluate(mapping, event)


def _same(a, b):
    # NaN read from an event is not equal to itself; compare the JSON texts.
    return json.dumps(a, sort_keys=True, default=repr) == json.dumps(b, sort_keys=True, default=repr)


@settings(max_examples=600, deadline=None)
@given(mapping=valid_mappings, event=events)
def test_a_mapping_compiled_for_a_chunk_gives_what_evaluating_it_gives(mapping, event):
    # The sender reads an action's mappings once per chunk; every event must
    # get exactly what evaluating the mapping for it alone would give.
    evaluated = evaluate(mapping, event)
    expected = {} if evaluated is MISSING or evaluated == "" else {"Field": evaluated}

    assert _same(compile_fields({"Field": mapping})(event), expected)
