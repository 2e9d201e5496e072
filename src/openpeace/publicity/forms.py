"""The endorsement form: contact, country and region of residence, an optional name."""

from __future__ import annotations

from typing import Any

from django import forms

from openpeace.world.models import State, Territory


class EndorsementForm(forms.Form):
    contact = forms.EmailField(
        label="Your e-mail address", max_length=254,
        help_text="We send you a link to confirm; it is never published, and it is "
                  "pseudonymised when the endorsements close.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(label="Your name (optional, never published)", required=False,
                           max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    country = forms.ModelChoiceField(
        label="The country you live in", queryset=State.objects.order_by("name"),
        to_field_name="key", empty_label="(choose)",
    )
    region = forms.ModelChoiceField(
        label="Your region (optional)", required=False, to_field_name="key",
        queryset=Territory.objects.select_related("held_by").order_by("held_by__name", "name"),
        empty_label="(not given)",
        help_text="A region of the country you chose.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.label_from_instance = lambda t: f"{t.held_by.name}: {t.name}"  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        country, region = cleaned.get("country"), cleaned.get("region")
        if country is not None and region is not None and region.held_by_id != country.pk:
            self.add_error("region", f"{region.name} is not a region of {country.name}.")
        return cleaned
