"""`openpeace demo replay-1917`: the real sequence, through the services, every act logged."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openpeace.diplomacy.models import BelligerentProcess, Offer
from openpeace.diplomacy.services import offer_missing_texts
from openpeace.log.models import Checkpoint, Entry

CENTRAL_POWERS = {"germany", "austria-hungary", "ottoman-empire", "bulgaria"}


@pytest.fixture
def replayed(db: None) -> Offer:
    call_command("demo", "replay-1917", stdout=StringIO())
    return Offer.objects.get(key="decree-on-peace-1917")


def test_the_offer_reaches_every_belligerent_in_all_its_languages(replayed: Offer) -> None:
    assert offer_missing_texts(replayed) == []
    addressed = set(replayed.addressees.values_list("key", flat=True))
    assert CENTRAL_POWERS | {"france", "united-kingdom", "united-states", "japan"} <= addressed
    assert "russia" not in addressed
    assert replayed.proclamations.filter(language__tag="ota").exists()
    assert replayed.released_at is not None and replayed.released_at.year == 1917


def test_the_replay_ends_in_the_states_of_december_1917(replayed: Offer) -> None:
    stages = dict(BelligerentProcess.objects.values_list("state__key", "stage"))
    assert {stages[k] for k in CENTRAL_POWERS} == {"armistice_in_force"}
    assert {s for k, s in stages.items() if k not in CENTRAL_POWERS} == {"silent"}
    assert replayed.status == "truce"
    armistice = replayed.armistices.get()
    assert str(armistice.signed_on) == "1917-12-15" and armistice.notice_days == 7
    session = replayed.sessions.get()
    assert (session.place, str(session.opened_on)) == ("Brest-Litovsk", "1917-12-22")


def test_the_1917_armistice_holds_until_denounced_and_the_replay_denounces_none(
    replayed: Offer,
) -> None:
    """The replay ends with the conference's opening on 22 December 1917. The armistice "is
    automatically prolonged until one of the parties denounces it with seven days' notice", and
    no denunciation is in the replay's sources, so it is in force today: the deadline job leaves
    the Central Powers' truce as it is. Record a denunciation, and the truce is over."""
    from django.test import Client

    from openpeace.diplomacy.armistices import denunciation_record
    from openpeace.world.models import State

    call_command("apply_deadlines", stdout=StringIO())
    stages = dict(BelligerentProcess.objects.values_list("state__key", "stage"))
    assert {stages[k] for k in CENTRAL_POWERS} == {"armistice_in_force"}
    (armistice,) = Client().get("/api/offers/decree-on-peace-1917").json()["armistices"]
    assert (armistice["in_force_today"], armistice["expires_on"]) == (True, None)

    denunciation_record(armistice=replayed.armistices.get(),
                        party=State.objects.get(key="germany"), on=dt.date(1918, 2, 10))
    stages = dict(BelligerentProcess.objects.values_list("state__key", "stage"))
    assert {stages[k] for k in CENTRAL_POWERS} == {"armistice_ended"}
    replayed.refresh_from_db()
    assert replayed.status == "defence"  # the Allies silent, no truce with anyone any more
    assert Entry.objects.filter(kind="armistice.ended").count() == len(CENTRAL_POWERS)


def test_every_act_of_the_replay_is_in_a_signed_checkpoint(replayed: Offer) -> None:
    kinds = [json.loads(bytes(e.body))["kind"] for e in Entry.objects.order_by("index")]
    assert kinds[0] == "situation.loaded" and kinds[1] == "offer.released"
    assert kinds.count("reply.recorded") == 4
    assert {"process.silent", "armistice.recorded", "negotiation.session",
            "offer.status_changed"} <= set(kinds)
    assert not Entry.objects.filter(index__isnull=True).exists()
    assert Checkpoint.objects.order_by("-size").first().size == Entry.objects.count()


def test_the_replay_opens_the_offer_to_the_peoples(replayed: Offer) -> None:
    from django.test import Client

    page = Client().get(f"/offers/{replayed.key}/endorse/")
    assert page.status_code == 200 and b"Endorse the offer" in page.content
    assert Entry.objects.filter(kind="endorsement.period_opened").count() == 1


def test_the_replay_runs_once(replayed: Offer) -> None:
    with pytest.raises(CommandError, match="already been replayed"):
        call_command("demo", "replay-1917", stdout=StringIO())


def test_the_api_tells_the_whole_story(replayed: Offer) -> None:
    from django.test import Client

    offer = Client().get("/api/offers/decree-on-peace-1917").json()
    assert offer["status"] == "truce"
    (armistice,) = offer["armistices"]
    assert armistice["parties"] == sorted(["russia", *CENTRAL_POWERS])
    assert (armistice["signed_on"], armistice["term"], armistice["notice_days"]) == (
        "1917-12-15", "28 days", 7
    )
    assert armistice["log_entry"] is not None
    (session,) = offer["sessions"]
    assert session["place"] == "Brest-Litovsk" and session["delegations"][0]["state"] == "russia"


def test_the_replayed_replies_are_marked_english_the_language_their_text_is_in(
    replayed: Offer,
) -> None:
    """The Central Powers' words are not in the research note, nor the language they were sent
    in: each reply's text is this project's English summary, so it is stored and logged as
    English (`en`), not German, and a screen reader reads it as the English it is."""
    replies = replayed.replies.select_related("state", "language")
    assert {(r.state.key, r.language.tag) for r in replies} == {
        (key, "en") for key in CENTRAL_POWERS}
    assert all(r.text.startswith("The Supreme Command agrees") for r in replies)
    logged = [json.loads(bytes(e.body))["content"]["language"]
              for e in Entry.objects.filter(kind="reply.recorded")]
    assert logged == ["en"] * len(CENTRAL_POWERS)


def test_the_readme_s_reply_is_one_france_can_send_after_the_replay(replayed: Offer) -> None:
    """README.md's example, as it is written there: France answers in French."""
    import re
    from pathlib import Path

    from django.test import Client

    from openpeace.diplomacy.services import envoy_issue
    from openpeace.world.models import State

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    (url, body) = re.search(r"curl -X POST http://127.0.0.1:8000(\S+) .*?-d '([^']+)'",
                            readme, re.S).groups()
    token = envoy_issue(state=State.objects.get(key="france"), label="France").token
    response = Client().post(url, body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert (response.json()["state"], response.json()["language"]) == ("france", "fr")
