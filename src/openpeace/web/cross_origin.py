"""Cross-origin protection for the public forms that borrow no one's session.

A CSRF token protects the authority a browser carries for its user (a session cookie). The
endorsement and its confirmation carry none: anyone may submit, and the confirmation's
authority is the secret in its link. What a cross-site page could still do is make its
visitors' browsers submit endorsements from their addresses, laundering a campaign through
other people's networks past the per-address limits. Refusing cross-origin writes stops that
without a token, so these forms' pages can be the same for everyone and cached
(research/participation.md §1.6: the petitions service serves its pages from a cache).

The check is Go's `net/http.CrossOriginProtection` (Go 1.25), after Filippo Valsorda's
"Cross-Site Request Forgery" (2025): a browser says where a request comes from in
`Sec-Fetch-Site` (W3C Fetch Metadata; every current browser sends it); a browser too old for it
sends `Origin`, compared with the host; a request with neither is not a browser's, and carries
no one else's authority.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = Callable[..., HttpResponse]


def cross_origin(request: HttpRequest) -> str:
    """The header that shows this request to be a cross-origin write, or '' if it is not one."""
    if request.method in SAFE_METHODS:
        return ""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return "" if site in ("same-origin", "none") else f"Sec-Fetch-Site: {site}"
    origin = request.headers.get("Origin")
    if origin is None or urlsplit(origin).netloc == request.get_host():
        return ""
    return f"Origin: {origin}"


def same_origin_writes(view: View) -> View:
    """The view takes writes only from its own site's pages, and needs no CSRF token.

    A write from elsewhere is refused on a page of the site, in the reader's language, saying
    what to do (the same page as a CSRF failure, `web.views.csrf_failure`): a bare text
    refusal would have no language, no direction and no way back (WCAG 2.2, 3.1.1 Language of
    Page; 3.3.3 Error Suggestion)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if elsewhere := cross_origin(request):
            return render(request, "web/csrf_failure.html", {"elsewhere": elsewhere},
                          status=403)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
