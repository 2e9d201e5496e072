"""The register's filter forms and the day its occupations are shown on (GET forms: they work
without JavaScript)."""

from __future__ import annotations

from django import forms

from openpeace.web.forms import DayField
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


class DayForm(forms.Form):
    """The day the occupations are shown as they stood on (`?on=`); today when none is asked."""

    on = DayField(
        label="Show the day", required=False,
        help_text="YYYY-MM-DD; today if left empty. What happened after that day is shown as "
                  "not yet done.",
    )
