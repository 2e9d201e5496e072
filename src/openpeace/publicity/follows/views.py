"""Pages of the follows: the form, the confirmation, the one-click unsubscribe, and stopping
every follow of an address.

None is cached (`never_cache`). Confirming and unsubscribing take a POST: opening a link shows a
button, so a mail scanner that follows links changes nothing.

None needs a CSRF cookie: they borrow no one's session (the form is open to anyone, a link's
authority is its token), and a person who blocks cookies must still be able to follow and
unsubscribe. The form, the confirmation and stopping every follow take writes only from this
site's pages instead (`web.cross_origin.same_origin_writes`, as the endorsements do), so that a
page elsewhere cannot make its visitors' browsers submit them. The unsubscribe URL itself takes
the mail client's one-click POST (RFC 8058 §3.2: `List-Unsubscribe=One-Click`, no cookie, no
further interaction) wherever it comes from, a webmail's own page included: the unguessable
token in the URL is what authorises it, and stopping that one follow is all it can do.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from openpeace.publicity.follows import selectors, services
from openpeace.publicity.follows.forms import FollowForm, initial_target
from openpeace.publicity.follows.models import Follow
from openpeace.publicity.views import client_address
from openpeace.web.cross_origin import same_origin_writes
from openpeace.web.http import require_http_methods, require_safe


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_writes
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST or None, initial={"target": initial_target(request.GET)})
    if request.method == "POST" and form.is_valid():
        target, key = form.cleaned_data["target"]
        try:
            services.follow_submit(contact=form.cleaned_data["contact"], target=target, key=key,
                                   frequency=form.cleaned_data["frequency"],
                                   address=client_address(request))
        except services.FollowRefused as refused:  # at its field, if it names one
            form.add_error(refused.argument, str(refused))
        else:
            return redirect("publicity:follows:sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "publicity/follows/follow.html", {"form": form}, status=status)


@never_cache
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """The same page whether the address already followed, or it or its network had too many
    links waiting, or not."""
    return render(request, "publicity/follows/sent.html",
                  {"days": services.CONFIRM_WITHIN.days})


def _described(follow: Follow | None) -> dict[str, Any]:
    """What a page says of the follow a link is for: what it follows (the name in `<bdi>`) and
    how often; nothing if the link is for none."""
    if follow is None:
        return {}
    return {"what": selectors.what(follow).html,
            "frequency": follow.get_frequency_display()}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_writes
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        waiting = selectors.follow_confirming(token)
        if waiting is not None and waiting.status != Follow.Status.PENDING:
            waiting = None
        return render(request, "publicity/follows/confirm.html",
                      {"token": token, **_described(waiting)})
    try:
        follow = services.follow_confirm(token=token)
    except services.FollowRefused as refused:
        return render(request, "publicity/follows/confirm.html",
                      {"token": token, "error": str(refused)}, status=400)
    return render(request, "publicity/follows/confirmed.html", _described(follow))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One follow: RFC 8058's one-click POST, or the button of the page the link opens. The page
    after it names the follow that ended and offers to stop every follow of the address."""
    if request.method != "POST":
        return render(request, "publicity/follows/unsubscribe.html",
                      {"token": token, **_described(selectors.follow_unsubscribing(token))})
    try:
        follow = services.follow_unsubscribe(token=token)
    except services.FollowRefused as refused:
        return render(request, "publicity/follows/unsubscribe.html",
                      {"token": token, "error": str(refused)}, status=400)
    return render(request, "publicity/follows/unsubscribe.html",
                  {"token": token, "done": True, **_described(follow)})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_writes
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    """Every follow of the address whose unsubscribe link this is, from a button of this site's
    unsubscribe page."""
    if request.method != "POST":
        return render(request, "publicity/follows/unsubscribe.html",
                      {"token": token, "everything": True})
    try:
        services.follows_unsubscribe_all(token=token)
    except services.FollowRefused as refused:
        return render(request, "publicity/follows/unsubscribe.html",
                      {"token": token, "everything": True, "error": str(refused)}, status=400)
    return render(request, "publicity/follows/unsubscribe.html",
                  {"token": token, "everything": True, "done": True})
