"""`openpeace coverage [--format text|csv] [-o FILE]`: has every nationality had its choice?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openpeace.core.coverage import GIVEN
from openpeace.selfdetermination.report import coverage_csv
from openpeace.selfdetermination.selectors import coverage_report


class Command(BaseCommand):
    help = "The coverage report: every nationality, colonial ones included, and its choice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "csv"], default="text")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")

    def handle(self, *args: Any, format: str, output: Path | None, **options: Any) -> None:
        report = coverage_report()
        if format == "csv":
            text = coverage_csv(report)
        else:
            lines = [f"{len(report.rows)} nationalities"]
            for standing in ("metropolitan", "colonial"):
                counts = ", ".join(f"{report.totals[(standing, g)]} {g.replace('_', ' ')}"
                                   for g in GIVEN)
                lines.append(f"  {standing}: {counts}")
            for group in report.groups:
                decided = sum(r.given == "decided" for r in group.rows)
                lines.append(f"{group.state}: {len(group.rows)} nationalities, {decided} decided")
            text = "\n".join(lines) + "\n"
        if output:
            output.write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")
