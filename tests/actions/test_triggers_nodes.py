"""Trees built by hand (a builder UI's) are checked, so any tree can be written as text."""

import dataclasses
import enum

import pytest

from actions.triggers import And, Compare, Contains, Field, In, Match, Not, Or

EVENT = Field("event")
A = Compare(EVENT, "=", "A")


@pytest.mark.parametrize(
    ("root", "path"),
    [
        ("email", ()),
        ("type", ("x",)),
        ("properties", ()),
        ("properties", (0,)),
        ("properties", ("",)),
        ("properties", ("a", -1)),
        ("properties", ("a", True)),
        ("properties", ["a"]),
        ("properties", ("a\ud800",)),
    ],
)
def test_it_refuses_a_field_that_cannot_be_written(root, path):
    with pytest.raises((TypeError, ValueError)):
        Field(root, path)


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("==", "a"),
        ("<", "5"),
        ("<", True),
        ("<", None),
        ("=", float("nan")),
        ("=", float("inf")),
        ("=", ["a"]),
        ("=", "\udc00"),
    ],
)
def test_it_refuses_a_comparison_that_cannot_be_written(operator, value):
    with pytest.raises((TypeError, ValueError)):
        Compare(EVENT, operator, value)


class Level(enum.IntEnum):
    HIGH = 1


def test_it_refuses_a_value_of_a_subclass_it_could_not_read_back():
    with pytest.raises(TypeError):
        Compare(EVENT, "=", Level.HIGH)


def test_it_refuses_an_empty_in_list():
    with pytest.raises(ValueError):
        In(EVENT, ())


def test_it_refuses_a_bad_glob():
    with pytest.raises(ValueError, match="never closed"):
        Match(EVENT, "[a")


@pytest.mark.parametrize("children", [(), (A,), [A, A]])
def test_it_refuses_a_run_of_fewer_than_two_children(children):
    with pytest.raises(ValueError):
        And(children)


def test_it_refuses_something_else_than_a_node_in_a_run():
    with pytest.raises(TypeError):
        Or((A, "event = 'B'"))  # type: ignore[arg-type]


def test_it_refuses_something_else_than_a_node_under_not():
    with pytest.raises(TypeError):
        Not("event = 'B'")  # type: ignore[arg-type]


def test_it_makes_trees_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        A.value = "B"  # type: ignore[misc]


def test_it_tells_true_from_one():
    assert Compare(EVENT, "=", True) != Compare(EVENT, "=", 1)


def test_it_tells_true_from_one_in_a_list():
    assert In(EVENT, (True,)) != In(EVENT, (1,))


def test_it_hashes_equal_trees_alike():
    assert hash(And((A, Contains(EVENT, "x")))) == hash(And((Compare(EVENT, "=", "A"), Contains(EVENT, "x"))))
