"""Run due follow-ups on time: REST chunks and Bulk batches that waited long enough, Bulk job polls."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_q.brokers import get_broker

from deliveries.followups import run_on_time


class Command(BaseCommand):
    help = "Hand due follow-ups (waiting chunks, Bulk flushes and polls) to the queue 4 times a second, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        # A REST chunk that waits for company is woken by a follow-up: each
        # look's delay is added to its latency. A look is one indexed query.
        parser.add_argument(
            "--interval", type=float, default=0.25, help="seconds between looks (default 0.25)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_on_time(stop, options["interval"], get_broker())
