"""Publishing the log to a directory: incremental, idempotent, and safe across a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpeace.core.log.checkpoint import open_checkpoint
from openpeace.core.log.note import Verifier
from openpeace.core.log.source import DirectorySource
from openpeace.core.log.verifier import verify_log
from openpeace.log.publish import log_publish
from openpeace.log.services import log_integrate
from tests.log.conftest import append


def published_size(directory: Path, key: Verifier) -> int:
    return open_checkpoint((directory / "checkpoint").read_bytes(), [key]).size


def test_publishing_writes_only_what_each_new_size_adds(
    db: None, log_key: Verifier, tmp_path: Path
) -> None:
    assert log_publish(tmp_path) == 0  # nothing signed yet: nothing written
    append(300)
    log_integrate()
    # tile/0/000, tile/0/001.p/44, tile/1/000.p/1, tile/entries/000, tile/entries/001.p/44
    assert log_publish(tmp_path) == 5
    first = verify_log(DirectorySource(tmp_path), [log_key])
    append(100)
    log_integrate()
    assert log_publish(tmp_path) == 2  # tile/0/001.p/144 and its bundle
    assert log_publish(tmp_path) == 0  # idempotent
    assert verify_log(DirectorySource(tmp_path), [log_key], first.checkpoint).checkpoint.size == 400
    assert (tmp_path / "key").read_text().strip() == log_key.to_vkey()


def test_a_crash_before_the_checkpoint_leaves_the_old_log_whole_and_resumes(
    db: None, log_key: Verifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(10)
    log_integrate()
    log_publish(tmp_path)
    append(10)
    log_integrate()

    def crash(source: object, target: object) -> None:
        raise OSError("power failure")

    monkeypatch.setattr("openpeace.log.publish.os.replace", crash)
    with pytest.raises(OSError, match="power failure"):
        log_publish(tmp_path)
    assert published_size(tmp_path, log_key) == 10  # readers still see a whole log of 10
    assert verify_log(DirectorySource(tmp_path), [log_key]).checkpoint.size == 10
    monkeypatch.undo()
    assert log_publish(tmp_path) == 2
    assert verify_log(DirectorySource(tmp_path), [log_key]).checkpoint.size == 20
