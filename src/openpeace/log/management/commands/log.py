"""`openpeace log export DIR`: the published log as static files any web server can serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.log import selectors
from openpeace.log.publish import log_publish


class Command(BaseCommand):
    help = "Export the log (checkpoint, tiles, entry bundles, key) to a directory; resumable."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the log's files under DIR")
        export.add_argument("directory", type=Path)

    def handle(self, *args: Any, action: str, directory: Path, **options: Any) -> None:
        checkpoint = selectors.checkpoint_latest()
        if checkpoint is None:
            raise CommandError("the log has no checkpoint yet: nothing to export")
        written = log_publish(directory)
        self.stdout.write(
            f"Exported the log at size {checkpoint.size} ({written} new tiles and bundles) "
            f"to {directory}"
        )
