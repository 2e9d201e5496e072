"""Reads of the diplomacy app. Public reads see released offers only: before release, nothing
of an offer exists for anyone but officials, on pages, in the API, in feeds or for envoys."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from openpeace.diplomacy.models import (
    Armistice,
    BelligerentProcess,
    Breach,
    Denunciation,
    NegotiationSession,
    Note,
    Offer,
    Proclamation,
    Reply,
)
from openpeace.world.models import Language, State


def offer_list_public() -> QuerySet[Offer]:
    return (
        Offer.objects.filter(released_at__isnull=False)
        .select_related("proposing_state", "release_entry")
        .order_by("-released_at")
    )


def offer_list_summarised() -> QuerySet[Offer]:
    """Released offers as a list shows each (`diplomacy/_offer_summary.html`): with its
    endorsement period, none for an offer whose endorsements were never opened, in the same
    query."""
    return offer_list_public().select_related("endorsement_period")


def offer_get_public(key: str) -> Offer:
    """A released offer with its texts and acts (its replies, in the order they were
    recorded); raises `Offer.DoesNotExist` for drafts too."""
    return offer_list_public().prefetch_related(
        "addressees",
        Prefetch("processes", BelligerentProcess.objects.select_related("state")),
        Prefetch(
            "armistices",
            Armistice.objects.select_related("entry")
            .prefetch_related(
                Prefetch("parties", State.objects.order_by("name")), "denunciations__party"
            )
            .order_by("signed_on", "pk"),
        ),
        Prefetch("sessions", NegotiationSession.objects.select_related("entry")),
        Prefetch("replies", Reply.objects.select_related("state", "language", "entry").order_by(
            "replied_at", "pk")),
        Prefetch("notes", Note.objects.select_related("state", "language").order_by("state__name")),
        Prefetch(
            "proclamations",
            Proclamation.objects.select_related("people__state", "language").order_by(
                "people__key", "language__tag"
            ),
        ),
    ).get(key=key)


def notes_public() -> QuerySet[Note]:
    """Every note of every released offer (open data)."""
    return Note.objects.filter(offer__released_at__isnull=False).select_related(
        "offer__release_entry", "state__government", "language"
    ).order_by("offer__released_at", "offer__key", "state__key", "language__tag")


def proclamations_public() -> QuerySet[Proclamation]:
    """Every proclamation of every released offer (open data)."""
    return Proclamation.objects.filter(offer__released_at__isnull=False).select_related(
        "offer__release_entry", "people__state", "language"
    ).order_by("offer__released_at", "offer__key", "people__key", "language__tag")


def replies_public() -> QuerySet[Reply]:
    """Every reply to a released offer, in the order they were recorded (open data)."""
    return Reply.objects.filter(offer__released_at__isnull=False).select_related(
        "offer", "state", "language", "entry"
    ).order_by("replied_at", "pk")


def armistices_public() -> QuerySet[Armistice]:
    """Every armistice under a released offer, with its parties (open data)."""
    return (
        Armistice.objects.filter(offer__released_at__isnull=False)
        .select_related("offer", "entry")
        .prefetch_related("parties")
        .order_by("signed_on", "pk")
    )


def sessions_public() -> QuerySet[NegotiationSession]:
    """Every negotiation session under a released offer, in the order they opened (open
    data): a draft's sessions are no more public than the draft."""
    return (
        NegotiationSession.objects.filter(offer__released_at__isnull=False)
        .select_related("offer", "entry")
        .order_by("opened_on", "pk")
    )


def proclamation_get_public(key: str, people: str, language: str) -> Proclamation:
    """One released proclamation; raises `Proclamation.DoesNotExist` (drafts included)."""
    return Proclamation.objects.select_related(
        "offer__release_entry", "people__state", "language"
    ).get(
        offer__key=key, offer__released_at__isnull=False, people__key=people,
        language__tag=language,
    )


def note_get_public(key: str, state: str, language: str) -> Note:
    return Note.objects.select_related("offer__release_entry", "state", "language").get(
        offer__key=key, offer__released_at__isnull=False, state__key=state,
        language__tag=language,
    )


def note_language(offer: Offer, state: State) -> Language | None:
    """The language of the note the offer sent to `state`'s government (the first by tag if it
    sent several), or None: the language its reply most likely comes back in."""
    note = offer.notes.filter(state=state).select_related("language").order_by(
        "language__tag").first()
    return note.language if note is not None else None


# An armistice's or a session's page is addressed by its primary key under the offer's key:
# stable (acts are never deleted nor renumbered) and scoped, so a number under another offer, or
# under an offer not yet released, is a 404 like any unknown one.


def armistice_get_public(key: str, number: int) -> Armistice:
    """One armistice of a released offer, with its parties, denunciations and breaches.

    Raises `Armistice.DoesNotExist` for an unknown number, another offer's armistice or a draft.
    """
    return (
        Armistice.objects.select_related("offer__proposing_state", "offer__release_entry", "entry")
        .prefetch_related(
            Prefetch("parties", State.objects.order_by("name")),
            Prefetch(
                "denunciations",
                Denunciation.objects.select_related("party", "entry").order_by("on", "pk"),
            ),
            Prefetch(
                "breaches",
                Breach.objects.select_related("reported_by", "entry").order_by("on", "pk"),
            ),
        )
        .get(pk=number, offer__key=key, offer__released_at__isnull=False)
    )


def session_get_public(key: str, number: int) -> NegotiationSession:
    """One negotiation session of a released offer; raises `NegotiationSession.DoesNotExist`."""
    return NegotiationSession.objects.select_related(
        "offer__proposing_state", "offer__release_entry", "entry"
    ).get(pk=number, offer__key=key, offer__released_at__isnull=False)


@dataclass(frozen=True)
class Delegation:
    """A session's delegation: its state (None if the key names no state) and its members."""

    key: str
    state: State | None
    members: list[str]


def session_delegations(session: NegotiationSession) -> list[Delegation]:
    """The delegations as recorded, each state's key resolved to the state where it exists."""
    recorded = [d for d in session.delegations if isinstance(d, dict)]
    keys = [str(d.get("state", "")) for d in recorded]
    states = State.objects.in_bulk(keys, field_name="key")
    found = []
    for key, delegation in zip(keys, recorded, strict=True):
        members = delegation.get("members")
        found.append(Delegation(
            key=key, state=states.get(key),
            members=[str(m) for m in members] if isinstance(members, list) else [],
        ))
    return found
