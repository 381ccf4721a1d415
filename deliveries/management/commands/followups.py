"""Run due follow-ups on time: Bulk batches that waited long enough, Bulk job polls."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_q.brokers import get_broker

from deliveries.followups import run_on_time


class Command(BaseCommand):
    help = "Hand due follow-ups (Bulk flushes and polls) to the queue every second, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_on_time(stop, options["interval"], get_broker())
