"""Evacuation as public acts: adopting a plan, reporting progress, completing stages, ending an
occupation. Each is one transaction with its log entry; the rules are the core's
(`core.evacuation`), and a refusal (`EvacuationRefused`, every reason at its place) changes
nothing and logs nothing.

Completing the last stage completes the plan and ends the occupation on the last completion
day, in the same transaction, with its own entry (`occupation.ended`). An occupation can also
end by another act recorded with its date (`occupation_end`): then its plan, if it has one, is
closed without being completed.

Every service takes `at` (when the act is recorded; default now), so that history can be played
with its own dates: nothing may be dated after the day it is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpeace.core import evacuation as rules
from openpeace.core.documents import Problem
from openpeace.core.evacuation import EvacuationRefused, StageDraft
from openpeace.core.sources import language_problem, url_problem
from openpeace.core.text import text_problem
from openpeace.log.services import entry_append
from openpeace.world.models import (
    EvacuationPlan,
    EvacuationReport,
    EvacuationStage,
    Occupation,
    OccupationEnd,
)
from openpeace.world.selectors import evacuation_calendar

__all__ = [
    "EvacuationRefused", "StageDraft", "occupation_end", "plan_adopt", "plan_problems",
    "report_record", "stage_complete",
]

TITLE_MAX, ACT_MAX, AREA_MAX, SOURCE_MAX = 300, 500, 300, 500
TEXT_MAX = 20_000


def _sized(at: str, value: object, *, limit: int, what: str = "") -> list[Problem]:
    """A text field as the database can take it: a string, not too long. (The texts the core's
    rules require, it judges as public texts itself.)"""
    if not isinstance(value, str):
        return [Problem(at, f"{what or at} must be text")]
    if len(value) > limit:
        return [Problem(at, f"{what or at} is longer than {limit} characters")]
    return []


def _text(at: str, value: object, *, limit: int, required: bool = False,
          what: str = "") -> list[Problem]:
    """A text field the database can take, and a public text (`core.text`); one not `required`
    may be empty."""
    problems = _sized(at, value, limit=limit, what=what)
    if isinstance(value, str) and (
            problem := text_problem(value, what or at, required=required)):
        problems.append(Problem(at, problem))
    return problems


def _url(at: str, value: object) -> list[Problem]:
    """A source's address, if one is given: text, and one a reader can follow
    (`core.sources.url_problem`, the check of every source URL, within the column)."""
    if not isinstance(value, str):
        return [Problem(at, "a source's address must be text")]
    problem = url_problem(value, "a source's address", limit=SOURCE_MAX)
    return [Problem(at, problem)] if problem else []


def _source_problems(at: str, source: str, source_url: str) -> list[Problem]:
    return [*_text(at, source, limit=SOURCE_MAX, what="the source"),
            *_url(f"{at}_url", source_url)]


def _refuse_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise EvacuationRefused(problems)


def _recorded(at: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    moment = at or timezone.now()
    return moment, timezone.localdate(moment)


def _occupation_ref(occupation: Occupation) -> dict[str, str]:
    return {"territory": occupation.territory.key, "occupier": occupation.occupier.key,
            "since": occupation.since.isoformat()}


def _subject(occupation: Occupation) -> str:
    return f"occupation:{occupation.territory.key}:{occupation.occupier.key}"


def _locked(occupation: Occupation) -> Occupation:
    """The occupation, locked for the act: two acts on one occupation never interleave."""
    return (
        Occupation.objects.select_for_update(of=("self",))
        .select_related("territory", "occupier")
        .get(pk=occupation.pk)
    )


def _facts(occupation: Occupation) -> rules.Occupation:
    return rules.Occupation(
        occupation.territory.key, occupation.since, occupation.ended_on,
        EvacuationPlan.objects.filter(occupation=occupation).exists(),
    )


def plan_problems(
    *, occupation: Occupation, title: str, act: str, adopted_on: dt.date,
    stages: Sequence[StageDraft], sources: Sequence[dict[str, str]], provisions: str,
    note: str, recorded_on: dt.date,
) -> list[Problem]:
    """Every reason the plan cannot be adopted, each at its place (none: it can)."""
    problems = [
        *_text("title", title, limit=TITLE_MAX, required=True, what="the plan's title"),
        *_text("act", act, limit=ACT_MAX, required=True, what="the adopting act"),
        *_text("provisions", provisions, limit=TEXT_MAX, what="the provisions"),
        *_text("note", note, limit=TEXT_MAX, what="the note"),
    ]
    if not sources:
        problems.append(Problem("sources", "a plan cites at least one source"))
    for i, source in enumerate(sources):
        problems += _text(f"sources[{i}].title", source.get("title", ""), limit=SOURCE_MAX,
                          required=True, what="a source's title")
        problems += _url(f"sources[{i}].url", source.get("url", ""))
        if problem := language_problem(source.get("language")):
            problems.append(Problem(f"sources[{i}].language", f"a source's language: {problem}"))
    for i, stage in enumerate(stages):
        problems += _text(f"stages[{i}].area", stage.area, limit=AREA_MAX, what="the area")
        problems += _sized(f"stages[{i}].units", stage.units, limit=TEXT_MAX, what="the units")
    return problems + rules.adoption_problems(_facts(occupation), adopted_on, stages, recorded_on)


@transaction.atomic
def plan_adopt(
    *, occupation: Occupation, title: str, act: str, adopted_on: dt.date,
    stages: Sequence[StageDraft], sources: Sequence[dict[str, str]], provisions: str = "",
    note: str = "", at: dt.datetime | None = None,
) -> EvacuationPlan:
    """Adopt the evacuation plan of `occupation`, with its stages (numbered 1, 2, ... in order);
    `sources` are `{"title": ..., "url": ..., "language": ...}` (url and language optional), at
    least one."""
    occupation = _locked(occupation)
    at, recorded_on = _recorded(at)
    _refuse_if(plan_problems(
        occupation=occupation, title=title, act=act, adopted_on=adopted_on, stages=stages,
        sources=sources, provisions=provisions, note=note, recorded_on=recorded_on,
    ))
    territory = occupation.territory  # every stage's, as the rules checked
    entry = entry_append(
        kind="evacuation.plan_adopted", subject=_subject(occupation), at=at,
        content={
            "occupation": _occupation_ref(occupation), "title": title, "act": act,
            "adopted_on": adopted_on.isoformat(), "provisions": provisions, "note": note,
            "sources": [dict(s) for s in sources],
            "stages": [
                {"number": n, "territory": s.territory, "area": s.area, "units": s.units,
                 "deadline": s.deadline.isoformat()}
                for n, s in enumerate(stages, start=1)
            ],
        },
    )
    plan = EvacuationPlan.objects.create(
        occupation=occupation, title=title, act=act, adopted_on=adopted_on,
        provisions=provisions, note=note, sources=[dict(s) for s in sources], entry=entry,
    )
    EvacuationStage.objects.bulk_create(
        EvacuationStage(plan=plan, number=n, territory=territory, area=s.area, units=s.units,
                        deadline=s.deadline)
        for n, s in enumerate(stages, start=1)
    )
    return plan


def _plan_of(occupation: Occupation) -> EvacuationPlan:
    try:
        return EvacuationPlan.objects.get(occupation=occupation)
    except EvacuationPlan.DoesNotExist:
        raise EvacuationRefused(
            [Problem("plan", "this occupation has no evacuation plan")]
        ) from None


def _stage_index(plan: EvacuationPlan, stage: EvacuationStage | None) -> int | None:
    if stage is None:
        return None
    if stage.plan_id != plan.pk:
        raise EvacuationRefused([Problem("stage", f"{stage} is not a stage of {plan}")])
    return stage.number - 1


@transaction.atomic
def report_record(
    *, plan: EvacuationPlan, on: dt.date, text: str, stage: EvacuationStage | None = None,
    source: str = "", source_url: str = "", at: dt.datetime | None = None,
) -> EvacuationReport:
    """Record a progress report on `plan` (or on one of its stages)."""
    occupation = _locked(plan.occupation)
    plan = _plan_of(occupation)
    at, recorded_on = _recorded(at)
    index = _stage_index(plan, stage)
    problems = [*_sized("text", text, limit=TEXT_MAX, what="the report"),
                *_source_problems("source", source, source_url)]
    problems += rules.report_problems(evacuation_calendar(plan), on, text, recorded_on, index)
    _refuse_if(problems)
    entry = entry_append(
        kind="evacuation.progress_reported", subject=_subject(occupation), at=at,
        content={"occupation": _occupation_ref(occupation), "on": on.isoformat(),
                 "stage": None if stage is None else stage.number, "text": text,
                 "source": source, "source_url": source_url},
    )
    return EvacuationReport.objects.create(
        plan=plan, stage=stage, on=on, text=text, source=source, source_url=source_url,
        entry=entry,
    )


@transaction.atomic
def stage_complete(
    *, stage: EvacuationStage, on: dt.date, note: str, source: str = "",
    source_url: str = "", at: dt.datetime | None = None,
) -> EvacuationStage:
    """Complete a stage on `on`. If it was the last, the plan is completed and the occupation
    ends on the last completion day, in this same transaction (entry `occupation.ended`)."""
    occupation = _locked(stage.plan.occupation)
    plan = _plan_of(occupation)
    at, recorded_on = _recorded(at)
    index = _stage_index(plan, stage)
    assert index is not None
    calendar = evacuation_calendar(plan)
    problems = [*_sized("note", note, limit=TEXT_MAX, what="the note"),
                *_source_problems("source", source, source_url)]
    problems += rules.completion_problems(calendar, index, on, note, recorded_on, occupation.since)
    _refuse_if(problems)
    stage = EvacuationStage.objects.get(pk=stage.pk)
    entry = entry_append(
        kind="evacuation.stage_completed", subject=_subject(occupation), at=at,
        content={"occupation": _occupation_ref(occupation), "stage": stage.number,
                 "area": stage.area, "units": stage.units,
                 "deadline": stage.deadline.isoformat(), "on": on.isoformat(),
                 "days_late": max(0, (on - stage.deadline).days), "note": note,
                 "source": source, "source_url": source_url},
    )
    stage.completed_on, stage.completion_note, stage.completion_entry = on, note, entry
    stage.completion_source, stage.completion_source_url = source, source_url
    stage.save()
    ends_on = rules.completes_plan(calendar, index, on)
    if ends_on is not None:
        _end(occupation, on=ends_on, by=OccupationEnd.By.EVACUATION,
             act=f"its evacuation plan was completed: {plan.title} (the last stage on {ends_on})",
             source=source, source_url=source_url, at=at,
             plan={"title": plan.title, "completed_on": ends_on.isoformat()})
    return stage


def _end(occupation: Occupation, *, on: dt.date, by: str, act: str, source: str,
         source_url: str, at: dt.datetime, plan: dict[str, Any] | None) -> OccupationEnd:
    entry = entry_append(
        kind="occupation.ended", subject=_subject(occupation), at=at,
        content={"occupation": _occupation_ref(occupation), "on": on.isoformat(), "by": by,
                 "act": act, "source": source, "source_url": source_url, "plan": plan},
    )
    occupation.ended_on = on
    occupation.save(update_fields=["ended_on"])
    return OccupationEnd.objects.create(
        occupation=occupation, on=on, by=by, act=act, source=source, source_url=source_url,
        entry=entry,
    )


@transaction.atomic
def occupation_end(
    *, occupation: Occupation, on: dt.date, act: str, source: str = "", source_url: str = "",
    at: dt.datetime | None = None,
) -> OccupationEnd:
    """End an occupation by a recorded act (not its plan): `on` is the day the army was gone,
    `act` what ended it. Its plan, if it has one, is closed without being completed."""
    occupation = _locked(occupation)
    at, recorded_on = _recorded(at)
    plan = EvacuationPlan.objects.filter(occupation=occupation).first()
    calendar = evacuation_calendar(plan) if plan else None
    reported = list(plan.reports.values_list("on", flat=True)) if plan else []
    problems = [*_sized("act", act, limit=TEXT_MAX, what="the act"),
                *_source_problems("source", source, source_url)]
    problems += rules.end_problems(_facts(occupation), on, act, recorded_on, calendar, reported)
    _refuse_if(problems)
    return _end(occupation, on=on, by=OccupationEnd.By.ACT, act=act, source=source,
                source_url=source_url, at=at,
                plan=None if plan is None else {"title": plan.title, "completed_on": None})

