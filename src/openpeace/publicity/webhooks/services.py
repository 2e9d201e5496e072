"""Writes of the webhooks: register and disable subscriptions; fan the log out into deliveries;
claim the due ones for the task queue; attempt one and record what came of it.

Who registers: officials, in the admin or with `openpeace webhooks add` on the server, never the
anonymous public. A webhook makes this server send requests to a URL of someone's choosing, a
lever for abuse (requests aimed at third parties, the server's resources spent on them) that
would need a confirmation step and rate limits to open to the public; the public already has
push-free access to every act through the Atom feeds and the API, and anyone who needs pushes
(a newsroom, a mirror, another government's system) can ask the foreign office for one.

The flow (docs/notifications.md): `deliveries_fan_out` reads the integrated log entries after
the webhooks' cursor (`publicity.outbox`) and, in one transaction, creates a delivery for each
subscription that wants each act and advances the cursor. `deliveries_dispatch` claims the due
deliveries in batches and enqueues a `webhooks_deliver` task per batch in the claim's own
transaction. The task calls `delivery_attempt` for each: one signed POST, then the outcome (or,
if the attempt breaks off with an unexpected error, `delivery_attempt_failed`: a failed attempt).

Standard Webhooks 1.0, as applied here:
- `webhook-id` is `msg_<log index>`: the same for every attempt of an act, and for every
  subscriber, so a receiver that sees it twice knows it is the same act (idempotency);
- `webhook-timestamp` is the attempt's time, `webhook-signature` is `v1,<base64 HMAC-SHA256>`
  of `id.timestamp.body` under the subscription's `whsec_` secret, made by the
  `standardwebhooks` library;
- the payload is `{type, timestamp, data}`: the entry's kind, its time, and the act's log index,
  subject and content with the links to its entry page and inclusion proof;
- a 2xx answer delivers; 410 Gone disables the subscription and stops its deliveries; any other
  answer, or none, is retried with exponential backoff and full jitter, no sooner than a
  `Retry-After` asks, until `MAX_ATTEMPTS`, then the delivery is given up.
"""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import http.client
import json
import math
import random
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from openpeace.core.text import text_problem
from openpeace.log.kinds import KINDS
from openpeace.log.models import Entry
from openpeace.log.services import canonical_json
from openpeace.publicity import outbox
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.webhooks import transport
from openpeace.publicity.webhooks.models import (
    OPEN,
    WebhookDelivery,
    WebhookSubscription,
    matches,
)
from openpeace.publicity.webhooks.selectors import subscriptions_wanting
from openpeace.refusals import Refused
from openpeace.world.models import State

CURSOR = "webhooks"
FAN_OUT_BATCH = 500
SEND_BATCH = 20
"""Deliveries per task: enough to keep a worker busy, few enough that many workers share."""
_EVENT = re.compile(r"\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.?")
_random = random.SystemRandom()


class WebhookRefused(Refused):
    """A subscription that cannot be registered as asked; the message says why. `field` names
    the input at fault, when the refusal names one, so the officials' form shows it there."""


@dataclass(frozen=True)
class Registered:
    subscription: WebhookSubscription
    secret: str
    """The signing secret, to be shown once to whoever registered the subscription."""


def _event_types(values: list[str]) -> list[str]:
    """The event types as registered: each an entry kind, a prefix ending in a dot, or `*`
    (the syntax of `WebhookSubscription.event_types`), and each matching at least one kind of
    public act (`log.kinds.KINDS`): a type that matches none is a typo whose subscription would
    never receive anything, so it is refused before anything is written."""
    found = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not found:
        raise WebhookRefused('name the acts wanted: entry kinds ("offer.released"), prefixes '
                             'ending in a dot ("treaty."), or "*" for every act')
    bad = [v for v in found if not _EVENT.fullmatch(v)]
    if bad:
        raise WebhookRefused(f"{bad[0]!r} is not an event type: an entry kind such as "
                             '"offer.released", a prefix such as "treaty.", or "*"')
    for pattern in found:
        if not any(matches(pattern, kind) for kind in KINDS):
            raise WebhookRefused(_unknown(pattern))
    return found


def _unknown(pattern: str) -> str:
    """Why `pattern` is refused: it matches no kind of public act (`log.kinds.KINDS`), so its
    subscription would never receive anything. With the nearest known kind or prefix, if one
    is near, and where to find them all."""
    prefixes = sorted({kind[:i + 1] for kind in KINDS for i, c in enumerate(kind) if c == "."})
    near = ([f"{pattern}."] if f"{pattern}." in prefixes
            else difflib.get_close_matches(pattern, [*KINDS, *prefixes], n=1, cutoff=0.75))
    problem = ("no kind of public act begins with it" if pattern.endswith(".")
               else "no public act is of that kind")
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return (f"unknown event type {pattern!r}: {problem}{hint}; `openpeace webhooks kinds` "
            "lists the kinds")


def _state_keys(values: list[str]) -> list[str]:
    keys = sorted({v.strip() for v in values if v.strip()})
    known = set(State.objects.filter(key__in=keys).values_list("key", flat=True))
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise WebhookRefused(f"no state with key {unknown[0]!r} in the register")
    return keys


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the spec asks for
    24 to 64 bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True)
class Checked:
    url: str
    event_types: list[str]
    states: list[str]
    description: str


def subscription_check(*, url: str, event_types: list[str], states: list[str] | None = None,
                       description: str = "") -> Checked:
    """The subscription as it would be registered; `WebhookRefused` naming the first problem."""
    if len(url) > 2000:
        raise WebhookRefused("a webhook URL has at most 2000 characters")
    try:
        transport.check_url(url)
    except transport.Refused as refused:
        raise WebhookRefused(str(refused)) from None
    description = description.strip()
    if len(description) > 200:
        raise WebhookRefused("a description has at most 200 characters", field="description")
    # Officials read it to tell subscriptions apart: what it shows is all it holds (`core.text`).
    if problem := text_problem(description, "a description", required=False):
        raise WebhookRefused(problem, field="description")
    return Checked(url.strip(), _event_types(event_types), _state_keys(states or []),
                   description)


@transaction.atomic
def subscription_register(*, url: str, event_types: list[str], states: list[str] | None = None,
                          description: str = "", official: Any = None,
                          at: dt.datetime | None = None) -> Registered:
    """Register a subscription to the acts integrated from now on; return it with its secret."""
    checked = subscription_check(url=url, event_types=event_types, states=states,
                                 description=description)
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        url=checked.url, event_types=checked.event_types, states=checked.states,
        description=checked.description, secret=secret,
        starts_at_index=outbox.start_index(CURSOR), registered_at=at or timezone.now(),
        registered_by=official,
    )
    return Registered(subscription, secret)


@transaction.atomic
def subscription_disable(*, subscription: WebhookSubscription, reason: str,
                         at: dt.datetime | None = None) -> int:
    """Stop a subscription: it gets no new deliveries and its open ones are given up (each says
    why). Returns how many were given up."""
    at = at or timezone.now()
    if not reason.strip():
        raise WebhookRefused("say why the subscription is disabled")
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        disabled_at=at, disabled_reason=reason.strip()[:300])
    return (WebhookDelivery.objects.filter(subscription=subscription, status__in=OPEN)
            .update(status=WebhookDelivery.Status.GAVE_UP, claim=None, claimed_until=None,
                    last_error=f"the subscription was disabled: {reason.strip()}"[:500]))


def subscription_enable(*, subscription: WebhookSubscription) -> None:
    """Resume a disabled subscription: it receives the acts fanned out from now on (those it
    missed meanwhile are in the log and its feeds)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(disabled_at=None,
                                                                  disabled_reason="")


def deliveries_retry(*, subscription: WebhookSubscription, at: dt.datetime | None = None) -> int:
    """An official gives a subscription's given-up deliveries another full round of attempts
    (once its receiver works again): each keeps its `webhook-id`, so a receiver that did get
    one before recognises it. Refused for a disabled subscription: enable it first. Returns
    how many deliveries were put back."""
    if not subscription.active:
        raise WebhookRefused(f"webhook {subscription.pk} is disabled: enable it first")
    return (WebhookDelivery.objects
            .filter(subscription=subscription, status=WebhookDelivery.Status.GAVE_UP)
            .update(status=WebhookDelivery.Status.PENDING, attempts=0,
                    next_attempt_at=at or timezone.now(), claim=None, claimed_until=None))


def deliveries_fan_out(*, batch: int = FAN_OUT_BATCH, at: dt.datetime | None = None) -> int:
    """Create the deliveries of the next `batch` integrated entries and advance the cursor, in
    one transaction (`outbox.fan_out`). Returns how many entries were read."""

    def deliver(entries: list[Entry]) -> None:
        subscriptions = list(WebhookSubscription.objects.filter(disabled_at__isnull=True))
        if not subscriptions:
            return
        now, register = at or timezone.now(), Register()
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(subscription=subscription, entry=entry, next_attempt_at=now)
             for entry in entries
             for subscription in subscriptions_wanting(entry, subscriptions, register)],
            ignore_conflicts=True,
        )

    return outbox.fan_out(CURSOR, deliver, batch=batch)


def deliveries_dispatch(*, at: dt.datetime | None = None, limit: int = 50 * SEND_BATCH) -> int:
    """Claim the due deliveries of active subscriptions, `SEND_BATCH` at a time, each batch with
    its `webhooks_deliver` task enqueued in the claim's transaction. Returns how many."""
    from openpeace.publicity.webhooks.tasks import webhooks_deliver

    now = at or timezone.now()
    due = (WebhookDelivery.objects
           .filter(status__in=OPEN, next_attempt_at__lte=now,
                   subscription__disabled_at__isnull=True)
           .filter(outbox.unclaimed(now)))
    return outbox.claim_batches(
        due, now=now, batch=SEND_BATCH, limit=limit,
        enqueue=lambda token, pks: webhooks_deliver.enqueue(pks, str(token)))


def payload(entry: Entry) -> str:
    """The body of the act's webhook: `{type, timestamp, data}` (Standard Webhooks §"Payload
    structure"), with the act as its log entry has it, in canonical JSON."""
    logged = _logged(entry)
    index = entry.index or 0
    entry_url, proof_url = outbox.entry_urls(index)
    data: dict[str, Any] = {"log_index": index, "subject": entry.subject,
                            "content": logged.get("content"), "entry_url": entry_url,
                            "proof_url": proof_url}
    if "content_sha256" in logged:  # too large to inline: the entry commits to it by hash
        data["content_url"] = outbox.site_url(reverse("log:content",
                                                      args=[logged["content_sha256"]]))
    document = {"type": entry.kind, "timestamp": entry.recorded_at.isoformat(), "data": data}
    return canonical_json(document).decode("utf-8")


def _logged(entry: Entry) -> dict[str, Any]:
    document = json.loads(bytes(entry.body))
    return document if isinstance(document, dict) else {}


def message_id(entry: Entry) -> str:
    """The act's `webhook-id`: stable across attempts and subscribers (the idempotency key)."""
    return f"msg_{entry.index}"


def signed_headers(secret: str, msg_id: str, body: str, at: dt.datetime) -> dict[str, str]:
    """The three Standard Webhooks headers, signed by the `standardwebhooks` library."""
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(math.floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
    }


@dataclass(frozen=True)
class Outcome:
    """What an attempt's answer means for the delivery."""

    status: str
    next_attempt_at: dt.datetime | None = None
    disable: bool = False


def outcome_of(attempts: int, status: int | None, retry_after: str | None, now: dt.datetime,
               rng: random.Random = _random) -> Outcome:
    """The rule for the answer to a delivery's `attempts`-th attempt (`status` None: no answer)."""
    if status is not None and 200 <= status < 300:
        return Outcome(WebhookDelivery.Status.DELIVERED)
    if status == 410:
        return Outcome(WebhookDelivery.Status.GAVE_UP, disable=True)
    if attempts >= transport.MAX_ATTEMPTS:
        return Outcome(WebhookDelivery.Status.GAVE_UP)
    delay = max(transport.retry_delay(attempts, rng),
                transport.retry_after_seconds(retry_after, now) or 0.0)
    return Outcome(WebhookDelivery.Status.FAILED, now + dt.timedelta(seconds=delay))


def delivery_attempt(*, pk: int, claim: str, at: dt.datetime | None = None) -> str | None:
    """Attempt the delivery `pk` under the claim `claim`, and record the outcome. Returns its new
    status; None if another sender holds it now (then nothing was sent)."""
    now = at or timezone.now()
    rows = WebhookDelivery.objects.filter(pk=pk, status__in=OPEN)
    taken = outbox.take(rows.select_related("subscription", "entry"), claim, now=now,
                        attempts=F("attempts") + 1, last_attempt_at=now)
    if not taken:
        return None
    delivery = taken[0]
    subscription = delivery.subscription
    if not subscription.active:
        outbox.settle(rows, claim, status=WebhookDelivery.Status.GAVE_UP,
                      last_error="the subscription is disabled")
        return WebhookDelivery.Status.GAVE_UP
    body = payload(delivery.entry)
    headers = signed_headers(subscription.secret, message_id(delivery.entry), body, now)
    status: int | None = None
    retry_after: str | None = None
    try:
        answer = transport.post(subscription.url, body.encode("utf-8"), headers)
    except (transport.Refused, OSError, http.client.HTTPException) as error:
        error_text = f"no answer: {error}" if str(error) else f"no answer: {type(error).__name__}"
    else:
        status, retry_after = answer.status, answer.retry_after
        error_text = "" if 200 <= status < 300 else _answer_text(answer)
    outcome = outcome_of(delivery.attempts, status, retry_after, timezone.now())
    with transaction.atomic():
        _settle(rows, claim, outcome, status, error_text, now)
        if outcome.disable:
            subscription_disable(subscription=subscription, reason=(
                f"the receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC"), at=now)
    return outcome.status


def delivery_attempt_failed(*, pk: int, claim: str, error: BaseException,
                            at: dt.datetime | None = None) -> str | None:
    """Record that the attempt of delivery `pk` under `claim` broke off with an unexpected
    `error` (a damaged secret or entry, a bug): a failed attempt like any other, with the error
    as its text, retried on the backoff and given up after `MAX_ATTEMPTS`, so that the officials
    see it and one bad delivery holds up neither itself until its lease expires nor the rest of
    its batch (`tasks.webhooks_deliver`). Whether its request reached the receiver is unknown: a
    retry sends it again under the same `webhook-id`, which is what that id is for (Standard
    Webhooks, "Idempotency"). Returns the new status; None if the delivery is no longer held
    under `claim` (then it is another sender's, or settled, and left as it is)."""
    now = at or timezone.now()
    rows = WebhookDelivery.objects.filter(pk=pk, status__in=OPEN)
    with transaction.atomic():
        attempts = (rows.filter(claim=claim).select_for_update()
                    .values_list("attempts", flat=True).first())
        if attempts is None:
            return None
        outcome = outcome_of(attempts, None, None, now)
        text = f"error: {type(error).__name__}" + (f": {error}" if str(error) else "")
        _settle(rows, claim, outcome, None, text, now)
    return outcome.status


def _settle(rows: QuerySet[WebhookDelivery], claim: str, outcome: Outcome, status: int | None,
            error_text: str, now: dt.datetime) -> None:
    """Record an attempt's outcome on the delivery still held under `claim`, and release it."""
    outbox.settle(
        rows, claim, status=outcome.status, last_status=status, last_error=error_text[:500],
        next_attempt_at=outcome.next_attempt_at or now,
        delivered_at=timezone.now() if outcome.status == WebhookDelivery.Status.DELIVERED
        else None,
    )


def _answer_text(answer: transport.Answer) -> str:
    said = " ".join(answer.text.split())[:300]
    if 300 <= answer.status < 400:
        return (f"HTTP {answer.status}: redirected to {answer.location or '?'}; webhooks do not "
                "follow redirects: register the final URL")
    return f"HTTP {answer.status}" + (f": {said}" if said else "")
