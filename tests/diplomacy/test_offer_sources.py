"""An offer's sources: kept from its file, public with its release and never before (its page,
the API, its release entry), judged again at the release and in the admin as every source is."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils.html import format_html

from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Note, Offer, Proclamation
from openpeace.diplomacy.offer_file import offer_import
from openpeace.diplomacy.replay import OFFER_FILE
from openpeace.diplomacy.services import ReleaseRefused, offer_release
from openpeace.log.models import Entry
from tests.diplomacy.test_offer_file import GOOD, write


def _logged(offer: Offer) -> dict[str, Any]:
    """The content of the offer's release entry."""
    assert offer.release_entry is not None
    content: dict[str, Any] = json.loads(bytes(offer.release_entry.body))["content"]
    return content


def _api(source: dict[str, str]) -> dict[str, str | None]:
    """A source as the API gives it: what it leaves out, null."""
    return {"key": source["key"], "title": source["title"], "url": source.get("url"),
            "language": source.get("language")}


def test_the_1917_offers_sources_are_kept_shown_and_logged(db: None, client: Client) -> None:
    """The Decree on Peace and every other source the 1917 file cites: on the offer's page,
    each linked where it has an address, in the API and in the release entry, in the file's
    order."""
    call_command("demo", "replay-1917", stdout=StringIO())
    cited = yaml.safe_load(OFFER_FILE.read_text(encoding="utf-8"))["sources"]
    assert cited[0]["title"].startswith("Decree on Peace")
    offer = Offer.objects.get(key="decree-on-peace-1917")
    assert offer.sources == cited
    assert _logged(offer)["sources"] == cited
    detail = client.get(f"/api/offers/{offer.key}").json()
    assert detail["sources"] == [_api(s) for s in cited]

    html = client.get(f"/offers/{offer.key}/").content.decode()
    listed = html[html.index("<h2>Sources</h2>"):]
    for source in cited:
        shown = (format_html('<a href="{}">{}</a>', source["url"], source["title"])
                 if "url" in source else format_html("{}", source["title"]))
        assert format_html('<li id="source-{}">{}</li>', source["key"], shown) in listed
    assert len(re.findall(r'<li id="source-', html)) == len(cited)


def test_a_drafts_sources_are_public_only_from_its_release(
    loaded: Situation, tmp_path: Path, client: Client
) -> None:
    """Nothing of a draft exists for the public, its sources neither; the release publishes
    them, each marked with the language of its title (`lang`, `dir`, `hreflang`)."""
    sources = [{"key": "dp", "title": "Декрет о мире", "url": "https://example.org/decree",
                "language": "ru"},
               {"key": "ar", "title": "مرسوم السلام", "language": "ar"}]
    offer, released_at = offer_import(write(tmp_path, {**GOOD, "sources": sources}))
    assert client.get("/offers/peace/").status_code == 404
    assert client.get("/api/offers/peace").status_code == 404
    assert client.get("/api/offers").json()["items"] == []
    assert not any("Декрет" in bytes(e.body).decode() for e in Entry.objects.all())

    offer_release(offer=offer, at=released_at)
    offer.refresh_from_db()
    assert _logged(offer)["sources"] == sources
    assert client.get("/api/offers/peace").json()["sources"] == [_api(s) for s in sources]
    html = client.get("/offers/peace/").content.decode()
    assert ('<li id="source-dp"><a href="https://example.org/decree" hreflang="ru" lang="ru" '
            'dir="ltr">Декрет о мире</a></li>') in html
    assert '<li id="source-ar"><span lang="ar" dir="rtl">مرسوم السلام</span></li>' in html


def test_an_offer_without_sources_shows_no_list(complete_offer: Offer, client: Client) -> None:
    offer_release(offer=complete_offer)
    assert "<h2>Sources</h2>" not in client.get("/offers/peace-1917/").content.decode()
    assert client.get("/api/offers/peace-1917").json()["sources"] == []
    complete_offer.refresh_from_db()
    assert _logged(complete_offer)["sources"] == []


@pytest.mark.parametrize(("stored", "reason"), [
    ([{"key": "js", "title": "Decree", "url": "javascript:alert(1)"}],
     "sources[0].url: a source's url must be an absolute http or https URL, not "
     "'javascript:alert(1)'"),
    ([{"key": "dp", "title": "\u2060"}],
     "sources[0].title: the title of its source 'dp' cannot be blank"),
    ([{"key": "dp", "title": "Decree", "language": "xx"}],
     "sources[0].language: 'xx' is not a valid BCP 47 tag"),
    ([{"key": "dp", "title": "Decree"}, {"key": "dp", "title": "Again"}],
     "sources[1].key: duplicate source key 'dp': already used above"),
    ([{"key": "dp\x07", "title": "Decree"}],
     "sources: the offer's sources cannot contain the control character U+0007"),
    ({"key": "dp", "title": "Decree"}, "sources: "),
    ([{"title": "Decree"}], "sources[0]: "),
])
def test_stored_sources_are_judged_again_at_the_release(
    complete_offer: Offer, stored: object, reason: str
) -> None:
    """The admin edits an offer's sources as JSON, where anything can be written: what the
    release would publish and log for good is judged again, and nothing is released."""
    Offer.objects.filter(pk=complete_offer.pk).update(sources=stored)
    with pytest.raises(ReleaseRefused) as refused:
        offer_release(offer=complete_offer)
    assert [r for r in refused.value.reasons if r.startswith(reason)], refused.value.reasons
    assert len(refused.value.reasons) == 1
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is None
    assert not Entry.objects.filter(kind="offer.released").exists()


def _change(offer: Offer, **typed: str) -> dict[str, object]:
    """The draft's change form as the browser posts it: the fields `typed` as typed (its
    sources, its terms), everything else as it is."""
    form: dict[str, object] = {
        "key": offer.key, "title": offer.title, "proposing_state": offer.proposing_state_id,
        "addressees": [s.pk for s in offer.addressees.all()], "terms": json.dumps(offer.terms),
        "sources": json.dumps(offer.sources),
        "reply_deadline_0": f"{offer.reply_deadline:%Y-%m-%d}",
        "reply_deadline_1": f"{offer.reply_deadline:%H:%M:%S}", "drafted_by": "",
        "status": offer.status,
    }
    for prefix, rows, fields in [
        ("notes", Note.objects.filter(offer=offer), ["state", "language", "text"]),
        ("proclamations", Proclamation.objects.filter(offer=offer),
         ["people", "language", "title", "text"]),
    ]:
        form.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows.order_by("pk")):
            form.update({f"{prefix}-{i}-id": row.pk, f"{prefix}-{i}-offer": offer.pk})
            form.update({f"{prefix}-{i}-{name}": getattr(row, f"{name}_id", None)
                         or getattr(row, name) for name in fields})
    return {**form, **typed}


def test_an_official_writes_a_drafts_sources_in_the_admin_as_the_release_judges_them(
    admin_client: Client, complete_offer: Offer
) -> None:
    url = f"/admin/diplomacy/offer/{complete_offer.pk}/change/"
    assert 'name="sources"' in admin_client.get(url).content.decode()
    bad = [{"key": "dp", "title": "Decree", "url": "https://example.org/d"},
           {"key": "js", "title": "Decree", "url": "javascript:alert(1)"}]
    response = admin_client.post(url, _change(complete_offer, sources=json.dumps(bad)))
    assert response.status_code == 200
    row = re.search(r'<div class="form-row[^"]*field-sources.*?</div>\s*</div>',
                    response.content.decode(), re.S)
    assert row is not None
    assert ("sources[1].url: a source&#x27;s url must be an absolute http or https URL"
            in row.group(0))
    complete_offer.refresh_from_db()
    assert complete_offer.sources == [] and not complete_offer.is_released

    good = [{"key": "dp", "title": "Декрет о мире", "language": "ru"}]
    response = admin_client.post(url, _change(complete_offer, sources=json.dumps(good)))
    assert response.status_code == 302, response.content.decode()[:3000]
    complete_offer.refresh_from_db()
    assert complete_offer.sources == good
    response = admin_client.post(url, _change(complete_offer, sources=""))  # emptied: none cited
    assert response.status_code == 302
    complete_offer.refresh_from_db()
    assert complete_offer.sources == []


def test_a_released_offers_sources_are_shown_but_not_editable_in_the_admin(
    admin_client: Client, complete_offer: Offer
) -> None:
    Offer.objects.filter(pk=complete_offer.pk).update(
        sources=[{"key": "dp", "title": "The Decree on Peace"}])
    offer_release(offer=complete_offer)
    page = admin_client.get(f"/admin/diplomacy/offer/{complete_offer.pk}/change/")
    html = page.content.decode()
    assert "The Decree on Peace" in html and 'name="sources"' not in html


@pytest.mark.parametrize(("typed", "problem"), [
    ("[]", '[] is not of type &quot;object&quot;'),
    ('{"armistice": 5}', "armistice: 5 is not of type &quot;object&quot;"),
])
def test_a_drafts_terms_the_release_could_not_read_are_refused_at_their_field(
    admin_client: Client, complete_offer: Offer, typed: str, problem: str
) -> None:
    """Terms that are not a terms document were saved, to be refused only by the release."""
    url = f"/admin/diplomacy/offer/{complete_offer.pk}/change/"
    before = complete_offer.terms
    response = admin_client.post(url, _change(complete_offer, terms=typed))
    assert response.status_code == 200
    row = re.search(r'<div class="form-row[^"]*field-terms.*?</div>\s*</div>',
                    response.content.decode(), re.S)
    assert row is not None and problem in row.group(0), row
    complete_offer.refresh_from_db()
    assert complete_offer.terms == before


@pytest.mark.parametrize("typed", ["", "null"])  # Django's JSON field reads both as None
def test_a_drafts_emptied_terms_are_an_empty_terms_document(
    admin_client: Client, complete_offer: Offer, typed: str
) -> None:
    response = admin_client.post(f"/admin/diplomacy/offer/{complete_offer.pk}/change/",
                                 _change(complete_offer, terms=typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    complete_offer.refresh_from_db()
    assert complete_offer.terms == {}
    with pytest.raises(ReleaseRefused) as refused:  # a draft may propose nothing; not released
        offer_release(offer=complete_offer)
    assert "the terms propose no armistice (the source text asks for one)" in (
        refused.value.reasons)
