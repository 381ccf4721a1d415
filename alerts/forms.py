"""The alerts settings form: channels and thresholds, the webhook URL checked against private addresses."""

from __future__ import annotations

from typing import Any

from django import forms

from alerts import webhook_urls
from alerts.models import AlertSettings


class AlertSettingsForm(forms.ModelForm):
    webhook_url = forms.CharField(
        required=False,
        max_length=webhook_urls.MAX_LENGTH,
        label="Webhook URL (optional)",
        help_text="Each message is POSTed as JSON with an X-Signature-256 header: "
        "sha256= and the HMAC-SHA256 of the body with the signing secret.",
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/salesforce-alerts"}),
    )
    new_secret = forms.BooleanField(
        required=False,
        label="Make a new signing secret",
        help_text="The old secret stops working at once; the new one is shown once.",
    )
    failure_percent = forms.IntegerField(min_value=1, max_value=100, label="Failed share (%)")
    failure_minimum = forms.IntegerField(
        min_value=1, max_value=1_000_000, label="… of at least this many deliveries in the last hour"
    )
    lag_minutes = forms.IntegerField(
        min_value=1, max_value=7 * 24 * 60, label="Oldest due delivery waiting longer than (minutes)"
    )

    class Meta:
        model = AlertSettings
        fields = ["email_members", "webhook_url", "failure_percent", "failure_minimum", "lag_minutes"]
        labels = {"email_members": "Email every member of the workspace"}

    def clean_webhook_url(self) -> str:
        url: str = self.cleaned_data["webhook_url"].strip()
        if url:
            try:
                webhook_urls.check(url)
            except webhook_urls.UnsafeWebhookURL as exc:
                raise forms.ValidationError(str(exc)) from None
        return url

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("new_secret") and not data.get("webhook_url"):
            self.add_error("new_secret", "There is no webhook to sign for.")
        return data
