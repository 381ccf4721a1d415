"""Saving alert settings: a webhook gets a signing secret, shown once; no webhook keeps none."""

from __future__ import annotations

from alerts import signing
from alerts.models import AlertSettings


def save(alert_settings: AlertSettings, *, new_secret: bool) -> str:
    """Save the settings; the new signing secret when one was made (to show once), else ""."""
    secret = ""
    if not alert_settings.webhook_url:
        alert_settings.webhook_secret_encrypted = ""
    elif new_secret or not alert_settings.webhook_secret_encrypted:
        secret = signing.new_secret()
        alert_settings.store_webhook_secret(secret)
    alert_settings.save()
    return secret
