"""The process rules: where the offer stands with each belligerent, and where it stands overall.

The source text asks the Soviet Government to "offer to all the belligerent peoples ... to conclude
an immediate general peace on democratic terms, and also to conclude an immediate armistice (even
if only for three months)", and expects "that we shall at once obtain a truce and a consent to open
peace negotiations". Every addressed belligerent therefore has its own process, a small state
machine driven by its government's replies and by what is signed with it:

    from                      event                  to
    offered, silent,          accepts_armistice      armistice_accepted
    rejected or               accepts_negotiations   negotiating
    counter_proposed          counter_proposal       counter_proposed
                              rejects                rejected
                              (but never a repeat: `rejected` cannot record `rejects`; a
                              revised counter-proposal is not a repeat)
    offered                   no_reply               silent (once the reply deadline has passed)
    negotiating               accepts_armistice      armistice_accepted
                              counter_proposal       counter_proposed
                              rejects                rejected
                              signs_armistice        armistice_in_force
                              concludes_peace        peace_concluded
    armistice_accepted        counter_proposal       counter_proposed
                              rejects                rejected
                              signs_armistice        armistice_in_force
    armistice_in_force        concludes_peace        peace_concluded
                              armistice_ends         armistice_ended
    armistice_ended           accepts_armistice      armistice_accepted
                              accepts_negotiations   negotiating
                              counter_proposal       counter_proposed
                              rejects                rejected
                              signs_armistice        armistice_in_force
                              concludes_peace        peace_concluded
    peace_concluded           (nothing)

Any other (stage, event) is refused with a `TransitionError` that names both.

The reasons for the table:
- Governments change their minds. Until something is signed a government may move from one reply
  to another: a late reply after silence, an acceptance after a rejection or a counter-proposal,
  a counter-proposal or a rejection after an acceptance (withdrawn before signing), a revised
  counter-proposal after a counter-proposal. Repeating any other reply changes nothing and is
  refused, so every recorded transition is a change.
- `no_reply` is not a reply: it is recorded (by `apply_deadline`) for a belligerent still
  `offered` after the reply deadline, and only then.
- A truce covers negotiations. `negotiating` is consent to peace negotiations while the war goes
  on; accepting an armistice from there is a step further, and consenting to negotiations after
  accepting an armistice adds nothing to the process (the talks are held under the truce, and
  their sessions are recorded as negotiations, not here).
- An armistice comes into force only for a belligerent that accepted an armistice, is
  negotiating, or whose earlier armistice has ended; peace is concluded under an armistice in
  force, in negotiations, or after an armistice has ended. Once an armistice is in force nothing
  but peace or the armistice's end moves the process: it never goes back to a reply while the
  truce holds.
- An armistice ends. The text asks for one "even if only for three months", so a truce may have
  a term, and the 1917 armistice could be denounced "giving seven days' notice of resumption of
  military actions" (`openpeace.core.armistice`, whose calendar says when it ends). Once it has
  ended, `armistice_ends` moves the process to `armistice_ended`: the war with that belligerent
  has resumed, so this is not a truce stage. It is not a reply either (not in `REPLY_STAGES`): it
  is recorded for a belligerent whose every armistice under the offer has ended. From there the
  government may do what it may before any agreement or while negotiating: reply anew, sign a
  new armistice (the signature is its acceptance), or conclude peace.

The overall status of the offer, with this precedence (the first that holds):
1. `peace`: every addressee has concluded peace. This is the general peace the text asks for; a
   separate peace with some of them is not.
2. `truce`: at least one addressee has accepted an armistice, has one in force, or has concluded
   peace (hostilities with it have ended): the least the text asks for is obtained. An
   armistice that has ended (`armistice_ended`) no longer counts: the war has resumed.
3. `negotiations`: at least one addressee is negotiating, and none of the above holds.
4. `defence`: the reply deadline has passed and none of the above holds (every addressee is
   offered, silent, rejected, counter-proposed, or back at war after an armistice). This is the
   source text's rule: "If the least probable thing happens, i.e., if not a single belligerent
   state accepts even a truce, then as far as we are concerned the war becomes truly forced upon
   us, it becomes a truly just war of defence." A counter-proposal is not an acceptance. The
   status is a function of the present stages, so a late acceptance turns `defence` back into
   `truce` or `negotiations`.
5. `open`: the deadline has not passed yet and nothing has been agreed.

Times are timezone-aware datetimes. The deadline is the last instant at which a reply is on
time: the deadline has passed at `now` when `now > deadline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, get_args

Stage = Literal[
    "offered",
    "silent",
    "rejected",
    "counter_proposed",
    "negotiating",
    "armistice_accepted",
    "armistice_in_force",
    "armistice_ended",
    "peace_concluded",
]
Event = Literal[
    "accepts_armistice",
    "accepts_negotiations",
    "counter_proposal",
    "rejects",
    "no_reply",
    "signs_armistice",
    "armistice_ends",
    "concludes_peace",
]
Status = Literal["open", "truce", "negotiations", "peace", "defence"]

STAGES: tuple[Stage, ...] = get_args(Stage)
EVENTS: tuple[Event, ...] = get_args(Event)
REPLY_STAGES: Mapping[Event, Stage] = MappingProxyType(
    {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
    }
)
"""The events that are a government's reply, and the stage each reply leads to."""

_FREE_TO_REPLY: tuple[Stage, ...] = (
    "offered", "silent", "rejected", "counter_proposed", "armistice_ended"
)
"""The stages from which a government may give any reply: before any agreement, or once the
armistice it had has ended."""

TRANSITIONS: Mapping[tuple[Stage, Event], Stage] = MappingProxyType(
    {
        **{
            (stage, event): target
            for stage in _FREE_TO_REPLY
            for event, target in REPLY_STAGES.items()
            if stage != target or event == "counter_proposal"
        },
        ("offered", "no_reply"): "silent",
        ("negotiating", "accepts_armistice"): "armistice_accepted",
        ("negotiating", "counter_proposal"): "counter_proposed",
        ("negotiating", "rejects"): "rejected",
        ("negotiating", "signs_armistice"): "armistice_in_force",
        ("negotiating", "concludes_peace"): "peace_concluded",
        ("armistice_accepted", "counter_proposal"): "counter_proposed",
        ("armistice_accepted", "rejects"): "rejected",
        ("armistice_accepted", "signs_armistice"): "armistice_in_force",
        ("armistice_in_force", "concludes_peace"): "peace_concluded",
        ("armistice_in_force", "armistice_ends"): "armistice_ended",
        ("armistice_ended", "signs_armistice"): "armistice_in_force",
        ("armistice_ended", "concludes_peace"): "peace_concluded",
    }
)
"""Every allowed (stage, event) and the stage it leads to; any other pair is refused."""

TRUCE_STAGES: frozenset[Stage] = frozenset(
    {"armistice_accepted", "armistice_in_force", "peace_concluded"}
)
"""Stages in which a belligerent has accepted "even a truce" (or more: peace)."""

# How far each stage has come, only to word a refusal: "already 'rejected'" when the stage has
# come as far as the stage the event leads to (every event leads to one stage).
_ORDER: tuple[tuple[Stage, ...], ...] = (
    ("offered",),
    ("silent", "rejected", "counter_proposed"),
    ("negotiating",),
    ("armistice_accepted",),
    ("armistice_in_force",),
    ("armistice_ended",),
    ("peace_concluded",),
)
_PROGRESS: Mapping[Stage, int] = {
    stage: progress for progress, stages in enumerate(_ORDER) for stage in stages
}
_LEADS_TO: Mapping[Event, Stage] = {event: target for (_, event), target in TRANSITIONS.items()}


class ProcessError(ValueError):
    """An input the process rules refuse: an unknown belligerent or event, a bad time."""


class TransitionError(ProcessError):
    """An event that the stage a belligerent's process is in does not allow."""

    def __init__(self, state_key: str, stage: Stage, event: Event, message: str) -> None:
        self.state_key = state_key
        self.stage = stage
        self.event = event
        super().__init__(message)


def _check_aware(what: str, moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ProcessError(f"{what} must be a timezone-aware datetime, not {moment.isoformat()}")


def _refusal(state_key: str, stage: Stage, event: Event) -> TransitionError:
    already = "already " if _PROGRESS[stage] >= _PROGRESS[_LEADS_TO[event]] else ""
    sources = [s for s in STAGES if (s, event) in TRANSITIONS]
    return TransitionError(
        state_key,
        stage,
        event,
        f"{state_key} cannot record {event!r}: its process is {already}{stage!r}"
        f" ({event!r} can follow only {' or '.join(repr(s) for s in sources)})",
    )


@dataclass(frozen=True)
class BelligerentState:
    """The stage of one belligerent's process, and the moment it entered that stage."""

    stage: Stage
    since: dt.datetime


@dataclass(frozen=True)
class Transition:
    """One change of one belligerent's stage: what the Django side writes a log entry for."""

    state_key: str
    event: Event
    before: Stage
    after: Stage
    at: dt.datetime


@dataclass(frozen=True)
class Process:
    """The offer's process with every addressed belligerent, keyed by state key.

    An immutable value: `record` and `apply_deadline` return a new `Process`.
    """

    released_at: dt.datetime
    deadline: dt.datetime
    states: Mapping[str, BelligerentState] = field(hash=False)

    def __post_init__(self) -> None:
        _check_aware("the release time", self.released_at)
        _check_aware("the reply deadline", self.deadline)
        if self.deadline <= self.released_at:
            raise ProcessError(
                f"the reply deadline ({self.deadline.isoformat()}) must come after the release"
                f" ({self.released_at.isoformat()})"
            )
        if not self.states:
            raise ProcessError("an offer addresses at least one belligerent state")
        for key, state in self.states.items():
            if not key:
                raise ProcessError("a belligerent state's key must not be empty")
            if state.stage not in STAGES:
                raise ProcessError(f"{key}: {state.stage!r} is not a stage of the process")
            _check_aware(f"{key}'s time", state.since)
            if state.since < self.released_at:
                raise ProcessError(
                    f"{key} cannot be {state.stage!r} since {state.since.isoformat()}, before"
                    f" the offer was released ({self.released_at.isoformat()})"
                )
            if state.stage == "offered" and state.since != self.released_at:
                raise ProcessError(
                    f"{key} is 'offered' since the release ({self.released_at.isoformat()}),"
                    f" the same instant for every addressee, not since {state.since.isoformat()}"
                )
        object.__setattr__(self, "states", MappingProxyType(dict(self.states)))

    @classmethod
    def offer(
        cls, addressees: Iterable[str], released_at: dt.datetime, deadline: dt.datetime
    ) -> Process:
        """A process just released: every addressee `offered` since the same instant."""
        keys = list(addressees)
        if len(set(keys)) != len(keys):
            raise ProcessError("an offer addresses each belligerent state once")
        return cls(
            released_at, deadline, {k: BelligerentState("offered", released_at) for k in keys}
        )

    def deadline_passed(self, now: dt.datetime) -> bool:
        """Whether the reply deadline has passed at `now` (strictly after it)."""
        _check_aware("now", now)
        return now > self.deadline

    def record(self, state_key: str, event: Event, at: dt.datetime) -> Process:
        """The process after `state_key`'s `event` at `at`, or `TransitionError` if not allowed."""
        return self._with(self.transition(state_key, event, at))

    def transition(self, state_key: str, event: Event, at: dt.datetime) -> Transition:
        """The transition `event` would make, checked against the table and the clock."""
        if state_key not in self.states:
            raise ProcessError(f"{state_key!r} is not addressed by this offer")
        if event not in EVENTS:
            raise ProcessError(f"{event!r} is not an event of the process")
        _check_aware("the time of an event", at)
        current = self.states[state_key]
        target = TRANSITIONS.get((current.stage, event))
        if target is None:
            raise _refusal(state_key, current.stage, event)
        if event == "no_reply" and not self.deadline_passed(at):
            raise TransitionError(
                state_key,
                current.stage,
                event,
                f"{state_key} cannot record {event!r} at {at.isoformat()}: its process is"
                f" {current.stage!r} and the reply deadline ({self.deadline.isoformat()})"
                " has not passed",
            )
        if at < current.since:
            raise ProcessError(
                f"{state_key} cannot record {event!r} at {at.isoformat()}: its process has been"
                f" {current.stage!r} only since {current.since.isoformat()}"
            )
        return Transition(state_key, event, current.stage, target, at)

    def _with(self, transition: Transition) -> Process:
        states = dict(self.states)
        states[transition.state_key] = BelligerentState(transition.after, transition.at)
        return replace(self, states=states)


def status(process: Process, now: dt.datetime) -> Status:
    """The overall status of the offer at `now`, by the precedence in the module's docstring."""
    passed = process.deadline_passed(now)
    stages = {state.stage for state in process.states.values()}
    if stages == {"peace_concluded"}:
        return "peace"
    if stages & TRUCE_STAGES:
        return "truce"
    if "negotiating" in stages:
        return "negotiations"
    if passed:
        return "defence"
    return "open"


def apply_deadline(process: Process, now: dt.datetime) -> tuple[Process, tuple[Transition, ...]]:
    """Record `no_reply` at `now` for every addressee still `offered` after the deadline.

    Returns the new process and its transitions, one per belligerent that fell silent, in the
    order of the addressees. Before the deadline, or applied a second time, it changes nothing.
    """
    if not process.deadline_passed(now):
        return process, ()
    transitions = tuple(
        process.transition(key, "no_reply", now)
        for key, state in process.states.items()
        if state.stage == "offered"
    )
    for transition in transitions:
        process = process._with(transition)
    return process, transitions
