"""The home page: what openpeace is, and the situation it works on at a glance."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openpeace.log import selectors as log_selectors
from openpeace.world import models as m
from openpeace.world import selectors


def home(request: HttpRequest) -> HttpResponse:
    nationalities = m.Nationality.objects
    situation = selectors.situation_record()
    return render(
        request,
        "web/home.html",
        {
            "situation": situation,
            "situation_entry": log_selectors.entry_for(
                "situation.loaded", f"situation:{situation.key}"
            )
            if situation
            else None,
            "sides": m.Side.objects.order_by("pk").prefetch_related(
                Prefetch("states", m.State.objects.order_by("entered_war", "name"))
            ),
            "counts": {
                "belligerents": m.State.objects.filter(side__isnull=False).count(),
                "nationalities": nationalities.count(),
                "colonial": nationalities.filter(standing=m.Nationality.Standing.COLONIAL).count(),
                "occupations": m.Occupation.objects.count(),
            },
        },
    )
