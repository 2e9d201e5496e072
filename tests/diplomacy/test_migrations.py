"""Migrations 0004 and 0005 on a database with replies recorded before replies had a language:
each is taken to be in the language of the note the offer sent to its government (the first by
tag when there were several), else in English, the register's, or English added to the register
when it has none; a database without replies gets no language it did not have."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.migrations import latest, migrate

BEFORE = [("diplomacy", "0003_armistice_ended_and_demarcation")]
AFTER = [("diplomacy", "0005_reply_language_required")]



def _languages(apps: Any, *tags: str) -> dict[str, Any]:
    Language = apps.get_model("world", "Language")
    return {tag: Language.objects.create(tag=tag, name=tag) for tag in tags}


def _offer_to(apps: Any, *states: str) -> tuple[Any, dict[str, Any]]:
    """A released offer from Russia to `states`, as 0003 stored it."""
    State = apps.get_model("world", "State")
    russia, *addressed = [State.objects.create(key=key, name=key.title())
                          for key in ["russia", *states]]
    now = dt.datetime(1917, 11, 8, tzinfo=dt.UTC)
    offer = apps.get_model("diplomacy", "Offer").objects.create(
        key="peace-1917", title="Decree on Peace", proposing_state=russia,
        reply_deadline=now + dt.timedelta(days=30), released_at=now)
    offer.addressees.set(addressed)
    return offer, {state.key: state for state in addressed}


def _reply_before_languages(apps: Any, offer: Any, state: Any) -> Any:
    """A reply as 0003 stored it, with its envoy and the log entry of its record."""
    at = dt.datetime(1917, 11, 28, tzinfo=dt.UTC)
    envoy = apps.get_model("diplomacy", "Envoy").objects.create(
        state=state, label=f"envoy of {state.key}", token_hash=f"{state.pk:064x}")
    entry = apps.get_model("transparency", "Entry").objects.create(
        kind="reply.recorded", subject=f"offer:{offer.key}:{state.key}", body=b"{}",
        recorded_at=at)
    return apps.get_model("diplomacy", "Reply").objects.create(
        offer=offer, state=state, envoy=envoy, kind="accepts_armistice", text="Ja.",
        replied_at=at, entry=entry)


@pytest.mark.django_db(transaction=True)
def test_an_earlier_reply_is_taken_to_be_in_the_language_of_its_government_s_note() -> None:
    apps = migrate(BEFORE)
    try:
        languages = _languages(apps, "de", "ota", "fr")
        offer, states = _offer_to(apps, "germany", "ottoman-empire")
        Note = apps.get_model("diplomacy", "Note")
        Note.objects.create(offer=offer, state=states["germany"], language=languages["de"],
                            text="Note.")
        for tag in ["ota", "fr"]:  # two notes: the first by tag, French
            Note.objects.create(offer=offer, state=states["ottoman-empire"],
                                language=languages[tag], text="Note.")
        replies = {key: _reply_before_languages(apps, offer, state).pk
                   for key, state in states.items()}

        apps = migrate(AFTER)
        Reply = apps.get_model("diplomacy", "Reply")
        assert {key: Reply.objects.select_related("language").get(pk=pk).language.tag
                for key, pk in replies.items()} == {"germany": "de", "ottoman-empire": "fr"}
        assert not apps.get_model("world", "Language").objects.filter(tag="en").exists()
    finally:
        migrate(latest())  # the test database as the other tests expect it (flushed after this)


@pytest.mark.parametrize("english_in_register", [True, False])
@pytest.mark.django_db(transaction=True)
def test_an_earlier_reply_without_a_note_is_taken_to_be_in_english(
    english_in_register: bool,
) -> None:
    """Beside a reply whose government had a note, which keeps the note's language."""
    apps = migrate(BEFORE)
    try:
        german = _languages(apps, "de")["de"]
        if english_in_register:
            apps.get_model("world", "Language").objects.create(
                tag="en", name="English", endonym="English")
        offer, states = _offer_to(apps, "germany", "bulgaria")
        apps.get_model("diplomacy", "Note").objects.create(
            offer=offer, state=states["germany"], language=german, text="Note.")
        replies = {key: _reply_before_languages(apps, offer, state).pk
                   for key, state in states.items()}

        apps = migrate(AFTER)
        Reply = apps.get_model("diplomacy", "Reply")
        assert Reply.objects.get(pk=replies["germany"]).language_id == german.pk
        migrated = Reply.objects.get(pk=replies["bulgaria"])
        english = apps.get_model("world", "Language").objects.get(pk=migrated.language_id)
        assert (english.tag, english.name, english.direction) == ("en", "English", "ltr")
        assert english.endonym == ("English" if english_in_register else "")
        assert apps.get_model("world", "Language").objects.count() == 2
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_without_replies_the_register_gets_no_language() -> None:
    migrate(BEFORE)
    try:
        apps = migrate(AFTER)
        assert not apps.get_model("world", "Language").objects.exists()
    finally:
        migrate(latest())
