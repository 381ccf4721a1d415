from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sources.models import Source
from sources.provisioning import create_source, rotate_key
from workspaces.models import Workspace
from workspaces.provisioning import make_owner


class Command(BaseCommand):
    help = (
        "Create a source (and its workspace when missing) and print its write key. "
        "Only the key is printed on stdout, so scripts can capture it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="workspace name")
        parser.add_argument("name", help="source name")
        parser.add_argument("--rotate", action="store_true", help="issue a new key for an existing source")
        parser.add_argument(
            "--owner", metavar="EMAIL", help="make this existing user an owner of the workspace"
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(email__iexact=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No user has the email {options['owner']!r}.")
        workspace, created = Workspace.objects.get_or_create(name=options["workspace"])
        if created:
            self.stderr.write(f"Created workspace {workspace.name!r}.")
        if owner is not None:
            make_owner(workspace, owner)
        existing = Source.objects.filter(workspace=workspace, name=options["name"]).first()
        if existing and not options["rotate"]:
            raise CommandError(
                f"Workspace {workspace.name!r} already has a source {existing.name!r}; "
                "its key cannot be shown again. Use --rotate to issue a new one."
            )
        if existing:
            key = rotate_key(existing)
        elif options["rotate"]:
            raise CommandError(f"Workspace {workspace.name!r} has no source {options['name']!r} to rotate.")
        else:
            _, key = create_source(workspace, options["name"])
        self.stdout.write(key)
