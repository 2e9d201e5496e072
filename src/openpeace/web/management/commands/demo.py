"""`openpeace demo replay-1917` and `openpeace demo plebiscite`: the 1917 default at work.

The replay plays the real sequence through the services every app's API uses: the offer and
the replies, the armistice and Brest-Litovsk (diplomacy), the secret treaties published and
repudiated (treaties), the Ukrainian and Finnish demands and Finland's recognised decision
(self-determination), the evacuation of Turkish Armenia (world); then it opens the offer to
the peoples' endorsements for a year (publicity). It lives in `web`, the app
that frames the others, because it orchestrates them all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpeace.diplomacy.replay import AlreadyReplayed, replay_1917
from openpeace.log.publish import log_publish
from openpeace.log.services import log_integrate
from openpeace.plebiscites.models import Plebiscite
from openpeace.publicity.services import endorsement_period_open
from openpeace.selfdetermination.replay import decisions_replay_1917, demands_replay_1917
from openpeace.treaties.replay import treaties_replay_1917
from openpeace.world.evacuation_replay import evacuation_replay_1917
from openpeace.world.services import register_is_empty

ENDORSEMENTS_OPEN = dt.timedelta(days=365)
"""How long the replayed offer stays open to the peoples' endorsements, from the replay."""


class Command(BaseCommand):
    help = "Demonstrations on the 1917 default, played through the same services as the API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="demo", required=True)
        sub.add_parser("replay-1917", help="the offer of peace of November 1917 and what followed")
        plebiscite = sub.add_parser(
            "plebiscite", help="a plebiscite of the Armenians of Turkish Armenia, verifiable"
        )
        plebiscite.add_argument("--voters", type=int, default=10_000)
        plebiscite.add_argument("--record", help="also write its election record to this file")
        plebiscite.add_argument(
            "--log", type=Path, help="also export the log to this directory (as `openpeace log "
            "export` does): `openpeace plebiscite verify` rebuilds the record from it alone"
        )

    def handle(self, *args: Any, demo: str, **options: Any) -> None:
        if register_is_empty():
            call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
        if demo == "plebiscite":
            record = ["--record", options["record"]] if options["record"] else []
            call_command("plebiscite", "demo", "--voters", str(options["voters"]), *record,
                         stdout=self.stdout)
            self._integrate()
            if options["log"] is not None:
                self._export(options["log"])
            return
        try:
            offer = replay_1917(say=lambda line: self.stdout.write(f"  {line}"))
        except AlreadyReplayed as error:
            raise CommandError(str(error)) from None
        treaties_replay_1917(say=lambda line: self.stdout.write(f"  {line}"))
        demands_replay_1917(say=lambda line: self.stdout.write(f"  {line}"))
        decisions_replay_1917(say=lambda line: self.stdout.write(f"  {line}"))
        evacuation_replay_1917(say=lambda line: self.stdout.write(f"  {line}"))
        endorsement_period_open(offer=offer, closes_at=timezone.now() + ENDORSEMENTS_OPEN)
        self.stdout.write(f"  the peoples may endorse the offer at /offers/{offer.key}/endorse/")
        self._integrate()
        self.stdout.write(f"{offer.title}: overall status {offer.status!r}; every act is logged.")

    def _integrate(self) -> None:
        while log_integrate() is not None:
            pass

    def _export(self, directory: Path) -> None:
        log_publish(directory)
        plebiscite = Plebiscite.objects.order_by("-pk").first()
        assert plebiscite is not None
        key = (directory / "key").read_text(encoding="utf-8").strip()
        self.stdout.write(
            f"The log is exported to {directory}. Check the plebiscite from it alone:\n"
            f"  openpeace plebiscite verify {directory} --key {key} "
            f"--election {plebiscite.election_id}"
        )
