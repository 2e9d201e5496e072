"""The follows' background work, through the Django Tasks API (the database's queue by default,
RQ on Redis at scale): the opt-in mail, enqueued with the submission; and the sends, enqueued
by `services.notices_dispatch` in the transaction that claims their notices.

Each may run twice, or late: the opt-in mail counts what it sent and stops at `MAX_MAILS`; a
send mails only notices still claimed under its token and not yet sent (`publicity.outbox`).
"""

from __future__ import annotations

from django_tasks import task

from openpeace.publicity.follows import services


@task()
def follow_mail(ref: str) -> bool:
    """The confirmation link, or a note that the person already follows."""
    return services.follow_mail_send(ref=ref)


@task()
def follows_send(pks: list[int], claim: str) -> int:
    """Mail each claimed notice of an immediate follow; return how many were mailed."""
    return sum(services.notice_send(pk=pk, claim=claim) for pk in pks)


@task()
def follows_send_digest(follow: int, claim: str, day: str) -> bool:
    """Mail a daily follow's digest of `day` (ISO date)."""
    return services.digest_send(follow=follow, claim=claim, day=day)
