"""A nationality's demand, from its filing to its satisfaction or refusal.

The source text: "we must immediately satisfy the demands of the Ukrainians and the Finns, ensure
them, as well as all other non-Russian nationalities in Russia, full freedom, including freedom
of secession". A nationality's representative body (its commission) files a demand; officials
move it along, in public:

    filed → acknowledged → in_progress → satisfied
                                       → refused

The rules:

1. Each step is taken once, in that order; `satisfied` and `refused` are final. Any other step
   is refused with a `TransitionRefused` that names the demand's current status.
2. No step is dated before the step it follows.
3. A refusal publishes its reasons: without them there is no refusal.
4. A satisfaction names the act that satisfies it, an act already recorded when the demand is
   satisfied: a decision of the nationality, or the log entry of another public act (a decree,
   an amnesty, a treaty's repudiation), never a step of a demand.
5. A decision satisfies a demand only if it is the nationality's own and free: one taken under a
   foreign occupation does not count (the source text asks for evacuation first), here as in
   the terms validator.
6. Freedom of secession is not satisfied by words: a `secession` demand is satisfied only by a
   decision of the nationality that takes it out of the states ruling it (a separate state, or
   joining a state that does not rule it now), by plebiscite or by a recognised declaration;
   a `recognition_of_declaration` demand only by the recognised declaration itself.

Times are timezone-aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from openpeace.core.text import text_problem

SEPARATE_STATE = "separate_state"
"""A decision's choice to form a separate state (else it names the state it joins)."""


class Status(StrEnum):
    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    SATISFIED = "satisfied"
    REFUSED = "refused"


class Kind(StrEnum):
    AUTONOMY = "autonomy"
    LANGUAGE_RIGHTS = "language_rights"
    LAND = "land"
    RELEASE_OF_PRISONERS = "release_of_prisoners"
    SECESSION = "secession"
    RECOGNITION_OF_DECLARATION = "recognition_of_declaration"
    OTHER = "other"


NEXT: Mapping[Status, frozenset[Status]] = {
    Status.FILED: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.SATISFIED, Status.REFUSED}),
    Status.SATISFIED: frozenset(),
    Status.REFUSED: frozenset(),
}
"""The steps each status may take."""

OPEN: frozenset[Status] = frozenset({Status.FILED, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
"""A demand still waiting: what the coverage report lists as pending."""

BY_DECISION_ONLY: frozenset[Kind] = frozenset({Kind.SECESSION, Kind.RECOGNITION_OF_DECLARATION})
"""The kinds only a decision of the nationality can satisfy."""

_RANK = {Status.FILED: 0, Status.ACKNOWLEDGED: 1, Status.IN_PROGRESS: 2, Status.SATISFIED: 3,
         Status.REFUSED: 3}


class DemandError(ValueError):
    """A step the rules do not allow; the message says why, and nothing changes."""


class TransitionRefused(DemandError):
    """A step the lifecycle does not allow; the message names the current status."""


class ActRefused(DemandError):
    """The act named cannot satisfy this demand."""


class ReasonsRefused(DemandError):
    """A refusal's reasons are not a public text (rule 3): the fault is in what was written,
    not in the demand's state, so a caller can say so at the reasons."""


@dataclass(frozen=True)
class Demand:
    nationality: str
    kind: Kind
    status: Status
    since: dt.datetime
    """When it took its last step (when it was filed, to begin with)."""
    rulers: frozenset[str] = frozenset()
    """The states that rule the nationality now (what secession leaves)."""
    filed_at: dt.datetime | None = None
    """When it was filed: an act recorded before answers no demand."""


@dataclass(frozen=True)
class Decision:
    """A recorded decision of a nationality, as a satisfying act."""

    nationality: str
    choice: str
    """`SEPARATE_STATE`, or the key of the state it decided to join."""
    via: Literal["plebiscite", "declaration"]
    free: bool
    recorded_at: dt.datetime


@dataclass(frozen=True)
class LoggedAct:
    """Another public act, by its log entry."""

    index: int
    kind: str
    recorded_at: dt.datetime
    subject: str = ""
    """What the entry is about (`nationality:KEY`, `treaty:KEY`…)."""


Act = Decision | LoggedAct


def filed(nationality: str, kind: Kind, at: dt.datetime,
          rulers: frozenset[str] = frozenset()) -> Demand:
    """A demand as it is filed."""
    return Demand(nationality, Kind(kind), Status.FILED, at, rulers, filed_at=at)


def _why(current: Status, target: Status) -> str:
    if current == target:
        return f"it is already {current}"
    if not NEXT[current]:
        return f"{current} is final"
    if target == Status.FILED:
        return "a demand is filed once"
    if _RANK[target] < _RANK[current]:
        return "a demand never goes back a step"
    if current == Status.FILED:
        return "it must be acknowledged first"
    if current == Status.ACKNOWLEDGED:
        return "it must be in progress first"
    return "a demand is satisfied or refused, not both"  # pragma: no cover - no such pair left


def transition(current: Status, target: Status) -> Status:
    """`target` if a demand that is `current` may take that step; else `TransitionRefused`."""
    current, target = Status(current), Status(target)
    if target in NEXT[current]:
        return target
    raise TransitionRefused(
        f"the demand is {current} and cannot become {target}: {_why(current, target)}"
    )


def _step(demand: Demand, target: Status, at: dt.datetime) -> Demand:
    transition(demand.status, target)
    if at < demand.since:
        raise DemandError(
            f"the demand cannot become {target} at {at.isoformat()}: it became "
            f"{demand.status} at {demand.since.isoformat()}, later"
        )
    return replace(demand, status=target, since=at)


def acknowledge(demand: Demand, at: dt.datetime) -> Demand:
    return _step(demand, Status.ACKNOWLEDGED, at)


def begin(demand: Demand, at: dt.datetime) -> Demand:
    """Work on the demand has begun: it is in progress."""
    return _step(demand, Status.IN_PROGRESS, at)


def refuse(demand: Demand, reasons: str, at: dt.datetime) -> Demand:
    moved = _step(demand, Status.REFUSED, at)
    if problem := text_problem(reasons, "the reasons of a refusal",
                               blank="a refusal must publish its reasons: none were given"):
        raise ReasonsRefused(problem)
    return moved


def satisfy(demand: Demand, act: Act, at: dt.datetime) -> Demand:
    """The demand satisfied by `act`; `ActRefused` if that act cannot satisfy it."""
    moved = _step(demand, Status.SATISFIED, at)
    problem = act_problem(demand, act)
    if problem is not None:
        raise ActRefused(problem)
    if act.recorded_at > at:
        raise ActRefused(
            f"the act was recorded at {act.recorded_at.isoformat()}, after {at.isoformat()}: "
            "a demand is satisfied by an act already done"
        )
    return moved


BOOKKEEPING = ("endorsement.", "plebiscite.ballot_")
"""Kinds of entry that record counts and ballots (the endorsements' tallies, each ballot of a
plebiscite), never an act of a state towards a nationality."""


def act_problem(demand: Demand, act: Act) -> str | None:
    """Why `act` cannot satisfy `demand`, or None if it can (whatever the demand's status)."""
    who = demand.nationality
    if isinstance(act, LoggedAct):
        if act.kind.startswith("demand."):
            return (f"log entry {act.index} is a step of a demand ({act.kind}), not an act "
                    "that satisfies one")
        if act.kind.startswith(BOOKKEEPING):
            return (f"log entry {act.index} ({act.kind}) is the record of a count or a "
                    "ballot, not an act that satisfies a demand")
        about, _, key = act.subject.partition(":")
        if about == "nationality" and key != who:
            return f"log entry {act.index} is about the {key}, not the {who}"
        if demand.filed_at is not None and act.recorded_at < demand.filed_at:
            return (f"log entry {act.index} was recorded on {act.recorded_at.date()}, before "
                    f"the demand was filed on {demand.filed_at.date()}: it answers no demand")
        if demand.kind == Kind.SECESSION:
            return (f"a secession demand is satisfied only by a decision of the {who} "
                    f"(by plebiscite or a recognised declaration), not by another act "
                    f"(log entry {act.index}, {act.kind})")
        if demand.kind == Kind.RECOGNITION_OF_DECLARATION:
            return (f"a demand for the recognition of a declaration is satisfied only by the "
                    f"recognised declaration of the {who}, not by another act "
                    f"(log entry {act.index}, {act.kind})")
        return None
    if act.nationality != who:
        return f"the decision is the {act.nationality}', not the {who}': it cannot satisfy it"
    if not act.free:
        return ("the decision was taken under a foreign occupation: it is not free, and "
                "satisfies no demand")
    if demand.kind == Kind.SECESSION and act.choice != SEPARATE_STATE and (
        act.choice in demand.rulers
    ):
        return (f"the {who} decided to join {act.choice}, which rules them now: that is no "
                "secession")
    if demand.kind == Kind.RECOGNITION_OF_DECLARATION and act.via != "declaration":
        return (f"a demand for the recognition of a declaration is satisfied only by the "
                f"recognised declaration of the {who}, not by a {act.via}")
    return None
