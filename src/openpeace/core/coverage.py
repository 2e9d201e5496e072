"""The coverage report: has every nationality been given its choice, and by what?

The source text asks that "every nationality without any exception, both in Europe and in the
colonies, shall obtain its freedom and the possibility to decide for itself". The report answers
for each nationality of the register, metropolitan and colonial alike, grouped by the state that
rules it: whether it has decided freely (and by what: a plebiscite or a recognised declaration),
decided only under occupation (which does not count), or not at all, and what is still pending.
There is no filter that leaves a nationality out: the report is the whole register or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Standing = Literal["metropolitan", "colonial"]
Given = Literal["decided", "decided_not_free", "not_given"]

GIVEN: tuple[Given, ...] = ("decided", "decided_not_free", "not_given")
"""What a nationality has had, best first: a free decision, one taken under occupation only
(which counts as absent), or nothing yet."""


@dataclass(frozen=True)
class Nationality:
    key: str
    name: str
    standing: Standing
    ruled_by: tuple[str, ...]


@dataclass(frozen=True)
class DecisionFact:
    """A recorded decision as the report needs it: whether it was free, and what it chose."""

    nationality: str
    choice: str
    via: str
    taken_on: dt.date
    free: bool
    log_index: int | None = None
    """Where the decision is in the transparency log, once integrated."""


@dataclass(frozen=True)
class Row:
    nationality: Nationality
    given: Given
    decision: DecisionFact | None
    """The free decision that counts (the latest), else the latest unfree one, else None."""
    pending: tuple[str, ...] = ()
    """What is under way for it: open demands, plebiscites being held."""


@dataclass(frozen=True)
class Group:
    state: str
    rows: tuple[Row, ...]
    totals: Mapping[tuple[Standing, Given], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Coverage:
    rows: tuple[Row, ...]
    """One row per nationality of the register, each exactly once, by key."""
    groups: tuple[Group, ...]
    """One group per ruling state (a nationality ruled by two states is in both), by state."""
    totals: Mapping[tuple[Standing, Given], int]
    """Over every nationality, counted once."""


def _counts(rows: Iterable[Row]) -> dict[tuple[Standing, Given], int]:
    counts = Counter((r.nationality.standing, r.given) for r in rows)
    return {(s, g): counts[(s, g)] for s in ("metropolitan", "colonial") for g in GIVEN}


def coverage(
    nationalities: Iterable[Nationality],
    decisions: Iterable[DecisionFact],
    pending: Mapping[str, Sequence[str]] | None = None,
) -> Coverage:
    """The report, in one pass over the decisions: the latest free one of each nationality
    counts; without one, the latest unfree one is shown, marked as not binding."""
    free: dict[str, DecisionFact] = {}
    unfree: dict[str, DecisionFact] = {}
    for d in decisions:
        kept = free if d.free else unfree
        if d.nationality not in kept or (d.taken_on, d.choice) >= (
            kept[d.nationality].taken_on, kept[d.nationality].choice
        ):
            kept[d.nationality] = d
    waiting = pending or {}
    rows = []
    for n in sorted(nationalities, key=lambda n: n.key):
        if n.key in free:
            given: Given = "decided"
            decision: DecisionFact | None = free[n.key]
        elif n.key in unfree:
            given, decision = "decided_not_free", unfree[n.key]
        else:
            given, decision = "not_given", None
        rows.append(Row(n, given, decision, tuple(waiting.get(n.key, ()))))
    by_state: dict[str, list[Row]] = {}
    for row in rows:
        for state in row.nationality.ruled_by:
            by_state.setdefault(state, []).append(row)
    groups = tuple(
        Group(state, tuple(rs), _counts(rs)) for state, rs in sorted(by_state.items())
    )
    return Coverage(tuple(rows), groups, _counts(rows))
