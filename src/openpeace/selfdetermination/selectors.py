"""Reads of the self-determination app: the register as the terms validator sees it, and the
coverage report."""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from django.db.models import QuerySet

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


def demands_public() -> QuerySet[Demand]:
    """Every demand (all are public from their filing), with what its pages and answers show."""
    return Demand.objects.select_related(
        "nationality", "commission", "satisfied_by_decision__entry",
        "satisfied_by_decision__joins", "satisfied_by_entry",
    ).prefetch_related("steps__entry")


def demands_pending() -> dict[str, list[str]]:
    """Every open demand, as the coverage report lists it (`demand 3: secession
    (acknowledged)`), under its nationality's key, oldest first: one query."""
    pending: dict[str, list[str]] = {}
    for pk, nationality, kind, status in Demand.objects.filter(
        status__in=sorted(OPEN)
    ).order_by("pk").values_list("pk", "nationality__key", "kind", "status"):
        pending.setdefault(nationality, []).append(f"demand {pk}: {kind} ({status})")
    return pending


def plebiscites_pending() -> dict[str, list[str]]:
    """Every plebiscite being held (called, not yet decided), as the coverage report lists it
    (`plebiscite finns-1917-12: voting closed, tallied`), under its nationality's key: one
    query."""
    pending: dict[str, list[str]] = {}
    for plebiscite in (Plebiscite.objects.exclude(status=Plebiscite.Status.DECIDED)
                       .select_related("nationality").order_by("pk")
                       .only("election_id", "status", "nationality__key")):
        pending.setdefault(plebiscite.nationality.key, []).append(
            f"plebiscite {plebiscite.election_id}: {plebiscite.get_status_display()}")
    return pending


def coverage_report() -> cov.Coverage:
    """The coverage of the whole register, in five queries whatever its size; what is pending
    for a nationality is its open demands and the plebiscites being held."""
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
    pending = demands_pending()
    for nationality, held in plebiscites_pending().items():
        pending.setdefault(nationality, []).extend(held)
    return cov.coverage(nationalities, decisions, pending=pending)
