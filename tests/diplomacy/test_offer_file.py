"""Offer files: imported as drafts, or refused with every problem at its path."""

from __future__ import annotations

import json
import re
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


def write_json(tmp_path: Path, document: dict[str, Any]) -> Path:
    """JSON, whose escapes (`\\u0007`, `\\ud800`) write any code point, a lone surrogate too."""
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


NOTE, PROCLAMATION = GOOD["notes"][0], GOOD["proclamations"][0]


@pytest.mark.parametrize(("change", "problem"), [
    ({"notes": [{**NOTE, "text": "Frieden \ud800"}]},
     "(document): an offer file cannot contain the surrogate U+D800 on its own, which is not a "
     "character, at notes[0].text"),
    ({"terms": {"armistice": {"term_days": 90, "\udfff": 1}}},
     "(document): an offer file cannot contain the surrogate U+DFFF on its own, which is not a "
     "character, in a key of terms.armistice"),
    ({"title": "Peace\x07"}, "(document): an offer file cannot contain the control character "
                             "U+0007: tab, line feed and carriage return are the only ones a text "
                             "holds, at title"),
    ({"proclamations": [{**PROCLAMATION, "text": "Frieden.\x00"}]},
     "(document): an offer file cannot contain a NUL character (U+0000), at "
     "proclamations[0].text"),
    ({"title": "\u200b"}, "title: the offer's title cannot be blank: it has no visible "
                          "character, only white space, format characters or combining marks "
                          "(U+200B ZERO WIDTH SPACE)"),
    ({"notes": [{**NOTE, "text": " \n"}]},
     "notes[0].text: the note to 'germany' in 'de' cannot be blank: it is only white space"),
    ({"proclamations": [{**PROCLAMATION, "title": "\u0301"}]},
     "proclamations[0].title: the title of the proclamation to 'germany-people' in 'de' cannot "
     "be blank"),
    ({"proclamations": [{**PROCLAMATION, "text": "\u2060\u3164"}]},
     "proclamations[0].text: the proclamation to 'germany-people' in 'de' cannot be blank"),
])
def test_a_text_no_public_text_may_be_is_refused_at_its_path_and_writes_nothing(
    loaded: Situation, tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    """Its release publishes every text of the offer to all at once and logs it for good: the
    rule of public texts (`core.text`) judges each at the door. A lone surrogate, which the
    schema's validator could not even read (UnicodeEncodeError), is named before the schema."""
    from openpeace.diplomacy.models import Note, Offer, Proclamation

    with pytest.raises(OfferFileError) as refused:
        offer_import(write_json(tmp_path, {**GOOD, **change}))
    assert [str(p)[:len(problem)] for p in refused.value.problems] == [problem]
    assert not Offer.objects.exists() and not Note.objects.exists()
    assert not Proclamation.objects.exists()


@pytest.mark.parametrize(("text", "problem"), [
    ('title: "\\ud800"\n', r"line 1, column 11: not YAML: found invalid Unicode character escape"),
    (b'title: "Peace \xed\xa0\x80"\n', r"\(document\): 'utf-8' codec can't decode byte 0xed"),
    ("key: [unclosed\n", r"line 2, column 1: not YAML"),
])
def test_the_command_names_the_file_of_a_text_it_cannot_read(
    loaded: Situation, tmp_path: Path, text: str | bytes, problem: str
) -> None:
    """A surrogate escaped in YAML, or encoded on its own in the file's bytes, is not text the
    reader can take: said in the file's name, not raised as a traceback."""
    from django.core.management import CommandError, call_command

    path = tmp_path / "offer.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=f"^{re.escape(str(path))}: {problem}"):
        call_command("offers", "import", str(path))


SOURCE = {"key": "dp", "title": "Decree on Peace", "url": "https://example.org/decree"}


def test_a_files_sources_are_kept_with_its_draft(loaded: Situation, tmp_path: Path) -> None:
    """Kept as the file gives them, key and all: a source without an address (a book) too."""
    sources = [SOURCE, {"key": "tasks", "title": "Задачи революции", "language": "ru"}]
    offer, _ = offer_import(write(tmp_path, {**GOOD, "sources": sources}))
    offer.refresh_from_db()
    assert offer.sources == sources and offer.released_at is None


@pytest.mark.parametrize(("sources", "problem"), [
    ([SOURCE, {**SOURCE, "key": "js", "url": "javascript:alert(1)"}],
     "sources[1].url: a source's url must be an absolute http or https URL, not "
     "'javascript:alert(1)'"),
    ([{**SOURCE, "url": "/decree"}],
     "sources[0].url: a source's url must be an absolute http or https URL, not '/decree'"),
    ([{**SOURCE, "title": " \u200b"}],
     "sources[0].title: the title of its source 'dp' cannot be blank: it has no visible "
     "character"),
    ([{**SOURCE, "language": "xx"}], "sources[0].language: 'xx' is not a valid BCP 47 tag"),
    ([SOURCE, {**SOURCE, "title": "The same key again"}],
     "sources[1].key: duplicate source key 'dp': already used above"),
    ([{**SOURCE, "title": "Decree \ud800"}],
     "(document): an offer file cannot contain the surrogate U+D800 on its own, which is not a "
     "character, at sources[0].title"),
    ([{**SOURCE, "key": "Decree on Peace"}], "sources[0].key: "),
    ([{**SOURCE, "pages": "1-3"}], "sources[0]: Additional properties are not allowed"),
    ([{"key": "dp"}], "sources[0]: \"title\" is a required property"),
])
def test_a_bad_source_is_refused_at_its_path_and_writes_nothing(
    loaded: Situation, tmp_path: Path, sources: list[dict[str, str]], problem: str
) -> None:
    """A file's sources are published with the offer, so each is judged as every source is: an
    address a reader can follow (`core.sources.url_problem`), a title that shows something, a
    language that is a BCP 47 tag, and a key once; each problem at its path."""
    from openpeace.diplomacy.models import Note, Offer

    with pytest.raises(OfferFileError) as refused:
        offer_import(write_json(tmp_path, {**GOOD, "sources": sources}))
    assert [str(p)[:len(problem)] for p in refused.value.problems] == [problem]
    assert not Offer.objects.exists() and not Note.objects.exists()
