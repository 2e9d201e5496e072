"""Every nationality's free choice, and what stands between it and that choice.

"Every nationality without any exception, both in Europe and in the colonies, shall obtain its
freedom and the possibility to decide for itself whether it is to form a separate state or
whether it is to enter into the composition of some other state."
"""

from __future__ import annotations

from django.db import models

from openpeace.log.models import Entry
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
