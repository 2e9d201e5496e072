"""Background work of the diplomacy app, through the Django Tasks API.

`notify_envoys` is enqueued in the release's own transaction, so the notice exists if and only
if the release does (on Redis, it is pushed once the release commits; a crash in between loses
it, and enqueuing it again is the remedy: see `openpeace.task_backends`). It can be retried at
will: each (offer, envoy) notice is recorded when sent and never sent again. A crash between
sending one message and recording it can send that one message twice; its Message-ID is fixed
by the offer and the envoy, so a mail client shows it once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from openpeace.diplomacy.models import Envoy, Notice, Offer


@task()
def notify_envoys(offer_key: str) -> int:
    """E-mail every active envoy of every addressed government; return how many were sent."""
    offer = Offer.objects.get(key=offer_key, released_at__isnull=False)
    envoys = Envoy.objects.filter(
        state__in=offer.addressees.all(), revoked_at__isnull=True
    ).exclude(email="").exclude(notices__offer=offer).select_related("state")
    sent = 0
    for envoy in envoys:
        EmailMessage(
            subject=f"[openpeace] {offer.title}",
            body=(
                f"The government of {offer.proposing_state.name} has released an offer of "
                f"peace addressed to the government of {envoy.state.name}.\n\n"
                f"Read the note and reply by {offer.reply_deadline:%Y-%m-%d %H:%M %Z}: "
                f"/offers/{offer.key}/replies/{envoy.state.key}/\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[envoy.email],
            headers={"Message-ID": f"<{offer.key}.{envoy.pk}@openpeace>"},
        ).send()
        try:
            with transaction.atomic():
                Notice.objects.create(offer=offer, envoy=envoy, sent_at=timezone.now())
        except IntegrityError:
            continue  # a concurrent run recorded it first
        sent += 1
    return sent
