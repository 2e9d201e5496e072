"""The commands: the credential authority, the Python client, the demo and `verify`."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from openpeace.core import plebiscite as core
from openpeace.core.situation import Situation
from openpeace.plebiscites.models import Plebiscite
from tests.conftest import OPENPEACE
from tests.plebiscites.conftest import Running


def run(*args: str) -> str:
    out = StringIO()
    call_command("plebiscite", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_credential_authority_writes_files_and_nothing_else(tmp_path: Path) -> None:
    out = run("credentials", "--count", "4", "--out", str(tmp_path))
    assert "4 credentials issued" in out
    private = (tmp_path / "private-credentials.txt").read_text().split()
    public = json.loads((tmp_path / "public-credentials.json").read_text())["credentials"]
    assert len(private) == 4 and public == sorted(public)
    assert sorted(core.PrivateCredential.from_text(p).public.hex() for p in private) == public
    assert (tmp_path / "private-credentials.txt").stat().st_mode & 0o077 == 0
    with pytest.raises(CommandError, match="refusing to overwrite"):
        run("credentials", "--count", "4", "--out", str(tmp_path))


def test_the_python_client_writes_a_ballot_the_server_accepts(
    open_now: Running, client: Client, tmp_path: Path
) -> None:
    parameters = tmp_path / "parameters.json"
    parameters.write_bytes(bytes(open_now.plebiscite.parameters))
    ballot = tmp_path / "ballot.json"
    out = run("vote", "--parameters", str(parameters), "--credential",
              open_now.credentials[2].to_text().lower(), "--choice", "separate_state",
              "--election-hash", open_now.plebiscite.election_hash, "--out", str(ballot))
    assert "tracker" in out
    response = client.post(f"/api/plebiscites/{open_now.plebiscite.pk}/ballots",
                           ballot.read_text(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["tracker_text"] in out
    with pytest.raises(CommandError, match="no option 'join:germany'"):
        run("vote", "--parameters", str(parameters), "--credential",
            open_now.credentials[2].to_text(), "--choice", "join:germany", "--out", str(ballot))
    with pytest.raises(CommandError, match="not on the election's list"):
        run("vote", "--parameters", str(parameters), "--credential",
            core.PrivateCredential(bytes(32)).to_text(), "--choice", "separate_state",
            "--out", str(ballot))
    with pytest.raises(CommandError, match="expect"):
        run("vote", "--parameters", str(parameters), "--credential",
            open_now.credentials[2].to_text(), "--choice", "separate_state",
            "--election-hash", "00" * 32, "--out", str(ballot))


def test_an_audit_written_by_the_client_checks(open_now: Running, client: Client,
                                               tmp_path: Path) -> None:
    parameters = tmp_path / "parameters.json"
    parameters.write_bytes(bytes(open_now.plebiscite.parameters))
    audit = tmp_path / "audit.json"
    run("vote", "--parameters", str(parameters), "--credential",
        open_now.credentials[0].to_text(), "--choice", "join:russia", "--audit",
        "--out", str(audit))
    response = client.post(f"/api/plebiscites/{open_now.plebiscite.pk}/audits",
                           audit.read_text(), content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_demo_and_verify_on_its_record(db: None, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    out = run("demo", "--voters", "12", "--audits", "2", "--revotes", "3",
              "--record", str(record))
    assert "NOT free" in out and "openpeace plebiscite verify" in out
    plebiscite = Plebiscite.objects.get()
    assert plebiscite.decision is not None and not plebiscite.decision.free
    assert plebiscite.result is not None and plebiscite.result["ballots"] == 12
    verified = auditor("plebiscite", "verify", str(record))
    assert verified.returncode == 0, verified.stderr
    assert "The record verifies: 15 ballots on the board, 2 audited, 12 counted" in (
        verified.stdout)
    exported = tmp_path / "exported.json"
    run("export", str(plebiscite.pk), "--out", str(exported))
    assert exported.read_bytes() == record.read_bytes()

    data = record.read_bytes()
    document = json.loads(data)
    ballot = base64.b64decode(document["board"]["ballots"][4])
    flipped = ballot[:200] + bytes([ballot[200] ^ 1]) + ballot[201:]
    document["board"]["ballots"][4] = base64.b64encode(flipped).decode()
    from openpeace.core.plebiscite.encoding import canonical_json

    bad = tmp_path / "bad.json"
    bad.write_bytes(canonical_json(document))
    refused = auditor("plebiscite", "verify", str(bad))
    assert refused.returncode == 1 and "ballot 4: its signature does not verify" in (
        refused.stderr)

    for at in (0, len(data) // 2, len(data) - 2):  # any flipped byte fails, naming what
        bad.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
        report = core.verify_record(bad.read_bytes())
        assert not report.ok and report.failures[0].split(":")[0]


def test_the_demo_says_how_many_ballots_the_board_holds(db: None) -> None:
    """More revotes asked (20, the default) than voters: each voter revotes once at most, and
    the line counts what is on the board."""
    from openpeace.plebiscites.models import CastBallot

    out = StringIO()
    call_command("demo", "plebiscite", "--voters", "10", stdout=out)
    assert CastBallot.objects.count() == 20
    assert "20 ballots cast (10 revotes), 5 audited" in out.getvalue()


def test_verify_names_an_unreadable_file(tmp_path: Path) -> None:
    refused = auditor("plebiscite", "verify", str(tmp_path / "missing.json"))
    assert refused.returncode == 2 and "cannot read" in refused.stderr


def auditor(*command: str) -> subprocess.CompletedProcess[str]:
    """The auditor's command as an outsider runs it: with settings that cannot even be
    imported, so it proves that it needs neither Django nor a database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([OPENPEACE, *command], env=env, capture_output=True, text=True,
                          check=False)


def test_demo_refuses_bad_sizes(loaded: Situation) -> None:
    with pytest.raises(CommandError, match="at least one voter"):
        run("demo", "--voters", "0")
