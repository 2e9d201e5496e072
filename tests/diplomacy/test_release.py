"""Release: every government and every people at the same instant, or nobody."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy import services
from openpeace.diplomacy.models import Offer, Proclamation
from openpeace.diplomacy.services import ReleaseRefused, offer_missing_texts, offer_release
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.world.models import Language, State


def test_release_is_refused_listing_exactly_what_is_missing(offer: Offer) -> None:
    Proclamation.objects.create(
        offer=offer, people_id=offer.addressees.get(key="ottoman-empire").peoples.get().pk,
        language=Language.objects.get(tag="ar"), title="سلام", text="…",
    )
    assert offer_missing_texts(offer) == [
        "no note to the government of Germany (germany)",
        "no note to the government of Ottoman Empire (ottoman-empire)",
        "no proclamation to The people of Germany (germany-people) in German (de)",
        "no proclamation to The peoples of the Ottoman Empire (ottoman-people) in Armenian (hy)",
        "no proclamation to The peoples of the Ottoman Empire (ottoman-people) in Ottoman "
        "Turkish (ota)",
    ]
    with pytest.raises(ReleaseRefused) as refused:
        offer_release(offer=offer)
    assert len(refused.value.reasons) == 5
    offer.refresh_from_db()
    assert offer.released_at is None and not Entry.objects.filter(kind="offer.released").exists()


def test_release_writes_one_entry_committing_to_every_text(complete_offer: Offer) -> None:
    entry = offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    assert complete_offer.released_at == entry.recorded_at
    assert complete_offer.release_entry == entry
    content = json.loads(bytes(entry.body))["content"]
    assert content["addressees"] == ["germany", "ottoman-empire"]
    assert [(n["state"], n["language"]) for n in content["notes"]] == [
        ("germany", "de"), ("ottoman-empire", "ota")
    ]
    assert [(p["people"], p["language"]) for p in content["proclamations"]] == [
        ("germany-people", "de"), ("ottoman-people", "ar"), ("ottoman-people", "hy"),
        ("ottoman-people", "ota"),
    ]
    ar = Proclamation.objects.get(language__tag="ar")
    assert content["proclamations"][1]["sha256"] == services.proclamation_sha256(ar)
    assert Entry.objects.filter(kind="offer.released").count() == 1


def test_a_failure_midway_releases_nothing_and_logs_nothing(
    complete_offer: Offer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.proclamation_sha256
    calls = []

    def fail_on_the_second(proclamation: Proclamation) -> str:
        calls.append(proclamation)
        if len(calls) == 2:
            raise RuntimeError("the machine failed after the first text")
        return real(proclamation)

    monkeypatch.setattr(services, "proclamation_sha256", fail_on_the_second)
    with pytest.raises(RuntimeError, match="after the first text"):
        offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is None
    assert not Entry.objects.filter(kind="offer.released").exists()


def test_a_text_that_shows_nothing_is_not_released(complete_offer: Offer) -> None:
    """A note or proclamation written in the admin, or stored before the text rule, is judged
    again at release: what the release publishes is published for good."""
    from openpeace.diplomacy.models import Note

    Note.objects.filter(offer=complete_offer, state__key="germany").update(text="\u200b\u200b")
    Proclamation.objects.filter(offer=complete_offer, language__tag="hy").update(title="\x07")
    with pytest.raises(ReleaseRefused) as refused:
        offer_release(offer=complete_offer)
    reasons = " | ".join(refused.value.reasons)
    assert "the note to 'germany' in 'de'" in reasons and "cannot be blank" in reasons
    assert "the title of the proclamation to 'ottoman-people' in 'hy'" in reasons
    assert len(refused.value.reasons) == 2
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is None
    assert not Entry.objects.filter(kind="offer.released").exists()


def test_an_offer_past_its_reply_deadline_is_not_released(complete_offer: Offer) -> None:
    Offer.objects.filter(pk=complete_offer.pk).update(
        reply_deadline=timezone.now() - dt.timedelta(minutes=1))
    complete_offer.refresh_from_db()
    with pytest.raises(ReleaseRefused, match=r"its reply deadline \(.*\) is not after the release"):
        offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is None
    assert not Entry.objects.filter(kind="offer.released").exists()


def test_an_offer_is_for_the_belligerents_and_not_for_its_own_state(
    complete_offer: Offer,
) -> None:
    """"To all the belligerent peoples and their governments": never to the proposing state,
    nor to a state at war with no one."""
    persia = State.objects.create(key="persia", name="Persia")
    complete_offer.addressees.add(complete_offer.proposing_state, persia)
    with pytest.raises(ReleaseRefused) as refused:
        offer_release(offer=complete_offer)
    said = str(refused.value)
    assert "it addresses russia: it is the proposing state itself" in said
    assert "it addresses persia: it is at war with no state" in said
    assert not Entry.objects.filter(kind="offer.released").exists()


def test_an_offer_is_released_once(complete_offer: Offer) -> None:
    offer_release(offer=complete_offer)
    with pytest.raises(ReleaseRefused, match="already released"):
        offer_release(offer=complete_offer)
    assert Entry.objects.filter(kind="offer.released").count() == 1


URLS = [
    "/offers/peace-1917/",
    "/offers/peace-1917/proclamations/ottoman-people/ota/",
    "/offers/peace-1917/notes/germany/de/",
]


def test_nothing_of_an_offer_is_visible_before_release(
    complete_offer: Offer, client: Client
) -> None:
    for url in URLS:
        assert client.get(url).status_code == 404, url
    assert "Decree on Peace" not in client.get("/offers/").content.decode()


def test_after_release_every_text_carries_the_same_release_time_and_log_link(
    complete_offer: Offer, client: Client
) -> None:
    offer_release(offer=complete_offer)
    log_integrate()
    complete_offer.refresh_from_db()
    index = complete_offer.release_entry.index
    stamp = f"{complete_offer.released_at:%Y}"
    for url in URLS:
        html = client.get(url).content.decode()
        assert f'<a href="/log/entries/{index}">Log entry {index} and its proof</a>' in html
        assert stamp in html
    ottoman = client.get(URLS[1]).content.decode()
    assert '<article lang="ota" dir="rtl">' in ottoman


def test_envoy_tokens_are_stored_hashed_and_can_be_revoked(complete_offer: Offer) -> None:
    germany = complete_offer.addressees.get(key="germany")
    issued = services.envoy_issue(state=germany, label="Ambassador")
    assert issued.token.startswith("op_") and len(issued.token) > 40
    assert issued.token not in issued.envoy.token_hash
    assert services.envoy_authenticate(issued.token) == issued.envoy
    assert services.envoy_authenticate(issued.token + "x") is None
    services.envoy_revoke(envoy=issued.envoy)
    assert services.envoy_authenticate(issued.token) is None


def test_the_api_shows_an_offer_only_once_released(complete_offer: Offer, client: Client) -> None:
    assert client.get("/api/offers").json() == {"items": [], "count": 0}
    assert client.get("/api/offers/peace-1917").json() == {
        "detail": "no released offer with key 'peace-1917'"
    }
    offer_release(offer=complete_offer)
    log_integrate()
    listed = client.get("/api/offers").json()
    release = Entry.objects.get(kind="offer.released")
    assert listed["count"] == 1 and listed["items"][0]["log_entry"] == release.index
    detail = client.get("/api/offers/peace-1917").json()
    ota = next(p for p in detail["proclamations"] if p["language"] == "ota")
    assert ota["direction"] == "rtl"
    entry = json.loads(bytes(release.body))["content"]
    assert ota["sha256"] in {p["sha256"] for p in entry["proclamations"]}


@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        ({"principles": ["peace"]},
         "the terms propose no armistice (the source text asks for one)"),
        ({"armistice": {"term_days": 30}}, "armistice.too_short: "),
        ({"armistice": {"term_days": 90},
          "territorial_clauses": [{"id": "art-1", "territory": "erzurum", "to": "russia"}]},
         "annexation.no_decision: "),
        ({"armistice": {"term_days": 90},
          "territorial_clauses": [{"id": "art-1", "territory": "alsace", "to": "france",
                                   "kind": "return_to_prewar_ruler"}]},
         "annexation.unknown_nationality: "),
        ({"armistice": {"term_days": "ninety"}},
         'armistice.term_days: "ninety" is not of type "integer"'),
    ],
)
def test_an_offer_whose_own_terms_violate_the_programme_is_not_released(
    complete_offer: Offer, terms: dict[str, object], reason: str
) -> None:
    complete_offer.terms = terms
    complete_offer.save()
    with pytest.raises(ReleaseRefused) as refused:
        offer_release(offer=complete_offer)
    assert any(r.startswith(reason) for r in refused.value.reasons), refused.value.reasons
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is None
    assert not Entry.objects.filter(kind="offer.released").exists()


def test_a_shorter_armistice_is_allowed_with_a_recorded_reason(complete_offer: Offer) -> None:
    complete_offer.terms = {"armistice": {"term_days": 28, "minimum_days": 28,
                                          "lowered_reason": "a first truce while talks begin"}}
    complete_offer.save()
    offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is not None


def test_every_name_on_the_offers_pages_is_isolated_and_the_titles_are_plain_text(
    complete_offer: Offer, client: Client
) -> None:
    """A right-to-left name never reorders the sentence around it: each is in its <bdi>; a
    <title> is text only, so the name is plain there."""
    import re

    offer_release(offer=complete_offer)

    def page(url: str) -> tuple[str, str]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None and "<" not in title.group(1), title
        return title.group(1), re.sub(r"\s+", " ", html[html.index("<main"):])

    title, html = page("/offers/peace-1917/notes/ottoman-empire/ota/")
    assert title == "Ottoman Empire: the note to its government · openpeace"
    assert "<h1><bdi>Ottoman Empire</bdi>: the note to its government</h1>" in html
    _, html = page("/offers/peace-1917/")
    assert ('hreflang="de"><bdi>Germany</bdi>: the note to its government</a>') in html
    title, html = page("/offers/peace-1917/proclamations/ottoman-people/ota/")
    assert ("<p>Addressed to: <bdi>The peoples of the Ottoman Empire</bdi>; in "
            "<bdi>Ottoman Turkish</bdi>.</p>") in html
    # a <title> cannot say its language: it says the page in the page's language first, then
    # the proclamation's own title, isolated as plain text can be (U+2068 ... U+2069)
    assert title == ("The peoples of the Ottoman Empire: the proclamation in Ottoman Turkish — "
                     "\u2068Peace (ota)\u2069 · openpeace")
    title, html = page("/offers/peace-1917/replies/germany/")
    assert title == "Reply for Germany · openpeace"
    assert "<h1><bdi>Germany</bdi>: the reply of its government</h1>" in html
