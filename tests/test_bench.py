"""The quota and throughput benchmark still runs end to end (its figures live in docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_runs_every_mode_and_the_reference_on_a_few_events():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # A few events never fill a batch: send them at once rather than wait for a follow-up.
    env |= {"DELIVERY_BULK_MAX_WAIT_SECONDS": "0"}

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--events", "200", "--latency-ms", "1",
         "--reference-events", "5"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[2:]] == [
        "| rest-create",
        "| rest-upsert-email",
        "| rest-upsert-external",
        "| bulk-upsert",
    ]
    assert "reference rest-upsert-email: 5 events" in result.stdout
    assert "2.00 calls/event" in result.stdout


def test_it_runs_the_glob_growth_benchmark_over_every_pattern():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_globs.py"), "--repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("growth ratio") == 6
    assert "*utm*source*google*" in result.stdout
