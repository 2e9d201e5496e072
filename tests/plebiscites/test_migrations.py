"""Migrations 0004 and 0005 on a database with a plebiscite called before questions had a
language: its question is taken to be in English, the register's, or English added to the
register when it has none; a database without plebiscites gets no language it did not have."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.migrations import latest, migrate

BEFORE = [("plebiscites", "0003_decision_withheld")]
AFTER = [("plebiscites", "0005_plebiscite_language_required")]



def _plebiscite_before_languages(apps: Any) -> None:
    """A plebiscite as 0003 stored it, with what it needs: its nationality, its commission and
    the log entry of its call."""
    now = dt.datetime(1918, 1, 1, tzinfo=dt.UTC)
    finns = apps.get_model("world", "Nationality").objects.create(
        key="finns", name="Finns", standing="metropolitan")
    commission = apps.get_model("selfdetermination", "Commission").objects.create(
        nationality=finns, label="Finnish Senate", token_hash="0" * 64)
    entry = apps.get_model("transparency", "Entry").objects.create(
        kind="plebiscite.created", subject="plebiscite:finns-19180101-1", body=b"{}",
        recorded_at=now)
    apps.get_model("plebiscites", "Plebiscite").objects.create(
        nationality=finns, commission=commission, election_id="finns-19180101-1",
        question="A state of our own?", options=[], joins=[], opens_at=now,
        closes_at=now + dt.timedelta(days=9), trustees=3, threshold=2, entry=entry)


@pytest.mark.parametrize("english_in_register", [True, False])
@pytest.mark.django_db(transaction=True)
def test_an_earlier_plebiscite_s_question_is_taken_to_be_in_english(
    english_in_register: bool,
) -> None:
    apps = migrate(BEFORE)
    try:
        Language = apps.get_model("world", "Language")
        Language.objects.create(tag="fi", name="Finnish")
        if english_in_register:
            Language.objects.create(tag="en", name="English", endonym="English")
        _plebiscite_before_languages(apps)

        apps = migrate(AFTER)
        (plebiscite,) = apps.get_model("plebiscites", "Plebiscite").objects.all()
        english = apps.get_model("world", "Language").objects.get(pk=plebiscite.language_id)
        assert (english.tag, english.name, english.direction) == ("en", "English", "ltr")
        assert english.endonym == ("English" if english_in_register else "")
        assert apps.get_model("world", "Language").objects.count() == 2
    finally:
        migrate(latest())  # the test database as the other tests expect it (flushed after this)


@pytest.mark.django_db(transaction=True)
def test_without_plebiscites_the_register_gets_no_language() -> None:
    migrate(BEFORE)
    try:
        apps = migrate(AFTER)
        assert not apps.get_model("world", "Language").objects.exists()
    finally:
        migrate(latest())
