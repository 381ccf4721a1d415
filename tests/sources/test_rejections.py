"""Rejected messages: counted by reason, a few kept as examples, shown on the source page, pruned."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deliveries.pruning import prune_old_rejections
from sources import rejections
from sources.models import Event, IntakeTotals, RejectedMessage, RejectionCount

pytestmark = pytest.mark.django_db


def _post(client, key, batch, **headers):
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    return client.post(
        "/v1/batch",
        json.dumps({"batch": batch}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        **headers,
    )


def _page(team, source):
    url = reverse("sources:detail", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk})
    return team.client_for("member").get(url)


def test_it_groups_reasons_by_rule_not_by_the_value_sent():
    assert rejections.reason_kind("'type' must be one of a, b; got 'x'") == "'type' must be one of a, b"
    assert (
        rejections.reason_kind("A group message needs a 'groupId'.") == "A group message needs a 'groupId'."
    )


def test_it_lists_a_rejected_message_on_the_source_page_without_its_payload(client, team, source):
    response = _post(
        client,
        source.key,
        [
            {"type": "identify", "messageId": "m-1", "traits": {"secret_note": "do not show"}},
            {"type": "identify", "userId": "ok", "messageId": "m-2"},
        ],
    )
    assert response.json()["accepted"] == 1

    page = _page(team, source).content.decode()

    assert "Rejected messages (last 24 hours)" in page
    assert "m-1" in page
    assert "An identify message needs a &#x27;userId&#x27;" in page
    assert "do not show" not in page
    assert source.key not in page


def test_it_counts_by_reason_and_keeps_only_the_latest_examples(client, team, source):
    bad = [
        {"type": "group", "userId": "u", "messageId": f"g-{i}"} for i in range(rejections.EXAMPLES_KEPT + 30)
    ]
    for _ in range(3):
        _post(client, source.key, [*bad, {"type": "weird", "userId": "u"}])

    summary = rejections.summary(source.source)

    assert summary.total == 3 * (rejections.EXAMPLES_KEPT + 31)
    assert summary.by_reason[0] == ("A group message needs a 'groupId'.", 3 * (rejections.EXAMPLES_KEPT + 30))
    assert RejectedMessage.objects.count() == rejections.EXAMPLES_KEPT
    assert RejectionCount.objects.count() == 2
    assert summary.examples[0].type == "weird"
    assert (
        sum(IntakeTotals.objects.filter(source=source.source).values_list("rejected", flat=True))
        == summary.total
    )


def test_it_counts_the_rejections_of_a_strict_request_and_stores_no_event(client, source):
    response = _post(
        client,
        source.key,
        [{"type": "track", "userId": "u"}, {"type": "identify", "userId": "u"}],
        HTTP_X_STRICT_MODE="1",
    )

    assert response.status_code == 400
    assert Event.objects.count() == 0
    assert [r.message_id for r in RejectedMessage.objects.all()] == [""]
    assert not IntakeTotals.objects.filter(source=source.source, accepted__gt=0).exists()
    assert sum(IntakeTotals.objects.filter(source=source.source).values_list("rejected", flat=True)) == 1


def test_the_page_says_when_nothing_was_rejected(team, source):
    assert "No message was rejected in the last 24 hours." in _page(team, source).content.decode()


def test_it_leaves_older_rejections_off_the_page_and_prunes_them_with_events(client, team, source):
    _post(client, source.key, [{"type": "group", "userId": "u", "messageId": "old-one"}])
    long_ago = timezone.now() - timedelta(days=40)
    RejectedMessage.objects.update(received_at=long_ago)
    RejectionCount.objects.update(hour=long_ago)

    assert "old-one" not in _page(team, source).content.decode()
    assert rejections.summary(source.source).total == 0

    assert prune_old_rejections() == 2
    assert not RejectedMessage.objects.exists()
    assert not RejectionCount.objects.exists()


@given(sent=st.text(max_size=60))
@hypothesis_settings(max_examples=60, deadline=None)
def test_a_reason_kind_never_holds_the_value_a_client_sent(sent):
    from datetime import UTC, datetime

    from sources.messages import MESSAGE_TYPES, Envelope, InvalidMessage, normalize

    assume(sent not in MESSAGE_TYPES)
    kinds = set()
    for raw in (
        {"type": sent, "userId": "u"},
        {"type": "track", "userId": "u", "event": "E", "timestamp": sent or "x"},
    ):
        try:
            normalize(raw, implied_type=None, envelope=Envelope(), received_at=datetime.now(UTC))
        except InvalidMessage as exc:
            kinds.add(rejections.reason_kind(exc.reason))
    assert kinds <= {
        "'type' must be one of identify, track, page, screen, group, alias",
        "'type' is required in a batch; one of identify, track, page, screen, group, alias.",
        "'timestamp' must be an ISO-8601 date and time",
        "The message holds a NUL character (\\u0000), which cannot be stored.",
        "The message holds text that is not valid Unicode.",
    }
