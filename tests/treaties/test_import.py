"""`openpeace treaties import`: all or nothing, every problem at its path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from openpeace.core.situation import Situation
from openpeace.treaties.models import Clause, SearchDocument, Treaty, TreatyText
from openpeace.treaties.treaty_file import TreatyFileError, treaties_import
from tests.source_urls import GOOD_URL, IN_FILE_REFUSED_URLS
from tests.treaties.conftest import MINI_TREATIES


@pytest.fixture
def document() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(MINI_TREATIES.read_text(encoding="utf-8")))


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "treaties.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_a_good_file_comes_in_secret_with_texts_clauses_and_index(loaded: Situation) -> None:
    treaties = treaties_import(MINI_TREATIES)
    assert [t.key for t in treaties] == ["straits-pact", "finnish-note"]
    assert set(Treaty.objects.values_list("status", flat=True)) == {"secret"}
    assert TreatyText.objects.count() == 4 and Clause.objects.count() == 4
    assert SearchDocument.objects.count() == 4 + 4


def _break(document: dict[str, Any], where: str, value: Any) -> None:
    *path, last = where.split(".")
    node: Any = document
    for part in path:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value


@pytest.mark.parametrize("where,value,path,message", [
    ("treaties.0.parties.1", "atlantis", "treaties[0].parties[1]", "unknown state 'atlantis'"),
    ("treaties.0.signed.0", "1915-02-30", "treaties[0].signed[0]", "is not a date"),
    ("treaties.0.signed.1", "1915-01-01", "treaties[0].signed", "oldest first"),
    ("treaties.0.languages.0", "xx", "treaties[0].languages[0]", "unknown language 'xx'"),
    ("treaties.0.sources.0.language", "Russian", "treaties[0].sources[0].language",
     "'Russian' is not a valid BCP 47 tag"),
    ("treaties.0.texts.1.language", "fr", "treaties[0].texts[1].language", "one per language"),
    ("treaties.0.clauses.0.territory", "atlantis", "treaties[0].clauses[0].territory",
     "unknown territory"),
    ("treaties.0.clauses.0.from", "france", "treaties[0].clauses[0].from",
     "held by 'ottoman-empire'"),
    ("treaties.0.clauses.0.to", "atlantis", "treaties[0].clauses[0].to", "unknown state"),
    ("treaties.0.clauses.0.to", "separate_state", "treaties[0].clauses[0].kind",
     "'independence'"),
    ("treaties.0.clauses.0.nationalities", ["finns"], "treaties[0].clauses[0].nationalities[0]",
     "does not say 'finns' lives in 'erzurum'"),
    ("treaties.0.clauses.1.id", "art-1", "treaties[0].clauses[1].id", "used twice"),
    ("treaties.1.key", "straits-pact", "treaties[1].key", "used twice"),
    ("treaties.0.clauses.2.territory", "erzurum", "treaties[0].clauses[2]", "False schema"),
    ("treaties.0.clauses.0.type", "conquest", "treaties[0].clauses[0].type", "conquest"),
    ("format", "openpeace-treaties/2", "format", "openpeace-treaties/1"),
])
def test_each_problem_is_reported_at_its_path_and_nothing_is_written(
    loaded: Situation, tmp_path: Path, document: dict[str, Any], where: str, value: Any,
    path: str, message: str,
) -> None:
    _break(document, where, value)
    with pytest.raises(TreatyFileError) as refused:
        treaties_import(_write(tmp_path, document))
    assert any(p.path.startswith(path) and message in p.message
               for p in refused.value.problems), refused.value.problems
    assert not Treaty.objects.exists() and not SearchDocument.objects.exists()


def test_a_second_import_of_the_same_treaty_is_refused(loaded: Situation) -> None:
    treaties_import(MINI_TREATIES)
    with pytest.raises(TreatyFileError, match="already in the register"):
        treaties_import(MINI_TREATIES)
    assert Treaty.objects.count() == 2


def test_the_cli_reports_problems_and_imports_nothing(loaded: Situation, tmp_path: Path,
                                                      document: dict[str, Any]) -> None:
    document["treaties"][0]["parties"][0] = "atlantis"
    with pytest.raises(CommandError, match=r"treaties\[0\]\.parties\[0\]: unknown state"):
        call_command("treaties", "import", str(_write(tmp_path, document)))
    with pytest.raises(CommandError, match="No such file"):
        call_command("treaties", "import", str(tmp_path / "missing.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("treaties: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("treaties", "import", str(broken))
    assert not Treaty.objects.exists()


def _write_json(tmp_path: Path, document: dict[str, Any]) -> Path:
    """JSON, whose escapes (`\\u0007`, `\\ud800`) write any code point, a lone surrogate too."""
    path = tmp_path / "treaties.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("where,value,path,message", [
    ("treaties.1.texts.0.text", "Die Anleihe.\x07", "treaties[1]",
     "treaty 'finnish-note' cannot contain the control character U+0007: tab, line feed and "
     "carriage return are the only ones a text holds, at texts[0].text"),
    ("treaties.0.title", "Pacte \ud800", "treaties[0]",
     "treaty 'straits-pact' cannot contain the surrogate U+D800 on its own, which is not a "
     "character, at title"),
    ("treaties.0.clauses.1.description", "Alsace\x00", "treaties[0]",
     "treaty 'straits-pact' cannot contain a NUL character (U+0000), at clauses[1].description"),
    ("treaties.0.texts.2.title", "\u200b\u200d", "treaties[0].texts[2].title",
     "treaty 'straits-pact': the title of its text in 'ota' cannot be blank: it has no visible "
     "character, only white space, format characters or combining marks (U+200B ZERO WIDTH "
     "SPACE)"),
    ("treaties.1.texts.0.text", "\u3164", "treaties[1].texts[0].text",
     "treaty 'finnish-note': its text in 'de' cannot be blank"),
    ("treaties.0.clauses.0.description", "\u2060", "treaties[0].clauses[0].description",
     "treaty 'straits-pact': the description of its clause 'art-1' cannot be blank"),
    ("treaties.0.clauses.2.id", "\u200b", "treaties[0].clauses[2].id",
     "treaty 'straits-pact': the id of its clause 3 cannot be blank"),
    ("treaties.1.place", "\u0301", "treaties[1].place",
     "treaty 'finnish-note': the place it was concluded cannot be blank"),
    ("treaties.0.sources.0.title", "\u200e", "treaties[0].sources[0].title",
     "treaty 'straits-pact': the title of its source 1 cannot be blank"),
])
def test_a_text_no_public_text_may_be_is_refused_naming_treaty_and_field(
    loaded: Situation, tmp_path: Path, document: dict[str, Any], where: str, value: str,
    path: str, message: str,
) -> None:
    """Every text of a treaty is published one day, and logged for good: the rule of public
    texts (`core.text`) judges it at the door. The whole file is refused, its good treaty too."""
    _break(document, where, value)
    with pytest.raises(TreatyFileError) as refused:
        treaties_import(_write_json(tmp_path, document))
    assert [(p.path, p.message[:len(message)]) for p in refused.value.problems] == [
        (path, message)]
    assert not Treaty.objects.exists() and not TreatyText.objects.exists()
    assert not Clause.objects.exists() and not SearchDocument.objects.exists()


def test_the_cli_names_the_treaty_and_the_field_of_a_hidden_text(
    loaded: Situation, tmp_path: Path, document: dict[str, Any]
) -> None:
    document["treaties"][1]["title"] = "\u200b"
    with pytest.raises(CommandError, match=r"1 problem\(s\); nothing imported\n.*"
                       r"treaties\[1\]\.title: treaty 'finnish-note': its title cannot be blank"):
        call_command("treaties", "import", str(_write_json(tmp_path, document)))
    assert not Treaty.objects.exists()


@pytest.mark.parametrize(("url", "message"), IN_FILE_REFUSED_URLS)
def test_a_source_url_is_refused_at_its_path_and_nothing_is_written(
    loaded: Situation, tmp_path: Path, document: dict[str, Any], url: str, message: str,
) -> None:
    _break(document, "treaties.0.sources.0.url", url)
    with pytest.raises(TreatyFileError) as refused:
        treaties_import(_write(tmp_path, document))
    assert [p.message for p in refused.value.problems
            if p.path == "treaties[0].sources[0].url" and message in p.message], (
        refused.value.problems)
    assert not Treaty.objects.exists() and not SearchDocument.objects.exists()


def test_a_source_url_may_be_a_web_address(
    loaded: Situation, tmp_path: Path, document: dict[str, Any],
) -> None:
    _break(document, "treaties.0.sources.0.url", GOOD_URL)
    treaties_import(_write(tmp_path, document))
    assert Treaty.objects.get(key="straits-pact").sources[0]["url"] == GOOD_URL
