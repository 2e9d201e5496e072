"""Public pages of the offer: thin views over `selectors` (released offers only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openpeace.diplomacy import selectors
from openpeace.diplomacy.armistices import armistice_today
from openpeace.diplomacy.models import Note, Offer, Proclamation


def offer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "diplomacy/offer_list.html", {"offers": selectors.offer_list_public()})


def offer_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        offer = selectors.offer_get_public(key)
    except Offer.DoesNotExist:
        raise Http404(f"No released offer with key {key!r}") from None
    replies = offer.replies.select_related("entry").order_by("replied_at")
    armistices = [
        {"armistice": a, "today": armistice_today(a)}
        for a in offer.armistices.select_related("entry").prefetch_related(
            "parties", "denunciations__party", "breaches__reported_by"
        )
    ]
    sessions = offer.sessions.select_related("entry")
    return render(
        request,
        "diplomacy/offer_detail.html",
        {"offer": offer, "replies": replies, "armistices": armistices, "sessions": sessions},
    )


def proclamation(request: HttpRequest, key: str, people: str, language: str) -> HttpResponse:
    try:
        text = selectors.proclamation_get_public(key, people, language)
    except Proclamation.DoesNotExist:
        raise Http404("No such released proclamation") from None
    return render(request, "diplomacy/proclamation.html", {"text": text, "offer": text.offer})


def note(request: HttpRequest, key: str, state: str, language: str) -> HttpResponse:
    try:
        text = selectors.note_get_public(key, state, language)
    except Note.DoesNotExist:
        raise Http404("No such released note") from None
    return render(request, "diplomacy/note.html", {"text": text, "offer": text.offer})
