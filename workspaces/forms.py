from __future__ import annotations

from django import forms

from workspaces.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text="Viewers read pages and Data Out; editors also change sources, destinations, actions "
        "and retries; owners also manage members.",
    )
