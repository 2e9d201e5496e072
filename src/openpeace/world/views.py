"""The register's public pages: thin views over `selectors`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

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


def occupation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "world/occupation_list.html", {"occupations": selectors.occupation_list()}
    )
