"""The log browser's filter (a GET form: it works without JavaScript)."""

from __future__ import annotations

from django import forms

from openpeace.log.kinds import KINDS, kind_words


class EntryFilter(forms.Form):
    """Which entries to list: of one kind, about one subject, older than an index.

    `before` pages back through the log by index (newest first), so a page is as cheap to read
    at entry 10 as at entry 10 million, and its address stays the same as the log grows.
    """

    kind = forms.ChoiceField(
        choices=[("", "any act"), *((kind, f"{kind_words(kind)} ({kind})") for kind in KINDS)],
        required=False,
        label="Act", error_messages={"invalid_choice": "No public act is of the kind %(value)s."},
    )
    subject = forms.CharField(
        required=False, max_length=200, label="About",
        help_text="What the act is about, exactly as the log names it, e.g. state:germany.",
    )
    before = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput, label="Page",
        error_messages={"invalid": "before must be an entry's index, a whole number."},
    )
