#!/usr/bin/env python
"""Intake throughput: N events in batches of 100 through a real HTTP server.

The server is gunicorn as `manage.py serve` runs it, on a throwaway database:
a fresh SQLite file by default, or, when DATABASE_URL names a PostgreSQL
database, a scratch database beside it (`<name>_bench`, dropped afterwards).
Prints events per second (first request sent to last answer received) and
the server's peak resident memory (gunicorn master and workers together).

    python scripts/bench_intake.py [--events 20000] [--batch 100] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


# A destination that is enabled but not connected: intake routes each event to
# its Lead action and stores the delivery as held, the full cost of intake.
ROUTED = json.dumps(
    {
        "version": 1,
        "workspace": "Bench",
        "sources": [{"name": "intake"}],
        "destinations": [
            {
                "name": "Salesforce",
                "enabled": True,
                "sources": ["intake"],
                "actions": [
                    {
                        "name": "Leads",
                        "kind": "lead",
                        "operation": "upsert",
                        "record_matchers": [{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
                    }
                ],
            }
        ],
    }
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(base: str, patience: float = 60) -> None:
    """Return once the web app at ``base`` answers a page; raise after ``patience`` seconds."""
    # A loaded machine may take seconds for the first page (worker boot,
    # imports): wait for an answer, not for a fast one.
    ready_by = time.monotonic() + patience
    while True:
        try:
            requests.get(f"{base}/accounts/login/", timeout=10)
            return
        except requests.RequestException:
            if time.monotonic() > ready_by:
                raise
            time.sleep(0.1)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_pids(root: int) -> list[int]:
    pids, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except (FileNotFoundError, ProcessLookupError):
                # The thread (or the process) ended between listing and reading.
                continue
            for child in map(int, children):
                pids.append(child)
                frontier.append(child)
    return pids


class PeakMemory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(rss_kib(p) for p in tree_pids(self.pid)))
            time.sleep(0.05)


def scratch_database(env: dict[str, str]) -> tuple[dict[str, str], str, str | None]:
    """Environment for a throwaway database; returns (env, label, postgres url to drop)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/") + "_bench"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        bench_url = urlunsplit(parts._replace(path=f"/{name}"))
        return env | {"DATABASE_URL": bench_url}, "PostgreSQL", bench_url
    env = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    return env, "SQLite", None


def drop_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def batches(events: int, size: int, prefix: str = "") -> list[bytes]:
    """Identify events ``{prefix}user-{n}`` (each with its own email), as request bodies."""
    run = uuid.uuid4().hex[:8]
    bodies = []
    for start in range(0, events, size):
        batch = [
            {
                "type": "identify",
                "userId": f"{prefix}user-{n}",
                "messageId": f"{run}-{n}",
                "traits": {"email": f"{prefix}user-{n}@example.com", "first_name": "Ada", "last_name": f"Lovelace {n}",
                           "company": "Analytical Engines", "address": {"city": "London", "country": "UK"}},
                "context": {"library": {"name": "analytics-python", "version": "1.1.0"}},
            }
            for n in range(start, min(start + size, events))
        ]  # fmt: skip
        bodies.append(json.dumps({"batch": batch}).encode())
    return bodies


def post(session: requests.Session, url: str, body: bytes, tries: int = 20) -> requests.Response:
    """One batch, sent again after a 503 (a busy database) as the client libraries do."""
    for attempt in range(tries):
        answer = session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)
        if answer.status_code != 503 or attempt == tries - 1:
            break
        time.sleep(0.5)
    answer.raise_for_status()
    return answer


def send_all(url: str, key: str, bodies: list[bytes], clients: int) -> tuple[float, int]:
    queue = list(reversed(bodies))
    lock = threading.Lock()
    accepted = 0

    def worker() -> None:
        nonlocal accepted
        session = requests.Session()
        session.auth = (key, "")
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            answer = post(session, url, body)
            with lock:
                accepted += answer.json()["accepted"]

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, accepted


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument(
        "--route",
        action="store_true",
        help="give the source a destination with a Lead action, so intake also routes every event",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        env = os.environ | {
            "VAR_DIR": var_dir,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
        env, label, postgres_url = scratch_database(env)
        manage = [sys.executable, str(ROOT / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
            key = subprocess.run(
                [*manage, "create_source", "Bench", "intake"], env=env, cwd=ROOT, check=True,
                capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
            if args.route:
                subprocess.run(
                    [*manage, "import_config", "-"],
                    env=env,
                    cwd=ROOT,
                    check=True,
                    input=ROUTED,
                    text=True,
                    capture_output=True,
                )
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(args.web_workers), "--threads", "4", "--log-level", "warning"],
                env=env, cwd=ROOT,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_serving(base)
                bodies = batches(args.events, args.batch)
                memory = PeakMemory(server.pid)
                memory.start()
                elapsed, accepted = send_all(f"{base}/v1/batch", key, bodies, args.clients)
                memory.running = False
                memory.join()
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if postgres_url:
                drop_postgres(postgres_url)

    if accepted != args.events:
        sys.exit(f"only {accepted} of {args.events} events were accepted")
    if args.route:
        label += " with routing to one action"
    print(
        f"{label}: {args.events} events in batches of {args.batch}, {args.clients} clients, "
        f"{args.web_workers} web workers: {elapsed:.2f} s, {args.events / elapsed:,.0f} events/s, "
        f"server peak RSS {memory.peak / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
