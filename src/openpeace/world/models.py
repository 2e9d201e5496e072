"""The world register: whom a peace offer addresses, and who lives where under whom.

Every row comes from a situation file (the 1917 default, or a user's own) and keeps the keys of
that file, so that an export reproduces the file and every fact keeps its sources.
"""

from __future__ import annotations

from django.db import models


class Source(models.Model):
    """Where a fact comes from (a book, an archive, a web page)."""

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    language = models.CharField(
        max_length=35, blank=True,
        help_text="the BCP 47 tag of the language its title is in, when not English",
    )

    def __str__(self) -> str:
        return self.title


class Sourced(models.Model):
    """A fact of the register: it says where it comes from."""

    sources = models.ManyToManyField(Source, related_name="+")

    class Meta:
        abstract = True


class Language(models.Model):
    """A language as a BCP 47 tag, with the direction of its script (`rtl` for Ottoman Turkish)."""

    class Direction(models.TextChoices):
        LTR = "ltr", "left to right"
        RTL = "rtl", "right to left"

    tag = models.CharField(max_length=35, unique=True)
    name = models.CharField(max_length=300)
    endonym = models.CharField(max_length=300, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)

    class Meta:
        ordering = ["tag"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tag})"


class Side(models.Model):
    """A coalition in the war (the Allies, the Central Powers)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.name


class State(Sourced):
    """A state: the addressee of a note (through its government) and a proclamation (its people),
    and optionally where it lies (GeoJSON, usually the point of its capital) for the maps."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    endonym = models.CharField(max_length=300, blank=True)
    endonym_language = models.ForeignKey(
        Language, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    side = models.ForeignKey(
        Side, null=True, blank=True, on_delete=models.PROTECT, related_name="states"
    )
    entered_war = models.DateField(null=True, blank=True)
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Government(models.Model):
    """The government of a state: who receives the diplomatic note."""

    state = models.OneToOneField(State, on_delete=models.CASCADE, related_name="government")
    name = models.CharField(max_length=300)
    head = models.CharField(max_length=300, blank=True)
    seat = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class People(models.Model):
    """The people of a state: who receives the proclamation, in each of its languages."""

    key = models.SlugField(max_length=64, unique=True)
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="peoples")
    name = models.CharField(max_length=300)
    languages = models.ManyToManyField(Language, related_name="peoples")

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "peoples"

    def __str__(self) -> str:
        return self.name


class Territory(Sourced):
    """A piece of land, the state that holds it by right, and optionally its shape (GeoJSON)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    held_by = models.ForeignKey(State, on_delete=models.PROTECT, related_name="territories")
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "territories"

    def __str__(self) -> str:
        return self.name


class Nationality(Sourced):
    """A nationality, metropolitan or colonial: who must be free to decide its own future."""

    class Standing(models.TextChoices):
        METROPOLITAN = "metropolitan", "metropolitan"
        COLONIAL = "colonial", "colonial"

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    endonym = models.CharField(max_length=300, blank=True)
    endonym_language = models.ForeignKey(
        Language, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    languages = models.ManyToManyField(Language, related_name="nationalities")
    standing = models.CharField(max_length=12, choices=Standing.choices)
    ruled_by = models.ManyToManyField(State, related_name="ruled_nationalities")
    territories = models.ManyToManyField(Territory, related_name="nationalities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "nationalities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(standing__in=["metropolitan", "colonial"]),
                name="nationality_standing_known",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Belligerency(Sourced):
    """A state of war between two states since a date (each on its own side)."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+")
    opponent = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+")
    since = models.DateField()

    class Meta:
        ordering = ["since", "pk"]
        verbose_name_plural = "belligerencies"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=models.F("opponent")),
                name="belligerency_not_with_itself",
            ),
            models.UniqueConstraint(fields=["state", "opponent"], name="belligerency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.state} – {self.opponent} (since {self.since})"


class Occupation(Sourced):
    """A territory held by a foreign army since a date; a vote there is not free.

    `ended_on` is the day the army was gone: set when the evacuation plan completes (or by a
    recorded act); from that day a nationality living there can decide freely again.
    """

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="occupations")
    occupier = models.ForeignKey(State, on_delete=models.CASCADE, related_name="occupations")
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "occupier"], name="occupation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.territory} occupied by {self.occupier} since {self.since}"


# ------------------------------------------------------------------ evacuation
# "...undertaking to evacuate that country as well as the Turkish lands occupied by us". Every
# row below is a public act, written once through `world.evacuation` with its log entry.


class EvacuationPlan(models.Model):
    """The plan to evacuate one occupation (one plan per occupation), adopted by an act.

    Its stages say which units leave which part of the territory by when; its progress reports
    say what happened. Completing the last stage completes the plan and ends the occupation.
    """

    occupation = models.OneToOneField(
        Occupation, on_delete=models.PROTECT, related_name="evacuation_plan"
    )
    title = models.CharField(max_length=300)
    act = models.CharField(max_length=500, help_text="the act that adopts the plan")
    adopted_on = models.DateField()
    provisions = models.TextField(
        blank=True, help_text="what else the act provides beside the stages (guarantees, bodies)"
    )
    note = models.TextField(
        blank=True, help_text="openpeace's note: what is not in the act (chosen deadlines...)"
    )
    sources = models.JSONField(default=list, help_text="[{title, url}], at least one")
    entry = models.OneToOneField(
        "transparency.Entry", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["adopted_on", "pk"]

    def __str__(self) -> str:
        return self.title


class EvacuationStage(models.Model):
    """One stage: the units that leave (a part of) the occupied territory by a deadline."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.PROTECT, related_name="stages")
    number = models.PositiveSmallIntegerField(help_text="1, 2, ... in the plan's order")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(
        max_length=300, blank=True, help_text="the part of the territory, in words"
    )
    units = models.TextField(help_text="the units that leave")
    deadline = models.DateField(help_text="the last day to complete the stage")
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    completion_source = models.CharField(max_length=500, blank=True)
    completion_source_url = models.URLField(max_length=500, blank=True)
    completion_entry = models.OneToOneField(
        "transparency.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="evacuation_stage_once"),
        ]

    def __str__(self) -> str:
        return f"stage {self.number} of {self.plan}"


class EvacuationReport(models.Model):
    """A progress report on a plan (or on one of its stages), dated within the plan."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.PROTECT, related_name="reports")
    stage = models.ForeignKey(
        EvacuationStage, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    on = models.DateField()
    text = models.TextField()
    source = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    entry = models.OneToOneField(
        "transparency.Entry", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"report of {self.on} on {self.plan}"


class OccupationEnd(models.Model):
    """How and when an occupation ended: its plan completed, or a recorded act.

    `on` is the day the army was gone; the occupation's `ended_on` is set to it in the same act.
    """

    class By(models.TextChoices):
        EVACUATION = "evacuation", "its evacuation plan was completed"
        ACT = "act", "a recorded act"

    occupation = models.OneToOneField(Occupation, on_delete=models.PROTECT, related_name="end")
    on = models.DateField()
    by = models.CharField(max_length=10, choices=By.choices)
    act = models.TextField(help_text="what ended it")
    source = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    entry = models.OneToOneField(
        "transparency.Entry", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(by__in=["evacuation", "act"]), name="occupation_end_by_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation.territory} free of {self.occupation.occupier} from {self.on}"


class SituationRecord(models.Model):
    """Which situation the register was loaded from, and when (there is one per register)."""

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    as_of = models.DateField()
    proposing_state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
