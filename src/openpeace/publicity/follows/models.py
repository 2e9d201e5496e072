"""E-mail follows: anyone may follow an offer, a state's process or a nationality by e-mail.

A follow is confirmed from the mailbox before anything is sent to it (double opt-in), and every
mail it receives carries a one-click unsubscribe (RFC 8058). It receives the acts integrated
after its confirmation, mailed at once or in a daily digest. The person is known by a keyed
hash of the canonical form of the address (`services.person_of`), under the same mail rules as
the endorsements (`openpeace.core.contact`), so one person follows one thing once; and a person
who follows several things that one act answers (an offer, and a state it concerns) gets that
act once: a `FollowNotice` is one act for one person, held unique per (person, entry) by the
database and marked sent, so that no act is ever mailed to anyone twice. The address itself is
kept only while the follow may be mailed: stopping erases it, and the hash, all that stays,
is no address.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from openpeace.log.models import Entry
from openpeace.publicity.outbox import Claimable


class Follow(models.Model):
    class Target(models.TextChoices):
        OFFER = "offer", "an offer"
        STATE = "state", "a state's process"
        NATIONALITY = "nationality", "a nationality"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "each act as it happens"
        DAILY = "daily", "a daily digest"

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        ACTIVE = "active", "active"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"

    ref = models.UUIDField(unique=True, help_text="the follow's opaque reference; its links' "
                                                  "tokens are derived from it")
    contact = models.CharField(max_length=254)
    canonical = models.CharField(
        max_length=254, help_text="the person: a keyed hash of the canonical address "
                                  "(`services.person_of`), never the address")
    rules_version = models.CharField(max_length=40)
    target = models.CharField(max_length=12, choices=Target.choices)
    key = models.CharField(max_length=64, help_text="the offer's, state's or nationality's key")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    confirm_hash = models.CharField(max_length=64, unique=True,
                                    help_text="SHA-256 of the confirmation link's token")
    unsubscribe_hash = models.CharField(max_length=64, unique=True,
                                        help_text="SHA-256 of the unsubscribe link's token")
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    starts_at_index = models.BigIntegerField(
        null=True, blank=True, help_text="the first log index it receives (set on confirmation)")
    mails_sent = models.PositiveSmallIntegerField(
        default=0, help_text="confirmation and 'already following' mails sent")
    network = models.CharField(
        max_length=50, blank=True, default="",
        help_text="the /24 (IPv4) or /48 (IPv6) network it was submitted from, for the cap on "
                  "follows waiting per network; empty if unknown; erased when it stops")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["canonical", "target", "key"],
                                    name="follow_one_person_once"),
        ]
        indexes = [
            models.Index(fields=["target", "key", "status"]),
            models.Index(fields=["network", "submitted_at"], condition=Q(status="pending"),
                         name="follow_pending_by_network"),
        ]

    def __str__(self) -> str:
        return f"follow {self.ref} of {self.target} {self.key}"


class FollowNotice(Claimable):
    """One act for one person, mailed under one of their follows (`selectors.mailed_under`);
    `sent_at` stays empty until the mail that carries it is sent.

    `canonical` is the follow's person (a keyed hash, `services.person_of`), copied at the
    fan-out so that the database itself holds a person to one notice per act, whichever follows
    the act answers and however often the fan-out runs."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="notices")
    canonical = models.CharField(max_length=254, help_text="the person: the follow's keyed hash "
                                                           "of the canonical address")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    also = models.JSONField(default=list, blank=True,
                            help_text="the ids of the person's other follows this act answers; "
                                      "the mail names them, and it goes to one of them if "
                                      "`follow` stops before it is sent")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["canonical", "entry"],
                                    name="follow_notice_once_per_person"),
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"entry {self.entry_id} for follow {self.follow_id}"
