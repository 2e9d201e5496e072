"""An act's words (`acts.Said`) in HTML, as every HTML that shows them marks them: a follow's
mail and the log's pages (`publicity.log_pages`).

A text quoted in its own words (a government's reply, a demand as filed, a plebiscite's
question) is in the language its entry names, which may be another than the page's or the
mail's: there it carries that language's `lang` and `dir`, so that a screen reader reads it
with that language's rules and a text written right to left keeps its order. Each name it joins
in is in `<bdi>` (`publicity/_segments.html` renders the segments). One class, so that the mail
and the pages cannot come to mark the same text differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpeace.core.languages import direction_of, is_valid_tag
from openpeace.publicity.feeds.acts import Said, Segments


@dataclass(frozen=True)
class Marked:
    """A text for HTML, as its segments (a name's in `<bdi>` there), with the `lang` and `dir`
    of its language where that is not the language around it (a text quoted in its own words);
    none for a tag no check let through, so that an old entry's odd tag costs its mark, never
    its mail or its page."""

    segments: Segments
    lang: str = ""
    dir: str = ""

    @classmethod
    def of(cls, said: Said, around: str) -> Marked:
        if said.language.lower() == around.lower() or not is_valid_tag(said.language):
            return cls(said.segments)
        return cls(said.segments, said.language, direction_of(said.language))
