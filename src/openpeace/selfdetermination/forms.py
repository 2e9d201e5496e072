"""The demands as forms: the register's filters, and a commission's filing, for a person in a
browser without JavaScript; the same rules as the API, every refusal a message on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from openpeace.core.languages import is_valid_tag
from openpeace.core.text import text_problem
from openpeace.selfdetermination.models import Commission, Demand
from openpeace.selfdetermination.services import commission_authenticate
from openpeace.world.models import Nationality

TEXT_LIMIT = 50_000


class DemandFilterForm(forms.Form):
    nationality = forms.ChoiceField(label="Nationality", required=False)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "any"), *Demand.Status.choices])
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "any"), *Demand.Kind.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        having = Nationality.objects.filter(demands__isnull=False).distinct().order_by("name")
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ChoiceField)
        nationality.choices = [("", "any"), *having.values_list("key", "name")]

    def filters(self) -> dict[str, str]:
        lookups = {"nationality": "nationality__key", "status": "status", "kind": "kind"}
        return {lookups[name]: value for name, value in self.cleaned_data.items() if value}


def _said(value: str) -> str:
    """`value`, if it is a public text (`core.text`), as the service takes it."""
    if problem := text_problem(value, "It", blank="It is blank: say what is demanded"):
        raise forms.ValidationError(f"{problem}.")
    return value


class DemandFileForm(forms.Form):
    token = forms.CharField(
        label="Commission's token", widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The token the foreign office gave your nationality's commission.",
    )
    kind = forms.ChoiceField(label="Kind of demand", choices=Demand.Kind.choices)
    text = forms.CharField(label="The demand", widget=forms.Textarea, max_length=TEXT_LIMIT)
    acts_asked = forms.CharField(label="The acts it asks for", widget=forms.Textarea,
                                 max_length=TEXT_LIMIT)
    language = forms.CharField(
        label="Their language", initial="en", max_length=35, required=False,
        help_text="The BCP 47 tag of the language the demand and the acts are written in: "
                  "en, uk, fi, ota…",
    )

    def clean_token(self) -> Commission:
        commission = commission_authenticate(self.cleaned_data["token"])
        if commission is None:
            raise forms.ValidationError("This token is unknown or has been revoked.")
        return commission

    def clean_text(self) -> str:
        return _said(self.cleaned_data["text"])

    def clean_acts_asked(self) -> str:
        return _said(self.cleaned_data["acts_asked"])

    def clean_language(self) -> str:
        tag: str = self.cleaned_data["language"].strip() or "en"
        if not is_valid_tag(tag):
            raise forms.ValidationError(f"{tag!r} is not a BCP 47 tag: write e.g. uk or fi.")
        return tag
