"""A destination's API budget: its deliveries are held when it is spent, and go out once it frees up."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from deliveries import execution, sender, tasks
from deliveries.budget_hold import BUDGET_REACHED
from deliveries.models import Delivery, Status
from destinations import api_budget, api_usage
from destinations.models import ApiCallHour
from tests.engine.budget_helpers import send_leads
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import deliver, identify, make_action, send


def _lead_action(sf, destination, maximum, used=0, **budget):
    """A Lead create action of a destination with the budget given, the org's limit set as given."""
    for name, value in budget.items():
        setattr(destination, name, value)
    destination.save()
    _org_limit(sf, destination, maximum, used)
    return make_action(destination, "lead", "create", trigger='type = "identify"')


def _org_limit(sf, destination, maximum, used=0):
    """The org's daily limit and use set through the emulator's control API, and read as the sender would."""
    sf.control("PATCH", "/limits", json={"max": maximum, "used": used})
    api_usage.refresh(destination)
    # Start counting from here: the calls made to set the test up are not the sender's.
    ApiCallHour.objects.all().delete()
    sf.reset_calls()


def _a_day_passes(destination):
    """Move the stored hours and held deliveries a day back, as if a day and an hour had gone by."""
    ApiCallHour.objects.filter(destination=destination).update(hour=F("hour") - timedelta(hours=25))
    Delivery.objects.filter(destination=destination, status=Status.HELD).update(
        due_at=F("due_at") - timedelta(hours=25), updated_at=F("updated_at") - timedelta(hours=25)
    )


def _leads(count):
    return [identify(f"u{n}", last_name=f"L{n}", company="Acme") for n in range(count)]


def test_it_holds_deliveries_once_the_share_of_the_org_limit_is_spent(sf, destination, source, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    action = _lead_action(sf, destination, 40, api_budget_percent=10)
    send(source, *_leads(6))

    deliveries = deliver(action)

    # 10 % of 40 is 4 calls: one create each, then nothing more is spent.
    assert [d.status for d in deliveries] == [Status.DELIVERED] * 4 + [Status.HELD] * 2
    assert sf.api_calls() == 4
    assert api_budget.used(destination) == 4
    held = deliveries[-1]
    # Free again 24 hours after the end of the hour the calls were counted in.
    resumes = ApiCallHour.objects.earliest("hour").hour + timedelta(hours=25)
    assert held.error_code == BUDGET_REACHED
    assert held.error_message == f"API budget reached — resumes at {resumes:%Y-%m-%d %H:%M} UTC"
    assert held.due_at == resumes


def test_a_held_delivery_is_not_released_before_the_budget_frees_up(sf, destination, source, settings):
    action = _lead_action(sf, destination, 1000, api_budget_calls=1)
    send(source, *_leads(1))
    deliver(action)
    send(source, identify("late", last_name="Late", company="Acme"))
    deliver(action)
    # Held a while, but the budget is still spent: the sweep leaves it held.
    Delivery.objects.filter(status=Status.HELD).update(updated_at=F("updated_at") - timedelta(minutes=5))

    tasks.sweep()

    assert Delivery.objects.filter(status=Status.HELD).count() == 1
    assert sf.api_calls() == 1


def test_held_deliveries_go_out_once_the_rolling_use_allows(sf, destination, source, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    action = _lead_action(sf, destination, 40, api_budget_percent=10)
    send(source, *_leads(6))
    deliver(action)
    _a_day_passes(destination)

    tasks.sweep()
    deliveries = deliver(action)

    assert {d.status for d in deliveries} == {Status.DELIVERED}
    assert sorted(r["LastName"] for r in sf.records("Lead")) == [f"L{n}" for n in range(6)]
    assert sf.api_calls() == 6
    assert [d.attempts for d in deliveries] == [1] * 6


def test_a_fixed_number_of_calls_is_a_budget_of_its_own(sf, destination, source, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    # A share of this limit would allow hundreds of calls; the fixed number wins.
    action = _lead_action(sf, destination, 15000, used=200, api_budget_calls=3)
    send(source, *_leads(5))

    deliveries = deliver(action)

    assert [d.status for d in deliveries] == [Status.DELIVERED] * 3 + [Status.HELD] * 2
    assert sf.api_calls() == 3


def test_the_budget_is_checked_before_each_call_within_a_chunk(
    sf, destination, source, settings, monkeypatch
):
    # Six creates in one chunk, two records a call: three calls were planned.
    monkeypatch.setattr(execution, "COLLECTION_SIZE", 2)
    settings.DELIVERY_CHUNK_SIZE = 6
    action = _lead_action(sf, destination, 1000, api_budget_calls=2)
    send(source, *_leads(6))

    deliveries = deliver(action)

    assert sf.api_calls() == 2
    assert [d.status for d in deliveries] == [Status.DELIVERED] * 4 + [Status.HELD] * 2
    # Not sent is not a try spent.
    assert [d.attempts for d in deliveries[4:]] == [0, 0]


def test_a_bulk_action_counts_its_job_calls_and_waits_once_they_spend_the_budget(sf, destination, source):
    action = bulk_upsert(destination, batch_size=2)
    _org_limit(sf, destination, 1000)
    destination.api_budget_calls = 3
    destination.save()
    send(source, *(identify(f"c{n}", last_name=f"L{n}") for n in range(2)))

    deliver_bulk(sf, action)

    # A job takes more than three calls (create, upload, close, poll, results).
    spent = sf.api_calls()
    assert spent > 3
    assert api_budget.used(destination) == spent
    send(source, identify("c9", last_name="Late"))
    sender.run(str(action.pk))
    [late] = Delivery.objects.filter(event__payload__userId="c9")
    assert (late.status, late.error_code) == (Status.HELD, BUDGET_REACHED)
    assert sf.api_calls() == spent


def _settings_saved(team, destination, **fields):
    url = reverse(
        "destinations:settings",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    # The rest of the form as it stands: enabled, with its source.
    current = {
        "name": destination.name,
        "enabled": "on",
        "sources": [s.pk for s in destination.sources.all()],
    }
    return team.client_for("member").post(url, {**current, **fields})


def test_raising_the_budget_sends_what_waited_for_it_at_once(sf, destination, source, team, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    action = send_leads(destination, source, 3, api_budget_calls=1)
    [held] = Delivery.objects.filter(status=Status.HELD, error_code=BUDGET_REACHED)[:1]
    page = team.client_for("viewer").get(
        reverse(
            "deliveries:detail",
            kwargs={
                "workspace_id": destination.workspace_id,
                "destination_id": destination.pk,
                "delivery_id": held.pk,
            },
        )
    )
    assert "Held because the destination's API budget is spent" in page.content.decode()

    _settings_saved(team, destination, api_budget_calls="10")
    destination.refresh_from_db()
    assert (destination.enabled, destination.api_budget_calls) == (True, 10)
    deliveries = deliver(action)

    assert {d.status for d in deliveries} == {Status.DELIVERED}
    assert api_budget.used(destination) == 3


def test_saving_settings_while_the_budget_is_spent_releases_nothing(sf, destination, source, team, settings):
    settings.DELIVERY_CHUNK_SIZE = 1
    send_leads(destination, source, 3, api_budget_calls=1)

    _settings_saved(team, destination, api_budget_calls="1", api_budget_percent="10")

    destination.refresh_from_db()
    assert (destination.api_budget_percent, destination.api_budget_calls) == (10, 1)
    assert Delivery.objects.filter(status=Status.HELD).count() == 2


def test_a_retry_due_after_the_budget_frees_up_keeps_its_time(sf, destination, source, settings):
    action = send_leads(destination, source, 1, api_budget_calls=1)
    send(
        source,
        identify("soon", last_name="Soon", company="Acme"),
        identify("late", last_name="Late", company="Acme"),
    )
    later = timezone.now() + timedelta(days=3)
    Delivery.objects.filter(event__payload__userId="late").update(status=Status.RETRYING, due_at=later)

    deliver(action)

    soon, late = (Delivery.objects.get(event__payload__userId=u) for u in ("soon", "late"))
    assert (soon.status, late.status) == (Status.HELD, Status.HELD)
    assert soon.due_at == ApiCallHour.objects.get().hour + timedelta(hours=25)
    assert late.due_at == later
