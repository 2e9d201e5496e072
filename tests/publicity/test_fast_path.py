"""The endorsement's fast path (`publicity.fast_path`) against Django itself: the same answers,
byte for byte, and the rows the services write, for the requests it answers; everything else
handed to Django whole, with nothing written. On PostgreSQL, where it runs. Its connection is
its own and sees only what is committed, so these tests commit (`transactional_db`)."""

from __future__ import annotations

import datetime as dt
import io
import sys
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.diplomacy.models import Offer
from openpeace.publicity import fast_path, services
from openpeace.publicity.fast_path import FastPath, endorsements_fast_path
from openpeace.publicity.models import Endorsement, EndorsementPeriod, TallyChange
from openpeace.tokens import token_hash

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the fast path runs on PostgreSQL only")
FORM = "application/x-www-form-urlencoded"
Answer = tuple[str, list[tuple[str, str]], bytes]


class Counting:
    """Django's WSGI app, counting the requests the fast path hands it."""

    def __init__(self) -> None:
        self.app, self.calls = WSGIHandler(), 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return self.app(environ, start_response)


def call(app: Any, method: str, path: str, body: bytes = b"", **meta: str | None) -> Answer:
    """One request through `app` as gunicorn makes it (a `meta` of None leaves that key out):
    its status, its headers (but `Expires`, the moment of the answer), its body."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "10.1.2.3", "HTTP_SEC_FETCH_SITE": "same-origin",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if method == "POST":
        environ.update(CONTENT_TYPE=FORM, CONTENT_LENGTH=str(len(body)))
    environ.update(meta)
    environ = {k: v for k, v in environ.items() if v is not None}
    answered: list[tuple[str, list[tuple[str, str]]]] = []
    chunks = app(environ, lambda status, headers, exc_info=None: answered.append(
        (status, headers)))
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    status, headers = answered[0]
    return status, sorted((k, v) for k, v in headers if k != "Expires"), content


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode({"contact": "jane@example.org", "name": "", "country": "germany",
                                   "region": "", **fields}).encode()


@pytest.fixture
def open_offer(transactional_db: None, endorsable: Offer) -> Offer:
    return endorsable


@pytest.fixture
def apps() -> Iterator[tuple[FastPath, Counting]]:
    """The fast path in front of a counting Django, and Django alone (another instance)."""
    django = Counting()
    fast = FastPath(django)
    yield fast, django
    if fast.worker.db is not None:
        fast.worker.db.close()


def endorse_path(offer: Offer) -> str:
    return f"/offers/{offer.key}/endorse/"


def row(contact: str) -> dict[str, Any]:
    """An endorsement's columns, but those that differ between any two submissions."""
    endorsement = Endorsement.objects.get(canonical=contact)
    return {k: v for k, v in model_to_dict(endorsement).items()
            if k not in ("id", "ref", "token_hash", "contact", "canonical", "submitted_at")}


@on_postgresql
@pytest.mark.parametrize(("fields", "meta"), [
    ({}, {}),
    ({"region": "alsace", "name": "  Rosa  "}, {}),
    ({"country": "ottoman-empire", "name": "قبول"}, {"HTTP_X_FORWARDED_FOR": "2001:db8::7"}),
    ({}, {"HTTP_X_FORWARDED_FOR": "::ffff:10.9.8.7"}),  # stored as its IPv4 address
    ({}, {"REMOTE_ADDR": "192.0.2.9", "HTTP_X_FORWARDED_FOR": "10.1.1.1"}),  # not a proxy
    ({}, {"CONTENT_TYPE": f"{FORM}; charset=utf-8"}),
    ({}, {"SCRIPT_NAME": "/peace"}),  # served under a prefix: so is the "sent" page
])
def test_a_submission_writes_the_row_the_service_writes(
        open_offer: Offer, apps: tuple[FastPath, Counting], fields: dict[str, str],
        meta: dict[str, str]) -> None:
    fast, django = apps
    by_fast = call(fast, "POST", endorse_path(open_offer),
                   form(contact="fast@example.org", **fields), **meta)
    by_django = call(WSGIHandler(), "POST", endorse_path(open_offer),
                     form(contact="django@example.org", **fields), **meta)
    assert django.calls == 0  # answered by the fast path itself
    assert by_fast == by_django and by_fast[0] == "302 Found"
    assert row("fast@example.org") == row("django@example.org")
    written = Endorsement.objects.get(canonical="fast@example.org")
    assert written.token_hash == token_hash(services.confirmation_token(written.ref))


@on_postgresql
def test_a_person_again_is_owed_one_more_mail_up_to_the_cap(
        open_offer: Offer, apps: tuple[FastPath, Counting]) -> None:
    fast, django = apps
    spellings = ["Jane.Doe@gmail.com", "janedoe+x@googlemail.com", "j.a.n.e.doe@gmail.com"]
    answers = [call(fast, "POST", endorse_path(open_offer), form(contact=contact))
               for contact in spellings * 3]
    assert django.calls == 0 and answers == answers[:1] * 9  # the same answer every time
    one = Endorsement.objects.get()
    assert one.canonical == "janedoe@gmail.com" and one.mails_due == services.MAX_MAILS


NAME_TOO_LONG = "n" * (services.MAX_NAME + 1)


@on_postgresql
@pytest.mark.parametrize(("method", "body", "meta"), [
    ("POST", form(contact="not-an-address"), {}),
    ("POST", form(contact=""), {}),
    ("POST", form(contact="a@localhost"), {}),
    ("POST", form(name=NAME_TOO_LONG), {}),
    ("POST", form(name="\u202e"), {}),  # a name that shows nothing
    ("POST", form(name="Jane\x00"), {}),
    ("POST", form(country="germany\x00"), {}),
    ("POST", form(country="atlantis"), {}),
    ("POST", form(country=""), {}),
    ("POST", form(region="finland"), {}),  # Russia's
    ("POST", form(), {"HTTP_SEC_FETCH_SITE": "cross-site"}),
    ("POST", form(), {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://elsewhere.example"}),
    ("POST", form(), {"HTTP_HOST": "evil.example"}),
    ("POST", form(), {"CONTENT_TYPE": "multipart/form-data; boundary=x"}),
    ("POST", form(), {"CONTENT_TYPE": f"{FORM}; charset=latin-1"}),
    ("POST", form() + b"&x=1" * 1000, {}),  # more fields than Django reads
    ("POST", form(), {"CONTENT_LENGTH": "3000000"}),  # more than OPENPEACE_MAX_BODY
    ("POST", form(), {"QUERY_STRING": "a=%00"}),
    ("PUT", form(), {}),
])
def test_a_refusal_is_django_s_and_writes_nothing(
        open_offer: Offer, apps: tuple[FastPath, Counting], method: str, body: bytes,
        meta: dict[str, str | None]) -> None:
    fast, django = apps
    by_fast = call(fast, method, endorse_path(open_offer), body, **meta)
    by_django = call(WSGIHandler(), method, endorse_path(open_offer), body, **meta)
    assert django.calls == 1  # handed to Django whole
    assert by_fast == by_django and not by_fast[0].startswith(("2", "3"))
    assert not Endorsement.objects.exists()


@on_postgresql
def test_an_offer_closed_or_unknown_is_django_s(
        open_offer: Offer, apps: tuple[FastPath, Counting]) -> None:
    fast, django = apps
    for path in ("/offers/no-such-offer/endorse/", endorse_path(open_offer)):
        assert call(fast, "POST", path, form()) == call(WSGIHandler(), "POST", path, form())
        EndorsementPeriod.objects.update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert django.calls == 2 and not Endorsement.objects.exists()


def link_of(contact: str) -> str:
    endorsement = Endorsement.objects.get(canonical=contact)
    return f"/endorsements/confirm/{services.confirmation_token(endorsement.ref)}/"


@on_postgresql
@pytest.mark.parametrize("suspect", ["", "3 submissions from one address in 300 s"])
def test_confirming_answers_as_django_and_counts_as_the_service(
        open_offer: Offer, apps: tuple[FastPath, Counting], suspect: str) -> None:
    fast, django = apps
    for contact in ("fast@example.org", "django@example.org"):
        call(fast, "POST", endorse_path(open_offer), form(contact=contact, region="alsace"))
    Endorsement.objects.update(suspect=suspect)
    link, other = link_of("fast@example.org"), link_of("django@example.org")

    for method in ("GET", "HEAD"):  # the page with its button, naming the offer
        assert call(fast, method, link) == call(WSGIHandler(), method, link)
    assert call(fast, "POST", link)[2] == call(WSGIHandler(), "POST", other)[2]
    for method in ("GET", "POST"):  # the link again: confirmed, nothing changes
        assert call(fast, method, link) == call(WSGIHandler(), method, link)
    assert django.calls == 0
    assert row("fast@example.org") | {"confirmed_at": None} == (
        row("django@example.org") | {"confirmed_at": None})
    assert Endorsement.objects.filter(status="confirmed").count() == 2
    changes = [(c.country, c.region, c.delta) for c in TallyChange.objects.order_by("pk")]
    assert changes == ([] if suspect else [("germany", "alsace", 1)] * 2)


@on_postgresql
def test_a_link_that_cannot_confirm_is_django_s(
        open_offer: Offer, apps: tuple[FastPath, Counting]) -> None:
    fast, django = apps
    call(fast, "POST", endorse_path(open_offer), form())
    link = link_of("jane@example.org")
    cases = [("/endorsements/confirm/not-ours/", "404 Not Found")]
    for path, status in cases:
        for method in ("GET", "POST"):
            by_fast = call(fast, method, path)
            assert by_fast == call(WSGIHandler(), method, path)
            assert by_fast[0] == (status if method == "GET" else "400 Bad Request")
    EndorsementPeriod.objects.update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    for method, status in (("GET", "410 Gone"), ("POST", "400 Bad Request")):
        by_fast = call(fast, method, link)
        assert by_fast == call(WSGIHandler(), method, link) and by_fast[0] == status
    assert django.calls == 4
    assert Endorsement.objects.get().status == "pending" and not TallyChange.objects.exists()


@on_postgresql
def test_behind_tls_the_answers_carry_django_s_security_headers(
        open_offer: Offer, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    django = Counting()  # made after the settings: the middleware reads them when made
    fast = FastPath(django)
    try:
        plain = call(fast, "POST", endorse_path(open_offer), form())
        assert plain == call(WSGIHandler(), "POST", endorse_path(open_offer), form())
        assert plain[0] == "301 Moved Permanently" and django.calls == 1
        secure = {"HTTP_X_FORWARDED_PROTO": "https"}
        by_fast = call(fast, "POST", endorse_path(open_offer), form(), **secure)
        link = link_of("jane@example.org")
        assert django.calls == 1 and by_fast[0] == "302 Found"
        assert ("Strict-Transport-Security",
                "max-age=31536000; includeSubDomains; preload") in by_fast[1]
        assert call(fast, "GET", link, **secure) == call(WSGIHandler(), "GET", link, **secure)
        assert django.calls == 1
    finally:
        if fast.worker.db is not None:
            fast.worker.db.close()


@on_postgresql
def test_a_lost_connection_hands_the_request_to_django_and_the_next_reconnects(
        open_offer: Offer, apps: tuple[FastPath, Counting]) -> None:
    fast, django = apps
    call(fast, "POST", endorse_path(open_offer), form(contact="first@example.org"))
    with connection.cursor() as cursor:  # as a restart of the server would
        cursor.execute("SELECT pg_terminate_backend(%s)", [fast.worker.db.info.backend_pid])
    assert call(fast, "POST", endorse_path(open_offer),
                form(contact="second@example.org"))[0] == "302 Found"
    assert django.calls == 1  # Django answered, with its own connection
    assert call(fast, "POST", endorse_path(open_offer),
                form(contact="third@example.org"))[0] == "302 Found"
    assert django.calls == 1  # the fast path again, on a new connection
    assert Endorsement.objects.count() == 3


@on_postgresql
def test_a_statement_that_fails_hands_the_request_to_django(
        open_offer: Offer, apps: tuple[FastPath, Counting], monkeypatch: Any) -> None:
    fast, django = apps
    monkeypatch.setattr(fast_path, "SUBMIT", "SELECT 1 / 0")  # any error of the database
    assert call(fast, "POST", endorse_path(open_offer), form())[0] == "302 Found"
    assert django.calls == 1 and Endorsement.objects.count() == 1  # Django wrote it, once
    monkeypatch.undo()
    assert call(fast, "POST", endorse_path(open_offer), form(contact="b@example.org"))[0] == (
        "302 Found")
    assert django.calls == 1  # the same connection serves the next request


@on_postgresql
def test_spellings_of_one_person_at_once_land_once(open_offer: Offer) -> None:
    """Each worker's own connection, all let go at the same instant: the constraint decides."""
    spellings = ["jane.doe@gmail.com", "JaneDoe@gmail.com", "jane.doe+a@googlemail.com",
                 "j.anedoe+b@gmail.com", "janedoe@GMAIL.com", "jane.d.oe@gmail.com"]
    start, answers = threading.Barrier(len(spellings)), []
    workers = [FastPath(Counting()) for _ in spellings]

    def submit(fast: FastPath, contact: str) -> None:
        try:
            start.wait()
            answers.append(call(fast, "POST", endorse_path(open_offer), form(contact=contact)))
        finally:
            connection.close()  # Django's, had it answered

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(workers, spellings,
                                                                         strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for fast in workers:
        assert fast.worker.db is not None
        fast.worker.db.close()
        assert isinstance(fast.django, Counting) and fast.django.calls == 0
    assert [a[0] for a in answers] == ["302 Found"] * len(spellings)
    one = Endorsement.objects.get()
    assert one.canonical == "janedoe@gmail.com" and one.mails_due == services.MAX_MAILS


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@on_postgresql
@settings(max_examples=60)
@given(contact=st.one_of(TEXT, st.emails().map(str)), name=TEXT,
       country=st.sampled_from(["germany", "france", "atlantis", "", "Germany"]),
       region=st.sampled_from(["", "alsace", "finland", "nowhere"]))
def test_any_form_is_answered_as_django_answers_it(
        open_offer: Offer, apps: tuple[FastPath, Counting], contact: str, name: str,
        country: str, region: str) -> None:
    fast, _ = apps
    body = urllib.parse.urlencode({"contact": contact, "name": name, "country": country,
                                   "region": region}).encode()
    answers, rows = [], []
    for app in (fast, WSGIHandler()):
        answers.append(call(app, "POST", endorse_path(open_offer), body))
        rows.append([{k: v for k, v in model_to_dict(e).items()
                      if k not in ("id", "ref", "token_hash", "submitted_at")}
                     for e in Endorsement.objects.all()])
        Endorsement.objects.all().delete()
    assert answers[0] == answers[1]
    assert rows[0] == rows[1]


def test_the_fast_path_is_in_front_only_where_it_applies(db: None, settings: Any) -> None:
    django = WSGIHandler()
    expected = FastPath if connection.vendor == "postgresql" else WSGIHandler
    assert type(endorsements_fast_path(django)) is expected  # off on SQLite
    settings.OPENPEACE_ENDORSE_FAST_PATH = False
    assert endorsements_fast_path(django) is django
    settings.OPENPEACE_ENDORSE_FAST_PATH = True
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]  # the pages would negotiate
    assert endorsements_fast_path(django) is django
    settings.LANGUAGES = [("en", "English")]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "a.new.Limit"]  # it would not see them
    assert endorsements_fast_path(django) is django


def test_the_fast_path_was_reviewed_against_the_site_s_middleware() -> None:
    """Else it is off: review `_usual` and `_answer` for what changed, then the list."""
    assert django_settings.MIDDLEWARE == fast_path.MIDDLEWARE
