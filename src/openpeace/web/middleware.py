"""The site's own middleware: NUL characters refused at the edge; data that does not vary with
the reader's language said so to caches; an error page's title that says so."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from openpeace.web.http import refused
from openpeace.world.schemas import invalid_body


class RefuseNulCharacters:
    """Refuse NUL characters at the edge, before any query can see them.

    PostgreSQL cannot store or compare text containing NUL (0x00), so a parameter carrying one
    would turn a harmless filter into a server error deep inside a query. Every path and query
    parameter is checked here, once, and refused naming the parameter: 422 in the API's
    documented shape, 400 on a page of the site.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = nul_character_at(request)
        if found is None:
            return self.get_response(request)
        location, where = found
        message = f"{where} contains a NUL character, which no text here may contain"
        if request.path.startswith("/api/"):
            # The API's documented answer to an invalid request (see openpeace.api).
            return JsonResponse(invalid_body([(location, message)]), status=422)
        return refused(request, 400, message, title=_("Bad request"),
                       heading=_("Refused: a NUL character"))


def nul_character_at(request: HttpRequest) -> tuple[str, str] | None:
    """Where the request's path or query holds a NUL character (its location for the API,
    and in words), if it does: what `RefuseNulCharacters` refuses."""
    if "\x00" in request.path:
        return "path", "the path"
    name = next((name for name, values in request.GET.lists()
                 if "\x00" in name or any("\x00" in v for v in values)), None)
    return None if name is None else (f"query.{name}", f"the parameter {name!r}")


DATA_TYPES = ("application/json", "application/geo+json", "application/problem+json",
              "text/csv", "text/plain", "application/octet-stream")
"""The media types of what reads the same in every language: the API, the open data, the log's
files. Pages, feeds and the SVGs inside pages are written in the reader's language."""


class VaryOnLanguageOnlyForPages:
    """Data does not vary with the reader's language: say so to caches.

    `LocaleMiddleware` marks every response `Vary: Accept-Language` and `Content-Language`,
    because a page is rendered in the language the browser asks for. The JSON, CSV and log
    files are not, and browsers send thousands of different Accept-Language headers: a shared
    cache (nginx, a CDN) that honours the Vary would keep one copy of the cached tally per
    header, and hardly ever hit. Placed before `LocaleMiddleware` so that it sees its headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type in DATA_TYPES:
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            kept = [v for v in vary if v.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            elif "Vary" in response:
                del response["Vary"]
            if "Content-Language" in response:
                del response["Content-Language"]
        return response


class ErrorTitle:
    """A page answered with an error status has a title that starts with "Error: ", as Django's
    admin does: the title is the first thing a screen reader says of a page, and it must tell
    the page with errors from the page before (WCAG 2.2, 2.4.2 Page Titled; 3.3.1 Error
    Identification). That is a 400 (a form sent with errors, a refused filter), and every other
    4xx too: the 404 (`web.views.not_found`), the 403 of a form refused by the CSRF check or
    sent from another site (web/csrf_failure.html), Django's own 403 in the admin.

    Done here, once, because a view decides its status only as it renders its template, and
    Django's handlers render the same templates as any page. Placed inside `LocaleMiddleware`,
    so that "Error" is in the page's language, and inside `CommonMiddleware`, which sets the
    `Content-Length` of the changed page. (500.html says it itself: what failed may be a
    middleware outside this one, whose 500 this one never sees.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code >= 400 and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")):
            title = b"<title>" + (escape(_("Error:")) + " ").encode(response.charset)
            if title not in response.content:  # not twice (the admin's own pages say it)
                response.content = response.content.replace(b"<title>", title, 1)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
        return response
