"""Background work of the endorsements, through the Django Tasks API: the e-mails run after
the submission commits and its checks, never in the request (research/participation.md §1.9:
the 2011 and 2019 petitions services were slowed by mail sent inline; §1.2: their mail job runs
the rate limits first), a batch per task.

`endorsement_mails` is enqueued by `services.endorsement_mails_dispatch` in the transaction
that claims its batch (`publicity.outbox`), so the task exists exactly when the claim does; the
dispatch claims only endorsements that are checked and not suspect (`models.MAIL_DUE`). It
may run twice, or late: it sends only the rows still claimed under its token, and each
endorsement is owed at most `services.MAX_MAILS` mails in all.
"""

from __future__ import annotations

from django_tasks import task

from openpeace.publicity import services


@task()
def endorsement_mails(pks: list[int], claim: str) -> int:
    """Send the claimed batch's mails; return how many were sent."""
    return services.endorsement_mails_send(pks=pks, claim=claim)
