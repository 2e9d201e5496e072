"""Fixtures for the transparency-log core: fixed keys, so signed notes are reproducible."""

from __future__ import annotations

import pytest

from openpeace.core.log.note import Signer

ORIGIN = "log.openpeace.example/acts"


@pytest.fixture
def log_signer() -> Signer:
    """The log's key; its name is the origin, as tlog-checkpoint recommends."""
    return Signer(ORIGIN, bytes(range(32)))


@pytest.fixture
def witness_signer() -> Signer:
    """Another key, which signs the same checkpoints (a cosigner the verifier may not know)."""
    return Signer("witness.example/w1", bytes(range(32, 64)))
