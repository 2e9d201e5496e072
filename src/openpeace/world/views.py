"""The register's public pages: thin views over `selectors`."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openpeace.web.http import require_safe
from openpeace.world import models as m
from openpeace.world import selectors
from openpeace.world.forms import DayForm, NationalityFilter


@require_safe
def state_list(request: HttpRequest) -> HttpResponse:
    return render(request, "world/state_list.html", {"states": selectors.state_list()})


@require_safe
def state_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        state = selectors.state_get(key)
    except m.State.DoesNotExist:
        raise Http404(f"No state with key {key!r}") from None
    return render(
        request,
        "world/state_detail.html",
        {"state": state, "belligerencies": selectors.state_belligerencies(state)},
    )


@require_safe
def nationality_list(request: HttpRequest) -> HttpResponse:
    form = NationalityFilter(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    ruler = filters.get("ruled_by")
    nationalities = selectors.nationality_list(
        standing=filters.get("standing") or None, ruled_by=ruler.key if ruler else None
    )
    return render(
        request,
        "world/nationality_list.html",
        {"form": form, "nationalities": nationalities if valid else None},  # None: no table
        status=200 if valid else 400,
    )


def _day(request: HttpRequest) -> tuple[dt.date, DayForm]:
    """The day asked for with `?on=YYYY-MM-DD` (today if absent or refused), and the form that
    asked for it: a refused day stays in it as typed, with its message."""
    form = DayForm(request.GET)
    day = form.cleaned_data["on"] if form.is_valid() else None
    return day or timezone.localdate(), form


@require_safe
def occupation_list(request: HttpRequest) -> HttpResponse:
    """Every occupation as it stood on a day (`?on=`, default today): in force or ended, and its
    evacuation plan's progress, overdue stages flagged."""
    day, form = _day(request)
    occupations = selectors.occupations_on(day)
    return render(
        request,
        "world/occupation_list.html",
        {"occupations": occupations, "day": day, "is_today": day == timezone.localdate(),
         "form": form, "overdue": sum(o.overdue > 0 for o in occupations)},
        status=400 if form.errors else 200,
    )


@require_safe
def occupation_detail(request: HttpRequest, territory: str, occupier: str) -> HttpResponse:
    """One occupation and its evacuation plan as they stood on a day (`?on=`, default today)."""
    day, form = _day(request)
    try:
        shown = selectors.occupation_on(
            day, territory__key=territory, occupier__key=occupier
        )
    except m.Occupation.DoesNotExist:
        raise Http404(f"No occupation of {territory!r} by {occupier!r}") from None
    return render(
        request,
        "world/occupation_detail.html",
        {"shown": shown, "occupation": shown.occupation, "plan": shown.plan, "day": day,
         "is_today": day == timezone.localdate(), "form": form},
        status=400 if form.errors else 200,
    )
