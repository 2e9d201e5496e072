"""The home page: what openpeace is, the offers of peace it carries, and the situation it works
on at a glance."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from openpeace.diplomacy.selectors import offer_list_summarised
from openpeace.log import selectors as log_selectors
from openpeace.web.http import content_length, refused, require_safe, too_large
from openpeace.world import models as m
from openpeace.world import selectors

HOME_OFFERS = 3
"""The home page shows the latest offers released, at most this many; the offers' page has all."""


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    nationalities = m.Nationality.objects
    situation = selectors.situation_record()
    offers = list(offer_list_summarised()[:HOME_OFFERS + 1])
    return render(
        request,
        "web/home.html",
        {
            "offers": offers[:HOME_OFFERS],
            "more_offers": len(offers) > HOME_OFFERS,
            "now": timezone.now(),
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


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 403 (`handler403`), for a `PermissionDenied`: the admin's, when staff reach a
    page or an act their permissions do not give them. Django's own is "403 Forbidden" with no
    language, no frame and no way on. The API's refusals of roles answer in their own JSON
    before this; under /api/ it is JSON too."""
    return refused(request, 403, "your account does not have the permission this needs",
                   title=_("Forbidden"), heading=_("Refused: you may not do this"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 400 (`handler400`), for a request Django itself refuses as it reads it (a
    `SuspiciousOperation`): in the API's JSON under /api/, else a page of the site. Django's
    own answers "Bad Request (400)" and nothing more, not even which limit was passed.

    The one a person reaches by sending: more fields than `DATA_UPLOAD_MAX_NUMBER_FIELDS`, in
    a query or a form, said with the limit. A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is the
    413 of every body too large (`web.http.RefuseBodiesTooLarge` answers it first, unless a
    setting put Django's limit below the site's). Anything else (a host not allowed, a
    malformed cookie) is said in general: its details are for the server's log."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, content_length(request), settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent):
        most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        detail = (f"the request has more than {most} fields (its query's parameters and its "
                  f"form's fields): this site takes at most {most}")
        title, heading = _("Too many fields"), _("Refused: what was sent has too many fields")
    else:
        detail = "the request is not one this site can read"
        title, heading = _("Bad request"), _("Refused: a request this site cannot read")
    return refused(request, 400, detail, title=title, heading=heading)
