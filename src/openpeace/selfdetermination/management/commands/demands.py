"""`openpeace demands list|acknowledge|begin|satisfy|refuse`: the demands from the command line,
for officials working outside the admin. Every step goes through its service, into the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.selfdetermination import services
from openpeace.selfdetermination.models import Decision, Demand
from openpeace.selfdetermination.selectors import demands_public


class Command(BaseCommand):
    help = "List the demands and move them along: acknowledge, begin, satisfy, refuse."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="every demand, oldest first")
        listing.add_argument("--nationality", help="a nationality's key")
        listing.add_argument("--status", choices=Demand.Status.values)
        for name, text in [("acknowledge", "acknowledge a filed demand"),
                           ("begin", "mark an acknowledged demand in progress")]:
            step = sub.add_parser(name, help=text)
            step.add_argument("demand", type=int)
            step.add_argument("--note", default="", help="published with the step")
        satisfy = sub.add_parser("satisfy", help="satisfy a demand in progress by an act")
        satisfy.add_argument("demand", type=int)
        act = satisfy.add_mutually_exclusive_group(required=True)
        act.add_argument("--decision", type=int, help="the id of the nationality's decision")
        act.add_argument("--log-index", type=int, help="the log index of another act")
        satisfy.add_argument("--note", default="", help="published with the step")
        refuse = sub.add_parser("refuse", help="refuse a demand in progress, with reasons")
        refuse.add_argument("demand", type=int)
        reasons = refuse.add_mutually_exclusive_group(required=True)
        reasons.add_argument("--reasons", help="the published reasons")
        reasons.add_argument("--reasons-file", type=Path, help="a file with the reasons")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list(options["nationality"], options["status"])
            return
        demand = Demand.objects.filter(pk=options["demand"]).first()
        if demand is None:
            raise CommandError(f"no demand {options['demand']}")
        try:
            if action == "acknowledge":
                services.demand_acknowledge(demand=demand, note=options["note"])
            elif action == "begin":
                services.demand_begin(demand=demand, note=options["note"])
            elif action == "satisfy":
                services.demand_satisfy(demand=demand, decision=self._decision(options),
                                        log_index=options["log_index"], note=options["note"])
            else:
                services.demand_refuse(demand=demand, reasons=self._reasons(options))
        except services.DemandRefused as refused:
            raise CommandError(str(refused)) from None
        demand.refresh_from_db()
        self.stdout.write(f"demand {demand.pk}: {demand.status}")

    def _list(self, nationality: str | None, status: str | None) -> None:
        demands = demands_public()
        if nationality:
            demands = demands.filter(nationality__key=nationality)
        if status:
            demands = demands.filter(status=status)
        for d in demands:
            self.stdout.write(f"{d.pk}\t{d.nationality.key}\t{d.kind}\t{d.status}\t"
                              f"{d.filed_at:%Y-%m-%d}\t{d.commission.label}")

    @staticmethod
    def _decision(options: dict[str, Any]) -> Decision | None:
        if options["decision"] is None:
            return None
        decision = Decision.objects.filter(pk=options["decision"]).first()
        if decision is None:
            raise CommandError(f"no decision {options['decision']}")
        return decision

    @staticmethod
    def _reasons(options: dict[str, Any]) -> str:
        if options["reasons_file"] is None:
            return str(options["reasons"])
        try:
            return Path(options["reasons_file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
