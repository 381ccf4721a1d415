from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from workspaces.models import Role


class AddMemberForm(forms.Form):
    email = forms.EmailField(label="Email of an existing user")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if not get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("No user has this email. Ask them to sign up first.")
        return email
