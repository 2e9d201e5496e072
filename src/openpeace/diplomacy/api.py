"""The offers' JSON API: released offers only, each text with the hash its release committed to."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from openpeace.diplomacy import selectors, services
from openpeace.diplomacy.models import Note, Offer, Proclamation
from openpeace.pagination import Page
from openpeace.world.api import detailed, listed

router = Router(tags=["diplomacy"])


class NoteOut(Schema):
    state: str
    language: str
    text: str
    sha256: str

    @staticmethod
    def resolve_state(obj: Note) -> str:
        return obj.state.key

    @staticmethod
    def resolve_language(obj: Note) -> str:
        return obj.language.tag

    @staticmethod
    def resolve_sha256(obj: Note) -> str:
        return services.note_sha256(obj)


class ProclamationOut(Schema):
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
    def resolve_language(obj: Proclamation) -> str:
        return obj.language.tag

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


class OfferDetailOut(OfferOut):
    terms: dict[str, object]
    notes: list[NoteOut]
    proclamations: list[ProclamationOut]


@router.get("/offers", response=listed(OfferOut))
@paginate(Page)
def offer_list(request: HttpRequest) -> QuerySet[Offer]:
    return selectors.offer_list_public().prefetch_related("addressees")


@router.get("/offers/{key}", response=detailed(OfferDetailOut))
def offer_get(request: HttpRequest, key: str) -> Offer:
    try:
        return selectors.offer_get_public(key)
    except Offer.DoesNotExist:
        raise HttpError(404, f"no released offer with key {key!r}") from None
