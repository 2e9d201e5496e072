"""`openpeace treaties import|export|publish|repudiate|revise|rejudge`: the register from the
command line, for the operator and for officials working outside the admin."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpeace.core.treaty_status import TransitionRefused
from openpeace.treaties import export, services
from openpeace.treaties.models import Treaty
from openpeace.treaties.treaty_file import TreatyFileError, treaties_import
from openpeace.world.models import Language, State
from openpeace.world.selectors import situation_record


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Import, export, publish, repudiate and correct treaties."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a treaties file (as secret); all or nothing")
        imp.add_argument("path", type=Path)
        exp = sub.add_parser("export", help="write the public register as JSON or CSV")
        exp.add_argument("--format", choices=["json", "csv"], default="json")
        exp.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")
        pub = sub.add_parser("publish", help="publish a secret treaty, its texts into the log")
        pub.add_argument("key")
        rep = sub.add_parser("repudiate", help="repudiate a published treaty")
        rep.add_argument("key")
        rep.add_argument("--statement-file", type=Path, required=True)
        rep.add_argument("--on", type=_date, default=None, help="date (default today)")
        rep.add_argument("--by", help="the repudiating state (default the proposing state)")
        rev = sub.add_parser("revise", help="correct a text (a logged revision once published)")
        rev.add_argument("key")
        rev.add_argument("--language", required=True)
        rev.add_argument("--file", type=Path, required=True, help="the corrected text")
        rev.add_argument("--title", help="the corrected title (default unchanged)")
        rev.add_argument("--source", help="where the correction comes from (default unchanged)")
        rev.add_argument("--reason", default="", help="why (required once published)")
        sub.add_parser("rejudge", help="judge every clause again against today's register "
                       "(a public treaty's changed findings are logged)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def _treaty(self, key: str) -> Treaty:
        try:
            return Treaty.objects.get(key=key)
        except Treaty.DoesNotExist:
            raise CommandError(f"no treaty with key {key!r}") from None

    def do_import(self, path: Path, **_: Any) -> None:
        try:
            treaties = treaties_import(path)
        except TreatyFileError as error:
            raise CommandError(
                f"{len(error.problems)} problem(s); nothing imported\n{error}"
            ) from None
        flagged = sum(c.flagged for t in treaties for c in t.clauses.all())
        self.stdout.write(f"{path}: imported {len(treaties)} treaties as secret; "
                          f"{flagged} clause(s) promise annexations")

    def do_export(self, format: str, output: Path | None, **_: Any) -> None:
        if format == "csv":
            text = export.export_csv()
        else:
            text = json.dumps(export.export_json(), ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8", newline="")
        else:
            sys.stdout.write(text)

    def do_publish(self, key: str, **_: Any) -> None:
        try:
            services.treaty_publish(treaty=self._treaty(key))
        except (TransitionRefused, ValueError) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"published {key}")

    def do_repudiate(self, key: str, statement_file: Path, on: dt.date | None, by: str | None,
                     **_: Any) -> None:
        record = situation_record()
        state = (
            State.objects.filter(key=by).first() if by
            else record.proposing_state if record else None
        )
        if state is None:
            raise CommandError(f"no state {by!r} to repudiate it" if by else "use --by STATE")
        try:
            statement = statement_file.read_text(encoding="utf-8")
            services.treaty_repudiate(treaty=self._treaty(key), statement=statement,
                                      on=on or timezone.localdate(), by=state)
        except (OSError, UnicodeDecodeError, ValueError) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"repudiated {key}")

    def do_revise(self, key: str, language: str, file: Path, title: str | None,
                  source: str | None, reason: str, **_: Any) -> None:
        treaty = self._treaty(key)
        lang = Language.objects.filter(tag=language).first()
        if lang is None:
            raise CommandError(f"unknown language {language!r}")
        current = treaty.texts.filter(language=lang, current=True).first()
        if current is None and (title is None or source is None):
            raise CommandError(f"a new text in {language} needs --title and --source")
        try:
            revised = services.treaty_text_revise(
                treaty=treaty, language=lang, text=file.read_text(encoding="utf-8"),
                title=title or current.title, source=source or current.source,  # type: ignore[union-attr]
                reason=reason,
            )
        except (OSError, UnicodeDecodeError, ValueError) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{key} ({language}): revision {revised.revision}")

    def do_rejudge(self, **_: Any) -> None:
        self.stdout.write(f"{services.clauses_rejudge()} clause(s) changed their findings")
