"""Every nationality's free choice, and what stands between it and that choice.

"Every nationality without any exception, both in Europe and in the colonies, shall obtain its
freedom and the possibility to decide for itself whether it is to form a separate state or
whether it is to enter into the composition of some other state."
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openpeace.core.languages import direction_of
from openpeace.log.models import Entry
from openpeace.tokens import TokenHolder
from openpeace.world.models import Nationality, Occupation, State


class Decision(models.Model):
    """A nationality's decision: from a plebiscite, or a declaration once it is recognised.

    A decision taken while a territory of the nationality is occupied by a foreign army is
    recorded, and marked not free (`under_occupation`): the terms validator treats it as absent.
    """

    class Choice(models.TextChoices):
        SEPARATE_STATE = "separate_state", "to form a separate state"
        JOIN = "join", "to enter into the composition of another state"

    class Via(models.TextChoices):
        PLEBISCITE = "plebiscite", "plebiscite"
        DECLARATION = "declaration", "recognised declaration"

    nationality = models.ForeignKey(Nationality, on_delete=models.PROTECT,
                                    related_name="decisions")
    choice = models.CharField(max_length=16, choices=Choice.choices)
    joins = models.ForeignKey(State, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="the state it decided to join")
    via = models.CharField(max_length=16, choices=Via.choices)
    taken_on = models.DateField()
    recognised_on = models.DateField(null=True, blank=True)
    recognised_by = models.ForeignKey(State, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    source = models.TextField(help_text="where the decision is recorded")
    source_url = models.URLField(blank=True, max_length=500)
    under_occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the occupation under which it was taken: then it is not free",
    )
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["nationality", "taken_on", "pk"]
        indexes = [models.Index(fields=["nationality", "taken_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice="join", joins__isnull=False)
                | models.Q(choice="separate_state", joins__isnull=True),
                name="decision_join_names_a_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nationality}: {self.get_choice_display()} ({self.taken_on})"

    @property
    def free(self) -> bool:
        return self.under_occupation_id is None

    @property
    def destination(self) -> str:
        """What the terms validator compares clauses with: a state's key or separate_state."""
        return self.joins.key if self.joins else self.Choice.SEPARATE_STATE


class Commission(TokenHolder):
    """A nationality's representative body: files its demands, for that nationality alone, by
    token.

    Officials issue it. Only a hash of the token is kept; the token itself is shown once, when
    it is issued, and can be revoked.
    """

    nationality = models.ForeignKey(Nationality, on_delete=models.PROTECT,
                                    related_name="commissions")
    label = models.CharField(max_length=200, help_text="the body, e.g. the Ukrainian Central Rada")
    email = models.EmailField(blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"commission of the {self.nationality}: {self.label}"


class Demand(models.Model):
    """A demand of a nationality, filed by its commission: `core.demand` says how it moves.

    Each step (`DemandStep`) is a log entry; a satisfied demand names the act that satisfied
    it (a decision, or another act's log entry), a refused one its published reasons.
    """

    class Kind(models.TextChoices):
        AUTONOMY = "autonomy", "autonomy"
        LANGUAGE_RIGHTS = "language_rights", "language rights"
        LAND = "land", "land"
        RELEASE_OF_PRISONERS = "release_of_prisoners", "release of prisoners"
        SECESSION = "secession", "secession"
        RECOGNITION_OF_DECLARATION = "recognition_of_declaration", "recognition of a declaration"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        FILED = "filed", "filed"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        IN_PROGRESS = "in_progress", "in progress"
        SATISFIED = "satisfied", "satisfied"
        REFUSED = "refused", "refused"

    nationality = models.ForeignKey(Nationality, on_delete=models.PROTECT,
                                    related_name="demands")
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="demands",
                                   help_text="the body that filed it")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.TextField(help_text="the demand, as filed")
    acts_asked = models.TextField(help_text="the acts it asks for")
    language = models.CharField(
        max_length=35, default="en",
        help_text="the BCP 47 tag of the language its text and its acts asked are in")
    sources = models.JSONField(default=list, blank=True,
                               help_text="for a historical record: [{title, url}]")
    status = models.CharField(max_length=16, choices=Status.choices, default="filed")
    filed_at = models.DateTimeField()
    refusal_reasons = models.TextField(blank=True)
    satisfied_by_decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="satisfied",
    )
    satisfied_by_entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the log entry of the act that satisfied it, when that is not a decision",
    )

    class Meta:
        ordering = ["filed_at", "pk"]
        indexes = [models.Index(fields=["nationality", "status"]),
                   models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="satisfied", satisfied_by_decision__isnull=False,
                                   satisfied_by_entry__isnull=True)
                | models.Q(status="satisfied", satisfied_by_decision__isnull=True,
                           satisfied_by_entry__isnull=False)
                | (~models.Q(status="satisfied") & models.Q(
                    satisfied_by_decision__isnull=True, satisfied_by_entry__isnull=True)),
                name="demand_satisfied_names_one_act",
            ),
            models.CheckConstraint(
                condition=models.Q(status="refused") & ~models.Q(refusal_reasons="")
                | ~models.Q(status="refused") & models.Q(refusal_reasons=""),
                name="demand_refused_gives_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"demand {self.pk}: {self.kind} ({self.status})"

    @property
    def direction(self) -> str:
        """How its texts are written: `rtl` for a right-to-left script (`core.languages`)."""
        return direction_of(self.language)

    @property
    def is_open(self) -> bool:
        return self.status in {"filed", "acknowledged", "in_progress"}

    @property
    def latest_step(self) -> DemandStep | None:
        """Its latest step (from the prefetched steps, when they are)."""
        steps = list(self.steps.all())
        return steps[-1] if steps else None


class DemandStep(models.Model):
    """One step of a demand (its filing included), with its log entry."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="steps")
    status = models.CharField(max_length=16, choices=Demand.Status.choices)
    at = models.DateTimeField()
    note = models.TextField(blank=True, help_text="what was said or done; a refusal's reasons")
    sources = models.JSONField(default=list, blank=True)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["demand", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["demand", "status"],
                                               name="demand_step_once")]

    def __str__(self) -> str:
        return f"demand {self.demand_id} {self.status} at {self.at:%Y-%m-%d %H:%M}"
