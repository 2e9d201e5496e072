"""Public pages of self-determination: thin views over `selectors`."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from openpeace.core.coverage import GIVEN, Given, Standing
from openpeace.selfdetermination import selectors
from openpeace.selfdetermination.report import coverage_csv
from openpeace.world.models import State


def _table(totals: Mapping[tuple[Standing, Given], int]) -> list[tuple[str, list[int]]]:
    """Totals as rows of a table: one per standing, one count per kind of choice given."""
    return [(standing, [totals[(standing, g)] for g in GIVEN])
            for standing in ("metropolitan", "colonial")]


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    report = selectors.coverage_report()
    names = dict(State.objects.values_list("key", "name"))
    return render(request, "selfdetermination/coverage.html", {
        "report": report,
        "given": [g.replace("_", " ") for g in GIVEN],
        "totals": _table(report.totals),
        "groups": [{"group": g, "name": names.get(g.state, g.state), "totals": _table(g.totals)}
                   for g in report.groups],
    })


@require_safe
def coverage_csv_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(coverage_csv(selectors.coverage_report()),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coverage.csv"'
    return response


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    return render(request, "selfdetermination/decision_list.html",
                  {"decisions": selectors.decisions_public().order_by("-taken_on", "pk")})
