"""`openpeace follows list|unsubscribe|run`: the officials' and the worker's side of the e-mail
follows (docs/notifications.md).

- `list`: how many follows each target has, per status and frequency (no addresses).
- `unsubscribe ADDRESS`: stop every follow of a person who asks by other means than the link.
- `run [--follow] [--interval S]`: fan the new log entries out into notices and queue the due
  mails (immediate ones at once, each daily digest once the day is over) for the task queue's
  workers, and delete the follows whose confirmation link expired unconfirmed, with their
  address and network (`openpeace serve` runs it with --follow, every second).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from openpeace.publicity.follows import services
from openpeace.publicity.follows.models import Follow
from openpeace.publicity.outbox import catch_up, sender_round
from openpeace.worker import repeat, verbose, worker_arguments


class Command(BaseCommand):
    help = "E-mail follows: list them, unsubscribe a person, run the sender."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="follows per target, status and frequency")
        unsubscribe = sub.add_parser("unsubscribe", help="stop every follow of one address")
        unsubscribe.add_argument("address")
        run = sub.add_parser("run", help="fan out new acts and queue the due mails")
        worker_arguments(run, interval=1.0)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except services.FollowRefused as refused:
            raise CommandError(str(refused)) from None

    def do_list(self, **_: Any) -> None:
        rows = (Follow.objects.values_list("target", "key", "status", "frequency")
                .annotate(n=Count("pk")).order_by("target", "key", "status", "frequency"))
        for target, key, status, frequency, n in rows:
            self.stdout.write(f"{target}:{key}\t{status}\t{frequency}\t{n}")

    def do_unsubscribe(self, *, address: str, **_: Any) -> None:
        count = services.follows_unsubscribe_contact(contact=address)
        self.stdout.write(f"{count} follows unsubscribed.")

    def do_run(self, *, follow: bool, interval: float, **options: Any) -> None:
        out = self.stdout if verbose(options["verbosity"], follow) else None
        send = sender_round(services.notices_fan_out, services.notices_dispatch, "notices", out)

        def round_(stop: threading.Event) -> None:
            send(stop)
            deleted = catch_up(services.follows_expired_delete, stop)
            if out is not None and deleted:
                out.write(f"{deleted} follows deleted, their links expired unconfirmed\n")
                out.flush()

        repeat(round_, interval=interval, follow=follow)
