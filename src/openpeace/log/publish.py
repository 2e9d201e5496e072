"""Publishing the log as static files: a directory that any web server or object store serves.

Beside the tiles go the contents that entries commit to by hash (`content/<sha256>`), so that
a copy of the directory is all a verifier needs to read every act in full.

The files are written tiles first and the checkpoint last (atomically, by rename), so a reader
never sees a checkpoint whose tiles are missing. The directory's own checkpoint says how far it
was published, so publishing is idempotent and resumes after a crash: it writes exactly the
tiles and bundles that the newer size adds (full tiles never change; a grown partial tile has
a new path).
"""

from __future__ import annotations

import os
from pathlib import Path

from openpeace.core.log.entries import content_path
from openpeace.core.log.source import DirectorySource
from openpeace.core.log.tiles import entry_bundles, hash_tiles
from openpeace.log import keys, selectors


def _published_size(directory: Path) -> int:
    try:
        return int((directory / "checkpoint").read_bytes().split(b"\n")[1])
    except (OSError, IndexError, ValueError):
        return 0


def _paths(size: int) -> set[str]:
    return {tile.path for tile in hash_tiles(size) + entry_bundles(size)}


def _published_contents(directory: Path) -> set[str]:
    folder = directory / "content"
    return {path.name for path in folder.iterdir()} if folder.is_dir() else set()


def log_publish(directory: Path) -> int:
    """Bring `directory` up to the latest checkpoint; return how many files were written."""
    latest = selectors.checkpoint_latest()
    if latest is None:
        return 0
    published = _published_size(directory)
    if published >= latest.size:
        return 0
    target = DirectorySource(directory)
    new = sorted(_paths(latest.size) - _paths(published))
    for path in new:
        target.write({path: selectors.file_read(path)})
    contents = selectors.content_hashes() - _published_contents(directory)
    for sha256 in sorted(contents):
        target.write({content_path(sha256): selectors.content_read(sha256)})
    target.write({"key": (keys.verifier().to_vkey() + "\n").encode()})
    temporary = directory / "checkpoint.tmp"
    temporary.write_text(latest.note, encoding="utf-8")
    os.replace(temporary, directory / "checkpoint")
    return len(new) + len(contents)
