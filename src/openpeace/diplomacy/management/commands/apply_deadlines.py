"""`openpeace apply-deadlines [--follow]`: record silence and the defence rule when deadlines pass.

Idempotent: running it twice, or every minute, records each silence and each change of status
once. `openpeace serve` runs it with --follow. An offer whose deadline cannot be applied is
reported and the others are applied all the same; the round then fails (`worker.repeat` logs it
and, when following, goes on).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpeace.core.process import ProcessError
from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.process import offer_apply_deadline
from openpeace.worker import repeat, worker_arguments


class Command(BaseCommand):
    help = "Apply reply deadlines: silent belligerents, and the overall status (defence)."

    def add_arguments(self, parser: CommandParser) -> None:
        worker_arguments(parser, interval=30.0)

    def handle(self, *args: Any, follow: bool, interval: float, **options: Any) -> None:
        def apply(stop: threading.Event) -> None:
            now = timezone.now()
            due = Offer.objects.filter(released_at__isnull=False, reply_deadline__lt=now)
            failed = []
            for offer in due:
                try:
                    silent = offer_apply_deadline(offer=offer, now=now)
                except ProcessError as error:  # this offer's state, not the others'
                    self.stderr.write(f"{offer.key}: its deadline cannot be applied: {error}")
                    failed.append(offer.key)
                    continue
                if silent and options["verbosity"]:
                    self.stdout.write(f"{offer.key}: {silent} belligerent(s) fell silent")
            if failed:
                raise CommandError(f"the deadline of {', '.join(failed)} could not be applied")

        repeat(apply, interval=interval, follow=follow)
