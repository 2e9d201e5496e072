"""The home page: what openpeace is, and the situation it works on at a glance."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render

from openpeace.log import selectors as log_selectors
from openpeace.web.http import require_safe
from openpeace.world import models as m
from openpeace.world import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    nationalities = m.Nationality.objects
    situation = selectors.situation_record()
    return render(
        request,
        "web/home.html",
        {
            "situation": situation,
            "situation_entry": log_selectors.entry_for(
                "situation.loaded", f"situation:{situation.key}"
            )
            if situation
            else None,
            "sides": m.Side.objects.order_by("pk").prefetch_related(
                Prefetch("states", m.State.objects.order_by("entered_war", "name"))
            ),
            "counts": {
                "belligerents": m.State.objects.filter(side__isnull=False).count(),
                "nationalities": nationalities.count(),
                "colonial": nationalities.filter(standing=m.Nationality.Standing.COLONIAL).count(),
                "occupations": m.Occupation.objects.count(),
            },
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A write refused by the CSRF check (`CSRF_FAILURE_VIEW`): the forms that act for a
    signed-in person (the officials', the envoys') refuse one they cannot tell came from this
    site. The site's own page says what to do, in place of Django's bare one for developers."""
    return render(request, "web/csrf_failure.html",
                  {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 (`handler404`): it says why when a page said it (`Http404("No state with
    key 'atlantis'")`), and nothing more when no page answers the address at all. Django's own
    handler shows the exception's class name instead (`Resolver404`), which tells a person
    nothing."""
    said = exception.args[0] if exception.args else None
    return render(request, "404.html", {"reason": said if isinstance(said, str) else ""},
                  status=404)
