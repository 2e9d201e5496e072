"""The webhooks' background work, through the Django Tasks API: the database's queue by
default (`db_worker`), RQ on Redis at scale (`rqworker`, as many as needed).

`webhooks_deliver` is enqueued by `services.deliveries_dispatch` in the transaction that claims
its batch, so the task exists exactly when the claim does (on Redis it is pushed once the claim
commits; if that push is lost, the claim expires and the next dispatch claims the batch again).
It may run twice, or late: each delivery is attempted only while it is still claimed under the
task's token (`publicity.outbox`).
"""

from __future__ import annotations

import logging

from django_tasks import task

from openpeace.publicity.webhooks import services
from openpeace.publicity.webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)


@task()
def webhooks_deliver(pks: list[int], claim: str) -> int:
    """Attempt each claimed delivery once; return how many were delivered.

    Each delivery is attempted on its own: an unexpected error in one is logged and recorded on
    it as a failed attempt (`services.delivery_attempt_failed`), and the batch goes on. Left to
    end the task, it would leave that delivery's attempt without its error, and the rest of the
    batch, other subscribers' deliveries too, waiting for their claim to expire."""
    delivered = 0
    for pk in pks:
        try:
            status = services.delivery_attempt(pk=pk, claim=claim)
        except Exception as error:
            logger.exception("webhook delivery %s failed unexpectedly", pk)
            try:
                services.delivery_attempt_failed(pk=pk, claim=claim, error=error)
            except Exception:  # the database itself is failing: its claim will expire
                logger.exception("webhook delivery %s: the failure could not be recorded", pk)
            continue
        delivered += status == WebhookDelivery.Status.DELIVERED
    return delivered
