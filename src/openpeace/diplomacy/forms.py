"""The envoy's reply form: the same reply as the API's, for a person in a browser; and the day
an armistice's calendar answers for."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from openpeace.core.documents import DocumentError, json_document
from openpeace.diplomacy.models import Envoy, Reply
from openpeace.diplomacy.services import envoy_authenticate
from openpeace.web.forms import DayField
from openpeace.world.models import Language


class ReplyForm(forms.Form):
    token = forms.CharField(
        label="Envoy's token", widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The token the foreign office gave your government's envoy.",
    )
    reply = forms.ChoiceField(label="Reply", choices=Reply.Kind.choices)
    # Kept as typed, as the API keeps it: `reply_record` refuses a blank one, for both.
    text = forms.CharField(label="The reply as sent", widget=forms.Textarea, max_length=50_000,
                           strip=False)
    # A tag, not a choice the form checks: `reply_record` refuses one the register lacks, with
    # the API's message, at this field.
    language = forms.CharField(
        label="Its language", widget=forms.Select,
        help_text="The language the reply is sent in: its text is shown marked with it.",
    )
    terms = forms.CharField(
        label="Terms of a counter-proposal (JSON)", widget=forms.Textarea, required=False,
        help_text="Only with a counter-proposal; see the terms format.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Every language of the register, by name: a government may answer in its own or in
        another (French, the diplomatic language of 1917)."""
        super().__init__(*args, **kwargs)
        widget = self.fields["language"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", "---------"),
                          *Language.objects.order_by("name", "tag").values_list("tag", "name")]

    def clean_token(self) -> Envoy:
        envoy = envoy_authenticate(self.cleaned_data["token"])
        if envoy is None:
            raise forms.ValidationError("This token is unknown or has been revoked.")
        return envoy

    def clean_terms(self) -> dict[str, Any] | None:
        text = self.cleaned_data["terms"].strip()
        if not text:
            return None
        try:
            terms = json_document(text, "terms")
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"Not JSON: {error.msg} (line {error.lineno}).") from None
        except DocumentError as error:  # nested too deep to be read
            raise forms.ValidationError([str(p) for p in error.problems]) from None
        if not isinstance(terms, dict):
            raise forms.ValidationError("The terms are a JSON object.")
        return terms

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if ("reply" in data and "terms" in data
                and (data["reply"] == Reply.Kind.COUNTER_PROPOSAL) != (data["terms"] is not None)):
            raise forms.ValidationError("Terms go with a counter-proposal, and only with one.")
        return data


class CalendarDayForm(forms.Form):
    """The day an armistice's calendar answers for (`?on=`); today when none is asked."""

    on = DayField(label="Answer for the day", required=False,
                  help_text="YYYY-MM-DD; today if left empty.")
