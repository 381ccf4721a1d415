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
         "--reference-events", "5", "--steady-rate", "20", "--steady-seconds", "3", "--lanes-events", "100",
         "--lanes", "2", "--lanes-latency-ms", "20"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    tables = _tables(result.stdout)
    assert [row[0] for row in tables["mode | events/s"]] == [
        "rest-create",
        "rest-upsert-email",
        "rest-upsert-external",
        "bulk-upsert",
    ]
    assert "reference rest-upsert-email: 5 events" in result.stdout
    assert "2.00 calls/event" in result.stdout

    costs = {row[0]: row for row in tables["mode | worker CPU/event"]}
    assert list(costs) == [
        "rest-create",
        "rest-upsert-email",
        "rest-upsert-external",
        "bulk-upsert",
        "steady",
        "lanes, 1 cluster",
        "lanes, 3 clusters",
    ]
    for mode, (_, cpu, per_chunk, per_event, stored) in costs.items():
        # Every mode cost the workers CPU, SQL statements in chunks, and rows on disk.
        assert _number(cpu.removesuffix(" µs")) > 0, mode
        assert _number(per_chunk.split(" ")[0]) > 0, mode
        assert float(per_event) > 0, mode
        assert _number(stored) > 0, mode

    (steady,) = tables["steady | offered"]
    assert steady[1:3] == ["20 events/s for 3 s", "60"]
    p50, p95 = (float(cell.removesuffix(" s")) for cell in steady[3:5])
    assert 0 < p50 <= p95
    # Every event's write was found in the emulator's request log.
    assert "steady: the request log shows the writes of only" not in result.stdout

    assert [row[1:3] for row in tables["lanes | clusters"]] == [["1", "100"], ["3", "100"]]
    assert "records created twice: 0; events without a record: 0" in result.stdout
    assert "DELIVERY_LANES=2:" in result.stdout
    # The lanes run drains a backlog, every call slowed by a latency fault on top of the run's 1 ms.
    assert "a backlog of 100 events per run, 21 ms per Salesforce call" in result.stdout
    # Each mode says where its calls went.
    assert "rest-upsert-email: 200 events" in result.stdout
    assert "calls by kind {'lookup': " in result.stdout


def test_the_lanes_check_counts_records_created_twice_and_events_without_one():
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import twice_and_missing

    records = [
        {"Email": "lanes-1-user-0@example.com"},
        {"Email": "lanes-1-user-0@example.com"},
        {"Email": "lanes-1-user-0@example.com"},
        {"Email": "lanes-1-user-1@example.com"},
        {"Email": "someone-else@example.com"},
        {"Email": "someone-else@example.com"},
        {"LastName": "No email"},
    ]
    expected = {f"lanes-1-user-{n}@example.com" for n in range(3)}

    assert twice_and_missing(records, expected) == (2, 1)


def _tables(stdout: str) -> dict[str, list[list[str]]]:
    """The printed tables by their first two headings; each row's cells."""
    tables: dict[str, list[list[str]]] = {}
    rows: list[list[str]] | None = None
    for line in stdout.splitlines():
        if not line.startswith("| "):
            rows = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if rows is None:
            rows = tables.setdefault(" | ".join(cells[:2]), [])
        elif not cells[0].startswith("---"):
            rows.append(cells)
    return tables


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_it_runs_the_glob_growth_benchmark_over_every_pattern():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_globs.py"), "--repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("growth ratio") == 6
    assert "*utm*source*google*" in result.stdout
