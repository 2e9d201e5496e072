"""Evacuation plans: the rules they must keep, and what is overdue on a given day.

The source text: "applying the same to all Armenia, undertaking to evacuate that country as well
as the Turkish lands occupied by us". An occupation ends when its army is gone: when the last
stage of its evacuation plan is completed (the day of the last completion), or by another act
recorded with its date (a treaty, a withdrawal without a plan, a reoccupation).

Everything here is a function of its arguments, the day included: "what was overdue on D" has
one answer whatever the clock of the machine says. A day is a whole day:

- a stage's `deadline` is the last day to complete it; it is *overdue* from the day after, as
  long as it is not completed, and its plan adopted and not ended otherwise;
- a stage completed on day C counts as completed from C on (before C it was pending, or
  overdue); *completed late* when C is after the deadline;
- an occupation that ended on day E is over from E on (the day the army was gone): a stage not
  completed by then is *overtaken* (no longer due: the army left without it);
- before the plan's adoption nothing is due: the stage is *not adopted* yet.

The rules (each a `Problem` at the place it concerns, so a form or a file can point at it):

- a plan is adopted for an occupation that has not ended, that has no plan yet, not before the
  occupation began nor after the day it is recorded, with at least one stage;
- each stage evacuates the occupation's own territory (a part of it is named in `area`), names
  the units that leave, and has a deadline not before the adoption;
- a progress report is dated within the plan: not before its adoption, not after the day it is
  recorded, and never once the plan is completed or the occupation ended (nor for a completed
  stage);
- a stage is completed once, within the plan like a report; completing the last one completes
  the plan and ends the occupation on the last completion day, which must be after the day the
  occupation began;
- an occupation ends once; by an act, only with the act's description, after the day it began,
  not after the day it is recorded, and not before anything its plan already records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from openpeace.core.documents import Problem
from openpeace.core.text import text_problem

StageState = Literal["not_adopted", "pending", "overdue", "completed", "completed_late",
                     "overtaken"]
PlanState = Literal["not_adopted", "in_progress", "overdue", "completed", "ended_otherwise"]

STAGE_STATES: tuple[StageState, ...] = (
    "not_adopted", "pending", "overdue", "completed", "completed_late", "overtaken"
)
PLAN_STATES: tuple[PlanState, ...] = (
    "not_adopted", "in_progress", "overdue", "completed", "ended_otherwise"
)


class EvacuationRefused(ValueError):
    """An act on an evacuation plan or an occupation that the rules refuse; nothing changes.

    `problems` holds every reason, each at the place it concerns (`stages[1].deadline`).
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Stage:
    """A stage as the calendar sees it: its deadline, and the day it was completed if it was."""

    deadline: dt.date
    completed_on: dt.date | None = None


@dataclass(frozen=True)
class Plan:
    """A plan as the calendar sees it; `ended_on` is the day its occupation ended (by the plan's
    completion or by another act), None while the army is there."""

    adopted_on: dt.date
    stages: tuple[Stage, ...]
    ended_on: dt.date | None = None

    @property
    def completed_on(self) -> dt.date | None:
        """The day the plan was completed: its last stage's completion, once all are."""
        days = [s.completed_on for s in self.stages]
        if not days or None in days:
            return None
        return max(d for d in days if d is not None)

    @property
    def closed_on(self) -> dt.date | None:
        """From this day nothing more can be recorded on the plan."""
        return self.completed_on or self.ended_on


@dataclass(frozen=True)
class StageStatus:
    """A stage on a day: its state, and a count of days that depends on it (days left while
    pending, days past the deadline while overdue, days late once completed late, else 0)."""

    state: StageState
    days: int = 0

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


@dataclass(frozen=True)
class PlanStatus:
    """A plan on a day: its state and each stage's, in order."""

    state: PlanState
    stages: tuple[StageStatus, ...]

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.stages)

    @property
    def completed(self) -> int:
        return sum(s.state in ("completed", "completed_late") for s in self.stages)


def stage_status(plan: Plan, stage: Stage, today: dt.date) -> StageStatus:
    """The state of `stage` of `plan` on the day `today`."""
    if today < plan.adopted_on:
        return StageStatus("not_adopted")
    if stage.completed_on is not None and stage.completed_on <= today:
        late = (stage.completed_on - stage.deadline).days
        return StageStatus("completed_late", late) if late > 0 else StageStatus("completed")
    if plan.ended_on is not None and plan.ended_on <= today:
        return StageStatus("overtaken")
    if today > stage.deadline:
        return StageStatus("overdue", (today - stage.deadline).days)
    return StageStatus("pending", (stage.deadline - today).days)


def plan_status(plan: Plan, today: dt.date) -> PlanStatus:
    """The state of `plan` and of each of its stages on the day `today`."""
    stages = tuple(stage_status(plan, s, today) for s in plan.stages)
    state: PlanState
    completed_on = plan.completed_on
    if today < plan.adopted_on:
        state = "not_adopted"
    elif completed_on is not None and completed_on <= today:
        state = "completed"
    elif plan.ended_on is not None and plan.ended_on <= today:
        state = "ended_otherwise"
    elif any(s.overdue for s in stages):
        state = "overdue"
    else:
        state = "in_progress"
    return PlanStatus(state, stages)


@dataclass(frozen=True)
class Occupation:
    """What the rules need to know of an occupation."""

    territory: str
    since: dt.date
    ended_on: dt.date | None = None
    has_plan: bool = False


@dataclass(frozen=True)
class StageDraft:
    """A stage as an official writes it, before the plan is adopted."""

    territory: str
    units: str
    deadline: dt.date
    area: str = ""


def _said(at: str, text: str, what: str, unsaid: str) -> list[Problem]:
    """A text the rule requires, judged as every public text is (`core.text`): `unsaid` is the
    rule's own words for one that says nothing."""
    problem = text_problem(text, what, blank=unsaid)
    return [] if problem is None else [Problem(at, problem)]


def adoption_problems(
    occupation: Occupation, adopted_on: dt.date, stages: Sequence[StageDraft],
    recorded_on: dt.date,
) -> list[Problem]:
    """Every reason the plan cannot be adopted (none: it can)."""
    problems = []
    if occupation.ended_on is not None:
        problems.append(Problem("occupation", (
            f"the occupation ended on {occupation.ended_on}: there is nothing left to evacuate, "
            "so no plan can be adopted for it"
        )))
    if occupation.has_plan:
        problems.append(Problem("occupation", (
            "this occupation already has its evacuation plan: there is one plan per occupation"
        )))
    if adopted_on < occupation.since:
        problems.append(Problem("adopted_on", (
            f"the plan cannot be adopted on {adopted_on}, before the occupation began "
            f"({occupation.since})"
        )))
    if adopted_on > recorded_on:
        problems.append(Problem("adopted_on", (
            f"the plan cannot be adopted on {adopted_on}, after the day it is recorded "
            f"({recorded_on})"
        )))
    if not stages:
        problems.append(Problem("stages", "a plan has at least one stage"))
    for i, stage in enumerate(stages):
        at = f"stages[{i}]"
        if stage.territory != occupation.territory:
            problems.append(Problem(f"{at}.territory", (
                f"stage {i + 1} evacuates {stage.territory!r}, but the occupation is of "
                f"{occupation.territory!r}: a stage evacuates the occupation's own territory "
                "(name a part of it in its area)"
            )))
        problems += _said(f"{at}.units", stage.units, f"the units of stage {i + 1}",
                          f"stage {i + 1} must name the units that leave")
        if stage.deadline < adopted_on:
            problems.append(Problem(f"{at}.deadline", (
                f"the deadline of stage {i + 1} ({stage.deadline}) is before the plan's adoption "
                f"({adopted_on})"
            )))
    return problems


def _closed(plan: Plan) -> Problem | None:
    completed_on = plan.completed_on
    if completed_on is not None:
        return Problem("plan", (
            f"the plan was completed on {completed_on}: nothing can be recorded on it after its "
            "completion"
        ))
    if plan.ended_on is not None:
        return Problem("plan", (
            f"the occupation ended on {plan.ended_on} by another act: the plan is closed"
        ))
    return None


def _within(plan: Plan, on: dt.date, recorded_on: dt.date, what: str) -> list[Problem]:
    problems = []
    if on < plan.adopted_on:
        problems.append(Problem("on", (
            f"{what} cannot be dated {on}, before the plan was adopted ({plan.adopted_on})"
        )))
    if on > recorded_on:
        problems.append(Problem("on", (
            f"{what} cannot be dated {on}, after the day it is recorded ({recorded_on})"
        )))
    return problems


def _stage(plan: Plan, stage: int) -> Stage | Problem:
    if not 0 <= stage < len(plan.stages):
        return Problem("stage", (
            f"the plan has no stage {stage + 1}: its stages are 1 to {len(plan.stages)}"
        ))
    return plan.stages[stage]


def report_problems(
    plan: Plan, on: dt.date, text: str, recorded_on: dt.date, stage: int | None = None
) -> list[Problem]:
    """Every reason a progress report (on the plan, or on its stage number `stage` counted
    from 0) cannot be recorded."""
    closed = _closed(plan)
    if closed is not None:
        return [closed]
    problems = _within(plan, on, recorded_on, "a progress report")
    problems += _said("text", text, "a progress report", "a progress report says what happened")
    if stage is not None:
        found = _stage(plan, stage)
        if isinstance(found, Problem):
            problems.append(found)
        elif found.completed_on is not None:
            problems.append(Problem("stage", (
                f"stage {stage + 1} was completed on {found.completed_on}: no progress is "
                "reported on it after its completion"
            )))
    return problems


def completion_problems(
    plan: Plan, stage: int, on: dt.date, note: str, recorded_on: dt.date,
    occupied_since: dt.date,
) -> list[Problem]:
    """Every reason stage number `stage` (from 0) cannot be completed on `on`."""
    closed = _closed(plan)
    if closed is not None:
        return [closed]
    found = _stage(plan, stage)
    if isinstance(found, Problem):
        return [found]
    if found.completed_on is not None:
        return [Problem("stage", (
            f"stage {stage + 1} was already completed on {found.completed_on}"
        ))]
    problems = _within(plan, on, recorded_on, f"the completion of stage {stage + 1}")
    problems += _said("note", note, "the note of a completion",
                      "a completion says how the units left and who saw it")
    ends_on = completes_plan(plan, stage, on)
    if not problems and ends_on is not None and ends_on <= occupied_since:
        problems.append(Problem("on", (
            f"completing the last stage would end the occupation on {ends_on}, which is not "
            f"after the day it began ({occupied_since})"
        )))
    return problems


def completes_plan(plan: Plan, stage: int, on: dt.date) -> dt.date | None:
    """The day the plan is completed (and its occupation ends) if stage number `stage` is
    completed on `on`; None if other stages remain."""
    days = [on if i == stage else s.completed_on for i, s in enumerate(plan.stages)]
    if None in days:
        return None
    return max(d for d in days if d is not None)


def end_problems(
    occupation: Occupation, on: dt.date, act: str, recorded_on: dt.date,
    plan: Plan | None = None, reported: Sequence[dt.date] = (),
) -> list[Problem]:
    """Every reason the occupation cannot end on `on` by the act described in `act`; `plan` is
    its evacuation plan if it has one, `reported` the days of the plan's progress reports."""
    if occupation.ended_on is not None:
        return [Problem("occupation", (
            f"the occupation already ended on {occupation.ended_on}: it cannot end twice"
        ))]
    problems = _said("act", act, "the act that ended it", (
        "an occupation ends by a recorded act: describe the act (what happened, by whom)"
    ))
    if on <= occupation.since:
        problems.append(Problem("on", (
            f"the occupation cannot end on {on}: it began on {occupation.since}"
        )))
    if on > recorded_on:
        problems.append(Problem("on", (
            f"the occupation cannot end on {on}, after the day it is recorded ({recorded_on})"
        )))
    if plan is not None:
        later = [d for d in [plan.adopted_on, *(s.completed_on for s in plan.stages), *reported]
                 if d is not None and d > on]
        if later:
            problems.append(Problem("on", (
                f"the plan already records what happened on {max(later)}, after {on}: the "
                "army was not gone yet"
            )))
    return problems
