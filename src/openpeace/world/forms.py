"""The register's filter forms (GET forms: they work without JavaScript)."""

from __future__ import annotations

from django import forms

from openpeace.world import models as m


class NationalityFilter(forms.Form):
    standing = forms.ChoiceField(
        choices=[("", "any standing"), *m.Nationality.Standing.choices], required=False
    )
    ruled_by = forms.ModelChoiceField(
        queryset=m.State.objects.filter(ruled_nationalities__isnull=False).distinct(),
        to_field_name="key",
        required=False,
        empty_label="any state",
        label="Ruled by",
        error_messages={"invalid_choice": "No state with this key rules a nationality."},
    )
