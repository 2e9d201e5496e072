"""Evacuation plans as files (format `openpeace-evacuation/1`, docs/evacuation-format.md): how the
1917 default ships the plan of the Decree on Turkish Armenia, and how a foreign office brings in
its own.

An import is all or nothing: the whole file is checked first (its characters, the schema, then
every key against the register, then every rule a plan must keep, its texts judged as public
texts by `evacuation.plan_problems`), every problem reported at its path; only a file
without problems is written, in one transaction, each plan adopted through
`evacuation.plan_adopt` with its log entry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpeace.core.documents import (
    DocumentError,
    Problem,
    character_problems,
    schema_problems,
)
from openpeace.core.situation_file import parse_text
from openpeace.world.evacuation import StageDraft, plan_adopt, plan_problems
from openpeace.world.models import EvacuationPlan, Occupation

DEFAULT_1917 = Path(__file__).parents[1] / "situations" / "1917-11-evacuation.yaml"


class EvacuationFileError(DocumentError):
    """An evacuation file that cannot be imported; nothing was written."""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _stages(plan: dict[str, Any]) -> list[StageDraft]:
    return [
        StageDraft(territory=s["territory"], units=s["units"],
                   deadline=_date(s["deadline"]) or dt.date.min, area=s.get("area", ""))
        for s in plan["stages"]
    ]


def _occupations() -> dict[tuple[str, str], Occupation]:
    return {
        (o.territory.key, o.occupier.key): o
        for o in Occupation.objects.select_related("territory", "occupier")
    }


def _act_problems(at: str, act: dict[str, Any], known: dict[tuple[str, str], Occupation],
                  seen: set[tuple[str, str]], recorded_on: dt.date) -> list[Problem]:
    adopted_on = _date(act["adopted_on"])
    problems = [] if adopted_on else [
        Problem(f"{at}.adopted_on", f"{act['adopted_on']!r} is not a date")
    ]
    for s, stage in ((f"{at}.plans[{i}].stages[{j}]", stage)
                     for i, plan in enumerate(act["plans"])
                     for j, stage in enumerate(plan["stages"])):
        if _date(stage["deadline"]) is None:
            problems.append(Problem(f"{s}.deadline", f"{stage['deadline']!r} is not a date"))
    if problems:
        return problems
    assert adopted_on is not None
    for i, plan in enumerate(act["plans"]):
        here = f"{at}.plans[{i}]"
        pair = (plan["occupation"]["territory"], plan["occupation"]["occupier"])
        occupation = known.get(pair)
        if occupation is None:
            problems.append(Problem(f"{here}.occupation", (
                f"the register has no occupation of {pair[0]!r} by {pair[1]!r}"
            )))
            continue
        if pair in seen:
            problems.append(Problem(f"{here}.occupation", (
                f"a second plan for the occupation of {pair[0]!r} by {pair[1]!r}: there is one "
                "plan per occupation"
            )))
        seen.add(pair)
        for problem in plan_problems(
            occupation=occupation, title=plan["title"], act=act["act"], adopted_on=adopted_on,
            stages=_stages(plan), sources=act["sources"], provisions=act.get("provisions", ""),
            note=act.get("note", ""), recorded_on=recorded_on,
        ):
            # The act's fields are the act's; the rest belongs to the plan.
            shared = problem.path.split("[")[0].split(".")[0] in {
                "act", "adopted_on", "provisions", "note", "sources"
            }
            problems.append(Problem(f"{at if shared else here}.{problem.path}", problem.message))
    return problems


def evacuation_problems(document: object, recorded_on: dt.date) -> list[Problem]:
    """Every problem of an evacuation document, each at its path, if it were imported on the
    day `recorded_on`. Its characters are judged first (`documents.character_problems`): the
    schema's validator cannot read a lone surrogate."""
    problems = character_problems(document, "an evacuation file") or list(
        schema_problems(document, "openpeace.world", "evacuation.schema.json"))
    if problems:
        return problems
    assert isinstance(document, dict)
    known = _occupations()
    seen: set[tuple[str, str]] = set()
    for i, act in enumerate(document["acts"]):
        problems += _act_problems(f"acts[{i}]", act, known, seen, recorded_on)
    return list(dict.fromkeys(problems))  # an act's problem is found once per plan


def evacuation_read(path: Path, recorded_on: dt.date) -> dict[str, Any]:
    """Read and check an evacuation file; raise `EvacuationFileError` with every problem."""
    try:
        document = parse_text(path.read_text(encoding="utf-8"), is_json=path.suffix == ".json",
                              origin=str(path), error=EvacuationFileError)
    except (OSError, UnicodeDecodeError) as error:
        raise EvacuationFileError([Problem("(document)", str(error))], str(path)) from None
    problems = evacuation_problems(document, recorded_on)
    if problems:
        raise EvacuationFileError(problems, str(path))
    assert isinstance(document, dict)
    return document


@transaction.atomic
def evacuation_import(path: Path, *, at: dt.datetime | None = None) -> list[EvacuationPlan]:
    """Adopt every plan of the file (each with its log entry, recorded at `at`), or none."""
    at = at or timezone.now()
    document = evacuation_read(path, timezone.localdate(at))
    known = _occupations()
    adopted = []
    for act in document["acts"]:
        for plan in act["plans"]:
            occupation = known[(plan["occupation"]["territory"], plan["occupation"]["occupier"])]
            adopted.append(plan_adopt(
                occupation=occupation, title=plan["title"], act=act["act"],
                adopted_on=dt.date.fromisoformat(act["adopted_on"]), stages=_stages(plan),
                sources=act["sources"], provisions=act.get("provisions", ""),
                note=act.get("note", ""), at=at,
            ))
    return adopted
