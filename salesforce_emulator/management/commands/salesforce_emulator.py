"""``python manage.py salesforce_emulator``: run the emulator until stopped.

Prints one JSON line naming each host's URL, the OAuth client id and
secret, and the control API's token, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import json
import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from salesforce_emulator import Emulator, EmulatorConfig
from salesforce_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URIS

_PORTS = ("production_login", "production_instance", "sandbox_login", "sandbox_instance", "control")


class Command(BaseCommand):
    help = "Run the Salesforce emulator (two orgs and a control port) until interrupted."
    # The emulator needs nothing from the project's Django setup, so its checks would only be noise.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        for name in _PORTS:
            flag = "--" + name.replace("_", "-") + "-port"
            parser.add_argument(flag, type=int, default=0, help=f"{name} port (default: a free port)")
        parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="OAuth consumer key to accept")
        parser.add_argument(
            "--client-secret", default=DEFAULT_CLIENT_SECRET, help="OAuth consumer secret to accept"
        )
        parser.add_argument(
            "--redirect-uri",
            action="append",
            dest="redirect_uris",
            help="a registered OAuth callback URL; repeat for more (default: "
            + " ".join(DEFAULT_REDIRECT_URIS)
            + ")",
        )
        parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
        parser.add_argument("--daily-limit", type=int, default=15000, help="daily API requests per org")
        parser.add_argument("--schema-file", default=None, help="JSON file extending the packaged schema")
        parser.add_argument("--person-accounts", action="store_true", help="enable Person Accounts")
        parser.add_argument(
            "--bulk-delay", type=float, default=0.5, help="seconds a Bulk job waits per state"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = EmulatorConfig(
            host=options["host"],
            production_login_port=options["production_login_port"],
            production_instance_port=options["production_instance_port"],
            sandbox_login_port=options["sandbox_login_port"],
            sandbox_instance_port=options["sandbox_instance_port"],
            control_port=options["control_port"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            redirect_uris=options["redirect_uris"] or list(DEFAULT_REDIRECT_URIS),
            latency=options["latency"],
            daily_api_limit=options["daily_limit"],
            schema_file=options["schema_file"],
            person_accounts=options["person_accounts"],
            bulk_processing_delay=options["bulk_delay"],
        )
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        emulator = Emulator(config).start()
        try:
            line = {
                **emulator.urls,
                "client_id": emulator.client_id,
                "client_secret": emulator.client_secret,
                "control_token": emulator.control_token,
            }
            self.stdout.write(json.dumps(line))
            self.stdout.flush()
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
