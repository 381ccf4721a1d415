"""Replay stored events through an action from the command line, printing progress."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from actions.models import Action
from replays import dry_run, running
from replays.models import Replay
from replays.selection import ReplayRefused
from sources.models import Source


class Command(BaseCommand):
    help = (
        "Re-send stored events received in [--from, --to) through an action: count them, "
        "then make their deliveries (the workers send them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--action", required=True, help="action name or id")
        parser.add_argument("--destination", help="destination name or id (when action names repeat)")
        parser.add_argument(
            "--from", dest="start", required=True, help="ISO time, UTC unless it says otherwise"
        )
        parser.add_argument("--to", dest="end", help="ISO time (default: now)")
        parser.add_argument("--source", help="only this source's events (name or id)")
        parser.add_argument(
            "--force", action="store_true", help="send again events already sent since the action changed"
        )
        parser.add_argument("--dry-run", action="store_true", help="only count; create nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        action = _action(options["action"], options["destination"])
        start = _moment(options["start"], "--from")
        end = _moment(options["end"], "--to") if options["end"] else timezone.now()
        source = _source(options["source"], action) if options["source"] else None
        try:
            counted = dry_run.count(action, start, end, source)
            self.stdout.write(
                f"{action.name}: the trigger takes {counted.matched} of {counted.looked_at} events "
                f"({counted.already_sent} already sent since the action last changed); "
                f"a replay makes {counted.to_send(options['force'])} deliveries."
            )
            if options["dry_run"]:
                return
            replay = running.start(action, start, end, source, force=options["force"], queue=False)
            replay = running.run(replay.pk, slice_seconds=None, on_page=self._progress)
        except ReplayRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Done: {replay.created} deliveries made from {replay.matched} events taken.")

    def _progress(self, replay: Replay) -> None:
        self.stdout.write(
            f"{replay.percent:3d} %  {replay.looked_at}/{replay.total} events looked at, "
            f"{replay.created} deliveries made"
        )


def _by_name_or_id(value: str, prefix: str = "") -> Q:
    match = Q(**{f"{prefix}name": value})
    with contextlib.suppress(ValueError):
        match |= Q(**{f"{prefix}pk": uuid.UUID(value)})
    return match


def _action(value: str, destination: str | None) -> Action:
    actions = Action.live.filter(_by_name_or_id(value))
    if destination:
        actions = actions.filter(_by_name_or_id(destination, "destination__"))
    found = list(actions.select_related("destination")[:2])
    if not found:
        raise CommandError(f"No action {value!r}.")
    if len(found) > 1:
        raise CommandError(f"Several actions are named {value!r}: name the destination with --destination.")
    return found[0]


def _source(value: str, action: Action) -> Source:
    found = list(Source.objects.filter(_by_name_or_id(value), workspace_id=action.workspace_id)[:2])
    if len(found) != 1:
        raise CommandError(f"No single source {value!r} in the action's workspace.")
    return found[0]


def _moment(value: str, option: str) -> datetime:
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"{option} must be an ISO time such as 2026-11-29T14:30; got {value!r}.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)
