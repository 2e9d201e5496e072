"""The log's pages say each act in words, as the feeds and the follows' mails say it: its title
and summary (a text quoted in another language marked with its `lang` and `dir`, each name in
`<bdi>`), and the act's own pages; the codes a verifier matches stay beside. The browser says
a page of acts for the same queries as two. And the log's own work needs no other app: only its
URLconf names the pages that describe acts."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

import openpeace.log
from openpeace.core.log.note import Verifier
from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity.log_pages import PAGE
from tests.diplomacy.conftest import accepted, complete_offer, offer  # noqa: F401
from tests.log.conftest import append

RELEASED = "Offer of peace released: <bdi>Decree on Peace</bdi>"


def _index(kind: str, subject: str) -> int:
    index = Entry.objects.get(kind=kind, subject=subject).index
    assert index is not None
    return index


def test_an_offer_s_release_names_the_offer_and_links_its_page(
    accepted: Offer, log_key: Verifier, client: Client,  # noqa: F811
) -> None:
    log_integrate()
    index = _index("offer.released", "offer:peace-1917")
    page = client.get(f"/log/entries/{index}").content.decode()
    assert f'<p class="lede">{RELEASED}</p>' in page
    # the title says the act too, the name isolated as plain text can be (a <title> has no bdi)
    assert (f"<title>Log entry {index}: \u2068Offer of peace released: Decree on Peace\u2069"
            " · openpeace</title>") in page
    assert "<p>Released at once to the governments of 2 states and to their peoples" in page
    assert ('<p>Its page:</p>\n<ul><li><a href="/offers/peace-1917/"><bdi>Decree on Peace</bdi>'
            "</a></li></ul>") in page
    # the codes a verifier matches, the bytes and the proof, all still there, after the words
    assert "<dd><code>offer.released</code></dd>" in page
    assert "<dd><code>offer:peace-1917</code></dd>" in page
    said, records, proof = (page.index(text) for text in
                            ["What the act is", "What it records", "Its proof of inclusion"])
    assert said < page.index(RELEASED) < records < proof
    assert "The log signed a checkpoint over its first 5 entries." in page


def test_a_reply_is_quoted_in_the_language_it_was_sent_in(
    accepted: Offer, log_key: Verifier, client: Client,  # noqa: F811
) -> None:
    """The title is openpeace's sentence, in the page's language; the summary is the
    government's own words, marked with their language (and, for Ottoman Turkish, written right
    to left)."""
    log_integrate()
    german = client.get(
        f"/log/entries/{_index('reply.recorded', 'offer:peace-1917:germany')}").content.decode()
    assert '<p class="lede"><bdi>Germany</bdi> accepts an armistice</p>' in german
    assert '<p lang="de" dir="ltr">Ja.</p>' in german
    assert '<a href="/offers/peace-1917/"><bdi>Decree on Peace</bdi></a>' in german
    ottoman = client.get(
        f"/log/entries/{_index('reply.recorded', 'offer:peace-1917:ottoman-empire')}"
    ).content.decode()
    assert '<p lang="ota" dir="rtl">قبول</p>' in ottoman
    assert 'lang="de"' not in ottoman


def test_an_act_of_a_kind_no_sentence_knows_says_its_kind_in_words(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(1, kind="census.taken")  # a kind a future app might log: no sentence says it yet
    log_integrate()
    response = client.get("/log/entries/0")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="lede">Census taken (act:0)</p>' in page
    assert "<p>Act census.taken about act:0, log entry 0.</p>" in page
    assert "Its page" not in page  # it has none
    assert "<dd><code>census.taken</code></dd>" in page


def _copies(times: int) -> None:
    """Each entry of the log appended again `times` times: the same acts, described with the
    same rows of the register."""
    logged = [(e.kind, e.subject, json.loads(bytes(e.body))["content"])
              for e in Entry.objects.order_by("index")]
    with transaction.atomic():
        for _ in range(times):
            for kind, subject, content in logged:
                entry_append(kind=kind, subject=subject, content=content)
    log_integrate()


def _browsed(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/log/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_browser_says_each_act_in_words_for_the_same_queries_whatever_it_shows(
    accepted: Offer, log_key: Verifier, client: Client,  # noqa: F811
) -> None:
    """Describing needs the register (offers, states, their texts): read once a page, never
    once an entry."""
    log_integrate()
    few, queries = _browsed(client)
    acts = Entry.objects.count()
    assert acts == 5
    released = re.findall(rf'<a href="/log/entries/(\d+)">{re.escape(RELEASED)}</a>', few)
    assert released == [str(_index("offer.released", "offer:peace-1917"))]
    assert '<small class="muted"><code>offer.released</code></small>' in few  # the kind beside
    assert "<bdi>Germany</bdi> accepts an armistice</a>" in few
    _copies(PAGE // acts - 1)
    many, queries_for_many = _browsed(client)
    assert len(re.findall(r'<a href="/log/entries/\d+"', many)) == PAGE  # a full page
    assert len(re.findall(re.escape(RELEASED) + "</a>", many)) == PAGE // acts
    assert queries_for_many == queries


def test_only_the_log_s_urlconf_names_the_app_that_describes_acts() -> None:
    """Appending, integrating, proofs, export and the verifier load nothing of `publicity`:
    the log is the layer every app writes through, so it depends on none of them."""
    root = Path(openpeace.log.__file__).parent
    naming = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(m.startswith("openpeace.publicity") for m in modules):
                naming.add(path.relative_to(root).as_posix())
    assert naming == {"urls.py"}
