"""Outbound webhooks (Standard Webhooks 1.0), in one process: deliveries signed and verified by
the `standardwebhooks` library's own verifier on a real HTTP receiver; one `webhook-id` per act
across retries; 410 disables; `Retry-After` and the backoff; URLs that are refused; the filters;
a fan-out run twice; stale claims; the officials' admin and command, closed to the public.

The receiver is a real `http.server` on 127.0.0.1, so these tests allow private addresses
(`OPENPEACE_WEBHOOKS_ALLOW_PRIVATE`), as a deployment never does by default. The task queue is
django-tasks' dummy backend: a test runs the queued tasks when it means a worker to.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import socket
import threading
from collections.abc import Iterator
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from openpeace.log.kinds import KINDS
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity import outbox
from openpeace.publicity.webhooks import services, transport
from openpeace.publicity.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.publicity.conftest import Queue

# ------------------------------------------------------------------ the receiver, the queue


class Receiver:
    """A webhook receiver in a thread: records every request (headers, their names in lower
    case, and body) and answers with
    the next of `answers` ((status, headers)), then 204. With `hold_at = n`, it holds the n-th
    request unanswered until `release` is set, and sets `held` meanwhile."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.hold_at: int | None = None
        self.held, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver.lock:
                    receiver.requests.append((headers, body))
                    number = len(receiver.requests)
                    status, answer = (receiver.answers.pop(0) if receiver.answers
                                      else (204, {}))
                if number == receiver.hold_at:
                    receiver.held.set()
                    receiver.release.wait(60)
                try:
                    self.send_response(status)
                    for name, value in answer.items():
                        self.send_header(name, value)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone (killed): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/openpeace?x=1"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret: str) -> list[tuple[str, dict[str, Any]]]:
        """Every request as (webhook-id, payload), each checked by the library's verifier."""
        return [(headers["webhook-id"], Webhook(secret).verify(body, headers))
                for headers, body in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def hooks(settings: Any, queue: Queue, db: None) -> Queue:
    """Private addresses allowed (the receiver is on 127.0.0.1), and the dummy queue."""
    settings.OPENPEACE_WEBHOOKS_ALLOW_PRIVATE = True
    return queue


def acts(*specs: tuple[str, str, dict[str, Any]]) -> list[Entry]:
    """Record acts (kind, subject, content) in one transaction and integrate them."""
    with transaction.atomic():
        entries = [entry_append(kind=kind, subject=subject, content=content)
                   for kind, subject, content in specs]
    log_integrate()
    return [Entry.objects.get(pk=entry.pk) for entry in entries]


def deliver(queue: Queue, at: dt.datetime | None = None) -> list[Any]:
    """What `openpeace webhooks run` and a worker do: fan out, dispatch, run the tasks."""
    while services.deliveries_fan_out():
        pass
    services.deliveries_dispatch(at=at)
    return queue.run()


def register(url: str, events: list[str] | None = None, **kwargs: Any) -> services.Registered:
    return services.subscription_register(url=url, event_types=events or ["*"], **kwargs)


# ------------------------------------------------------------------ signed, verified, once


def test_each_act_is_signed_and_verified_by_the_library(hooks: Queue, receiver: Receiver) -> None:
    acts(("test.before", "state:germany", {"n": 0}))  # before the subscription: not sent
    registered = register(receiver.url, ["offer."])
    assert registered.secret.startswith("whsec_")
    released, _other = acts(("offer.released", "offer:peace-1917", {"title": "Peace"}),
                            ("treaty.published", "treaty:t", {}))
    assert deliver(hooks) == [1]

    ((msg_id, payload),) = receiver.verified(registered.secret)
    assert msg_id == f"msg_{released.index}"
    assert payload["type"] == "offer.released"
    assert payload["timestamp"] == released.recorded_at.isoformat()
    data = payload["data"]
    assert data["log_index"] == released.index and data["subject"] == "offer:peace-1917"
    assert data["content"] == {"title": "Peace"}
    assert data["entry_url"].endswith(f"/log/entries/{released.index}")
    assert data["proof_url"].endswith(f"/log/entries/{released.index}.tlog-proof")
    headers, body = receiver.requests[0]
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == transport.USER_AGENT
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert body == services.payload(released).encode()
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(services.new_secret()).verify(body, headers)  # another secret: refused

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status == 204 and delivery.delivered_at is not None
    assert deliver(hooks) == []  # nothing more to send
    assert len(receiver.requests) == 1


def test_a_retry_after_a_500_carries_the_same_id(hooks: Queue, receiver: Receiver) -> None:
    registered = register(receiver.url)
    (entry,) = acts(("offer.released", "offer:k", {}))
    receiver.answers = [(500, {})]
    before = timezone.now()
    deliver(hooks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status == 500
    assert delivery.last_error == "HTTP 500"
    assert before <= delivery.next_attempt_at <= timezone.now() + dt.timedelta(
        seconds=transport.BACKOFF_BASE)
    deliver(hooks, at=timezone.now() + dt.timedelta(hours=1))
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    ids = [msg_id for msg_id, _ in receiver.verified(registered.secret)]
    assert ids == [f"msg_{entry.index}"] * 2


def test_410_disables_the_subscription_and_stops_its_deliveries(
    hooks: Queue, receiver: Receiver,
) -> None:
    register(receiver.url)
    acts(("a.one", "state:x", {}), ("a.two", "state:x", {}))
    receiver.answers = [(410, {})]
    deliver(hooks)
    subscription = WebhookSubscription.objects.get()
    assert not subscription.active and "410 Gone" in subscription.disabled_reason
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == ["gave_up"] * 2
    acts(("a.three", "state:x", {}))
    deliver(hooks, at=timezone.now() + dt.timedelta(days=1))
    assert len(receiver.requests) == 1 and WebhookDelivery.objects.count() == 2


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_or_as_a_date_is_respected(
    hooks: Queue, receiver: Receiver, status: int,
) -> None:
    register(receiver.url)
    acts(("a.one", "state:x", {}), ("a.two", "state:x", {}))
    later = timezone.now() + dt.timedelta(hours=2)
    receiver.answers = [(status, {"Retry-After": "7200"}),
                        (status, {"Retry-After": format_datetime(later, usegmt=True)})]
    deliver(hooks)
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == "failed" and delivery.last_status == status
        assert delivery.next_attempt_at >= later - dt.timedelta(seconds=5)
    assert deliver(hooks, at=timezone.now() + dt.timedelta(hours=1)) == []  # not before it
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed(hooks: Queue, receiver: Receiver) -> None:
    register(receiver.url)
    acts(("a.one", "state:x", {}))
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    deliver(hooks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status == 302
    assert "do not follow redirects" in delivery.last_error
    assert len(receiver.requests) == 1


def test_no_answer_is_a_failed_attempt(hooks: Queue) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    register(f"http://127.0.0.1:{port}/")  # nothing listens there
    acts(("a.one", "state:x", {}))
    deliver(hooks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status is None
    assert delivery.last_error.startswith("no answer")


def test_after_the_last_attempt_the_delivery_is_given_up() -> None:
    now = timezone.now()
    last = services.outcome_of(transport.MAX_ATTEMPTS, 500, None, now)
    assert last.status == "gave_up" and not last.disable
    assert services.outcome_of(transport.MAX_ATTEMPTS - 1, None, None, now).status == "failed"
    assert services.outcome_of(1, 204, None, now).status == "delivered"
    assert services.outcome_of(1, 410, None, now).disable


def test_an_unexpected_error_fails_its_own_delivery_only(
    hooks: Queue, receiver: Receiver,
) -> None:
    """A delivery that cannot even be signed (its subscription's secret was damaged in the
    database) is recorded as a failed attempt, with the error, and retried on the backoff; the
    delivery after it in the same batch, to another subscriber, is sent in the same task run."""
    other = Receiver()
    try:
        subscribers = {registered.subscription.pk: (registered, to)
                       for registered, to in ((register(to.url), to) for to in (other, receiver))}
        (entry,) = acts(("offer.released", "offer:k", {}))
        before = timezone.now()
        while services.deliveries_fan_out():
            pass
        assert services.deliveries_dispatch() == 2
        failed, sent = WebhookDelivery.objects.order_by("pk")  # the batch, in its order
        assert failed.claim == sent.claim is not None  # one batch, one task
        WebhookSubscription.objects.filter(pk=failed.subscription_id).update(
            secret="whsec_not base64!")  # the first delivery's subscriber's, damaged
        _, poisoned_receiver = subscribers[failed.subscription_id]
        healthy, healthy_receiver = subscribers[sent.subscription_id]

        assert hooks.run() == [1]
        failed.refresh_from_db()
        assert (failed.status, failed.attempts, failed.last_status) == ("failed", 1, None)
        assert failed.last_error.startswith("error: ") and "base64" in failed.last_error
        assert failed.claim is None and failed.claimed_until is None
        assert before <= failed.next_attempt_at <= timezone.now() + dt.timedelta(
            seconds=transport.BACKOFF_BASE)
        assert poisoned_receiver.requests == []
        sent.refresh_from_db()
        assert sent.status == "delivered"
        assert [msg_id for msg_id, _ in healthy_receiver.verified(healthy.secret)] == [
            f"msg_{entry.index}"]

        # Retried as any failure is, and given up after the last attempt.
        for _ in range(transport.MAX_ATTEMPTS - 1):
            deliver(hooks, at=timezone.now() + dt.timedelta(days=1))
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == ("gave_up", transport.MAX_ATTEMPTS)
    finally:
        other.close()


# ------------------------------------------------------------------ backoff


@given(attempts=st.integers(min_value=1, max_value=transport.MAX_ATTEMPTS),
       seed=st.integers(min_value=0, max_value=2**32))
def test_backoff_is_exponential_with_full_jitter_within_bounds(attempts: int, seed: int) -> None:
    ceiling = min(transport.BACKOFF_CAP, transport.BACKOFF_BASE * 2 ** (attempts - 1))
    delays = [transport.retry_delay(attempts, random.Random(seed + i)) for i in range(20)]
    assert all(0 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1  # jittered: not one fixed delay


def test_the_backoff_ceiling_grows_then_stops_at_the_cap() -> None:
    highest = [max(transport.retry_delay(n, random.Random(i)) for i in range(200))
               for n in range(1, transport.MAX_ATTEMPTS + 1)]
    assert highest[0] <= transport.BACKOFF_BASE < highest[3]
    assert all(h <= transport.BACKOFF_CAP for h in highest)
    assert max(highest) > transport.BACKOFF_CAP * 0.9  # the cap is reached, not exceeded


@given(seconds=st.integers(min_value=0, max_value=10**7),
       attempts=st.integers(min_value=1, max_value=transport.MAX_ATTEMPTS - 1))
def test_retry_after_is_never_undercut(seconds: int, attempts: int) -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    outcome = services.outcome_of(attempts, 429, str(seconds), now)
    assert outcome.next_attempt_at is not None
    wait = (outcome.next_attempt_at - now).total_seconds()
    assert min(seconds, transport.MAX_RETRY_AFTER) <= wait
    assert wait <= max(seconds, transport.BACKOFF_CAP)


NOW = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120),
    ("0", 0),
    (" 12 ", 12),  # the whitespace around a field value is not part of it (RFC 9110 §5.5)
    ("\t12", 12),
    ("Tue, 01 Jan 2030 13:00:00 GMT", 3600),  # IMF-fixdate
    ("Tuesday, 01-Jan-30 13:00:00 GMT", 3600),  # the obsolete RFC 850 form
    ("Tue Jan  1 13:00:00 2030", 3600),  # the obsolete asctime form
    ("Tue, 01 Jan 2030 11:00:00 GMT", 0),  # a date past: no later than now
    ("Mon, 01 Jan 1917 00:00:00 GMT", 0),
    ("999999999", transport.MAX_RETRY_AFTER),  # at most a day
    ("9" * 5000, transport.MAX_RETRY_AFTER),  # more digits than an int may be parsed from
    ("Fri, 31 Dec 9999 23:59:59 GMT", transport.MAX_RETRY_AFTER),
])
def test_retry_after_values(value: str, seconds: float) -> None:
    assert transport.retry_after_seconds(value, NOW) == seconds


@pytest.mark.parametrize("value", [
    None, "", " ", "soon", "-5", "+5", "1.5", "1e3", "0x10", "1_000", "12 s",
    "²", "¹²", "١٢", "１２", "12\xa0",  # digits, but not ASCII ones (or not ASCII space)
    "1 Jan 2030 13:00", "2030-01-01T13:00:00Z",  # dates, but not HTTP-dates
    "Tue, 01 Jan 2030 13:00:00 +0000", "Tue, 32 Jan 2030 13:00:00 GMT",
    "Tue, 01 Foo 2030 13:00:00 GMT", "Tue, 01 Jan 99999 13:00:00 GMT",
])
def test_a_retry_after_that_is_not_one_is_ignored(value: str | None) -> None:
    """RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, delay-seconds being
    `1*DIGIT`, ASCII digits only (RFC 5234 B.1); anything else is as if absent, and the
    backoff alone applies."""
    assert transport.retry_after_seconds(value, NOW) is None
    outcome = services.outcome_of(1, 503, value, NOW, random.Random(1))
    assert outcome.next_attempt_at is not None
    assert outcome.next_attempt_at <= NOW + dt.timedelta(seconds=transport.BACKOFF_BASE)


@given(value=st.text(max_size=40))
def test_no_retry_after_raises(value: str) -> None:
    seconds = transport.retry_after_seconds(value, NOW)
    assert seconds is None or 0 <= seconds <= transport.MAX_RETRY_AFTER


def test_a_bad_retry_after_is_a_failed_attempt_and_spares_the_batch(
    hooks: Queue, receiver: Receiver,
) -> None:
    """A receiver answers 503 with `Retry-After: \\xb2` (read as "²", which `str.isdigit`
    takes for a digit): its delivery is a failed attempt with the answer recorded, retried on
    the backoff; another subscriber's delivery in the same task is delivered."""
    other = Receiver()
    try:
        bad, good = register(receiver.url), register(other.url)
        (entry,) = acts(("offer.released", "offer:k", {}))
        receiver.answers = [(503, {"Retry-After": "\xb2"})] * 2
        assert transport.post(receiver.url, b"{}", {}).retry_after == "²"  # the byte 0xb2
        before = timezone.now()
        while services.deliveries_fan_out():
            pass
        assert services.deliveries_dispatch() == 2
        assert hooks.run() == [1]  # one task, for both deliveries

        assert len(receiver.requests) == 2  # the check above, and the delivery
        failed = WebhookDelivery.objects.get(subscription=bad.subscription)
        assert (failed.status, failed.attempts, failed.last_status) == ("failed", 1, 503)
        assert failed.last_error == "HTTP 503" and failed.claim is None
        assert before <= failed.next_attempt_at <= timezone.now() + dt.timedelta(
            seconds=transport.BACKOFF_BASE)
        delivered = WebhookDelivery.objects.get(subscription=good.subscription)
        assert delivered.status == "delivered"
        assert [msg_id for msg_id, _ in other.verified(good.secret)] == [f"msg_{entry.index}"]
    finally:
        other.close()


# ------------------------------------------------------------------ refused URLs


@pytest.mark.parametrize("url", [
    "ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/",
    "https://", "example.org/hook", "https://user:pass@example.org/hook",
    "https://example.org:99999/", "http://127.0.0.1/", "http://localhost:8000/",
    "http://hooks.localhost/", "http://10.1.2.3/", "http://192.168.0.1/", "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
])
def test_urls_that_are_not_public_http_are_refused(db: None, url: str) -> None:
    with pytest.raises(services.WebhookRefused):
        register(url)
    assert not WebhookSubscription.objects.exists()


METADATA_IN_IPV6 = [
    "64:ff9b::a9fe:a9fe",  # NAT64, the well-known prefix (RFC 6052)
    "64:ff9b:1::a9fe:a9fe",  # NAT64 for local use (RFC 8215)
    "2002:a9fe:a9fe::",  # 6to4 (RFC 3056)
    "2002:a9fe:a9fe:1::5",  # 6to4, a host of the site's subnet 1
    "::a9fe:a9fe",  # IPv4-compatible (RFC 4291 §2.5.5.1)
    "::ffff:0:a9fe:a9fe",  # IPv4-translated (RFC 2765)
    "::ffff:a9fe:a9fe",  # IPv4-mapped (RFC 4291 §2.5.5.2)
    # Teredo (RFC 4380): server 65.54.227.120, client 169.254.169.254 (XOR 0xffffffff)
    "2001:0:4136:e378:8000:63bf:5601:5601",
]
"""169.254.169.254, the cloud's metadata service, written in each IPv6 form that carries an
IPv4 address."""


@pytest.mark.parametrize("address", METADATA_IN_IPV6)
def test_an_ipv4_address_inside_an_ipv6_one_is_judged_or_refused(
    db: None, address: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(transport.Refused, match="loopback, private or reserved"):
        transport.check_url(f"https://[{address}]/hook")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 443, 0, 0))])
    with pytest.raises(transport.Refused, match="resolves to a private or reserved address"):
        transport.post("https://hooks.example.org/in", b"{}", {})


@pytest.mark.parametrize(("address", "public"), [
    ("64:ff9b::808:808", True),  # DNS64's answer for an IPv4-only receiver at 8.8.8.8
    ("::ffff:8.8.8.8", True),  # a dual-stack socket's spelling of it
    ("2002:808:808::1", False),  # the deprecated carriers: refused whatever they carry
    ("::808:808", False),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", False),
    ("2606:4700:4700::1111", True),  # plain global IPv6
])
def test_nat64_and_mapped_addresses_of_public_hosts_are_taken(
    db: None, address: str, public: bool,
) -> None:
    if public:
        assert transport.check_url(f"https://[{address}]/hook").hostname == address.lower()
    else:
        with pytest.raises(transport.Refused):
            transport.check_url(f"https://[{address}]/hook")


def test_a_name_that_resolves_to_a_private_address_is_refused_when_sent(
    queue: Queue, db: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    register("https://hooks.example.org/in")  # a public name, accepted as written
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))])
    acts(("a.one", "state:x", {}))
    deliver(queue)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and "private or reserved address" in delivery.last_error


@pytest.mark.parametrize(("events", "states", "problem"), [
    ([], [], "name the acts wanted"),
    (["Offer.Released"], [], "is not an event type"),
    (["offer..released"], [], "is not an event type"),
    (["offer.*"], [], "is not an event type"),
    (["*"], ["atlantis"], "no state with key 'atlantis'"),
    (["nonexistent.kind"], [], "^unknown event type 'nonexistent.kind': no public act is of "
                               "that kind; `openpeace webhooks kinds` lists the kinds$"),
    (["offer.", "offer.relased"], [], r"'offer.relased'.*\(did you mean 'offer.released'\?\)"),
    (["treatise."], [], "'treatise.': no kind of public act begins with it"),
    (["treaty"], [], r"'treaty': no public act is of that kind \(did you mean 'treaty.'\?\)"),
    (["offer.released."], [], "'offer.released.': no kind of public act begins with it"),
    (["test.act"], [], "unknown event type 'test.act'"),
])
def test_bad_event_types_and_states_are_refused(
    loaded: Any, events: list[str], states: list[str], problem: str,
) -> None:
    with pytest.raises(services.WebhookRefused, match=problem):
        services.subscription_register(url="https://hooks.example.org/", event_types=events,
                                       states=states)
    assert not WebhookSubscription.objects.exists()



HIDDEN_DESCRIPTIONS = [
    ("\u200b\u200b", "a description cannot be blank: it has no visible character, only white "
                     "space, format characters or combining marks (U+200B ZERO WIDTH SPACE)"),
    ("a newsroom\x07", "a description cannot contain the control character U+0007: tab, line "
                       "feed and carriage return are the only ones a text holds"),
    ("a\x00newsroom", "a description cannot contain a NUL character (U+0000)"),
]


@pytest.mark.parametrize(("description", "problem"), HIDDEN_DESCRIPTIONS)
def test_a_description_that_shows_nothing_or_hides_something_is_refused(
    db: None, description: str, problem: str,
) -> None:
    with pytest.raises(services.WebhookRefused) as refused:
        register("https://hooks.example.org/", description=description)
    assert (str(refused.value), refused.value.field) == (problem, "description")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("description", ["", "  ", "\u200fغرفة الأخبار", " a newsroom "])
def test_a_description_may_be_left_out_or_need_format_characters(
    db: None, description: str,
) -> None:
    registered = register("https://hooks.example.org/", description=description)
    assert registered.subscription.description == description.strip()


def test_every_kind_and_prefix_of_one_can_be_subscribed_to(db: None) -> None:
    prefixes = {kind.split(".")[0] + "." for kind in KINDS}
    assert {"offer.", "treaty.", "plebiscite.", "endorsement."} <= prefixes
    registered = register("https://hooks.example.org/", ["*", *KINDS, *prefixes])
    assert set(registered.subscription.event_types) == {"*", *KINDS, *prefixes}


# ------------------------------------------------------------------ what each subscription gets


def test_event_types_and_states_filter_the_acts(
    hooks: Queue, receiver: Receiver, loaded: Any,
) -> None:
    log_integrate()  # the situation's entry: before the subscriptions
    offers = register(receiver.url, ["offer.released", "treaty."])
    germany = register(receiver.url, ["*"], states=["germany"])
    acts(("offer.released", "state:germany", {}), ("offer.status_changed", "state:germany", {}),
         ("treaty.published", "state:france", {}), ("demand.filed", "state:russia", {}))
    deliver(hooks)
    got = {(d.subscription_id, d.entry.kind) for d in WebhookDelivery.objects.all()}
    assert got == {
        (offers.subscription.pk, "offer.released"), (offers.subscription.pk, "treaty.published"),
        (germany.subscription.pk, "offer.released"),
        (germany.subscription.pk, "offer.status_changed"),
    }
    assert len(receiver.requests) == 4


def test_a_fan_out_run_again_creates_nothing_twice(hooks: Queue, receiver: Receiver) -> None:
    start = register(receiver.url).subscription.starts_at_index
    acts(("a.one", "state:x", {}), ("a.two", "state:x", {}))
    assert services.deliveries_fan_out() == 2
    assert services.deliveries_fan_out() == 0
    outbox.OutboxCursor.objects.filter(name="webhooks").update(position=start)  # as if rolled back
    assert services.deliveries_fan_out() == 2
    assert WebhookDelivery.objects.count() == 2


def test_a_task_whose_claim_was_taken_over_sends_nothing(
    hooks: Queue, receiver: Receiver, settings: Any,
) -> None:
    registered = register(receiver.url)
    (entry,) = acts(("a.one", "state:x", {}))
    services.deliveries_fan_out()
    services.deliveries_dispatch()
    (slow,) = default_task_backend.results  # a task that waited too long in the queue
    default_task_backend.clear()
    later = timezone.now() + outbox.lease() + dt.timedelta(seconds=1)
    assert services.deliveries_dispatch(at=later) == 1  # its claim expired: claimed again
    assert slow.task.call(*slow.args) == 0  # the slow task finds its claim gone
    assert receiver.requests == []
    assert hooks.run() == [1]
    assert [msg_id for msg_id, _ in receiver.verified(registered.secret)] == [f"msg_{entry.index}"]


# ------------------------------------------------------------------ the officials, not the public


@pytest.fixture
def official(db: None, django_user_model: Any) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("official", "o@example.org",
                                                                 "pw"))
    return client


ADMIN = "/admin/publicity/"


def test_the_public_can_neither_register_webhooks_nor_see_deliveries(
    db: None, django_user_model: Any,
) -> None:
    anonymous = Client()
    citizen = Client()
    citizen.force_login(django_user_model.objects.create_user("citizen", "c@example.org", "pw"))
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("clerk", "k@example.org", "pw",
                                                            is_staff=True))
    for path in ("webhooksubscription/", "webhooksubscription/add/", "webhookdelivery/"):
        for client in (anonymous, citizen):
            response = client.get(ADMIN + path)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert staff.get(ADMIN + path).status_code == 403  # staff without the permission
    response = anonymous.post(ADMIN + "webhooksubscription/add/",
                              {"url": "https://x.example/", "event_types_text": "*"})
    assert response.status_code == 302 and not WebhookSubscription.objects.exists()


def test_an_official_registers_in_the_admin_and_sees_the_secret_once(
    official: Client, hooks: Queue, receiver: Receiver, loaded: Any,
) -> None:
    add = ADMIN + "webhooksubscription/add/"
    bad = official.post(add, {"url": "ftp://x.example/", "event_types_text": "offer."})
    assert bad.status_code == 200 and "starts with https://" in bad.content.decode()
    bad = official.post(add, {"url": "https://x.example/", "event_types_text": "Offer!"})
    assert "is not an event type" in bad.content.decode()
    bad = official.post(add, {"url": receiver.url, "event_types_text": "offer., nonexistent.kind"})
    assert bad.status_code == 200
    assert ("unknown event type &#x27;nonexistent.kind&#x27;: no public act is of that kind"
            in bad.content.decode())
    assert "treaty.text_revised" in bad.content.decode()  # the kinds, under the field
    assert not WebhookSubscription.objects.exists()

    response = official.post(add, {"url": receiver.url, "event_types_text": "offer., treaty.",
                                   "states_choice": ["germany"], "description": "a newsroom"},
                             follow=True)
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_types == ["offer.", "treaty."] and subscription.states == ["germany"]
    assert subscription.registered_by is not None
    assert subscription.secret in response.content.decode()  # shown once, here
    page = official.get(ADMIN + f"webhooksubscription/{subscription.pk}/change/").content.decode()
    assert subscription.secret not in page and "a newsroom" in page

    acts(("offer.released", "state:germany", {}))
    receiver.answers = [(500, {})]
    deliver(hooks)
    page = official.get(ADMIN + f"webhooksubscription/{subscription.pk}/change/").content.decode()
    assert "failed (will be retried)" in page and "HTTP 500" in page
    listed = official.get(ADMIN + "webhookdelivery/?status__exact=failed").content.decode()
    assert "offer.released" in listed

    official.post(ADMIN + "webhooksubscription/", {
        "action": "disable", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_reason == "disabled by official"
    assert WebhookDelivery.objects.get().status == "gave_up"
    official.post(ADMIN + "webhooksubscription/", {
        "action": "enable", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert subscription.active
    official.post(ADMIN + "webhooksubscription/", {
        "action": "retry", "_selected_action": [subscription.pk]})
    assert WebhookDelivery.objects.get().status == "pending"  # given up no more



# A NUL is left out: Django's form field refuses it before the service sees it.
@pytest.mark.parametrize(("description", "problem"), HIDDEN_DESCRIPTIONS[:2])
def test_the_admin_refuses_a_hidden_description_at_its_field(
    official: Client, loaded: Any, description: str, problem: str,
) -> None:
    response = official.post(ADMIN + "webhooksubscription/add/", {
        "url": "https://hooks.example.org/", "event_types_text": "offer.",
        "description": description})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"description": [problem]}
    assert not WebhookSubscription.objects.exists()


# ------------------------------------------------------------------ the command


def command(*args: str) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_the_command_registers_lists_disables_and_runs(
    hooks: Queue, receiver: Receiver, loaded: Any,
) -> None:
    out = command("add", receiver.url, "--events", "offer.", "--state", "germany")
    secret = out.split()[-1]
    assert secret.startswith("whsec_") and "shown once" in out
    (subscription,) = WebhookSubscription.objects.all()
    assert secret == subscription.secret and subscription.registered_by is None
    acts(("offer.released", "state:germany", {}))
    command("run")
    assert hooks.run() == [1]
    assert receiver.verified(secret)[0][1]["type"] == "offer.released"
    assert "delivered=1" in command("list")
    assert "offer.released\tdelivered" in command("deliveries", str(subscription.pk))
    assert command("deliveries", "--status", "failed") == ""
    assert "disabled" in command("disable", str(subscription.pk), "--reason", "test")
    assert "disabled (test)" in command("list")
    assert "enabled" in command("enable", str(subscription.pk))


def test_an_official_retries_the_given_up_deliveries(hooks: Queue, receiver: Receiver,
                                                     loaded: Any) -> None:
    """A receiver answered 410 (so its subscription was disabled and its open deliveries given
    up); once it works again, an official enables it and retries: every act arrives, each under
    the id it was first sent with."""
    registered = register(receiver.url)
    receiver.answers = [(410, {})]
    acts(("offer.released", "state:germany", {}), ("offer.noted", "state:germany", {}))
    deliver(hooks)
    subscription = WebhookSubscription.objects.get()
    n = WebhookDelivery.objects.count()
    assert not subscription.active and n >= 2
    assert WebhookDelivery.objects.filter(status="gave_up").count() == n
    with pytest.raises(services.WebhookRefused, match="enable it first"):
        services.deliveries_retry(subscription=subscription)
    assert "enabled" in command("enable", str(subscription.pk))
    assert f"{n} given-up deliveries" in command("retry", str(subscription.pk))
    deliver(hooks)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    ids = [msg_id for msg_id, _ in receiver.verified(registered.secret)]
    assert ids[0] in ids[1:] and len(set(ids)) == n  # the 410'd act again, under its own id


@pytest.mark.parametrize(("args", "problem"), [
    (["add", "ftp://x.example/", "--events", "*"], "starts with https://"),
    (["add", "http://127.0.0.1/", "--events", "*"], "loopback, private or reserved"),
    (["add", "https://x.example/", "--events", "Bad!"], "is not an event type"),
    (["add", "https://x.example/", "--events", "nonexistent.kind"],
     "unknown event type 'nonexistent.kind': no public act is of that kind; `openpeace "
     "webhooks kinds` lists the kinds"),
    (["add", "https://x.example/", "--events", "offer.", "treatise."],
     "unknown event type 'treatise.': no kind of public act begins with it"),
    (["add", "https://x.example/", "--events", "*", "--state", "atlantis"], "no state"),
    (["add", "https://x.example/", "--events", "*", "--official", "nobody"], "no official"),
    (["add", "https://x.example/", "--events", "*", "--description", "x" * 201], "at most 200"),
    (["add", "https://x.example/", "--events", "*", "--description", "\u2060"],
     "a description cannot be blank"),
    (["disable", "99", "--reason", "x"], "no webhook subscription 99"),
    (["disable", "{pk}", "--reason", " "], "say why"),
    (["enable", "99"], "no webhook subscription 99"),
    (["retry", "99"], "no webhook subscription 99"),
    (["deliveries", "99"], "no webhook subscription 99"),
    (["deliveries", "--limit", "0"], "at least 1"),
])
def test_bad_input_to_the_command_changes_nothing(
    loaded: Any, args: list[str], problem: str,
) -> None:
    pk = register("https://x.example/").subscription.pk
    args = [arg.replace("{pk}", str(pk)) for arg in args]
    before = list(WebhookSubscription.objects.values_list("pk", "disabled_at"))
    with pytest.raises(CommandError, match=re.escape(problem)):
        command(*args)
    assert list(WebhookSubscription.objects.values_list("pk", "disabled_at")) == before


def test_the_command_lists_the_kinds(db: None) -> None:
    listed = command("kinds").split()
    assert listed == sorted(KINDS) and "offer.released" in listed


def test_the_payload_names_content_committed_by_hash(hooks: Queue) -> None:
    (entry,) = acts(("big.act", "state:x", {"text": "x" * 70_000}))
    data = json.loads(services.payload(entry))["data"]
    assert data["content"] is None
    assert data["content_url"].endswith("/log/content/" + json.loads(bytes(entry.body))[
        "content_sha256"])
