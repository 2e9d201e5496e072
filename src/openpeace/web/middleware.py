"""Refuse NUL characters at the edge, before any query can see them.

PostgreSQL cannot store or compare text containing NUL (0x00), so a parameter carrying one
would turn a harmless filter into a server error deep inside a query. Every path and query
parameter is checked here, once, and refused naming the parameter: 422 in the API's
documented shape, 400 on pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from openpeace.world.schemas import invalid_body


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            location, where = "path", "the path"
        else:
            name = next(
                (name for name, values in request.GET.lists()
                 if "\x00" in name or any("\x00" in v for v in values)),
                None,
            )
            if name is None:
                return self.get_response(request)
            location, where = f"query.{name}", f"the parameter {name!r}"
        message = f"{where} contains a NUL character, which no text here may contain"
        if request.path.startswith("/api/"):
            # The API's documented answer to an invalid request (see openpeace.api).
            return JsonResponse(invalid_body([(location, message)]), status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
