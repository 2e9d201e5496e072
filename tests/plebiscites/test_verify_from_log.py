"""`openpeace plebiscite verify` on a copy of the log alone (issue 8, acceptance 2): the record
it rebuilds is the one the server exports, and any altered byte of the copy makes it fail,
naming what."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from openpeace.core.log.bundle import decode_bundle, encode_bundle
from openpeace.plebiscites.models import Plebiscite
from tests.plebiscites.test_commands import auditor


def first_bundle(log: Path) -> Path:
    full = log / "tile" / "entries" / "000"
    return full if full.exists() else next((log / "tile" / "entries").glob("000.p/*"))


@pytest.fixture
def exported(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """The demo plebiscite (12 voters) with its log exported: the directory, key, election.
    Entries over 3,000 bytes commit to their content by hash here (65,535 in the service), so
    that a 12-voter plebiscite has some: its key ceremony."""
    monkeypatch.setattr("openpeace.log.services.CONTENT_LIMIT", 3_000)
    out = StringIO()
    call_command("demo", "plebiscite", "--voters", "12", "--log", str(tmp_path / "log"),
                 stdout=out)
    said = re.search(r"openpeace plebiscite verify (\S+) --key (\S+) --election (\S+)",
                     out.getvalue())
    assert said is not None, out.getvalue()
    assert said.group(3) == Plebiscite.objects.get().election_id
    return Path(said.group(1)), said.group(2), said.group(3)


def verify(log: Path, key: str, election: str, *more: str) -> tuple[int, str, str]:
    done = auditor("plebiscite", "verify", str(log), "--key", key, "--election", election,
                   *more)
    return done.returncode, done.stdout, done.stderr


def test_the_record_rebuilt_from_the_log_verifies_and_is_the_exported_one(
    exported: tuple[Path, str, str], tmp_path: Path,
) -> None:
    log, key, election = exported
    code, out, err = verify(log, key, election)
    assert code == 0, err
    assert "The record verifies: 24 ballots on the board, 5 audited, 12 counted" in out
    assert f"entries of plebiscite:{election} give its record" in out
    record = tmp_path / "record.json"
    call_command("plebiscite", "export", str(Plebiscite.objects.get().pk), "--out", str(record),
                 stdout=StringIO())
    assert auditor("plebiscite", "verify", str(record)).stdout.splitlines()[0] in out


def test_an_altered_entry_fails_naming_its_index(exported: tuple[Path, str, str]) -> None:
    log, key, election = exported
    bundle = first_bundle(log)
    entries = decode_bundle(bundle.read_bytes())
    at = next(n for n, e in enumerate(entries) if b"plebiscite.ballot_cast" in e)
    entries[at] = entries[at].replace(b'"position":', b'"position": ')
    bundle.write_bytes(encode_bundle(entries))
    code, _, err = verify(log, key, election)
    assert code == 1 and f"entry {at}" in err, err


def test_an_altered_content_fails_naming_it(exported: tuple[Path, str, str]) -> None:
    log, key, election = exported
    ceremony = json.loads(next(e for e in decode_bundle(first_bundle(log).read_bytes())
                               if b"plebiscite.key_ceremony" in e))
    content = log / "content" / ceremony["content_sha256"]
    data = content.read_bytes()
    content.write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    code, _, err = verify(log, key, election)
    assert code == 1 and ceremony["content_sha256"] in err, err


def test_a_wrong_election_or_missing_key_is_said(exported: tuple[Path, str, str]) -> None:
    log, key, _ = exported
    code, _, err = verify(log, key, "armenians-19180115-9")
    assert code == 1 and "no key ceremony for the plebiscite 'armenians-19180115-9'" in err
    done = auditor("plebiscite", "verify", str(log))
    assert done.returncode == 2 and "a log needs --key" in done.stderr
