"""Where a verifier reads a tiled log from: the C2SP tlog-tiles v1 resources, by path.

A log is a set of static files under a prefix (c2sp.org/tlog-tiles §APIs): `checkpoint`,
`tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`. A `LogSource` returns a file's bytes
by that relative path, from a web server (`HttpSource`, over `urllib`) or from a local copy
(`DirectorySource`). Entry bundles may be served with `Content-Encoding: gzip` and no
negotiation, so `HttpSource` asks for gzip and decodes it.
"""

from __future__ import annotations

import gzip
import os
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol

from openpeace.core.log.errors import LogError


class SourceError(LogError):
    """A log file could not be read."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path


class LogSource(Protocol):
    """Reads the files of one log by their path under its prefix."""

    def read(self, path: str) -> bytes:
        """The bytes of the file at `path`; raises `SourceError` if it cannot be read."""
        ...


def _check_relative(path: str) -> None:
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or ".." in parts or "\\" in path:
        raise SourceError(path, "not a path inside the log")


class HttpSource:
    """A log served over HTTP(S) under `base_url`, e.g. `http://127.0.0.1:8000/log`."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise SourceError(base_url, "a log's URL is http:// or https://")
        self._base = base_url.rstrip("/")
        self._timeout = timeout

    def read(self, path: str) -> bytes:
        _check_relative(path)
        request = urllib.request.Request(
            f"{self._base}/{path}",
            headers={"Accept-Encoding": "gzip, identity", "User-Agent": "openpeace-verify"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                body: bytes = response.read()
                encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        except urllib.error.HTTPError as error:
            raise SourceError(path, f"HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, OSError) as error:
            raise SourceError(path, str(error)) from error
        if encoding == "gzip":
            try:
                return gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as error:
                raise SourceError(path, f"bad gzip body: {error}") from error
        if encoding != "identity":
            raise SourceError(path, f"unsupported Content-Encoding {encoding!r}")
        return body


class DirectorySource:
    """A log copied into a local directory, one file per path (`root/tile/0/000`, …)."""

    def __init__(self, root: str | Path) -> None:
        self._root = Path(root)

    def read(self, path: str) -> bytes:
        _check_relative(path)
        try:
            return (self._root / path).read_bytes()
        except OSError as error:
            raise SourceError(path, error.strerror or str(error)) from error

    def write(self, files: Mapping[str, bytes]) -> None:
        """Store log files (as `integrate` returns them), creating directories as needed.

        Each file appears whole or not at all (written aside, then renamed): a copy is resumed
        by the names it holds, so a half-written file must never carry a final name."""
        for path, data in files.items():
            _check_relative(path)
            target = self._root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            aside = target.with_name(target.name + ".partial")
            aside.write_bytes(data)
            os.replace(aside, target)
