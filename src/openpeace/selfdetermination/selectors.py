"""Reads of the self-determination app: the register as the terms validator sees it, and the
coverage report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, cast

from django.db.models import Prefetch, QuerySet

from openpeace.core import coverage as cov
from openpeace.core import terms
from openpeace.core.demand import OPEN
from openpeace.plebiscites.models import Plebiscite
from openpeace.selfdetermination.models import Decision, Demand
from openpeace.world import models as m


def _lives_in() -> dict[str, list[str]]:
    lives_in: dict[str, list[str]] = {}
    for nationality, territory in m.Nationality.territories.through.objects.values_list(
        "nationality__key", "territory__key"
    ):
        lives_in.setdefault(nationality, []).append(territory)
    return lives_in


def terms_register() -> terms.Register:
    """The register as the terms validator sees it: who lives where, who holds and occupies it
    (until the evacuation ends the occupation), and every nationality's recorded decisions.

    The core decides which decisions are free from the occupations: a decision taken under one
    counts as absent, exactly as `Decision.under_occupation` records it.
    """
    return terms.Register(
        territories=dict(m.Territory.objects.values_list("key", "held_by__key")),
        nationalities=_lives_in(),
        occupations=[
            terms.OccupationPeriod(territory, occupier, since, ended_on)
            for territory, occupier, since, ended_on in m.Occupation.objects.values_list(
                "territory__key", "occupier__key", "since", "ended_on"
            )
        ],
        decisions=[
            terms.Decision(  # the column's choices are the core's `Via`
                nationality, joins or terms.SEPARATE_STATE, cast(terms.Via, via), taken_on, source
            )
            for nationality, joins, via, taken_on, source in Decision.objects.values_list(
                "nationality__key", "joins__key", "via", "taken_on", "source"
            )
        ],
    )


def decisions_public() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "nationality", "joins", "recognised_by", "under_occupation__territory",
        "under_occupation__occupier", "entry",
    )


def decisions_listed() -> QuerySet[Decision]:
    """Every decision, newest first, as its page lists it: with the plebiscite it came from,
    if it did, by that relation (`Plebiscite.decision`), not read from its source's text; only
    the plebiscite's result is read, not its credentials."""
    return decisions_public().prefetch_related(
        Prefetch("plebiscite", Plebiscite.objects.only("pk", "decision", "result"))
    ).order_by("-taken_on", "pk")


def demands_public() -> QuerySet[Demand]:
    """Every demand (all are public from their filing), with what its pages and answers show."""
    return Demand.objects.select_related(
        "nationality", "commission", "satisfied_by_decision__entry",
        "satisfied_by_decision__joins", "satisfied_by_entry",
    ).prefetch_related("steps__entry")


@dataclass(frozen=True)
class Pending:
    """Something under way for a nationality: an open demand, or a plebiscite being held.

    `code` is how the coverage report's CSV, text and API list it, stable for programs
    (`demand 3: secession (acknowledged)`, `plebiscite finns-1917-12: voting closed, tallied`);
    a page says it in words, with `what`, its labels and a link to it."""

    nationality: str
    what: Literal["demand", "plebiscite"]
    pk: int
    code: str
    label: str
    """The demand's kind, or the plebiscite's nationality, in words."""
    status: str
    """Its status, in words."""


def demands_pending() -> dict[str, list[Pending]]:
    """Every open demand, under its nationality's key, oldest first: one query."""
    pending: dict[str, list[Pending]] = {}
    for demand in (Demand.objects.filter(status__in=sorted(OPEN)).order_by("pk")
                   .select_related("nationality").only("kind", "status", "nationality__key")):
        pending.setdefault(demand.nationality.key, []).append(Pending(
            demand.nationality.key, "demand", demand.pk,
            f"demand {demand.pk}: {demand.kind} ({demand.status})",
            demand.get_kind_display(), demand.get_status_display()))
    return pending


def plebiscites_pending() -> dict[str, list[Pending]]:
    """Every plebiscite being held (called, not yet decided), under its nationality's key: one
    query."""
    pending: dict[str, list[Pending]] = {}
    for plebiscite in (Plebiscite.objects.exclude(status=Plebiscite.Status.DECIDED)
                       .select_related("nationality").order_by("pk")
                       .only("election_id", "status", "nationality__key", "nationality__name")):
        nationality = plebiscite.nationality
        pending.setdefault(nationality.key, []).append(Pending(
            nationality.key, "plebiscite", plebiscite.pk,
            f"plebiscite {plebiscite.election_id}: {plebiscite.get_status_display()}",
            nationality.name, plebiscite.get_status_display()))
    return pending


def under_way() -> dict[str, list[Pending]]:
    """What is pending for each nationality: its open demands, then the plebiscites being held;
    two queries."""
    pending = demands_pending()
    for nationality, held in plebiscites_pending().items():
        pending.setdefault(nationality, []).extend(held)
    return pending


def coverage_report(pending: dict[str, list[Pending]] | None = None) -> cov.Coverage:
    """The coverage of the whole register, in five queries whatever its size; what is pending
    for a nationality is its open demands and the plebiscites being held (`under_way`, which a
    page that shows them in words reads once and passes here)."""
    rulers: defaultdict[int, list[str]] = defaultdict(list)
    for nationality_id, state in m.Nationality.ruled_by.through.objects.values_list(
        "nationality_id", "state__key"
    ).order_by("state__key"):
        rulers[nationality_id].append(state)
    nationalities = [
        cov.Nationality(key, name, standing, tuple(rulers[pk]))  # type: ignore[arg-type]
        for pk, key, name, standing in m.Nationality.objects.values_list(
            "pk", "key", "name", "standing"
        )
    ]
    decisions = [
        cov.DecisionFact(nationality, joins or Decision.Choice.SEPARATE_STATE, via, taken_on,
                         occupation is None, log_index)
        for nationality, joins, via, taken_on, occupation, log_index in
        Decision.objects.values_list(
            "nationality__key", "joins__key", "via", "taken_on", "under_occupation_id",
            "entry__index",
        )
    ]
    codes = {nationality: [p.code for p in items]
             for nationality, items in (under_way() if pending is None else pending).items()}
    return cov.coverage(nationalities, decisions, pending=codes)
