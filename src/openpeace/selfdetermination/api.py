"""The self-determination API: the nationalities' decisions, the coverage report, and the
demands, which a nationality's commission files with its token."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import field_validator

from openpeace.api_types import Payload, Text
from openpeace.core import coverage as cov
from openpeace.core.languages import is_valid_tag
from openpeace.core.text import text_problem
from openpeace.pagination import Page
from openpeace.selfdetermination import selectors, services
from openpeace.selfdetermination.models import Commission, Decision, Demand, DemandStep
from openpeace.world.api import detailed, found, listed, written
from openpeace.world.schemas import ErrorOut, InvalidOut, refused_body

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


def _totals(totals: Iterable[tuple[tuple[str, str], int]]) -> list[dict[str, object]]:
    return [{"standing": s, "given": g, "count": n} for (s, g), n in totals]


@router.get("/coverage", response=CoverageOut)
def coverage(request: HttpRequest) -> dict[str, object]:
    """Every nationality of the register, metropolitan and colonial, each exactly once, with
    whether it has been given its choice; grouped and totalled per ruling state and standing."""
    report = selectors.coverage_report()
    return {
        "totals": _totals(report.totals.items()),
        "groups": [
            {"state": g.state, "nationalities": [r.nationality.key for r in g.rows],
             "totals": _totals(g.totals.items())}
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


# Demands -------------------------------------------------------------------------------------

DemandKind = Literal["autonomy", "language_rights", "land", "release_of_prisoners", "secession",
                     "recognition_of_declaration", "other"]
DemandStatus = Literal["filed", "acknowledged", "in_progress", "satisfied", "refused"]


class DemandSourceOut(Schema):
    title: str
    url: str


class StepOut(Schema):
    status: DemandStatus
    at: dt.datetime
    note: str
    sources: list[DemandSourceOut]
    log_index: int | None

    @staticmethod
    def resolve_log_index(obj: DemandStep) -> int | None:
        return obj.entry.index


class SatisfyingDecisionOut(Schema):
    choice: str = Field(description="a state's key, or separate_state")
    via: Literal["plebiscite", "declaration"]
    taken_on: dt.date
    log_index: int | None


class SatisfiedByOut(Schema):
    decision: SatisfyingDecisionOut | None = Field(
        description="the nationality's decision that satisfied it")
    log_index: int | None = Field(
        description="the log entry of the act that satisfied it (the decision's, if a decision)")


class DemandOut(Schema):
    id: int
    nationality: str
    commission: str = Field(description="the body that filed it")
    kind: DemandKind
    text: str
    acts_asked: str
    language: str = Field(description="BCP 47 tag of the text and the acts asked")
    direction: Literal["ltr", "rtl"] = Field(description="how they are written")
    status: DemandStatus
    filed_at: dt.datetime
    sources: list[DemandSourceOut]
    refusal_reasons: str | None = Field(description="published with a refusal")
    satisfied_by: SatisfiedByOut | None
    steps: list[StepOut] = Field(description="every step, the filing first, each a log entry")

    @staticmethod
    def resolve_nationality(obj: Demand) -> str:
        return obj.nationality.key

    @staticmethod
    def resolve_commission(obj: Demand) -> str:
        return obj.commission.label

    @staticmethod
    def resolve_refusal_reasons(obj: Demand) -> str | None:
        return obj.refusal_reasons or None

    @staticmethod
    def resolve_satisfied_by(obj: Demand) -> dict[str, object] | None:
        decision, entry = obj.satisfied_by_decision, obj.satisfied_by_entry
        if decision is not None:
            return {"log_index": decision.entry.index, "decision": {
                "choice": decision.destination, "via": decision.via,
                "taken_on": decision.taken_on, "log_index": decision.entry.index}}
        if entry is not None:
            return {"log_index": entry.index, "decision": None}
        return None

    @staticmethod
    def resolve_steps(obj: Demand) -> list[DemandStep]:
        return list(obj.steps.all())


class DemandFiltersIn(Schema):
    nationality: Text | None = Field(None, description="a nationality's key")
    status: DemandStatus | None = None
    kind: DemandKind | None = None


@router.get("/demands", response=listed(DemandOut))
@paginate(Page)
def demand_list(request: HttpRequest, filters: Query[DemandFiltersIn]) -> QuerySet[Demand]:
    """Every demand of every nationality, oldest first, with each of its steps."""
    demands = selectors.demands_public()
    if filters.nationality:
        demands = demands.filter(nationality__key=filters.nationality)
    if filters.status:
        demands = demands.filter(status=filters.status)
    if filters.kind:
        demands = demands.filter(kind=filters.kind)
    return demands


@router.get("/demands/{demand_id}", response=detailed(DemandOut))
def demand_get(request: HttpRequest, demand_id: int) -> Demand:
    return found(selectors.demands_public(), "demand", id=demand_id)


class CommissionToken(HttpBearer):
    """`Authorization: Bearer <token>`: the commission of one nationality, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Commission | None:
        return services.commission_authenticate(token)


class DemandIn(Payload):
    kind: DemandKind
    text: str = Field(min_length=1, max_length=50_000, description="the demand, as filed")
    acts_asked: str = Field(min_length=1, max_length=50_000,
                            description="the acts it asks for")
    language: str = Field("en", min_length=1, max_length=35,
                          description="the BCP 47 tag of the language of the text and the acts "
                                      "asked (default en)")

    @field_validator("text", "acts_asked")
    @classmethod
    def said_something(cls, value: str) -> str:
        if problem := text_problem(value, "it", blank="it is blank: say what is demanded"):
            raise ValueError(problem)
        return value

    @field_validator("language")
    @classmethod
    def a_language_tag(cls, value: str) -> str:
        if not is_valid_tag(value):
            raise ValueError(f"{value[:40]!r} is not a BCP 47 tag: write e.g. uk or fi")
        return value


@router.post(
    "/nationalities/{key}/demands",
    auth=CommissionToken(),
    response=written({201: DemandOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut}),
)
def demand_create(request: HttpRequest, key: Text, payload: DemandIn) -> Status[Any]:
    """A commission files a demand for its own nationality only; the filing is a log entry."""
    commission: Commission = request.auth  # type: ignore[attr-defined]
    if commission.nationality.key != key:
        raise HttpError(
            403, f"this commission files demands for {commission.nationality.key}, not for {key!r}"
        )
    try:
        demand = services.demand_file(
            commission=commission, nationality=commission.nationality, kind=payload.kind,
            text=payload.text, acts_asked=payload.acts_asked, language=payload.language,
        )
    except services.DemandRefused as refused:
        return Status(422, refused_body(refused))
    return Status(201, selectors.demands_public().get(pk=demand.pk))
