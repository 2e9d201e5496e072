"""`openpeace serve`: the whole system on one machine, ready to use.

It migrates the database, loads the default situation (the world of November 1917) only when
the register is empty — running it again keeps every change — and, with `--demo` (what `make
serve` runs), plays the offer of November 1917 and what followed into it (`openpeace demo
replay-1917`), so that a new user sees the whole process at work at once, not an empty
register (PRODUCT.md); a deployment with its own situation leaves `--demo` out, as its log is
for its own acts. Then it collects the static files, and
runs gunicorn, a production WSGI server (never Django's development server), beside the
background workers: the log's integrator, which turns every act's entry into a signed
checkpoint within a fraction of a second, the job that applies reply deadlines and the ends of
armistices, the jobs that check the endorsements and queue their mails and publish their
tallies, the senders of webhooks and of followers' e-mails, and the worker of the task queue
(notices to envoys, mails): `db_worker`, or `rqworker` when the queue is in Redis
(`OPENPEACE_TASKS_BACKEND=rq`; at scale, run more `openpeace rqworker` on other machines).
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.task_backends import worker_command
from openpeace.world.services import register_is_empty


def site_address(host: str, port: int) -> str:
    """The address a browser on this machine reaches the server at: a server listening on
    every interface is reached at 127.0.0.1."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def reachable_from_outside(host: str) -> bool:
    """Whether a server bound to `host` listens beyond this machine (a name other than
    localhost counts as such: it is for others to reach)."""
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"


class Command(BaseCommand):
    help = "Migrate, load the 1917 default into an empty register, and serve with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument(
            "--situation",
            type=Path,
            default=settings.OPENPEACE_DEFAULT_SITUATION,
            help="the situation to load into an empty register (default: November 1917)",
        )
        parser.add_argument(
            "--demo", action="store_true",
            help="when it loads the 1917 default into an empty register, also play the offer "
                 "of November 1917 and what followed (`openpeace demo replay-1917`)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare everything, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        default = options["situation"] == settings.OPENPEACE_DEFAULT_SITUATION
        if options["demo"] and not default:
            raise CommandError("--demo plays the 1917 default's history: it cannot go with "
                               f"another situation ({options['situation']})")
        # What the server writes is its own: the database (addresses, token hashes), the mails
        # with live confirmation links, the keys. The data directory is closed to other users
        # (however an earlier version left it), and so is every file the server and its
        # workers create in it.
        os.umask(0o077)
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        settings.DATA_DIR.chmod(0o700)
        call_command("migrate", interactive=False, verbosity=0)
        if register_is_empty():
            self.stdout.write(f"Loading the default situation from {options['situation']}")
            call_command("load_situation", str(options["situation"]))
            if default:
                call_command("treaties", "import", str(settings.OPENPEACE_DEFAULT_TREATIES))
            if options["demo"]:
                self.stdout.write("Playing the offer of November 1917 and what followed")
                call_command("demo", "replay-1917", stdout=self.stdout)
        else:
            self.stdout.write("The register already holds a situation; keeping it.")
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["no_serve"]:
            return
        bind = f"{options['host']}:{options['port']}"
        address = site_address(options["host"], options["port"])
        # What leaves the site (mails, feeds, open data) names the address it is served at,
        # unless the deployment names its public one: the children read it from here.
        os.environ.setdefault("OPENPEACE_SITE_URL", address)
        self.stdout.write(f"openpeace is serving at {address}/")
        if reachable_from_outside(options["host"]):
            # gunicorn's sync workers each wait for a whole request: a few clients that send
            # theirs slowly hold every worker, so they are meant to sit behind a buffering proxy.
            self.stderr.write(
                "Listening beyond this machine: put a buffering reverse proxy (nginx) in front "
                "of it, as gunicorn's sync workers need (docs/architecture.md)."
            )
        sys.stdout.flush()
        self.run_until_stopped(
            [
                [sys.executable, "-m", "openpeace.cli", "integrate", "--follow"],
                [sys.executable, "-m", "openpeace.cli", "apply-deadlines", "--follow"],
                [sys.executable, "-m", "openpeace.cli", "endorsements", "dispatch", "--follow"],
                [sys.executable, "-m", "openpeace.cli", "endorsements", "tally", "--follow"],
                [sys.executable, "-m", "openpeace.cli", "webhooks", "run", "--follow"],
                [sys.executable, "-m", "openpeace.cli", "follows", "run", "--follow"],
                [sys.executable, "-m", "openpeace.cli", *worker_command()],
            ],
            [
                sys.executable, "-m", "gunicorn", "openpeace.wsgi",
                "--bind", bind,
                "--workers", str(options["workers"]),
                "--access-logfile", "-",
                "--logger-class", "openpeace.web.redact.AccessLog",
                # One control socket per user by default: two servers on a machine would share
                # it, and nothing here uses it.
                "--no-control-socket",
                "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            ],
        )  # fmt: skip

    def run_until_stopped(self, workers: list[list[str]], server: list[str]) -> None:
        """Run the background workers beside the web server; stop all when any stops."""

        def stop(signum: int, frame: object) -> None:
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        children = [subprocess.Popen(command) for command in [*workers, server]]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
