"""The intake benchmark still runs end to end (its figures live in docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_runs_the_intake_benchmark_with_routing_on_a_few_events():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_intake.py"), "--events", "300", "--route"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "SQLite with routing to one action: 300 events" in result.stdout
    assert "events/s" in result.stdout
