from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from deliveries.data_out import rows
from deliveries.models import Delivery, Status


class Command(BaseCommand):
    help = "Print Data Out: every delivery, newest first, one JSON object a line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", required=True, help="JSON lines (the only format)")
        parser.add_argument("--destination", help="destination name or id")
        parser.add_argument("--action", help="action name or id")
        parser.add_argument("--status", choices=[s.value for s in Status])
        parser.add_argument(
            "--attempts", action="store_true", help="include each attempt's requests and responses"
        )
        parser.add_argument("--limit", type=int, help="at most this many deliveries")
        parser.add_argument("--bulk-job", help="only the deliveries of this Bulk API job id")
        parser.add_argument(
            "--replayed",
            choices=["yes", "no"],
            help="only deliveries made by a replay (yes) or routed ones (no)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = Delivery.objects.all()
        for option, relation in (("destination", "destination"), ("action", "action")):
            value = options[option]
            if value:
                match = Q(**{f"{relation}__name": value})
                if _looks_like_id(value):
                    match |= Q(**{f"{relation}__pk": value})
                deliveries = deliveries.filter(match)
        if options["bulk_job"]:
            # The deliveries of one Bulk job, together (a job id has 15 or 18 characters).
            deliveries = deliveries.filter(bulk_job_id__startswith=options["bulk_job"][:15])
        if options["status"]:
            deliveries = deliveries.filter(status=options["status"])
        if options["replayed"]:
            deliveries = deliveries.filter(replay__isnull=options["replayed"] == "no")
        if options["limit"] is not None:
            if options["limit"] < 1:
                raise CommandError("--limit must be at least 1")
            deliveries = Delivery.objects.filter(
                pk__in=list(
                    deliveries.order_by("-created_at", "-id").values_list("pk", flat=True)[: options["limit"]]
                )
            )
        for row in rows(deliveries, with_attempts=options["attempts"]):
            self.stdout.write(json.dumps(row, ensure_ascii=False))


def _looks_like_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
