"""Hypothesis strategies: valid situations of any shape the format allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from openpeace.core import situation as core
from openpeace.core.text import is_blank

TAGS = ["ru", "de", "fr", "en", "ota", "ar", "hy", "fi", "pl", "uk", "he", "zh-Hant", "sr-Cyrl"]
AS_OF = dt.date(1917, 11, 8)

keys = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda text: not is_blank(text))  # a situation's texts are public texts (core.text)
optional_texts = st.none() | texts
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=AS_OF)
urls = st.none() | st.from_regex(r"https://example\.org/[a-z0-9]{1,12}", fullmatch=True)
points = st.builds(
    lambda lon, lat: {"type": "Point", "coordinates": [lon, lat]},
    st.integers(-1800, 1800).map(lambda n: n / 10), st.integers(-900, 900).map(lambda n: n / 10),
)
geometries = st.none() | points


def unique_keys(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(keys, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def situations(draw: st.DrawFn) -> core.Situation:
    """A situation that satisfies every rule of the format (so it must load and round-trip)."""
    source_keys = draw(unique_keys(1, 4))
    sources = tuple(core.Source(k, draw(texts), draw(urls), draw(st.none() | st.sampled_from(TAGS)))
                    for k in source_keys)
    tags = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=6, unique=True))
    languages = tuple(core.Language(t, draw(texts), draw(optional_texts)) for t in tags)
    languages = tuple(
        core.Language(x.tag, x.name, x.endonym, core.direction_of(x.tag)) for x in languages
    )
    sides = (core.Side("a", draw(texts)), core.Side("b", draw(texts)))

    def cited() -> tuple[str, ...]:
        return tuple(sorted(draw(st.lists(st.sampled_from(source_keys), min_size=1,
                                          max_size=3, unique=True))))

    def spoken(n_max: int = 3) -> tuple[str, ...]:
        return tuple(sorted(draw(st.lists(st.sampled_from(tags), min_size=1, max_size=n_max,
                                          unique=True))))

    state_keys = draw(unique_keys(2, 6))
    people_keys = draw(unique_keys(len(state_keys), len(state_keys) * 2))
    states = []
    for i, key in enumerate(state_keys):
        side = draw(st.sampled_from([None, "a", "b"]))
        mine = people_keys[i :: len(state_keys)]
        endonym = draw(optional_texts)
        states.append(
            core.State(
                key=key,
                name=draw(texts),
                endonym=endonym,
                endonym_language=draw(st.sampled_from(tags)) if endonym else None,
                side=side,
                entered_war=draw(dates) if side else None,
                government=core.Government(draw(texts), draw(optional_texts),
                                           draw(optional_texts)),
                peoples=tuple(core.People(p, draw(texts), spoken()) for p in mine),
                sources=cited(),
                geometry=draw(geometries),
            )
        )
    territory_keys = draw(unique_keys(1, 6))
    territories = tuple(
        core.Territory(k, draw(texts), draw(st.sampled_from(state_keys)), cited(),
                       draw(geometries))
        for k in territory_keys
    )
    nationalities = []
    for key in draw(unique_keys(0, 8)):
        standing = draw(st.sampled_from(["metropolitan", "colonial"]))
        rulers = draw(st.lists(st.sampled_from(state_keys), min_size=1 if standing == "colonial"
                               else 0, max_size=2, unique=True))
        endonym = draw(optional_texts)
        nationalities.append(
            core.Nationality(
                key=key,
                name=draw(texts),
                endonym=endonym,
                endonym_language=draw(st.sampled_from(tags)) if endonym else None,
                languages=spoken(),
                standing=standing,
                ruled_by=tuple(sorted(rulers)),
                territories=tuple(sorted(draw(st.lists(st.sampled_from(territory_keys),
                                                       min_size=1, max_size=3, unique=True)))),
                sources=cited(),
            )
        )
    by_key = {s.key: s for s in states}
    belligerencies = []
    a_side = [s.key for s in states if s.side == "a"]
    b_side = [s.key for s in states if s.side == "b"]
    pairs = [(x, y) for x in a_side for y in b_side]
    for x, y in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=6)) if pairs else []:
        start = max(by_key[x].entered_war or dt.date.min, by_key[y].entered_war or dt.date.min)
        since = draw(st.dates(min_value=start, max_value=AS_OF))
        first, second = draw(st.permutations([x, y]))
        belligerencies.append(core.Belligerency(first, second, since, cited()))
    holder = {t.key: t.held_by for t in territories}
    occupations = []
    candidates = [(t, s) for t in territory_keys for s in state_keys if holder[t] != s]
    for t, s in draw(st.lists(st.sampled_from(candidates), unique=True, max_size=4)):
        occupations.append(core.Occupation(t, s, draw(dates), cited()))
    return core.Situation(
        key=draw(keys),
        title=draw(texts),
        description=draw(st.just("") | texts),
        as_of=AS_OF,
        proposing_state=draw(st.sampled_from(state_keys)),
        sources=sources,
        languages=languages,
        sides=sides,
        states=tuple(states),
        territories=territories,
        nationalities=tuple(nationalities),
        belligerencies=tuple(belligerencies),
        occupations=tuple(occupations),
    )


def as_document(situation: core.Situation) -> dict[str, Any]:
    return core.situation_to_document(situation)
