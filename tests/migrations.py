"""Running migrations in a test: back to the state before a migration, forward over data, and
back to every app's last one (the test database as the other tests expect it)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(to: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `to`; the app registry of that state, for its models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(to)
    return executor.loader.project_state(to).apps


def latest() -> list[tuple[str, str]]:
    """Every app's last migration. Going back to an app's state before a migration also undoes
    other apps' migrations that depend on it, so a test ends by migrating to all of these, not
    only to its own app's last."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
