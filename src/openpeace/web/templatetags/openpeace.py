"""Template helpers for texts in many languages and scripts.

Every name is isolated with `<bdi>` so a right-to-left name never reorders the sentence around
it, and every text in another language carries its own `lang` and `dir`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from openpeace.core.search_query import MARK_START, MARK_STOP

register = template.Library()


@register.simple_tag
def name(text: str) -> str:
    """A name, isolated from the direction of the text around it."""
    return format_html("<bdi>{}</bdi>", text)


@register.simple_tag
def foreign(text: str, language: Any) -> str:
    """A text in `language` (a `world.Language`, or None when unknown), marked for it."""
    if not text:
        return ""
    if language is None:
        return format_html("<bdi>{}</bdi>", text)
    return format_html(
        '<bdi lang="{}" dir="{}">{}</bdi>', language.tag, language.direction, text
    )


@register.filter
def marked(snippet: str) -> str:
    """A search snippet with its matched words in <mark>: the text is escaped first, then the
    engine's private-use markers (`search_query.MARK_START`, `MARK_STOP`) become the tags."""
    return mark_safe(  # escaped first; only our own tags are added
        conditional_escape(snippet).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


@register.filter
def moment(iso: str) -> dt.datetime | str:
    """An ISO 8601 moment from data the page shares with its JSON (a tally's "as_of"), as a
    datetime for the `date` filter; left as it is if it is not one."""
    return parse_datetime(iso) or iso
