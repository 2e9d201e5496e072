"""The Atom feeds of every public act: valid Atom 1.0, each item linking its log entry and its
inclusion proof, one feed per state and per language, secret treaties never in them.

Validity is checked by a real validator: libxml2's RELAX NG (through lxml) with the schema of
RFC 4287 Appendix B, verbatim in `rfc4287.rnc`, and the Schematron rules that schema carries as
annotations, evaluated as XPath; then the rules of RFC 4287 that no schema expresses.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import rnc2rng
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from lxml import etree

from openpeace.core.log.note import Verifier
from openpeace.core.log.proof import verify_proof
from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log import keys
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity.feeds import selectors
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import ArmisticeFacts, OfferFacts, Register, TreatyFacts
from openpeace.treaties.models import Treaty
from openpeace.treaties.services import treaty_publish
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.models import State
from tests.diplomacy.conftest import write_texts
from tests.treaties.conftest import MINI_TREATIES

ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE = settings.OPENPEACE_SITE_URL
SCHEMATRON = "{http://www.ascc.net/xml/schematron}"
NS = {"atom": ATOM, "fh": FH}
RFC4287_RNC = Path(__file__).with_name("rfc4287.rnc")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=120, stale-if-error=300"


# ------------------------------------------------------------------ the validator


@cache
def atom_schema() -> tuple[etree.RelaxNG, list[tuple[str, str, str]]]:
    """RFC 4287's RELAX NG schema, and its Schematron rules as (context, test, message)."""
    rng = rnc2rng.dumps(rnc2rng.loads(RFC4287_RNC.read_text(encoding="utf-8")))
    # rnc2rng declares the schema's `namespace local = ""` as xmlns:local="", which XML
    # namespaces forbid; the grammar never uses the prefix (it writes `<nsName ns=""/>`).
    grammar = etree.fromstring(rng.replace('xmlns:local=""', "").encode())
    rules = [(rule.get("context"), check.get("test"), " ".join(check.text.split()))
             for rule in grammar.iter(f"{SCHEMATRON}rule")
             for check in rule.iter(f"{SCHEMATRON}assert")]
    return etree.RelaxNG(grammar), rules


def absolute(iri: str) -> bool:
    parts = urlsplit(iri)
    return bool(parts.scheme and parts.netloc)


def valid_atom(data: bytes) -> Any:
    """The feed document, once it has passed every check; fails naming what is wrong."""
    document = etree.fromstring(data)
    schema, rules = atom_schema()
    assert schema.validate(document), str(schema.error_log)
    assert len(rules) == 3  # the schema's three Schematron assertions, all checked
    for context, test, message in rules:
        for node in document.xpath(f"descendant-or-self::{context}", namespaces=NS):
            assert node.xpath(f"boolean({test})", namespaces=NS), message
    # What RFC 4287 says in words rather than in its schema:
    ids = document.xpath("//atom:id/text()", namespaces=NS)
    assert len(ids) == len(set(ids)), "atom:id values are unique"  # §4.1.1, §4.2.6
    assert all(absolute(i) for i in ids), "an atom:id is an absolute IRI"  # §4.2.6
    hrefs = document.xpath("//atom:link/@href", namespaces=NS)
    assert all(absolute(h) for h in hrefs)
    for owner in [document, *document.xpath("atom:entry", namespaces=NS)]:
        alternates = [(link.get("type"), link.get("hreflang"))
                      for link in owner.xpath("atom:link[@rel='alternate']", namespaces=NS)]
        assert len(alternates) == len(set(alternates))  # §4.1.1, §4.1.2
    dates = document.xpath("//atom:updated/text() | //atom:published/text()", namespaces=NS)
    assert all(RFC3339.fullmatch(d) for d in dates), "Date constructs are RFC 3339"  # §3.3
    # Ours: the feed's language is always declared, and its `updated` is its latest act's.
    assert document.get(XML_LANG)
    updated = [parse_date(d) for d in document.xpath("atom:entry/atom:updated/text()",
                                                     namespaces=NS)]
    if updated:
        feed_updated = document.xpath("atom:updated/text()", namespaces=NS)[0]
        assert parse_date(feed_updated) == max(updated)
    return document


def parse_date(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_validator_refuses_what_rfc_4287_refuses() -> None:
    """The checks are not vacuous: a feed without its id, an entry without a link or content,
    a relative id each fail."""
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>t</title>'
            b"<id>https://example.org/feed</id><updated>2024-01-01T00:00:00Z</updated>"
            b"<author><name>a</name></author>%s</feed>")
    entry = (b"<entry><title>e</title><id>%s</id><updated>2024-01-01T00:00:00Z</updated>%s"
             b"</entry>")
    link = b'<link href="https://example.org/1"/>'
    valid_atom(good % (entry % (b"https://example.org/1", link)))
    with pytest.raises(AssertionError):
        valid_atom(good.replace(b"<id>https://example.org/feed</id>", b"") % b"")
    with pytest.raises(AssertionError, match="atom:link element"):
        valid_atom(good % (entry % (b"https://example.org/1", b"")))
    with pytest.raises(AssertionError, match="absolute IRI"):
        valid_atom(good % (entry % (b"/1", link)))


# ------------------------------------------------------------------ the situation


@pytest.fixture
def log_key(settings: Any, tmp_path: Path) -> Any:
    settings.DATA_DIR = tmp_path
    keys.signer.cache_clear()
    yield keys.verifier()
    keys.signer.cache_clear()


@pytest.fixture
def secret(loaded: Situation, log_key: Verifier) -> dict[str, Treaty]:
    """The small register with two secret treaties and nothing else done."""
    treaties = {t.key: t for t in treaties_import(MINI_TREATIES)}
    log_integrate()
    return treaties


@pytest.fixture
def process(secret: dict[str, Treaty]) -> Offer:
    """An offer from Russia to Germany and the Ottoman Empire, released; Germany accepts an
    armistice, the Ottoman Empire rejects; the Straits Pact (Russia, France) published, the
    Finnish Note (Russia, Germany, in German) still secret; everything integrated."""
    offer = Offer.objects.create(
        key="peace-1917", title="Decree on Peace",
        proposing_state=State.objects.get(key="russia"),
        reply_deadline=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
        terms={"principles": ["peace without annexations or indemnities"],
               "armistice": {"term_days": 90}},
    )
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    offer_release(offer=offer)
    for key, kind, text, language in [
        ("germany", "accepts_armistice", "Die Antwort Deutschlands.", "de"),
        ("ottoman-empire", "rejects", "دولت عثمانیه نك جوابی", "ota"),
    ]:
        envoy = envoy_issue(state=State.objects.get(key=key), label=key).envoy
        reply_record(envoy=envoy, offer=offer, kind=kind, text=text, language=language)
    treaty_publish(treaty=secret["straits-pact"])
    log_integrate()
    return offer


def feed(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Cache-Control"] == CACHE_CONTROL
    return valid_atom(response.content)


def entries(document: Any) -> dict[str, Any]:
    """The feed's entries by the kind of act (its category) and subject, as `kind subject`."""
    found = {}
    for entry in document.xpath("atom:entry", namespaces=NS):
        index = int(entry.findtext(f"{{{ATOM}}}id").rsplit("/", 1)[1])
        logged = Entry.objects.get(index=index)
        found[f"{logged.kind} {logged.subject}"] = entry
    return found


def feed_urls(client: Client) -> list[str]:
    page = client.get("/feeds/").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    return [urlsplit(url).path for url in re.findall(r'href="([^"]+\.atom)"', main)]


# ------------------------------------------------------------------ the feeds


def test_every_feed_listed_is_valid_atom(process: Offer, client: Client) -> None:
    urls = feed_urls(client)
    assert "/feeds/languages/en.atom" in urls and "/feeds/states/germany.atom" in urls
    assert len(urls) == len(set(urls)) == 7 + 4  # seven languages, four states
    for url in urls:
        document = feed(client, url)
        assert document.xpath("atom:link[@rel='self']/@href", namespaces=NS) == [
            f"{SITE}{url}"]


def test_the_ids_are_the_sites_whatever_host_was_asked(process: Offer, client: Client,
                                                       settings: Any) -> None:
    """An entry's id is permanent (RFC 4287 §4.2.6): a site reached under another name, or
    behind a proxy that rewrites the host, gives every act the same id."""
    settings.ALLOWED_HOSTS = ["testserver", "peace.example"]
    ids = [feed(Client(HTTP_HOST=host), "/feeds/languages/en.atom").xpath(
        "atom:entry/atom:id/text()", namespaces=NS) for host in ("testserver", "peace.example")]
    assert ids[0] == ids[1] and all(i.startswith(f"{SITE}/log/entries/") for i in ids[0])


def test_each_entry_links_its_log_entry_and_a_proof_that_verifies(
    process: Offer, client: Client
) -> None:
    verifier = Verifier.from_vkey(client.get("/log/key").content.decode().strip())
    document = feed(client, "/feeds/languages/en.atom")
    items = document.xpath("atom:entry", namespaces=NS)
    assert len(items) == Entry.objects.count()  # every act: the situation, the release, ...
    for item in items:
        entry_id = item.findtext(f"{{{ATOM}}}id")
        index = int(re.fullmatch(rf"{re.escape(SITE)}/log/entries/(\d+)", entry_id)[1])
        logged = Entry.objects.get(index=index)
        links = {(link.get("rel"), link.get("type")): link.get("href")
                 for link in item.iterfind(f"{{{ATOM}}}link")}
        assert links[("alternate", "text/html")] == entry_id
        assert client.get(urlsplit(entry_id).path).status_code == 200
        proof = client.get(urlsplit(links[("related", "application/octet-stream")]).path)
        assert proof.status_code == 200
        body = client.get(urlsplit(links[("related", "application/json")]).path).content
        assert body == bytes(logged.body)
        checkpoint = verify_proof(proof.content, body, [verifier])
        assert checkpoint.size > index
        recorded = logged.recorded_at
        assert parse_date(item.findtext(f"{{{ATOM}}}published")) == recorded
        assert parse_date(item.findtext(f"{{{ATOM}}}updated")) == recorded
        assert item.find(f"{{{ATOM}}}category").get("term") == logged.kind
        for (rel, kind), href in links.items():
            if rel == "related" and kind == "text/html":  # the act's own pages
                assert client.get(urlsplit(href).path).status_code == 200, href


def test_the_acts_link_their_own_pages(process: Offer, client: Client) -> None:
    acts = entries(feed(client, "/feeds/languages/en.atom"))

    def pages(key: str) -> set[str]:
        return {urlsplit(link.get("href")).path for link in acts[key].iterfind(f"{{{ATOM}}}link")
                if link.get("rel") == "related" and link.get("type") == "text/html"}

    assert pages("offer.released offer:peace-1917") == {"/offers/peace-1917/"}
    assert pages("reply.recorded offer:peace-1917:germany") == {"/offers/peace-1917/"}
    assert pages("treaty.published treaty:straits-pact") == {"/treaties/straits-pact/"}
    assert pages("situation.loaded situation:mini") == {"/"}
    german = entries(feed(client, "/feeds/languages/de.atom"))
    links = german["offer.released offer:peace-1917"].iterfind(f"{{{ATOM}}}link")
    assert {(urlsplit(link.get("href")).path, link.get("hreflang")) for link in links
            if link.get("hreflang")} == {
        ("/offers/peace-1917/proclamations/germany-people/de/", "de"),
        ("/offers/peace-1917/notes/germany/de/", "de"),
    }


def test_a_state_feed_has_the_acts_concerning_it_and_no_other(process: Offer,
                                                             client: Client) -> None:
    germany = entries(feed(client, "/feeds/states/germany.atom"))
    assert set(germany) == {
        "situation.loaded situation:mini",
        "offer.released offer:peace-1917",
        "reply.recorded offer:peace-1917:germany",
        "offer.status_changed offer:peace-1917",
    }
    assert "reply.recorded offer:peace-1917:ottoman-empire" not in germany
    assert "treaty.published treaty:straits-pact" not in germany
    # The note to Germany, in German, is the release's summary in Germany's feed.
    summary = germany["offer.released offer:peace-1917"].find(f"{{{ATOM}}}summary")
    assert (summary.text, summary.get(XML_LANG)) == ("Note (de).", "de")
    assert germany["reply.recorded offer:peace-1917:germany"].findtext(
        f"{{{ATOM}}}title") == "Germany accepts an armistice"
    ottoman = entries(feed(client, "/feeds/states/ottoman-empire.atom"))
    assert "reply.recorded offer:peace-1917:ottoman-empire" in ottoman
    assert "reply.recorded offer:peace-1917:germany" not in ottoman
    france = entries(feed(client, "/feeds/states/france.atom"))
    assert "treaty.published treaty:straits-pact" in france
    assert "offer.released offer:peace-1917" not in france  # not addressed to France
    russia = entries(feed(client, "/feeds/states/russia.atom"))  # the proposing state
    assert {"offer.released offer:peace-1917", "reply.recorded offer:peace-1917:germany",
            "reply.recorded offer:peace-1917:ottoman-empire",
            "treaty.published treaty:straits-pact"} <= set(russia)


def test_a_language_feed_speaks_its_language_where_the_act_has_a_text(
    process: Offer, client: Client
) -> None:
    german = feed(client, "/feeds/languages/de.atom")
    assert german.get(XML_LANG) == "de"
    acts = entries(german)
    release = acts["offer.released offer:peace-1917"]
    assert release.get(XML_LANG) is None  # in the feed's own language: German
    assert release.findtext(f"{{{ATOM}}}title") == "Peace (de)"
    assert release.findtext(f"{{{ATOM}}}summary") == "Proclamation in de."
    reply = acts["reply.recorded offer:peace-1917:germany"]  # no German text: the site's
    assert reply.get(XML_LANG) == "en"
    assert german.find(f"{{{ATOM}}}title").get(XML_LANG) == "en"
    ottoman = entries(feed(client, "/feeds/languages/ota.atom"))
    assert ottoman["offer.released offer:peace-1917"].findtext(f"{{{ATOM}}}title") == \
        "Peace (ota)"
    assert ottoman["treaty.published treaty:straits-pact"].findtext(f"{{{ATOM}}}title") == \
        "بوغازلر حقنده گیزلی معاهده"
    french = entries(feed(client, "/feeds/languages/fr.atom"))
    pact = french["treaty.published treaty:straits-pact"]
    assert pact.get(XML_LANG) is None
    assert pact.findtext(f"{{{ATOM}}}title") == "Pacte secret des Détroits"
    assert pact.findtext(f"{{{ATOM}}}summary").startswith("La Russie recevra Constantinople")
    english = feed(client, "/feeds/languages/en.atom")
    assert english.get(XML_LANG) == "en"
    assert not english.xpath("atom:entry[@xml:lang]", namespaces=NS)
    # Each says which language it falls back on, but the site's own, which needs none.
    assert german.findtext(f"{{{ATOM}}}subtitle").endswith("where the act has a published "
                                                           "text in it, otherwise in English.")
    assert english.findtext(f"{{{ATOM}}}subtitle") == (
        "Each act links its entry in the transparency log and its proof of inclusion.")


def test_a_reply_is_quoted_in_the_language_it_was_sent_in_in_every_feed(
    process: Offer, client: Client
) -> None:
    """The title is openpeace's, in the feed's language; the summary is the government's own
    reply, marked with the language it logged: German, Ottoman Turkish."""
    for url, subject, text, tag in [
        ("/feeds/languages/en.atom", "germany", "Die Antwort Deutschlands.", "de"),
        ("/feeds/languages/de.atom", "germany", "Die Antwort Deutschlands.", "de"),
        ("/feeds/states/germany.atom", "germany", "Die Antwort Deutschlands.", "de"),
        ("/feeds/languages/en.atom", "ottoman-empire", "دولت عثمانیه نك جوابی", "ota"),
        ("/feeds/states/ottoman-empire.atom", "ottoman-empire", "دولت عثمانیه نك جوابی", "ota"),
    ]:
        act = entries(feed(client, url))[f"reply.recorded offer:peace-1917:{subject}"]
        summary = act.find(f"{{{ATOM}}}summary")
        assert summary.text == text, url
        assert summary.xpath("string(ancestor-or-self::*[@xml:lang][1]/@xml:lang)") == tag, url
        assert act.findtext(f"{{{ATOM}}}title").startswith(("Germany", "Ottoman Empire"))


def test_a_reply_logged_before_replies_named_their_language_is_summarised_in_the_sites(
    process: Offer,
) -> None:
    """Its text has no known language: it is not quoted as though it were in the site's."""
    from openpeace.publicity.feeds.acts import describe

    entry_append(kind="reply.recorded", subject="offer:peace-1917:germany",
                 content={"offer": "peace-1917", "state": "germany", "reply": "rejects",
                          "text": "Nein.", "stage": {"from": "offered", "to": "rejected"}})
    log_integrate()
    act = describe(Entry.objects.filter(kind="reply.recorded").latest("index"), Register())
    assert (act.summary.text, act.summary.language) == (
        "The government of Germany replies to Decree on Peace. Its process moves from "
        "offered, awaiting a reply to rejected.", "en")


def test_the_languages_with_feeds_are_the_sites_and_the_published_texts(process: Offer) -> None:
    assert [language.tag for language in selectors.feed_languages()] == [
        "ar", "de", "en", "fr", "hy", "ota", "ru"]  # Finnish: no text published in it
    ottoman = selectors.feed_language("OTA")
    assert ottoman is not None and (ottoman.tag, ottoman.direction) == ("ota", "rtl")


def test_a_secret_treaty_never_appears(secret: dict[str, Treaty], client: Client) -> None:
    """Before anything is published, only the site's language has a feed; once the Straits
    Pact is published, the Finnish Note (Russia, Germany, in German) is still nowhere."""
    assert feed_urls(client)[:1] == ["/feeds/languages/en.atom"]
    assert client.get("/feeds/languages/de.atom").status_code == 404
    treaty_publish(treaty=secret["straits-pact"])
    log_integrate()
    urls = feed_urls(client)
    assert "/feeds/languages/de.atom" not in urls
    assert b"straits-pact" in client.get("/feeds/states/france.atom").content
    for url in urls:
        data = client.get(url).content
        for secret_word in [b"finnish-note", b"Finnish", b"finnische"]:
            assert secret_word not in data, (url, secret_word)


def test_only_integrated_acts_are_listed(process: Offer, client: Client) -> None:
    before = entries(feed(client, "/feeds/languages/en.atom"))
    with transaction.atomic():
        waiting = entry_append(kind="state.noted", subject="state:germany", content={"n": 1})
    assert set(entries(feed(client, "/feeds/languages/en.atom"))) == set(before)
    log_integrate()
    waiting.refresh_from_db()
    assert waiting.index is not None
    after = entries(feed(client, "/feeds/states/germany.atom"))
    noted = after["state.noted state:germany"]  # a subject naming a state concerns it
    # An act the feeds know nothing of yet still reads, about what its page names, and links
    # the state's page.
    assert noted.findtext(f"{{{ATOM}}}title") == "State noted (Germany)"
    assert f"{SITE}/states/germany/" in noted.xpath("atom:link/@href", namespaces=NS)


def test_the_ballots_of_a_plebiscite_are_left_out(process: Offer, client: Client) -> None:
    with transaction.atomic():
        entry_append(kind="plebiscite.ballot_cast", subject="plebiscite:e1", content={"n": 1})
    log_integrate()
    assert not any(key.startswith("plebiscite.ballot_cast")
                   for key in entries(feed(client, "/feeds/languages/en.atom")))


def test_the_feed_is_updated_when_its_latest_act_was_recorded(process: Offer,
                                                              client: Client) -> None:
    document = feed(client, "/feeds/states/germany.atom")
    listed = [Entry.objects.get(kind=key.split()[0], subject=key.split()[1])
              for key in entries(document)]
    latest = max(entry.recorded_at for entry in listed)
    assert parse_date(document.findtext(f"{{{ATOM}}}updated")) == latest
    assert latest < Entry.objects.get(kind="treaty.published").recorded_at  # not Germany's


def test_unknown_states_and_languages_are_404_saying_why(process: Offer,
                                                         client: Client) -> None:
    missing = client.get("/feeds/states/atlantis.atom")
    assert missing.status_code == 404
    assert "No state with key &#x27;atlantis&#x27;" in missing.content.decode()
    missing = client.get("/feeds/languages/fi.atom")
    assert missing.status_code == 404
    assert "No feed in the language &#x27;fi&#x27;: there are feeds in ar, de, en, fr, hy, " \
        "ota, ru" in missing.content.decode()
    assert client.get("/feeds/languages/not_a_tag.atom").status_code == 404
    assert client.get("/feeds/states/germany.rss").status_code == 404


def test_query_parameters_are_ignored(process: Offer, client: Client) -> None:
    plain = client.get("/feeds/states/germany.atom").content
    asked = client.get("/feeds/states/germany.atom", {"page": "x", "lang": "fr", "limit": "-1"})
    assert asked.status_code == 200 and asked.content == plain


def test_archive_pages_rfc_5005(process: Offer, client: Client,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of two acts: the subscription document holds the latest two and points to the last
    complete archive; the archives chain back to the first act, and together hold them all."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    total = Entry.objects.count()
    current = feed(client, "/feeds/languages/en.atom")
    assert len(current.xpath("atom:entry", namespaces=NS)) == 2
    assert not current.xpath("fh:archive", namespaces=NS)
    seen = set(current.xpath("atom:entry/atom:id/text()", namespaces=NS))
    previous = current.xpath("atom:link[@rel='prev-archive']/@href", namespaces=NS)
    assert previous == [f"{SITE}/feeds/languages/en/{total // 2}.atom"]
    pages = 0
    while previous:
        archive = feed(client, urlsplit(previous[0]).path)
        pages += 1
        assert archive.xpath("fh:archive", namespaces=NS)
        assert archive.xpath("atom:link[@rel='current']/@href", namespaces=NS) == [
            f"{SITE}/feeds/languages/en.atom"]
        assert archive.findtext(f"{{{ATOM}}}id") == current.findtext(f"{{{ATOM}}}id")
        ids = archive.xpath("atom:entry/atom:id/text()", namespaces=NS)
        assert len(ids) == 2
        seen |= set(ids)
        previous = archive.xpath("atom:link[@rel='prev-archive']/@href", namespaces=NS)
    assert pages == total // 2 and len(seen) == total
    first = feed(client, "/feeds/languages/en/1.atom")
    assert first.xpath("atom:link[@rel='next-archive']/@href", namespaces=NS) == [
        f"{SITE}/feeds/languages/en/2.atom"]
    assert [e.rsplit("/", 1)[1] for e in first.xpath("atom:entry/atom:id/text()",
                                                      namespaces=NS)] == ["1", "0"]
    state = feed(client, "/feeds/states/germany.atom")
    assert state.xpath("atom:link[@rel='prev-archive']/@href", namespaces=NS)
    feed(client, "/feeds/states/germany/1.atom")
    for url, message in [("/feeds/languages/en/0.atom", "numbered from 1"),
                         (f"/feeds/languages/en/{total}.atom", "complete archive pages"),
                         ("/feeds/states/germany/99.atom", "complete archive pages")]:
        answer = client.get(url)
        assert answer.status_code == 404 and message in answer.content.decode(), url


def test_before_anything_is_integrated_the_feeds_are_valid_and_empty(
    loaded: Situation, log_key: Verifier, client: Client
) -> None:
    assert Entry.objects.filter(index__isnull=True).exists()  # the situation, not integrated
    for url in ["/feeds/languages/en.atom", "/feeds/states/germany.atom"]:
        document = feed(client, url)
        assert not document.xpath("atom:entry", namespaces=NS)
        assert document.findtext(f"{{{ATOM}}}updated") == "1970-01-01T00:00:00+00:00"


def test_a_feed_is_only_read(process: Offer, client: Client) -> None:
    for url in ["/feeds/languages/en.atom", "/feeds/states/germany/1.atom", "/feeds/"]:
        assert client.post(url).status_code == 405
    assert client.head("/feeds/states/germany.atom").status_code == 200


def test_the_1917_history_in_feeds(db: None, log_key: Verifier, client: Client) -> None:
    """The replayed history of 1917 (every kind of act, twenty-odd states, right-to-left
    languages): every feed valid, every act's own page there."""
    call_command("demo", "replay-1917", stdout=StringIO())
    log_integrate()
    urls = feed_urls(client)
    assert len(urls) > 40
    for url in urls:
        feed(client, url)
    english = feed(client, "/feeds/languages/en.atom")
    pages = {link for link in english.xpath(
        "atom:entry/atom:link[@rel='related'][@type='text/html']/@href", namespaces=NS)}
    for page in pages:
        assert client.get(urlsplit(page).path).status_code == 200, page
    germany = {key.split()[0] for key in entries(feed(client, "/feeds/states/germany.atom"))}
    assert {"offer.released", "reply.recorded", "armistice.recorded",
            "negotiation.session"} <= germany
    france = {key.split()[0] for key in entries(feed(client, "/feeds/states/france.atom"))}
    assert {"treaty.published", "treaty.repudiated", "process.silent"} <= france
    assert not {"armistice.recorded", "negotiation.session", "reply.recorded"} & france


# ------------------------------------------------------------------ the pages


def test_the_index_page_lists_every_feed(process: Offer, client: Client) -> None:
    page = client.get("/feeds/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert ('<link rel="alternate" type="application/atom+xml" '
            f'href="{SITE}/feeds/languages/en.atom"') in page
    assert '<bdi lang="ota" dir="rtl">لسان عثمانى</bdi>' in page
    assert '<a href="/states/germany/"><bdi>Germany</bdi></a>' in page
    assert f"<code dir=\"ltr\">{SITE}/feeds/states/germany.atom</code>" in page
    assert "<script" not in page


def test_home_and_state_pages_announce_their_feeds(process: Offer, client: Client) -> None:
    home = client.get("/").content.decode()
    assert ('<link rel="alternate" type="application/atom+xml" '
            'href="/feeds/languages/en.atom"') in home
    state = client.get("/states/germany/").content.decode()
    assert ('<link rel="alternate" type="application/atom+xml" '
            'href="/feeds/states/germany.atom"') in state


# ------------------------------------------------------------------ which states an act concerns


@pytest.fixture
def register() -> Register:
    """A register in memory (its cached maps filled by hand): no database needed."""
    register = Register()
    register.__dict__.update(
        states={key: object() for key in
                ["russia", "germany", "ottoman-empire", "france", "austria-hungary"]},
        offers={"o": OfferFacts("o", "Offer", "russia",
                                frozenset({"germany", "ottoman-empire", "austria-hungary"}))},
        treaties={"t": TreatyFacts("t", "Treaty", frozenset({"russia", "france"}))},
        armistices={7: ArmisticeFacts(1, "o", frozenset({"russia", "germany"}))},
        rulers={"armenians": frozenset({"ottoman-empire", "russia"}),
                "alsatians": frozenset({"germany"})},
        territories={"erzurum": ("Erzurum", "ottoman-empire")},
        plebiscites={"e1": (1, "alsatians")},
    )
    return register


@pytest.mark.parametrize("kind,subject,content,states", [
    ("offer.released", "offer:o", {"proposing_state": "russia",
                                   "addressees": ["germany", "ottoman-empire"]},
     {"russia", "germany", "ottoman-empire"}),
    ("offer.status_changed", "offer:o", {}, {"russia", "germany", "ottoman-empire",
                                             "austria-hungary"}),
    ("reply.recorded", "offer:o:germany", {"state": "germany"}, {"germany", "russia"}),
    ("process.silent", "offer:o:ottoman-empire", {}, {"ottoman-empire", "russia"}),
    ("armistice.recorded", "offer:o", {"parties": ["russia", "germany"]}, {"russia", "germany"}),
    ("armistice.recorded", "offer:o", None, {"russia", "germany", "ottoman-empire",
                                             "austria-hungary"}),  # by hash: every party
    ("armistice.denounced", "offer:o", {"armistice": 7, "party": "germany"},
     {"russia", "germany"}),
    ("negotiation.session", "offer:o", {"delegations": [{"state": "russia"},
                                                        {"state": "atlantis"}]}, {"russia"}),
    ("treaty.repudiated", "treaty:t", {"repudiated_by": "russia"}, {"russia", "france"}),
    ("treaty.published", "treaty:secret", None, set()),  # not public: not in the register
    ("decision.recorded", "nationality:armenians", {"joins": None},
     {"ottoman-empire", "russia"}),
    ("decision.recorded", "nationality:alsatians", {"joins": "france"}, {"germany", "france"}),
    ("demand.filed", "nationality:armenians", {}, {"ottoman-empire", "russia"}),
    ("plebiscite.result", "plebiscite:e1", {}, {"germany"}),
    ("occupation.ended", "occupation:erzurum:russia", {}, {"russia", "ottoman-empire"}),
    ("state.noted", "state:france", {}, {"france"}),
    ("state.noted", "state:atlantis", {}, set()),
    ("situation.loaded", "situation:mini", {}, {"russia", "germany", "ottoman-empire",
                                                "france", "austria-hungary"}),
    ("something.else", "thing:1", {"state": "germany"}, set()),
])
def test_which_states_an_act_concerns(register: Register, kind: str, subject: str,
                                      content: dict[str, Any] | None, states: set[str]) -> None:
    assert states_concerned(kind, subject, content, register) == states


@pytest.mark.browser
def test_the_index_page_in_a_browser_passes_axe(
    transactional_db: None, live_server: Any, mini: Situation, settings: Any, tmp_path: Path,
    page: Any,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from openpeace.world.services import situation_load
    from tests.conftest import WCAG_AA

    settings.DATA_DIR = tmp_path
    keys.signer.cache_clear()
    situation_load(mini)
    treaty_publish(treaty=treaties_import(MINI_TREATIES)[0])
    log_integrate()
    page.goto(f"{live_server.url}/feeds/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("bdi[lang=ota]").get_attribute("dir") == "rtl"
    results = Axe().run(page, options=WCAG_AA)
    assert len(results.response["passes"]) > 10
    assert results.violations_count == 0, results.generate_report()
    keys.signer.cache_clear()


def test_the_endorsements_acts_read_as_what_they_did(endorsable: Offer) -> None:
    """What a feed, a webhook's reader and a follower's mail see of them, in words."""
    from django.contrib.auth import get_user_model

    from openpeace.publicity import services as publicity
    from openpeace.publicity.feeds.acts import describe

    submitted = publicity.endorsement_submit(offer=endorsable, contact="bot@spam.example",
                                             country=endorsable.addressees.get(key="germany"))
    publicity.endorsement_confirm(token=publicity.confirmation_token(submitted.endorsement.ref))
    publicity.tally_run(offer=endorsable, lag=dt.timedelta(0))
    publicity.endorsements_invalidate(
        offer=endorsable, criteria={"domain": "spam.example"}, reason="a bot farm",
        official=get_user_model().objects.create_user("official"))
    log_integrate()
    said = {entry.kind: describe(entry, Register())
            for entry in Entry.objects.filter(kind__startswith="endorsement.")}
    title = endorsable.title
    assert said["endorsement.period_opened"].title.text == f"Endorsements of {title} open"
    assert said["endorsement.tally"].title.text == f"{title}: 1 endorsement counted"
    invalidated = said["endorsement.invalidated"]
    assert invalidated.title.text == f"{title}: 1 endorsement invalidated"
    assert invalidated.summary.text == "By an official, for this reason: a bot farm"
    assert f"/offers/{endorsable.key}/endorsements/" in [p.path for p in invalidated.pages]
    # an act of a kind this module does not word yet reads with the offer's title, not the
    # subject as the log names it
    unknown = Entry.objects.get(kind="endorsement.tally")
    unknown.kind = "endorsement.future_act"
    assert describe(unknown, Register()).title.text == f"Endorsement future act ({title})"


def test_a_released_endorsement_reads_as_counting_again(endorsable: Offer) -> None:
    from django.contrib.auth import get_user_model

    from openpeace.publicity import services as publicity
    from openpeace.publicity.feeds.acts import describe

    submitted = publicity.endorsement_submit(offer=endorsable, contact="someone@example.org",
                                             country=endorsable.addressees.get(key="germany"))
    publicity.endorsements_suspect(reasons={submitted.endorsement.pk: "a burst"})
    publicity.endorsement_release(endorsement=submitted.endorsement,
                                  official=get_user_model().objects.create_user("official"))
    log_integrate()
    said = {entry.kind: describe(entry, Register())
            for entry in Entry.objects.filter(kind__startswith="endorsement.")}
    assert said["endorsement.suspected"].title.text == \
        f"{endorsable.title}: 1 endorsement held as suspect"
    assert said["endorsement.released"].title.text == \
        f"{endorsable.title}: an endorsement held as suspect counts again"


def test_a_demand_s_text_keeps_its_language_in_every_feed(process: Offer,
                                                          client: Client) -> None:
    """The act is described in the feed's language; the demand quoted in its summary is in the
    language its commission filed it in, and says so."""
    from openpeace.selfdetermination.services import commission_issue, demand_file
    from openpeace.world.models import Nationality

    finns = Nationality.objects.get(key="finns")
    senate = commission_issue(nationality=finns, label="Senate").commission
    demand_file(commission=senate, nationality=finns, kind="secession",
                text="Suomen kansa vaatii itsenäisyyttä.", acts_asked="recognition",
                language="fi")
    log_integrate()
    for url in ["/feeds/languages/en.atom", "/feeds/languages/de.atom"]:
        summary = entries(feed(client, url))["demand.filed nationality:finns"].find(
            f"{{{ATOM}}}summary")
        assert summary.text == "Suomen kansa vaatii itsenäisyyttä."
        assert summary.xpath("string(ancestor-or-self::*[@xml:lang][1]/@xml:lang)") == "fi"
