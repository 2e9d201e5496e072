"""Outbound webhooks (Standard Webhooks 1.0): who receives which acts, and each delivery's state.

A subscription names a URL, the acts it wants (entry kinds, or kind prefixes such as `offer.`),
and optionally the states they must concern (`feeds.concerns.states_concerned`, the rule of the
per-state feeds). It receives the acts integrated into the log after it was registered, each
once: a `WebhookDelivery` per (subscription, entry), held unique by the database. Its secret
(`whsec_…`, Standard Webhooks §"Signature scheme") signs every request; it is shown once to the
official who registers it and never again, but is kept, since signing needs it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openpeace.log.models import Entry
from openpeace.publicity.outbox import Claimable

ALL_EVENTS = "*"


def matches(pattern: str, kind: str) -> bool:
    """Whether an event type wants acts of `kind`: `*` all, a prefix ending in a dot
    (`treaty.`) the kinds it begins, any other the kind it names."""
    return pattern in (ALL_EVENTS, kind) or (pattern.endswith(".") and kind.startswith(pattern))


class WebhookSubscription(models.Model):
    url = models.URLField(max_length=2000, help_text="where each act is POSTed")
    event_types = models.JSONField(
        help_text='the acts wanted: entry kinds ("offer.released"), prefixes ending in a dot '
                  '("treaty."), or "*" for every act',
    )
    states = models.JSONField(
        default=list, blank=True,
        help_text="state keys: only acts concerning one of them (none: any act)",
    )
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    starts_at_index = models.BigIntegerField(
        editable=False,
        help_text="the first log index it receives: the acts after it was registered",
    )
    registered_at = models.DateTimeField(editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", editable=False,
                                      help_text="the official (none: the command line)")
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    def __str__(self) -> str:
        return f"webhook {self.pk} to {self.url}"

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def wants_kind(self, kind: str) -> bool:
        return any(matches(pattern, kind) for pattern in self.event_types)


class WebhookDelivery(Claimable):
    """One act to one subscriber, until it is delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending (not tried yet)"
        FAILED = "failed", "failed (will be retried)"
        DELIVERED = "delivered", "delivered"
        GAVE_UP = "gave_up", "gave up"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT,
                                     related_name="deliveries")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="the HTTP status of the last answer (none: no answer)")
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "entry"],
                                    name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"entry {self.entry_id} to webhook {self.subscription_id}: {self.status}"


OPEN = (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED)
"""The deliveries still to be attempted."""
