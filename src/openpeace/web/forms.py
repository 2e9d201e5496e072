"""What the pages' GET forms share: a day, written one way everywhere, kept as typed when it is
refused.

Every page that shows something "as it stood on a day" or filters by dates takes the day as
YYYY-MM-DD, as the API does, and says so when it gets anything else. A refused day stays in its
box as the person typed it, with the message next to it (`web/_filter_fields.html`): replacing it
with today's date would hide what was wrong and make the page look as if it had been answered.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SHOWN_LENGTH = 40
"""How much of a refused value its message quotes: a pasted page of text is not repeated."""


class DayInput(forms.DateInput):
    """A day as `<input type="date">` (a date picker where the browser has one); once refused, as
    plain text: a date input can hold nothing but a valid date, so a browser would empty it and
    the person could no longer see or correct what they typed."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["attrs"].get("aria-invalid"):  # set by the field once refused
            context["widget"]["type"] = "text"
        return context


class DayField(forms.DateField):
    """A day written as YYYY-MM-DD, and only so: "03/04/1918" means two different days to two
    readers, so it is refused with a message that says how to write it."""

    widget = DayInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        asked = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", asked):
            try:
                return dt.date.fromisoformat(asked)
            except ValueError:
                pass
        shown = asked if len(asked) <= SHOWN_LENGTH else asked[:SHOWN_LENGTH] + "…"
        raise forms.ValidationError(_("%(asked)s is not a date: give it as YYYY-MM-DD."),
                                    code="invalid", params={"asked": shown})
