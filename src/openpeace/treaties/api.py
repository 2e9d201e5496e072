"""The treaties' JSON API: the public register, a treaty with its findings, search.

Read-only: publishing and repudiating are officials' acts (admin and CLI); a secret treaty is
answered exactly like one that does not exist.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from openpeace.api_types import IsoDate, Text
from openpeace.core.search_query import QueryError
from openpeace.diplomacy.api import FindingOut
from openpeace.pagination import MAX_LIMIT, MAX_OFFSET, Page
from openpeace.treaties import selectors
from openpeace.treaties.export import treaty_document
from openpeace.treaties.models import Clause, Treaty
from openpeace.treaties.search import treaty_search
from openpeace.world.api import detailed, filtered, known
from openpeace.world.models import State
from openpeace.world.schemas import ErrorOut, InvalidOut, invalid_body

router = Router(tags=["treaties"])

if TYPE_CHECKING:
    ClauseType = str
else:  # an enum in the schema, made from the model's choices
    ClauseType = Literal[tuple(Clause.Types.values)]
PublicStatus = Literal["published", "repudiated"]


class TreatyFiltersIn(Schema):
    party: Text | None = Field(None, description="a party's state key")
    signed_from: IsoDate | None = Field(None, description="signed on or after this date")
    signed_to: IsoDate | None = Field(None, description="signed on or before this date")
    status: PublicStatus | None = None
    clause_type: ClauseType | None = Field(None, description="has a clause of this type")
    flagged: bool | None = Field(None, description="has (or has not) a promise of annexation")

    def filters(self) -> selectors.TreatyFilters:
        return selectors.TreatyFilters(**self.dict())

    def applicable(self) -> selectors.TreatyFilters:
        """The filters, or a 422 at `signed_to` when the dates cannot be applied (as the pages
        refuse them: `TreatyFilters.range_refused`)."""
        filters = self.filters()
        if refused := filters.range_refused():
            raise ValidationError([{"loc": ("query", "signed_to"), "msg": refused}])
        return filters


class TreatyOut(Schema):
    key: str
    title: str
    short_name: str
    signed: list[str] = Field(alias="signed_dates")
    place: str
    parties: list[str]
    status: str
    flagged: bool = Field(description="a clause promises an annexation")

    @staticmethod
    def resolve_parties(obj: Treaty) -> list[str]:
        return sorted(p.key for p in obj.parties.all())

    @staticmethod
    def resolve_flagged(obj: Treaty) -> bool:
        return bool(obj.has_flag)  # type: ignore[attr-defined]


class TextOut(Schema):
    language: str
    revision: int
    title: str
    text: str
    source: str
    sha256: str
    current: bool
    reason: str
    log_index: int | None


class ClauseOut(Schema):
    id: str
    type: str
    description: str
    territory: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    kind: str | None
    nationalities: list[str]
    flagged: bool
    findings: list[FindingOut]


class RepudiationOut(Schema):
    on: dt.date
    by: str | None
    statement: str
    log_index: int | None


class TreatyDetailOut(Schema):
    key: str
    title: str
    short_name: str
    signed: list[str]
    place: str
    parties: list[str]
    languages: list[str]
    sources: list[dict[str, str]]
    status: str
    published_at: dt.datetime | None
    publication_log_index: int | None
    repudiation: RepudiationOut | None
    texts: list[TextOut] = Field(description="every revision of every text, newest first")
    clauses: list[ClauseOut]


class HitOut(Schema):
    treaty: str
    short_name: str
    status: str
    language: str
    title: str
    clause: str | None = Field(description="the clause matched, or null for a treaty text")
    snippet: str = Field(alias="plain")
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) of each matched word in the snippet"
    )
    rank: float


@router.get("/treaties", response=filtered(TreatyOut))
@paginate(Page)
def treaty_list(request: HttpRequest, filters: Query[TreatyFiltersIn]) -> QuerySet[Treaty]:
    """The public register: published and repudiated treaties, oldest first."""
    known(("party", filters.party, State.objects.all(), "key"))
    return selectors.treaty_list_public(filters.applicable())


class SearchIn(TreatyFiltersIn):
    q: Text = Field(description='words, "phrases", OR, -exclusions, prefix*, (groups)')
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def filters(self) -> selectors.TreatyFilters:
        return selectors.TreatyFilters(**self.dict(exclude={"q", "limit", "offset"}))


@router.get("/treaties/search", response={200: list[HitOut], 404: ErrorOut, 422: InvalidOut})
def treaty_search_api(request: HttpRequest, params: Query[SearchIn]) -> Any:
    """Full-text search over treaty texts (every language) and clause descriptions, best first;
    a query that cannot be searched gets a 422 saying why."""
    q = params.q
    known(("party", params.party, State.objects.all(), "key"))
    try:
        return treaty_search(q, params.applicable(), limit=params.limit, offset=params.offset)
    except QueryError as error:
        return Status(422, invalid_body([("query.q", str(error))]))


@router.get("/treaties/{key}", response=detailed(TreatyDetailOut), by_alias=True)
def treaty_get(request: HttpRequest, key: Text) -> dict[str, Any]:
    try:
        treaty = selectors.treaty_get_public(key)
    except Treaty.DoesNotExist:
        raise HttpError(404, f"no published treaty with key {key!r}") from None
    return treaty_document(treaty, revisions=True)
