"""A lean handler for the endorsement's two writes, beside Django: A MEASUREMENT FOR ISSUE 9'S
DECISION, NOT PART OF THE PRODUCT. Nothing in `src/` imports it or serves it; it exists so that
`bench/endorse.py --lean` can say what "moving the two writes off Django's request cycle" would
reach on this machine, before anyone decides to build it.

    .venv/bin/python bench/endorse.py --lean ...        # the bench serves it (see there)
    .venv/bin/python bench/lean_endorse.py serve --port 8790 --workers 4
    .venv/bin/python bench/lean_endorse.py profile [--flows 50 --batches 10]
    LEAN_PROFILE=/tmp/lean.jsonl .venv/bin/python bench/endorse.py --lean ...

`application` is a plain WSGI dispatcher in front of Django's own WSGI app. It answers three
requests itself, with no Django request, middleware, form or ORM:

- POST /offers/<key>/endorse/: one SQL statement inserts the endorsement exactly as
  `publicity.services.endorsement_submit` does (every column, `pending`, the canonical contact
  under the mail rules of the product's `mail_rules()` and their version, the ref and the hash
  of the link's token `confirmation_token(ref)`, the address as the product reads it behind
  the proxy and its network, `mails_due` 1, unchecked, unclaimed: what `endorsements dispatch`
  looks for, so the checks and the mail follow as for any submission). The same statement
  checks that the offer is released and its period open, that the country is a state of the
  register and the region, if one is given, a territory it holds; a duplicate (the
  `endorsement_one_person_once` constraint) owes the person one more mail, up to `MAX_MAILS`,
  as the service does after its IntegrityError. Then the same 302 to the "sent" page.
- GET (and HEAD) /endorsements/confirm/<token>/: one statement reads the link's endorsement as
  `endorsement_link_judge` does; the product's page naming the offer, with its button while
  the endorsement waits for it.
- POST /endorsements/confirm/<token>/: one statement confirms the pending endorsement of the
  token's hash (`openpeace.tokens.token_hash`, as the service looks it up) while its period is
  open and it is not pseudonymised, and writes its `TallyChange` (+1, its country's and
  region's keys) when it counts (not suspect), as `endorsement_confirm` does; a link already
  used answers the same "confirmed" page and changes nothing (a second statement reads it).

Before any of that, the checks the product makes at its edge: the Host among ALLOWED_HOSTS,
no NUL in the query, a form body (urlencoded, within `OPENPEACE_MAX_BODY` and Django's 1,000
fields), and cross-origin writes (`web.cross_origin`: `Sec-Fetch-Site`, else `Origin` against
the host). The form's checks are the product's functions: Django's `validate_email` (the
form's EmailField, a pure function), the lengths, no NUL, `core.contact.canonical_contact`,
`core.text.text_problem` on the name.

Whatever is not that common case is handed to Django whole (the body it has read put back):
a refusal (cross-origin, a form with an error, an offer not released or closed, a link that is
not valid or whose period closed), an odd request (another method, another content type, an
unknown host), and every other page (the form, the "sent" page, the tally... which nginx
serves from its cache anyway). Django judges those again and answers with its own page,
status and headers; the lean side decided only that it was not the common case, and wrote
nothing. The pages it answers itself are the product's templates rendered once per worker
(the token and the offer put in), with the product's headers (no-store, the CSP, ...).

`profile` calls `application` and Django's app in process on a served database (the
environment's), and prints the CPU per request of each and of its PostgreSQL backend;
LEAN_PROFILE makes each gunicorn worker append, when it exits, the CPU it spent in
`application` per kind of request, so that gunicorn's own share shows.

One psycopg 3 connection per gunicorn worker, autocommit, each write one statement (one
implicit transaction: one commit), parameters bound on the server, so psycopg prepares each
statement after its fifth use. `serve` runs `openpeace serve` itself (its migrate, its
background jobs, its gunicorn settings) with one change: gunicorn serves this module's
`application` instead of `openpeace.wsgi`.

What it does NOT do that the product does:
- no Django middleware on the three requests: no session, locale negotiation (the site has
  English only), messages or auth middleware (none of which these views use); no CSRF
  middleware (the views are exempt: `same_origin_writes`); the security headers are written
  as constants copied from what Django sends, not computed per request;
- no refusal pages of its own: every refusal and every form error is Django's (above), so an
  attack that makes many bad requests costs what it costs today;
- no Django model validation or signals on the insert (the service has none; `save()` runs
  no `full_clean`); no `transaction.atomic` savepoints; the product's two lookups (the offer
  with its period, the state; the territory when given) are joined into the insert;
- no log entry, no task, no mail in the request: neither does the product's submission or
  confirmation (the row is the outbox, `endorsements dispatch` does the rest);
- nothing of OPENPEACE_HTTPS: no redirect to https, no HSTS header (the bench serves http);
- no SQLite: PostgreSQL only (`ON CONFLICT`, data-modifying CTEs, `inet`);
- no reconnection policy beyond "a broken connection is dropped and the next request makes a
  new one" (Django's CONN_MAX_AGE and health checks are not copied); its statements are
  prepared, and nothing watches their plans (a kept plan can go bad as a table grows: the
  bench's own lookup did, see `endorse.py`).
"""

from __future__ import annotations

import atexit
import contextlib
import email.utils
import io
import ipaddress
import os
import re
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

BENCH = Path(__file__).resolve().parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")

import django  # noqa: E402

django.setup(set_prefix=False)  # as openpeace.wsgi does; the imports below need the apps

from django.conf import settings  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.validators import validate_email  # noqa: E402
from django.http.request import split_domain_port, validate_host  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils.ipv6 import clean_ipv6_address  # noqa: E402

from openpeace.core.contact import ContactError, canonical_contact  # noqa: E402
from openpeace.core.text import text_problem  # noqa: E402
from openpeace.publicity.services import (  # noqa: E402
    MAX_MAILS,
    MAX_NAME,
    confirmation_token,
    mail_rules,
    network_of,
)
from openpeace.tokens import token_hash  # noqa: E402
from openpeace.web.http import CONTENT_SECURITY_POLICY  # noqa: E402
from openpeace.wsgi import application as django_application  # noqa: E402

StartResponse = Callable[..., Any]
ENDORSE = re.compile(r"/offers/([-a-zA-Z0-9_]+)/endorse/")  # the product's <slug:key>
CONFIRM = re.compile(r"/endorsements/confirm/([A-Za-z0-9_-]{1,200})/")  # links as mailed
FORM = "application/x-www-form-urlencoded"
FORMS = (FORM, f"{FORM};charset=utf-8")
TRUSTED_PROXIES = settings.OPENPEACE_TRUSTED_PROXIES
MAX_BODY = settings.OPENPEACE_MAX_BODY
MAX_FIELDS = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 10**9
MAX_CONTACT = 254  # publicity.forms.EndorsementForm.contact

SUBMIT = """
WITH valid AS (
    SELECT o.id AS offer_id, o.key, s.id AS country_id, t.id AS region_id
    FROM diplomacy_offer o
    JOIN publicity_endorsementperiod p ON p.offer_id = o.id
    JOIN world_state s ON s.key = %(country)s::text
    LEFT JOIN world_territory t ON t.key = %(region)s::text
    WHERE o.key = %(offer)s::text AND o.released_at IS NOT NULL
      AND p.opens_at <= %(at)s AND %(at)s < p.closes_at
      AND (%(region)s::text = '' OR t.held_by_id = s.id)
), written AS (
    INSERT INTO publicity_endorsement (
        claim, claimed_until, offer_id, ref, contact, canonical, rules_version, name,
        country_id, region_id, status, suspect, token_hash, submitted_at, confirmed_at,
        address, network, mails_due, mails_sent, checked_at, pseudonymised_at)
    SELECT NULL, NULL, offer_id, %(ref)s, %(contact)s, %(canonical)s, %(rules_version)s,
        %(name)s, country_id, region_id, 'pending', '', %(token_hash)s, %(at)s, NULL,
        %(address)s::inet, %(network)s, 1, 0, NULL, NULL
    FROM valid
    ON CONFLICT ON CONSTRAINT endorsement_one_person_once DO UPDATE
        SET mails_due = publicity_endorsement.mails_due + 1
        WHERE publicity_endorsement.mails_due < %(max_mails)s
)
SELECT key FROM valid
"""
"""`endorsement_submit` in one statement: the insert happens only if the offer is released, its
period open, the country a state and the region (if any) one of its territories; a duplicate
owes one more mail (the service's IntegrityError path). No row back: not the common case."""

CONFIRM_NOW = """
WITH confirmed AS (
    UPDATE publicity_endorsement e SET status = 'confirmed', confirmed_at = %(at)s
    FROM publicity_endorsementperiod p
    WHERE e.token_hash = %(token_hash)s AND e.status = 'pending'
      AND e.pseudonymised_at IS NULL
      AND p.offer_id = e.offer_id AND p.opens_at <= %(at)s AND %(at)s < p.closes_at
    RETURNING e.offer_id, e.country_id, e.region_id, e.suspect
), counted AS (
    INSERT INTO publicity_tallychange (offer_id, country, region, delta, at)
    SELECT c.offer_id, s.key, coalesce(t.key, ''), 1, %(at)s
    FROM confirmed c JOIN world_state s ON s.id = c.country_id
    LEFT JOIN world_territory t ON t.id = c.region_id
    WHERE c.suspect = ''
)
SELECT o.key, o.title FROM confirmed c JOIN diplomacy_offer o ON o.id = c.offer_id
"""
"""`endorsement_confirm` of a pending endorsement in one statement: confirmed, and counted (a
`TallyChange`) unless suspect. Two at once: the second waits for the first's row lock, finds
it confirmed, and changes nothing."""

CONFIRMED_BEFORE = """
SELECT o.key, o.title FROM publicity_endorsement e
JOIN diplomacy_offer o ON o.id = e.offer_id
WHERE e.token_hash = %(token_hash)s AND e.status <> 'pending' AND e.pseudonymised_at IS NULL
"""
"""A link used before (or an endorsement no longer pending): the service changes nothing and
the view shows the same "confirmed" page."""

LINKED = """
SELECT o.key, o.title, e.status = 'pending' FROM publicity_endorsement e
JOIN diplomacy_offer o ON o.id = e.offer_id
JOIN publicity_endorsementperiod p ON p.offer_id = e.offer_id
WHERE e.token_hash = %(token_hash)s AND e.pseudonymised_at IS NULL
  AND (e.status <> 'pending' OR (p.opens_at <= %(at)s AND %(at)s < p.closes_at))
"""
"""`endorsement_link_judge`: the link's endorsement, unless the link cannot confirm (not ours,
or its period closed: Django's refusal), and whether it waits for the button."""


class Lean:
    """One gunicorn worker's state: its database connection and its pages, made when first
    needed (after the fork)."""

    def __init__(self) -> None:
        self.db: Any = None
        self.pages: dict[Any, bytes] = {}
        self.hosts: dict[str, bool] = {}
        self.statements = 0
        self.placeholder = "leantokenplaceholder"

    def connection(self) -> Any:
        if self.db is None or self.db.closed:
            import psycopg

            url = os.environ["DATABASE_URL"]
            if not url.startswith(("postgres://", "postgresql://")):
                raise RuntimeError("the lean handler is written for PostgreSQL only")
            self.db = psycopg.connect(url, autocommit=True)
        return self.db

    def query(self, sql: str, params: dict[str, Any]) -> Any:
        self.statements += 1
        try:
            return self.connection().execute(sql, params).fetchone()
        except Exception:
            if self.db is not None and self.db.broken:
                self.db.close()
                self.db = None
            raise

    # -- pages: the product's templates, rendered once -----------------------------------------

    def page(self, template: str, key: str, title: str, **context: Any) -> bytes:
        """`template` for the offer `key` titled `title`, rendered once (the link's token
        is put in later, in place of the placeholder)."""
        kept = (template, key, title, *context.values())
        if kept not in self.pages:
            if len(self.pages) > 100:
                self.pages.clear()
            offer = SimpleNamespace(key=key, title=title)
            self.pages[kept] = render_to_string(template, {
                "offer": offer, "token": self.placeholder,
                "endorsement": SimpleNamespace(offer=offer, **context)}).encode()
        return self.pages[kept]

    # -- the edge: what Django's middleware would refuse, left to Django ----------------------

    def host_allowed(self, environ: dict[str, Any]) -> str | None:
        host = environ.get("HTTP_HOST") or (
            f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}")
        if host not in self.hosts:
            if len(self.hosts) > 1000:
                self.hosts.clear()
            domain, _ = split_domain_port(host)
            self.hosts[host] = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
        return host if self.hosts[host] else None

    def usual(self, environ: dict[str, Any], write: bool) -> bool:
        """Whether Django's middleware and decorators would let this request through to the
        view unchanged (else Django answers it)."""
        host = self.host_allowed(environ)
        query = environ.get("QUERY_STRING", "")
        if host is None or "%00" in query or "\x00" in query:
            return False
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        if length > MAX_BODY:
            return False
        return not (write and cross_origin(environ, host))

    # -- the three requests --------------------------------------------------------------------

    def submit(self, environ: dict[str, Any], key: str) -> list[bytes] | None:
        if environ.get("CONTENT_TYPE", "").lower().replace(" ", "") not in FORMS:
            return None  # another charset, multipart...: Django parses it
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # for Django, should it answer after all
        if body.count(b"&") >= MAX_FIELDS:
            return None
        try:  # as Django's QueryDict reads a form
            fields = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return None
        contact = fields.get("contact", "").strip()
        name = fields.get("name", "").strip()
        if (not contact or len(contact) > MAX_CONTACT or len(name) > MAX_NAME
                or any("\x00" in fields.get(f, "") for f in ("contact", "name", "country",
                                                             "region"))
                or text_problem(name, "a name", required=False)):
            return None
        try:
            validate_email(contact)  # the form's EmailField
            rules = mail_rules()
            canonical = canonical_contact(contact, rules)
        except (ValidationError, ContactError):
            return None
        address = client_address(environ)
        stored = address
        if stored and ":" in stored:  # GenericIPAddressField(unpack_ipv4=True)'s get_prep_value
            with contextlib.suppress(ValidationError):
                stored = clean_ipv6_address(stored, True)
        ref = uuid.uuid4()
        row = self.query(SUBMIT, {
            "offer": key, "country": fields.get("country", ""),
            "region": fields.get("region", ""), "at": datetime.now(UTC), "ref": ref,
            "contact": contact, "canonical": canonical, "rules_version": rules.version,
            "name": name, "token_hash": token_hash(confirmation_token(ref)),
            "address": stored, "network": network_of(address), "max_mails": MAX_MAILS,
        })
        if row is None:
            return None
        location = f"{environ.get('SCRIPT_NAME', '')}/offers/{row[0]}/endorse/sent/"
        return respond(environ, "302 Found", b"", [("Location", location)])

    def confirm(self, environ: dict[str, Any], token: str) -> list[bytes] | None:
        params = {"token_hash": token_hash(token), "at": datetime.now(UTC)}
        if environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            if (linked := self.query(LINKED, params)) is None:
                return None  # not a valid link, or its period closed: Django's refusal
            key, title, pending = linked
            page = self.page("publicity/confirm.html", key, title,
                             status="pending" if pending else "confirmed")
            return respond(environ, "200 OK",
                           page.replace(self.placeholder.encode(), token.encode()))
        row = self.query(CONFIRM_NOW, params) or self.query(CONFIRMED_BEFORE, params)
        if row is None:  # not a valid link, or its period closed: Django's refusal
            return None
        return respond(environ, "200 OK", self.page("publicity/confirmed.html", *row))


HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
    ("X-Frame-Options", "DENY"),
    ("Vary", "Accept-Language"),
    ("Content-Language", settings.LANGUAGE_CODE),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
    ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
]
"""What Django sends with these views' answers (`_no_store`, the security middleware, the CSP,
the locale middleware), as constants."""


def respond(environ: dict[str, Any], status: str, body: bytes,
            extra: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    environ["lean.answer"] = (status, [
        *HEADERS, ("Expires", email.utils.formatdate(usegmt=True)),
        ("Content-Length", str(len(body))), *extra])
    return [body]


def cross_origin(environ: dict[str, Any], host: str) -> bool:
    """`web.cross_origin.cross_origin` on a write, over the WSGI environ."""
    site = environ.get("HTTP_SEC_FETCH_SITE")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = environ.get("HTTP_ORIGIN")
    return origin is not None and urllib.parse.urlsplit(origin).netloc != host


def client_address(environ: dict[str, Any]) -> str | None:
    """`publicity.views.client_address` over the WSGI environ."""
    address: str | None = environ.get("REMOTE_ADDR") or None
    if address not in TRUSTED_PROXIES:
        return address
    forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([a for a in forwarded if a]):
        if hop not in TRUSTED_PROXIES:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address
    return address


LEAN = Lean()
PROFILE = os.environ.get("LEAN_PROFILE")
"""A file to which each worker appends, when it exits, the CPU it spent in `application` per
kind of request (JSON, one line a worker): what the handler itself costs, gunicorn aside."""
SPENT: dict[str, list[float]] = {}


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The dispatcher: the three requests of an endorsement to `Lean`, all else to Django."""
    started = time.process_time() if PROFILE else 0.0
    path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
    body, kind = None, "to Django"
    write = method == "POST"
    if write and (match := ENDORSE.fullmatch(path)) and LEAN.usual(environ, write):
        body, kind = LEAN.submit(environ, match.group(1)), "POST endorse"
    elif (method in ("GET", "HEAD", "POST") and (match := CONFIRM.fullmatch(path))
          and LEAN.usual(environ, write)):
        body, kind = LEAN.confirm(environ, match.group(1)), f"{method} confirm"
    if body is None:
        answer = django_application(environ, start_response)
        kind = "to Django"
    else:
        status, headers = environ.pop("lean.answer")
        start_response(status, headers)
        answer = body
    if PROFILE:  # Django's answers are iterated later, by gunicorn: pages, not files, here
        spent = SPENT.setdefault(kind, [0, 0.0])
        spent[0] += 1
        spent[1] += time.process_time() - started
    return answer


def write_profile() -> None:
    import json

    if PROFILE and SPENT:
        line = {"pid": os.getpid(), "spent": SPENT, "cpu": sum(os.times()[:2])}
        with open(PROFILE, "a") as out:
            out.write(json.dumps(line) + "\n")


atexit.register(write_profile)


# ---------------------------------------------------------------------------------------------
# `serve`: `openpeace serve` with gunicorn on `application`; `profile`: CPU per request.

def serve(argv: list[str]) -> None:
    """`openpeace serve` itself (migrate, collectstatic, every background job, gunicorn with
    its workers and settings), gunicorn's WSGI app the one thing changed."""
    from django.core.management import call_command

    from openpeace.web.management.commands.serve import Command

    class LeanServe(Command):
        def run_until_stopped(self, workers: list[list[str]], server: list[str]) -> None:
            if "openpeace.wsgi" not in server:
                raise SystemExit(f"serve's gunicorn command changed: {server}")
            server = ["lean_endorse:application" if a == "openpeace.wsgi" else a
                      for a in server]
            super().run_until_stopped(workers, [*server, "--pythonpath", str(BENCH)])

    call_command(LeanServe(), *argv)


def profile(flows: int, batches: int) -> None:
    """CPU per request, lean and Django, on the served database of the environment
    (DATABASE_URL, SECRET_KEY, OPENPEACE_DATA_DIR as the server had them): the three requests
    of `flows` endorsements, called as gunicorn calls the app. This process's CPU is the best of
    `batches` batches, as bench/RESULTS.md measured Django's views; the PostgreSQL backend's
    (its /proc ticks: this machine's server) and the statements are over all the batches."""
    import psycopg
    from django.db import connection

    run = uuid.uuid4().hex[:6]
    form_path = "/offers/decree-on-peace-1917/endorse/"
    lookup = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)  # not the app's
    states = lookup.execute("SELECT array_agg(key ORDER BY key) FROM world_state").fetchone()
    assert states is not None
    django_statements = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal django_statements
        django_statements += 1
        return execute(sql, params, many, context)

    def call(method: str, path: str, body: bytes = b"", app: Any = application) -> str:
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8790",
            "SERVER_PROTOCOL": "HTTP/1.0", "HTTP_HOST": "127.0.0.1:8791",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"10.9.{len(path) % 200}.7",
            "HTTP_ACCEPT": "text/html", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        if method == "POST":
            environ.update({"CONTENT_TYPE": FORM, "CONTENT_LENGTH": str(len(body)),
                            "HTTP_SEC_FETCH_SITE": "same-origin"})
        answer: list[str] = []
        chunks = app(environ, lambda status, headers, exc_info=None: answer.append(status))
        b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return answer[0]

    def backend() -> tuple[int, int]:
        """The app's PostgreSQL backend: its pid and its CPU ticks so far."""
        if app is application:
            pid = LEAN.connection().info.backend_pid
        else:
            connection.ensure_connection()
            pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return pid, int(fields[11]) + int(fields[12])

    kinds = ["POST endorse", "GET confirm", "POST confirm"]
    for label, app in (("lean", application), ("Django", django_application)):
        best = dict.fromkeys(kinds, float("inf"))
        statements = (LEAN.statements, django_statements)
        for batch in range(batches + 1):  # the first batch warms up, and is not counted
            if batch == 1:
                statements, before = (LEAN.statements, django_statements), backend()
            spent = dict.fromkeys(kinds, 0.0)
            for i in range(flows):
                contact = f"profile-{run}-{label.lower()}-{batch}-{i}@example.org"
                body = urllib.parse.urlencode({"contact": contact, "name": f"P {i}",
                                               "country": states[0][i % len(states[0])],
                                               "region": ""}).encode()
                with connection.execute_wrapper(counted):
                    t0 = time.process_time()
                    status = call("POST", form_path, body, app)
                    t1 = time.process_time()
                    assert status.startswith("302"), status
                    ref = lookup.execute("SELECT ref FROM publicity_endorsement WHERE "
                                         "canonical = %s", [contact]).fetchone()
                    assert ref is not None
                    link = f"/endorsements/confirm/{confirmation_token(ref[0])}/"
                    t2 = time.process_time()
                    assert call("GET", link, app=app).startswith("200")
                    t3 = time.process_time()
                    assert call("POST", link, app=app).startswith("200")
                    t4 = time.process_time()
                for kind, seconds in zip(kinds, (t1 - t0, t3 - t2, t4 - t3), strict=True):
                    spent[kind] += seconds
            if batch:
                best = {kind: min(best[kind], spent[kind] / flows) for kind in kinds}
        after = backend()
        n = flows * batches
        made = (LEAN.statements - statements[0] if app is application
                else django_statements - statements[1]) / n
        database = (f"{(after[1] - before[1]) / os.sysconf('SC_CLK_TCK') / n * 1000:.2f} ms"
                    if after[0] == before[0] else "not measured (it reconnected)")
        print(f"{label}: this process's CPU per request, ms (best of {batches} batches of "
              f"{flows} flows): " + ", ".join(f"{k} {best[k] * 1000:.2f}" for k in kinds)
              + f"; the three {sum(best.values()) * 1000:.2f}. Its PostgreSQL backend: "
              f"{database} of CPU and {made:.1f} statements per endorsement (without BEGIN and "
              "COMMIT)", flush=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="openpeace serve, gunicorn on this module's application",
                   add_help=False)
    measure = sub.add_parser("profile", help="CPU per request in this process")
    measure.add_argument("--flows", type=int, default=50)
    measure.add_argument("--batches", type=int, default=10)
    args, rest = parser.parse_known_args()
    if args.command == "serve":
        serve(rest)
    else:
        profile(args.flows, args.batches)


if __name__ == "__main__":
    main()
