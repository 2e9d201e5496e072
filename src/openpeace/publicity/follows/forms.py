"""The follow form: what to follow, the address, how often."""

from __future__ import annotations

from typing import Any

from django import forms

from openpeace.publicity.follows import selectors
from openpeace.publicity.follows.models import Follow

GROUPS = {
    Follow.Target.OFFER: "Offers",
    Follow.Target.STATE: "States (every act concerning one)",
    Follow.Target.NATIONALITY: "Nationalities (their decisions, demands and plebiscites)",
}


class FollowForm(forms.Form):
    target = forms.ChoiceField(label="What to follow")
    contact = forms.EmailField(
        label="Your e-mail address", max_length=254,
        help_text="We send you a link to confirm; nothing else is sent before you do.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(label="How often", choices=Follow.Frequency.choices,
                                  initial=Follow.Frequency.DAILY, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = selectors.followable()
        choices: list[Any] = [("", "(choose)")]
        choices += [(label, [(f"{target}:{key}", name) for key, name in found[target]])
                    for target, label in GROUPS.items()]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]

    def clean_target(self) -> tuple[str, str]:
        target, _, key = str(self.cleaned_data["target"]).partition(":")
        return target, key


def initial_target(query: Any) -> str:
    """The target a link preselects: `?offer=KEY`, `?state=KEY` or `?nationality=KEY`."""
    for target in Follow.Target.values:
        if query.get(target):
            return f"{target}:{query[target]}"
    return ""
