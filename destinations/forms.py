from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from destinations import budget_values
from destinations.models import MAX_CONCURRENT_CALLS, Destination
from destinations.salesforce.domains import UntrustedUrl, trusted_origin
from workspaces.models import Workspace


class DestinationForm(forms.ModelForm):
    """A destination's settings; the connection itself comes from OAuth, never from a form."""

    login_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="My Domain login URL (optional)",
        help_text="Your org's own login address, such as https://acme.my.salesforce.com. "
        "When set, it is used instead of the production or sandbox login host.",
    )
    # Text fields read by ``budget_values``, whose refusals name the value given.
    api_budget_percent = forms.CharField(
        required=False,
        label="API budget (% of the org's daily limit)",
        help_text="Other integrations share the org's daily API limit: this destination spends at most "
        "this share of it in any 24 hours, then holds its deliveries until the rolling use allows.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    api_budget_calls = forms.CharField(
        required=False,
        label="API budget in calls per 24 hours (optional)",
        help_text="A fixed number of calls instead of a share; leave empty to use the share above.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    concurrent_calls = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CONCURRENT_CALLS,
        label="Concurrent calls",
        help_text="How many Salesforce calls one sender may have in flight at once "
        f"(1 to {MAX_CONCURRENT_CALLS}; Salesforce answers at most {MAX_CONCURRENT_CALLS} "
        "long-running requests of an org at once, shared with your other integrations).",
    )

    class Meta:
        model = Destination
        fields = [
            "name",
            "sources",
            "is_sandbox",
            "login_url",
            "enabled",
            "api_budget_percent",
            "api_budget_calls",
            "concurrent_calls",
        ]
        labels = {
            "is_sandbox": "Is Sandbox",
            "sources": "Connected sources",
            "enabled": "Enabled",
        }
        help_texts = {
            "is_sandbox": "Log in to a sandbox: use your production user name followed by a dot and the "
            "sandbox name, such as user@acme.com.test.",
            "enabled": "A destination receives events only when it is enabled.",
        }
        widgets = {"sources": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        sources = self.fields["sources"]
        assert isinstance(sources, forms.ModelMultipleChoiceField)
        sources.queryset = workspace.sources.all()
        self.fields["login_url"].widget.attrs["placeholder"] = "https://acme.my.salesforce.com"

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the destination a name.")
        taken = Destination.objects.filter(workspace=self.workspace, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This workspace already has a destination with this name.")
        return name

    def clean_api_budget_percent(self) -> int:
        given = self.cleaned_data["api_budget_percent"]
        if not given.strip():
            # Left out (a form that does not show it): unchanged.
            return self.instance.api_budget_percent
        try:
            return budget_values.percent(given)
        except budget_values.BadBudget as bad:
            raise forms.ValidationError(str(bad)) from None

    def clean_api_budget_calls(self) -> int | None:
        try:
            return budget_values.calls(self.cleaned_data["api_budget_calls"])
        except budget_values.BadBudget as bad:
            raise forms.ValidationError(str(bad)) from None

    def clean_concurrent_calls(self) -> int:
        """Left out of the form (an older page), the setting stays as it is."""
        value: int | None = self.cleaned_data.get("concurrent_calls")
        return self.instance.concurrent_calls if value is None else value

    def clean_login_url(self) -> str:
        url: str = self.cleaned_data["login_url"].strip()
        if not url:
            return ""
        try:
            return trusted_origin(url, settings.SALESFORCE_EXTRA_INSTANCE_HOSTS)
        except UntrustedUrl:
            raise forms.ValidationError(
                "Give your org's Salesforce login address alone, over https, such as "
                "https://acme.my.salesforce.com or https://acme--test.sandbox.my.salesforce.com."
            ) from None


class NewDestinationForm(DestinationForm):
    """Add New: sources and settings; the destination is enabled once it is connected."""

    # A new destination starts with the default budget, changed on its page.
    api_budget_percent = None  # type: ignore[assignment]
    api_budget_calls = None  # type: ignore[assignment]

    class Meta(DestinationForm.Meta):
        fields = ["sources", "name", "is_sandbox", "login_url"]
        help_texts = {
            **DestinationForm.Meta.help_texts,
            "sources": "Optional: the sources whose events this destination takes. You can change them later.",
        }
