#!/usr/bin/env python
"""Salesforce API quota and throughput, end to end: `make bench`.

In one run: the Salesforce emulator on loopback with a latency on every API
call, the real intake endpoint (gunicorn), the real queue workers
(`manage.py qcluster`) and `manage.py followups`, as `make serve` runs them,
on a throwaway database (SQLite, or a scratch PostgreSQL database beside
DATABASE_URL's). For each throughput mode, N identify events go through
`POST /v1/batch` in batches of 100, and the run waits until every delivery
has its outcome. Printed per mode: events per second end to end (first event
sent to last delivery settled), Salesforce API calls per event (the org's own
count), p50/p95 latency from an event's receipt to its delivery's settled
write, the workers' peak resident memory, the workers' CPU per event (user +
system time of the cluster's process tree), SQL statements per sent chunk
(each worker logs its count, DELIVERY_STATEMENT_LOG) and bytes stored per
event (events, deliveries, attempts and every other table of the deliveries
app). Beside it, a reference sender that works as the hosted products do
(one event at a time: a lookup and a write per upsert, one call per create)
sends a sample of the same events to the emulator's other org, and the
ratios ours/reference are printed.

Two more modes: **steady** offers a REST upsert on Email a steady rate
(default 100 events/s for 60 s) and reports p50/p95 from an event's receipt
to the Salesforce write that carried it (the emulator's request log);
**lanes** drains one hot REST upsert action with 1 cluster, then with 3
clusters, in the same run, and reports the drain time ratio and whether any
record was created twice (DELIVERY_LANES, or --lanes, is passed to them).

    python scripts/bench.py [--events 20000] [--latency-ms 50] [--modes ...]
                            [--steady-rate 100] [--steady-seconds 60]
                            [--lanes-events N] [--lanes N] [--redis]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_intake import (
    ROOT,
    PeakMemory,
    batches,
    drop_postgres,
    free_port,
    post,
    scratch_database,
    send_all,
    tree_pids,
    wait_until_serving,
)

THROUGHPUT_MODES = ("rest-create", "rest-upsert-email", "rest-upsert-external", "bulk-upsert")
MODES = (*THROUGHPUT_MODES, "steady", "lanes")
# Seconds given to freshly started clusters to come up before the lanes run sends.
CLUSTER_WARM_UP = 8.0
# Settings of the product under test (the environment of its web and queue processes).
PRODUCT_SETTINGS = {"DELIVERY_BULK_MAX_WAIT_SECONDS": "10"}


@dataclass
class Figures:
    mode: str
    events: int
    seconds: float
    calls: int
    latencies: list[float]
    peak_kib: int = 0
    cpu_seconds: float = 0.0
    # SQL statements of each chunk sent (one entry per chunk).
    statements: list[int] = field(default_factory=list)
    # Growth of the tables of events, deliveries, attempts and call records; None where not measurable.
    stored_bytes: int | None = None
    # The org's counted calls by kind: "lookup", "write", "bulk", "other".
    call_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def calls_per_event(self) -> float:
        return self.calls / self.events if self.events else 0.0

    @property
    def cpu_ms_per_event(self) -> float:
        return 1000 * self.cpu_seconds / self.events if self.events else 0.0

    @property
    def statements_per_chunk(self) -> str:
        if not self.statements:
            return "n/a"
        return f"{statistics.median(self.statements):,.0f} (max {max(self.statements):,})"

    @property
    def statements_per_event(self) -> float:
        return sum(self.statements) / self.events if self.events else 0.0

    @property
    def bytes_per_event(self) -> str:
        if self.stored_bytes is None or not self.events:
            return "n/a"
        return f"{self.stored_bytes / self.events:,.0f}"

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Emulator:
    """The emulator in a child process, steered through its control API."""

    def __init__(self, env: dict[str, str], latency: float) -> None:
        command = [sys.executable, str(ROOT / "manage.py"), "salesforce_emulator", "--latency", str(latency)]
        command += ["--daily-limit", str(10**9)]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.urls: dict[str, str] = json.loads(self.process.stdout.readline())
        self.control = self.urls["control"]
        self.session = requests.Session()
        # The control API answers only requests that carry its token.
        self.session.headers["X-Emulator-Token"] = self.urls["control_token"]

    def used(self, org: str) -> int:
        return int(self.session.get(f"{self.control}/orgs/{org}/limits", timeout=10).json()["used"])

    def tokens(self, org: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.session.post(f"{self.control}/orgs/{org}/tokens", timeout=10).json()
        return answer

    def org(self, org: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.session.get(f"{self.control}/orgs/{org}", timeout=10).json()
        return answer

    def last_request_id(self, org: str) -> int:
        logged = self.session.get(f"{self.control}/orgs/{org}/requests", timeout=60).json()
        return max((int(entry["id"]) for entry in logged), default=0)

    def requests_since(self, org: str, since: int) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self.session.get(
            f"{self.control}/orgs/{org}/requests", params={"since": since}, timeout=60
        ).json()
        return answer

    def records(self, org: str, object_name: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self.session.get(
            f"{self.control}/orgs/{org}/records/{object_name}", timeout=120
        ).json()
        return answer

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def product_env(
    base: dict[str, str], var_dir: str, emulator_urls: dict[str, str] | None, redis: bool = False
) -> dict[str, str]:
    # The product's settings default to the benchmark's; the environment may override them.
    env = (
        PRODUCT_SETTINGS
        | base
        | {
            "VAR_DIR": var_dir,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "DELIVERY_STATEMENT_LOG": statement_log_path(var_dir),
        }
    )
    if not redis:
        # The queue and the cache stay in the database unless --redis asks for REDIS_URL's.
        env.pop("REDIS_URL", None)
    env.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
    if emulator_urls:
        hosts = [
            urlsplit(url).netloc
            for name, url in emulator_urls.items()
            if name.endswith(("_login", "_instance"))
        ]
        env |= {
            "SALESFORCE_CLIENT_ID": emulator_urls["client_id"],
            "SALESFORCE_CLIENT_SECRET": emulator_urls["client_secret"],
            "SALESFORCE_LOGIN_URL": emulator_urls["production_login"],
            "SALESFORCE_SANDBOX_LOGIN_URL": emulator_urls["sandbox_login"],
            "SALESFORCE_EXTRA_INSTANCE_HOSTS": ",".join(hosts),
        }
    return env


def statement_log_path(var_dir: str) -> str:
    return str(Path(var_dir) / "statements.jsonl")


def chunk_statements(var_dir: str, action_id: Any, skip: int) -> tuple[list[int], int]:
    """Statements of the action's chunks logged after the first ``skip`` lines; and the lines now."""
    path = Path(statement_log_path(var_dir))
    lines = path.read_text().splitlines() if path.exists() else []
    counts = []
    for line in lines[skip:]:
        chunk = json.loads(line)
        if chunk["action"] == str(action_id):
            counts.append(int(chunk["statements"]))
    return counts, len(lines)


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU of the process trees, their reaped children included."""
    ticks = 0
    for root in roots:
        for pid in tree_pids(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            # utime, stime, cutime, cstime: fields 14-17 of proc(5), counted after the name.
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


# The tables whose rows an event costs: the event itself and everything of the deliveries app.
_STORED_TABLES_SQLITE = """
    SELECT SUM(d.pgsize) FROM dbstat AS d JOIN sqlite_master AS m ON m.name = d.name
    WHERE m.tbl_name = 'sources_event' OR m.tbl_name LIKE 'deliveries\\_%' ESCAPE '\\'
"""
_STORED_TABLES_POSTGRES = """
    SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = current_schema()
      AND (c.relname = 'sources_event' OR c.relname LIKE 'deliveries\\_%')
"""


def stored_bytes() -> int | None:
    """Bytes the tables of events and deliveries take (indexes and TOAST included); None if unknown."""
    from django.db import DatabaseError, connection

    sql = _STORED_TABLES_POSTGRES if connection.vendor == "postgresql" else _STORED_TABLES_SQLITE
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    except DatabaseError:
        # SQLite built without its dbstat table.
        return None
    return int(row[0] or 0) if row else None


def set_up(emulator: Emulator) -> tuple[str, dict[str, Any]]:
    """A workspace, a source, a destination connected to the emulator and one action per mode (disabled)."""
    from django.core.management import call_command
    from django.utils import timezone

    from actions.models import Action
    from destinations.models import ConnectionState, Destination
    from destinations.salesforce import describe
    from sources.provisioning import create_source
    from workspaces.models import Workspace

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    workspace = Workspace.objects.create(name="Bench")
    source, key = create_source(workspace, "intake")
    tokens, org = emulator.tokens("production"), emulator.org("production")
    destination = Destination.objects.create(
        workspace=workspace,
        name="Emulated org",
        enabled=True,
        state=ConnectionState.CONNECTED,
        instance_url=tokens["instance_url"],
        org_id=org["org_id"],
        sf_user_id=org["user_id"],
        sf_username=org["username"],
        connected_at=timezone.now(),
    )
    destination.store_tokens(tokens["access_token"], tokens["refresh_token"])
    destination.save()
    destination.sources.add(source)
    # Read once an hour in production: warmed here so that each mode counts only its sends.
    describe.fields(destination, "Contact")
    fields = {
        "LastName": {"@path": "$.traits.last_name"},
        "FirstName": {"@path": "$.traits.first_name"},
        "Email": {"@path": "$.traits.email"},
        "MailingCity": {"@path": "$.traits.address.city"},
    }
    common = {"destination": destination, "kind": "contact", "trigger": 'type = "identify"', "fields": fields}
    user_id = {"@path": "$.userId"}
    actions = {
        "rest-create": Action(name="rest-create", operation="create", **common),
        **{
            # steady and lanes are REST upserts on Email too, each on its own action.
            name: Action(
                name=name,
                operation="upsert",
                record_matchers=[{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
                **common,
            )
            for name in ("rest-upsert-email", "steady", "lanes")
        },
        "rest-upsert-external": Action(
            name="rest-upsert-external",
            operation="upsert",
            record_matchers=[{"field": "External_Id__c", "mapping": user_id}],
            **common,
        ),
        "bulk-upsert": Action(
            name="bulk-upsert",
            operation="upsert",
            record_matchers=[{"field": "External_Id__c", "mapping": user_id}],
            use_bulk=True,
            bulk_upsert_external_id={"field": "External_Id__c", "mapping": user_id},
            batch_size=1000,
            **common,
        ),
    }
    for action in actions.values():
        action.enabled = False
        action.save()
    return key, {name: action.pk for name, action in actions.items()}


def last_delivery_id() -> int:
    from deliveries.models import Delivery

    return Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def settled(action_id: Any, expected: int, timeout: float, after: int) -> list[tuple[Any, Any]]:
    """Wait until the action's deliveries routed after delivery ``after`` have their outcomes.

    Returns (received_at, settled_at) of each.
    """
    from deliveries.models import FINAL_STATUSES, Delivery

    deliveries = Delivery.objects.filter(action_id=action_id, pk__gt=after)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = deliveries.filter(status__in=FINAL_STATUSES).count()
        if done >= expected:
            return list(deliveries.values_list("event__received_at", "updated_at"))
        time.sleep(0.5)
    raise SystemExit(f"timed out: the deliveries of {action_id} did not all settle in {timeout:.0f} s")


@dataclass
class Cluster:
    """What the modes measure about the product's workers."""

    var_dir: str
    roots: list[int]  # the qcluster processes

    def statement_lines(self) -> int:
        return chunk_statements(self.var_dir, None, 0)[1]


@dataclass
class Product:
    """The running product under test: its intake key and address, the emulator and the workers."""

    key: str
    base: str
    emulator: Emulator
    cluster: Cluster


def run_mode(
    mode: str,
    action_id: Any,
    product: Product,
    events: int,
    prefix: str | None = None,
    backlog: bool = False,
) -> Figures:
    """One mode's events sent and settled; with ``backlog``, timed from a backlog of them all being let go.

    A backlog is the events taken in while the destination is paused: its
    drain time is the senders' alone, not shared with intake (which, on the
    same two cores, paces senders that keep up with it).
    """
    from actions.models import Action

    key, base, emulator, cluster = product.key, product.base, product.emulator, product.cluster

    Action.objects.filter(pk=action_id).update(enabled=True)
    bodies = batches(events, 100, prefix=prefix or f"{mode}-")
    used_before = emulator.used("production")
    memory = PeakMemory(cluster.roots[0])
    memory.start()
    log_lines, cpu_before, bytes_before = (
        cluster.statement_lines(),
        cpu_seconds(cluster.roots),
        stored_bytes(),
    )
    after = last_delivery_id()
    request_mark = emulator.last_request_id("production")
    if backlog:
        pause(action_id, True)
    started = time.time()
    _, accepted = send_all(f"{base}/v1/batch", key, bodies, 4)
    if accepted != events:
        raise SystemExit(f"{mode}: only {accepted} of {events} events were accepted")
    if backlog:
        started = time.time()
        pause(action_id, False)
    pairs = settled(action_id, events, timeout=max(600.0, events / 20), after=after)
    memory.running = False
    memory.join()
    Action.objects.filter(pk=action_id).update(enabled=False)
    last = max(done for _, done in pairs).timestamp()
    return Figures(
        mode,
        events,
        last - started,
        emulator.used("production") - used_before,
        [(done - received).total_seconds() for received, done in pairs],
        memory.peak,
        cpu_seconds(cluster.roots) - cpu_before,
        chunk_statements(cluster.var_dir, action_id, log_lines)[0],
        _growth(bytes_before, stored_bytes()),
        call_kinds(emulator.requests_since("production", request_mark)),
    )


def call_kinds(logged: list[dict[str, Any]]) -> dict[str, int]:
    """The counted calls of a run by kind, to say where its calls per event go."""
    kinds: dict[str, int] = {}
    for entry in logged:
        if not entry["counted"]:
            continue
        path = entry["path"]
        if "/jobs/" in path:
            kind = "bulk"
        elif "/query" in path:
            kind = "lookup"
        elif "/composite/sobjects" in path:
            kind = "write"
        else:
            kind = "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def pause(action_id: Any, paused: bool) -> None:
    """Pause the action's destination (its deliveries wait), or end the pause and wake every lane."""
    from datetime import timedelta

    from django.utils import timezone

    from actions.models import Action
    from deliveries.doorbell import ring
    from destinations.models import Destination

    until = timezone.now() + timedelta(hours=1) if paused else None
    destination_id = Action.objects.values_list("destination_id", flat=True).get(pk=action_id)
    Destination.objects.filter(pk=destination_id).update(paused_until=until)
    if not paused:
        ring([str(action_id)])


def _growth(before: int | None, after: int | None) -> int | None:
    return None if before is None or after is None else after - before


def run_steady(action_id: Any, product: Product, rate: int, seconds: float) -> Figures:
    """``rate`` events a second for ``seconds``; latency from receipt to the Salesforce write that carried it."""
    from actions.models import Action
    from deliveries.models import Delivery

    key, base, emulator, cluster = product.key, product.base, product.emulator, product.cluster
    Action.objects.filter(pk=action_id).update(enabled=True)
    ticks_per_second = min(10, rate)
    per_tick = max(1, rate // ticks_per_second)
    events = int(per_tick * ticks_per_second * seconds)
    bodies = batches(events, per_tick, prefix="steady-")
    since = emulator.last_request_id("production")
    used_before = emulator.used("production")
    log_lines, cpu_before, bytes_before = (
        cluster.statement_lines(),
        cpu_seconds(cluster.roots),
        stored_bytes(),
    )
    memory = PeakMemory(cluster.roots[0])
    memory.start()
    session = requests.Session()
    session.auth = (key, "")
    after = last_delivery_id()
    started = time.time()
    for n, body in enumerate(bodies):
        # On a fixed schedule: a late batch does not push the later ones back.
        time.sleep(max(0.0, started + n / ticks_per_second - time.time()))
        post(session, f"{base}/v1/batch", body)
    # Whether the client kept to the rate on a busy machine: the last batch should go out at about `seconds`.
    print(f"steady: sent {events} events in {time.time() - started:.1f} s", flush=True)
    pairs = settled(action_id, events, timeout=max(600.0, events / 20), after=after)
    memory.running = False
    memory.join()
    Action.objects.filter(pk=action_id).update(enabled=False)
    written = write_times(emulator.requests_since("production", since))
    received = dict(
        Delivery.objects.filter(action_id=action_id).values_list("event__email", "event__received_at")
    )
    latencies = [(written[email] - at).total_seconds() for email, at in received.items() if email in written]
    if len(latencies) != events:
        print(
            f"steady: the request log shows the writes of only {len(latencies)} of {events} events",
            flush=True,
        )
    return Figures(
        "steady",
        events,
        max(done for _, done in pairs).timestamp() - started,
        emulator.used("production") - used_before,
        latencies,
        memory.peak,
        cpu_seconds(cluster.roots) - cpu_before,
        chunk_statements(cluster.var_dir, action_id, log_lines)[0],
        _growth(bytes_before, stored_bytes()),
    )


def write_times(logged: list[dict[str, Any]]) -> dict[str, datetime]:
    """Email -> when the emulator answered the first successful Collections write that carried it."""
    written: dict[str, datetime] = {}
    for entry in logged:
        if entry["method"] not in ("POST", "PATCH") or "/composite/sobjects" not in entry["path"]:
            continue
        if entry["status"] >= 300:
            continue
        at = datetime.strptime(entry["at"], "%Y-%m-%dT%H:%M:%S.%f%z")
        for record in json.loads(entry["body"]).get("records", []):
            email = record.get("Email")
            if email and email not in written:
                written[email] = at
    return written


@dataclass
class LanesFigures:
    runs: list[tuple[int, Figures]]  # (clusters, figures)
    duplicates: int
    missing: int

    @property
    def ratio(self) -> float:
        (_, one), (_, many) = self.runs
        return one.seconds / many.seconds if many.seconds else 0.0


def run_lanes(
    action_id: Any,
    product: Product,
    events: int,
    start_more: Callable[[], list[subprocess.Popen[Any]]],
    slower_by: float = 0.0,
) -> LanesFigures:
    """One hot action drained by 1 cluster, then by 3; then every record looked up by its key.

    ``slower_by`` seconds are added to every data call of the run (a
    latency fault through the emulator's control API), as a slow org would.
    """
    cluster = product.cluster
    if slower_by > 0:
        product.emulator.session.post(
            f"{product.emulator.control}/orgs/production/faults",
            json={"kind": "latency", "seconds": slower_by, "host": "instance", "path": "/services/data/"},
            timeout=10,
        ).raise_for_status()
    try:
        return _lanes(action_id, product, events, start_more, cluster)
    finally:
        if slower_by > 0:
            product.emulator.session.delete(f"{product.emulator.control}/orgs/production/faults", timeout=10)


def _lanes(
    action_id: Any,
    product: Product,
    events: int,
    start_more: Callable[[], list[subprocess.Popen[Any]]],
    cluster: Cluster,
) -> LanesFigures:
    one = run_mode("lanes, 1 cluster", action_id, product, events, prefix="lanes-1-", backlog=True)
    extra = start_more()
    time.sleep(CLUSTER_WARM_UP)
    try:
        three = Cluster(cluster.var_dir, cluster.roots + [p.pid for p in extra])
        many = run_mode(
            "lanes, 3 clusters",
            action_id,
            replace(product, cluster=three),
            events,
            prefix="lanes-3-",
            backlog=True,
        )
    finally:
        stop_all(extra)
    expected = {f"lanes-{n}-user-{i}@example.com" for n in (1, 3) for i in range(events)}
    duplicates, missing = twice_and_missing(product.emulator.records("production", "Contact"), expected)
    return LanesFigures([(1, one), (3, many)], duplicates, missing)


def twice_and_missing(records: list[dict[str, Any]], expected: set[str]) -> tuple[int, int]:
    """Of the records whose Email is expected: how many are extra copies, and how many Emails have none."""
    copies: dict[str, int] = {}
    for record in records:
        if record.get("Email") in expected:
            copies[record["Email"]] = copies.get(record["Email"], 0) + 1
    return sum(count - 1 for count in copies.values()), len(expected - set(copies))


class ReferenceSender:
    """One event at a time, as the hosted products send: a lookup and a write per upsert."""

    def __init__(self, emulator: Emulator) -> None:
        from destinations.salesforce.client import SalesforceClient
        from destinations.salesforce.connection import Connection

        minted = emulator.tokens("sandbox")

        class Tokens:
            def access_token(self) -> str:
                return str(minted["access_token"])

            def refresh(self, rejected: str) -> str:
                return str(minted["access_token"])

        self.emulator = emulator
        self.client = SalesforceClient(Connection(minted["instance_url"], "62.0", Tokens()))

    def run(self, mode: str, events: int) -> Figures:
        send = self._send_of(mode)
        used_before = self.emulator.used("sandbox")
        latencies = []
        started = time.perf_counter()
        for n in range(events):
            one = time.perf_counter()
            send(f"ref-{mode}-{n}")
            latencies.append(time.perf_counter() - one)
        seconds = time.perf_counter() - started
        return Figures(mode, events, seconds, self.emulator.used("sandbox") - used_before, latencies)

    def _send_of(self, mode: str) -> Callable[[str], None]:
        from destinations.salesforce.soql import quote

        def record(user: str) -> dict[str, Any]:
            return {"LastName": f"Lovelace {user}", "FirstName": "Ada", "Email": f"{user}@example.com"}

        def create(user: str) -> None:
            self.client.create("Contact", [record(user)])

        def upsert_on(field: str, value_of: Callable[[str], str]) -> Callable[[str], None]:
            def upsert(user: str) -> None:
                # The value is quoted by soql.quote; the field is one of two constants.
                soql = f"SELECT Id FROM Contact WHERE {field} = {quote(value_of(user))}"  # noqa: S608
                found = self.client.query(soql)
                if found:
                    self.client.update("Contact", [{"Id": found[0]["Id"], **record(user)}])
                else:
                    self.client.create("Contact", [{**record(user), field: value_of(user)}])

            return upsert

        if mode == "rest-create":
            return create
        if mode == "rest-upsert-email":
            return upsert_on("Email", lambda user: f"{user}@example.com")
        return upsert_on("External_Id__c", lambda user: user)


def start_cluster(env: dict[str, str]) -> subprocess.Popen[Any]:
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "qcluster"], env=env, cwd=ROOT)


def start_product(
    env: dict[str, str], children: list[subprocess.Popen[Any]]
) -> tuple[str, subprocess.Popen[Any]]:
    """The web app, the queue workers and the follow-ups, as `make serve` runs them; the app's address and the cluster."""
    port = free_port()
    web = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    web += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
    children.append(subprocess.Popen(web, env=env, cwd=ROOT))
    cluster = start_cluster(env)
    children.append(cluster)
    # Due Bulk flushes and polls are handed to the queue on time, not at the cluster's 30 s schedule.
    children.append(
        subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "followups"], env=env, cwd=ROOT)
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base)
    return base, cluster


def stop_all(children: list[subprocess.Popen[Any]]) -> None:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def table(ours: list[Figures], reference: dict[str, Figures]) -> str:
    lines = [
        "| mode | events/s | API calls/event | p50 latency | p95 latency | worker peak RSS "
        "| reference events/s | reference calls/event | events/s ours/ref | calls/event ours/ref |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in ours:
        ref = reference[figures.mode]
        lines.append(
            f"| {figures.mode} | {figures.per_second:,.0f} | {figures.calls_per_event:.4f} "
            f"| {figures.percentile(0.5):.1f} s | {figures.percentile(0.95):.1f} s "
            f"| {figures.peak_kib / 1024:.0f} MiB | {ref.per_second:.1f} | {ref.calls_per_event:.2f} "
            f"| {figures.per_second / ref.per_second:.0f} x | {figures.calls_per_event / ref.calls_per_event:.4f} |"
        )
    return "\n".join(lines)


def cost_table(ours: list[Figures]) -> str:
    lines = [
        "| mode | worker CPU/event | SQL statements/chunk: median (max) | SQL statements/event "
        "| bytes stored/event |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for figures in ours:
        lines.append(
            f"| {figures.mode} | {figures.cpu_ms_per_event * 1000:,.0f} µs | {figures.statements_per_chunk} "
            f"| {figures.statements_per_event:.2f} | {figures.bytes_per_event} |"
        )
    return "\n".join(lines)


def steady_table(figures: Figures, rate: int, seconds: float) -> str:
    return "\n".join(
        [
            "| steady | offered | events | p50 intake to write | p95 intake to write | API calls/event |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| steady | {rate} events/s for {seconds:g} s | {figures.events:,} "
            f"| {figures.percentile(0.5):.2f} s | {figures.percentile(0.95):.2f} s "
            f"| {figures.calls_per_event:.4f} |",
        ]
    )


def lanes_table(lanes: LanesFigures) -> str:
    lines = [
        "| lanes | clusters | events | drain time | events/s | worker CPU/event |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for clusters, figures in lanes.runs:
        lines.append(
            f"| lanes | {clusters} | {figures.events:,} | {figures.seconds:.1f} s | {figures.per_second:,.0f} "
            f"| {figures.cpu_ms_per_event * 1000:,.0f} µs |"
        )
    lines.append(
        f"\nDrain time 1 cluster / 3 clusters: {lanes.ratio:.2f}; "
        f"records created twice: {lanes.duplicates}; events without a record: {lanes.missing}"
    )
    return "\n".join(lines)


def print_figures(figures: Figures) -> None:
    print(
        f"{figures.mode}: {figures.events} events in {figures.seconds:.1f} s = {figures.per_second:,.0f}/s, "
        f"{figures.calls} calls = {figures.calls_per_event:.4f}/event, "
        f"p50 {figures.percentile(0.5):.2f} s, p95 {figures.percentile(0.95):.2f} s, "
        f"workers' peak RSS {figures.peak_kib / 1024:.0f} MiB, CPU {figures.cpu_ms_per_event * 1000:,.0f} µs/event, "
        f"SQL/chunk {figures.statements_per_chunk}, bytes stored/event {figures.bytes_per_event}, "
        f"calls by kind {figures.call_kinds or 'n/a'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument(
        "--reference-events",
        type=int,
        default=200,
        help="events the reference sender sends per mode (its rate does not depend on N)",
    )
    parser.add_argument("--steady-rate", type=int, default=100, help="events per second of the steady mode")
    parser.add_argument("--steady-seconds", type=float, default=60.0, help="how long the steady mode sends")
    parser.add_argument(
        "--lanes-events", type=int, help="events per cluster count in the lanes mode (--events)"
    )
    parser.add_argument("--lanes", type=int, help="DELIVERY_LANES for the product (default: its own)")
    parser.add_argument(
        "--lanes-latency-ms",
        type=float,
        default=0.0,
        help="milliseconds added to every Salesforce call during the lanes mode (a slow org)",
    )
    parser.add_argument(
        "--redis", action="store_true", help="queue and cache in REDIS_URL's Redis rather than the database"
    )
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}; choose from {', '.join(MODES)}")
    if args.redis and not os.environ.get("REDIS_URL"):
        parser.error("--redis needs REDIS_URL")
    if args.steady_rate < 1 or args.steady_seconds <= 0:
        parser.error("--steady-rate and --steady-seconds must be positive")
    if args.lanes is not None:
        os.environ["DELIVERY_LANES"] = str(args.lanes)
    lanes_events = args.lanes_events or args.events

    # A termination signal unwinds like Ctrl-C, so that the children are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # A fresh SQLite file, or a scratch PostgreSQL database beside DATABASE_URL's.
    database_env, label, postgres_url = scratch_database(dict(os.environ))
    broker = "Redis" if args.redis else "the database"
    ours: list[Figures] = []
    reference: dict[str, Figures] = {}
    steady: Figures | None = None
    lanes: LanesFigures | None = None
    with tempfile.TemporaryDirectory() as var_dir:
        emulator = Emulator(product_env(database_env, var_dir, None, args.redis), args.latency_ms / 1000)
        children: list[subprocess.Popen[Any]] = []
        try:
            env = product_env(database_env, var_dir, emulator.urls, args.redis)
            os.environ.update(env)
            os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            key, actions = set_up(emulator)
            base, qcluster = start_product(env, children)
            product = Product(key, base, emulator, Cluster(var_dir, [qcluster.pid]))
            for mode in modes:
                if mode == "steady":
                    steady = run_steady(actions[mode], product, args.steady_rate, args.steady_seconds)
                    print_figures(steady)
                elif mode == "lanes":
                    lanes = run_lanes(
                        actions[mode],
                        product,
                        lanes_events,
                        lambda: [start_cluster(env), start_cluster(env)],
                        slower_by=args.lanes_latency_ms / 1000,
                    )
                    for _, figures in lanes.runs:
                        print_figures(figures)
                else:
                    figures = run_mode(mode, actions[mode], product, args.events)
                    print_figures(figures)
                    ours.append(figures)
            reference_sender = ReferenceSender(emulator)
            for figures in ours:
                ref = reference[figures.mode] = reference_sender.run(figures.mode, args.reference_events)
                print(
                    f"reference {ref.mode}: {ref.events} events in {ref.seconds:.1f} s = {ref.per_second:.1f}/s, "
                    f"{ref.calls_per_event:.2f} calls/event",
                    flush=True,
                )
        finally:
            stop_all(children)
            emulator.stop()
            if postgres_url:
                drop_postgres(postgres_url)
    print()
    settings_line = f"{args.latency_ms:g} ms per Salesforce call, queue in {broker}"
    if ours:
        print(
            f"{label}, {args.events:,} events per mode, {settings_line}, "
            f"reference on {args.reference_events} events per mode:"
        )
        print(table(ours, reference))
    costs = ours + ([steady] if steady else []) + ([f for _, f in lanes.runs] if lanes else [])
    if costs:
        print()
        print(f"{label}, what the workers spend (the same run):")
        print(cost_table(costs))
    if steady:
        print()
        print(f"{label}, steady intake, {settings_line}:")
        print(steady_table(steady, args.steady_rate, args.steady_seconds))
    if lanes:
        print()
        print(
            f"{label}, one hot REST upsert action, a backlog of {lanes_events:,} events per run, "
            f"{args.latency_ms + args.lanes_latency_ms:g} ms per Salesforce call, queue in {broker}, "
            f"DELIVERY_LANES={os.environ.get('DELIVERY_LANES', '(default)')}:"
        )
        print(lanes_table(lanes))


if __name__ == "__main__":
    main()
