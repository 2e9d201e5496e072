"""`openpeace --help` lists every command, the auditor's too, and `openpeace help NAME` helps
with each of them (the auditor's run before Django, so Django's list cannot name them)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import OPENPEACE, run


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}


@pytest.mark.parametrize("asked", ["--help", "help"])
def test_the_list_names_the_auditors_commands_beside_djangos(asked: str) -> None:
    listed = run(_env(), OPENPEACE, asked)
    assert "load_situation" in listed and "apply_deadlines" in listed
    auditor = listed.split("[auditor: the core alone, no database]")[1].split()
    assert auditor == ["verify", "verify-proof", "plebiscite", "verify"]


@pytest.mark.parametrize(("asked", "usage"), [
    (["help", "verify"], "usage: openpeace verify "),
    (["help", "verify-proof"], "usage: openpeace verify-proof "),
    (["help", "plebiscite", "verify"], "usage: openpeace plebiscite verify "),
    (["verify", "--help"], "usage: openpeace verify "),
    (["help", "load-situation"], "usage: openpeace load_situation "),
])
def test_help_on_each_command(asked: list[str], usage: str) -> None:
    assert run(_env(), OPENPEACE, *asked).startswith(usage)
