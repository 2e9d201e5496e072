"""The webhooks' background work, through the Django Tasks API: the database's queue by
default (`db_worker`), RQ on Redis at scale (`rqworker`, as many as needed).

`webhooks_deliver` is enqueued by `services.deliveries_dispatch` in the transaction that claims
its batch, so the task exists exactly when the claim does (on Redis it is pushed once the claim
commits; if that push is lost, the claim expires and the next dispatch claims the batch again).
It may run twice, or late: each delivery is attempted only while it is still claimed under the
task's token (`publicity.outbox`).
"""

from __future__ import annotations

from django_tasks import task

from openpeace.publicity.webhooks import services
from openpeace.publicity.webhooks.models import WebhookDelivery


@task()
def webhooks_deliver(pks: list[int], claim: str) -> int:
    """Attempt each claimed delivery once; return how many were delivered."""
    delivered = WebhookDelivery.Status.DELIVERED
    return sum(services.delivery_attempt(pk=pk, claim=claim) == delivered for pk in pks)
