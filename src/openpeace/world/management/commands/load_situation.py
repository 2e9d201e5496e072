"""`openpeace load-situation PATH`: load a situation file into the empty register."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.console import progress_display
from openpeace.core.situation import SituationError
from openpeace.core.situation_file import read_situation
from openpeace.world.services import RegisterNotEmpty, situation_load


class Command(BaseCommand):
    help = "Load a situation file (YAML or JSON) into the empty world register, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the situation file")
        parser.add_argument("--quiet", action="store_true", help="print no progress")

    def handle(self, *args: Any, path: Path, quiet: bool, **options: Any) -> None:
        try:
            situation = read_situation(path)
            # The raw stream: OutputWrapper appends a newline to every write, which breaks a bar.
            # (The stubs do not declare the `_out` it wraps, so mypy sees its `__getattr__`.)
            stream = cast(TextIO, self.stderr._out)
            with progress_display(stream, quiet=quiet) as progress:
                situation_load(situation, progress=progress)
        except SituationError as exc:
            raise CommandError(f"{path} is not a valid situation:\n{exc}") from None
        except RegisterNotEmpty as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Loaded {situation.title!r}: {len(situation.states)} states, "
            f"{len(situation.nationalities)} nationalities, "
            f"{len(situation.territories)} territories."
        )
