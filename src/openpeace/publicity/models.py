"""The peoples' endorsements of an offer: one person once, counted per country and region.

"It is to be expected that the offer will meet with tremendous sympathy on the part of all the
peoples" (the Decree on Peace, on the offer). An endorsement is kept as an append-only row;
nothing increments a shared counter when one is made. Whatever changes what counts (a
confirmation, a suspicion, a release, an invalidation) adds a `TallyChange` in its own
transaction, and a periodic job sums the changes of a lagging window into `TallyCount` and
publishes the counts as a `TallySnapshot`, a log entry. A daily recount from the endorsements
themselves must give the same counts (research/participation.md §1.5, §1.10).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.publicity.follows import models as follows  # noqa: F401  (Django finds them)
from openpeace.publicity.outbox import Claimable
from openpeace.publicity.webhooks import models as webhooks  # noqa: F401  (Django finds them)
from openpeace.world.models import State, Territory


class EndorsementPeriod(models.Model):
    """When the peoples may endorse an offer: opened by an official, logged. After it closes,
    the endorsers' contact data are pseudonymised and only the counts remain."""

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT,
                                 related_name="endorsement_period")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"endorsements of {self.offer.key} until {self.closes_at:%Y-%m-%d}"

    def is_open(self, at: dt.datetime) -> bool:
        return self.opens_at <= at < self.closes_at


MAIL_DUE = Q(mails_due__gt=F("mails_sent"), checked_at__isnull=False, suspect="")
"""The endorsements whose mail may go now: owed one, checked, and not suspect. An unchecked
one's mail waits for its checks, so no submission over the limits is mailed before it is
judged; a suspect's stays owed, and goes if an official releases it. The partial index on it
leaves out the suspects, so a flood of them that is never released costs the mail dispatch
nothing."""


class Endorsement(Claimable):
    """One person's endorsement of one released offer.

    `canonical` is the contact under the mail rules of version `rules_version`; the database
    holds it unique per offer, so no race of two submissions can make one person count twice.
    The contact itself (`contact`, the address as typed) is used only to mail the person, and
    is pseudonymised, with the name and the network address, after the endorsement period.

    The row is its own outbox: a submission owes a check (`checked_at` empty) and the person a
    mail (`mails_due` above `mails_sent`), and the background work takes them in batches
    (`services.endorsements_check`, `endorsement_mails_dispatch`), so a submission is one insert
    and nothing else (bench/endorse.py). The mail goes only once the check is done, and not
    while the endorsement is suspect (`MAIL_DUE`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        CONFIRMED = "confirmed", "confirmed"
        INVALIDATED = "invalidated", "invalidated"

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="endorsements")
    ref = models.UUIDField(unique=True, help_text="the endorsement's public, opaque reference")
    contact = models.CharField(max_length=254)
    canonical = models.CharField(max_length=254)
    rules_version = models.CharField(max_length=40)
    name = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    suspect = models.CharField(
        max_length=300, blank=True,
        help_text="why the checks found it suspect: then it is never counted until released",
    )
    token_hash = models.CharField(max_length=64, unique=True,
                                  help_text="SHA-256 of the confirmation link's token")
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    network = models.CharField(max_length=50, blank=True,
                               help_text="the address's /24 (IPv4) or /48 (IPv6) network")
    mails_due = models.PositiveSmallIntegerField(
        default=1, help_text="mails owed so far (a confirmation, then 'already endorsed' notes)")
    mails_sent = models.PositiveSmallIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True,
                                      help_text="when the anomaly checks looked at it")
    pseudonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "canonical"],
                                    name="endorsement_one_person_once"),
        ]
        indexes = [
            models.Index(fields=["offer", "address", "submitted_at"]),
            models.Index(fields=["offer", "network", "submitted_at"]),
            models.Index(fields=["offer", "status", "confirmed_at"]),
            models.Index(fields=["id"], condition=Q(checked_at__isnull=True),
                         name="endorsement_unchecked"),
            models.Index(fields=["id"], condition=MAIL_DUE, name="endorsement_mail_due"),
        ]

    def __str__(self) -> str:
        return f"endorsement {self.ref} of {self.offer.key}"

    @property
    def counted(self) -> bool:
        return self.status == self.Status.CONFIRMED and not self.suspect


COUNTED = Q(status=Endorsement.Status.CONFIRMED, suspect="")
"""The endorsements that count."""


class TallyChange(models.Model):
    """+1 or −1 to the count of (offer, country, region), written in the transaction of the
    act that changed what counts. Insert-only: many run at once without touching one row.
    Countries and regions are named by key, as in the published counts."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=64, help_text="the state's key")
    region = models.CharField(max_length=64, blank=True, help_text="the territory's key, or ''")
    delta = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["offer", "at"])]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.country}/{self.region or '-'} at {self.at:%Y-%m-%d %H:%M}"


class TallyCount(models.Model):
    """The published count of (offer, country, region), as of the offer's last snapshot; only
    the tally job writes it."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=64, help_text="the state's key")
    region = models.CharField(max_length=64, blank=True, help_text="the territory's key, or ''")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "country", "region"],
                                    name="tally_count_once"),
        ]

    def __str__(self) -> str:
        return f"{self.country}/{self.region or '-'}: {self.count}"


class TallySnapshot(models.Model):
    """The counts of one offer, published as of `window_end`: by the periodic job (`tally`),
    or by the daily recount (`recount`), which also says whether the two agreed."""

    class Kind(models.TextChoices):
        TALLY = "tally", "periodic tally"
        RECOUNT = "recount", "full recount"

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="tally_snapshots")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    window_end = models.DateTimeField(help_text="changes before this moment are counted")
    total = models.IntegerField()
    counts = models.JSONField(help_text='{"<country key>": {"<region key or \'\'>": n}}')
    matches = models.BooleanField(null=True, help_text="a recount: did it match the tally?")
    taken_at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["offer", "window_end", "pk"]
        get_latest_by = "window_end"

    def __str__(self) -> str:
        return f"{self.kind} of {self.offer.key} to {self.window_end:%Y-%m-%d %H:%M}: {self.total}"


class Invalidation(models.Model):
    """An official's audited bulk invalidation: which endorsements matched what, and why."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField()
    reason = models.TextField()
    official = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                 related_name="+")
    count = models.IntegerField()
    at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"invalidation of {self.count} endorsements of {self.offer.key}"


class FeedConcern(models.Model):
    """One state that one act in the feeds concerns: the index the per-state feeds read.

    Derived data, filled by `feeds.selectors.concerns_index` from the log and the register
    (`feeds.concerns.states_concerned`): each entry is examined once, when the first feed
    request after its checkpoint finds it past the index's cursor, and never again. `index`
    repeats the entry's log index (fixed once integrated) because a feed is in log order, which
    is not the order of the entries' primary keys; so a state's page is one range of one index.
    """

    # Not indexed on its own: the unique constraint's index starts with it.
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="feed_concerns",
                              db_index=False)
    index = models.BigIntegerField(help_text="the entry's index in the log")
    state = models.CharField(max_length=64, help_text="the state's key")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "state"], name="feed_concern_once"),
        ]
        indexes = [models.Index(fields=["state", "index"], name="feed_concern_by_state")]

    def __str__(self) -> str:
        return f"entry {self.index} concerns {self.state}"
