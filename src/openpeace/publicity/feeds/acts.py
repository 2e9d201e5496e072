"""What a feed says of one act: its title and summary, in which language, by whom, on which page.

A title or summary is in the feed's language where the act has a published text in it (an offer's
proclamation or note, a treaty's text); otherwise it is written by openpeace in the site's
language, and says so with its own language tag, except what it quotes of someone else's own
words (a government's reply, a demand as filed, a plebiscite's question), which keeps the
language its entry names. Every act links its log entry and inclusion
proof (the feed writer adds those); `pages` are the act's own public pages, where it has some.

A title or summary is written for plain text (an Atom feed's, a mail's text part), but keeps
apart each name it joins in (a state's, a nationality's, a people's, a territory's, a place; the
title of an offer, a treaty, a plan or a situation): as segments (`Segment`), so that HTML (a
follow's mail) can isolate each name in `<bdi>`, as every page does. A name in another script
would otherwise reorder the punctuation around it; finding names again in the finished text
could not work (a name can be part of another word). The plain text is the segments joined,
the same text whether or not anything reads them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openpeace.core.log.entries import EntryError, read_entry
from openpeace.core.text import isolated
from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.log import selectors as log_selectors
from openpeace.log.kinds import kind_words
from openpeace.log.models import Content, Entry
from openpeace.publicity.feeds.register import Register, Text
from openpeace.selfdetermination.models import Decision, Demand

SUMMARY_LENGTH = 600
# XML 1.0 cannot carry these control characters at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A conversion of a %-format with a mapping ("%(title)s"), or a literal "%" ("%%").
_CONVERSION = re.compile(r"%(?:\(([^)]*)\)([#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])|%)")
# A text as words and the white space between them (as `str.split` tells them apart).
_RUNS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Segment:
    """A run of a text: words, or a name they join in (`name`), which HTML isolates."""

    text: str
    name: bool = False


Segments = tuple[Segment, ...]


def _segments(text: str | Segments) -> Segments:
    if isinstance(text, str):
        return (Segment(text),) if text else ()
    return text


def _joined(segments: Segments) -> str:
    return "".join(segment.text for segment in segments)


@dataclass(frozen=True, init=False)
class Said:
    """A text and the BCP 47 tag of the language it is written in; given as plain text or as
    segments, its `text` is always the plain text."""

    segments: Segments
    language: str

    def __init__(self, text: str | Segments, language: str) -> None:
        object.__setattr__(self, "segments", _segments(text))
        object.__setattr__(self, "language", language)

    @property
    def text(self) -> str:
        return _joined(self.segments)

    @property
    def isolated(self) -> str:
        """The plain text with each name isolated (`core.text.isolated`): where a page would
        put it in `<bdi>` and no element can be, such as a mail's `<title>`."""
        return "".join(isolated(s.text) if s.name else s.text for s in self.segments)


@dataclass(frozen=True)
class Page:
    """One of the act's own public pages (a path), its title, and the language it shows a
    text in."""

    path: str
    heading: Segments
    language: str | None = None

    @property
    def title(self) -> str:
        return _joined(self.heading)


@dataclass(frozen=True)
class Act:
    """One integrated log entry, as a feed shows it."""

    index: int
    recorded_at: dt.datetime
    kind: str
    subject: str
    title: Said
    summary: Said
    author: str
    pages: tuple[Page, ...]


def site_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _site(text: str | Segments) -> Said:
    return Said(text, site_language())


def _name(text: object) -> Segments:
    """A name (from the register or an entry) as a segment of its own."""
    text = str(text)
    return (Segment(text, name=True),) if text else ()


def _format(template: str, **values: object) -> Segments:
    """`template % values` (a sentence, translated, and what it names), as segments: a value
    given as segments (a name, names, a sentence naming some) keeps them; any other value, and
    the template's own words, are words. The text is `template % values`'s, exactly."""
    segments: list[Segment] = []
    at = 0
    for conversion in _CONVERSION.finditer(template):
        segments += _segments(template[at:conversion.start()])
        key, spec = conversion.groups()
        if key is None:
            segments.append(Segment("%"))
        elif isinstance(value := values[key], tuple):
            segments += value
        else:
            segments += _segments(f"%{spec}" % (value,))
        at = conversion.end()
    return (*segments, *_segments(template[at:]))


def _shorten(text: str | Segments, limit: int = SUMMARY_LENGTH) -> Segments:
    """`text` on one line (its white space one space), without what XML cannot carry, cut at a
    word to at most `limit` characters and an ellipsis; each name stays a segment, even cut."""
    given = _segments(text)
    runs: list[tuple[int, str]] = []  # (the segment it is from, text)
    space: int | None = None  # the segment where the white space since the last word began
    for index, segment in enumerate(given):
        for run in _RUNS.findall(segment.text):
            if run.isspace():
                space = index if space is None else space
                continue
            if space is not None and runs:
                runs.append((space, " "))
            runs.append((index, _NOT_XML.sub("", run)))
            space = None
    plain = "".join(run for _index, run in runs)
    if len(plain) > limit:
        left = len(plain[:limit].rsplit(" ", 1)[0])
        kept: list[tuple[int, str]] = []
        for index, run in runs:
            kept.append((index, run[:left]))
            left -= len(kept[-1][1])
        runs = kept
    shortened = tuple(
        Segment(text, given[index].name)
        for index, group in itertools.groupby(runs, key=lambda run: run[0])
        if (text := "".join(run for _index, run in group)))
    return (*shortened, Segment("…")) if len(plain) > limit else shortened


def _page(name: str, *args: object, title: str | Segments,
          language: str | None = None) -> Page | None:
    try:
        return Page(reverse(name, args=args), _segments(title), language)
    except NoReverseMatch:
        return None


def content_of(entry: Entry) -> dict[str, Any] | None:
    """The entry's content as logged (fetched by hash when it was too large to inline); None
    when the entry cannot be read (it is still listed, as an act of its kind)."""

    def fetch(path: str) -> bytes:
        try:
            return log_selectors.content_read(path.removeprefix("content/"))
        except Content.DoesNotExist:
            raise EntryError(f"no content at {path}") from None

    try:
        return read_entry(entry.index or 0, bytes(entry.body), fetch).content
    except EntryError:
        return None


def _date(value: Any) -> str:
    """An ISO date from an entry, as a reader sees it (left as it is if it is not one)."""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def _names(keys: Any, register: Register) -> Segments:
    """The states `keys` names, in a list: "A, B, C"."""
    if not isinstance(keys, list):
        return ()
    separated = [(Segment(", "), *_name(register.state_name(key))) for key in keys]
    return tuple(itertools.chain.from_iterable(separated))[1:]


class _Describer:
    def __init__(self, entry: Entry, content: dict[str, Any], register: Register,
                 language: str | None, state: str | None) -> None:
        self.entry, self.c, self.register = entry, content, register
        self.language, self.state = language, state
        self.pages: list[Page] = []
        self.author = register.publisher
        self.title: Said | None = None
        self.summary: Said | None = None

    def add_page(self, page: Page | None) -> None:
        if page is not None and page not in self.pages:
            self.pages.append(page)

    # ------------------------------------------------------------------ offers

    def offer(self, key: str) -> None:
        facts = self.register.offers.get(key)
        title = _name(facts.title if facts else key)
        self.add_page(_page("diplomacy:offer-detail", key, title=title))
        kind, c = self.entry.kind, self.c
        if kind == "offer.released":
            self.title = _site(_format(_("Offer of peace released: %(title)s"), title=title))
            count = len(c.get("addressees") or [])
            self.summary = _site(
                _("Released at once to the governments of %(count)s states and to their "
                  "peoples, each note and proclamation committed to by its hash; replies are "
                  "due by %(deadline)s.") % {"count": count,
                                              "deadline": _date(c.get("reply_deadline"))})
            self._offer_texts(key)
        elif kind == "offer.status_changed":
            status = dict(Offer.Status.choices).get(str(c.get("to")), str(c.get("to")))
            self.title = _site(_format(_("%(title)s: the overall status is now %(status)s"),
                                       title=title, status=status))
        elif kind == "reply.recorded":
            state = str(c.get("state"))
            reply = dict(Reply.Kind.choices).get(str(c.get("reply")), str(c.get("reply")))
            self.author = self.register.government_name(state)
            self.title = _site(_format(_("%(state)s %(reply)s"),
                                       state=_name(self.register.state_name(state)), reply=reply))
            if c.get("language"):  # the reply itself, in the language it was sent in
                self.summary = Said(_shorten(str(c.get("text", ""))), str(c["language"]))
            else:  # logged before replies named their language: openpeace's words, not theirs
                self.summary = _site(self._stage_change(
                    _format(_("The government of %(state)s replies to %(title)s."),
                            state=_name(self.register.state_name(state)), title=title)))
        elif kind == "process.silent":
            silent = _name(self.register.state_name(c.get("state")))
            self.title = _site(_format(_("%(state)s did not reply by the deadline"), state=silent))
            self.summary = _site(_format(_("No reply from the government of %(state)s to "
                                           "%(title)s by %(deadline)s: its silence is recorded."),
                                         state=silent, title=title,
                                         deadline=_date(c.get("deadline"))))
        elif kind.startswith("armistice."):
            self._armistice(key, title)
        elif kind.startswith("endorsement."):
            self._endorsement(title)
        elif kind == "negotiation.session":
            self.title = _site(_format(_("Negotiation session at %(place)s, %(day)s"),
                                       place=_name(c.get("place", "")),
                                       day=_date(c.get("opened_on"))))
            states = [d.get("state") for d in c.get("delegations") or [] if isinstance(d, dict)]
            self.summary = _site(_format(_("Delegations: %(states)s."),
                                         states=_names(states, self.register)))
            number = self.register.sessions.get(self.entry.pk)
            if number is not None:
                self.add_page(_page("diplomacy:session", key, number, title=self.title.segments))

    def _endorsement(self, title: Segments) -> None:
        """The peoples' endorsements of the offer: the acts of their period, and the counts."""
        kind, c = self.entry.kind, self.c
        self.add_page(_page("publicity:tally", self.entry.subject.partition(":")[2],
                            title=_format(_("The endorsements of %(title)s"), title=title)))
        if kind == "endorsement.period_opened":
            self.title = _site(_format(_("Endorsements of %(title)s open"), title=title))
            self.summary = _site(_("Anyone may endorse the offer once, until %(day)s; only the "
                                   "counts per country and region are published.")
                                 % {"day": _date(c.get("closes_at"))})
        elif kind in ("endorsement.tally", "endorsement.recount"):
            total = int(c.get("total") or 0)
            self.title = _site(_format(ngettext("%(title)s: %(total)s endorsement counted",
                                                "%(title)s: %(total)s endorsements counted",
                                                total), title=title, total=total))
            if c.get("matches") is False:
                self.summary = _site(_("The daily recount did not match the published tally: "
                                       "the counts are set to the recount."))
        elif kind == "endorsement.suspected":  # a batch of checks; before, one entry each
            suspected = c.get("suspected")
            count = len(suspected) if isinstance(suspected, list) else 1
            self.title = _site(_format(ngettext(
                "%(title)s: %(count)s endorsement held as suspect",
                "%(title)s: %(count)s endorsements held as suspect", count),
                title=title, count=count))
            self.summary = _site(_("By the anomaly checks: not counted unless an official "
                                   "releases them."))
        elif kind == "endorsement.released":
            self.title = _site(_format(_("%(title)s: an endorsement held as suspect counts "
                                         "again"), title=title))
            self.summary = _site(_("An official found it sound after the anomaly checks held "
                                   "it."))
        elif kind == "endorsement.invalidated":
            count = int(c.get("count") or 0)
            self.title = _site(_format(ngettext("%(title)s: %(count)s endorsement invalidated",
                                                "%(title)s: %(count)s endorsements invalidated",
                                                count), title=title, count=count))
            self.summary = _site(_("By an official, for this reason: %(reason)s")
                                 % {"reason": c.get("reason", "")})
        elif kind == "endorsement.pseudonymised":
            self.title = _site(_format(_("%(title)s: the endorsers' contact data are erased"),
                                       title=title))
            self.summary = _site(_("The endorsement period is over: only the counts per "
                                   "country and region remain."))

    def _stage_change(self, text: Segments) -> Segments:
        stage = self.c.get("stage")
        if isinstance(stage, dict):
            stages = dict(BelligerentProcess.Stage.choices)
            text += _segments(" " + _("Its process moves from %(before)s to %(after)s.") % {
                "before": stages.get(str(stage.get("from")), str(stage.get("from"))),
                "after": stages.get(str(stage.get("to")), str(stage.get("to")))})
        return text

    def _armistice(self, key: str, title: Segments) -> None:
        kind, c = self.entry.kind, self.c
        if kind == "armistice.recorded":
            facts = self.register.armistices.get(self.entry.pk)
            self.title = _site(_("Armistice signed on %(day)s")
                               % {"day": _date(c.get("signed_on"))})
            self.summary = _site(_format(_("Parties: %(parties)s. In force from %(day)s."),
                                         parties=_names(c.get("parties"), self.register),
                                         day=_date(c.get("effective_on"))))
        else:
            armistice = c.get("armistice")
            facts = self.register.armistices.get(armistice) if isinstance(armistice, int) \
                else None
            if kind == "armistice.denounced":
                self.title = _site(_format(_("%(state)s denounces the armistice"),
                                           state=_name(self.register.state_name(c.get("party")))))
                self.summary = _site(_("Denounced on %(day)s.") % {"day": _date(c.get("on"))})
            elif kind == "armistice.ended":
                state = _name(self.register.state_name(c.get("state")))
                self.title = _site(_format(_("The armistice with %(state)s has ended"),
                                           state=state))
                self.summary = _site(self._stage_change(_segments(
                    _("Its last day in force was %(day)s.") % {"day": _date(c.get("ended_on"))})))
            else:
                self.title = _site(_format(
                    _("%(state)s reports a breach of the armistice"),
                    state=_name(self.register.state_name(c.get("reported_by")))))
                self.summary = _site(_shorten(str(c.get("description", ""))))
        if facts is not None:
            self.add_page(_page("diplomacy:armistice", key, facts.pk, title=self.title.segments))

    def _offer_texts(self, key: str) -> None:
        """A state's feed shows the note addressed to that state, in its own language; a
        language's feed shows the proclamation in that language, else a note in it."""
        notes = self.register.notes.get(key, [])
        shown: list[Text] = []
        if self.state is not None:
            shown = [n for n in notes if n.state == self.state]
            if shown:
                self.summary = Said(_shorten(shown[0].text), shown[0].language)
        if self.language is not None:
            proclamations = [p for p in self.register.proclamations.get(key, [])
                             if _same(p.language, self.language)]
            in_language = [n for n in notes if _same(n.language, self.language)]
            if proclamations:
                self.title = Said(_shorten(proclamations[0].title, 300), proclamations[0].language)
                self.summary = Said(_shorten(proclamations[0].text), proclamations[0].language)
            elif in_language:
                self.summary = Said(_shorten(in_language[0].text), in_language[0].language)
            shown = proclamations + in_language
        for text in shown:
            if text.people:
                self.add_page(_page("diplomacy:proclamation", key, text.people, text.language,
                                    title=_format(_("The proclamation to %(people)s"),
                                                  people=_name(self.register.peoples.get(
                                                      text.people, text.people))),
                                    language=text.language))
            else:
                self.add_page(_page("diplomacy:note", key, text.state, text.language,
                                    title=_format(_("The note to %(state)s"), state=_name(
                                        self.register.state_name(text.state))),
                                    language=text.language))

    # ------------------------------------------------------------------ the rest

    def treaty(self, key: str) -> None:
        kind, c = self.entry.kind, self.c
        facts = self.register.treaties.get(key)
        name = _name(facts.title if facts else str(c.get("title") or key))
        texts = [t for t in c.get("texts") or [] if isinstance(t, dict)]
        if kind == "treaty.text_revised":
            texts = [c]
        if kind == "treaty.published":
            self.title = _site(_format(_("Secret treaty published: %(title)s"), title=name))
            self.summary = _site(_format(_("Published in full, every text with its SHA-256; "
                                           "parties: %(parties)s."),
                                         parties=_names(c.get("parties"), self.register)))
        elif kind == "treaty.repudiated":
            self.title = _site(_format(_("Treaty repudiated: %(title)s"), title=name))
            self.summary = _site(_shorten(str(c.get("statement", ""))))
        elif kind == "treaty.text_revised":
            self.title = _site(_format(_("Treaty text corrected: %(title)s (%(language)s)"),
                                       title=name, language=c.get("language", "")))
            self.summary = _site(_shorten(str(c.get("reason", ""))))
        elif kind == "treaty.findings_changed":
            self.title = _site(_format(_("Findings on the clauses changed: %(title)s"),
                                       title=name))
            self.summary = _site(_shorten(
                (*self._findings_cause(), Segment(" "), *_segments(self._findings_changes()))))
        if self.language is not None:
            text = next((t for t in texts if _same(str(t.get("language", "")), self.language)),
                        None)
            if text is not None and text.get("title") and kind != "treaty.repudiated":
                self.title = Said(_shorten(str(text["title"]), 300), str(text["language"]))
                self.summary = Said(_shorten(str(text.get("text", ""))), str(text["language"]))
        if facts is not None:
            self.add_page(_page("treaties:treaty-detail", key, title=name))

    def _findings_cause(self) -> Segments:
        """Why a treaty's clauses were judged again: a nationality's decision, or a command."""
        decision = self.c.get("decision")
        if not isinstance(decision, dict):
            return _segments(_("The clauses were judged again by an official's command."))
        nationality = str(decision.get("nationality"))
        return _format(_("The clauses were judged again after the decision of the "
                         "%(nationality)s taken on %(day)s."),
                       nationality=_name(self.register.nationalities.get(nationality,
                                                                         nationality)),
                       day=_date(decision.get("taken_on")))

    def _findings_changes(self) -> str:
        """Each changed clause: the rules its findings now apply, and those before."""
        def rules(value: Any) -> str:
            return ", ".join(map(str, value)) if isinstance(value, list) and value else _("none")

        return " ".join(
            _("Clause %(id)s: %(findings)s (before: %(previous)s).") % {
                "id": clause.get("id"), "findings": rules(clause.get("findings")),
                "previous": rules(clause.get("previous"))}
            for clause in self.c.get("clauses") or [] if isinstance(clause, dict))

    def nationality(self, key: str) -> None:
        kind, c = self.entry.kind, self.c
        name = _name(self.register.nationalities.get(key, key))
        if kind == "decision.recorded":
            choice: str | Segments = dict(Decision.Choice.choices).get(str(c.get("choice")),
                                                                      str(c.get("choice")))
            if c.get("joins"):
                choice = _format(_("to join %(state)s"),
                                 state=_name(self.register.state_name(c["joins"])))
            self.title = _site(_format(_("Decision of the %(nationality)s: %(choice)s"),
                                       nationality=name, choice=choice))
            free = _("taken freely") if c.get("free") else _("not free: taken under occupation")
            self.summary = _site(_format(_("Taken on %(day)s, %(free)s. %(source)s"),
                                         day=_date(c.get("taken_on")), free=free,
                                         source=_shorten(str(c.get("source", "")), 300)))
            self.add_page(_page("selfdetermination:decision-list", title=_("Decisions")))
        elif kind.startswith("demand."):
            status = kind.removeprefix("demand.")
            what = dict(Demand.Kind.choices).get(str(c.get("kind")), str(c.get("kind")))
            if status == "filed":
                self.author = str(c.get("commission") or _joined(name))
                self.title = _site(_format(_("Demand of the %(nationality)s filed: %(kind)s"),
                                           nationality=name, kind=what))
                # in the language the commission filed it in (its entry names it)
                self.summary = Said(_shorten(str(c.get("text", ""))),
                                    str(c.get("language") or site_language()))
            else:
                label = dict(Demand.Status.choices).get(status, status)
                self.title = _site(_format(
                    _("Demand of the %(nationality)s (%(kind)s): %(status)s"),
                    nationality=name, kind=what, status=label))
                self.summary = _site(_shorten(str(c.get("note") or c.get("reasons") or "")))
            self.add_page(_page("selfdetermination:nationality-demands", key,
                                title=_format(_("Demands of the %(nationality)s"),
                                              nationality=name)))

    def plebiscite(self, election: str) -> None:
        c = self.c
        facts = self.register.plebiscites.get(election)
        nationality = _name(self.register.nationalities.get(facts[1], facts[1]) if facts
                            else election)
        step = self.entry.kind.removeprefix("plebiscite.").replace("_", " ")
        self.title = _site(_format(_("Plebiscite of the %(nationality)s: %(step)s"),
                                   nationality=nationality, step=step))
        if c.get("question"):  # in the language the call names (older calls name none)
            self.summary = Said(_shorten(str(c["question"])),
                                str(c.get("language") or site_language()))
        if facts is not None:
            self.add_page(_page("plebiscites:detail", facts[0],
                                title=_format(_("The plebiscite of the %(nationality)s"),
                                              nationality=nationality)))

    def occupation(self, territory: str, occupier: str) -> None:
        kind, c = self.entry.kind, self.c
        name = self.register.territories.get(territory, (territory, ""))[0]
        values = {"territory": _name(name), "occupier": _name(self.register.state_name(occupier))}
        if kind == "evacuation.plan_adopted":
            self.title = _site(_format(_("Evacuation plan adopted: %(title)s"),
                                       title=_name(c.get("title", name))))
            self.summary = _site(_format(_("%(occupier)s undertakes to evacuate %(territory)s in "
                                           "%(count)s stages."),
                                         **values, count=len(c.get("stages") or [])))
        elif kind == "evacuation.progress_reported":
            self.title = _site(_format(_("Evacuation of %(territory)s by %(occupier)s: progress "
                                         "reported"), **values))
            self.summary = _site(_shorten(str(c.get("text", ""))))
        elif kind == "evacuation.stage_completed":
            self.title = _site(_format(_("Evacuation of %(territory)s by %(occupier)s: stage "
                                         "%(stage)s completed"), **values, stage=c.get("stage")))
            self.summary = _site(_shorten(str(c.get("note", ""))))
        elif kind == "occupation.ended":
            self.title = _site(_format(_("The occupation of %(territory)s by %(occupier)s has "
                                         "ended"), **values))
            self.summary = _site(_shorten(str(c.get("act", ""))))
        self.add_page(_page("world:occupation-detail", territory, occupier,
                            title=_format(_("The occupation of %(territory)s by %(occupier)s"),
                                          **values)))


def _same(tag: str, other: str) -> bool:
    """BCP 47 tags compare without regard to case (RFC 5646 §2.1.1)."""
    return tag.lower() == other.lower()


def describe(entry: Entry, register: Register, *, language: str | None = None,
             state: str | None = None) -> Act:
    """The act of an integrated `entry`, for a feed in `language` or of `state`."""
    content = content_of(entry)
    describer = _Describer(entry, content or {}, register, language, state)
    prefix, _sep, rest = entry.subject.partition(":")
    parts = rest.split(":")
    if prefix == "offer" and rest:
        describer.offer(parts[0])
    elif prefix == "treaty":
        describer.treaty(rest)
    elif prefix == "nationality":
        describer.nationality(rest)
    elif prefix == "plebiscite":
        describer.plebiscite(rest)
    elif prefix == "occupation" and len(parts) == 2:
        describer.occupation(*parts)
    elif prefix == "situation":
        describer.title = _site(_format(_("Situation loaded: %(title)s"),
                                        title=_name((content or {}).get("title", rest))))
        describer.summary = _site(_("The register of states, nationalities and territories "
                                    "this log's acts refer to."))
        describer.add_page(_page("home", title=_("The situation at a glance")))
    elif prefix == "state":
        describer.add_page(_page("world:state-detail", rest,
                                 title=_name(register.state_name(rest))))
    # An act this module does not know yet (a new app's) still reads: its kind in words, about
    # what its page names (an offer's title), or its subject as the log names it when it has no
    # page.
    words = kind_words(entry.kind).capitalize()
    about = describer.pages[0].heading if describer.pages else entry.subject
    title = describer.title or _site(_format(_("%(act)s (%(subject)s)"),
                                             act=words, subject=about))
    summary = describer.summary if describer.summary and describer.summary.text else _site(
        _("Act %(kind)s about %(subject)s, log entry %(index)s.")
        % {"kind": entry.kind, "subject": entry.subject, "index": entry.index})
    return Act(
        index=entry.index or 0, recorded_at=entry.recorded_at, kind=entry.kind,
        subject=entry.subject, title=title, summary=summary, author=describer.author,
        pages=tuple(describer.pages),
    )
