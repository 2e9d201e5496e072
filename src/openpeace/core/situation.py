"""The situation: the world a peace offer addresses, as one validated, immutable value.

A situation file (format `openpeace-situation/1`, documented in docs/situation-format.md, its
JSON Schema in `openpeace/situations/situation.schema.json`) lists states, their governments
and peoples, nationalities, territories, belligerencies and occupations, each fact with its
source. This module turns a parsed document into a `Situation` or reports *every* problem,
each with the path inside the document (`nationalities[12].languages[0]`), so that a loader
can refuse a file before it touches the register.

Rules that come from the source text rather than from tidiness:
- "every nationality without any exception, both in Europe and in the colonies": a nationality
  has a standing, `metropolitan` or `colonial`, and a colonial one must name the state ruling it,
  or the coverage of the offer could not be checked.
- "to all the belligerent peoples": a belligerency joins two different states on opposite sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from openpeace.core.documents import (
    DocumentError,
    Problem,
    character_problems,
    definition_problems,
    schema_problems,
    unique_problems,
)
from openpeace.core.geometry import OPEN_RING, open_rings
from openpeace.core.languages import Direction, direction_of, is_valid_tag
from openpeace.core.sources import language_problem, url_problem
from openpeace.core.text import text_problem

FORMAT = "openpeace-situation/1"
Standing = Literal["metropolitan", "colonial"]


class SituationError(DocumentError):
    """A situation document that cannot be loaded; `problems` says every reason why."""

    def __init__(self, problems: Sequence[Problem], origin: str = "situation") -> None:
        super().__init__(problems, origin)


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str | None = None
    language: str | None = None
    """The BCP 47 tag of the language its title is in, when not English (`core.sources`)."""


@dataclass(frozen=True)
class Language:
    tag: str
    name: str
    endonym: str | None = None
    direction: Direction = "ltr"


@dataclass(frozen=True)
class Side:
    key: str
    name: str


@dataclass(frozen=True)
class Government:
    name: str
    head: str | None = None
    seat: str | None = None


@dataclass(frozen=True)
class People:
    key: str
    name: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class State:
    key: str
    name: str
    government: Government
    peoples: tuple[People, ...]
    sources: tuple[str, ...]
    endonym: str | None = None
    endonym_language: str | None = None
    side: str | None = None
    entered_war: dt.date | None = None
    geometry: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Territory:
    key: str
    name: str
    held_by: str
    sources: tuple[str, ...]
    geometry: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Nationality:
    key: str
    name: str
    languages: tuple[str, ...]
    standing: Standing
    ruled_by: tuple[str, ...]
    territories: tuple[str, ...]
    sources: tuple[str, ...]
    endonym: str | None = None
    endonym_language: str | None = None


@dataclass(frozen=True)
class Belligerency:
    state: str
    opponent: str
    since: dt.date
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Occupation:
    territory: str
    occupier: str
    since: dt.date
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Situation:
    key: str
    title: str
    as_of: dt.date
    proposing_state: str
    sources: tuple[Source, ...] = ()
    languages: tuple[Language, ...] = ()
    sides: tuple[Side, ...] = ()
    states: tuple[State, ...] = ()
    territories: tuple[Territory, ...] = ()
    nationalities: tuple[Nationality, ...] = ()
    belligerencies: tuple[Belligerency, ...] = ()
    occupations: tuple[Occupation, ...] = ()
    description: str = field(default="")


def situation_from_document(document: object, origin: str = "situation") -> Situation:
    """Validate a parsed document and build its `Situation`, or raise `SituationError`.

    Its characters are judged before the schema (`documents.character_problems`), whose
    validator cannot read a lone surrogate; its texts, published on the register's pages and in
    the log, by the rule of public texts (`core.text`) with the other rules."""
    problems = character_problems(document, "a situation") or list(
        schema_problems(document, "openpeace.situations", "situation.schema.json"))
    if problems:
        raise SituationError(problems, origin)
    assert isinstance(document, Mapping)
    dates = _DateReader()
    situation = _build(document, dates)
    problems = dates.problems + list(_text_problems(situation)) + list(_rule_problems(situation))
    if problems:
        raise SituationError(problems, origin)
    return situation


class _DateReader:
    """Reads ISO dates, remembering calendar-impossible ones (`1917-02-30`) as problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def __call__(self, text: str, path: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problems.append(Problem(path, f"{text!r} is not a date in the calendar"))
            return dt.date.min


def _build(doc: Mapping[str, Any], date: _DateReader) -> Situation:
    def opt(item: Mapping[str, Any], name: str) -> Any:
        return item.get(name)

    return Situation(
        key=doc["key"],
        title=doc["title"],
        description=doc.get("description", ""),
        as_of=date(doc["as_of"], "as_of"),
        proposing_state=doc["proposing_state"],
        sources=tuple(Source(s["key"], s["title"], opt(s, "url"), opt(s, "language"))
                      for s in doc["sources"]),
        languages=tuple(
            Language(
                tag=lang["tag"],
                name=lang["name"],
                endonym=opt(lang, "endonym"),
                direction=lang.get("direction") or _direction_or_ltr(lang["tag"]),
            )
            for lang in doc["languages"]
        ),
        sides=tuple(Side(s["key"], s["name"]) for s in doc["sides"]),
        states=tuple(
            State(
                key=s["key"],
                name=s["name"],
                endonym=opt(s, "endonym"),
                endonym_language=opt(s, "endonym_language"),
                side=opt(s, "side"),
                entered_war=(
                    date(s["entered_war"], f"states[{i}].entered_war")
                    if "entered_war" in s
                    else None
                ),
                government=Government(**s["government"]),
                peoples=tuple(
                    People(p["key"], p["name"], tuple(p["languages"])) for p in s["peoples"]
                ),
                geometry=opt(s, "geometry"),
                sources=tuple(s["sources"]),
            )
            for i, s in enumerate(doc["states"])
        ),
        territories=tuple(
            Territory(
                key=t["key"],
                name=t["name"],
                held_by=t["held_by"],
                geometry=opt(t, "geometry"),
                sources=tuple(t["sources"]),
            )
            for t in doc["territories"]
        ),
        nationalities=tuple(
            Nationality(
                key=n["key"],
                name=n["name"],
                endonym=opt(n, "endonym"),
                # An endonym is written in the nationality's first language unless told.
                endonym_language=opt(n, "endonym_language")
                or (n["languages"][0] if "endonym" in n else None),
                languages=tuple(n["languages"]),
                standing=n["standing"],
                ruled_by=tuple(n["ruled_by"]),
                territories=tuple(n["territories"]),
                sources=tuple(n["sources"]),
            )
            for n in doc["nationalities"]
        ),
        belligerencies=tuple(
            Belligerency(
                state=b["state"],
                opponent=b["opponent"],
                since=date(b["since"], f"belligerencies[{i}].since"),
                sources=tuple(b["sources"]),
            )
            for i, b in enumerate(doc["belligerencies"])
        ),
        occupations=tuple(
            Occupation(
                territory=o["territory"],
                occupier=o["occupier"],
                since=date(o["since"], f"occupations[{i}].since"),
                sources=tuple(o["sources"]),
            )
            for i, o in enumerate(doc["occupations"])
        ),
    )


def _direction_or_ltr(tag: str) -> Direction:
    """The tag's direction; a malformed tag is reported by the rules, so read it as `ltr`."""
    return direction_of(tag) if is_valid_tag(tag) else "ltr"


def _text_problems(s: Situation) -> Iterator[Problem]:
    """Every name, title and description that shows nothing (`core.text.text_problem`), at its
    path: the schema asks only for one character, and a zero-width space or a lone combining
    mark is one. These texts are the register's public words (its pages, the API, the log's
    `situation.loaded` document); the optional ones may be absent or empty, not blank."""

    def judge(at: str, text: str | None, what: str, *, required: bool = True
              ) -> Iterator[Problem]:
        if text is not None and (problem := text_problem(text, what, required=required)):
            yield Problem(at, problem)

    def named(at: str, item: State | Nationality | Language, what: str) -> Iterator[Problem]:
        yield from judge(f"{at}.name", item.name, f"the name of {what}")
        yield from judge(f"{at}.endonym", item.endonym, f"the endonym of {what}")

    yield from judge("title", s.title, "the situation's title")
    yield from judge("description", s.description, "the situation's description",
                     required=False)
    for i, source in enumerate(s.sources):
        yield from judge(f"sources[{i}].title", source.title,
                         f"the title of source {source.key!r}")
    for i, lang in enumerate(s.languages):
        yield from named(f"languages[{i}]", lang, f"language {lang.tag!r}")
    for i, side in enumerate(s.sides):
        yield from judge(f"sides[{i}].name", side.name, f"the name of side {side.key!r}")
    for i, st in enumerate(s.states):
        at, government = f"states[{i}]", st.government
        yield from named(at, st, f"state {st.key!r}")
        yield from judge(f"{at}.government.name", government.name,
                         f"the name of the government of {st.key!r}")
        yield from judge(f"{at}.government.head", government.head,
                         f"the head of the government of {st.key!r}", required=False)
        yield from judge(f"{at}.government.seat", government.seat,
                         f"the seat of the government of {st.key!r}", required=False)
        for j, people in enumerate(st.peoples):
            yield from judge(f"{at}.peoples[{j}].name", people.name,
                             f"the name of people {people.key!r}")
    for i, t in enumerate(s.territories):
        yield from judge(f"territories[{i}].name", t.name, f"the name of territory {t.key!r}")
    for i, n in enumerate(s.nationalities):
        yield from named(f"nationalities[{i}]", n, f"nationality {n.key!r}")


def _rule_problems(s: Situation) -> Iterator[Problem]:
    """Every cross-reference, uniqueness, date and programme rule, in document order."""
    sources = yield from unique_problems("sources", [x.key for x in s.sources], "source")
    languages = yield from unique_problems(
        "languages", [x.tag for x in s.languages], "language", "tag"
    )
    sides = yield from unique_problems("sides", [x.key for x in s.sides], "side")
    states = yield from unique_problems("states", [x.key for x in s.states], "state")
    territories = yield from unique_problems(
        "territories", [x.key for x in s.territories], "territory"
    )
    yield from unique_problems("nationalities", [x.key for x in s.nationalities], "nationality")
    yield from unique_problems(
        "states[].peoples",
        [p.key for st in s.states for p in st.peoples],
        "people",
        paths=[
            f"states[{i}].peoples[{j}].key"
            for i, st in enumerate(s.states)
            for j, _ in enumerate(st.peoples)
        ],
    )

    def ref(path: str, key: str | None, known: Mapping[str, int], what: str) -> Iterator[Problem]:
        if key is not None and key not in known:
            yield Problem(path, f"unknown {what} {key!r}: no {what} has this key")

    def cite(path: str, keys: Sequence[str]) -> Iterator[Problem]:
        for k, key in enumerate(keys):
            yield from ref(f"{path}.sources[{k}]", key, sources, "source")

    def after_as_of(path: str, day: dt.date) -> Iterator[Problem]:
        if day > s.as_of:
            yield Problem(
                path, f"date out of order: {day} is after the situation's date (as_of {s.as_of})"
            )

    yield from ref("proposing_state", s.proposing_state, states, "state")
    for i, source in enumerate(s.sources):
        if problem := url_problem(source.url or ""):  # the register's column: URL_MAX
            yield Problem(f"sources[{i}].url", problem)
        if problem := language_problem(source.language):
            yield Problem(f"sources[{i}].language", problem)
    for i, lang in enumerate(s.languages):
        if not is_valid_tag(lang.tag):
            yield Problem(f"languages[{i}].tag", f"{lang.tag!r} is not a valid BCP 47 tag")

    for i, st in enumerate(s.states):
        at = f"states[{i}]"
        yield from ref(f"{at}.side", st.side, sides, "side")
        yield from ref(f"{at}.endonym_language", st.endonym_language, languages, "language")
        if st.entered_war is not None:
            yield from after_as_of(f"{at}.entered_war", st.entered_war)
        for j, people in enumerate(st.peoples):
            for k, tag in enumerate(people.languages):
                yield from ref(f"{at}.peoples[{j}].languages[{k}]", tag, languages, "language")
        yield from _ring_problems(f"{at}.geometry", st.geometry)
        yield from cite(at, st.sources)

    for i, t in enumerate(s.territories):
        yield from ref(f"territories[{i}].held_by", t.held_by, states, "state")
        yield from _ring_problems(f"territories[{i}].geometry", t.geometry)
        yield from cite(f"territories[{i}]", t.sources)

    for i, n in enumerate(s.nationalities):
        at = f"nationalities[{i}]"
        yield from ref(f"{at}.endonym_language", n.endonym_language, languages, "language")
        for k, tag in enumerate(n.languages):
            yield from ref(f"{at}.languages[{k}]", tag, languages, "language")
        for k, key in enumerate(n.ruled_by):
            yield from ref(f"{at}.ruled_by[{k}]", key, states, "state")
        for k, key in enumerate(n.territories):
            yield from ref(f"{at}.territories[{k}]", key, territories, "territory")
        if n.standing == "colonial" and not n.ruled_by:
            yield Problem(
                f"{at}.ruled_by",
                "a colonial nationality must name the state or states ruling it",
            )
        yield from cite(at, n.sources)

    entered = {st.key: st.entered_war for st in s.states}
    side_of = {st.key: st.side for st in s.states}
    pairs: dict[frozenset[str], int] = {}
    for i, b in enumerate(s.belligerencies):
        at = f"belligerencies[{i}]"
        yield from ref(f"{at}.state", b.state, states, "state")
        yield from ref(f"{at}.opponent", b.opponent, states, "state")
        yield from after_as_of(f"{at}.since", b.since)
        if b.state == b.opponent:
            yield Problem(f"{at}.opponent", f"a state cannot be at war with itself ({b.state!r})")
            continue
        pair = frozenset((b.state, b.opponent))
        if pair in pairs:
            yield Problem(
                at,
                f"duplicate belligerency: {b.state!r} and {b.opponent!r} are already at war "
                f"in belligerencies[{pairs[pair]}]",
            )
        pairs.setdefault(pair, i)
        if side_of.get(b.state) is not None and side_of.get(b.state) == side_of.get(b.opponent):
            yield Problem(
                at,
                f"{b.state!r} and {b.opponent!r} are both on side {side_of[b.state]!r}: "
                "a belligerency joins opposite sides",
            )
        for party in (b.state, b.opponent):
            start = entered.get(party)
            if start is not None and b.since < start:
                yield Problem(
                    f"{at}.since",
                    f"date out of order: {b.since} is before {party!r} entered the war "
                    f"({start})",
                )
        yield from cite(at, b.sources)

    held_by = {t.key: t.held_by for t in s.territories}
    occupied: dict[tuple[str, str], int] = {}
    for i, o in enumerate(s.occupations):
        at = f"occupations[{i}]"
        yield from ref(f"{at}.territory", o.territory, territories, "territory")
        yield from ref(f"{at}.occupier", o.occupier, states, "state")
        yield from after_as_of(f"{at}.since", o.since)
        if held_by.get(o.territory) == o.occupier:
            yield Problem(
                f"{at}.occupier",
                f"{o.occupier!r} holds {o.territory!r}: a state cannot occupy its own territory",
            )
        if (o.territory, o.occupier) in occupied:
            yield Problem(
                at,
                f"duplicate occupation of {o.territory!r} by {o.occupier!r} "
                f"(already occupations[{occupied[(o.territory, o.occupier)]}])",
            )
        occupied.setdefault((o.territory, o.occupier), i)
        yield from cite(at, o.sources)


def geometry_problems(geometry: object) -> list[Problem]:
    """Every reason a geometry edited alone (an official's form) cannot place a state or a
    territory: the situation format's own rules for it, so that the register never holds one
    that a map cannot draw."""
    if geometry is None:
        return []
    problems = list(definition_problems(geometry, "openpeace.situations", "situation.schema.json",
                                        "geometry", at="geometry"))
    if problems or not isinstance(geometry, Mapping):
        return problems
    return list(_ring_problems("geometry", geometry))


def _ring_problems(at: str, geometry: Mapping[str, Any] | None) -> Iterator[Problem]:
    """A polygon's rings must be closed (RFC 7946 §3.1.6), which the schema cannot say."""
    for path in open_rings(geometry) if geometry else ():
        yield Problem(f"{at}.{path}", OPEN_RING)


def situation_to_document(s: Situation) -> dict[str, Any]:
    """The document form of a situation (the inverse of `situation_from_document`)."""

    def drop_none(d: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v is not None}

    return {
        "format": FORMAT,
        "key": s.key,
        "title": s.title,
        **({"description": s.description} if s.description else {}),
        "as_of": s.as_of.isoformat(),
        "proposing_state": s.proposing_state,
        "sources": [drop_none({"key": x.key, "title": x.title, "url": x.url,
                               "language": x.language}) for x in s.sources],
        "languages": [
            drop_none(
                {"tag": x.tag, "name": x.name, "endonym": x.endonym, "direction": x.direction}
            )
            for x in s.languages
        ],
        "sides": [{"key": x.key, "name": x.name} for x in s.sides],
        "states": [
            drop_none(
                {
                    "key": x.key,
                    "name": x.name,
                    "endonym": x.endonym,
                    "endonym_language": x.endonym_language,
                    "side": x.side,
                    "entered_war": x.entered_war.isoformat() if x.entered_war else None,
                    "government": drop_none(
                        {"name": x.government.name, "head": x.government.head,
                         "seat": x.government.seat}
                    ),
                    "peoples": [
                        {"key": p.key, "name": p.name, "languages": list(p.languages)}
                        for p in x.peoples
                    ],
                    "geometry": dict(x.geometry) if x.geometry else None,
                    "sources": list(x.sources),
                }
            )
            for x in s.states
        ],
        "territories": [
            drop_none(
                {"key": x.key, "name": x.name, "held_by": x.held_by,
                 "geometry": dict(x.geometry) if x.geometry else None,
                 "sources": list(x.sources)}
            )
            for x in s.territories
        ],
        "nationalities": [
            drop_none(
                {
                    "key": x.key,
                    "name": x.name,
                    "endonym": x.endonym,
                    "endonym_language": x.endonym_language,
                    "languages": list(x.languages),
                    "standing": x.standing,
                    "ruled_by": list(x.ruled_by),
                    "territories": list(x.territories),
                    "sources": list(x.sources),
                }
            )
            for x in s.nationalities
        ],
        "belligerencies": [
            {"state": x.state, "opponent": x.opponent, "since": x.since.isoformat(),
             "sources": list(x.sources)}
            for x in s.belligerencies
        ],
        "occupations": [
            {"territory": x.territory, "occupier": x.occupier, "since": x.since.isoformat(),
             "sources": list(x.sources)}
            for x in s.occupations
        ],
    }
