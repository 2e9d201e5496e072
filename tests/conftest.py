"""Shared fixtures: the small test situation, a loaded register, a database of its own for
tests that run real processes, and the system Chromium for the browser tests (the public pages
in tests/web, the voting booth in tests/plebiscites)."""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from openpeace.core.situation import Situation
from openpeace.core.situation_file import parse_text, read_situation

MINI = Path(__file__).parent / "world" / "mini.yaml"
DEFAULT_1917 = Path(__file__).parents[1] / "src" / "openpeace" / "situations" / "1917-11.yaml"

settings.register_profile(
    "openpeace", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("openpeace")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render pages without a collectstatic run, so no manifest is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache: a page cached by one test is never another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def mini_document() -> dict[str, Any]:
    """A fresh, mutable copy of the small valid situation document."""
    document = parse_text(MINI.read_text(encoding="utf-8"), is_json=False)
    assert isinstance(document, dict)
    return copy.deepcopy(document)


@pytest.fixture
def mini() -> Situation:
    return read_situation(MINI)


@pytest.fixture
def loaded(db: None, mini: Situation) -> Situation:
    """The register with the small situation loaded."""
    from openpeace.world.services import situation_load

    situation_load(mini)
    return mini


OPENPEACE = str(Path(sys.executable).parent / "openpeace")
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One migrated database per test process, which `environment` copies for each test:
    migrating takes seconds, copying a file or a PostgreSQL template does not. Yields the data
    directory (the SQLite file and the secret key) and the name of the PostgreSQL template, used
    when DATABASE_URL is set."""
    data_dir = tmp_path_factory.mktemp("migrated") / "var"
    with _processes(data_dir, "openpeace_template") as env:
        run(env, OPENPEACE, "migrate", "--verbosity", "0")
        yield data_dir, env.get("DATABASE_URL", "").rsplit("/", 1)[-1]


@pytest.fixture
def environment(tmp_path: Path, _migrated: tuple[Path, str]) -> Iterator[dict[str, str]]:
    """The environment of processes with a database of their own, migrated."""
    with own_database(tmp_path, _migrated) as env:
        yield env


@contextlib.contextmanager
def own_database(directory: Path, migrated: tuple[Path, str]) -> Iterator[dict[str, str]]:
    """An environment whose processes use a copy of the migrated database, its data directory
    in `directory`."""
    template_dir, template = migrated
    with _processes(shutil.copytree(template_dir, directory / "var"), "openpeace_crash",
                    template) as env:
        yield env


@contextlib.contextmanager
def _processes(data_dir: Path, prefix: str, template: str = "") -> Iterator[dict[str, str]]:
    """The environment of processes whose data directory is `data_dir` and, when DATABASE_URL
    is set, whose PostgreSQL database is their own (named from `prefix`; a copy of `template`,
    if one is named), dropped at the end."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["OPENPEACE_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    server_url = os.environ.get("DATABASE_URL")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if server_url:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        _postgres(server_url, f'CREATE DATABASE "{name}"{copy_of}')
        env["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        if server_url:
            _postgres(server_url, f'DROP DATABASE "{name}" WITH (FORCE)')


def _postgres(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(statement)


def run(env: dict[str, str], *command: str) -> str:
    return subprocess.run(
        list(command), env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


# A real browser for the browser tests: Debian's Chromium driven by Playwright (never a
# downloaded one).

CHROMIUM = "/usr/bin/chromium"
# What axe-core (bundled by axe-playwright-python) checks: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
                   "best-practice"],
    }
}
# Chromium as this machine's network allows it: headless, no background calls home.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `scripts/system-packages test` (make test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's database
    # calls happen in its own thread, so Django's guard against async contexts does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def csp_reports(page: Any) -> list[str]:
    """Every Content-Security-Policy violation the browser reports in `page`'s console from now
    on (Chromium says of each that it "violates the following Content Security Policy
    directive")."""
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text)
            if "Content Security Policy" in message.text else None)
    return reports
