"""The `openpeace` command: Django's management interface under the project's own name.

Every job is a management command (`openpeace serve`, `openpeace load-situation PATH`,
`openpeace situation check PATH`, ...), except the auditor's `openpeace verify`,
`openpeace verify-proof` and `openpeace plebiscite verify`, which use the core alone (see
`openpeace.verify`); `openpeace --help` lists both kinds. Command names are written with
hyphens on the command line and with underscores in Python, so `load-situation` runs
`load_situation` (and `openpeace help load-situation` helps with it).
"""

from __future__ import annotations

import os
import sys

AUDITOR = ("verify", "verify-proof", "plebiscite verify")
"""The auditor's commands: the core alone, no Django, no database (`openpeace.verify`)."""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    asked = argv[2:] if argv[1:2] == ["help"] else argv[1:]
    auditor = " ".join(asked[:2]) if asked[:1] == ["plebiscite"] else " ".join(asked[:1])
    if auditor in AUDITOR:
        from openpeace.verify import COMMANDS

        arguments = asked[len(auditor.split()):] if argv[1:2] != ["help"] else ["--help"]
        sys.exit(COMMANDS[auditor](arguments))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
    named = 2 if argv[1:2] == ["help"] else 1  # the command's name: `openpeace [help] NAME`
    if len(argv) > named and not argv[named].startswith("-"):
        argv[named] = argv[named].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    if argv[1:] in (["help"], ["--help"], ["-h"]):
        # Django lists its own commands only (with underscores, which the hyphens replace).
        print("\n[auditor: the core alone, no database]")
        print("\n".join(f"    {command}" for command in AUDITOR))


if __name__ == "__main__":
    main()
