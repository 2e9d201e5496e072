"""Background work of the endorsements, through the Django Tasks API: the e-mails and the
checks run after the submission commits, never in the request (research/participation.md
§1.9: the 2011 and 2019 petitions services were slowed by mail sent inline).

Both tasks may run twice (a retried job): the mail counts what it sent and stops at
`MAX_MAILS` per endorsement; the checks can only mark an endorsement suspect once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.urls import reverse
from django_tasks import task

from openpeace.publicity import selectors, services
from openpeace.publicity.models import Endorsement


@task()
def endorsement_mail(ref: str) -> bool:
    """Mail the confirmation link, or, once confirmed, a note that the person has already
    endorsed; returns whether a mail was sent."""
    endorsement = Endorsement.objects.select_related("offer").get(ref=ref)
    if endorsement.mails_sent >= services.MAX_MAILS or not endorsement.contact:
        return False
    offer = endorsement.offer
    if endorsement.status == Endorsement.Status.PENDING:
        link = settings.OPENPEACE_SITE_URL + reverse(
            "publicity:endorsement-confirm",
            args=[services.confirmation_token(endorsement.ref)])
        subject = f"Confirm your endorsement: {offer.title}"
        body = (f"You asked to endorse “{offer.title}”.\n\nTo confirm, open this link and "
                f"press the button:\n{link}\n\nIf you did not ask, ignore this e-mail: "
                "nothing is counted without the confirmation.\n")
    else:
        subject = f"You have already endorsed: {offer.title}"
        body = (f"Someone, perhaps you, asked to endorse “{offer.title}” with this address. "
                "You have already endorsed it, and you count once.\n")
    Endorsement.objects.filter(pk=endorsement.pk).update(mails_sent=F("mails_sent") + 1)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[endorsement.contact]).send()
    return True


@task()
def endorsement_check(ref: str) -> str:
    """The anomaly checks of one submission; returns the reason it is suspect, or ''."""
    endorsement = Endorsement.objects.select_related("offer").get(ref=ref)
    reason = selectors.endorsement_anomaly(endorsement)
    if reason:
        services.endorsement_suspect(endorsement=endorsement, reason=reason)
    return reason
