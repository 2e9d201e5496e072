"""Public pages of the offer: thin views over `selectors` (released offers only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openpeace.diplomacy import selectors
from openpeace.diplomacy.armistices import armistice_today
from openpeace.diplomacy.forms import ReplyForm
from openpeace.diplomacy.models import Note, Offer, Proclamation
from openpeace.diplomacy.process import CounterProposalUnreadable, ReplyRefused, reply_record
from openpeace.world.models import State


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


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, key: str, state: str) -> HttpResponse:
    """An envoy's reply for its own government, without JavaScript; refusals on the form."""
    try:
        offer = selectors.offer_get_public(key)
        addressee = offer.addressees.get(key=state)
    except (Offer.DoesNotExist, State.DoesNotExist):
        raise Http404("No released offer to this state") from None
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        envoy = form.cleaned_data["token"]
        if envoy.state_id != addressee.pk:
            form.add_error("token", f"This envoy replies for {envoy.state.name}, not for "
                                    f"{addressee.name}.")
        else:
            try:
                recorded = reply_record(
                    envoy=envoy, offer=offer, kind=form.cleaned_data["reply"],
                    text=form.cleaned_data["text"], terms=form.cleaned_data["terms"],
                )
            except CounterProposalUnreadable as unreadable:
                for problem in unreadable.problems:
                    form.add_error("terms", str(problem))
            except ReplyRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect(
                    f"{reverse('diplomacy:offer-detail', args=[offer.key])}#reply-{recorded.pk}"
                )
    status = 400 if request.method == "POST" else 200
    return render(request, "diplomacy/reply.html",
                  {"offer": offer, "state": addressee, "form": form}, status=status)
