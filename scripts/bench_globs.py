#!/usr/bin/env python
"""match() patterns take time linear in the text: `make bench` (first part).

For each pattern, the time to match texts of 1 KB, 2 KB, ... up to 32 KB
(the longest text a pattern is matched against) that almost match, the
worst case for a backtracking matcher. Printed per pattern: microseconds
per KB at each length, and the growth ratio (time per character at the
longest text / time per character at the shortest). A linear matcher keeps
the ratio near 1; a quadratic one would show about 32.

    python scripts/bench_globs.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from actions.triggers.globs import MAX_TEXT_LENGTH, compile_glob

# Patterns and the unit repeated into a near-miss text (the last piece never matches).
CASES = (
    ("*a*a*a*b*", "a"),
    ("*a*a*a*a*a*a*a*a*b*", "a"),
    ("*utm*source*google*", "utm_source=gogle&"),
    ("*a?a?a?b*", "a"),
    ("*[a-c][a-c][!x]b*", "a"),
    ("?*?*?*?*?b?*", "a"),
)
LENGTHS = tuple(1024 * 2**step for step in range(6))


def near_miss(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def seconds_to_match(pattern: str, text: str, repeat: int) -> float:
    glob = compile_glob(pattern)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        glob(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    assert LENGTHS[-1] == MAX_TEXT_LENGTH
    print(
        "match() on near-miss texts: microseconds per KB at " + ", ".join(f"{n // 1024} KB" for n in LENGTHS)
    )
    for pattern, unit in CASES:
        per_kb = []
        for length in LENGTHS:
            seconds = seconds_to_match(pattern, near_miss(unit, length), args.repeat)
            per_kb.append(seconds * 1e6 / (length / 1024))
        ratio = per_kb[-1] / per_kb[0]
        figures = ", ".join(f"{value:,.1f}" for value in per_kb)
        print(f"{pattern:<24} {figures}  growth ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
