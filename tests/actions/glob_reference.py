"""Two independent ways to match a glob, to check the real matcher against.

`regex_match` is the obvious translation to a regular expression (exact,
but it backtracks, so only for short texts); `state_set_match` walks the
text once keeping the set of pattern positions reached (for long texts).
"""

import re

from actions.triggers.globs import CharClass, Piece


def regex_match(pieces: list[Piece], text: str) -> bool:
    parts: list[str] = []
    for kind, piece in pieces:
        if kind == "literal":
            parts.append(re.escape(str(piece)))
        elif kind == "star":
            parts.append(".*")
        elif kind == "one":
            parts.append(".")
        else:
            assert isinstance(piece, CharClass)
            members = "".join(f"{re.escape(low)}-{re.escape(high)}" for low, high in piece.ranges)
            parts.append("[" + ("^" if piece.negated else "") + members + "]")
    return re.fullmatch("".join(parts), text, re.DOTALL) is not None


def _atoms(pieces: list[Piece]) -> list[tuple[str, object]]:
    atoms: list[tuple[str, object]] = []
    for kind, piece in pieces:
        if kind == "literal":
            atoms.extend(("char", char) for char in str(piece))
        else:
            atoms.append((kind, piece))
    return atoms


def _close(atoms: list[tuple[str, object]], states: set[int]) -> set[int]:
    # A star may match nothing: reaching it also reaches the atom after it.
    closed = set(states)
    for index in sorted(states):
        while index < len(atoms) and atoms[index][0] == "star":
            index += 1
            closed.add(index)
    return closed


def _accepts(atom: tuple[str, object], char: str) -> bool:
    kind, value = atom
    if kind == "char":
        return value == char
    if kind == "class":
        assert isinstance(value, CharClass)
        return any(low <= char <= high for low, high in value.ranges) != value.negated
    return True


def state_set_match(pieces: list[Piece], text: str) -> bool:
    atoms = _atoms(pieces)
    states = _close(atoms, {0})
    for char in text:
        following: set[int] = set()
        for index in states:
            if index == len(atoms):
                continue
            if atoms[index][0] == "star":
                following.add(index)
            elif _accepts(atoms[index], char):
                following.add(index + 1)
        states = _close(atoms, following)
        if not states:
            return False
    return len(atoms) in states
