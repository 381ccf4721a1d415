#!/usr/bin/env python
"""Salesforce API quota and throughput, end to end: `make bench`.

In one run: the Salesforce emulator on loopback with a latency on every API
call, the real intake endpoint (gunicorn) and the real queue workers
(`manage.py qcluster`) on a throwaway SQLite database. For each mode, N
identify events go through `POST /v1/batch` in batches of 100, and the run
waits until every delivery has its outcome. Printed per mode: events per
second end to end (first event sent to last delivery settled), Salesforce
API calls per event (the org's own count), p50/p95 latency from an event's
receipt to its delivery's settled write, and the workers' peak resident
memory. Beside it, a reference sender that works as the hosted products do
(one event at a time: a lookup and a write per upsert, one call per create)
sends a sample of the same events to the emulator's other org, and the
ratios ours/reference are printed.

    python scripts/bench.py [--events 20000] [--latency-ms 50]
                            [--modes rest-create,rest-upsert-email,rest-upsert-external,bulk-upsert]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    scratch_database,
    send_all,
    wait_until_serving,
)

MODES = ("rest-create", "rest-upsert-email", "rest-upsert-external", "bulk-upsert")
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

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def calls_per_event(self) -> float:
        return self.calls / self.events if self.events else 0.0

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

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def product_env(base: dict[str, str], var_dir: str, emulator_urls: dict[str, str] | None) -> dict[str, str]:
    # The product's settings default to the benchmark's; the environment may override them.
    env = (
        PRODUCT_SETTINGS
        | base
        | {
            "VAR_DIR": var_dir,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
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
        "rest-upsert-email": Action(
            name="rest-upsert-email",
            operation="upsert",
            record_matchers=[{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
            **common,
        ),
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


def settled(action_id: Any, expected: int, timeout: float) -> list[tuple[Any, Any]]:
    """Wait until every delivery of the action has its outcome; (received_at, settled_at) of each."""
    from deliveries.models import FINAL_STATUSES, Delivery

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Delivery.objects.filter(action_id=action_id, status__in=FINAL_STATUSES).count()
        if done >= expected:
            return list(
                Delivery.objects.filter(action_id=action_id).values_list("event__received_at", "updated_at")
            )
        time.sleep(0.5)
    raise SystemExit(f"timed out: the deliveries of {action_id} did not all settle in {timeout:.0f} s")


def run_mode(
    mode: str, action_id: Any, key: str, base: str, emulator: Emulator, cluster_pid: int, events: int
) -> Figures:
    from actions.models import Action

    Action.objects.filter(pk=action_id).update(enabled=True)
    bodies = batches(events, 100, prefix=f"{mode}-")
    used_before = emulator.used("production")
    memory = PeakMemory(cluster_pid)
    memory.start()
    started = time.time()
    _, accepted = send_all(f"{base}/v1/batch", key, bodies, 4)
    if accepted != events:
        raise SystemExit(f"{mode}: only {accepted} of {events} events were accepted")
    pairs = settled(action_id, events, timeout=max(600.0, events / 20))
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
    )


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


def start_product(
    env: dict[str, str], children: list[subprocess.Popen[Any]]
) -> tuple[str, subprocess.Popen[Any]]:
    """The web app (as `make serve` runs it) and the queue workers; the app's address and the cluster."""
    port = free_port()
    web = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    web += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
    children.append(subprocess.Popen(web, env=env, cwd=ROOT))
    cluster = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "qcluster"], env=env, cwd=ROOT)
    children.append(cluster)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base)
    return base, cluster


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
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}; choose from {', '.join(MODES)}")

    # A termination signal unwinds like Ctrl-C, so that the children are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # A fresh SQLite file, or a scratch PostgreSQL database beside DATABASE_URL's.
    database_env, label, postgres_url = scratch_database(dict(os.environ))
    with tempfile.TemporaryDirectory() as var_dir:
        emulator = Emulator(product_env(database_env, var_dir, None), args.latency_ms / 1000)
        children: list[subprocess.Popen[Any]] = []
        try:
            env = product_env(database_env, var_dir, emulator.urls)
            os.environ.update(env)
            os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            key, actions = set_up(emulator)
            base, cluster = start_product(env, children)
            ours = []
            for mode in modes:
                figures = run_mode(mode, actions[mode], key, base, emulator, cluster.pid, args.events)
                print(
                    f"{mode}: {figures.events} events in {figures.seconds:.1f} s = {figures.per_second:,.0f}/s, "
                    f"{figures.calls} calls = {figures.calls_per_event:.4f}/event, "
                    f"p50 {figures.percentile(0.5):.1f} s, p95 {figures.percentile(0.95):.1f} s, "
                    f"workers' peak RSS {figures.peak_kib / 1024:.0f} MiB",
                    flush=True,
                )
                ours.append(figures)
            reference_sender = ReferenceSender(emulator)
            reference = {}
            for mode in modes:
                reference[mode] = reference_sender.run(mode, args.reference_events)
                ref = reference[mode]
                print(
                    f"reference {mode}: {ref.events} events in {ref.seconds:.1f} s = {ref.per_second:.1f}/s, "
                    f"{ref.calls_per_event:.2f} calls/event",
                    flush=True,
                )
        finally:
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
            emulator.stop()
            if postgres_url:
                drop_postgres(postgres_url)
    print()
    print(
        f"{label}, {args.events:,} events per mode, {args.latency_ms:g} ms per Salesforce call, "
        f"reference on {args.reference_events} events per mode:"
    )
    print(table(ours, reference))


if __name__ == "__main__":
    main()
