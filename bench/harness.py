"""What every Django benchmark needs: its own fresh database, SQLite or PostgreSQL, in a child
process (so that Django is set up once per database), and the machine's description.

    run_on_each_database(__file__, args.database_url)   # in the parent: one child per database
    with child_database(vendor, database_url):          # in the child: Django set up, migrated
        ...
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


def machine() -> str:
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}")


def run_on_each_database(script: str, database_url: str | None, *extra: str) -> None:
    """Run `script --child sqlite`, then `--child postgresql` when a server URL is given."""
    subprocess.run([sys.executable, script, "--child", "sqlite", *extra], check=True)
    if database_url:
        subprocess.run([sys.executable, script, "--child", "postgresql",
                        "--database-url", database_url, *extra], check=True)
    else:
        print("  postgresql  skipped: give --database-url or set DATABASE_URL")


@contextmanager
def child_database(vendor: str, server_url: str | None) -> Iterator[None]:
    """A new empty database (a temporary SQLite file, or a new PostgreSQL database on the
    server, dropped afterwards), with Django set up on it and migrated."""
    os.environ["OPENPEACE_DATA_DIR"] = tempfile.mkdtemp(prefix="openpeace-bench-")
    os.environ.pop("DATABASE_URL", None)
    name = f"openpeace_bench_{uuid.uuid4().hex[:10]}"
    if vendor == "postgresql":
        import psycopg

        assert server_url, "PostgreSQL needs a server URL"
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpeace.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        if vendor == "postgresql":
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
