"""Evacuation plans in the core: what is overdue on a day (the controllable clock), and the rules
every act on a plan keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openpeace.core import evacuation as ev
from openpeace.core.evacuation import Plan, Stage, StageDraft

D = dt.date
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))
OCCUPATION = ev.Occupation("erzurum", since=D(1916, 2, 16))
ADOPTED = D(1918, 1, 11)


def plan(*stages: Stage, adopted_on: D = ADOPTED, ended_on: D | None = None) -> Plan:
    return Plan(adopted_on, tuple(stages), ended_on)


def paths(problems: list[ev.Problem]) -> list[str]:
    return [p.path for p in problems]


# ------------------------------------------------------------------ the clock


@pytest.mark.parametrize(("today", "state", "count"), [
    (D(1918, 1, 10), "not_adopted", 0),
    (D(1918, 1, 11), "pending", 31),
    (D(1918, 2, 11), "pending", 0),       # the deadline is the last day: not yet overdue
    (D(1918, 2, 12), "overdue", 1),
    (D(1918, 2, 28), "overdue", 17),
    (D(1918, 3, 1), "completed_late", 18),
    (D(2026, 1, 1), "completed_late", 18),
])
def test_a_stage_on_each_day(today: D, state: str, count: int) -> None:
    stage = Stage(deadline=D(1918, 2, 11), completed_on=D(1918, 3, 1))
    status = ev.stage_status(plan(stage), stage, today)
    assert (status.state, status.days) == (state, count)
    assert status.overdue == (state == "overdue")


def test_a_stage_completed_in_time_is_never_overdue() -> None:
    stage = Stage(deadline=D(1918, 2, 11), completed_on=D(1918, 2, 1))
    assert [ev.stage_status(plan(stage), stage, d).state
            for d in [D(1918, 1, 31), D(1918, 2, 1), D(1918, 2, 12)]] == [
        "pending", "completed", "completed"]


def test_an_occupation_ended_otherwise_overtakes_what_is_left() -> None:
    stage = Stage(deadline=D(1918, 2, 11))
    ended = plan(stage, ended_on=D(1918, 3, 3))
    assert ev.stage_status(ended, stage, D(1918, 3, 2)) == ev.StageStatus("overdue", 19)
    assert ev.stage_status(ended, stage, D(1918, 3, 3)) == ev.StageStatus("overtaken")
    assert ev.plan_status(ended, D(1918, 3, 2)).state == "overdue"
    assert ev.plan_status(ended, D(1918, 3, 3)).state == "ended_otherwise"


def test_a_plan_on_each_day() -> None:
    done = plan(Stage(D(1918, 2, 11), D(1918, 2, 10)), Stage(D(1918, 3, 11), D(1918, 3, 20)))
    assert done.completed_on == D(1918, 3, 20)
    states = [ev.plan_status(done, d) for d in
              [D(1918, 1, 1), D(1918, 2, 20), D(1918, 3, 12), D(1918, 3, 20)]]
    assert [s.state for s in states] == ["not_adopted", "in_progress", "overdue", "completed"]
    assert [(s.completed, s.overdue) for s in states] == [(0, 0), (1, 0), (1, 1), (2, 0)]


stages = st.builds(Stage, deadline=days, completed_on=st.none() | days)


@given(adopted=days, stage=stages, ended=st.none() | days, today=days)
def test_overdue_exactly_when_due_past_its_deadline_and_not_done(
    adopted: D, stage: Stage, ended: D | None, today: D
) -> None:
    p = plan(stage, adopted_on=adopted, ended_on=ended)
    status = ev.stage_status(p, stage, today)
    done = stage.completed_on is not None and stage.completed_on <= today
    gone = ended is not None and ended <= today
    expected = today >= adopted and not done and not gone and today > stage.deadline
    assert status.overdue == expected
    if status.overdue:
        assert status.days == (today - stage.deadline).days > 0
    assert status.days >= 0


RANK = {"not_adopted": 0, "pending": 1, "overdue": 2, "overtaken": 3, "completed": 3,
        "completed_late": 3}


@given(adopted=days, stage=stages, ended=st.none() | days, a=days, b=days)
def test_the_clock_only_moves_a_stage_forward(
    adopted: D, stage: Stage, ended: D | None, a: D, b: D
) -> None:
    """Asked for a later day, a stage is never less advanced (completed stays completed)."""
    early, late = sorted([a, b])
    p = plan(stage, adopted_on=adopted, ended_on=ended)
    before, after = ev.stage_status(p, stage, early), ev.stage_status(p, stage, late)
    assert RANK[before.state] <= RANK[after.state]
    if before.state in ("completed", "completed_late"):
        assert after == before


@given(adopted=days, stages=st.lists(stages, min_size=1, max_size=6), today=days)
def test_the_plan_counts_its_stages(adopted: D, stages: list[Stage], today: D) -> None:
    p = plan(*stages, adopted_on=adopted)
    status = ev.plan_status(p, today)
    assert status.stages == tuple(ev.stage_status(p, s, today) for s in stages)
    assert status.overdue == sum(s.overdue for s in status.stages)
    assert (status.state == "overdue") == (
        status.overdue > 0 and not (p.completed_on is not None and p.completed_on <= today)
    )
    if status.state == "completed":
        assert status.completed == len(stages)


@given(stages=st.lists(stages, min_size=1, max_size=6), data=st.data())
def test_the_last_completion_completes_the_plan_on_the_last_day(
    stages: list[Stage], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(stages) - 1))
    on = data.draw(days)
    result = ev.completes_plan(plan(*stages), index, on)
    others = [s.completed_on for i, s in enumerate(stages) if i != index]
    if None in others:
        assert result is None
    else:
        assert result == max([on, *[d for d in others if d is not None]])


# ------------------------------------------------------------------ the rules


def draft(deadline: D, territory: str = "erzurum", units: str = "the garrison") -> StageDraft:
    return StageDraft(territory=territory, units=units, deadline=deadline, area="the town")


def test_a_good_plan_has_no_problem() -> None:
    assert ev.adoption_problems(OCCUPATION, D(1918, 1, 11), [draft(D(1918, 2, 11))],
                                recorded_on=D(1918, 1, 11)) == []


def test_every_wrong_adoption_is_refused_at_its_place() -> None:
    occupation = ev.Occupation("erzurum", D(1916, 2, 16), ended_on=D(1917, 1, 1), has_plan=True)
    problems = ev.adoption_problems(
        occupation, D(1916, 1, 1),
        [draft(D(1915, 12, 31), territory="van"), draft(D(1916, 3, 1), units=" ")],
        recorded_on=D(1915, 1, 1),
    )
    assert paths(problems) == ["occupation", "occupation", "adopted_on", "adopted_on",
                               "stages[0].territory", "stages[0].deadline", "stages[1].units"]
    text = " | ".join(p.message for p in problems)
    assert "ended on 1917-01-01: there is nothing left to evacuate" in text
    assert "one plan per occupation" in text
    assert "before the occupation began (1916-02-16)" in text
    assert "after the day it is recorded (1915-01-01)" in text
    assert "a stage evacuates the occupation's own territory" in text
    assert "the deadline of stage 1 (1915-12-31) is before the plan's adoption" in text
    assert "stage 2 must name the units that leave" in text
    assert paths(ev.adoption_problems(OCCUPATION, D(1918, 1, 11), [], D(1918, 1, 11))) == [
        "stages"]


@given(adopted=days, deadlines=st.lists(days, min_size=1, max_size=5))
def test_a_deadline_is_refused_exactly_when_before_the_adoption(
    adopted: D, deadlines: list[D]
) -> None:
    assume(adopted >= OCCUPATION.since)
    problems = ev.adoption_problems(OCCUPATION, adopted, [draft(d) for d in deadlines],
                                    recorded_on=D.max)
    assert paths(problems) == [f"stages[{i}].deadline" for i, d in enumerate(deadlines)
                               if d < adopted]


OPEN = plan(Stage(D(1918, 2, 11)), Stage(D(1918, 3, 11), D(1918, 2, 20)))


def test_reports_are_dated_within_the_plan() -> None:
    today = D(1918, 3, 1)
    assert ev.report_problems(OPEN, D(1918, 1, 11), "news", today) == []
    assert ev.report_problems(OPEN, today, "news", today, stage=0) == []
    wrong = ev.report_problems(OPEN, D(1918, 1, 10), " ", today, stage=1)
    assert paths(wrong) == ["on", "text", "stage"]
    assert "before the plan was adopted (1918-01-11)" in wrong[0].message
    assert "stage 2 was completed on 1918-02-20" in wrong[2].message
    late = ev.report_problems(OPEN, D(1918, 3, 2), "news", today, stage=7)
    assert [p.message for p in late] == [
        "a progress report cannot be dated 1918-03-02, after the day it is recorded (1918-03-01)",
        "the plan has no stage 8: its stages are 1 to 2",
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("\u200b\u200b", "a progress report says what happened (it has no visible character, only "
                     "white space, format characters or combining marks (U+200B ZERO WIDTH "
                     "SPACE))"),
    ("news\x01", "a progress report cannot contain the control character U+0001: tab, line feed "
                 "and carriage return are the only ones a text holds"),
])
def test_a_report_is_a_public_text(text: str, message: str) -> None:
    today = D(1918, 3, 1)
    assert ev.report_problems(OPEN, today, text, today) == [ev.Problem("text", message)]
    assert ev.report_problems(OPEN, today, "\u200fأخبار", today) == []


def test_no_progress_after_completion_or_after_the_end() -> None:
    done = plan(Stage(D(1918, 2, 11), D(1918, 2, 1)))
    (problem,) = ev.report_problems(done, D(1918, 2, 1), "more", D(1918, 3, 1))
    assert "completed on 1918-02-01: nothing can be recorded on it" in problem.message
    (problem,) = ev.completion_problems(done, 0, D(1918, 2, 2), "n", D(1918, 3, 1), D(1916, 1, 1))
    assert "completed on 1918-02-01" in problem.message
    ended = plan(Stage(D(1918, 2, 11)), ended_on=D(1918, 3, 3))
    (problem,) = ev.report_problems(ended, D(1918, 3, 1), "more", D(1918, 4, 1))
    assert problem.message == (
        "the occupation ended on 1918-03-03 by another act: the plan is closed"
    )


def test_completions_keep_the_rules() -> None:
    today = D(1918, 3, 1)
    assert ev.completion_problems(OPEN, 0, D(1918, 2, 25), "gone", today, OCCUPATION.since) == []
    (again,) = ev.completion_problems(OPEN, 1, D(1918, 2, 25), "gone", today, OCCUPATION.since)
    assert again.message == "stage 2 was already completed on 1918-02-20"
    wrong = ev.completion_problems(OPEN, 0, D(1918, 3, 2), "", today, OCCUPATION.since)
    assert paths(wrong) == ["on", "note"]
    # The last completion ends the occupation: it must end after the day it began.
    same_day = plan(Stage(D(1918, 2, 11)), adopted_on=D(1916, 2, 16))
    (problem,) = ev.completion_problems(same_day, 0, D(1916, 2, 16), "gone", today,
                                        D(1916, 2, 16))
    assert "not after the day it began (1916-02-16)" in problem.message


def test_an_occupation_ends_once_by_a_described_act() -> None:
    today = D(1918, 4, 1)
    assert ev.end_problems(OCCUPATION, D(1918, 3, 3), "Treaty", today) == []
    ended = ev.Occupation("erzurum", D(1916, 2, 16), ended_on=D(1918, 3, 3))
    (twice,) = ev.end_problems(ended, D(1918, 3, 4), "Treaty", today)
    assert twice.message == "the occupation already ended on 1918-03-03: it cannot end twice"
    wrong = ev.end_problems(OCCUPATION, D(1916, 2, 16), "  ", D(1916, 1, 1))
    assert paths(wrong) == ["act", "on", "on"]
    # The plan already says the army was still there after that day.
    (later,) = ev.end_problems(OCCUPATION, D(1918, 2, 15), "Treaty", today, OPEN,
                               reported=[D(1918, 2, 18)])
    assert "already records what happened on 1918-02-20, after 1918-02-15" in later.message
    adopted_only = plan(Stage(D(1918, 2, 11)))
    (before_plan,) = ev.end_problems(OCCUPATION, D(1918, 1, 1), "Treaty", today, adopted_only)
    assert "already records what happened on 1918-01-11, after 1918-01-01" in before_plan.message


def test_a_refusal_carries_every_problem() -> None:
    refused = ev.EvacuationRefused([ev.Problem("a", "first"), ev.Problem("b", "second")])
    assert str(refused) == "first; second" and len(refused.problems) == 2
    assert isinstance(refused, ValueError)
