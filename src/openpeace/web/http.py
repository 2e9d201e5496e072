"""What HTTP asks of every answer of the site, said once for every page and the API.

- A view says the methods it takes (`require_safe`, `require_http_methods`: Django's decorators,
  which here also record them), and a request with another is answered 405 with `Allow`
  (RFC 9110 §15.5.6) before anything else judges it (`RefuseMethodsNotTaken`). Django's CSRF
  check runs before any view: without this, a DELETE to a page that only shows things was
  refused as a form "that did not come from this site", which it never was.
- A refusal is in the API's JSON under /api/, and elsewhere a page of the site (`refused`): in
  the frame, in the page's language and direction, its title starting "Error:" (WCAG 2.2,
  2.4.2), saying what was refused. A browser shows a refusal in plain text with no site around
  it and no way on.
- A body larger than its view takes is refused 413 naming the limit (RFC 9110 §15.5.14), from
  its `Content-Length`, before a byte of it is read (`RefuseBodiesTooLarge`).
- The API answers HEAD wherever it answers GET (RFC 9110 §9.3.2), and says in its own JSON what
  its operations never see: a path it has no operation at (404), a method a path does not take
  (405). What a write answers may carry a secret (a trustee's token), so no cache keeps it
  (`no-store`, RFC 9111 §5.2.2.5). All three: `ApiAnswers`. A write whose body is not JSON is
  refused 415 before anything reads it (`refuse_bodies_not_json`).
- Every page has a Content-Security-Policy (W3C CSP Level 3): scripts, styles and everything
  else from this site only, no plugins, no `<base>`, no framing, forms sent here only. The
  voting booth holds the voter's private credential: a script injected into a page, from
  anywhere, would not run (`ContentSecurityPolicy`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators import http as django

from openpeace.web.cross_origin import SAFE_METHODS

View = Callable[..., Any]
Middleware = Callable[[HttpRequest], HttpResponse]


def require_http_methods(methods: Sequence[str]) -> Callable[[View], View]:
    """Django's `require_http_methods`, which also tells `RefuseMethodsNotTaken` the methods."""

    def decorate(view: View) -> View:
        checked = django.require_http_methods(list(methods))(view)
        checked.http_methods = tuple(methods)  # type: ignore[attr-defined]
        return checked

    return decorate


require_safe = require_http_methods(["GET", "HEAD"])
"""A page that only shows: GET, and HEAD with it (RFC 9110 §9.3.2)."""


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def refused(request: HttpRequest, status: int, detail: str, *, title: str,
            heading: str) -> HttpResponse:
    """A request refused, saying why (`detail`): `{"detail": ...}` in the API, else a page of
    the site (web/refused.html) with `title` after "Error:", `heading` as its h1, and `detail`
    as its explanation."""
    if _is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, "web/refused.html",
                  {"title": title, "heading": heading, "detail": detail}, status=status)


def method_not_allowed(request: HttpRequest, taken: Sequence[str]) -> HttpResponse:
    """405 naming the methods taken, in `Allow` and in words: JSON in the API, a page of the
    site elsewhere. HEAD is taken wherever GET is."""
    allowed = [*taken, "HEAD"] if "GET" in taken and "HEAD" not in taken else list(taken)
    detail = (f"{request.method} is not a method of {request.path}: it takes "
              f"{', '.join(allowed)}")
    response = refused(request, 405, detail, title=_("Method not allowed"),
                       heading=_("Refused: this page does not take %(method)s")
                       % {"method": request.method})
    response["Allow"] = ", ".join(allowed)
    return response


class _ViewMiddleware:
    """A middleware that judges a request only once its view is known (`process_view`)."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class RefuseMethodsNotTaken(_ViewMiddleware):
    """405 for a method the view does not take, before any other middleware judges the
    request (placed before `CsrfViewMiddleware`, whose check would come first otherwise)."""

    def process_view(self, request: HttpRequest, view: View, args: Any,
                     kwargs: Any) -> HttpResponse | None:
        taken: Sequence[str] | None = getattr(view, "http_methods", None)
        if taken is None or request.method in taken:
            return None
        return method_not_allowed(request, taken)


def body_limit(request: HttpRequest) -> int:
    """The most bytes the body of a request to this view may have: `OPENPEACE_MAX_BODY`, or the
    view's own in `OPENPEACE_LARGE_BODIES` (a whole electorate's credentials)."""
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    limit: int = settings.OPENPEACE_LARGE_BODIES.get(view_name, settings.OPENPEACE_MAX_BODY)
    return limit


def content_length(request: HttpRequest) -> int:
    """The body's announced length, as Django reads it (no number: no body)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    """413 naming the limit: in the API's JSON, or on a page of the site."""
    if _is_api(request):
        return JsonResponse({"detail": f"the request's body is {length} bytes: this operation "
                                       f"takes at most {limit}"}, status=413)
    return render(request, "web/too_large.html",
                  {"length": filesizeformat(length), "limit": filesizeformat(limit)},
                  status=413)


class RefuseBodiesTooLarge(_ViewMiddleware):
    """413 for a body over its view's limit, before anything reads it (placed before
    `CsrfViewMiddleware`, which reads a form). Django's own limit,
    `DATA_UPLOAD_MAX_MEMORY_SIZE`, is the largest of them, so that it never answers first
    with its bare 400."""

    def process_view(self, request: HttpRequest, view: View, args: Any,
                     kwargs: Any) -> HttpResponse | None:
        length, limit = content_length(request), body_limit(request)
        return too_large(request, length, limit) if length > limit else None


def _is_json(content_type: str) -> bool:
    """`application/json`, or a type written in it (`+json`, RFC 6839 §3.1)."""
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json"))


def refuse_bodies_not_json(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """415 for a write to the API whose body is not JSON (RFC 9110 §15.5.16), with `Accept`
    naming what it takes (§12.5.1): every write operation of the API takes a JSON document,
    and none a form or a file. ninja would read any body as JSON whatever its type said, and
    a form that a page of another site sends to the API would be read with it.

    Applied to every operation (`NinjaAPI.add_decorator(..., mode="view")`): after ninja found
    the path's operation for the method, so a method the path does not take is still 405; and
    before the token is checked or the body read, so nothing is written. A request with no
    body (an operation that takes none) is not judged."""

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sent = request.content_type or ""
        if (request.method in SAFE_METHODS or content_length(request) == 0
                or _is_json(sent)):
            return run(request, *args, **kwargs)
        said = f"is {sent}" if sent else "has no Content-Type"
        response = JsonResponse({"detail": f"the request's body {said}: this operation takes "
                                           "application/json"}, status=415)
        response["Accept"] = "application/json"
        return response

    return checked


def _in_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The answer in the API's JSON, for a 404 or 405 that Django or ninja gave before any
    operation could (an unknown path; a method the path's operations do not take)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    if response.status_code == 405:
        return method_not_allowed(request, [m.strip() for m in response["Allow"].split(",")])
    if response.status_code == 404:
        return JsonResponse({"detail": f"the API has no operation at {request.path}: its "
                                       "operations are in /api/openapi.json"}, status=404)
    return response


class ApiAnswers:
    """Under /api/: HEAD answered as GET, whose body the server then leaves out (gunicorn,
    Django's runserver and its test client all do); 404 and 405 in JSON; writes never cached."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_api(request):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:  # ninja routes GET only: its operations answer HEAD as they answer GET
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        response = _in_json(request, response)
        if request.method not in SAFE_METHODS:
            add_never_cache_headers(response)
        return response


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
"""Everything from this site only: no inline script or style, no `eval`, no plugin; no
`<base>` to redirect relative links; framed by no one (as `X-Frame-Options: DENY` says to older
browsers); forms sent to this site only."""


class ContentSecurityPolicy:
    """Every HTML answer carries `CONTENT_SECURITY_POLICY`, unless its view set its own."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
