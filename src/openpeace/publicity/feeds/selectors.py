"""Reads of the feeds: which acts a feed lists, in which pages, and which feeds exist.

A feed lists integrated entries that the latest signed checkpoint covers, so every item's
inclusion proof exists when the feed is read. The subscription document holds a feed's latest
`PAGE_SIZE` acts, newest first; older acts are in archive documents (RFC 5005 §4): page 1 holds
the feed's first `PAGE_SIZE` acts in log order, page 2 the next, and so on. Only complete pages
are archives, so an archive never changes once it exists (the log only grows).

The plebiscites' ballots (`NOT_IN_FEEDS`) are left out: they are logged so that anyone can check
the count, one entry per ballot, and are listed on each plebiscite's board; in a feed they would
bury every other act. The plebiscite's own acts (its call, its closing, its result…) are in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from openpeace.core.languages import direction_of
from openpeace.diplomacy.models import Note, Proclamation
from openpeace.log import selectors as log_selectors
from openpeace.log.models import Entry
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import Register
from openpeace.treaties.models import TreatyText
from openpeace.treaties.selectors import treaties_public
from openpeace.world.models import Language

PAGE_SIZE = 100
NOT_IN_FEEDS = ("plebiscite.ballot_cast", "plebiscite.ballot_audited")


class NoSuchPage(LookupError):
    """An archive page that does not exist (yet): pages are numbered from 1 and only complete
    pages are archives."""


def entries_in_feeds() -> QuerySet[Entry]:
    """Every entry a feed may list, in log order: integrated, covered by the latest checkpoint."""
    checkpoint = log_selectors.checkpoint_latest()
    if checkpoint is None:
        return Entry.objects.none()
    return (Entry.objects.filter(index__isnull=False, index__lt=checkpoint.size)
            .exclude(kind__in=NOT_IN_FEEDS).order_by("index"))


@dataclass(frozen=True)
class Window:
    """The acts one feed document shows, newest first, and where it sits among the pages."""

    entries: list[Entry]
    page: int | None  # None: the subscription document
    archives: int  # how many complete archive pages the feed has


def _bounds(count: int, page: int | None) -> tuple[int, int, int]:
    archives = count // PAGE_SIZE
    if page is None:
        return max(0, count - PAGE_SIZE), count, archives
    if page < 1:
        raise NoSuchPage("archive pages are numbered from 1")
    if page > archives:
        raise NoSuchPage(f"this feed has {archives} complete archive "
                         f"page{'' if archives == 1 else 's'} of {PAGE_SIZE} acts so far")
    return (page - 1) * PAGE_SIZE, page * PAGE_SIZE, archives


def window_all(page: int | None) -> Window:
    """Every act (the language feeds)."""
    entries = entries_in_feeds()
    start, stop, archives = _bounds(entries.count(), page)
    return Window(list(entries[start:stop])[::-1], page, archives)


def _inline_content(body: bytes) -> dict[str, Any] | None:
    """The content an entry carries inline; None when it commits to it by hash (or is not
    readable), so that the register answers alone."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    content = document.get("content") if isinstance(document, dict) else None
    return content if isinstance(content, dict) else None


def _concerning(state: str, register: Register) -> Iterator[int]:
    rows = entries_in_feeds().values_list("pk", "kind", "subject", "body")
    for pk, kind, subject, body in rows.iterator(chunk_size=1000):
        if state in states_concerned(kind, subject, _inline_content(bytes(body)), register):
            yield pk


def window_state(state: str, register: Register, page: int | None) -> Window:
    """The acts that concern `state` (`concerns.states_concerned`).

    Every entry's subject and inline content is read to decide, once per request: fine for the
    acts of a diplomatic process (thousands); a log of millions would want the states of each
    entry indexed when it is appended.
    """
    pks = list(_concerning(state, register))
    start, stop, archives = _bounds(len(pks), page)
    entries = Entry.objects.filter(pk__in=pks[start:stop]).order_by("-index")
    return Window(list(entries), page, archives)


@dataclass(frozen=True)
class FeedLanguage:
    tag: str
    name: str
    endonym: str
    direction: str


def feed_languages() -> list[FeedLanguage]:
    """The languages that have a feed: the site's, and those of every published text (the
    released offers' notes and proclamations, the public treaties' texts)."""
    published = set(Note.objects.filter(offer__released_at__isnull=False)
                    .values_list("language__tag", flat=True))
    published |= set(Proclamation.objects.filter(offer__released_at__isnull=False)
                     .values_list("language__tag", flat=True))
    published |= set(TreatyText.objects.filter(treaty__in=treaties_public())
                     .values_list("language__tag", flat=True))
    registered = {language.tag: language
                  for language in Language.objects.filter(tag__in=published)}
    found = {tag: FeedLanguage(tag, language.name, language.endonym, language.direction)
             for tag, language in registered.items()}
    for tag, name in settings.LANGUAGES:
        found.setdefault(tag, FeedLanguage(tag, str(name), str(name), direction_of(tag)))
    return sorted(found.values(), key=lambda language: language.tag)


def feed_language(tag: str) -> FeedLanguage | None:
    """The feed language `tag` names, compared without regard to case (RFC 5646 §2.1.1)."""
    return next((language for language in feed_languages()
                 if language.tag.lower() == tag.lower()), None)
