"""Reads of the feeds: which acts a feed lists, in which pages, and which feeds exist.

A feed lists integrated entries that the latest signed checkpoint covers, so every item's
inclusion proof exists when the feed is read. The subscription document holds a feed's latest
`PAGE_SIZE` acts, newest first; older acts are in archive documents (RFC 5005 §4): page 1 holds
the feed's first `PAGE_SIZE` acts in log order, page 2 the next, and so on. Only complete pages
are archives, so an archive never changes once it exists (the log only grows).

The plebiscites' ballots (`NOT_IN_FEEDS`) are left out: they are logged so that anyone can check
the count, one entry per ballot, and are listed on each plebiscite's board; in a feed they would
bury every other act. The plebiscite's own acts (its call, its closing, its result…) are in.

A state's feed reads an index (`FeedConcern`: which states each act concerns), not the log: the
first feed request after a new checkpoint examines the entries it covers, once
(`concerns_index`), and every request then reads the index alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from openpeace.core.languages import direction_of
from openpeace.diplomacy.models import Note, Proclamation
from openpeace.log import selectors as log_selectors
from openpeace.log.models import Entry
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.models import FeedConcern
from openpeace.publicity.outbox import OutboxCursor
from openpeace.treaties.models import TreatyText
from openpeace.treaties.selectors import treaties_public
from openpeace.world.models import Language

PAGE_SIZE = 100
NOT_IN_FEEDS = ("plebiscite.ballot_cast", "plebiscite.ballot_audited")
CONCERNS_CURSOR = "feeds.concerns"  # the index's cursor among the log's consumers (`outbox`)
CONCERNS_BATCH = 1000


class NoSuchPage(LookupError):
    """An archive page that does not exist (yet): pages are numbered from 1 and only complete
    pages are archives."""


def _covered() -> int:
    """How many entries the latest checkpoint covers: those with a smaller index."""
    checkpoint = log_selectors.checkpoint_latest()
    return checkpoint.size if checkpoint is not None else 0


def _entries_below(size: int) -> QuerySet[Entry]:
    return (Entry.objects.filter(index__isnull=False, index__lt=size)
            .exclude(kind__in=NOT_IN_FEEDS).order_by("index"))


def entries_in_feeds() -> QuerySet[Entry]:
    """Every entry a feed may list, in log order: integrated, covered by the latest checkpoint."""
    return _entries_below(_covered())


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


def concerns_index(register: Register) -> int:
    """Bring the states' index up to the latest checkpoint; returns how many entries it
    examined (0 in the usual case, where one read of its cursor says it is up to date).

    The index is the log's consumer `CONCERNS_CURSOR` (`outbox.OutboxCursor`): its position is
    the index of the next entry to examine, and it only moves forward, past every entry it
    examined, whether the entry concerns any state or none (and past the ballots, which no feed
    lists). So each entry is examined once, ever, and its concerns are fixed then: an act is
    immutable once logged, and the register rows it refers to are written in its transaction
    and frozen once public (a released offer's addressees, a published treaty's parties, a
    recorded armistice's). Not frozen are the rows officials may still edit in the admin (a
    nationality's ruling states, a territory's holder, the states themselves): an old act keeps
    the states it concerned when it was examined, as the webhooks and follows, which decide at
    their own fan-out, keep those they were sent to.
    """
    size = _covered()
    position = (OutboxCursor.objects.filter(name=CONCERNS_CURSOR)
                .values_list("position", flat=True).first())
    if (position or 0) >= size:
        return 0
    examined = 0
    while (batch := _concerns_batch(register, size)) is not None:
        examined += batch
    return examined


def _integrated_index(entry: Entry) -> int:
    """The index of an entry read through `_entries_below`, which reads only integrated ones."""
    assert entry.index is not None
    return entry.index


def _concerns_batch(register: Register, size: int) -> int | None:
    """Examine the next `CONCERNS_BATCH` entries in feeds below `size` after the cursor, write
    their concerns and advance the cursor, in one transaction; None once it has reached `size`.

    The cursor is locked first (on SQLite the transaction holds the database's write lock from
    its start), so two requests that find the index behind take turns and the second finds
    nothing left to do; a batch that fails rolls back with its cursor and is examined again.
    The unique (entry, state) makes any repeat harmless (`ignore_conflicts`).
    """
    with transaction.atomic():
        OutboxCursor.objects.get_or_create(name=CONCERNS_CURSOR, defaults={"position": 0})
        cursor = OutboxCursor.objects.select_for_update().get(name=CONCERNS_CURSOR)
        if cursor.position >= size:
            return None
        entries = list(_entries_below(size).filter(index__gte=cursor.position)
                       .only("pk", "index", "kind", "subject", "body")[:CONCERNS_BATCH])
        FeedConcern.objects.bulk_create(
            [FeedConcern(entry_id=entry.pk, index=_integrated_index(entry), state=state)
             for entry in entries
             for state in sorted(states_concerned(entry.kind, entry.subject,
                                                  content_of(entry), register))],
            ignore_conflicts=True,
        )
        # A short batch reached the end: the ballots that may follow its last entry are
        # passed too.
        cursor.position = (_integrated_index(entries[-1]) + 1 if len(entries) == CONCERNS_BATCH
                           else size)
        cursor.save(update_fields=["position"])
        return len(entries)


def window_state(state: str, register: Register, page: int | None) -> Window:
    """The acts that concern `state` (`concerns.states_concerned`), from the index: one query
    counts them, one reads the page (newest first, so the subscription document starts at 0)."""
    concerns_index(register)
    concerning = FeedConcern.objects.filter(state=state)
    count = concerning.count()
    start, stop, archives = _bounds(count, page)
    rows = concerning.order_by("-index").select_related("entry")[count - stop:count - start]
    return Window([row.entry for row in rows], page, archives)


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
