"""`openpeace apply-deadlines [--follow]`: record silence and the defence rule when deadlines pass.

Idempotent: running it twice, or every minute, records each silence and each change of status
once. `openpeace serve` runs it with --follow.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

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
            for offer in due:
                silent = offer_apply_deadline(offer=offer, now=now)
                if silent and options["verbosity"]:
                    self.stdout.write(f"{offer.key}: {silent} belligerent(s) fell silent")

        repeat(apply, interval=interval, follow=follow)
