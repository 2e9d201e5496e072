"""The offer of peace and what it is made of.

"The Soviet Government must straight away offer to all the belligerent peoples (i.e.,
simultaneously both to their governments and to the worker and peasant masses) to conclude an
immediate general peace on democratic terms": one offer, addressed to states; for each, a
*note* to its government and a *proclamation* to its people in each of that people's
languages; all released in one instant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpeace.log.models import Entry
from openpeace.tokens import TokenHolder
from openpeace.world.models import Language, People, State


class Offer(models.Model):
    """An offer of peace: drafted by officials, then released once, irreversibly."""

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    proposing_state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    addressees = models.ManyToManyField(State, related_name="offers_received")
    terms = models.JSONField(default=dict, blank=True, help_text="structured terms (JSON)")
    sources = models.JSONField(
        default=list, blank=True,
        help_text='where the offer comes from, published with it: [{"key", "title", "url", '
                  '"language"}], url and language optional (docs/offer-format.md)')
    reply_deadline = models.DateTimeField()
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    class Status(models.TextChoices):
        OPEN = "open", "open: awaiting replies"
        TRUCE = "truce", "truce"
        NEGOTIATIONS = "negotiations", "negotiations"
        PEACE = "peace", "peace"
        DEFENCE = "defence", "defence: not one belligerent accepts even a truce"

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.OPEN,
        help_text="the overall status, as last logged",
    )

    def __str__(self) -> str:
        return self.title

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def awaits_replies(self) -> bool:
        """Whether its reply deadline is still ahead: its pages say replies "are awaited" until
        then, and "were due" after."""
        return timezone.now() < self.reply_deadline


class Note(models.Model):
    """The diplomatic note to one addressee's government, in one language."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="notes")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "state", "language"], name="note_once")
        ]

    def __str__(self) -> str:
        return f"note to {self.state} ({self.language.tag})"


class Proclamation(models.Model):
    """The proclamation to one people, in one of its languages: authored, never machine-made."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="proclamations")
    people = models.ForeignKey(People, on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "people", "language"], name="proclamation_once"
            )
        ]

    def __str__(self) -> str:
        return f"proclamation to {self.people} ({self.language.tag})"


class Envoy(TokenHolder):
    """A belligerent government's envoy: replies for that government alone, by token.

    Only a hash of the token is kept; the token itself is shown once, when an official issues
    it, and can be revoked.
    """

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="envoys")
    label = models.CharField(max_length=200, help_text="who holds the token")
    email = models.EmailField(blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"envoy of {self.state}: {self.label}"


class BelligerentProcess(models.Model):
    """Where the offer stands with one addressed state (a stage of `core.process`)."""

    class Stage(models.TextChoices):
        OFFERED = "offered", "offered, awaiting a reply"
        SILENT = "silent", "silent: no reply by the deadline"
        REJECTED = "rejected", "rejected"
        COUNTER_PROPOSED = "counter_proposed", "counter-proposed"
        NEGOTIATING = "negotiating", "negotiating"
        ARMISTICE_ACCEPTED = "armistice_accepted", "armistice accepted"
        ARMISTICE_IN_FORCE = "armistice_in_force", "armistice in force"
        ARMISTICE_ENDED = "armistice_ended", "armistice ended: no truce any more"
        PEACE_CONCLUDED = "peace_concluded", "peace concluded"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="processes")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=32, choices=Stage.choices)
    since = models.DateTimeField()

    class Meta:
        ordering = ["state__name"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "state"], name="one_process_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.stage}"


class Reply(models.Model):
    """A government's reply to the offer, recorded through its envoy, and logged.

    Its text is the reply as sent, in the language the government chose to send it in: its
    own, or another (French, the diplomatic language of 1917), so the envoy names it.
    """

    class Kind(models.TextChoices):
        ACCEPTS_ARMISTICE = "accepts_armistice", "accepts an armistice"
        ACCEPTS_NEGOTIATIONS = "accepts_negotiations", "accepts negotiations"
        COUNTER_PROPOSAL = "counter_proposal", "makes a counter-proposal"
        REJECTS = "rejects", "rejects the offer"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="replies")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    envoy = models.ForeignKey(Envoy, on_delete=models.PROTECT, related_name="replies")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.TextField()
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+",
        help_text="the language the reply is sent in, any of the register's: every page, feed "
                  "and export marks its text with it")
    terms = models.JSONField(null=True, blank=True, help_text="a counter-proposal's terms")
    findings = models.JSONField(
        default=list, blank=True, help_text="the terms validator's findings on those terms"
    )
    replied_at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["replied_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.state} {self.get_kind_display()}"


class Armistice(models.Model):
    """An armistice agreement: "an immediate armistice (even if only for three months)"."""

    class Unit(models.TextChoices):
        DAYS = "days", "days"
        MONTHS = "months", "months"

    class Renewal(models.TextChoices):
        NONE = "none", "ends with its term"
        RENEWED_FOR = "renewed_for", "renewed for a further term unless denounced in time"
        CONTINUED = "continued_until_denounced", "continues until denounced, with notice"

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="armistices")
    parties = models.ManyToManyField(State, related_name="armistices")
    signed_on = models.DateField()
    effective_on = models.DateField()
    term_count = models.PositiveIntegerField()
    term_unit = models.CharField(max_length=6, choices=Unit.choices)
    renewal = models.CharField(max_length=32, choices=Renewal.choices, default=Renewal.NONE)
    renewal_count = models.PositiveIntegerField(null=True, blank=True)
    renewal_unit = models.CharField(max_length=6, choices=Unit.choices, blank=True)
    notice_days = models.PositiveIntegerField(null=True, blank=True)
    demarcation = models.TextField(blank=True, help_text="the demarcation line, in words")
    demarcation_geometry = models.JSONField(
        null=True, blank=True,
        help_text="GeoJSON: the line (LineString or MultiLineString) or the zone (Polygon or "
        "MultiPolygon), in longitude and latitude (WGS 84)",
    )
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"armistice of {self.signed_on}"


class Denunciation(models.Model):
    armistice = models.ForeignKey(Armistice, on_delete=models.PROTECT, related_name="denunciations")
    party = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"denounced by {self.party} on {self.on}"


class Breach(models.Model):
    """A breach of an armistice, as reported: it is published, not judged."""

    armistice = models.ForeignKey(Armistice, on_delete=models.PROTECT, related_name="breaches")
    reported_by = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    description = models.TextField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"breach reported by {self.reported_by} on {self.on}"


class NegotiationSession(models.Model):
    """A session of the peace negotiations, with its published record."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="sessions")
    place = models.CharField(max_length=200)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    delegations = models.JSONField(
        default=list, help_text='[{"state": key, "members": ["name", ...]}, ...]'
    )
    record = models.TextField(help_text="the published record of the session")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["opened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.place}, {self.opened_on}"


class Notice(models.Model):
    """A notice of release e-mailed to one envoy: recorded so that a retry never sends it again."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="notices")
    envoy = models.ForeignKey(Envoy, on_delete=models.CASCADE, related_name="notices")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "envoy"], name="one_notice_per_envoy")
        ]

    def __str__(self) -> str:
        return f"notice of {self.offer} to {self.envoy}"
