"""Run the whole product in the foreground: web app and queue workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

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
        children = [
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
                    "--access-logfile",
                    "-",
                ]
            ),
            subprocess.Popen([python, "manage.py", "qcluster"]),  # noqa: S603
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


def _wait_then_stop(children: list[subprocess.Popen[bytes]]) -> None:
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
