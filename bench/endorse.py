"""Benchmark: endorsements through the real HTTP server, beside the UK petitions service's peak
(issue 9).

    .venv/bin/python bench/endorse.py [--database-url URL] [--workers 4] [--concurrency 12]
                                      [--duration 120] [--smoke] [--django-only]

Everything runs on this machine, each part in its own process: a PostgreSQL database of the
bench's own (created on the server of --database-url/DATABASE_URL, dropped at the end);
`openpeace serve --no-serve` (migrate, the 1917 default, collectstatic), `openpeace demo
replay-1917` (the 1917 offer, released through the services; it opens the endorsements, else
`openpeace endorsements open` does); then `openpeace serve` itself: gunicorn's sync workers on
the project's WSGI app with DEBUG off, beside every background job serve starts (the log's
integrator, the endorsements' dispatch and tally jobs, the task worker `db_worker`, ...),
exactly as deployed on one machine, and nginx in front of it (Debian's package; `Front`), as
gunicorn's sync workers are meant to be deployed: it keeps the clients' connections alive and
serves what the server marks public from its cache (the form, the "sent" page, the tally).

A separate load process (this file with --load; asyncio and raw HTTP/1.1 from the standard
library, so nothing is added to the venv) runs virtual endorsers in a closed loop, each on one
keep-alive connection to nginx and from an address of its own (X-Forwarded-For, which nginx
extends and the server trusts from 127.0.0.1), so the checks run with their default limits
and see traffic from many places. Each one does what a browser does: GET the form, POST an
endorsement with a new e-mail address and a country (and, half the time, a region), follow
the redirect to the "sent" page, open the confirmation link (GET, a page with a button), and
POST it (the POSTs with `Sec-Fetch-Site: same-origin`, as a browser sends them). Then:

1. mail path (--mail-concurrency endorsers): the link is the one the task worker mails (the file
   backend writes it to the data directory's outbox; the load process reads every new mail
   there). The honest path, end to end.
2. web path (--concurrency endorsers): the link is made by the load process itself as the mail
   job makes it (`confirmation_token(ref)`, the ref looked up by the canonical contact in the
   database), so the web path runs at its own pace; the dispatch and the worker still run
   beside it and still mail every link.
3. the background work alone: --backlog endorsements are submitted through the service (no
   HTTP), each owed its checks and its mail, and serve's `endorsements dispatch` and its one
   `db_worker` drain them with no web load: the mail path's own rate.

Endorsements/s are the flows completed (submitted and then confirmed) per second over the steady
window (the phase less its first --warmup seconds); latencies p50/p95/p99 are per request kind,
over the requests begun in that window. CPU of every process in the window is read from /proc
every second: the web workers, the task worker, PostgreSQL's backends of this database, nginx,
the load process, and everything else on the machine (other people's work included).

4. The tally JSON (`/offers/<key>/endorsements.json`), with wrk (Debian's package): straight
   from gunicorn (each worker's own `cache_page`), then through nginx, which honours the
   server's `Cache-Control: public, max-age=60, stale-while-revalidate=120`, for longer than
   max-age so that the cache goes back to Django, as the view is designed to be served. Skipped,
   saying so, if wrk is missing.
5. The database must agree: as many endorsements as submissions, as many confirmed as the load
   process saw confirmed, none suspect; every one checked and mailed by serve's dispatch (the
   bench waits for it before stopping serve: none owed, and the outbox holds one mail to each
   endorser); after `openpeace endorsements tally` (once the tally lag has passed) the
   published total equals the confirmed count, and `openpeace endorsements recount` matches.

The server answers the endorsement's three writes and pages (the POST, the confirmation page
and its POST) on its fast path (`openpeace.publicity.fast_path`), as deployed on PostgreSQL;
`--django-only` turns it off (`OPENPEACE_ENDORSE_FAST_PATH=0`), so that Django answers every
request, for the comparison. Everything else above is unchanged, the checks of step 5 included.

Targets: ≥ 300 endorsements/s (9× the UK petitions service's record ~33 signatures/s, March
2019) with p99 < 250 ms, and the tally JSON ≥ 2,000 requests/s, load generator on the same
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email
import html
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import machine  # noqa: E402

OFFER = "decree-on-peace-1917"
UK_PEAK = 33.0  # signatures/s, Revoke Article 50 petition, 21 March 2019 (participation.md §0)
TARGET_RATE = 300.0
TARGET_P99_MS = 250.0
TARGET_TALLY_RPS = 2_000.0
OPENPEACE = str(Path(sys.executable).parent / "openpeace")
KINDS = ["GET form", "POST endorse", "GET sent", "GET confirm", "POST confirm"]
DJANGO_ONLY = ", its fast path off (OPENPEACE_ENDORSE_FAST_PATH=0): Django answers everything"


# ---------------------------------------------------------------------------------------------
# The load process: virtual endorsers over raw HTTP/1.1, each on one keep-alive connection to
# the front cache, as a browser keeps one to a site.

class Failed(Exception):
    """A step of a flow answered what a browser would not accept."""


class Connection:
    """One endorser's connection: opened when needed, kept alive while the server allows."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def exchange(self, request: bytes) -> tuple[str, dict[str, str], bytes]:
        if self.streams is None:
            self.streams = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), 30)
        reader, writer = self.streams
        try:
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
            lines = head.decode("latin-1").split("\r\n")
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name:
                    seen = headers[name] + "\n" if name in headers else ""
                    headers[name] = seen + value.strip()
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding") == "chunked":
                body = b""
                while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                    body += (await reader.readexactly(size + 2))[:-2]
                await reader.readuntil(b"\r\n")
            else:
                body = await reader.read()
                headers["connection"] = "close"
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return lines[0], headers, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class Endorsers:
    """The virtual endorsers of one phase, their samples and their counts."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.host, self.port = "127.0.0.1", config["port"]
        self.config = config
        self.run = secrets.token_hex(3)
        self.serial = 0
        self.samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.flows: list[tuple[float, float]] = []  # (start, end) of each completed flow
        self.mail_waits: list[tuple[float, float]] = []
        self.errors: Counter[str] = Counter()
        self.submitted = 0
        self.confirmed = 0
        self.countries: list[str] = []
        self.regions: dict[str, list[str]] = {}
        self.waiting: dict[str, asyncio.Future[str]] = {}
        self.mailed: dict[str, str] = {}

    async def http(self, connection: Connection, kind: str, method: str, path: str,
                   form: dict[str, str] | None = None, address: str = ""
                   ) -> tuple[int, dict[str, str], str]:
        """One request as a browser on this site sends it (`Sec-Fetch-Site: same-origin` on a
        form's POST), from `address` as the front proxy would name it (X-Forwarded-For)."""
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "User-Agent: openpeace-bench\r\nAccept: text/html\r\n")
        if address:
            head += f"X-Forwarded-For: {address}\r\n"
        if form is not None:
            head += ("Content-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(body)}\r\nSec-Fetch-Site: same-origin\r\n")
        started = time.monotonic()
        try:
            status, headers, content = await connection.exchange(head.encode() + b"\r\n" + body)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise Failed(f"{kind}: {type(error).__name__}") from None
        self.samples[kind].append((started, time.monotonic() - started))
        if not status.startswith("HTTP/1."):
            raise Failed(f"{kind}: no HTTP answer")
        return int(status.split()[1]), headers, content.decode("utf-8", "replace")

    def form_fields(self, page: str) -> None:
        """The countries and the regions of each, read once from the form."""
        def options(name: str) -> list[tuple[str, str]]:
            select = re.search(rf'<select[^>]*\bname="{name}".*?</select>', page, re.S)
            assert select, f"no {name} select in the form"
            return [(v, html.unescape(label)) for v, label in
                    re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select.group())]
        countries = options("country")
        self.countries = [key for key, _ in countries]
        by_name = {name: key for key, name in countries}
        for key, label in options("region"):
            country = by_name.get(label.split(": ", 1)[0])
            if country:
                self.regions.setdefault(country, []).append(key)

    async def flow(self, connection: Connection, lookup: Any) -> None:
        self.serial += 1
        contact = f"endorser-{self.run}-{self.serial}@example.org"
        # Each endorser from an address of its own, in a network of its own: the checks and
        # their default limits stay on, and see what real traffic from many places looks like.
        address = ".".join(str(random.randint(1, 254)) for _ in range(4))
        started = time.monotonic()
        form_path = f"/offers/{OFFER}/endorse/"
        status, _, page = await self.http(connection, "GET form", "GET", form_path)
        if status != 200 or 'name="contact"' not in page:
            raise Failed(f"GET form: {status}")
        rng = random.random()
        country = self.countries[int(rng * len(self.countries))]
        regions = self.regions.get(country, [])
        region = regions[int(rng * 7919) % len(regions)] if regions and rng < 0.5 else ""
        status, headers, _ = await self.http(connection, "POST endorse", "POST", form_path, {
            "contact": contact, "name": f"Endorser {self.serial}", "country": country,
            "region": region}, address)
        if status != 302 or not headers.get("location", "").endswith("/endorse/sent/"):
            raise Failed(f"POST endorse: {status}")
        self.submitted += 1
        submitted = time.monotonic()
        status, _, _ = await self.http(connection, "GET sent", "GET", headers["location"])
        if status != 200:
            raise Failed(f"GET sent: {status}")
        link = await lookup(contact)
        if self.config["confirm_via"] == "mail":
            self.mail_waits.append((submitted, time.monotonic() - submitted))
        status, _, page = await self.http(connection, "GET confirm", "GET", link)
        if status != 200 or "<button" not in page:
            raise Failed(f"GET confirm: {status}")
        status, _, page = await self.http(connection, "POST confirm", "POST", link, {}, address)
        if status != 200 or "is confirmed" not in page:
            raise Failed(f"POST confirm: {status}")
        self.confirmed += 1
        self.flows.append((started, time.monotonic()))

    async def watch_outbox(self, outbox: Path, stop: asyncio.Event) -> None:
        """Read every new mail in the outbox (the file backend may append several to a file)
        and hand each confirmation link to the endorser waiting for it."""
        read: dict[str, int] = {}
        while not stop.is_set():
            if outbox.is_dir():
                for entry in os.scandir(outbox):
                    size = entry.stat().st_size
                    if read.get(entry.name, 0) >= size:
                        continue
                    with open(entry.path, "rb") as f:
                        f.seek(read.get(entry.name, 0))
                        chunk = f.read()
                    end = chunk.rfind(b"\n" + b"-" * 79 + b"\n")
                    if end < 0:
                        continue  # a mail still being written
                    read[entry.name] = read.get(entry.name, 0) + end + 81
                    for raw in chunk[:end].split(b"\n" + b"-" * 79 + b"\n"):
                        message = email.message_from_bytes(raw.strip(b"\n"))
                        text = next((part for part in message.walk()  # multipart since 65e612b
                                     if part.get_content_type() == "text/plain"), message)
                        payload = text.get_payload(decode=True)
                        assert isinstance(payload, bytes)
                        link = re.search(r"https?://[^/\s]+(/endorsements/confirm/[^/\s]+/)",
                                         payload.decode("utf-8"))
                        if not link:
                            continue
                        to = str(message["To"])
                        if to in self.waiting and not self.waiting[to].done():
                            self.waiting[to].set_result(link.group(1))
                        else:
                            self.mailed[to] = link.group(1)
            await asyncio.sleep(0.05)

    async def main(self) -> dict[str, Any]:
        import psycopg

        from openpeace.core.contact import canonical_contact
        from openpeace.publicity.services import confirmation_token, mail_rules

        config = self.config
        setup = Connection(self.host, self.port)
        status, _, page = await self.http(setup, "setup", "GET", f"/offers/{OFFER}/endorse/")
        setup.close()
        assert status == 200, status
        self.form_fields(page)
        self.samples.clear()
        rules = mail_rules()
        db = await psycopg.AsyncConnection.connect(config["database"], autocommit=True)
        offer_id = (await (await db.execute(
            "SELECT id FROM diplomacy_offer WHERE key = %s", [OFFER])).fetchone())[0]

        async def from_database(contact: str) -> str:
            # Planned each time (prepare=False): prepared after its fifth run (psycopg's
            # default), it kept a plan under which each lookup stepped through many index
            # entries and their rows: 1.4 ms of PostgreSQL per endorsement at 15,000 rows,
            # which the CPU accounting charged to the server (0.15 ms planned each time).
            cursor = await db.execute(
                "SELECT ref FROM publicity_endorsement WHERE offer_id = %s AND canonical = %s",
                [offer_id, canonical_contact(contact, rules)], prepare=False)
            row = await cursor.fetchone()
            if row is None:
                raise Failed("lookup: no such endorsement")
            return f"/endorsements/confirm/{confirmation_token(row[0])}/"

        async def from_mail(contact: str) -> str:
            if contact in self.mailed:
                return self.mailed.pop(contact)
            future = self.waiting[contact] = asyncio.get_running_loop().create_future()
            try:
                return await asyncio.wait_for(future, config["mail_timeout"])
            except TimeoutError:
                raise Failed("mail: none within the timeout") from None
            finally:
                self.waiting.pop(contact, None)

        lookup = from_mail if config["confirm_via"] == "mail" else from_database
        stop_watching = asyncio.Event()
        watcher = (asyncio.create_task(self.watch_outbox(Path(config["outbox"]), stop_watching))
                   if config["confirm_via"] == "mail" else None)
        started = time.monotonic()
        print(json.dumps({"started": started}), flush=True)
        deadline = started + config["duration"]

        async def endorser() -> None:
            connection = Connection(self.host, self.port)
            while time.monotonic() < deadline:
                try:
                    await self.flow(connection, lookup)
                except Failed as failure:
                    self.errors[str(failure)] += 1
                    connection.close()
                    await asyncio.sleep(0.05)
            connection.close()

        await asyncio.gather(*(endorser() for _ in range(config["concurrency"])))
        ended = time.monotonic()
        stop_watching.set()
        if watcher:
            await watcher
        await db.close()
        window = (started + config["warmup"], deadline)
        return self.report(window, started, ended)

    def report(self, window: tuple[float, float], started: float, ended: float
               ) -> dict[str, Any]:
        begin, end = window
        seconds = end - begin
        done = [b - a for a, b in self.flows if begin <= b < end]
        kinds = {}
        for kind in [*KINDS, "setup"]:
            latencies = sorted(lat for at, lat in self.samples.get(kind, []) if begin <= at < end)
            if latencies:
                kinds[kind] = {"n": len(latencies), **percentiles(latencies)}
        waits = sorted(w for at, w in self.mail_waits if begin <= at < end)
        every = sorted(lat for kind in KINDS for at, lat in self.samples.get(kind, [])
                       if begin <= at < end)
        return {
            "window": [begin, end], "seconds": seconds, "flows": len(done),
            "rate": len(done) / seconds, "flow": percentiles(sorted(done)),
            "kinds": kinds, "all_requests": {"n": len(every), **percentiles(every)},
            "requests_per_s": len(every) / seconds,
            "mail_wait": percentiles(waits) if waits else None,
            "errors": dict(self.errors), "submitted": self.submitted,
            "confirmed": self.confirmed, "elapsed": ended - started,
        }


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms of sorted seconds (nearest rank)."""
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"),
                "max": float("nan")}

    def rank(q: float) -> float:
        return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))] * 1000
    return {"p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99), "max": values[-1] * 1000}


def burst_main(count: int) -> None:
    """Submit `count` endorsements through the service (no HTTP) in one transaction, to give
    the background work a backlog of checks and mails to drain, all of it at once."""
    import django

    django.setup()
    from django.db import transaction

    from openpeace.diplomacy.models import Offer
    from openpeace.publicity.services import endorsement_submit
    from openpeace.world.models import State

    offer = Offer.objects.get(key=OFFER)
    states = list(State.objects.order_by("key"))
    run = secrets.token_hex(3)
    with transaction.atomic():  # the whole backlog appears at once, as a burst would
        for i in range(count):
            address = ".".join(str(random.randint(1, 254)) for _ in range(4))
            endorsement_submit(offer=offer, contact=f"backlog-{run}-{i}@example.org",
                               country=states[i % len(states)], address=address)


def load_main(config: dict[str, Any]) -> None:
    import django

    django.setup()
    result = asyncio.run(Endorsers(config).main())
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------------------
# The parent: database, server, phases, CPU accounting, checks.

def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def descendants(root: int) -> dict[int, str]:
    """The processes under `root`, each with its command line."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children[ppid].append(int(entry.name))
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            found[pid] = (Path(f"/proc/{pid}/cmdline").read_bytes()
                          .replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
        todo.extend(children.get(pid, []))
    return found


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle, sum(fields[:8])


class CpuMeter:
    """CPU seconds per group of processes between `start()` and `stop()`, sampled every second
    so that processes that come and go in between are counted (PostgreSQL's backends do: Django
    closes a connection after CONN_MAX_AGE)."""

    def __init__(self, serve_pid: int, load_pid: int | None, database: str,
                 front_pid: int | None = None) -> None:
        self.serve_pid, self.load_pid, self.database = serve_pid, load_pid, database
        self.front_pid = front_pid
        self.hz = os.sysconf("SC_CLK_TCK")
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.group: dict[int, str] = {}
        self.done = threading.Event()

    def groups(self) -> dict[int, str]:
        import psycopg

        groups = {}
        for pid, command in descendants(self.serve_pid).items():
            if "gunicorn" in command:
                groups[pid] = "web (gunicorn)"
            elif "db_worker" in command or "rqworker" in command:
                groups[pid] = "task worker"
            else:
                groups[pid] = "serve's other jobs"
        if self.load_pid:
            groups[self.load_pid] = "load generator"
        if self.front_pid:
            groups.update(dict.fromkeys(descendants(self.front_pid), "front cache (nginx)"))
        with psycopg.connect(self.database, autocommit=True) as db:
            name = self.database.rsplit("/", 1)[1]
            for (pid,) in db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                     "AND pid <> pg_backend_pid()", [name]):
                groups[pid] = "PostgreSQL backends"
        return groups

    def sample(self, initial: bool = False) -> None:
        for pid, group in self.groups().items():
            ticks = cpu_ticks(pid)
            if pid not in self.first:
                self.first[pid] = ticks if initial else 0  # born in the window
                self.group[pid] = group
            if ticks:
                self.last[pid] = ticks

    def start(self) -> None:
        self.at = time.monotonic()
        self.machine_before = machine_ticks()
        self.sample(initial=True)

        def every_second() -> None:
            while not self.done.wait(1.0):
                self.sample()
        self.thread = threading.Thread(target=every_second, daemon=True)
        self.thread.start()

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        self.sample()
        seconds = time.monotonic() - self.at
        busy0, total0 = self.machine_before
        busy1, total1 = machine_ticks()
        used: Counter[str] = Counter()
        for pid, group in self.group.items():
            used[group] += (self.last.get(pid, 0) - self.first[pid]) / self.hz
        ours = sum(used.values())
        cores = os.cpu_count() or 1
        busy = (busy1 - busy0) / self.hz
        idle = ((total1 - total0) - (busy1 - busy0)) / self.hz
        result = {group: s / seconds for group, s in sorted(used.items())}
        result["everything else on the machine"] = max(0.0, busy - ours) / seconds
        result["idle"] = idle / seconds
        result["cores"] = cores
        return result


def cpu_line(cpu: dict[str, float]) -> str:
    parts = [f"{group} {cores:.2f}" for group, cores in cpu.items() if group != "cores"]
    return f"CPU in cores (of {cpu['cores']}): " + ", ".join(parts)


def http_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except Exception:
        return 0


def owed(database: str) -> tuple[int, int]:
    """(submissions not yet checked, mails owed): the background work still to do."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as db:
        row = db.execute("SELECT count(*) FILTER (WHERE checked_at IS NULL), "
                         "count(*) FILTER (WHERE mails_due > mails_sent) "
                         "FROM publicity_endorsement").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def tasks_by_status(database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database, autocommit=True) as db:
        return dict(db.execute("SELECT status, count(*) FROM django_tasks_database_dbtaskresult"
                               " GROUP BY status").fetchall())


def run_phase(args: argparse.Namespace, env: dict[str, str], serve: subprocess.Popen[bytes],
              front: Front, via: str, duration: float) -> dict[str, Any]:
    concurrency = args.mail_concurrency if via == "mail" else args.concurrency
    config = {"port": front.port, "concurrency": concurrency, "duration": duration,
              "warmup": min(args.warmup, duration / 3), "confirm_via": via,
              "database": env["DATABASE_URL"], "outbox": env["OPENPEACE_DATA_DIR"] + "/outbox",
              "mail_timeout": 60.0}
    child = subprocess.Popen([sys.executable, __file__, "--load", json.dumps(config)], env=env,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout
    json.loads(child.stdout.readline())  # the load has begun
    meter = CpuMeter(serve.pid, child.pid, env["DATABASE_URL"], front.process.pid)
    time.sleep(config["warmup"])
    meter.start()
    tasks0 = tasks_by_status(env["DATABASE_URL"])
    time.sleep(duration - config["warmup"])
    tasks1 = tasks_by_status(env["DATABASE_URL"])
    cpu = meter.stop()
    result = json.loads(child.stdout.read())
    if child.wait() != 0:
        raise SystemExit("the load process failed")
    finished = sum(tasks1.get(s, 0) - tasks0.get(s, 0) for s in ("SUCCESSFUL", "FAILED"))
    result["cpu"] = cpu
    result["tasks_per_s"] = finished / result["seconds"]
    result["owed"] = owed(env["DATABASE_URL"])
    result["load"] = os.getloadavg()
    result["concurrency"] = concurrency
    return result


def print_phase(title: str, r: dict[str, Any]) -> None:
    print(f"{title}, {r['concurrency']} endorsers: {r['flows']:,} endorsements submitted and "
          "confirmed in the steady "
          f"{r['seconds']:.0f} s: {r['rate']:.1f}/s = {r['rate'] / UK_PEAK:.2f}× the UK peak "
          f"({UK_PEAK:.0f}/s); target {TARGET_RATE:.0f}/s: "
          f"{'met' if r['rate'] >= TARGET_RATE else 'NOT MET'}")
    print(f"  {r['requests_per_s']:.0f} requests/s; per request kind, ms:")
    for kind, s in r["kinds"].items():
        print(f"    {kind:<13} n={s['n']:>6,}  p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  "
              f"p99 {s['p99']:7.1f}  max {s['max']:7.1f}")
    a = r["all_requests"]
    print(f"    {'every request':<13} n={a['n']:>6,}  p50 {a['p50']:7.1f}  p95 {a['p95']:7.1f}  "
          f"p99 {a['p99']:7.1f}  (target p99 < {TARGET_P99_MS:.0f} ms: "
          f"{'met' if a['p99'] < TARGET_P99_MS else 'NOT MET'})")
    f = r["flow"]
    print(f"    {'whole flow':<13} p50 {f['p50']:7.1f}  p95 {f['p95']:7.1f}  p99 {f['p99']:7.1f}")
    if r["mail_wait"]:
        w = r["mail_wait"]
        print(f"    {'mail wait':<13} p50 {w['p50']:7.1f}  p95 {w['p95']:7.1f}  "
              f"p99 {w['p99']:7.1f}  (from the submission's answer to its mail in the outbox)")
    print(f"  errors: {r['errors'] or 'none'}; the task worker finished "
          f"{r['tasks_per_s']:.1f} tasks/s (a batch of mails each); at the end, "
          f"{r['owed'][0]:,} submissions unchecked and {r['owed'][1]:,} mails owed")
    print(f"  {cpu_line(r['cpu'])}; load average {r['load'][0]:.2f}")
    print(f"  {per_endorsement(r['cpu'], r['rate'])}")


def per_endorsement(cpu: dict[str, float], rate: float) -> str:
    """CPU ms per endorsement of each part, and what two idle cores would then allow: a figure
    that does not depend on what else the machine is running."""
    ours = {group: cores for group, cores in cpu.items()
            if group not in {"cores", "idle", "everything else on the machine"}}
    if not rate:
        return "no endorsement completed"
    parts = ", ".join(f"{group} {cores / rate * 1000:.1f}" for group, cores in ours.items())
    total = sum(ours.values()) / rate * 1000
    return (f"CPU ms per endorsement: {parts}; total {total:.1f} ms, so {cpu['cores']} idle "
            f"cores would allow at most {cpu['cores'] * 1000 / total:.0f} endorsements/s")


def wrk(url: str, seconds: float, connections: int, threads: int) -> dict[str, float]:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s",
                          "--latency", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "none",
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}  # type: ignore


NGINX = """{user}worker_processes 2;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # No validity of its own: the cache keeps what the server's Cache-Control allows.
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=openpeace:4m max_size=256m inactive=10m;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_cache openpeace;
            proxy_cache_lock on;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503;
            proxy_cache_background_update on;
            add_header X-Cache-Status $upstream_cache_status;
        }}
    }}
}}
"""


def access_count(log: Path, needle: str) -> int:
    with open(log, encoding="utf-8", errors="replace") as f:
        return sum(needle in line for line in f)


def worker_phase(args: argparse.Namespace, env: dict[str, str], serve: subprocess.Popen[bytes],
                 data: Path) -> int:
    """The background work alone (no web load) on a backlog: --backlog endorsements submitted
    through the service, each owed its checks and its mail, which serve's `endorsements
    dispatch` and its `db_worker` drain. Returns the count submitted."""
    database = env["DATABASE_URL"]
    subprocess.run([sys.executable, __file__, "--burst", str(args.backlog)], env=env,
                   check=True)
    meter = CpuMeter(serve.pid, None, database)
    before = owed(database)
    started = time.monotonic()
    meter.start()
    left = before
    while time.monotonic() - started < args.drain and any(left):
        time.sleep(0.2)
        left = owed(database)
    seconds = time.monotonic() - started
    cpu = meter.stop()
    done = before[1] - left[1]
    rate = done / seconds
    print(f"3. the background work alone (serve's `endorsements dispatch` and one db_worker), "
          f"on a backlog of {args.backlog:,} endorsements submitted through the service: "
          f"{done:,} mailed and {before[0] - left[0]:,} checked in {seconds:.1f} s = "
          f"{rate:.1f} endorsements/s = {rate / UK_PEAK:.2f}× the UK peak; {left[1]:,} mails "
          "still owed")
    print(f"  {cpu_line(cpu)}; load average {os.getloadavg()[0]:.2f}")
    print(f"  {per_endorsement(cpu, rate)}")
    return args.backlog


class Front:
    """nginx (Debian's package) in front of gunicorn, as gunicorn's documentation says sync
    workers are to be deployed: it buffers slow clients, keeps their connections alive, and
    caches what the server says is public (proxy_cache, no validity of its own), so the
    endorsement form, the "sent" page and the tally come from it; it appends the client's
    address to X-Forwarded-For, which the server trusts from 127.0.0.1 (FORWARDED_ALLOW_IPS)."""

    def __init__(self, data: Path, port: int, upstream: int) -> None:
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                          else None)
        if not nginx:
            raise SystemExit("the bench needs nginx in front: apt-get install -y nginx-light")
        self.port = port
        directory = data / "nginx"
        directory.mkdir()
        conf = directory / "nginx.conf"
        # As root, nginx's workers would otherwise run as nobody, who cannot write the bench's
        # private directory.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(NGINX.format(user=user, dir=directory, port=port, upstream=upstream))
        self.process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(directory)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if http_get(f"http://127.0.0.1:{port}/offers/{OFFER}/endorse/") == 200:
                return
            time.sleep(0.1)
        raise SystemExit(f"nginx did not answer: see {directory}/nginx-error.log")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def tally_phase(args: argparse.Namespace, front: Front, serve_log: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if not shutil.which("wrk"):
        print("4. tally JSON: skipped, wrk is not installed (apt-get install -y wrk)")
        return results
    path = f"/offers/{OFFER}/endorsements.json"
    direct = wrk(f"http://127.0.0.1:{args.port}{path}", args.tally_duration,
                 2 * args.workers, 1)
    direct["load"] = os.getloadavg()[0]
    results["direct"] = direct
    print(f"4. tally JSON {path}, wrk on the same machine:")
    print(f"  from gunicorn (each worker's own cache_page; {2 * args.workers} connections, "
          f"{args.tally_duration:.0f} s): "
          f"{direct['rps']:,.0f} requests/s, p50 {direct['p50']:.1f} ms, p99 "
          f"{direct['p99']:.1f} ms, non-2xx {direct['non2xx']}, socket errors "
          f"{direct['socket_errors']}; load average {direct['load']:.2f}")
    url = f"http://127.0.0.1:{front.port}{path}"
    with urllib.request.urlopen(url) as answer:
        assert answer.headers["X-Cache-Status"] in {"HIT", "MISS", "EXPIRED", "UPDATING",
                                                    "STALE", "REVALIDATED"}
        cache_control = answer.headers["Cache-Control"]
    upstream0 = access_count(serve_log, path)
    cached = wrk(url, args.cache_duration, 64, 2)
    upstream = access_count(serve_log, path) - upstream0
    cached["load"] = os.getloadavg()[0]
    cached["upstream"] = upstream
    results["cached"] = cached
    print(f"  through nginx's proxy_cache honouring '{cache_control}' (64 keep-alive "
          f"connections, {args.cache_duration:.0f} s): {cached['rps']:,.0f} requests/s, "
          f"p50 {cached['p50']:.2f} ms, p99 "
          f"{cached['p99']:.2f} ms, non-2xx {cached['non2xx']}, socket errors "
          f"{cached['socket_errors']}; {upstream} of {cached['requests']:,} reached Django;"
          f" load average {cached['load']:.2f}")
    print(f"  target {TARGET_TALLY_RPS:,.0f}/s: from Django "
          f"{'met' if direct['rps'] >= TARGET_TALLY_RPS else 'NOT MET'}, through the cache "
          f"{'met' if cached['rps'] >= TARGET_TALLY_RPS else 'NOT MET'}")
    return results


def outbox_recipients(outbox: Path) -> Counter[str]:
    """How many mails the file backend wrote to each address (its To header)."""
    to: Counter[str] = Counter()
    for path in outbox.iterdir() if outbox.is_dir() else []:
        to.update(re.findall(rb"^To: (.+?)\r?$", path.read_bytes(), re.M))
    return Counter({address.decode(): n for address, n in to.items()})


def check_database(database: str, env: dict[str, str], phases: list[dict[str, Any]],
                   last_confirmation: float, backlog: int) -> bool:
    import psycopg

    submitted = sum(p["submitted"] for p in phases) + backlog
    confirmed = sum(p["confirmed"] for p in phases)
    with psycopg.connect(database, autocommit=True) as db:
        rows = dict(db.execute("SELECT status, count(*) FROM publicity_endorsement "
                               "GROUP BY status").fetchall())
        suspect = db.execute("SELECT count(*) FROM publicity_endorsement "
                             "WHERE suspect <> ''").fetchone()[0]  # type: ignore[index]
        contacts = Counter(dict(db.execute("SELECT contact, mails_sent FROM "
                                           "publicity_endorsement").fetchall()))
    mailed = outbox_recipients(Path(env["OPENPEACE_DATA_DIR"]) / "outbox")
    unmailed = sum(1 for contact in contacts if not mailed[contact])
    wait = last_confirmation + 11 - time.monotonic()  # the tally's lag is 10 s
    if wait > 0:
        time.sleep(wait)
    tally = subprocess.run([OPENPEACE, "endorsements", "tally"], env=env, capture_output=True,
                           text=True)
    with psycopg.connect(database, autocommit=True) as db:
        published = db.execute(
            "SELECT total FROM publicity_tallysnapshot ORDER BY window_end DESC, id DESC LIMIT 1"
        ).fetchone()
    recount = subprocess.run([OPENPEACE, "endorsements", "recount", OFFER], env=env,
                             capture_output=True, text=True)
    total = sum(rows.values())
    in_db = rows.get("confirmed", 0)
    ok = (total == submitted and in_db == confirmed and suspect == 0 and unmailed == 0
          and mailed == contacts and published is not None and published[0] == in_db
          and recount.returncode == 0)
    print(f"5. the database: {total:,} endorsements for {submitted:,} submissions answered "
          f"(the backlog's {backlog:,}, never confirmed, included), "
          f"{in_db:,} confirmed for {confirmed:,} confirmations answered, {suspect} suspect, "
          f"{rows.get('pending', 0):,} pending (the backlog's, and any flow cut at the end); "
          f"{sum(mailed.values()):,} mails in the outbox for {sum(contacts.values()):,} sent, "
          f"{unmailed} endorsements unmailed; "
          f"after `openpeace endorsements tally` ("
          f"{tally.stdout.strip() or tally.stderr.strip() or 'nothing new: serve had published'}"
          ") the "
          f"published total is {published[0] if published else None:,}; `openpeace "
          f"endorsements recount`: {recount.stdout.strip() or recount.stderr.strip()}: "
          f"{'AGREES' if ok else 'DOES NOT AGREE'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a PostgreSQL server URL (the bench makes a database of its own)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=12,
                        help="virtual endorsers of the web phase")
    parser.add_argument("--mail-concurrency", type=int, default=24,
                        help="virtual endorsers of the mail phase (most wait for their mail)")
    parser.add_argument("--duration", type=float, default=120, help="s of the web phase")
    parser.add_argument("--mail-duration", type=float, default=60, help="s of the mail phase")
    parser.add_argument("--warmup", type=float, default=15, help="s left out of each phase")
    parser.add_argument("--backlog", type=int, default=1500,
                        help="endorsements submitted through the service for the worker alone")
    parser.add_argument("--drain", type=float, default=120,
                        help="at most this many s of the worker alone on its backlog")
    parser.add_argument("--tally-duration", type=float, default=20,
                        help="s of wrk straight at gunicorn")
    parser.add_argument("--cache-duration", type=float, default=70,
                        help="s of wrk through the cache (past max-age=60, so it revalidates)")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--smoke", action="store_true", help="a short run with small numbers")
    parser.add_argument("--keep", action="store_true", help="keep the database and data dir")
    parser.add_argument("--django-only", action="store_true",
                        help="the endorsement's fast path off: Django answers every request")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--burst", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(json.loads(args.load))
        return
    if args.burst:
        burst_main(args.burst)
        return
    if args.smoke:
        args.duration, args.mail_duration, args.warmup = 12, 8, 3
        args.drain, args.tally_duration, args.concurrency = 20, 4, min(args.concurrency, 4)
        args.mail_concurrency, args.backlog = min(args.mail_concurrency, 8), 100
        args.cache_duration = 5
    if not args.database_url or not args.database_url.startswith(("postgres", "postgresql")):
        raise SystemExit("give a PostgreSQL server URL: --database-url or DATABASE_URL")
    import psycopg

    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(other work on the machine makes every figure below pessimistic)")
    name = f"openpeace_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = args.database_url.rsplit("/", 1)[0] + "/" + name
    data = Path(tempfile.mkdtemp(prefix="openpeace-endorse-"))
    env = {k: v for k, v in os.environ.items()
           if k not in {"OPENPEACE_TASKS_BACKEND", "EMAIL_BACKEND", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": database, "OPENPEACE_DATA_DIR": str(data),
        "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "openpeace.settings", "PYTHONUNBUFFERED": "1",
        "OPENPEACE_SITE_URL": f"http://127.0.0.1:{args.port}", "PYTHONPATH": str(ROOT),
        "OPENPEACE_ENDORSE_FAST_PATH": "0" if args.django_only else "1",
    })
    serve = None
    front = None
    serve_log = data / "serve.log"
    try:
        started = time.perf_counter()
        until = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)).isoformat()
        for command in (["serve", "--no-serve"], ["demo", "replay-1917"]):
            subprocess.run([OPENPEACE, *command], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        with psycopg.connect(database, autocommit=True) as db:
            opened = db.execute("SELECT count(*) FROM publicity_endorsementperiod").fetchone()
        if not opened or not opened[0]:  # the replay opens them since f751d42
            subprocess.run([OPENPEACE, "endorsements", "open", OFFER, "--until", until],
                           env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"setup: database {name}, the 1917 default loaded, {OFFER} released and its "
              f"endorsements opened in {time.perf_counter() - started:.1f} s")
        with open(serve_log, "wb") as log:
            serve = subprocess.Popen(
                [OPENPEACE, "serve", "--port", str(args.port), "--workers", str(args.workers)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(600):
            if http_get(f"http://127.0.0.1:{args.port}/offers/{OFFER}/endorse/") == 200:
                break
            if serve.poll() is not None:
                raise SystemExit(f"openpeace serve stopped: see {serve_log}")
            time.sleep(0.1)
        jobs = sorted({" ".join(itertools.takewhile(lambda word: not word.startswith("-"),
                                                    c.split("openpeace.cli ", 1)[1].split()))
                       for c in descendants(serve.pid).values() if "openpeace.cli " in c})
        front = Front(data, args.port + 1, args.port)
        print(f"server: `openpeace serve --workers {args.workers}` (gunicorn sync workers, "
              f"DEBUG off{DJANGO_ONLY if args.django_only else ''}), beside {', '.join(jobs)}; "
              "nginx in front (a caching proxy, 2 workers); virtual endorsers in a separate "
              "process, each on a keep-alive connection to nginx from an address of its own: "
              "GET form → POST → GET sent → GET confirm link → POST confirm")
        phases = []
        if args.mail_duration > 0:
            mail = run_phase(args, env, serve, front, "mail", args.mail_duration)
            print_phase("1. mail path (links read from the worker's e-mails)", mail)
            phases.append(mail)
            for _ in range(int(120 / 0.5)):  # let the worker catch up before the web phase
                if not any(owed(database)):
                    break
                time.sleep(0.5)
        web = run_phase(args, env, serve, front, "direct", args.duration)
        print_phase("2. web path (links made by the load process, as the mail job makes them)",
                    web)
        phases.append(web)
        last_confirmation = time.monotonic()
        burst = 0
        if args.backlog > 0:
            burst = worker_phase(args, env, serve, data)
        tally_phase(args, front, serve_log)
        for _ in range(int(120 / 0.5)):  # serve's dispatch checks and mails what is owed
            if not any(owed(database)):
                break
            time.sleep(0.5)
        front.stop()
        front = None
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        serve = None
        ok = check_database(database, env, phases, last_confirmation, burst)
        best = web["rate"]
        met = best >= TARGET_RATE and web["all_requests"]["p99"] < TARGET_P99_MS
        print(f"summary: {best:.1f} endorsements/s (web path) = {best / UK_PEAK:.2f}× the UK "
              f"petitions service's record peak of ~{UK_PEAK:.0f} signatures/s; target "
              f"{TARGET_RATE:.0f}/s with p99 < {TARGET_P99_MS:.0f} ms: "
              f"{'met' if met else 'NOT MET'}"
              f"; load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if not ok:
            raise SystemExit(1)
    finally:
        if front is not None:
            front.stop()
        if serve is not None and serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
        if not args.keep:
            with psycopg.connect(args.database_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            shutil.rmtree(data, ignore_errors=True)
        else:
            print(f"kept: database {name}, data directory {data}")


if __name__ == "__main__":
    main()
