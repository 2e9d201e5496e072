"""The register's public pages: thin views over `selectors`."""

from __future__ import annotations

import datetime as dt
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openpeace.world import models as m
from openpeace.world import selectors
from openpeace.world.forms import NationalityFilter


def state_list(request: HttpRequest) -> HttpResponse:
    return render(request, "world/state_list.html", {"states": selectors.state_list()})


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
        {"form": form, "nationalities": nationalities if valid else []},
        status=200 if valid else 400,
    )


def _day(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The day asked for with `?on=YYYY-MM-DD` (today if absent), or today and what is wrong."""
    today = timezone.localdate()
    asked = request.GET.get("on", "").strip()
    if not asked:
        return today, None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", asked):
            raise ValueError(asked)
        return dt.date.fromisoformat(asked), None
    except ValueError:
        shown = asked if len(asked) <= 40 else asked[:40] + "…"
        return today, _("%(asked)s is not a date: give it as YYYY-MM-DD.") % {"asked": shown}


@require_safe
def occupation_list(request: HttpRequest) -> HttpResponse:
    """Every occupation as it stood on a day (`?on=`, default today): in force or ended, and its
    evacuation plan's progress, overdue stages flagged."""
    day, error = _day(request)
    occupations = selectors.occupations_on(day)
    return render(
        request,
        "world/occupation_list.html",
        {"occupations": occupations, "day": day, "is_today": day == timezone.localdate(),
         "error": error, "overdue": sum(o.overdue > 0 for o in occupations)},
        status=400 if error else 200,
    )


@require_safe
def occupation_detail(request: HttpRequest, territory: str, occupier: str) -> HttpResponse:
    """One occupation and its evacuation plan as they stood on a day (`?on=`, default today)."""
    day, error = _day(request)
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
         "is_today": day == timezone.localdate(), "error": error},
        status=400 if error else 200,
    )
