"""`openpeace verify` and `verify-proof` as an auditor runs them, on copies of the log."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openpeace.core.log.bundle import decode_bundle, encode_bundle
from tests.conftest import MINI, OPENPEACE, ROOT, own_database, run

Env = dict[str, str]


def verify(env: Env, source: Path | str, key: str, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OPENPEACE, "verify", str(source), "--key", key, "--state", str(state)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )


def published(env: Env, tmp_path: Path, acts: int, name: str = "export") -> tuple[Path, str]:
    run(env, sys.executable, "-m", "tests.log.actor", "append", str(acts))
    run(env, OPENPEACE, "integrate")
    export = tmp_path / name
    run(env, OPENPEACE, "log", "export", str(export))
    return export, (export / "key").read_text().strip()


@pytest.fixture(scope="module")
def six_hundred(
    tmp_path_factory: pytest.TempPathFactory, _migrated: tuple[Path, str]
) -> Iterator[tuple[Env, Path, str]]:
    """A log of 600 acts, published once for the tests that each alter a copy of it."""
    directory = tmp_path_factory.mktemp("six-hundred")
    with own_database(directory, _migrated) as env:
        yield env, *published(env, directory, 600)


def copy_of(six_hundred: tuple[Env, Path, str], tmp_path: Path) -> tuple[Env, Path, str]:
    env, export, key = six_hundred
    return env, shutil.copytree(export, tmp_path / "export"), key


def test_a_faithful_copy_verifies(six_hundred: tuple[Env, Path, str], tmp_path: Path) -> None:
    environment, export, key = copy_of(six_hundred, tmp_path)
    result = verify(environment, export, key, tmp_path / "state")
    assert result.returncode == 0, result.stderr
    assert "OK: 127.0.0.1/log at size 600" in result.stdout


@pytest.mark.parametrize("index", [0, 57, 300, 599])
def test_one_altered_entry_is_named_by_its_index(
    six_hundred: tuple[Env, Path, str], tmp_path: Path, index: int
) -> None:
    environment, export, key = copy_of(six_hundred, tmp_path)
    tile, position = divmod(index, 256)
    path = export / "tile" / "entries" / (f"{tile:03d}" if tile < 2 else "002.p/88")
    entries = decode_bundle(path.read_bytes())
    entries[position] = entries[position].replace(b'"n":', b'"n": ')
    path.write_bytes(encode_bundle(entries))
    result = verify(environment, export, key, tmp_path / "state")
    assert result.returncode == 1
    assert f"entry {index}" in result.stderr


def test_an_altered_tile_is_named_by_its_path(
    six_hundred: tuple[Env, Path, str], tmp_path: Path
) -> None:
    environment, export, key = copy_of(six_hundred, tmp_path)
    tile = export / "tile" / "0" / "001"
    data = bytearray(tile.read_bytes())
    data[100] ^= 1
    tile.write_bytes(bytes(data))
    result = verify(environment, export, key, tmp_path / "state")
    assert result.returncode == 1 and "tile/0/001" in result.stderr


def test_a_checkpoint_signed_by_another_key_is_refused(
    environment: Env, tmp_path: Path
) -> None:
    export, _ = published(environment, tmp_path, 10)
    stranger = "127.0.0.1/log+8e32d606+AcsNSGK4S5c4mQanjADwkk2FmyKdw6iLw4Q55T/cgkCR"
    result = verify(environment, export, stranger, tmp_path / "state")
    assert result.returncode == 1 and "FAILED" in result.stderr


def test_a_log_that_rewrites_its_past_is_caught_by_the_remembered_checkpoint(
    environment: Env, tmp_path: Path
) -> None:
    """The operator wipes the log and rebuilds it, longer, with the same key."""
    honest, key = published(environment, tmp_path, 20, "honest")
    state = tmp_path / "state"
    assert verify(environment, honest, key, state).returncode == 0

    run(environment, sys.executable, "-m", "tests.log.actor", "rewrite")
    rewritten, same_key = published(environment, tmp_path, 30, "rewritten")
    assert same_key == key
    # Alone, the rewritten log is internally consistent: only memory of the past catches it.
    assert verify(environment, rewritten, key, tmp_path / "fresh-state").returncode == 0
    result = verify(environment, rewritten, key, state)
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "20" in result.stderr, result.stderr


def test_a_proof_file_verifies_offline_and_a_tampered_one_does_not(
    environment: Env, tmp_path: Path
) -> None:
    _, key = published(environment, tmp_path, 5)
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='openpeace.settings';"
        "django.setup(); from openpeace.log.selectors import entry_proof;"
        "import sys; sys.stdout.buffer.write(entry_proof(3).tlog_proof())"
    )
    proof = subprocess.run([sys.executable, "-c", script], env=environment, cwd=ROOT,
                           capture_output=True, check=True).stdout
    good, bad = tmp_path / "good.tlog-proof", tmp_path / "bad.tlog-proof"
    good.write_bytes(proof)
    bad.write_bytes(proof.replace(b"index 3", b"index 2"))
    ok = subprocess.run([OPENPEACE, "verify-proof", str(good), "--key", key],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "OK: entry 3 is in 127.0.0.1/log" in ok.stdout
    failed = subprocess.run([OPENPEACE, "verify-proof", str(bad), "--key", key],
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "FAILED" in failed.stderr


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    result = subprocess.run([OPENPEACE, "verify", str(tmp_path / "nowhere"), "--key", "x"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "openpeace verify:" in result.stderr


BIG_ACT = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='openpeace.settings';"
    "django.setup(); from django.db import transaction;"
    "from openpeace.log.services import entry_append\n"
    "with transaction.atomic():\n"
    "    entry_append(kind='test.act', subject='act:big', content={'text': 'peace ' * 20000})"
)


def test_a_missing_or_altered_content_fails_naming_the_entry_and_its_hash(
    environment: Env, tmp_path: Path
) -> None:
    """The audit's case: the situation file that entry 0 (`situation.loaded`) names by its hash,
    and a content too large to inline (`content_sha256`), each published at content/<sha256>;
    appending bytes to one, or deleting it, must fail, naming the entry and the hash."""
    run(environment, OPENPEACE, "load-situation", str(MINI))
    subprocess.run([sys.executable, "-c", BIG_ACT], env=environment, cwd=ROOT, check=True)
    run(environment, OPENPEACE, "integrate")
    export = tmp_path / "export"
    run(environment, OPENPEACE, "log", "export", str(export))
    key = (export / "key").read_text().strip()
    entries = [json.loads(e) for e in decode_bundle(next(
        (export / "tile" / "entries").glob("000.p/*")).read_bytes())]
    assert entries[0]["kind"] == "situation.loaded" and entries[-1]["kind"] == "test.act"
    situation = entries[0]["content"]["document_sha256"]
    big = entries[-1]["content_sha256"]
    assert {p.name for p in (export / "content").iterdir()} == {situation, big}

    ok = verify(environment, export, key, tmp_path / "state")
    assert ok.returncode == 0, ok.stderr
    assert "2 contents committed by hash verified" in ok.stdout
    assert "verified 2 of 2 contents" in ok.stderr

    for sha256, index in ((situation, 0), (big, len(entries) - 1)):
        path = export / "content" / sha256
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        altered = verify(environment, export, key, tmp_path / "state")
        assert altered.returncode == 1, altered.stdout
        assert f"FAILED: {export}: entry {index}: " in altered.stderr
        assert sha256 in altered.stderr and "does not have the SHA-256" in altered.stderr
        path.unlink()
        missing = verify(environment, export, key, tmp_path / "state")
        assert missing.returncode == 1, missing.stdout
        assert f"entry {index}: " in missing.stderr and "missing" in missing.stderr
        assert sha256 in missing.stderr
        path.write_bytes(original)
    assert verify(environment, export, key, tmp_path / "state").returncode == 0
