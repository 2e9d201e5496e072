"""A cited source, as every file of openpeace cites one (a situation, its evacuation plans, its
demands, its treaties): a title, an optional address, and the optional BCP 47 tag of the
language the title is written in (and, most often, the page it links).

The language is what lets a page mark a Russian decree's title as Russian (`lang`, `dir`, and
`hreflang` on its link), so that a screen reader reads it in Russian and not as English with
the wrong voice. It is optional: most sources cited are English, and a title that mixes two
languages is better left unmarked than marked wrongly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from openpeace.core.documents import Problem
from openpeace.core.languages import is_valid_tag


def language_problem(language: object) -> str | None:
    """What is wrong with a source's `language`, or None (absent, or a BCP 47 tag)."""
    if language is None or (isinstance(language, str) and is_valid_tag(language)):
        return None
    return f"{language!r} is not a valid BCP 47 tag"


def sources_problems(path: str, sources: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    """Every source of `sources` (at `path`) whose language is not a BCP 47 tag."""
    for i, source in enumerate(sources):
        if problem := language_problem(source.get("language")):
            yield Problem(f"{path}[{i}].language", problem)
