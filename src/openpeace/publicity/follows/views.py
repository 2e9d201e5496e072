"""Pages of the follows: the form, the confirmation, the one-click unsubscribe.

None is cached (`never_cache`). Confirming and unsubscribing take a POST: opening a link shows a
button, so a mail scanner that follows links changes nothing. The unsubscribe URL also takes the
mail client's one-click POST (RFC 8058 §3.2: `List-Unsubscribe=One-Click`, no cookie, no
further interaction), so it is exempt from CSRF: the unguessable token in the URL is what
authorises it, and an unsubscription is all it can do.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from openpeace.publicity.follows import selectors, services
from openpeace.publicity.follows.forms import FollowForm, initial_target


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST or None, initial={"target": initial_target(request.GET)})
    if request.method == "POST" and form.is_valid():
        target, key = form.cleaned_data["target"]
        try:
            services.follow_submit(contact=form.cleaned_data["contact"], target=target, key=key,
                                   frequency=form.cleaned_data["frequency"])
        except services.FollowRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("publicity:follows:sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "publicity/follows/follow.html", {"form": form}, status=status)


@never_cache
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """The same page whether the address already followed or not."""
    return render(request, "publicity/follows/sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "publicity/follows/confirm.html", {"token": token})
    try:
        follow = services.follow_confirm(token=token)
    except services.FollowRefused as refused:
        return render(request, "publicity/follows/confirm.html",
                      {"token": token, "error": str(refused)}, status=400)
    return render(request, "publicity/follows/confirmed.html", {
        "follow": follow, "name": selectors.target_name(follow.target, follow.key),
    })


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "publicity/follows/unsubscribe.html", {"token": token})
    try:
        services.follow_unsubscribe(token=token)
    except services.FollowRefused as refused:
        return render(request, "publicity/follows/unsubscribe.html",
                      {"token": token, "error": str(refused)}, status=400)
    return render(request, "publicity/follows/unsubscribe.html", {"done": True})
