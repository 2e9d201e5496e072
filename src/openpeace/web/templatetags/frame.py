"""The site's frame: the header and the footer around every page.

They are the same on every page in a language, so each is rendered once per language in each
process, not once per page: their URL reversals and translations were about a third of a
simple page's time (bench/endorse.py). The memo is the process's own, not Django's cache,
which may be shared: a shared cache would keep serving an old header after a deploy changed
it. With DEBUG on, the frame is rendered every time, so an edited template shows at once.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@functools.cache
def _rendered(template_name: str, language: str) -> SafeString:
    return render_to_string(template_name)  # under `language`, the active one


@register.simple_tag
def frame(template_name: str) -> SafeString:
    """`template_name` rendered once for the active language and kept."""
    if settings.DEBUG:
        return render_to_string(template_name)
    return _rendered(template_name, get_language())
