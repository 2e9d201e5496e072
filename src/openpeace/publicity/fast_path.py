"""The endorsement's three requests, answered beside Django's request cycle, on PostgreSQL.

Why it exists: issue 9 asks for 300 endorsements a second, each submitted and confirmed, with
p99 under 250 ms, on a 2-core machine that also runs PostgreSQL, the task worker, nginx and
the load generator. At 300/s the whole machine has 6.7 ms of CPU per endorsement; Django's
request cycle alone (middleware, URL resolving, forms, the ORM, template lookups) cost 8.5 ms
of it for the three requests, measured through gunicorn (bench/RESULTS.md), so no setting of
Django could reach the figure. Answered here, the same three requests cost the web tier about
2.2 ms, and the machine passed 300/s (320 and 330/s). Nothing else of the site is answered
here.

What it answers, and only in the common case:

- POST /offers/<key>/endorse/ with a valid form: one SQL statement (`SUBMIT`) inserts the
  endorsement exactly as `services.endorsement_submit` does, or, for a person who has endorsed
  already (the `endorsement_one_person_once` constraint), owes them one more mail, as the
  service does. The same 302 to the "sent" page.
- GET (and HEAD) /endorsements/confirm/<token>/: one statement (`LINKED`) reads the link's
  endorsement as `services.endorsement_link_judge` does; the page naming the offer, with its
  button while the endorsement waits for it.
- POST /endorsements/confirm/<token>/: one statement (`CONFIRM_NOW`) confirms the pending
  endorsement while its period is open, and counts it (a `TallyChange`) unless it is suspect,
  as `services.endorsement_confirm` does; a link used before reads as confirmed
  (`CONFIRMED_BEFORE`), changing nothing.

Everything else goes to Django whole, with the body it sent: every refusal (a form with an
error, an offer not released or closed, a link not valid or whose period closed, a write from
another site), every odd request (another method or content type, a host not allowed, a body
too large, a NUL character, plain HTTP when the site redirects to HTTPS), and every other
page. The statements write nothing when they do not find the common case, so Django judges
the request afresh and answers with its own page and status.

What it shares with Django, so that the two cannot judge apart: the request itself (Django's
`WSGIRequest`: the allowed hosts, the form's parsing and its limits, `is_secure`), the
cross-origin check (`web.cross_origin`), the client's address (`views.client_address`), the
form's own fields for the contact and the name, the service's judgement of the endorser
(`services.endorser_judge`), the address as the model stores it, the tokens, and the
templates. What it writes with its own SQL is checked against the services row for row, and
its answers against Django's byte for byte, on PostgreSQL (tests/publicity/test_fast_path.py).

It is on when the database is PostgreSQL, the site has one language (the pages are rendered
without Django's locale negotiation) and its middleware is the one the fast path was reviewed
against (`MIDDLEWARE`); `OPENPEACE_ENDORSE_FAST_PATH=0` turns it off (then Django answers
everything, as it does on SQLite). Each gunicorn worker keeps its own
connection, opened with Django's own parameters, in autocommit: each write is one statement
and its own transaction.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import formatdate
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation, ValidationError
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import connections
from django.template.loader import render_to_string
from django.urls import reverse, set_script_prefix

from openpeace.publicity.forms import EndorsementForm
from openpeace.publicity.models import Endorsement
from openpeace.publicity.services import (
    MAX_MAILS,
    EndorsementRefused,
    confirmation_token,
    endorser_judge,
    network_of,
)
from openpeace.publicity.views import client_address
from openpeace.tokens import token_hash
from openpeace.web.cross_origin import cross_origin
from openpeace.web.http import CONTENT_SECURITY_POLICY, content_length
from openpeace.web.middleware import nul_character_at

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

ENDORSE = re.compile(r"/offers/([-a-zA-Z0-9_]+)/endorse/")  # publicity.urls' <slug:key>
CONFIRM = re.compile(r"/endorsements/confirm/([A-Za-z0-9_-]{1,200})/")  # the links mailed
FORM = "application/x-www-form-urlencoded"

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
period open, the country a state and the region (if any) one of its territories (no row back
otherwise: Django's refusal); a duplicate owes one more mail, up to `MAX_MAILS` (the service's
IntegrityError path)."""

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
"""`endorsement_confirm` of a pending endorsement in one statement: confirmed, and counted
unless suspect. Two at once: the second waits for the first's row lock, finds it confirmed,
and changes nothing."""

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


class _Failed(Exception):
    """A statement failed (`_Worker.query`): Django answers the request."""


class _Worker:
    """One gunicorn worker's state, made when first needed (after the fork): its database
    connection and the pages it has rendered (per offer, the link's token put in later)."""

    PLACEHOLDER = "fastpathtokenplaceholder"

    def __init__(self) -> None:
        self.db: Any = None
        self.pages: dict[tuple[str, ...], bytes] = {}

    def query(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """One statement, its first row (None when there is none). When it fails, Django, with
        its own connection, answers the request (`_Failed`), as it answers any other: a
        statement that failed wrote nothing (each is its own transaction), or, had the
        connection failed after its commit, Django finds its row (a duplicate, a link used
        before) and says the same. A failed connection is dropped; the next request opens
        another."""
        try:
            if self.db is None or self.db.closed:
                self.db = psycopg.connect(**{
                    **connections["default"].get_connection_params(),
                    # Parameters bound on the server, each statement prepared after its fifth
                    # use (psycopg's default): planned once, not per request as Django's
                    # client-side binding would have it; each looks rows up by unique keys,
                    # so their generic plans stay good as the tables grow.
                    "cursor_factory": psycopg.Cursor, "prepare_threshold": 5,
                }, autocommit=True)
            row: tuple[Any, ...] | None = self.db.execute(sql, params).fetchone()
        except psycopg.Error as failed:
            if self.db is not None and self.db.broken:
                self.db.close()
            raise _Failed from failed
        return row

    def page(self, template: str, key: str, title: str, status: str = "") -> bytes:
        kept = (template, key, title, status)
        if kept not in self.pages:
            if len(self.pages) > 100:
                self.pages.clear()
            offer = SimpleNamespace(key=key, title=title)
            self.pages[kept] = render_to_string(template, {
                "offer": offer, "token": self.PLACEHOLDER,
                "endorsement": SimpleNamespace(offer=offer, status=status)}).encode()
        return self.pages[kept]


def _answer(request: WSGIRequest, start_response: StartResponse, status: str, body: bytes,
            *extra: tuple[str, str]) -> list[bytes]:
    """The headers Django's middleware gives these views' answers (`views._no_store`, the
    security, CSP, locale and clickjacking middleware), from the same settings."""
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
        ("Expires", formatdate(usegmt=True)),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Vary", "Accept-Language"),
        ("Content-Language", settings.LANGUAGE_CODE),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("Content-Length", str(len(body))),
        *extra,
    ]
    if request.is_secure() and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    start_response(status, headers)
    return [body]  # to HEAD too, as Django answers it: the server leaves the body out


def _usual(request: WSGIRequest) -> bool:
    """Whether Django's middleware would let this request through to the view unchanged."""
    try:
        request.get_host()  # the allowed hosts
    except DisallowedHost:
        return False
    if (content_length(request) > settings.OPENPEACE_MAX_BODY
            or nul_character_at(request) is not None):
        return False
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False
    return not cross_origin(request)


class FastPath:
    """The WSGI application: the endorsement's three requests here, all else to `django`."""

    def __init__(self, django: WSGIApp) -> None:
        self.django = django
        self.worker = _Worker()
        self.form = EndorsementForm.base_fields

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if (answer := self.route(environ)) is not None:
            request = WSGIRequest(environ)
            try:
                if _usual(request) and (body := answer(request, start_response)) is not None:
                    return body
            except _Failed:
                pass
        return self.django(environ, start_response)

    def route(self, environ: Environ) -> Callable[[WSGIRequest, StartResponse],
                                                  list[bytes] | None] | None:
        """What answers this request here, if one of the three it is."""
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if method == "POST" and (endorse := ENDORSE.fullmatch(path)):
            return functools.partial(self.submit, key=endorse.group(1))
        if method in ("GET", "HEAD", "POST") and (confirm := CONFIRM.fullmatch(path)):
            return functools.partial(self.confirm, token=confirm.group(1))
        return None

    def submit(self, request: WSGIRequest, start_response: StartResponse, *, key: str
               ) -> list[bytes] | None:
        if request.content_type != FORM or request.content_params not in ({}, {
                "charset": "utf-8"}):
            return None  # multipart, another charset: Django parses it
        # Read within OPENPEACE_MAX_BODY (`_usual`), and kept for Django, should it answer.
        request.environ["wsgi.input"] = BytesIO(request.body)
        try:
            fields = request.POST
            contact = self.form["contact"].clean(fields.get("contact", ""))
            name = self.form["name"].clean(fields.get("name", ""))
            endorser = endorser_judge(contact=contact, name=name)
        except (ValidationError, EndorsementRefused, SuspiciousOperation):
            return None  # Django says what is wrong (too many fields, too large, ...)
        country, region = fields.get("country", ""), fields.get("region", "")
        if "\x00" in country + region:
            return None
        address = client_address(request)
        ref = uuid.uuid4()
        row = self.worker.query(SUBMIT, {
            "offer": key, "country": country, "region": region, "at": datetime.now(UTC),
            "ref": ref, "contact": endorser.contact, "canonical": endorser.canonical,
            "rules_version": endorser.rules_version, "name": endorser.name,
            "token_hash": token_hash(confirmation_token(ref)),
            "address": ADDRESS.get_prep_value(address), "network": network_of(address),
            "max_mails": MAX_MAILS,
        })
        if row is None:
            return None
        set_script_prefix(get_script_name(request.environ))  # as Django's handler does
        location = reverse("publicity:endorsement-sent", kwargs={"key": row[0]})
        return _answer(request, start_response, "302 Found", b"", ("Location", location))

    def confirm(self, request: WSGIRequest, start_response: StartResponse, *, token: str
                ) -> list[bytes] | None:
        params = {"token_hash": token_hash(token), "at": datetime.now(UTC)}
        worker = self.worker
        if request.method != "POST":
            linked = worker.query(LINKED, params)
            if linked is None:
                return None
            key, title, pending = linked
            page = worker.page("publicity/confirm.html", key, title,
                               "pending" if pending else "confirmed")
            return _answer(request, start_response, "200 OK",
                           page.replace(worker.PLACEHOLDER.encode(), token.encode()))
        row = worker.query(CONFIRM_NOW, params)
        if row is None:
            row = worker.query(CONFIRMED_BEFORE, params)
        if row is None:
            return None
        return _answer(request, start_response, "200 OK",
                       worker.page("publicity/confirmed.html", *row))


ADDRESS = Endorsement._meta.get_field("address")
"""The model's own conversion of an address for the database (`unpack_ipv4`)."""


MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openpeace.web.http.ContentSecurityPolicy",
    "openpeace.web.middleware.RefuseNulCharacters",
    "openpeace.web.http.ApiAnswers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "openpeace.web.middleware.VaryOnLanguageOnlyForPages",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "openpeace.web.middleware.ErrorTitle",
    "openpeace.web.http.RefuseMethodsNotTaken",
    "openpeace.web.http.RefuseBodiesTooLarge",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
"""The middleware whose effect on these three requests `_usual` and `_answer` reproduce. A
middleware added to the settings would not see the requests answered here (a limit, a check):
until it is reviewed and this list with it, the fast path stays off."""


def endorsements_fast_path(django: WSGIApp) -> WSGIApp:
    """`django` with the fast path in front, where it applies (the module's docstring)."""
    if (connections["default"].vendor != "postgresql" or len(settings.LANGUAGES) != 1
            or settings.MIDDLEWARE != MIDDLEWARE or not settings.OPENPEACE_ENDORSE_FAST_PATH):
        return django
    return FastPath(django)
