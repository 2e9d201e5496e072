"""The `openpeace` command: Django's management interface under the project's own name.

Every job is a management command (`openpeace serve`, `openpeace load-situation PATH`,
`openpeace situation check PATH`, ...), except the auditor's `openpeace verify`,
`openpeace verify-proof` and `openpeace plebiscite verify`, which use the core alone (see
`openpeace.verify`). Command names
are written with hyphens on the command line and with underscores in Python, so
`load-situation` runs `load_situation`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    auditor = " ".join(argv[1:3]) if argv[1:2] == ["plebiscite"] else " ".join(argv[1:2])
    if auditor in ("verify", "verify-proof", "plebiscite verify"):
        # An auditor's commands: the core alone, no Django, no database.
        from openpeace.verify import COMMANDS

        sys.exit(COMMANDS[auditor](argv[1 + len(auditor.split()):]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
