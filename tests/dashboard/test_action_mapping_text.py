"""Mappings as one line of text in the editor, and back (no Django)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.catalog import KINDS
from actions.mapping.text import MappingTextError, from_text, to_text


@pytest.mark.parametrize(
    ("text", "mapping"),
    [
        ("", None),
        ("   ", None),
        ("$.traits.email", {"@path": "$.traits.email"}),
        (
            "$.traits.email | $.properties.email",
            {
                "@if": {
                    "exists": {"@path": "$.traits.email"},
                    "then": {"@path": "$.traits.email"},
                    "else": {"@path": "$.properties.email"},
                }
            },
        ),
        (
            "{{traits.first_name}} {{traits.last_name}}",
            {"@template": "{{traits.first_name}} {{traits.last_name}}"},
        ),
        ("Hi {{traits.name}}", {"@template": "Hi {{traits.name}}"}),
        ("Web", "Web"),
        ("a | b", "a | b"),
        ('"$.not a path"', "$.not a path"),
        ('{"@literal": "{{x}}"}', {"@literal": "{{x}}"}),
        ("[1, 2]", [1, 2]),
        ("5", "5"),
        ('{"@literal": 5}', 5),
        ('{"@literal": true}', True),
    ],
)
def test_it_reads_each_form(text, mapping):
    assert from_text(text) == mapping


def test_it_refuses_broken_json_with_where():
    with pytest.raises(MappingTextError, match="column"):
        from_text('{"@path": ')


@pytest.mark.parametrize("spec", KINDS.values(), ids=lambda spec: spec.key)
def test_every_catalog_default_reads_back_from_its_short_form(spec):
    for mapping in spec.default_fields().values():
        text = to_text(mapping)
        assert not text.startswith("{")
        assert from_text(text) == mapping


def test_it_writes_numbers_and_booleans_as_literals():
    assert to_text(5) == '{"@literal": 5}'
    assert to_text(False) == '{"@literal": false}'


def test_it_writes_a_literal_that_looks_like_a_path_as_json():
    assert to_text("$.traits.email") == '"$.traits.email"'
    assert to_text(" padded ") == '" padded "'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@given(json_values)
def test_any_mapping_reads_back_from_its_text(mapping):
    if mapping is None:
        assert to_text(mapping) == ""
    else:
        assert from_text(to_text(mapping)) == mapping
