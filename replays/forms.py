"""The replay form: an action of the destination, a time range (UTC) and optionally a source."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from actions.models import Action
from destinations.models import Destination
from sources.models import Source

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReplayForm(forms.Form):
    action = forms.ModelChoiceField(queryset=Action.objects.none(), empty_label=None)
    start = forms.DateTimeField(label="From (UTC)", widget=DATETIME_INPUT)
    end = forms.DateTimeField(label="To (UTC)", widget=DATETIME_INPUT)
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, empty_label="Every source of the destination"
    )
    force = forms.BooleanField(
        required=False,
        label="Send again events already sent since the action last changed",
    )

    def __init__(self, *args: Any, destination: Destination, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = self.fields["action"]
        assert isinstance(actions, forms.ModelChoiceField)
        actions.queryset = Action.live.filter(destination=destination).order_by("name")
        sources = self.fields["source"]
        assert isinstance(sources, forms.ModelChoiceField)
        sources.queryset = destination.sources.order_by("name")
        if not self.is_bound:
            now = timezone.now().replace(second=0, microsecond=0)
            self.initial.setdefault("start", now - timedelta(days=1))
            self.initial.setdefault("end", now + timedelta(minutes=1))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start: datetime | None = data.get("start")
        end: datetime | None = data.get("end")
        if start and end and start >= end:
            self.add_error("end", "The end must be after the start.")
        return data
