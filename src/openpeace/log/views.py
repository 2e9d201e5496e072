"""The log over HTTP, exactly as C2SP tlog-tiles and tlog-checkpoint lay it out, each entry's
bytes and proof. Its pages for people, which say each act in words and so read every app, are
`publicity.log_pages` (the URLconf names them with these).

Any tlog client can read `/log/checkpoint`, `/log/tile/<L>/<N>[.p/<W>]` and
`/log/tile/entries/<N>[.p/<W>]` without knowing openpeace. Tiles never change once written
(a grown partial tile has a new path), so they are cached as immutable; the checkpoint moves,
so it is cached for a second at most.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page

from openpeace.core.log.tiles import TileError, parse_tile_path
from openpeace.log import keys, selectors
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


def entry_proof_or_404(index: int) -> selectors.EntryProof | None:
    """The proof that entry `index` is in the latest checkpoint (None if none covers it yet);
    404 if there is no such entry. Its page (`publicity.log_pages.entry`) reads it too."""
    try:
        return selectors.entry_proof(index)
    except Entry.DoesNotExist:
        raise Http404(f"No log entry at index {index}.") from None


@require_safe
def entry_tlog_proof(request: HttpRequest, index: int) -> HttpResponse:
    proof = entry_proof_or_404(index)
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
