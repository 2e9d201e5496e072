"""Demands as files (format `openpeace-demands/1`, docs/demands-format.md): how the 1917 default
ships the Ukrainian and Finnish demands as historical records.

A file is checked in full before anything is done with it: the schema, then every rule the
schema cannot say (the nationality is in the register; the times are real; the steps follow the
demand's lifecycle, `core.demand`, in time order; a refusal gives its reasons; a satisfied step
names its decision, and only a satisfied step does). Every problem is reported at its path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpeace.core import demand as core
from openpeace.core.documents import DocumentError, Problem, character_problems, schema_problems
from openpeace.core.languages import is_valid_tag
from openpeace.core.situation_file import parse_text
from openpeace.core.sources import sources_problems
from openpeace.world.models import Nationality

SCHEMA = ("openpeace.selfdetermination", "demands.schema.json")


class DemandFileError(DocumentError):
    """A demands file that cannot be used; nothing was done with it."""


def when(text: str) -> dt.datetime | None:
    """A file's time (`1917-12-31T23:45:00+03:00`), or None if it is no real, zoned time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _play(demand: core.Demand, step: dict[str, Any], at: dt.datetime) -> core.Demand:
    """The demand after `step`, by the lifecycle's rules. The decision a satisfied step names
    stands in as a free recognised declaration of the nationality: whether it exists, and
    satisfies the demand, is checked when the step is played against the register."""
    status = core.Status(step["status"])
    if status == core.Status.SATISFIED:
        act = core.Decision(demand.nationality, core.SEPARATE_STATE, "declaration", True, at)
        return core.satisfy(demand, act, at)
    if status == core.Status.REFUSED:
        return core.refuse(demand, step["note"], at)
    if status == core.Status.ACKNOWLEDGED:
        return core.acknowledge(demand, at)
    return core.begin(demand, at)


def _demand_problems(at: str, item: dict[str, Any], nationalities: set[str]) -> Iterator[Problem]:
    if item["nationality"] not in nationalities:
        yield Problem(f"{at}.nationality", f"unknown nationality {item['nationality']!r}")
    if "language" in item and not is_valid_tag(item["language"]):
        yield Problem(f"{at}.language", f"{item['language']!r} is not a BCP 47 tag")
    yield from sources_problems(f"{at}.sources", item["sources"])
    for i, step in enumerate(item.get("steps", [])):
        yield from sources_problems(f"{at}.steps[{i}].sources", step["sources"])
    filed_at = when(item["filed_at"])
    if filed_at is None:
        yield Problem(f"{at}.filed_at", f"{item['filed_at']!r} is not a real date and time")
        return
    demand = core.filed(item["nationality"], core.Kind(item["kind"]), filed_at)
    for i, step in enumerate(item.get("steps", [])):
        here = f"{at}.steps[{i}]"
        moment = when(step["at"])
        if moment is None:
            yield Problem(f"{here}.at", f"{step['at']!r} is not a real date and time")
            return
        satisfied = step["status"] == core.Status.SATISFIED
        if ("satisfied_by" in step) != satisfied:
            yield Problem(f"{here}.satisfied_by", "a satisfied step names its decision "
                                                   "(satisfied_by), and only a satisfied step")
            return
        if satisfied and taken_on(step) is None:
            yield Problem(f"{here}.satisfied_by.decision.taken_on",
                          f"{step['satisfied_by']['decision']['taken_on']!r} is not a date")
            return
        if moment < demand.since:
            yield Problem(f"{here}.at", f"{step['at']} is before the step it follows "
                                        f"({demand.since.isoformat()}): list steps in order")
            return
        try:
            demand = _play(demand, step, moment)
        except core.DemandError as refused:  # the schema leaves only a wrong transition
            yield Problem(f"{here}.status", str(refused))
            return


def taken_on(step: dict[str, Any]) -> dt.date | None:
    """The day the decision a satisfied step names was taken, or None if it is no real date."""
    try:
        return dt.date.fromisoformat(step["satisfied_by"]["decision"]["taken_on"])
    except ValueError:
        return None


def demands_problems(document: object) -> list[Problem]:
    """Every problem of a demands document, each at its path. Its characters are judged first
    (`documents.character_problems`): the schema's validator cannot read a lone surrogate."""
    problems = character_problems(document, "a demands file") or list(
        schema_problems(document, *SCHEMA))
    if problems:
        return problems
    assert isinstance(document, dict)
    nationalities = set(Nationality.objects.values_list("key", flat=True))
    for i, item in enumerate(document["demands"]):
        problems.extend(_demand_problems(f"demands[{i}]", item, nationalities))
    return problems


def demands_read(path: Path) -> dict[str, Any]:
    """Read and check a demands file; raise `DemandFileError` with every problem."""
    try:
        document = parse_text(path.read_text(encoding="utf-8"), is_json=path.suffix == ".json",
                              origin=str(path), error=DemandFileError)
    except (OSError, UnicodeDecodeError) as error:
        raise DemandFileError([Problem("(document)", str(error))], str(path)) from None
    problems = demands_problems(document)
    if problems:
        raise DemandFileError(problems, str(path))
    assert isinstance(document, dict)
    return document
