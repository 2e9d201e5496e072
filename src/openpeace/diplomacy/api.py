"""The offers' JSON API: released offers only, each text with the hash its release committed to."""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import field_validator, model_validator

from openpeace.api_types import Payload, Text
from openpeace.core.documents import depth_problem
from openpeace.core.process import Stage
from openpeace.core.process import Status as OfferStatus
from openpeace.diplomacy import selectors, services
from openpeace.diplomacy.armistices import armistice_today
from openpeace.diplomacy.models import (
    Armistice,
    Envoy,
    NegotiationSession,
    Note,
    Offer,
    Proclamation,
    Reply,
)
from openpeace.diplomacy.process import (
    CounterProposalUnreadable,
    ReplyInvalid,
    ReplyRefused,
    reply_record,
)
from openpeace.pagination import Page
from openpeace.world.api import detailed, listed, written
from openpeace.world.schemas import (
    ErrorOut,
    InvalidOut,
    RowsByKeys,
    invalid_body,
    refused_body,
)

router = Router(tags=["diplomacy"])


class NoteOut(RowsByKeys):
    state: str
    language: str
    text: str
    sha256: str

    @staticmethod
    def resolve_sha256(obj: Note) -> str:
        return services.note_sha256(obj)


class ProclamationOut(RowsByKeys):
    people: str
    language: str
    direction: str
    title: str
    text: str
    sha256: str

    @staticmethod
    def resolve_people(obj: Proclamation) -> str:
        return obj.people.key

    @staticmethod
    def resolve_direction(obj: Proclamation) -> str:
        return obj.language.direction

    @staticmethod
    def resolve_sha256(obj: Proclamation) -> str:
        return services.proclamation_sha256(obj)


class OfferOut(Schema):
    key: str
    title: str
    proposing_state: str
    addressees: list[str]
    reply_deadline: dt.datetime
    released_at: dt.datetime
    log_entry: int | None

    @staticmethod
    def resolve_proposing_state(obj: Offer) -> str:
        return obj.proposing_state.key

    @staticmethod
    def resolve_addressees(obj: Offer) -> list[str]:
        return sorted(s.key for s in obj.addressees.all())

    @staticmethod
    def resolve_log_entry(obj: Offer) -> int | None:
        return obj.release_entry.index if obj.release_entry else None


class ProcessOut(RowsByKeys):
    # The core's `Stage`, not `str`: the schema then lists the stages a client must expect,
    # and a stage the core adds appears there without an edit here (so in ReplyOut).
    state: str
    stage: Stage
    since: dt.datetime


class ArmisticeOut(Schema):
    parties: list[str]
    signed_on: dt.date
    effective_on: dt.date
    term: str
    renewal: str
    notice_days: int | None
    demarcation: str
    in_force_today: bool
    expires_on: dt.date | None
    last_day_to_denounce: dt.date | None
    log_entry: int | None

    @staticmethod
    def resolve_parties(obj: Armistice) -> list[str]:
        return sorted(p.key for p in obj.parties.all())

    @staticmethod
    def resolve_term(obj: Armistice) -> str:
        return f"{obj.term_count} {obj.term_unit}"

    @staticmethod
    def resolve_in_force_today(obj: Armistice) -> bool:
        return armistice_today(obj).in_force

    @staticmethod
    def resolve_expires_on(obj: Armistice) -> dt.date | None:
        return armistice_today(obj).expires_on

    @staticmethod
    def resolve_last_day_to_denounce(obj: Armistice) -> dt.date | None:
        return armistice_today(obj).last_day_to_denounce

    @staticmethod
    def resolve_log_entry(obj: Armistice) -> int | None:
        return obj.entry.index


class SessionOut(Schema):
    place: str
    opened_on: dt.date
    closed_on: dt.date | None
    delegations: list[dict[str, object]]
    record: str
    log_entry: int | None

    @staticmethod
    def resolve_delegations(obj: NegotiationSession) -> list[dict[str, object]]:
        """The delegations as recorded. A row written before `session_record` checked their
        shape may hold anything: what is not a delegation is left out here (the log keeps it
        as published), so it cannot take the whole offer's answer down."""
        recorded = obj.delegations if isinstance(obj.delegations, list) else []
        return [d for d in recorded if isinstance(d, dict)]

    @staticmethod
    def resolve_log_entry(obj: NegotiationSession) -> int | None:
        return obj.entry.index


class FindingOut(Schema):
    rule: str
    severity: str
    clause: str
    nationality: str | None
    territory: str | None
    message: str
    quotes: list[str]


class OfferReplyOut(RowsByKeys):
    """A government's reply as the offer's page quotes it."""

    id: int = Field(description="its number: the page's anchor reply-<id>, and its row in "
                    "/data/replies")
    state: str
    reply: str = Field(alias="kind")
    text: str
    language: str = Field(description="the BCP 47 tag of the language the reply is sent in")
    replied_at: dt.datetime
    findings: list[FindingOut] = Field(description="the terms validator's findings on a "
                                       "counter-proposal's terms; none for another reply")
    log_entry: int | None

    @staticmethod
    def resolve_log_entry(obj: Reply) -> int | None:
        return obj.entry.index


class OfferSourceOut(Schema):
    """A source the offer cites, as its file gave it and its release logged it."""

    key: str = Field(description="its key in the offer's file, one per source of the offer: "
                     "the page's anchor source-<key>")
    title: str
    url: str | None = Field(None, description="its address, an http or https URL; none for a "
                            "source with no address (a book)")
    language: str | None = Field(None, description="the BCP 47 tag of the language its title "
                                 "is in, when the file gives one (most sources are English)")


class OfferDetailOut(OfferOut):
    status: OfferStatus
    terms: dict[str, object]
    sources: list[OfferSourceOut] = Field(description="where the offer comes from, published "
                                          "with it and logged in its release entry")
    notes: list[NoteOut]
    proclamations: list[ProclamationOut]
    processes: list[ProcessOut]
    armistices: list[ArmisticeOut]
    sessions: list[SessionOut]
    replies: list[OfferReplyOut]


@router.get("/offers", response=listed(OfferOut))
@paginate(Page)
def offer_list(request: HttpRequest) -> QuerySet[Offer]:
    return selectors.offer_list_public().prefetch_related("addressees")


@router.get("/offers/{key}", response=detailed(OfferDetailOut))
def offer_get(request: HttpRequest, key: Text) -> Offer:
    try:
        return selectors.offer_get_public(key)
    except Offer.DoesNotExist:
        raise HttpError(404, f"no released offer with key {key!r}") from None


class EnvoyToken(HttpBearer):
    """`Authorization: Bearer <token>`: the envoy of one government, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Envoy | None:
        return services.envoy_authenticate(token)


class ReplyIn(Payload):
    reply: Literal["accepts_armistice", "accepts_negotiations", "counter_proposal", "rejects"]
    text: str = Field(min_length=1, max_length=50_000, description="the reply as sent")
    language: str = Field(min_length=1, max_length=35,
                          description="the BCP 47 tag of the language the text is in: any of "
                                      "the register's languages (/api/languages)")
    terms: dict[str, object] | None = Field(None, description="a counter-proposal's terms")

    @field_validator("terms", mode="before")
    @classmethod
    def shallow(cls, terms: object) -> object:
        """Terms nested deeper than any terms document are refused before anything walks them
        (`core.documents.MAX_DEPTH`)."""
        if (problem := depth_problem(terms)) is not None:
            raise ValueError(str(problem))
        return terms

    @model_validator(mode="after")
    def counter_proposals_carry_terms(self) -> "ReplyIn":
        if (self.reply == "counter_proposal") != (self.terms is not None):
            raise ValueError("terms go with a counter_proposal, and only with one")
        return self


class ReplyOut(RowsByKeys):
    offer: str
    state: str
    reply: str
    text: str
    language: str = Field(description="the BCP 47 tag of the language the reply is sent in")
    terms: dict[str, object] | None
    findings: list[FindingOut]
    replied_at: dt.datetime
    stage: Stage
    status: OfferStatus  # the core's, as `stage` is; `Offer.Status` lists the same values

    @staticmethod
    def resolve_offer(obj: Reply) -> str:
        return obj.offer.key

    @staticmethod
    def resolve_reply(obj: Reply) -> str:
        return obj.kind

    @staticmethod
    def resolve_stage(obj: Reply) -> str:
        return obj.offer.processes.get(state=obj.state).stage

    @staticmethod
    def resolve_status(obj: Reply) -> str:
        return obj.offer.status


@router.post(
    "/offers/{key}/replies/{state}",
    auth=EnvoyToken(),
    response=written({201: ReplyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                      422: InvalidOut}),
)
def reply_create(
    request: HttpRequest, key: Text, state: Text, payload: ReplyIn
) -> Status[Any]:
    """A government's reply, by its own envoy only, in any language of the register (422 at
    `language` for a tag it lacks); each reply is a log entry."""
    envoy: Envoy = request.auth  # type: ignore[attr-defined]
    if envoy.state.key != state:
        raise HttpError(403, f"this envoy replies for {envoy.state.key}, not for {state!r}")
    try:
        offer = selectors.offer_get_public(key)
    except Offer.DoesNotExist:
        raise HttpError(404, f"no released offer with key {key!r}") from None
    if not offer.addressees.filter(pk=envoy.state.pk).exists():
        raise HttpError(403, f"the offer {key!r} was not addressed to {envoy.state.key}")
    try:
        reply = reply_record(
            envoy=envoy, offer=offer, kind=payload.reply, text=payload.text,
            language=payload.language, terms=payload.terms,
        )
    except CounterProposalUnreadable as unreadable:
        return Status(422, invalid_body((f"body.payload.terms.{p.path}", p.message)
                                        for p in unreadable.problems))
    except ReplyInvalid as invalid:
        return Status(422, refused_body(invalid))
    except ReplyRefused as refused:
        raise HttpError(409, str(refused)) from None
    return Status(201, reply)
