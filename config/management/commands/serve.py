"""Run the whole product in the foreground: web app and queue workers.

Without ``SALESFORCE_CLIENT_ID`` it also runs the built-in Salesforce emulator
as a demo org, and points the web app and the workers at it.
"""

from __future__ import annotations

import contextlib
import json
import logging
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
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.mail import startup_warning
from config.public_url import bind_disagreement, public_url_for
from deliveries.orphans import child_ends_with_this_process
from destinations.salesforce.oauth import CALLBACK_PATH
from sources.provisioning import create_source
from workspaces.provisioning import create_demo_owner

logger = logging.getLogger(__name__)

# The path without its query: the OAuth callback's query carries an
# authorization code, which has no place in a log. And no user (%(u)s): the
# Basic-auth user of an intake request is the source's write key.
ACCESS_LOG_FORMAT = '%(h)s %(l)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


class Command(BaseCommand):
    help = "Serve the web app (gunicorn) and the django-q2 workers together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"]
        public_url = public_url_for(bind, os.environ.get("PUBLIC_URL", ""))
        disagreement = bind_disagreement(public_url, bind, configured=bool(os.environ.get("PUBLIC_URL")))
        if disagreement:
            self.stderr.write(disagreement)
        mail_warning = startup_warning()
        if mail_warning:
            logger.warning(mail_warning)
        # Sign-in rate limits are counted in the database cache; its table is
        # not made by `migrate`, and creating it is a no-op once it exists.
        call_command("createcachetable")
        self._announce_demo(public_url)
        python = sys.executable
        children: list[subprocess.Popen[Any]] = []
        # Every child reads the same address, whatever the serve command was told.
        env = dict(os.environ) | {"PUBLIC_URL": public_url}
        if not settings.SALESFORCE_CLIENT_ID:
            emulator, demo_env, control_page = _start_demo_org(python, bind, public_url)
            children.append(emulator)
            env |= demo_env
            self.stdout.write(
                "SALESFORCE_CLIENT_ID is not set: Connect goes to the built-in demo Salesforce org "
                f"(the emulator, at {demo_env['SALESFORCE_LOGIN_URL']}); nothing is sent to Salesforce.\n"
                f"  its records, for you alone: {control_page}"
            )
        children += [
            # Fixed argument lists: no user input reaches these commands.
            _child(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["web_workers"]),
                    "--threads",
                    "4",
                    # LOG_FORMAT=json applies to gunicorn's own lines too.
                    "--logger-class",
                    "monitoring.gunicorn_logs.GunicornLogger",
                    # Leaves time for the rest of the stop within STOP_SECONDS.
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    "-",
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                ],
                env,
            ),
            _child([python, "manage.py", "qcluster"], env),
            # On-time follow-ups (the cluster's scheduler looks only every 30 s).
            _child([python, "manage.py", "followups"], env),
        ]
        self.stdout.write(f"Serving on {public_url}/ (Ctrl-C stops)")
        self.stdout.flush()
        _wait_then_stop(children)

    def _announce_demo(self, public_url: str) -> None:
        demo = create_demo_owner()
        if demo is None:
            return
        workspace, user, password = demo
        _, key = create_source(workspace, "Demo source")
        self.stdout.write(
            self.style.SUCCESS(
                "\nA demo workspace was created. This is shown once:\n"
                f"  sign in at {public_url}/ as {user.email} with password {password}\n"
                f"  write key of its source 'Demo source': {key}\n"
                f"  try: curl -u '{key}:' -H 'Content-Type: application/json' "
                f'-d \'{{"userId":"u1","traits":{{"email":"ada@example.com"}}}}\' {public_url}/v1/identify\n'
            )
        )


def _child(command: list[str], env: dict[str, str]) -> subprocess.Popen[Any]:
    """A child in its own session, out of reach of the terminal's signals.

    Ctrl-C signals the terminal's whole process group. Were the children in
    it, gunicorn's workers would get SIGINT from the terminal and SIGQUIT
    from their master at once, and re-enter their thread pool's shutdown
    (a deadlock that keeps the port bound). Outside it, each child hears
    only the one signal `serve` sends it.
    """
    return subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=_ENDS_WITH_SERVE)  # noqa: S603


# Out of the terminal's reach, the children would outlive a `serve` killed
# with SIGKILL (or by the OOM killer); the kernel ends them instead.
_ENDS_WITH_SERVE = child_ends_with_this_process()


# The demo org listens next to the web app (8100-8104 beside 8000), so that
# its addresses, stored with connected destinations, stay the same across
# restarts; free ports are the fallback when those are taken.
DEMO_PORT_OFFSET = 100
_DEMO_PORTS = ("production-login", "production-instance", "sandbox-login", "sandbox-instance", "control")


def _start_demo_org(
    python: str, bind: str, public_url: str
) -> tuple[subprocess.Popen[str], dict[str, str], str]:
    """Run the emulator, with ``public_url``'s callback registered; its process, the settings that point at it, and its control page.

    The control page's address carries the control API's token: only this
    command learns it (from the emulator's first line), so no web page the
    user visits can steer the demo org.
    """
    _, _, bind_port = bind.rpartition(":")
    if bind_port.isdigit() and int(bind_port) + DEMO_PORT_OFFSET + len(_DEMO_PORTS) < 65536:
        started = _run_emulator(python, public_url, int(bind_port) + DEMO_PORT_OFFSET)
        if started is not None:
            return started
    started = _run_emulator(python, public_url, None)
    if started is None:
        raise CommandError("The Salesforce emulator (the demo org) did not start; see its error above.")
    return started


def _run_emulator(
    python: str, public_url: str, first_port: int | None
) -> tuple[subprocess.Popen[str], dict[str, str], str] | None:
    command = [python, "manage.py", "salesforce_emulator", "--redirect-uri", public_url + CALLBACK_PATH]
    if first_port is not None:
        for position, name in enumerate(_DEMO_PORTS):
            command += [f"--{name}-port", str(first_port + position)]
    emulator = subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_ENDS_WITH_SERVE
    )
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
    return (
        emulator,
        {
            "SALESFORCE_CLIENT_ID": urls["client_id"],
            "SALESFORCE_CLIENT_SECRET": urls["client_secret"],
            "SALESFORCE_LOGIN_URL": urls["production_login"],
            "SALESFORCE_SANDBOX_LOGIN_URL": urls["sandbox_login"],
            "SALESFORCE_EXTRA_INSTANCE_HOSTS": ",".join(hosts),
            "SALESFORCE_DEMO": "1",
        },
        f"{urls['control']}/?token={urls['control_token']}",
    )


def _first_line(stream: IO[str], timeout: float) -> str:
    """The first line of a child's output, or "" if none comes in time."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout).strip()
    except queue.Empty:
        return ""


# A terminal's Ctrl-C must leave nothing running and every port free within 10 s.
STOP_SECONDS = 8


def _wait_then_stop(children: list[subprocess.Popen[Any]]) -> None:
    """Wait until Ctrl-C, a termination signal or a child's exit; then stop all.

    The first signal asks each child once to stop (SIGTERM); a second one, or
    the deadline, kills what is left, each child with whatever it started.
    """
    signals: list[int] = []

    def note_signal(signum: int, frame: Any) -> None:
        # Only a note: a handler that did the stopping itself could be
        # re-entered by the next signal.
        signals.append(signum)

    # SIGHUP too: the children are out of the terminal's session, so closing
    # the terminal reaches them only through serve.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, note_signal)
    while not signals and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and len(signals) < 2:
        if all(child.poll() is not None for child in children):
            break
        time.sleep(0.1)
    for child in children:
        _kill_session(child)
        child.wait()


def _kill_session(child: subprocess.Popen[Any]) -> None:
    """Kill a child and any process it left behind (its workers share its session and group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
