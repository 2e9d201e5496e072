"""Template helpers for texts in many languages and scripts, wide tables and page titles.

Every name is isolated with `<bdi>` so a right-to-left name never reorders the sentence around
it, and every text in another language carries its own `lang` and `dir`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.template.base import FilterExpression, Parser, Token
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from openpeace.core.search_query import MARK_START, MARK_STOP
from openpeace.core.text import isolated

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


class _Scrolling(template.Node):
    def __init__(self, caption_id: FilterExpression, nodelist: template.NodeList) -> None:
        self.caption_id, self.nodelist = caption_id, nodelist

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="table" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            self.caption_id.resolve(context), self.nodelist.render(context),
        )


@register.tag
def scrolling(parser: Parser, token: Token) -> _Scrolling:
    """`{% scrolling "id" %}<table><caption id="id">…</table>{% endscrolling %}`: a table in
    a region of its own that scrolls sideways when the table is wider than the screen.

    At 320 CSS pixels a page must not scroll sideways (WCAG 2.2, 1.4.10 Reflow); a data table
    is exempt only inside its own scrolling region. The region is named by the table's caption
    and takes the keyboard focus, so that it can be scrolled without a mouse (axe's
    `scrollable-region-focusable`, WCAG 2.1.1 Keyboard). Every `<table>` of the site is in one.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the id of the table's caption")
    nodelist = parser.parse(("endscrolling",))
    parser.delete_first_token()
    return _Scrolling(parser.compile_filter(bits[1]), nodelist)


def _shown(field: forms.BoundField) -> str:
    """What a filter field asks for, in words: a choice's label, or the text given."""
    value = field.value()
    if value in (None, "") or field.is_hidden:
        return ""
    choices = getattr(field.field, "choices", None)
    if choices is None:
        text = str(value)
        return text if len(text) <= 40 else text[:40] + "…"
    for key, label in choices:
        for option, text in label if isinstance(label, list | tuple) else [(key, label)]:
            if str(option) == str(value):
                return str(text)
    return ""


@register.simple_tag
def filters(form: forms.Form | None = None, day: dt.date | None = None,
            unlabelled: str = "") -> str:
    """What a filtered page was asked for, for its title: " (Standing: colonial)", or ''.

    Each page's title must tell it from the site's other pages (WCAG 2.2, 2.4.2 Page Titled),
    and a filtered list is another page than the whole list. Only a valid filter is named (a
    refused one makes an error page, `web.middleware.ErrorTitle`); an unbound form names what
    the request preselected in it (`initial`, such as /follow/?offer=…). `day` is the day a
    page shows, named unless it is today; the field named `unlabelled` (a search's query)
    shows its text in quotes, without its label.
    """
    shown = []
    if form is not None and (form.is_valid() if form.is_bound else True):
        names = [name for name in form.fields if form.is_bound or name in form.initial]
        for name in names:
            if text := _shown(form[name]):
                shown.append(f"“{text}”" if name == unlabelled else f"{form[name].label}: {text}")
    if day is not None and day != timezone.localdate():
        shown.append(date_format(day, "j F Y"))
    return f" ({'; '.join(shown)})" if shown else ""


register.filter("isolated", isolated)
