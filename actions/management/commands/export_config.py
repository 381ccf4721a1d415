from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.config_io import export_workspace
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Print a workspace's configuration (sources, destinations, actions) as JSON, without secrets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="workspace name (needed when there are several)")

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = Workspace.objects.all()
        if options["workspace"]:
            workspaces = workspaces.filter(name=options["workspace"])
        found = list(workspaces[:2])
        if not found:
            raise CommandError("No such workspace.")
        if len(found) > 1:
            raise CommandError("There are several workspaces; name one with --workspace.")
        self.stdout.write(json.dumps(export_workspace(found[0]), indent=2, ensure_ascii=False))
