"""The world register's JSON API: list (paginated, filterable) and detail for every object."""


from typing import Any, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from openpeace.api_types import IsoDate, Text
from openpeace.pagination import Page
from openpeace.world import models as m
from openpeace.world import schemas as s
from openpeace.world import selectors

router = Router(tags=["world"])
T = TypeVar("T", bound=Model)


def listed(item: type[Schema]) -> dict[int, Any]:
    """The answers of a list operation: a page of items, or 422 for a bad parameter."""
    # ignore: `list[item]` is a type built at run time (for ninja), which mypy cannot check.
    return {200: list[item], 422: s.InvalidOut}  # type: ignore[valid-type]


def filtered(item: type[Schema]) -> dict[int, Any]:
    """The answers of a list operation filtered by ids: also 404 for an unknown one (`known`)."""
    return {**listed(item), 404: s.ErrorOut}


def detailed(item: type[Schema] | Any) -> dict[int, Any]:
    """The answers of a detail operation: the item (its schema, or `Any` for a raw JSON body),
    404 for an unknown id, 422 for a bad one."""
    return {200: item, 404: s.ErrorOut, 422: s.InvalidOut}


def written(answers: dict[int, Any]) -> dict[int, Any]:
    """The answers of a write: also 413 for a body larger than it takes, and 415 for a body
    that is not JSON, both refused before it runs (`web.http.RefuseBodiesTooLarge`,
    `web.http.refuse_bodies_not_json`)."""
    return {**answers, 413: s.ErrorOut, 415: s.ErrorOut}


def known(*filters: tuple[str, str | None, QuerySet[Any], str]) -> None:
    """404 naming each filter (parameter, value, the rows it names, the field it names them by)
    that names an unknown id, as every unknown id is answered: it would otherwise answer an
    empty page, as if nothing matched it, where a typo ought to be said."""
    unknown = [f"{parameter}: no {rows.model._meta.verbose_name} with {field} {value!r}"
               for parameter, value, rows, field in filters
               if value and not rows.filter(**{field: value}).exists()]
    if unknown:
        raise HttpError(404, "; ".join(unknown))


def found(queryset: QuerySet[T], what: str, **lookup: object) -> T:
    """The one object matching `lookup`, or a 404 whose JSON body names what was not found."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:  # the base of `queryset.model.DoesNotExist`, unknown to mypy here
        (field, value), *_ = lookup.items()
        raise HttpError(404, f"no {what} with {field.split('__')[0]} {value!r}") from None


def _states() -> QuerySet[m.State]:
    return selectors.state_list().prefetch_related(
        Prefetch("peoples", m.People.objects.select_related("state").prefetch_related("languages")),
        "sources",
        "government__state",
    )


def _territories() -> QuerySet[m.Territory]:
    return m.Territory.objects.select_related("held_by").prefetch_related(
        "occupations__occupier", "sources"
    )


def _nationalities() -> QuerySet[m.Nationality]:
    return selectors.nationality_list().prefetch_related("sources")


def _belligerencies() -> QuerySet[m.Belligerency]:
    return m.Belligerency.objects.select_related("state", "opponent").prefetch_related("sources")


def _occupations() -> QuerySet[m.Occupation]:
    return selectors.occupation_list().prefetch_related("sources")


@router.get("/situation", response=detailed(s.SituationOut))
def situation_get(request: HttpRequest) -> m.SituationRecord:
    record = selectors.situation_record()
    if record is None:
        raise HttpError(404, "the register is empty: no situation has been loaded")
    return record


@router.get("/sources", response=listed(s.SourceOut))
@paginate(Page)
def source_list(request: HttpRequest) -> QuerySet[m.Source]:
    return m.Source.objects.order_by("key")


@router.get("/sources/{key}", response=detailed(s.SourceOut))
def source_get(request: HttpRequest, key: Text) -> m.Source:
    return found(m.Source.objects.all(), "source", key=key)


@router.get("/languages", response=listed(s.LanguageOut))
@paginate(Page)
def language_list(
    request: HttpRequest, direction: Literal["ltr", "rtl"] | None = None
) -> QuerySet[m.Language]:
    languages = m.Language.objects.all()
    return languages.filter(direction=direction) if direction else languages


@router.get("/languages/{tag}", response=detailed(s.LanguageOut))
def language_get(request: HttpRequest, tag: Text) -> m.Language:
    return found(m.Language.objects.all(), "language", tag=tag)


@router.get("/sides", response=listed(s.SideOut))
@paginate(Page)
def side_list(request: HttpRequest) -> QuerySet[m.Side]:
    return m.Side.objects.order_by("key")


@router.get("/sides/{key}", response=detailed(s.SideOut))
def side_get(request: HttpRequest, key: Text) -> m.Side:
    return found(m.Side.objects.all(), "side", key=key)


class StateFilter(Schema):
    side: Text | None = None
    at_war_with: Text | None = None


@router.get("/states", response=filtered(s.StateOut))
@paginate(Page)
def state_list(request: HttpRequest, filters: Query[StateFilter]) -> QuerySet[m.State]:
    known(("side", filters.side, m.Side.objects.all(), "key"),
          ("at_war_with", filters.at_war_with, m.State.objects.all(), "key"))
    states = _states()
    if filters.side:
        states = states.filter(side__key=filters.side)
    if filters.at_war_with:
        states = states.filter(pk__in=selectors.state_enemies(filters.at_war_with))
    return states


@router.get("/states/{key}", response=detailed(s.StateOut))
def state_get(request: HttpRequest, key: Text) -> m.State:
    return found(_states(), "state", key=key)


@router.get("/governments", response=listed(s.GovernmentOut))
@paginate(Page)
def government_list(request: HttpRequest) -> QuerySet[m.Government]:
    return m.Government.objects.select_related("state").order_by("state__name")


@router.get("/governments/{state}", response=detailed(s.GovernmentOut))
def government_get(request: HttpRequest, state: Text) -> m.Government:
    return found(m.Government.objects.select_related("state"), "government", state__key=state)


@router.get("/peoples", response=filtered(s.PeopleOut))
@paginate(Page)
def people_list(
    request: HttpRequest, state: Text | None = None, language: Text | None = None
) -> QuerySet[m.People]:
    known(("state", state, m.State.objects.all(), "key"),
          ("language", language, m.Language.objects.all(), "tag"))
    peoples = m.People.objects.select_related("state").prefetch_related("languages")
    if state:
        peoples = peoples.filter(state__key=state)
    if language:
        peoples = peoples.filter(languages__tag=language)
    return peoples


@router.get("/peoples/{key}", response=detailed(s.PeopleOut))
def people_get(request: HttpRequest, key: Text) -> m.People:
    peoples = m.People.objects.select_related("state").prefetch_related("languages")
    return found(peoples, "people", key=key)


class NationalityFilter(Schema):
    standing: Literal["metropolitan", "colonial"] | None = None
    ruled_by: Text | None = None
    language: Text | None = None


@router.get("/nationalities", response=filtered(s.NationalityOut))
@paginate(Page)
def nationality_list(
    request: HttpRequest, filters: Query[NationalityFilter]
) -> QuerySet[m.Nationality]:
    known(("ruled_by", filters.ruled_by, m.State.objects.all(), "key"),
          ("language", filters.language, m.Language.objects.all(), "tag"))
    nationalities = _nationalities()
    if filters.standing:
        nationalities = nationalities.filter(standing=filters.standing)
    if filters.ruled_by:
        nationalities = nationalities.filter(ruled_by__key=filters.ruled_by)
    if filters.language:
        nationalities = nationalities.filter(languages__tag=filters.language)
    return nationalities.distinct()


@router.get("/nationalities/{key}", response=detailed(s.NationalityOut))
def nationality_get(request: HttpRequest, key: Text) -> m.Nationality:
    return found(_nationalities(), "nationality", key=key)


@router.get("/territories", response=filtered(s.TerritoryOut))
@paginate(Page)
def territory_list(
    request: HttpRequest, held_by: Text | None = None, occupied: bool | None = None
) -> QuerySet[m.Territory]:
    known(("held_by", held_by, m.State.objects.all(), "key"))
    territories = _territories()
    if held_by:
        territories = territories.filter(held_by__key=held_by)
    if occupied is not None:
        territories = territories.filter(occupations__isnull=not occupied)
    return territories.distinct()


@router.get("/territories/{key}", response=detailed(s.TerritoryOut))
def territory_get(request: HttpRequest, key: Text) -> m.Territory:
    return found(_territories(), "territory", key=key)


@router.get("/belligerencies", response=listed(s.BelligerencyOut))
@paginate(Page)
def belligerency_list(
    request: HttpRequest, state: Text | None = None
) -> QuerySet[m.Belligerency]:
    belligerencies = _belligerencies()
    return belligerencies.filter(Q(state__key=state) | Q(opponent__key=state)) if state else (
        belligerencies
    )


@router.get("/belligerencies/{belligerency_id}", response=detailed(s.BelligerencyOut))
def belligerency_get(request: HttpRequest, belligerency_id: int) -> m.Belligerency:
    return found(_belligerencies(), "belligerency", id=belligerency_id)


@router.get("/occupations", response=listed(s.OccupationOut))
@paginate(Page)
def occupation_list(
    request: HttpRequest, occupier: Text | None = None, territory: Text | None = None
) -> QuerySet[m.Occupation]:
    occupations = _occupations()
    if occupier:
        occupations = occupations.filter(occupier__key=occupier)
    if territory:
        occupations = occupations.filter(territory__key=territory)
    return occupations


@router.get("/occupations/{occupation_id}", response=detailed(s.OccupationOut))
def occupation_get(request: HttpRequest, occupation_id: int) -> m.Occupation:
    return found(_occupations(), "occupation", id=occupation_id)


# ------------------------------------------------------------------ evacuation


def _log(entry: Any) -> dict[str, Any] | None:
    if entry is None:
        return None
    if entry.index is None:
        return {"index": None, "entry": None, "proof": None}
    return {"index": entry.index, "entry": reverse("log:entry", args=[entry.index]),
            "proof": reverse("log:entry-proof", args=[entry.index])}


def _stage(item: selectors.StageOnDay) -> dict[str, Any]:
    stage, status = item.stage, item.status
    done = status.state in ("completed", "completed_late")
    return {
        "number": stage.number, "territory": stage.territory.key, "area": stage.area,
        "units": stage.units, "deadline": stage.deadline, "state": status.state,
        "days": status.days, "overdue": status.overdue,
        "completed_on": stage.completed_on if done else None,
        "completion_note": stage.completion_note if done else "",
        "completion_source": stage.completion_source if done else "",
        "completion_source_url": stage.completion_source_url if done else "",
        "log": _log(stage.completion_entry) if done else None,
    }


def _evacuation(shown: selectors.OccupationOnDay) -> dict[str, Any]:
    """The answer for one occupation on a day (`s.EvacuationOut`)."""
    occupation, plan, status = shown.occupation, shown.plan, shown.status
    end = shown.end if shown.state == "ended" else None
    return {
        "occupation": occupation.pk, "territory": occupation.territory.key,
        "occupier": occupation.occupier.key, "since": occupation.since, "on": shown.day,
        "state": shown.state,
        "end": None if end is None else {
            "on": end.on, "by": end.by, "act": end.act, "source": end.source,
            "source_url": end.source_url, "log": _log(end.entry),
        },
        "plan": None if plan is None or status is None else {
            "title": plan.title, "act": plan.act, "adopted_on": plan.adopted_on,
            "provisions": plan.provisions, "note": plan.note, "sources": plan.sources,
            "state": status.state, "stages_completed": status.completed,
            "stages_overdue": status.overdue,
            "stages": [_stage(item) for item in shown.stages],
            "reports": [
                {"on": r.on, "stage": r.stage.number if r.stage else None, "text": r.text,
                 "source": r.source, "source_url": r.source_url, "log": _log(r.entry)}
                for r in shown.reports
            ],
            "log": _log(plan.entry),
        },
    }


class EvacuationDay(Schema):
    on: IsoDate | None = Field(None, description="the day to answer for (default today)")


class EvacuationFilter(EvacuationDay):
    occupier: Text | None = Field(None, description="the occupying state's key")
    territory: Text | None = Field(None, description="the territory's key")
    plan: bool | None = Field(None, description="only occupations with (or without) a plan")
    overdue: bool | None = Field(None, description="only those with (or without) a stage "
                                                   "overdue on the day")


@router.get("/evacuations", response=listed(s.EvacuationOut))
@paginate(Page)
def evacuation_list(request: HttpRequest, filters: Query[EvacuationFilter]) -> list[Any]:
    """Every occupation as it stood on a day, with its evacuation plan's progress: overdue
    stages flagged (`?on=YYYY-MM-DD` asks what was overdue on that day)."""
    return [
        _evacuation(shown) for shown in selectors.occupations_on(
            filters.on or timezone.localdate(), occupier=filters.occupier,
            territory=filters.territory, with_plan=filters.plan, overdue=filters.overdue,
        )
    ]


@router.get("/occupations/{occupation_id}/evacuation", response=detailed(s.EvacuationOut))
def evacuation_get(
    request: HttpRequest, occupation_id: int, params: Query[EvacuationDay]
) -> dict[str, Any]:
    """One occupation and its evacuation plan as they stood on a day."""
    try:
        shown = selectors.occupation_on(params.on or timezone.localdate(), id=occupation_id)
    except m.Occupation.DoesNotExist:
        raise HttpError(404, f"no occupation with id {occupation_id!r}") from None
    return _evacuation(shown)
