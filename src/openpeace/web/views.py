"""The home page: what openpeace is, and the situation it works on at a glance."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openpeace.world import models as m
from openpeace.world import selectors


def home(request: HttpRequest) -> HttpResponse:
    nationalities = m.Nationality.objects
    return render(
        request,
        "web/home.html",
        {
            "situation": selectors.situation_record(),
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
