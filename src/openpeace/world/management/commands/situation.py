"""`openpeace situation check PATH` and `openpeace situation export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.core.situation import SituationError, situation_to_document
from openpeace.core.situation_file import read_situation
from openpeace.world.selectors import situation_export


class Command(BaseCommand):
    help = "Check a situation file without loading it, or export the register as one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate situation files; change nothing")
        check.add_argument("paths", nargs="+", type=Path)
        export = sub.add_parser("export", help="write the register as a situation file")
        export.add_argument("--format", choices=["yaml", "json"], default="yaml")
        export.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "check":
            self.check_files(options["paths"])
        else:
            self.export_register(options["format"], options["output"])

    def check_files(self, paths: list[Path]) -> None:
        failed = []
        for path in paths:
            try:
                s = read_situation(path)
            except SituationError as exc:
                failed.append(path)
                self.stderr.write(f"{path}: {len(exc.problems)} problem(s)\n{exc}")
                continue
            colonial = sum(n.standing == "colonial" for n in s.nationalities)
            self.stdout.write(
                f"{path}: valid ({len(s.states)} states, {len(s.nationalities)} nationalities "
                f"of which {colonial} colonial, {len(s.territories)} territories, "
                f"{len(s.belligerencies)} belligerencies, {len(s.occupations)} occupations)"
            )
        if failed:
            raise CommandError(f"{len(failed)} of {len(paths)} file(s) are not valid situations")

    def export_register(self, fmt: str, output: Path | None) -> None:
        try:
            document = situation_to_document(situation_export())
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if fmt == "json":
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
