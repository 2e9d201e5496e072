"""`openpeace evacuation status|import|report|complete|end`: evacuation plans from the command
line, for the operator and for officials working outside the admin. Every act goes through
`world.evacuation` (with its log entry); a refusal says why and changes nothing."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpeace.core.evacuation import EvacuationRefused
from openpeace.world import evacuation, selectors
from openpeace.world.evacuation_file import EvacuationFileError, evacuation_import
from openpeace.world.models import EvacuationPlan, EvacuationStage, Occupation


def _date(text: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Evacuation plans: what is overdue on a day, import plans, report, complete, end."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="every occupation and its plan on a day")
        status.add_argument("--on", type=_date, default=None, help="the day (default today)")
        status.add_argument("--overdue", action="store_true", help="only those with a stage "
                                                                  "overdue that day")
        imp = sub.add_parser("import", help="adopt the plans of an evacuation file; all or none")
        imp.add_argument("path", type=Path)
        for name, helps in [("report", "report progress on a plan"),
                            ("complete", "complete a stage (the last one ends the occupation)"),
                            ("end", "end an occupation by a recorded act")]:
            act = sub.add_parser(name, help=helps)
            act.add_argument("territory", help="the occupied territory's key")
            act.add_argument("occupier", help="the occupying state's key")
            if name == "complete":
                act.add_argument("stage", type=int, help="the stage's number")
            act.add_argument("--on", type=_date, required=True, help="the day it happened")
            text = {"report": "--text", "complete": "--note", "end": "--act"}[name]
            act.add_argument(text, required=True, dest="text",
                             help={"--text": "what happened", "--note": "how the units left",
                                   "--act": "the act that ended it"}[text])
            if name == "report":
                act.add_argument("--stage", type=int, default=None, help="the stage reported on")
            act.add_argument("--source", default="")
            act.add_argument("--source-url", default="")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except EvacuationRefused as refused:
            raise CommandError(f"refused, nothing changed: {refused}") from None

    def _occupation(self, territory: str, occupier: str) -> Occupation:
        try:
            return Occupation.objects.get(territory__key=territory, occupier__key=occupier)
        except Occupation.DoesNotExist:
            raise CommandError(f"no occupation of {territory!r} by {occupier!r}") from None

    def _plan(self, occupation: Occupation) -> EvacuationPlan:
        try:
            return occupation.evacuation_plan
        except EvacuationPlan.DoesNotExist:
            raise CommandError(f"the occupation of {occupation.territory.key!r} has no "
                               "evacuation plan") from None

    def _stage(self, plan: EvacuationPlan, number: int) -> EvacuationStage:
        try:
            return plan.stages.get(number=number)
        except EvacuationStage.DoesNotExist:
            raise CommandError(f"the plan has no stage {number}") from None

    def do_status(self, on: dt.date | None, overdue: bool, **_: Any) -> None:
        day = on or timezone.localdate()
        shown = selectors.occupations_on(day, overdue=True if overdue else None)
        self.stdout.write(f"on {day}: {sum(o.overdue > 0 for o in shown)} plan(s) with a stage "
                          "overdue")
        for item in shown:
            o = item.occupation
            line = f"{o.territory.key} by {o.occupier.key}: {item.state.replace('_', ' ')}"
            if item.state == "ended" and o.ended_on:
                line += f" on {o.ended_on}"
            if item.plan and item.status:
                line += (f"; plan {item.status.state.replace('_', ' ')}, {item.completed} of "
                         f"{len(item.stages)} stage(s) completed")
                for stage in item.stages:
                    if stage.status.overdue:
                        line += (f"; stage {stage.stage.number} OVERDUE by {stage.status.days} "
                                 "day(s)")
            self.stdout.write(line)

    def do_import(self, path: Path, **_: Any) -> None:
        try:
            plans = evacuation_import(path)
        except EvacuationFileError as error:
            raise CommandError(f"{len(error.problems)} problem(s); nothing imported\n{error}"
                               ) from None
        self.stdout.write(f"{path}: adopted {len(plans)} evacuation plan(s)")

    def do_report(self, territory: str, occupier: str, on: dt.date, text: str,
                  stage: int | None, source: str, source_url: str, **_: Any) -> None:
        plan = self._plan(self._occupation(territory, occupier))
        evacuation.report_record(
            plan=plan, on=on, text=text, stage=self._stage(plan, stage) if stage else None,
            source=source, source_url=source_url,
        )
        self.stdout.write(f"reported on {plan.title} for {on}")

    def do_complete(self, territory: str, occupier: str, stage: int, on: dt.date, text: str,
                    source: str, source_url: str, **_: Any) -> None:
        occupation = self._occupation(territory, occupier)
        done = evacuation.stage_complete(
            stage=self._stage(self._plan(occupation), stage), on=on, note=text, source=source,
            source_url=source_url,
        )
        occupation.refresh_from_db()
        self.stdout.write(f"stage {done.number} completed on {on}" + (
            f"; the plan is completed and the occupation ended on {occupation.ended_on}"
            if occupation.ended_on else ""
        ))

    def do_end(self, territory: str, occupier: str, on: dt.date, text: str, source: str,
               source_url: str, **_: Any) -> None:
        evacuation.occupation_end(occupation=self._occupation(territory, occupier), on=on,
                                  act=text, source=source, source_url=source_url)
        self.stdout.write(f"the occupation of {territory} by {occupier} ended on {on}")
