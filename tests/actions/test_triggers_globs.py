"""match() patterns: the common shapes take shortcuts that agree with the full expression."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.triggers.globs import GlobError, compile_glob, parse_glob, regex_glob


@pytest.mark.parametrize(
    ("pattern", "shortcut"),
    [
        ("", "_equals"),
        ("abc", "_equals"),
        ("ab*", "_starts_with"),
        ("*ab", "_ends_with"),
        ("*ab*", "_contains"),
    ],
)
def test_it_takes_a_string_shortcut_for_common_shapes(pattern, shortcut):
    assert compile_glob(pattern).__qualname__.startswith(shortcut)


def test_it_matches_anything_with_a_lone_star():
    assert compile_glob("**")("whatever\nit is")


def test_it_uses_a_precompiled_expression_for_other_shapes():
    assert compile_glob("a?c").__qualname__.startswith("regex_glob")


@pytest.mark.parametrize(
    ("pattern", "offset"), [("ab[c", 2), ("[]", 0), ("[^]", 0), ("[z-a]", 0), ("abc\\", 3), ("[a\\", 0)]
)
def test_it_refuses_a_bad_pattern_with_its_offset(pattern, offset):
    with pytest.raises(GlobError) as raised:
        parse_glob(pattern)

    assert raised.value.offset == offset


@pytest.mark.parametrize(("pattern", "text"), [("[-a]", "-"), ("[a-]", "-"), ("[\\]]", "]"), ("[\\-]", "-")])
def test_it_reads_literal_characters_in_a_class(pattern, text):
    assert compile_glob(pattern)(text)


# Pieces that exercise every shape, with the characters that need escaping.
_PIECES = st.sampled_from(
    ["*", "?", "a", "b", "ab", "\\*", "\\?", "\\[", "\\\\", "[ab]", "[!a]", "[a-c]", ".", "$"]
)
_TEXTS = st.text(alphabet="ab*?[\\.$c\n", max_size=8)


@given(st.lists(_PIECES, max_size=5).map("".join), _TEXTS)
def test_it_agrees_with_the_full_expression_on_any_pattern(pattern, text):
    assert compile_glob(pattern)(text) == regex_glob(parse_glob(pattern))(text)
