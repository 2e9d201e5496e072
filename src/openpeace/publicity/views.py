"""Pages of the endorsements: the form, the confirmation, the public tally (HTML and JSON).

Write paths are never cached (`no-store`); the tally is served with
`public, max-age=<tally interval>, stale-while-revalidate, stale-if-error`, like the petitions
service's (research/participation.md §1.6): the counts change only when the tally job runs,
so a crowd refreshing the page costs one rendering per interval at a cache: an HTTP cache in
front (bench/endorse.py: nginx's proxy_cache serves 46,000 requests/s), and the server's own
cache for a deployment without one.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import capfirst
from django.views.decorators.cache import cache_page

from openpeace.diplomacy import selectors as diplomacy
from openpeace.diplomacy.models import Offer
from openpeace.publicity import selectors, services
from openpeace.publicity.charts import over_time_svg
from openpeace.publicity.forms import EndorsementForm
from openpeace.publicity.maps import tally_map_svg
from openpeace.web.cross_origin import same_origin_writes
from openpeace.web.http import require_http_methods, require_safe


def _offer(key: str) -> Offer:
    """The released offer alone, by its name, with its endorsement period: these pages need
    none of its terms, texts or acts, and loading them was most of an endorsement's cost
    (bench/endorse.py)."""
    try:
        return (diplomacy.offer_list_public().select_related(None)
                .select_related("endorsement_period")
                .only("key", "title", "released_at", "endorsement_period__opens_at",
                      "endorsement_period__closes_at").get(key=key))
    except Offer.DoesNotExist:
        raise Http404(f"No released offer with key {key!r}") from None


def _cached(response: HttpResponse) -> HttpResponse:
    interval = int(settings.OPENPEACE_TALLY_INTERVAL)
    patch_cache_control(response, public=True, max_age=interval,
                        stale_while_revalidate=2 * interval, stale_if_error=5 * interval)
    return response


def client_address(request: HttpRequest) -> str | None:
    """The submitter's address, for the limits only (the endorsements' checks, the follows' cap
    per network): the peer's, or, when the peer is a trusted proxy
    (`OPENPEACE_TRUSTED_PROXIES`), the last address in `X-Forwarded-For` that is not one (the
    proxy appends the address it saw, so only that part is not the client's to write).
    Gunicorn leaves `REMOTE_ADDR` the proxy's."""
    address: str | None = request.META.get("REMOTE_ADDR") or None
    if address not in settings.OPENPEACE_TRUSTED_PROXIES:
        return address
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed([a for a in forwarded if a]):
        if hop not in settings.OPENPEACE_TRUSTED_PROXIES:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # not an address: the proxy did not write it
    return address


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_writes
@cache_page(settings.OPENPEACE_TALLY_INTERVAL)
def endorse(request: HttpRequest, key: str) -> HttpResponse:
    """The form is the same for everyone (it has no CSRF token: `same_origin_writes`), so it
    is served from caches like the tally; what is posted is never cached."""
    offer = _offer(key)
    if request.method != "POST":
        return _cached(render(request, "publicity/endorse.html", _endorse_page(
            offer, EndorsementForm())))
    form = EndorsementForm(request.POST)
    if form.is_valid():
        try:
            services.endorsement_submit(
                offer=offer, contact=form.cleaned_data["contact"],
                country=form.cleaned_data["country"], region=form.cleaned_data["region"],
                name=form.cleaned_data["name"], address=client_address(request),
            )
        except services.EndorsementRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            return _no_store(redirect("publicity:endorsement-sent", key=offer.key))
    return _no_store(render(request, "publicity/endorse.html", _endorse_page(offer, form),
                            status=400))


def _endorse_page(offer: Offer, form: EndorsementForm) -> dict[str, Any]:
    """The form while the endorsements are open; else when they open, or closed."""
    period, now = selectors.period_of(offer), timezone.now()
    return {"offer": offer, "form": form, "period": period, "now": now,
            "open": period is not None and period.is_open(now)}


@require_safe
@cache_page(settings.OPENPEACE_TALLY_INTERVAL)
def endorsement_sent(request: HttpRequest, key: str) -> HttpResponse:
    """The same page for a new endorsement, a duplicate and a suspect one: so it is cached."""
    return _cached(render(request, "publicity/sent.html", {"offer": _offer(key)}))


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_writes
def endorsement_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows what it confirms, and a button; pressing it confirms (a mail
    scanner that follows links confirms nothing). Pressing it twice is harmless. The link is
    the authority, so the page needs no CSRF token (`same_origin_writes`); it is never cached,
    as it holds the link.

    A link that cannot confirm says so as soon as it is opened: 404 when it is not a link of
    ours, 410 when its endorsements have closed (400 when the button is pressed anyway)."""
    try:
        if request.method != "POST":
            endorsement = services.endorsement_link_judge(token=token)
            return _no_store(render(request, "publicity/confirm.html",
                                    {"token": token, "endorsement": endorsement}))
        endorsement = services.endorsement_confirm(token=token)
    except services.EndorsementRefused as refused:  # a sentence, without the button: pressing
        # it again would be refused again (a link that is not valid, a period that is closed)
        said = capfirst(str(refused).strip().rstrip(".")) + "."
        closed = refused.offer if isinstance(refused, services.EndorsementsClosed) else None
        status = 400 if request.method == "POST" else 410 if closed else 404
        return _no_store(render(request, "publicity/confirm.html",
                                {"token": token, "error": said, "closed": closed},
                                status=status))
    return _no_store(render(request, "publicity/confirmed.html", {"offer": endorsement.offer}))


@require_safe
@cache_page(settings.OPENPEACE_TALLY_INTERVAL)
def tally(request: HttpRequest, key: str) -> HttpResponse:
    offer = _offer(key)
    data = selectors.tally_json(offer)
    return _cached(render(request, "publicity/tally.html", {
        "offer": offer, "tally": data, "period": selectors.period_of(offer),
        "chart": over_time_svg(data["over_time"]), "map": tally_map_svg(data["countries"]),
        "json_url": reverse("publicity:tally-json", args=[offer.key]),
    }))


@require_safe
@cache_page(settings.OPENPEACE_TALLY_INTERVAL)
def tally_json(request: HttpRequest, key: str) -> HttpResponse:
    """The tally as JSON; an unknown offer is a 404 in JSON too, for the programs that read it."""
    try:
        offer = _offer(key)
    except Http404 as missing:
        return JsonResponse({"detail": str(missing)}, status=404)
    return _cached(JsonResponse(selectors.tally_json(offer)))


@require_safe
def mail_rules(request: HttpRequest) -> HttpResponse:
    """The mail-domain rules in force, as published data (the file, as JSON)."""
    import yaml

    document = yaml.safe_load(settings.OPENPEACE_MAIL_RULES.read_text(encoding="utf-8"))
    return _cached(HttpResponse(json.dumps(document, indent=2, sort_keys=True),
                                content_type="application/json"))
