"""`manage.py replay`: counts, makes the deliveries, prints progress; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from deliveries.models import Delivery
from replays.models import Replay, ReplayState
from tests.engine.conftest import identify, make_action, send

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("replay", *args, stdout=out)
    return out.getvalue()


def an_hour_ago() -> str:
    return (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")


def test_it_replays_and_prints_progress_to_the_end(destination, source) -> None:
    send(source, *(identify(f"u{n}", email=f"u{n}@x.io", last_name="L", company="C") for n in range(600)))
    action = make_action(destination, "lead", "create", name="Leads")

    output = run("--action", "Leads", "--from", an_hour_ago())

    assert "the trigger takes 600 of 600 events" in output
    assert " 83 %  500/600 events looked at, 500 deliveries made" in output
    assert "100 %  600/600 events looked at, 600 deliveries made" in output
    assert output.rstrip().endswith("Done: 600 deliveries made from 600 events taken.")
    assert Delivery.objects.filter(action=action, replay__isnull=False).count() == 600
    assert Replay.objects.get().state == ReplayState.DONE


def test_it_only_counts_in_a_dry_run(destination, source) -> None:
    send(source, identify("u1", email="a@x.io"), identify("u2", email="b@x.io"))
    action = make_action(destination, "lead", "create", name="Leads")

    output = run("--action", str(action.pk), "--from", an_hour_ago(), "--dry-run")

    assert "a replay makes 2 deliveries" in output
    assert not Delivery.objects.exists() and not Replay.objects.exists()


def test_it_refuses_a_time_it_cannot_read(destination) -> None:
    make_action(destination, "lead", "create", name="Leads")

    with pytest.raises(CommandError, match="--from must be an ISO time"):
        run("--action", "Leads", "--from", "yesterday")
    assert not Replay.objects.exists()


def test_it_refuses_an_unknown_action(destination) -> None:
    with pytest.raises(CommandError, match="No action 'Nope'"):
        run("--action", "Nope", "--from", an_hour_ago())
