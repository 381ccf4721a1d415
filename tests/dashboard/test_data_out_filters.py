"""Data Out filters and search as query-string parameters, bad values, and pages."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from deliveries import listing
from deliveries.models import Delivery, Status
from tests.dashboard.data_out_support import block_emails, data_out_url, lead, sent
from tests.engine.conftest import make_action, send


def _shown(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr id="delivery-(\d+)"', response.content.decode())}


def _get(team, destination, **query):
    return team.client_for("owner").get(data_out_url(destination, **query))


def test_it_filters_by_status(team, sf, destination, source):
    block_emails(sf.org)
    action = sent(sf, destination, source, lead("u1"), lead("u2", "u2@blocked.example"))
    failed = Delivery.objects.get(action=action, status=Status.FAILED)

    assert _shown(_get(team, destination, status="failed")) == {failed.pk}


def test_it_filters_by_action(team, sf, destination, source):
    leads = sent(sf, destination, source, lead("u1"), name="Leads")
    contacts = make_action(destination, "contact", "create", name="Contacts", trigger='type = "identify"')
    send(source, lead("u2"))

    shown = _shown(_get(team, destination, action=str(leads.pk)))

    assert Delivery.objects.filter(action=contacts).exists()
    assert shown == set(Delivery.objects.filter(action=leads).values_list("pk", flat=True))
    assert len(shown) == 2


def test_it_filters_by_time_range(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"), lead("u2"))
    old, recent = Delivery.objects.filter(action=action).order_by("id")
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=3))

    assert _shown(_get(team, destination, range="1h")) == {recent.pk}
    assert _shown(_get(team, destination, range="24h")) == {old.pk, recent.pk}


def test_it_filters_by_a_custom_range(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"), lead("u2"))
    old, recent = Delivery.objects.filter(action=action).order_by("id")
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    cut = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    assert _shown(_get(team, destination, range="custom", to=cut)) == {old.pk}
    assert _shown(_get(team, destination, range="custom", **{"from": cut})) == {recent.pk}


def test_it_searches_by_user_id_email_and_message_id(team, sf, destination, source):
    action = sent(sf, destination, source, lead("ada", "Ada@Example.com"), lead("bob"))
    ada = Delivery.objects.select_related("event").get(action=action, event__user_id="ada")

    assert _shown(_get(team, destination, q="ada")) == {ada.pk}
    assert _shown(_get(team, destination, q="ada@example.com")) == {ada.pk}
    assert _shown(_get(team, destination, q=ada.event.message_id)) == {ada.pk}
    assert _shown(_get(team, destination, q=ada.record_id)) == {ada.pk}


def test_it_says_when_nothing_matches_and_offers_to_clear_the_filter(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    html = _get(team, destination, q="nobody").content.decode()

    assert "No deliveries match this filter." in html
    assert "Clear the filter" in html


def test_it_refuses_a_bad_filter_value_with_a_clear_message(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    for query, message in [
        ({"status": "lost"}, "Unknown status &#x27;lost&#x27;"),
        ({"range": "2y"}, "Unknown time range &#x27;2y&#x27;"),
        ({"range": "custom", "from": "yesterday"}, "is not a date"),
        ({"from": "2026-11-29", "to": "2026-11-01"}, "must be after"),
        ({"action": "nope"}, "is not an action id"),
        ({"bulk_job": "x"}, "is not a Bulk job id"),
        ({"before": "abc"}, "cursor"),
    ]:
        response = _get(team, destination, **query)
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
        assert _shown(response) == set(), query


def test_it_refuses_an_action_of_another_destination(team, sf, destination, source):
    other = destination.__class__.objects.create(workspace=team.workspace, name="Other org")
    foreign = make_action(other, "lead", "create")

    response = _get(team, destination, action=str(foreign.pk))

    assert response.status_code == 400
    assert "does not belong to this destination" in response.content.decode()


def test_a_bad_filter_in_an_htmx_request_gets_only_the_message(team, sf, destination):
    response = team.client_for("owner").get(data_out_url(destination, status="lost"), HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert response.content.decode().strip().startswith('<p class="banner banner-error" role="alert"')


def test_it_pages_fifty_rows_at_a_time_newest_first(team, sf, destination, source, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    action = sent(sf, destination, source, *(lead(f"u{n}") for n in range(5)))
    ids = sorted(Delivery.objects.filter(action=action).values_list("pk", flat=True), reverse=True)

    first = _get(team, destination)
    second = _get(team, destination, before=ids[1])
    last = _get(team, destination, before=ids[3])

    assert [_shown(r) for r in (first, second, last)] == [set(ids[0:2]), set(ids[2:4]), {ids[4]}]
    assert f"before={ids[1]}" in first.content.decode()
    assert "Older" not in last.content.decode() and "Newest" in last.content.decode()
    # Only the first page polls for new rows.
    assert 'id="poller"' in first.content.decode()
    assert 'id="poller"' not in second.content.decode()


def test_the_page_size_is_fifty():
    assert listing.PAGE_SIZE == 50


def test_the_pages_keep_the_filter(team, sf, destination, source, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    action = sent(sf, destination, source, lead("u1"), lead("u2"), lead("u3"))
    newest = Delivery.objects.filter(action=action).latest("id")

    html = _get(team, destination, status="delivered").content.decode()

    assert f"status=delivered&amp;before={newest.pk}" in html
