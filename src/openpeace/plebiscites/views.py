"""Public pages of the plebiscites: thin views over `selectors`. They show how many ballots
were cast, never how anyone voted; the counts appear only with the result and its proofs."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openpeace.core.plebiscite import tracker_text
from openpeace.plebiscites import selectors
from openpeace.plebiscites.models import Plebiscite
from openpeace.web.http import require_safe

BOARD_PAGE = 200
CREDENTIAL = re.compile("[0-9a-f]{64}")


def _voting_open(plebiscite: Plebiscite) -> bool:
    return selectors.voting_refusal(plebiscite, timezone.now()) is None


def _plebiscite_or_404(pk: int) -> Plebiscite:
    found = selectors.plebiscites_public().filter(pk=pk).first()
    if found is None:
        raise Http404(f"No plebiscite {pk}")
    return found


@require_safe
def plebiscite_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plebiscites/plebiscite_list.html",
                  {"plebiscites": selectors.plebiscites_public()})


@require_safe
def plebiscite_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plebiscite = _plebiscite_or_404(pk)
    results = turnout = None
    if plebiscite.result is not None:
        results = list(zip(plebiscite.options, plebiscite.result["counts"], strict=True))
        if plebiscite.credentials:  # the counted ballots are one per credential that voted
            turnout = 100 * plebiscite.result["ballots"] / len(plebiscite.credentials)
    return render(request, "plebiscites/plebiscite_detail.html", {
        "plebiscite": plebiscite,
        "voting_open": _voting_open(plebiscite),
        "results": results,
        "turnout": turnout,
        "dealings": plebiscite.dealings.all(),
        "decryptions": plebiscite.decryptions.select_related("entry"),
        "audits": selectors.audits_on_board(plebiscite),
        "log_entries": _acts(plebiscite),
    })


def _acts(plebiscite: Plebiscite) -> list[object]:
    from openpeace.log.models import Entry

    return list(Entry.objects.filter(subject=f"plebiscite:{plebiscite.election_id}")
                .exclude(kind__in=["plebiscite.ballot_cast", "plebiscite.ballot_audited"])
                .order_by("pk"))


@require_safe
def plebiscite_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The public board: each cast ballot's tracker, in board order, with its log entry; with
    `?credential=<hex>`, only the ballots cast under that credential (where the booth sends a
    voter after casting)."""
    plebiscite = _plebiscite_or_404(pk)
    credential = request.GET.get("credential") or None
    if credential is not None and not CREDENTIAL.fullmatch(credential):
        return render(request, "plebiscites/plebiscite_board.html", {
            "plebiscite": plebiscite, "rows": [],
            "error": "A public credential is 64 hexadecimal digits (0-9, a-f).",
        }, status=400)
    page = Paginator(selectors.ballots_on_board(plebiscite, credential), BOARD_PAGE).get_page(
        request.GET.get("page"))
    rows = [(b, tracker_text(bytes.fromhex(b.tracker))) for b in page]
    return render(request, "plebiscites/plebiscite_board.html", {
        "plebiscite": plebiscite, "page": page, "rows": rows, "credential": credential})


@require_safe
def plebiscite_booth(request: HttpRequest, pk: int) -> HttpResponse:
    """The voting booth: the one page that needs JavaScript, since it encrypts the vote in the
    voter's browser (`booth/`, built into static/plebiscites/booth.js); without it, the page
    points to the Python client."""
    plebiscite = _plebiscite_or_404(pk)
    return render(request, "plebiscites/plebiscite_booth.html", {
        "plebiscite": plebiscite,
        "voting_open": _voting_open(plebiscite),
    })
