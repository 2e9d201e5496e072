"""The command line: `situation check`, `load-situation`, `situation export`, and the CLI name."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from openpeace.world import models as m
from tests.conftest import MINI


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, document: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_check_accepts_a_valid_file_and_counts_it() -> None:
    out, _ = run("situation", "check", str(MINI))
    assert "valid (4 states, 3 nationalities of which 1 colonial" in out


def test_check_names_the_file_the_path_and_the_problem(
    tmp_path: Path, mini_document: dict[str, Any]
) -> None:
    mini_document["nationalities"][0]["languages"][0] = "klingon"
    bad = write(tmp_path, mini_document)
    with pytest.raises(CommandError, match="1 of 2 file"):
        run("situation", "check", str(MINI), str(bad))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("situation", "check", str(bad), stderr=err)
    assert (
        f"{bad}: nationalities[0].languages[0]: unknown language 'klingon'" in err.getvalue()
    )


def test_check_refuses_a_place_off_the_earth_and_names_it(
    tmp_path: Path, mini_document: dict[str, Any]
) -> None:
    mini_document["territories"][3]["geometry"] = {"type": "Point", "coordinates": [48.6, 187.7]}
    bad = write(tmp_path, mini_document)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("situation", "check", str(bad), stderr=err)
    assert (f"{bad}: territories[3].geometry.coordinates[1]: 187.7 is greater than the maximum "
            "of 90") in err.getvalue()


def test_check_reports_an_unreadable_file(tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("situation", "check", str(tmp_path / "missing.yaml"), stderr=err)
    assert "missing.yaml: (file): cannot read" in err.getvalue()


def test_a_failed_load_changes_nothing(
    db: None, tmp_path: Path, mini_document: dict[str, Any]
) -> None:
    mini_document["belligerencies"][0]["opponent"] = "germany"
    with pytest.raises(CommandError, match="cannot be at war with itself"):
        run("load_situation", str(write(tmp_path, mini_document)))
    assert not m.State.objects.exists() and not m.Source.objects.exists()


def test_load_then_export_as_json_gives_a_valid_situation(db: None, tmp_path: Path) -> None:
    out, err = run("load_situation", str(MINI))
    assert "Loaded 'A small war for tests': 4 states" in out
    assert "nationalities: 3" in err  # progress, one line per stage off a terminal
    target = tmp_path / "export.json"
    run("situation", "export", "--format", "json", "-o", str(target))
    out, _ = run("situation", "check", str(target))
    assert "valid (4 states" in out


def test_export_of_an_empty_register_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="the register is empty"):
        run("situation", "export")


OPENPEACE = str(Path(sys.executable).parent / "openpeace")


def test_the_openpeace_command_takes_hyphenated_names() -> None:
    result = subprocess.run(
        [OPENPEACE, "situation", "check", str(MINI)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [OPENPEACE, "load-situation", "--help"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("usage: openpeace load_situation")
    assert "all or nothing" in " ".join(result.stdout.split())


def test_a_lone_surrogate_is_named_at_its_path_and_loads_nothing(
    db: None, tmp_path: Path, mini_document: dict[str, Any]
) -> None:
    """A JSON escape writes a surrogate on its own, which the schema's validator could not read
    (UnicodeEncodeError, a traceback): `check` and `load-situation` name the file and the path."""
    mini_document["territories"][1]["name"] = "Erzurum \ud83c"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mini_document), encoding="utf-8")
    said = (f"{bad}: (document): a situation cannot contain the surrogate U+D83C on its own, "
            "which is not a character, at territories[1].name")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("situation", "check", str(bad), stderr=err)
    assert said in err.getvalue()
    with pytest.raises(CommandError, match=re.escape(said)):
        run("load_situation", str(bad))
    assert not m.State.objects.exists() and not m.Source.objects.exists()
