"""The endorsement form: contact, country and region of residence, an optional name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from openpeace.world.models import State, Territory


class PlainSelect(forms.Select):
    """A `<select>` written directly, not through a template per option: the region select
    has one option per territory (152 in 1917), and rendering them one template at a time was
    most of the endorsement form's cost (bench/endorse.py). The same markup, escaped alike."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label)
             for key, label in self.choices),
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), options)


class RegionChoiceField(forms.ModelChoiceField[Territory]):
    """A territory, labelled with the state that holds it."""

    def label_from_instance(self, obj: Territory) -> str:
        return f"{obj.held_by.name}: {obj.name}"


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
        to_field_name="key", empty_label="(choose)", widget=PlainSelect,
    )
    region = RegionChoiceField(
        label="Your region (optional)", required=False, to_field_name="key",
        queryset=Territory.objects.select_related("held_by").order_by("held_by__name", "name"),
        empty_label="(not given)", widget=PlainSelect,
        help_text="A region of the country you chose.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        country, region = cleaned.get("country"), cleaned.get("region")
        if country is not None and region is not None and region.held_by_id != country.pk:
            self.add_error("region", f"{region.name} is not a region of {country.name}.")
        return cleaned
