from __future__ import annotations

from django import forms


class SourceForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For example: website, mobile app, backend.")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the source a name.")
        return name
