"""The log over HTTP, exactly as C2SP tlog-tiles and tlog-checkpoint lay it out, and its pages.

Any tlog client can read `/log/checkpoint`, `/log/tile/<L>/<N>[.p/<W>]` and
`/log/tile/entries/<N>[.p/<W>]` without knowing openpeace. Tiles never change once written
(a grown partial tile has a new path), so they are cached as immutable; the checkpoint moves,
so it is cached for a second at most.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page

from openpeace.core.log.tiles import TileError, parse_tile_path
from openpeace.log import keys, selectors
from openpeace.log.forms import EntryFilter
from openpeace.log.models import Content, Entry, LogFile
from openpeace.web.http import require_safe

IMMUTABLE = "public, max-age=31536000, immutable"
TEXT = "text/plain; charset=utf-8"


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = selectors.checkpoint_latest()
    if latest is None:
        raise Http404("The log has no checkpoint yet.")
    response = HttpResponse(latest.note, content_type=TEXT)
    response["Cache-Control"] = "public, max-age=1, must-revalidate"
    return response


@require_safe
@gzip_page
def tile(request: HttpRequest, path: str) -> HttpResponse:
    full = f"tile/{path}"
    try:
        parse_tile_path(full)
        data = selectors.file_read(full)
    except (TileError, LogFile.DoesNotExist):
        raise Http404(f"No log file at {full}.") from None
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    return response


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(keys.verifier().to_vkey() + "\n", content_type=TEXT)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def content(request: HttpRequest, sha256: str) -> HttpResponse:
    try:
        stored = Content.objects.get(sha256=sha256)
    except Content.DoesNotExist:
        raise Http404(f"No content with SHA-256 {sha256}.") from None
    response = HttpResponse(bytes(stored.data), content_type=stored.media_type)
    response["Cache-Control"] = IMMUTABLE
    return response


PAGE = 50
"""Entries on one page of the log browser."""


@require_safe
def browser(request: HttpRequest) -> HttpResponse:
    """The checkpoint, how to verify it, and the entries newest first, a page at a time,
    filtered by kind and subject (`?kind=`, `?subject=`, `?before=<index>`)."""
    form = EntryFilter(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    found = selectors.entry_list_recent(
        PAGE + 1, kind=filters.get("kind", ""), subject=filters.get("subject", ""),
        before=filters.get("before"),
    ) if valid else []
    entries = found[:PAGE]
    asked = {k: v for k in ("kind", "subject") if (v := filters.get(k))}
    older = urlencode({**asked, "before": entries[-1].index}) if len(found) > PAGE else None
    return render(
        request,
        "log/browser.html",
        {
            "checkpoint": selectors.checkpoint_latest(),
            "form": form,
            "entries": entries,
            "filtered": bool(asked),
            "before": filters.get("before"),  # a page further back: its title says which
            "newest": urlencode(asked) if filters.get("before") is not None else None,
            "older": older,
            "vkey": keys.verifier().to_vkey(),
        },
        status=200 if valid else 400,
    )


def _proof_or_404(index: int) -> selectors.EntryProof | None:
    try:
        return selectors.entry_proof(index)
    except Entry.DoesNotExist:
        raise Http404(f"No log entry at index {index}.") from None


@require_safe
def entry(request: HttpRequest, index: int) -> HttpResponse:
    proof = _proof_or_404(index)
    record = proof.entry if proof else selectors.entry_get(index)
    return render(
        request,
        "log/entry.html",
        {
            "entry": record,
            "body": bytes(record.body).decode("utf-8"),
            "proof": proof,
            "leaf_hash": base64.b64encode(proof.leaf_hash).decode() if proof else "",
            "hashes": [base64.b64encode(h).decode() for h in proof.hashes] if proof else [],
            "vkey": keys.verifier().to_vkey(),
        },
    )


@require_safe
def entry_tlog_proof(request: HttpRequest, index: int) -> HttpResponse:
    proof = _proof_or_404(index)
    if proof is None:
        raise Http404(f"Entry {index} is not yet covered by a checkpoint.")
    response = HttpResponse(proof.tlog_proof(), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="openpeace-{index}.tlog-proof"'
    return response


@require_safe
def entry_body(request: HttpRequest, index: int) -> HttpResponse:
    """The entry exactly as logged (its leaf hash is SHA-256(0x00 || these bytes))."""
    try:
        record = selectors.entry_get(index)
    except Entry.DoesNotExist:
        raise Http404(f"No log entry at index {index}.") from None
    response = HttpResponse(bytes(record.body), content_type="application/json")
    response["Cache-Control"] = IMMUTABLE
    return response
