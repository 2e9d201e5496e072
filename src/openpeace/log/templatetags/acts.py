"""Template helpers for the log's acts: a kind said in words beside the kind itself."""

from __future__ import annotations

from django import template

from openpeace.log.kinds import kind_words

register = template.Library()
register.filter("kind_words", kind_words)
