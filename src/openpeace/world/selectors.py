"""Reads from the world register: what pages, the API and exports show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db.models import Manager, Prefetch, Q, QuerySet

from openpeace.core import evacuation
from openpeace.core import situation as core
from openpeace.core.languages import Direction, is_valid_tag
from openpeace.world import models as m


def situation_record() -> m.SituationRecord | None:
    return m.SituationRecord.objects.select_related("proposing_state").first()


def language_by_tag(tag: str) -> m.Language | None:
    """The register's language whose BCP 47 tag is `tag`, in any letter case (tags are
    case-insensitive, RFC 5646 §2.1.1); None when the register has none, or `tag` is not a tag.

    A text's language comes from outside (an envoy, a commission): what is not a tag is never
    looked up, so a NUL or a stray character answers None here, not an error from the database.
    """
    return m.Language.objects.filter(tag__iexact=tag).first() if is_valid_tag(tag) else None


def state_list(*, side: str | None = None) -> QuerySet[m.State]:
    states = m.State.objects.select_related("side", "government", "endonym_language")
    return states.filter(side__key=side) if side else states


def state_get(key: str) -> m.State:
    """One state with everything its page shows; raises `State.DoesNotExist`."""
    return (
        m.State.objects.select_related("side", "government", "endonym_language")
        .prefetch_related(
            Prefetch("peoples", m.People.objects.prefetch_related("languages")),
            Prefetch(
                "ruled_nationalities",
                m.Nationality.objects.select_related("endonym_language"),
            ),
            Prefetch("occupations", m.Occupation.objects.select_related("territory")),
            Prefetch("territories", m.Territory.objects.prefetch_related("occupations__occupier")),
            "sources",
        )
        .get(key=key)
    )


def state_belligerencies(state: m.State) -> QuerySet[m.Belligerency]:
    """The wars a state is in, on either end of the pair."""
    return m.Belligerency.objects.select_related("state", "opponent").filter(
        Q(state=state) | Q(opponent=state)
    )


def nationality_list(
    *, standing: str | None = None, ruled_by: str | None = None
) -> QuerySet[m.Nationality]:
    nationalities = m.Nationality.objects.select_related("endonym_language").prefetch_related(
        "ruled_by", "languages", "territories"
    )
    if standing:
        nationalities = nationalities.filter(standing=standing)
    if ruled_by:
        nationalities = nationalities.filter(ruled_by__key=ruled_by)
    return nationalities


def occupation_list() -> QuerySet[m.Occupation]:
    return m.Occupation.objects.select_related("territory__held_by", "occupier")


def situation_export() -> core.Situation:
    """The register as a situation (the inverse of `services.situation_load`).

    Related lists come out in key order: a register does not remember the order of a file's
    lists of languages, rulers or territories, only what they contain.
    """
    record = situation_record()
    if record is None:
        raise LookupError("the register is empty: no situation has been loaded")

    def keys(related: Any) -> tuple[str, ...]:
        return tuple(sorted(x.key for x in related.all()))

    def tags(related: Manager[m.Language]) -> tuple[str, ...]:
        return tuple(sorted(x.tag for x in related.all()))

    states = m.State.objects.order_by("pk").select_related(
        "side", "government", "endonym_language"
    ).prefetch_related(
        Prefetch("peoples", m.People.objects.order_by("pk").prefetch_related("languages")),
        "sources",
    )
    return core.Situation(
        key=record.key,
        title=record.title,
        description=record.description,
        as_of=record.as_of,
        proposing_state=record.proposing_state.key,
        sources=tuple(
            core.Source(x.key, x.title, x.url or None, x.language or None)
            for x in m.Source.objects.order_by("pk")
        ),
        # `cast`: a choice of its field, whose choices are the Literal's values; mypy sees a str.
        languages=tuple(
            core.Language(x.tag, x.name, x.endonym or None, cast(Direction, x.direction))
            for x in m.Language.objects.order_by("pk")
        ),
        sides=tuple(core.Side(x.key, x.name) for x in m.Side.objects.order_by("pk")),
        states=tuple(
            core.State(
                key=x.key,
                name=x.name,
                endonym=x.endonym or None,
                endonym_language=x.endonym_language.tag if x.endonym_language else None,
                side=x.side.key if x.side else None,
                entered_war=x.entered_war,
                government=core.Government(
                    x.government.name, x.government.head or None, x.government.seat or None
                ),
                peoples=tuple(
                    core.People(p.key, p.name, tags(p.languages)) for p in x.peoples.all()
                ),
                sources=keys(x.sources),
                geometry=x.geometry,
            )
            for x in states
        ),
        territories=tuple(
            core.Territory(x.key, x.name, x.held_by.key, keys(x.sources), x.geometry)
            for x in m.Territory.objects.order_by("pk")
            .select_related("held_by")
            .prefetch_related("sources")
        ),
        nationalities=tuple(
            core.Nationality(
                key=x.key,
                name=x.name,
                endonym=x.endonym or None,
                endonym_language=x.endonym_language.tag if x.endonym_language else None,
                languages=tags(x.languages),
                standing=cast(core.Standing, x.standing),  # `cast`: as for the direction
                ruled_by=keys(x.ruled_by),
                territories=keys(x.territories),
                sources=keys(x.sources),
            )
            for x in m.Nationality.objects.order_by("pk")
            .select_related("endonym_language")
            .prefetch_related("languages", "ruled_by", "territories", "sources")
        ),
        belligerencies=tuple(
            core.Belligerency(x.state.key, x.opponent.key, x.since, keys(x.sources))
            for x in m.Belligerency.objects.order_by("pk")
            .select_related("state", "opponent")
            .prefetch_related("sources")
        ),
        occupations=tuple(
            core.Occupation(x.territory.key, x.occupier.key, x.since, keys(x.sources))
            for x in m.Occupation.objects.order_by("pk")
            .select_related("territory", "occupier")
            .prefetch_related("sources")
        ),
    )


def belligerents() -> set[str]:
    """The keys of the states at war with some state (either side of a belligerency): those the
    offer of peace is for ("all the belligerent peoples and their governments")."""
    return {key for pair in m.Belligerency.objects.values_list("state__key", "opponent__key")
            for key in pair}


def state_enemies(key: str) -> set[int]:
    """The ids of the states at war with the state whose key is `key`."""
    return {
        b.opponent_id if b.state.key == key else b.state_id
        for b in m.Belligerency.objects.select_related("state").filter(
            Q(state__key=key) | Q(opponent__key=key)
        )
    }


# ------------------------------------------------------------------ evacuation


def evacuation_calendar(plan: m.EvacuationPlan) -> evacuation.Plan:
    """A plan as the core's calendar sees it (its stages in order, its occupation's end)."""
    stages = sorted(plan.stages.all(), key=lambda s: s.number)
    return evacuation.Plan(
        plan.adopted_on,
        tuple(evacuation.Stage(s.deadline, s.completed_on) for s in stages),
        plan.occupation.ended_on,
    )


OccupationState = Literal["not_begun", "in_force", "ended"]


@dataclass(frozen=True)
class StageOnDay:
    stage: m.EvacuationStage
    status: evacuation.StageStatus


@dataclass(frozen=True)
class OccupationOnDay:
    """An occupation as it stood on `day`: in force or not, its plan and each stage's state.

    What happened after `day` (a later report, completion or end) is not shown as done: the
    stages' states are the calendar's for that day. Reports are those dated up to `day`.
    """

    occupation: m.Occupation
    day: dt.date
    state: OccupationState
    plan: m.EvacuationPlan | None
    status: evacuation.PlanStatus | None
    stages: tuple[StageOnDay, ...]
    reports: tuple[m.EvacuationReport, ...]
    end: m.OccupationEnd | None

    @property
    def overdue(self) -> int:
        return self.status.overdue if self.status else 0

    @property
    def completed(self) -> int:
        return self.status.completed if self.status else 0


def occupation_state(occupation: m.Occupation, day: dt.date) -> OccupationState:
    if day < occupation.since:
        return "not_begun"
    if occupation.ended_on is not None and occupation.ended_on <= day:
        return "ended"
    return "in_force"


def _evacuations() -> QuerySet[m.Occupation]:
    return m.Occupation.objects.select_related(
        "territory__held_by", "occupier", "evacuation_plan__entry", "end__entry"
    ).prefetch_related(
        Prefetch("evacuation_plan__stages",
                 m.EvacuationStage.objects.select_related("territory", "completion_entry")),
        Prefetch("evacuation_plan__reports",
                 m.EvacuationReport.objects.select_related("stage", "entry")),
    )


def _on_day(occupation: m.Occupation, day: dt.date) -> OccupationOnDay:
    plan = getattr(occupation, "evacuation_plan", None)
    end = getattr(occupation, "end", None)
    status: evacuation.PlanStatus | None = None
    stages: tuple[StageOnDay, ...] = ()
    reports: tuple[m.EvacuationReport, ...] = ()
    if plan is not None:
        calendar = evacuation_calendar(plan)
        status = evacuation.plan_status(calendar, day)
        ordered = sorted(plan.stages.all(), key=lambda s: s.number)
        stages = tuple(StageOnDay(s, st) for s, st in zip(ordered, status.stages, strict=True))
        reports = tuple(r for r in plan.reports.all() if r.on <= day)
    return OccupationOnDay(
        occupation=occupation, day=day, state=occupation_state(occupation, day), plan=plan,
        status=status, stages=stages, reports=reports, end=end,
    )


def occupations_on(
    day: dt.date, *, occupier: str | None = None, territory: str | None = None,
    with_plan: bool | None = None, overdue: bool | None = None,
) -> list[OccupationOnDay]:
    """Every occupation (in the register's order) as it stood on `day`, with its plan's state;
    `overdue=True` keeps those with a stage overdue that day."""
    occupations = _evacuations()
    if occupier:
        occupations = occupations.filter(occupier__key=occupier)
    if territory:
        occupations = occupations.filter(territory__key=territory)
    if with_plan is not None:
        occupations = occupations.filter(evacuation_plan__isnull=not with_plan)
    shown = [_on_day(o, day) for o in occupations]
    if overdue is not None:
        shown = [o for o in shown if (o.overdue > 0) == overdue]
    return shown


def occupation_on(day: dt.date, **lookup: object) -> OccupationOnDay:
    """One occupation (by `id`, or by `territory__key` and `occupier__key`) as it stood on
    `day`; raises `Occupation.DoesNotExist`."""
    return _on_day(_evacuations().get(**lookup), day)
