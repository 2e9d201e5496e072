"""The self-determination API: the nationalities' decisions and the coverage report."""

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from openpeace.api_types import Text
from openpeace.core import coverage as cov
from openpeace.pagination import Page
from openpeace.selfdetermination import selectors
from openpeace.selfdetermination.models import Decision
from openpeace.world.api import listed

router = Router(tags=["self-determination"])


class OccupationRef(Schema):
    territory: str
    occupier: str
    since: dt.date


class DecisionOut(Schema):
    nationality: str
    choice: Literal["separate_state", "join"]
    joins: str | None
    via: Literal["plebiscite", "declaration"]
    taken_on: dt.date
    recognised_on: dt.date | None
    recognised_by: str | None
    source: str
    source_url: str
    free: bool = Field(description="false when taken under a foreign occupation: then it does "
                                   "not bind the terms")
    under_occupation: OccupationRef | None
    log_index: int | None

    @staticmethod
    def resolve_nationality(obj: Decision) -> str:
        return obj.nationality.key

    @staticmethod
    def resolve_joins(obj: Decision) -> str | None:
        return obj.joins.key if obj.joins else None

    @staticmethod
    def resolve_recognised_by(obj: Decision) -> str | None:
        return obj.recognised_by.key if obj.recognised_by else None

    @staticmethod
    def resolve_under_occupation(obj: Decision) -> dict[str, object] | None:
        o = obj.under_occupation
        if o is None:
            return None
        return {"territory": o.territory.key, "occupier": o.occupier.key, "since": o.since}

    @staticmethod
    def resolve_log_index(obj: Decision) -> int | None:
        return obj.entry.index


class DecisionFiltersIn(Schema):
    nationality: Text | None = Field(None, description="a nationality's key")
    free: bool | None = Field(None, description="only free (or only not free) decisions")


@router.get("/decisions", response=listed(DecisionOut))
@paginate(Page)
def decision_list(request: HttpRequest, filters: Query[DecisionFiltersIn]) -> QuerySet[Decision]:
    decisions = selectors.decisions_public()
    if filters.nationality:
        decisions = decisions.filter(nationality__key=filters.nationality)
    if filters.free is not None:
        decisions = decisions.filter(under_occupation__isnull=filters.free)
    return decisions


Standing = Literal["metropolitan", "colonial"]
Given = Literal["decided", "decided_not_free", "not_given"]


class TotalOut(Schema):
    standing: Standing
    given: Given
    count: int


class DecisionFactOut(Schema):
    choice: str = Field(description="a state's key, or separate_state")
    via: str
    taken_on: dt.date
    free: bool


class CoverageRowOut(Schema):
    nationality: str
    name: str
    standing: Standing
    ruled_by: list[str]
    given: Given
    decision: DecisionFactOut | None
    pending: list[str]


class GroupOut(Schema):
    state: str
    nationalities: list[str]
    totals: list[TotalOut]


class CoverageOut(Schema):
    totals: list[TotalOut]
    groups: list[GroupOut]
    nationalities: list[CoverageRowOut]


def _totals(totals: dict[tuple[str, str], int]) -> list[dict[str, object]]:
    return [{"standing": s, "given": g, "count": n} for (s, g), n in totals.items()]


@router.get("/coverage", response=CoverageOut)
def coverage(request: HttpRequest) -> dict[str, object]:
    """Every nationality of the register, metropolitan and colonial, each exactly once, with
    whether it has been given its choice; grouped and totalled per ruling state and standing."""
    report = selectors.coverage_report()
    return {
        "totals": _totals(dict(report.totals)),
        "groups": [
            {"state": g.state, "nationalities": [r.nationality.key for r in g.rows],
             "totals": _totals(dict(g.totals))}
            for g in report.groups
        ],
        "nationalities": [_row(r) for r in report.rows],
    }


def _row(row: cov.Row) -> dict[str, object]:
    n, d = row.nationality, row.decision
    return {
        "nationality": n.key, "name": n.name, "standing": n.standing,
        "ruled_by": list(n.ruled_by), "given": row.given, "pending": list(row.pending),
        "decision": None if d is None else {
            "choice": d.choice, "via": d.via, "taken_on": d.taken_on, "free": d.free},
    }
