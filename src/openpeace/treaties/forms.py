"""The register's filters and the search box, as forms: pages work without JavaScript, and a
bad date or an unknown party is a message on the form, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms

from openpeace.core.search_query import MAX_LENGTH
from openpeace.treaties.models import Clause
from openpeace.treaties.selectors import TreatyFilters, treaties_public
from openpeace.web.forms import DayField
from openpeace.world.models import State


class TreatyFilterForm(forms.Form):
    party = forms.ChoiceField(label="Party", required=False)
    signed_from = DayField(label="Signed from", required=False)
    signed_to = DayField(label="Signed to", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[
        ("", "published or repudiated"), ("published", "published"),
        ("repudiated", "repudiated"),
    ])
    clause_type = forms.ChoiceField(label="Has a clause of type", required=False,
                                    choices=[("", "any"), *Clause.Types.choices])
    flagged = forms.ChoiceField(label="Promises of annexation", required=False, choices=[
        ("", "with or without"), ("yes", "only treaties that promise annexations"),
        ("no", "only treaties that promise none"),
    ])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = State.objects.filter(treaties__in=treaties_public()).distinct().order_by("name")
        party = self.fields["party"]
        assert isinstance(party, forms.ChoiceField)
        party.choices = [("", "any"), *parties.values_list("key", "name")]

    def clean(self) -> dict[str, Any]:
        """A range of dates that ends before it begins is refused at its end, as the API
        refuses it (`TreatyFilters.range_refused`): answering it with no treaty would say that
        none was signed then."""
        data = super().clean() or {}
        if refused := self.filters().range_refused():
            self.add_error("signed_to", refused)
        return data

    def filters(self) -> TreatyFilters:
        data = self.cleaned_data
        flagged = {"yes": True, "no": False}.get(data.get("flagged") or "")
        return TreatyFilters(
            party=data.get("party") or None, signed_from=data.get("signed_from"),
            signed_to=data.get("signed_to"), status=data.get("status") or None,
            clause_type=data.get("clause_type") or None, flagged=flagged,
        )


class SearchForm(TreatyFilterForm):
    q = forms.CharField(label="Search the treaties", max_length=MAX_LENGTH, required=False,
                        help_text='Words, "a phrase", OR, -exclude, prefix*, (groups).')

    field_order = ["q"]
