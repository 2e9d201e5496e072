"""`openpeace integrate [--follow]`: integrate waiting log entries and sign checkpoints.

With OPENPEACE_LOG_DIRECTORY set, each round also publishes the new tiles and checkpoint there,
for a static web server or an object store to serve.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from openpeace.log.publish import log_publish
from openpeace.log.services import INTEGRATION_BATCH, log_integrate
from openpeace.worker import repeat, verbose, worker_arguments


class Command(BaseCommand):
    help = "Integrate the log's waiting entries into the tree and sign a checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        worker_arguments(parser, interval=settings.OPENPEACE_LOG_INTERVAL)
        parser.add_argument(
            "--batch", type=int, default=INTEGRATION_BATCH, help="entries per checkpoint, at most"
        )

    def handle(
        self, *args: Any, follow: bool, interval: float, batch: int, **options: Any
    ) -> None:
        directory = settings.OPENPEACE_LOG_DIRECTORY
        talk = verbose(options["verbosity"], follow)

        def integrate(stop: threading.Event) -> None:
            checkpoint = log_integrate(batch=batch)
            while checkpoint is not None:  # drain a backlog at once
                if talk:
                    self.stdout.write(f"signed checkpoint at size {checkpoint.size}")
                    self.stdout.flush()
                if stop.is_set():
                    break
                checkpoint = log_integrate(batch=batch)
            if directory:
                log_publish(Path(directory))

        repeat(integrate, interval=interval, follow=follow)
