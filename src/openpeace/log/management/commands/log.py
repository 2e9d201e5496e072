"""`openpeace log export DIR`: the published log as static files any web server can serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.core.log.source import DirectorySource
from openpeace.log import keys, selectors
from openpeace.log.models import LogFile


class Command(BaseCommand):
    help = "Export the log (checkpoint, tiles, entry bundles, key) to a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the log's files under DIR")
        export.add_argument("directory", type=Path)

    def handle(self, *args: Any, action: str, directory: Path, **options: Any) -> None:
        checkpoint = selectors.checkpoint_latest()
        if checkpoint is None:
            raise CommandError("the log has no checkpoint yet: nothing to export")
        target = DirectorySource(directory)
        written = 0
        for log_file in LogFile.objects.iterator(chunk_size=1_000):
            target.write({log_file.path: bytes(log_file.data)})
            written += 1
        vkey = keys.verifier().to_vkey() + "\n"
        target.write({"checkpoint": checkpoint.note.encode(), "key": vkey.encode()})
        self.stdout.write(
            f"Exported the log at size {checkpoint.size} ({written} tiles and bundles) "
            f"to {directory}"
        )
