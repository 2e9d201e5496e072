"""Offer files: imported as drafts, or refused with every problem at its path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from openpeace.core.situation import Situation
from openpeace.diplomacy.offer_file import OfferFileError, offer_import
from openpeace.diplomacy.services import offer_missing_texts

GOOD: dict[str, Any] = {
    "format": "openpeace-offer/1",
    "key": "peace",
    "title": "Peace",
    "proposing_state": "russia",
    "released_at": "1917-11-21T12:00:00+03:00",
    "reply_deadline": "1917-12-02T00:00:00+03:00",
    "addressees": ["germany"],
    "terms": {"armistice": {"term_days": 90}},
    "notes": [{"state": "germany", "language": "de", "text": "Note."}],
    "proclamations": [{"people": "germany-people", "language": "de", "title": "Frieden",
                       "text": "Frieden."}],
}


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "offer.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_a_good_file_is_imported_as_a_complete_draft(loaded: Situation, tmp_path: Path) -> None:
    offer, released_at = offer_import(write(tmp_path, GOOD))
    assert offer.released_at is None and released_at is not None
    assert released_at.isoformat() == "1917-11-21T12:00:00+03:00"
    assert offer_missing_texts(offer) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"addressees": ["atlantis"]}, "addressees[0]: unknown state 'atlantis'"),
        ({"addressees": ["germany", "russia"]},
         "addressees[1]: russia: it is the proposing state itself"),
        ({"notes": [{"state": "france", "language": "fr", "text": "x"}]},
         "notes[0].state: 'france' is not addressed"),
        ({"proclamations": [{"people": "germany-people", "language": "fr", "title": "t",
                             "text": "x"}]},
         "proclamations[0].language: 'fr' is not a language of 'germany-people'"),
        ({"proclamations": [{"people": "france-people", "language": "fr", "title": "t",
                             "text": "x"}]},
         "proclamations[0].people: 'france-people' is not a people of an addressed state"),
        ({"terms": {"armistice": {"term_days": -1}}},
         "terms.armistice.term_days: -1 is less than the minimum of 1"),
        ({"reply_deadline": "1917-11-01T00:00:00+03:00"},
         "reply_deadline: the deadline must come after the release"),
        ({"format": "openpeace-offer/2"}, "format: "),
    ],
)
def test_a_bad_file_is_refused_with_located_problems_and_writes_nothing(
    loaded: Situation, tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    from openpeace.diplomacy.models import Offer

    with pytest.raises(OfferFileError) as refused:
        offer_import(write(tmp_path, {**GOOD, **change}))
    assert any(str(p).startswith(problem) for p in refused.value.problems), refused.value
    assert not Offer.objects.exists()


def test_the_command_imports_a_draft_once_and_says_every_problem(
    loaded: Situation, tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from openpeace.diplomacy.models import Offer

    out = StringIO()
    call_command("offers", "import", str(write(tmp_path, GOOD)), stdout=out)
    assert out.getvalue().startswith("peace: imported as a draft, with 1 note and 1 "
                                     "proclamation; an official releases it in the admin")
    assert Offer.objects.get().released_at is None  # a draft: its release is an official's act
    with pytest.raises(CommandError, match="key: an offer with key 'peace' already exists"):
        call_command("offers", "import", str(write(tmp_path, GOOD)))
    with pytest.raises(CommandError, match=r"addressees\[0\]: unknown state 'atlantis'"):
        call_command("offers", "import", str(write(tmp_path, {**GOOD, "key": "other",
                                                             "addressees": ["atlantis"]})))
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command("offers", "import", str(tmp_path / "missing.yaml"))
    assert Offer.objects.count() == 1
