"""The API's view of the register (django-ninja schemas, hence the OpenAPI schema)."""


import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from ninja import Field, Schema

from openpeace.core import evacuation
from openpeace.world import models as m


def _keys(related: Any) -> list[str]:
    return [x.key for x in related.all()]


class RowsByKeys(Schema):
    """A base for schemas whose `state` or `language` names a related row: by the state's key
    and the language's BCP 47 tag, as every schema names rows. A resolver runs only for a
    field its schema has, so a schema with one of the two inherits nothing it does not use."""

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(obj.state.key)

    @staticmethod
    def resolve_language(obj: Any) -> str:
        return str(obj.language.tag)


class SourcedOut(Schema):
    """A fact of the register, with the keys of the sources it rests on."""

    sources: list[str]

    @staticmethod
    def resolve_sources(obj: m.Sourced) -> list[str]:
        return _keys(obj.sources)


class SourceOut(Schema):
    key: str
    title: str
    url: str
    language: str = Field(description="the BCP 47 tag of the language its title is in")

    @staticmethod
    def resolve_language(obj: m.Source) -> str:
        return obj.language or "en"  # the register leaves it blank for English


class LanguageOut(Schema):
    tag: str
    name: str
    endonym: str
    direction: Literal["ltr", "rtl"]


class SideOut(Schema):
    key: str
    name: str


class GovernmentOut(Schema):
    state: str
    name: str
    head: str
    seat: str

    @staticmethod
    def resolve_state(obj: m.Government) -> str:
        return obj.state.key


class PeopleOut(Schema):
    key: str
    name: str
    state: str
    languages: list[str]

    @staticmethod
    def resolve_state(obj: m.People) -> str:
        return obj.state.key

    @staticmethod
    def resolve_languages(obj: m.People) -> list[str]:
        return [x.tag for x in obj.languages.all()]


class StateOut(SourcedOut):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    side: str | None
    entered_war: dt.date | None
    government: GovernmentOut
    peoples: list[PeopleOut]
    geometry: dict[str, Any] | None

    @staticmethod
    def resolve_endonym_language(obj: m.State) -> str | None:
        return obj.endonym_language.tag if obj.endonym_language else None

    @staticmethod
    def resolve_side(obj: m.State) -> str | None:
        return obj.side.key if obj.side else None

    @staticmethod
    def resolve_peoples(obj: m.State) -> list[m.People]:
        return list(obj.peoples.all())


class TerritoryOut(SourcedOut):
    key: str
    name: str
    held_by: str
    occupied_by: list[str]
    geometry: dict[str, Any] | None

    @staticmethod
    def resolve_held_by(obj: m.Territory) -> str:
        return obj.held_by.key

    @staticmethod
    def resolve_occupied_by(obj: m.Territory) -> list[str]:
        return [o.occupier.key for o in obj.occupations.all()]


class NationalityOut(SourcedOut):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    languages: list[str]
    standing: Literal["metropolitan", "colonial"]
    ruled_by: list[str]
    territories: list[str]

    @staticmethod
    def resolve_endonym_language(obj: m.Nationality) -> str | None:
        return obj.endonym_language.tag if obj.endonym_language else None

    @staticmethod
    def resolve_languages(obj: m.Nationality) -> list[str]:
        return [x.tag for x in obj.languages.all()]

    @staticmethod
    def resolve_ruled_by(obj: m.Nationality) -> list[str]:
        return _keys(obj.ruled_by)

    @staticmethod
    def resolve_territories(obj: m.Nationality) -> list[str]:
        return _keys(obj.territories)


class BelligerencyOut(SourcedOut):
    id: int
    state: str
    opponent: str
    since: dt.date

    @staticmethod
    def resolve_state(obj: m.Belligerency) -> str:
        return obj.state.key

    @staticmethod
    def resolve_opponent(obj: m.Belligerency) -> str:
        return obj.opponent.key


class OccupationOut(SourcedOut):
    id: int
    territory: str
    occupier: str
    since: dt.date
    ended_on: dt.date | None = Field(
        description="the day the army was gone (its evacuation completed, or a recorded act)"
    )

    @staticmethod
    def resolve_territory(obj: m.Occupation) -> str:
        return obj.territory.key

    @staticmethod
    def resolve_occupier(obj: m.Occupation) -> str:
        return obj.occupier.key


class SituationOut(Schema):
    key: str
    title: str
    description: str
    as_of: dt.date
    proposing_state: str

    @staticmethod
    def resolve_proposing_state(obj: m.SituationRecord) -> str:
        return obj.proposing_state.key


class LogRefOut(Schema):
    """Where an act is in the transparency log: its entry and its proof of inclusion (null until
    the entry is integrated, which takes a moment)."""

    index: int | None
    entry: str | None = Field(description="the entry's page, /log/entries/<index>")
    proof: str | None = Field(description="its proof, /log/entries/<index>.tlog-proof")


class SourceRefOut(Schema):
    title: str
    url: str | None = None


class StageOut(Schema):
    number: int
    territory: str
    area: str
    units: str
    deadline: dt.date = Field(description="the last day to complete it")
    state: evacuation.StageState = Field(
        description="on the day asked for: not_adopted, pending, overdue, completed, "
        "completed_late, or overtaken (the occupation ended before it was completed)"
    )
    days: int = Field(description="days left (pending), past the deadline (overdue), or late "
                                  "(completed_late); else 0")
    overdue: bool
    completed_on: dt.date | None
    completion_note: str
    completion_source: str
    completion_source_url: str
    log: LogRefOut | None = Field(description="the completion's log entry")


class ReportOut(Schema):
    on: dt.date
    stage: int | None = Field(description="the stage reported on, or null for the whole plan")
    text: str
    source: str
    source_url: str
    log: LogRefOut


class PlanOut(Schema):
    title: str
    act: str = Field(description="the act that adopted it")
    adopted_on: dt.date
    provisions: str
    note: str = Field(description="openpeace's note: what is not in the act")
    sources: list[SourceRefOut]
    state: evacuation.PlanState
    stages_completed: int
    stages_overdue: int
    stages: list[StageOut]
    reports: list[ReportOut] = Field(description="dated up to the day asked for, oldest first")
    log: LogRefOut = Field(description="the adoption's log entry")


class OccupationEndOut(Schema):
    on: dt.date = Field(description="the day the army was gone")
    by: Literal["evacuation", "act"]
    act: str
    source: str
    source_url: str
    log: LogRefOut


class EvacuationOut(Schema):
    """An occupation and its evacuation as they stood on a day: what was done after it is left
    out (a later completion, report or end)."""

    occupation: int = Field(description="the occupation's id")
    territory: str
    occupier: str
    since: dt.date
    on: dt.date = Field(description="the day this answer is for")
    state: Literal["not_begun", "in_force", "ended"]
    end: OccupationEndOut | None
    plan: PlanOut | None


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    location: str
    message: str


def invalid_body(problems: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The body of every 422 the API answers (`InvalidOut`): each problem's location and
    message, and a one-line summary of them all."""
    listed = [{"location": location, "message": message} for location, message in problems]
    summary = "; ".join(f"{p['location']}: {p['message']}" for p in listed)
    return {"detail": f"invalid request: {summary}", "problems": listed}


def refused_body(refused: Exception) -> dict[str, Any]:
    """The 422 body (`invalid_body`) of an act a service refused: at `body.payload.<field>`
    when the refusal names the input at fault (`openpeace.refusals.Refused.field`, or any
    refusal with a `field`), as the officials' forms show it at that field; else at the body,
    which is wrong as a whole. Every write operation answers its refusals through this, so a
    client finds them where it finds the schema's own 422s."""
    field = getattr(refused, "field", None)
    return invalid_body([(f"body.payload.{field}" if field else "body.payload", str(refused))])


class InvalidOut(Schema):
    """A 422 answer: a one-line summary, and each bad parameter with what is wrong with it."""

    detail: str
    problems: list[ProblemOut]
