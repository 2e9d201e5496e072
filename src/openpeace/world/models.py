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
    """A state: the addressee of a note (through its government) and a proclamation (its people)."""

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
