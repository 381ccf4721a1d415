"""match() patterns: the common shapes take shortcuts that agree with the full expression."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.triggers.globs import MAX_TEXT_LENGTH, GlobError, compile_glob, parse_glob
from tests.actions.glob_reference import regex_match, state_set_match


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


def test_it_uses_the_segment_matcher_for_other_shapes():
    assert compile_glob("a?c").__qualname__.startswith("segment_glob")


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
    assert compile_glob(pattern)(text) == regex_match(parse_glob(pattern), text)


def test_it_agrees_with_the_state_set_reference_on_short_texts():
    # The two references agree with each other, so either may judge long texts.
    for pattern in ["*a*a*b", "a?[!b]*", "*[a-c]?*c", "?*?", "*\\**"]:
        for text in ["", "a", "aab", "abcabc", "a*b", "cab?c"]:
            pieces = parse_glob(pattern)
            assert state_set_match(pieces, text) == regex_match(pieces, text)


# Long texts: a short unit repeated thousands of times between two short ends,
# so the hard cases (a long run of almost-matches) come up.
_LONG_TEXTS = st.builds(
    lambda head, unit, count, tail: (head + unit * count + tail)[:MAX_TEXT_LENGTH],
    st.text(alphabet="abc*", max_size=6),
    st.text(alphabet="abc", min_size=1, max_size=4),
    st.integers(min_value=0, max_value=MAX_TEXT_LENGTH // 2),
    st.text(alphabet="abc*", max_size=6),
)
_LONG_PIECES = st.sampled_from(["*", "?", "a", "b", "c", "ab", "[ab]", "[!a]", "\\*"])


@settings(deadline=None, max_examples=40)
@given(st.lists(_LONG_PIECES, max_size=7).map("".join), _LONG_TEXTS)
def test_it_agrees_with_the_reference_on_texts_up_to_32_kb(pattern, text):
    pieces = parse_glob(pattern)

    assert compile_glob(pattern)(text) == state_set_match(pieces, text)


def test_it_answers_a_backtracking_trap_on_a_long_text():
    # The pattern that held intake's write lock for 22 s as a regular expression.
    assert not compile_glob("*a*a*a*a*a*a*a*b")("a" * MAX_TEXT_LENGTH)
    assert compile_glob("*a*a*a*a*a*a*a*b")("a" * (MAX_TEXT_LENGTH - 1) + "b")


@pytest.mark.parametrize("pattern", ["*", "a*", "*a", "*a*", "*a?a*", "a*?"])
def test_it_matches_no_text_longer_than_the_cap(pattern):
    assert compile_glob(pattern)("a" * MAX_TEXT_LENGTH)
    assert not compile_glob(pattern)("a" * (MAX_TEXT_LENGTH + 1))
