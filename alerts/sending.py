"""Sending queued alert messages: email through Django's mail API, webhooks signed, retried with backoff.

Each message is claimed by a conditional update before it is sent, so two
checkers never send it twice; every try is logged on the message (shown on
the alerts page), never with the secret.
"""

from __future__ import annotations

import json
import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import send_mail
from django.utils import timezone

from alerts import messages, signing, webhook_urls
from alerts.incidents import settings_of
from alerts.models import Channel, Notification, NotificationState
from destinations.salesforce import outbound
from workspaces.models import Membership

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, … failed try; after the last, the message is failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=4),
    timedelta(minutes=8),
    timedelta(minutes=16),
    timedelta(minutes=32),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claimed message that its sender did not finish is tried again after this.
CLAIM = timedelta(minutes=2)
TIMEOUT_SECONDS = 10
# Messages tried per run: even if every one times out, the task ends well inside the queue's timeout.
PER_RUN = 20
KEPT_ATTEMPTS = 10
USER_AGENT = "salesforce-destination-alerts/1"


class SendFailed(Exception):
    def __init__(self, error: str, status: int | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def deliver_due(now: datetime | None = None) -> int:
    """Try every message that is due; how many were tried."""
    now = now or timezone.now()
    due = Notification.objects.filter(state=NotificationState.PENDING, next_attempt_at__lte=now)
    tried = 0
    for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:PER_RUN]):
        claimed = Notification.objects.filter(
            pk=pk, state=NotificationState.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + CLAIM)
        if claimed:
            attempt(Notification.objects.select_related("incident__destination__workspace").get(pk=pk), now)
            tried += 1
    return tried


def attempt(notification: Notification, now: datetime) -> None:
    """One try of one message, recorded on it."""
    status: int | None = None
    error = ""
    try:
        status = _send(notification)
    except SendFailed as exc:
        status, error = exc.status, exc.error
    notification.attempts += 1
    entry: dict[str, Any] = {"at": now.isoformat(), "status": status, "error": error}
    notification.attempt_log = [*notification.attempt_log, entry][-KEPT_ATTEMPTS:]
    if not error:
        notification.state = NotificationState.SENT
        notification.sent_at = now
        notification.next_attempt_at = None
    elif notification.attempts >= MAX_ATTEMPTS:
        notification.state = NotificationState.FAILED
        notification.next_attempt_at = None
        logger.warning("alert %s not sent after %s tries: %s", notification.pk, notification.attempts, error)
    else:
        notification.next_attempt_at = now + BACKOFF[notification.attempts - 1]
    notification.save(update_fields=["attempts", "attempt_log", "state", "sent_at", "next_attempt_at"])


def _send(notification: Notification) -> int | None:
    if notification.channel == Channel.EMAIL:
        _email(notification)
        return None
    return _webhook(notification)


def _email(notification: Notification) -> None:
    destination = notification.incident.destination
    recipients = sorted(
        set(
            Membership.objects.filter(workspace_id=destination.workspace_id)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        raise SendFailed("No member of the workspace has an email address.")
    message = json.loads(notification.body)
    try:
        send_mail(messages.email_subject(message), messages.email_text(message), None, recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"The mail server refused it: {exc}") from None


def _webhook(notification: Notification) -> int:
    alert_settings = settings_of(notification.incident.destination)
    url = alert_settings.webhook_url
    if not url or not alert_settings.webhook_secret_encrypted:
        raise SendFailed("No webhook is set any more.")
    try:
        webhook_urls.check(url)
    except webhook_urls.UnsafeWebhookURL as exc:
        raise SendFailed(str(exc)) from None
    body = notification.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.signature(alert_settings.webhook_secret, body),
    }
    try:
        # Redirects are not followed: they could lead to an address the check refused.
        status = outbound.post(url, body, headers, TIMEOUT_SECONDS)
    except outbound.NoAnswer as exc:
        raise SendFailed(f"No answer: {exc.kind}") from None
    if not 200 <= status < 300:
        raise SendFailed(f"Answered {status}", status)
    return status
