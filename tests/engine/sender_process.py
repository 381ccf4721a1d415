"""A sender in a process of its own, against an install's database, for the kill test.

    python -m tests.engine.sender_process setup ORG_JSON EVENTS   -> prints the action id
    python -m tests.engine.sender_process events ACTION_ID FIRST COUNT
    python -m tests.engine.sender_process send ACTION_ID

Run with the install's environment (``DATABASE_URL``, keys, Salesforce hosts).
"""

from __future__ import annotations

import json
import os
import sys


def _events(source: object, first: int, count: int) -> None:
    from sources.intake import accept

    batch = [
        {"type": "identify", "userId": f"u{n}", "traits": {"last_name": f"L{n}", "company": "Acme"}}
        for n in range(first, first + count)
    ]
    accept(source, {"batch": batch}, None)  # type: ignore[arg-type]


def main(command: str, *args: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.utils import timezone

    from actions.models import Action
    from deliveries import sender
    from destinations.models import ConnectionState, Destination
    from sources.provisioning import create_source
    from workspaces.models import Workspace

    if command == "setup":
        org = json.loads(args[0])
        workspace = Workspace.objects.create(name="Acme")
        source, _ = create_source(workspace, "website")
        destination = Destination.objects.create(
            workspace=workspace,
            name="Acme production",
            enabled=True,
            state=ConnectionState.CONNECTED,
            instance_url=org["instance_url"],
            org_id=org["org_id"],
            sf_user_id=org["user_id"],
            sf_username=org["username"],
            connected_at=timezone.now(),
        )
        destination.store_tokens(org["access_token"], org["refresh_token"])
        destination.save()
        destination.sources.add(source)
        action = Action.objects.create(
            destination=destination,
            name="Leads",
            kind="lead",
            operation="create",
            trigger='type = "identify"',
            fields={"LastName": {"@path": "$.traits.last_name"}, "Company": {"@path": "$.traits.company"}},
        )
        _events(source, 0, int(args[1]))
        print(action.pk)
    elif command == "events":
        action = Action.objects.select_related("destination").get(pk=args[0])
        _events(action.destination.sources.get(), int(args[1]), int(args[2]))
    elif command == "send":
        sender.run(args[0])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
