"""The register of treaties: the secret ones first, published and repudiated in public.

"It must publish and repudiate the secret treaties by which we have been bound up to the present
time." A treaty is entered secret (officials only); publication logs its full texts; repudiation
logs the statement that renounces it. A published text is never edited: a correction is a new,
logged revision, and the old one stays visible.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from openpeace.core.treaty_status import Status
from openpeace.log.models import Entry
from openpeace.world.models import Language, Nationality, State, Territory


class Treaty(models.Model):
    class Statuses(models.TextChoices):
        SECRET = Status.SECRET.value, "secret"
        PUBLISHED = Status.PUBLISHED.value, "published"
        REPUDIATED = Status.REPUDIATED.value, "repudiated"

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=500)
    short_name = models.CharField(max_length=120)
    signed_on = models.DateField(help_text="the first date it was signed (or its notes exchanged)")
    signed_dates = models.JSONField(default=list, help_text="every date of signature, ISO")
    place = models.CharField(max_length=500)
    parties = models.ManyToManyField(State, related_name="treaties")
    languages = models.ManyToManyField(
        Language, related_name="+", help_text="the languages it was concluded in"
    )
    sources = models.JSONField(default=list, help_text="[{title, url}] where its text comes from")
    status = models.CharField(max_length=16, choices=Statuses.choices, default=Statuses.SECRET)
    published_at = models.DateTimeField(null=True, blank=True)
    publication_entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repudiated_on = models.DateField(null=True, blank=True)
    repudiated_by = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repudiation_statement = models.TextField(blank=True)
    repudiation_entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["signed_on", "key"]
        verbose_name_plural = "treaties"
        indexes = [models.Index(fields=["status", "signed_on"])]

    def __str__(self) -> str:
        return self.short_name

    @property
    def signing_days(self) -> list[dt.date]:
        """Every date of signature as a date, for pages to say it as a date is said."""
        return [dt.date.fromisoformat(day) for day in self.signed_dates]


class TreatyText(models.Model):
    """One revision of the treaty's text in one language. Revision 1 is the text as entered;
    after publication each correction adds the next revision with its reason and log entry."""

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="texts")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=500)
    text = models.TextField()
    source = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    reason = models.TextField(blank=True, help_text="why this revision corrects the last one")
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the log entry that published this revision",
    )
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["language__tag", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "language", "revision"], name="treaty_text_revision_once"
            ),
            models.UniqueConstraint(
                fields=["treaty", "language"], condition=models.Q(current=True),
                name="treaty_text_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treaty} ({self.language.tag}, revision {self.revision})"


class Clause(models.Model):
    """A coded clause. Territorial transfers and spheres of influence are judged by the terms
    validator; its findings are kept here, so pages, the API, search filters and exports agree."""

    class Types(models.TextChoices):
        TERRITORIAL_TRANSFER = "territorial_transfer", "territorial transfer"
        SPHERE_OF_INFLUENCE = "sphere_of_influence", "sphere of influence"
        MILITARY = "military", "military"
        FINANCIAL = "financial", "financial or economic"
        SECRECY = "secrecy", "secrecy"
        OTHER = "other", "other"

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=64, help_text="the clause's id within its treaty")
    type = models.CharField(max_length=32, choices=Types.choices)
    description = models.TextField()
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to = models.CharField(
        max_length=64, blank=True, help_text="a state's key, or separate_state"
    )
    kind = models.CharField(max_length=32, blank=True, help_text="the terms validator's kind")
    nationalities = models.ManyToManyField(Nationality, related_name="+", blank=True)
    findings = models.JSONField(default=list, help_text="the terms validator's findings")
    flagged = models.BooleanField(default=False, help_text="a promise of annexation")

    class Meta:
        ordering = ["treaty", "position"]
        constraints = [
            models.UniqueConstraint(fields=["treaty", "code"], name="clause_code_once")
        ]
        indexes = [models.Index(fields=["type", "flagged"])]

    def __str__(self) -> str:
        return f"{self.treaty} {self.code}"

    @property
    def terms_kind(self) -> str:
        """What the terms validator judges it as (`core.terms.TerritorialClause.kind`): a
        sphere of influence by its type, whatever its kind says; else its kind, a transfer
        when none is coded."""
        if self.type == self.Types.SPHERE_OF_INFLUENCE:
            return "sphere_of_influence"
        return self.kind or "transfer"


class SearchDocument(models.Model):
    """What full-text search reads: a treaty text's current revision, or a clause description.

    The database indexes these rows itself (an FTS5 table kept by triggers on SQLite, a
    tsvector column kept by a trigger on PostgreSQL; see the migrations), so a row written in
    an act's transaction is searchable exactly when the act commits.
    """

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="+")
    text = models.OneToOneField(
        TreatyText, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    clause = models.OneToOneField(
        Clause, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=35)
    config = models.CharField(max_length=32, help_text="PostgreSQL text search configuration")
    title = models.TextField()
    body = models.TextField()

    def __str__(self) -> str:
        return f"{self.treaty}: {self.title}"
