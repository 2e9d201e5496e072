"""`openpeace offers import FILE`: an offer prepared as a file (docs/offer-format.md) becomes a
draft, all or nothing, each problem reported at its path. A draft is not public: officials
review it in the admin, where its release (to every government and people at once, logged)
is an action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.diplomacy.offer_file import OfferFileError, offer_import


class Command(BaseCommand):
    help = "Offers: import an offer file as a draft."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imported = sub.add_parser("import", help="import an offer file as a draft")
        imported.add_argument("file", type=Path, help="a YAML or JSON offer file")

    def handle(self, *args: Any, action: str, file: Path, **options: Any) -> None:
        try:
            offer, released_at = offer_import(file)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        except OfferFileError as error:
            raise CommandError(str(error)) from None
        notes, proclamations = offer.notes.count(), offer.proclamations.count()
        self.stdout.write(
            f"{offer.key}: imported as a draft, with {notes} note{'' if notes == 1 else 's'} "
            f"and {proclamations} proclamation{'' if proclamations == 1 else 's'}; an official "
            "releases it in the admin")
        if released_at is not None:
            self.stdout.write(f"(the file names a past release, {released_at:%Y-%m-%d %H:%M %Z}"
                              ", which only a replay uses)")
