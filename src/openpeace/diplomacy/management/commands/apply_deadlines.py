"""`openpeace apply-deadlines [--follow]`: apply the dates that pass by themselves.

Two kinds of date change a belligerent's process without anyone acting: the reply deadline
(silence, and the defence rule) and the end of an armistice (its term run out, or the notice a
denunciation gave: then the truce is over, `armistice_ended`). One job applies both, offer by
offer, each through its service and in its own transaction.

Idempotent: running it twice, or every minute, records each silence, each armistice's end and
each change of status once. `openpeace serve` runs it with --follow. An offer whose dates cannot
be applied is reported and the others are applied all the same; the round then fails
(`worker.repeat` logs it and, when following, goes on).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from openpeace.core.armistice import ArmisticeError
from openpeace.core.process import ProcessError
from openpeace.diplomacy.armistices import offer_apply_armistice_ends
from openpeace.diplomacy.models import BelligerentProcess, Offer
from openpeace.diplomacy.process import offer_apply_deadline
from openpeace.worker import repeat, worker_arguments


class Command(BaseCommand):
    help = ("Apply reply deadlines (silent belligerents, the defence rule) and the end of "
            "armistices (the truce over), and the overall status.")

    def add_arguments(self, parser: CommandParser) -> None:
        worker_arguments(parser, interval=30.0)

    def handle(self, *args: Any, follow: bool, interval: float, **options: Any) -> None:
        def apply(stop: threading.Event) -> None:
            now = timezone.now()
            due = Offer.objects.filter(released_at__isnull=False).filter(
                Q(reply_deadline__lt=now)
                | Q(processes__stage=BelligerentProcess.Stage.ARMISTICE_IN_FORCE)
            ).distinct()
            failed = []
            for offer in due:
                try:
                    silent = offer_apply_deadline(offer=offer, now=now)
                    ended = offer_apply_armistice_ends(offer=offer, now=now)
                except (ProcessError, ArmisticeError) as error:  # this offer's, not the others'
                    self.stderr.write(f"{offer.key}: its deadlines cannot be applied: {error}")
                    failed.append(offer.key)
                    continue
                if silent and options["verbosity"]:
                    self.stdout.write(f"{offer.key}: {silent} belligerent(s) fell silent")
                if ended and options["verbosity"]:
                    self.stdout.write(f"{offer.key}: the armistice ended for {ended} "
                                      "belligerent(s)")
            if failed:
                raise CommandError(f"the deadlines of {', '.join(failed)} could not be applied")

        repeat(apply, interval=interval, follow=follow)
