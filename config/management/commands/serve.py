"""Run the whole product in the foreground: web app and queue workers.

Without ``SALESFORCE_CLIENT_ID`` it also runs the built-in Salesforce emulator
as a demo org, and points the web app and the workers at it.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.provisioning import create_source
from workspaces.provisioning import create_demo_owner


class Command(BaseCommand):
    help = "Serve the web app (gunicorn) and the django-q2 workers together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        self._announce_demo()
        python = sys.executable
        children: list[subprocess.Popen[Any]] = []
        env = dict(os.environ)
        if not settings.SALESFORCE_CLIENT_ID:
            emulator, demo_env = _start_demo_org(python, options["bind"])
            children.append(emulator)
            env |= demo_env
            self.stdout.write(
                "SALESFORCE_CLIENT_ID is not set: Connect goes to the built-in demo Salesforce org "
                f"(the emulator, at {demo_env['SALESFORCE_LOGIN_URL']}); nothing is sent to Salesforce."
            )
        children += [
            # Fixed argument lists: no user input reaches these commands.
            subprocess.Popen(  # noqa: S603
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["web_workers"]),
                    "--threads",
                    "4",
                    # LOG_FORMAT=json applies to gunicorn's own lines too.
                    "--logger-class",
                    "monitoring.gunicorn_logs.GunicornLogger",
                    "--access-logfile",
                    "-",
                    # The path without its query: the OAuth callback's query
                    # carries an authorization code, which has no place in a log.
                    "--access-logformat",
                    '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"',
                ],
                env=env,
            ),
            subprocess.Popen([python, "manage.py", "qcluster"], env=env),  # noqa: S603
            # On-time follow-ups (the cluster's scheduler looks only every 30 s).
            subprocess.Popen([python, "manage.py", "followups"], env=env),  # noqa: S603
        ]
        self.stdout.write(f"Serving on http://{options['bind']}/ (Ctrl-C stops)")
        _wait_then_stop(children)

    def _announce_demo(self) -> None:
        demo = create_demo_owner()
        if demo is None:
            return
        workspace, user, password = demo
        _, key = create_source(workspace, "Demo source")
        host = urlsplit(settings.PUBLIC_URL).netloc
        self.stdout.write(
            self.style.SUCCESS(
                "\nA demo workspace was created. This is shown once:\n"
                f"  sign in at {settings.PUBLIC_URL}/ as {user.email} with password {password}\n"
                f"  write key of its source 'Demo source': {key}\n"
                f"  try: curl -u '{key}:' -H 'Content-Type: application/json' "
                f'-d \'{{"userId":"u1","traits":{{"email":"ada@example.com"}}}}\' http://{host}/v1/identify\n'
            )
        )


# The demo org listens next to the web app (8100-8104 beside 8000), so that
# its addresses, stored with connected destinations, stay the same across
# restarts; free ports are the fallback when those are taken.
DEMO_PORT_OFFSET = 100
_DEMO_PORTS = ("production-login", "production-instance", "sandbox-login", "sandbox-instance", "control")


def _start_demo_org(python: str, bind: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Run the emulator; its process and the settings that point at it."""
    _, _, bind_port = bind.rpartition(":")
    if bind_port.isdigit() and int(bind_port) + DEMO_PORT_OFFSET + len(_DEMO_PORTS) < 65536:
        started = _run_emulator(python, bind, int(bind_port) + DEMO_PORT_OFFSET)
        if started is not None:
            return started
    started = _run_emulator(python, bind, None)
    if started is None:
        raise CommandError("The Salesforce emulator (the demo org) did not start; see its error above.")
    return started


def _run_emulator(
    python: str, bind: str, first_port: int | None
) -> tuple[subprocess.Popen[str], dict[str, str]] | None:
    callbacks = {
        f"{settings.PUBLIC_URL}/oauth/salesforce/callback/",
        f"http://{bind}/oauth/salesforce/callback/",
    }
    command = [python, "manage.py", "salesforce_emulator"]
    for callback in sorted(callbacks):
        command += ["--redirect-uri", callback]
    if first_port is not None:
        for position, name in enumerate(_DEMO_PORTS):
            command += [f"--{name}-port", str(first_port + position)]
    emulator = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert emulator.stdout is not None
    try:
        urls = json.loads(_first_line(emulator.stdout, timeout=30))
    except ValueError:
        emulator.terminate()
        try:
            emulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait()
        return None
    hosts = [
        urlsplit(urls[name]).netloc
        for name in ("production_login", "production_instance", "sandbox_login", "sandbox_instance")
    ]
    hosts += settings.SALESFORCE_EXTRA_INSTANCE_HOSTS
    return emulator, {
        "SALESFORCE_CLIENT_ID": urls["client_id"],
        "SALESFORCE_CLIENT_SECRET": urls["client_secret"],
        "SALESFORCE_LOGIN_URL": urls["production_login"],
        "SALESFORCE_SANDBOX_LOGIN_URL": urls["sandbox_login"],
        "SALESFORCE_EXTRA_INSTANCE_HOSTS": ",".join(hosts),
        "SALESFORCE_DEMO": "1",
    }


def _first_line(stream: IO[str], timeout: float) -> str:
    """The first line of a child's output, or "" if none comes in time."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout).strip()
    except queue.Empty:
        return ""


def _wait_then_stop(children: list[subprocess.Popen[Any]]) -> None:
    """Wait until Ctrl-C, a termination signal or a child's exit; then stop all."""
    stopping = False

    def request_stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
