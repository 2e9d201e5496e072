"""The secret treaties of the 1917 default, and `openpeace demo replay-1917` publishing and
repudiating them as the Soviet government did from 23 November 1917."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from openpeace.log.models import Entry
from openpeace.treaties.models import Clause, Treaty
from openpeace.treaties.search import treaty_search
from openpeace.treaties.treaty_file import treaties_read

TREATIES_1917 = {
    "constantinople-agreement", "treaty-of-london", "sykes-picot", "treaty-of-bucharest-1916",
    "saint-jean-de-maurienne", "franco-russian-notes-1917", "russo-japanese-convention-1916",
}


@pytest.fixture
def replayed(db: None) -> None:
    call_command("demo", "replay-1917", stdout=StringIO())


def test_the_default_file_is_valid_against_the_1917_register(db: None) -> None:
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
    document = treaties_read(settings.OPENPEACE_DEFAULT_TREATIES)
    assert {t["key"] for t in document["treaties"]} == TREATIES_1917
    for treaty in document["treaties"]:
        assert {t["language"] for t in treaty["texts"]} >= {"en", "ru"}, treaty["key"]
        assert treaty["sources"] and treaty.get("clauses"), treaty["key"]


def test_the_replay_publishes_every_treaty_and_repudiates_russias_in_the_log(
    replayed: None,
) -> None:
    treaties = Treaty.objects.all()
    assert {t.key for t in treaties} == TREATIES_1917
    for treaty in treaties:
        # Saint-Jean-de-Maurienne was made without Russia: published, but Russia, no party to
        # it, has nothing to repudiate.
        russian = treaty.key != "saint-jean-de-maurienne"
        assert treaty.status == ("repudiated" if russian else "published"), treaty.key
        assert treaty.parties.filter(key="russia").exists() == russian, treaty.key
        assert treaty.published_at is not None and treaty.published_at.date().year == 1917
        assert (treaty.repudiation_entry is not None) == russian, treaty.key
        for entry in (treaty.publication_entry, treaty.repudiation_entry):
            if entry is None:
                continue
            assert entry.index is not None
            assert json.loads(bytes(entry.body))["subject"] == f"treaty:{treaty.key}"
    kinds = list(Entry.objects.filter(kind__startswith="treaty.").values_list("kind", flat=True))
    assert kinds.count("treaty.published") == 7 and kinds.count("treaty.repudiated") == 6
    assert Treaty.objects.get(key="russo-japanese-convention-1916").repudiated_on.isoformat() == (
        "1917-12-19")

    # The search a journalist makes first.
    assert treaty_search("Constantinople")[0].treaty == "constantinople-agreement"
    assert treaty_search("Константинополь")[0].treaty == "constantinople-agreement"

    # Every territorial clause of the Treaty of London and of Sykes–Picot promises an annexation.
    for key in ["treaty-of-london", "sykes-picot"]:
        territorial = Clause.objects.filter(
            treaty__key=key, type__in=["territorial_transfer", "sphere_of_influence"])
        assert territorial.count() >= 5, key
        assert all(c.flagged and c.findings for c in territorial), [
            c.code for c in territorial if not c.flagged]
