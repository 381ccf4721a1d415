from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

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
        fields = ["name", "sources", "is_sandbox", "login_url", "enabled", "concurrent_calls"]
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

    class Meta(DestinationForm.Meta):
        fields = ["sources", "name", "is_sandbox", "login_url"]
        help_texts = {
            **DestinationForm.Meta.help_texts,
            "sources": "Optional: the sources whose events this destination takes. You can change them later.",
        }
