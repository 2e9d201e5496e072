"""Reads of the diplomacy app. Public reads see released offers only: before release, nothing
of an offer exists for anyone but officials, on pages, in the API, in feeds or for envoys."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from openpeace.diplomacy.models import (
    Armistice,
    BelligerentProcess,
    NegotiationSession,
    Note,
    Offer,
    Proclamation,
)


def offer_list_public() -> QuerySet[Offer]:
    return (
        Offer.objects.filter(released_at__isnull=False)
        .select_related("proposing_state", "release_entry")
        .order_by("-released_at")
    )


def offer_get_public(key: str) -> Offer:
    """A released offer with its texts; raises `Offer.DoesNotExist` for drafts too."""
    return offer_list_public().prefetch_related(
        "addressees",
        Prefetch("processes", BelligerentProcess.objects.select_related("state")),
        Prefetch(
            "armistices",
            Armistice.objects.select_related("entry").prefetch_related(
                "parties", "denunciations__party"
            ),
        ),
        Prefetch("sessions", NegotiationSession.objects.select_related("entry")),
        Prefetch("notes", Note.objects.select_related("state", "language").order_by("state__name")),
        Prefetch(
            "proclamations",
            Proclamation.objects.select_related("people__state", "language").order_by(
                "people__key", "language__tag"
            ),
        ),
    ).get(key=key)


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
