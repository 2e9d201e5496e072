"""The transparency log's pages for people: the browser (`/log/`) and one page per entry
(`/log/entries/<n>`), each act said in words beside the codes a verifier matches.

They are here, not in the `log` app, because saying an act in words reads every app: its title
and summary are `feeds.acts.describe`'s, from the register of offers, treaties, states and
nationalities (`feeds.register.Register`), as the feeds and the follows' mails say it. The `log`
app is the layer every app writes through; it keeps what a tlog client and a verifier read (the
checkpoint, tiles, contents, each entry's bytes and proof) and depends on no other app for
them. Its URLconf names these two views, so their addresses and names (`log:browser`,
`log:entry`) are the log's as before; nothing else in the log imports this.

A page describes its acts with one `Register`, whose maps are each read once, whatever the
number of entries shown: a page of the browser costs the same queries for 2 acts as for 50
(but for an act whose content was too large to be inlined in its entry, which `describe` reads
by its hash, one query each).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openpeace.log import keys
from openpeace.log import selectors as log_selectors
from openpeace.log.forms import EntryFilter
from openpeace.log.models import Entry
from openpeace.log.views import entry_proof_or_404
from openpeace.publicity.feeds.acts import Act, describe, site_language
from openpeace.publicity.feeds.marked import Marked
from openpeace.publicity.feeds.register import Register
from openpeace.web.http import require_safe

PAGE = 50
"""Entries on one page of the log browser."""


@dataclass(frozen=True)
class Shown:
    """An act as a page of the log shows it: its title and summary marked for HTML."""

    act: Act
    title: Marked
    summary: Marked


def _shown(entry: Entry, register: Register) -> Shown:
    act = describe(entry, register)
    page = site_language()
    return Shown(act, Marked.of(act.title, page), Marked.of(act.summary, page))


@require_safe
def browser(request: HttpRequest) -> HttpResponse:
    """The checkpoint, how to verify it, and the entries newest first, a page at a time,
    filtered by kind and subject (`?kind=`, `?subject=`, `?before=<index>`)."""
    form = EntryFilter(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    found = log_selectors.entry_list_recent(
        PAGE + 1, kind=filters.get("kind", ""), subject=filters.get("subject", ""),
        before=filters.get("before"),
    ) if valid else []
    entries = found[:PAGE]
    asked = {k: v for k in ("kind", "subject") if (v := filters.get(k))}
    older = urlencode({**asked, "before": entries[-1].index}) if len(found) > PAGE else None
    register = Register()
    return render(
        request,
        "log/browser.html",
        {
            "checkpoint": log_selectors.checkpoint_latest(),
            "form": form,
            "acts": [_shown(entry, register) for entry in entries],
            "filtered": bool(asked),
            "before": filters.get("before"),  # a page further back: its title says which
            "newest": urlencode(asked) if filters.get("before") is not None else None,
            "older": older,
            "vkey": keys.verifier().to_vkey(),
        },
        status=200 if valid else 400,
    )


@require_safe
def entry(request: HttpRequest, index: int) -> HttpResponse:
    """One entry: the act in words and its own pages, its kind and subject as the log names
    them, its exact bytes, and its proof of inclusion."""
    proof = entry_proof_or_404(index)
    record = proof.entry if proof else log_selectors.entry_get(index)
    return render(
        request,
        "log/entry.html",
        {
            "entry": record,
            "shown": _shown(record, Register()),
            "body": bytes(record.body).decode("utf-8"),
            "proof": proof,
            "leaf_hash": base64.b64encode(proof.leaf_hash).decode() if proof else "",
            "hashes": [base64.b64encode(h).decode() for h in proof.hashes] if proof else [],
            "vkey": keys.verifier().to_vkey(),
        },
    )
