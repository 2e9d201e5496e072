"""Helpers for the log app's tests: appending acts' entries and reading the log as a client."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from openpeace.core.log.note import Verifier
from openpeace.core.log.source import SourceError
from openpeace.core.log.tiles import entry_bundles, hash_tiles
from openpeace.log import keys
from openpeace.log.models import Entry
from openpeace.log.services import entry_append
from tests.conftest import run


class ServedLog:
    """A `LogSource` holding everything the log serves, fetched through the test client.

    The files are fetched first, in the test's thread: the core verifier reads with a thread
    pool, and other threads cannot see the test's uncommitted data.
    """

    def __init__(self, client: Client, prefix: str = "/log/") -> None:
        self.files: dict[str, bytes] = {}
        checkpoint = self._get(client, prefix + "checkpoint")
        size = int(checkpoint.split(b"\n")[1])
        self.files["checkpoint"] = checkpoint
        for tile in hash_tiles(size) + entry_bundles(size):
            self.files[tile.path] = self._get(client, prefix + tile.path)

    @staticmethod
    def _get(client: Client, url: str) -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise SourceError(url, f"HTTP {response.status_code}")
        return bytes(response.content)

    def read(self, path: str) -> bytes:
        if path not in self.files:
            raise SourceError(path, "not served")
        return self.files[path]


def append(count: int, kind: str = "test.act") -> list[Entry]:
    """`count` entries appended as acts do: inside a transaction, through the service."""
    with transaction.atomic():
        return [
            entry_append(kind=kind, subject=f"act:{i}", content={"n": i}) for i in range(count)
        ]


@pytest.fixture
def log_key(settings: Any, tmp_path: Any) -> Verifier:
    """A fresh signing key in a temporary data directory, for each test."""
    settings.DATA_DIR = tmp_path
    keys.signer.cache_clear()
    yield keys.verifier()
    keys.signer.cache_clear()


def state(env: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run(env, sys.executable, "-m", "tests.log.actor", "state"))
    return result
