"""Reads of the webhooks: which subscriptions want an act, and the state of their deliveries
(for the officials: the admin and `openpeace webhooks deliveries`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from openpeace.log.models import Entry
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.webhooks.models import WebhookDelivery, WebhookSubscription


def subscriptions_wanting(entry: Entry, subscriptions: Iterable[WebhookSubscription],
                          register: Register) -> list[WebhookSubscription]:
    """The subscriptions that want this integrated entry: registered before it was integrated,
    of a wanted kind, and, for those that name states, concerning one of them."""
    index = entry.index or 0
    wanting = [s for s in subscriptions if s.starts_at_index <= index and s.wants_kind(entry.kind)]
    if any(s.states for s in wanting):
        states = states_concerned(entry.kind, entry.subject, content_of(entry), register)
        wanting = [s for s in wanting if not s.states or states.intersection(s.states)]
    return wanting


def delivery_counts(subscription: WebhookSubscription) -> dict[str, int]:
    """How many of its deliveries are in each status (every status named, zeros included)."""
    counts = dict.fromkeys(WebhookDelivery.Status.values, 0)
    counts.update(subscription.deliveries.values_list("status")
                  .annotate(n=Count("pk")).order_by())
    return counts


def deliveries_recent(subscription: WebhookSubscription | None = None, *, status: str = "",
                      limit: int = 50) -> QuerySet[WebhookDelivery]:
    """The latest deliveries, newest act first: of one subscription, in one status, or all."""
    deliveries = WebhookDelivery.objects.select_related("entry", "subscription")
    if subscription is not None:
        deliveries = deliveries.filter(subscription=subscription)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-entry__index", "subscription_id")[:limit]
