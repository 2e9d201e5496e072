"""`openpeace serve` and production settings, run as a user would run them."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MINI

OPENPEACE = str(Path(sys.executable).parent / "openpeace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, attempts: int = 60, expect: int | None = None) -> tuple[int, bytes]:
    """GET `url`, retrying while the server starts and, with `expect`, until that status."""
    answer: tuple[int, bytes] | None = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                answer = response.status, response.read()
        except urllib.error.HTTPError as exc:
            answer = exc.code, exc.read()
        except OSError:
            answer = None
        if answer is not None and (expect is None or answer[0] == expect):
            return answer
        time.sleep(0.5)
    raise AssertionError(f"{url} answered {answer[0] if answer else 'nothing'}")


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    test_only = {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG",
                 "OPENPEACE_SITE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    return {**env, "OPENPEACE_DATA_DIR": str(tmp_path / "var")}


def test_serve_runs_gunicorn_on_the_default_and_keeps_data_across_restarts(
    data_dir: dict[str, str], tmp_path: Path
) -> None:
    state = tmp_path / "verify-state"
    port = free_port()
    server = subprocess.Popen(
        [OPENPEACE, "serve", "--port", str(port), "--workers", "1", "--situation", str(MINI)],
        env=data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = fetch(base + "/")
        assert status == 200 and b"A small war for tests" in body
        assert fetch(base + "/states/germany/")[0] == 200
        status, body = fetch(base + "/api/openapi.json")
        assert status == 200 and b'"openapi"' in body
        status, _ = fetch(base + "/static/openpeace/site.css")
        assert status == 200
        # What leaves the site names the port it is served on, not the default 8000.
        fetch(base + "/endorsements/confirm/not-a-real-token/")  # a link with its secret
        status, body = fetch(base + "/data/offers.json")
        assert status == 200 and f'"schema": "{base}/data/offers.schema.json"'.encode() in body
        # The integrator runs beside the server: the load's entry gets signed, and the log
        # verifies over HTTP with nothing but its published key.
        status, _ = fetch(base + "/log/checkpoint", expect=200)
        assert status == 200
        key = fetch(base + "/log/key")[1].decode().strip()
        verified = subprocess.run(
            [OPENPEACE, "verify", base + "/log", "--key", key, "--state", str(state)],
            capture_output=True, text=True, check=False,
        )
        assert verified.returncode == 0, verified.stderr
        assert "at size 1" in verified.stdout
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Starting gunicorn" in output
    assert "secret" not in output.lower()
    data = Path(data_dir["OPENPEACE_DATA_DIR"])
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    # Nothing of the server's is readable by other users: its directory, its database.
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    assert oct((data / "openpeace.sqlite3").stat().st_mode & 0o777) == "0o600"
    # Nor are link secrets written to its log (the access log names every path requested).
    assert "/endorsements/confirm/[redacted]/" in output
    assert "not-a-real-token" not in output

    again = subprocess.run(
        [OPENPEACE, "serve", "--no-serve", "--situation", str(MINI)],
        env=data_dir, capture_output=True, text=True, check=True,
    )
    assert "already holds a situation; keeping it" in again.stdout


def test_serve_demo_plays_the_1917_history_once_and_only_on_the_1917_default(
    data_dir: dict[str, str],
) -> None:
    """What `make serve` runs: a new user sees the offer of 1917 and what followed at once."""
    command = [OPENPEACE, "serve", "--no-serve", "--demo"]
    refused = subprocess.run([*command, "--situation", str(MINI)], env=data_dir,
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "--demo plays the 1917 default's history: it cannot go with another" in refused.stderr
    data = Path(data_dir["OPENPEACE_DATA_DIR"])
    assert not (data / "openpeace.sqlite3").exists()  # refused before anything was written

    first = subprocess.run(command, env=data_dir, capture_output=True, text=True, check=True)
    assert "the peoples may endorse the offer at /offers/decree-on-peace-1917/endorse/" in (
        first.stdout)
    again = subprocess.run(command, env=data_dir, capture_output=True, text=True, check=True)
    assert "keeping it" in again.stdout and "Playing" not in again.stdout
    with sqlite3.connect(data / "openpeace.sqlite3") as db:
        offers = db.execute("SELECT key, released_at IS NOT NULL FROM diplomacy_offer").fetchall()
        periods = db.execute("SELECT count(*) FROM publicity_endorsementperiod").fetchone()
    assert offers == [("decree-on-peace-1917", 1)] and periods == (1,)  # played once


def test_check_deploy_passes_with_production_settings(data_dir: dict[str, str]) -> None:
    production = {
        **data_dir,
        "SECRET_KEY": "x" * 20 + "-production-secret-not-in-the-repo-" + "y" * 30,
        "DEBUG": "0",
        "OPENPEACE_HTTPS": "1",
        "ALLOWED_HOSTS": "peace.example.org",
    }
    result = subprocess.run(
        [OPENPEACE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_embedded_settings(data_dir: dict[str, str]) -> None:
    """The embedded defaults are for one machine; the deploy check must say so."""
    result = subprocess.run(
        [OPENPEACE, "check", "--deploy", "--fail-level", "WARNING"],
        env=data_dir, capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


@pytest.mark.parametrize(("host", "outside"), [
    ("127.0.0.1", False), ("::1", False), ("localhost", False),
    ("0.0.0.0", True), ("::", True), ("10.0.0.5", True), ("peace.example", True),
])
def test_serve_warns_when_it_listens_beyond_this_machine(host: str, outside: bool) -> None:
    """gunicorn's sync workers need a buffering proxy in front once others can reach them."""
    from openpeace.web.management.commands.serve import reachable_from_outside

    assert reachable_from_outside(host) is outside
