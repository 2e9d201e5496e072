"""Public pages of the offer: thin views over `selectors` (released offers only)."""

from __future__ import annotations

import datetime as dt
import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from openpeace.core import armistice as calendar
from openpeace.diplomacy import selectors
from openpeace.diplomacy.armistices import armistice_today, calendar_of
from openpeace.diplomacy.forms import CalendarDayForm, ReplyForm
from openpeace.diplomacy.models import Armistice, NegotiationSession, Note, Offer, Proclamation
from openpeace.diplomacy.process import (
    CounterProposalUnreadable,
    ReplyInvalid,
    ReplyRefused,
    reply_record,
)
from openpeace.diplomacy.terms import findings_shown, terms_clauses
from openpeace.web.http import require_http_methods, require_safe
from openpeace.world.models import State

GEOJSON_SHOWN_LINES = 200


@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "diplomacy/offer_list.html",
                  {"offers": selectors.offer_list_summarised(), "now": timezone.now()})


@require_safe
def offer_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        offer = selectors.offer_get_public(key)
    except Offer.DoesNotExist:
        raise Http404(f"No released offer with key {key!r}") from None
    replies = list(offer.replies.all())
    said = findings_shown([(r.findings, terms_clauses(r.terms)) for r in replies])
    armistices = [{"armistice": a, "today": armistice_today(a)} for a in offer.armistices.all()]
    sessions = offer.sessions.all()
    return render(
        request,
        "diplomacy/offer_detail.html",
        {"offer": offer, "armistices": armistices, "sessions": sessions,
         "replies": [{"reply": r, "findings": f} for r, f in zip(replies, said, strict=True)]},
    )


@require_safe
def proclamation(request: HttpRequest, key: str, people: str, language: str) -> HttpResponse:
    try:
        text = selectors.proclamation_get_public(key, people, language)
    except Proclamation.DoesNotExist:
        raise Http404("No such released proclamation") from None
    return render(request, "diplomacy/proclamation.html", {"text": text, "offer": text.offer})


@require_safe
def note(request: HttpRequest, key: str, state: str, language: str) -> HttpResponse:
    try:
        text = selectors.note_get_public(key, state, language)
    except Note.DoesNotExist:
        raise Http404("No such released note") from None
    return render(request, "diplomacy/note.html", {"text": text, "offer": text.offer})


@never_cache  # the form takes the envoy's token
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request: HttpRequest, key: str, state: str) -> HttpResponse:
    """An envoy's reply for its own government, without JavaScript; refusals on the form."""
    try:
        offer = selectors.offer_get_public(key)
        addressee = offer.addressees.get(key=state)
    except (Offer.DoesNotExist, State.DoesNotExist):
        raise Http404("No released offer to this state") from None
    # The language its government was addressed in, the likeliest for its reply, is chosen.
    written_in = selectors.note_language(offer, addressee)
    form = ReplyForm(request.POST or None,
                     initial={"language": written_in.tag if written_in else None})
    if request.method == "POST" and form.is_valid():
        envoy = form.cleaned_data["token"]
        if envoy.state_id != addressee.pk:
            form.add_error("token", f"This envoy replies for {envoy.state.name}, not for "
                                    f"{addressee.name}.")
        else:
            try:
                recorded = reply_record(
                    envoy=envoy, offer=offer, kind=form.cleaned_data["reply"],
                    text=form.cleaned_data["text"], language=form.cleaned_data["language"],
                    terms=form.cleaned_data["terms"],
                )
            except CounterProposalUnreadable as unreadable:
                for problem in unreadable.problems:
                    form.add_error("terms", str(problem))
            except ReplyInvalid as invalid:
                form.add_error(invalid.field if invalid.field in form.fields else None,
                               str(invalid))
            except ReplyRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect(
                    f"{reverse('diplomacy:offer-detail', args=[offer.key])}#reply-{recorded.pk}"
                )
    status = 400 if request.method == "POST" else 200
    return render(request, "diplomacy/reply.html",
                  {"offer": offer, "state": addressee, "form": form}, status=status)


def _armistice_or_404(key: str, number: int) -> Armistice:
    try:
        return selectors.armistice_get_public(key, number)
    except Armistice.DoesNotExist:
        raise Http404(f"No armistice {number} of a released offer {key!r}") from None


@require_safe
def armistice(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """One armistice and the calendar's answers, today or on the day asked for (`?on=`)."""
    armistice = _armistice_or_404(key, number)
    today = timezone.localdate()
    form = CalendarDayForm(request.GET)
    day = (form.cleaned_data["on"] if form.is_valid() else None) or today
    agreement = calendar_of(armistice)
    try:
        answers = armistice_today(armistice, day)
    except calendar.ArmisticeError as beyond:  # said at the day, which stays as asked
        form.add_error("on", str(beyond))
        day = today
        answers = armistice_today(armistice, day)
    denunciations = []
    for denunciation in armistice.denunciations.all():
        try:
            ends_on: dt.date | None = calendar.ends_on_denunciation(
                agreement, calendar.Denunciation(denunciation.party.key, denunciation.on)
            )
        except calendar.ArmisticeError:
            ends_on = None
        denunciations.append({"denunciation": denunciation, "ends_on": ends_on})
    geometry = armistice.demarcation_geometry
    geojson = json.dumps(geometry, indent=2, ensure_ascii=False) if geometry is not None else ""
    return render(
        request,
        "diplomacy/armistice.html",
        {
            "offer": armistice.offer, "armistice": armistice, "agreement": agreement,
            "day": day, "is_today": day == today, "answers": answers, "form": form,
            "denunciations": denunciations, "has_geometry": geometry is not None,
            # A long line is for download only: shown whole, it would bury the page.
            "geojson": geojson if geojson.count("\n") < GEOJSON_SHOWN_LINES else "",
        },
        status=400 if form.errors else 200,
    )


@require_safe
def armistice_demarcation(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """The demarcation line as a GeoJSON file, as it was recorded."""
    armistice = _armistice_or_404(key, number)
    if armistice.demarcation_geometry is None:
        raise Http404("This armistice's demarcation line has no geometry")
    response = JsonResponse(
        armistice.demarcation_geometry, safe=False, content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{key}-armistice-{number}-demarcation.geojson"'
    )
    return response


@require_safe
def session(request: HttpRequest, key: str, number: int) -> HttpResponse:
    try:
        found = selectors.session_get_public(key, number)
    except NegotiationSession.DoesNotExist:
        raise Http404(f"No negotiation session {number} of a released offer {key!r}") from None
    return render(
        request,
        "diplomacy/session.html",
        {"offer": found.offer, "session": found,
         "delegations": selectors.session_delegations(found)},
    )
