"""A cited source on a page (`core.sources`): its title, linked when it has an address, and
marked with its language when it gives one.

A Russian decree's title under a page in English is read by a screen reader with English
rules unless it says `lang="ru"`; `dir` isolates it (a Hebrew title does not reorder the
sentence around it), and `hreflang` tells the reader, before following the link, the language
of the page it opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from openpeace.core.languages import direction_of, is_valid_tag

register = template.Library()


def _part(cited: Any, name: str) -> str:
    """A part of a source, whether it is stored as a row (`world.Source`) or as JSON."""
    value = cited.get(name) if isinstance(cited, Mapping) else getattr(cited, name, None)
    return str(value or "")


@register.simple_tag
def source(cited: Any) -> SafeString:
    """`{% source s %}`: the source's title, linked and marked with its language."""
    title, url, language = _part(cited, "title"), _part(cited, "url"), _part(cited, "language")
    if not is_valid_tag(language):  # none given (or one no check let through): unmarked
        language = ""
    marks = (format_html(' lang="{}" dir="{}"', language, direction_of(language))
             if language else "")
    if url:
        hreflang = format_html(' hreflang="{}"', language) if language else ""
        return format_html('<a href="{}"{}{}>{}</a>', url, hreflang, marks, title)
    if language:
        return format_html("<span{}>{}</span>", marks, title)
    return conditional_escape(title)
