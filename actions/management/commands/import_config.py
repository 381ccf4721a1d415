from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.config_io import InvalidConfig, import_config


class Command(BaseCommand):
    help = (
        "Apply a configuration file (see docs/config.md): idempotent, matched by name, "
        "all or nothing. Prints the write key of each source it creates, once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text()
            config = json.loads(text)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        except RecursionError:
            raise CommandError(f"Cannot read {path}: it is nested too deeply.") from None
        try:
            report = import_config(config)
        except InvalidConfig as invalid:
            raise CommandError(
                "Nothing was changed:\n" + "\n".join(f"  {p}" for p in invalid.problems)
            ) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for label in report.created:
            self.stdout.write(f"created {label}")
        for label in report.updated:
            self.stdout.write(f"updated {label}")
        self.stdout.write(f"{len(report.unchanged)} unchanged")
        for name, key in report.new_keys.items():
            self.stdout.write(f"write key of new source {name}: {key}")
