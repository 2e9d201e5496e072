"""Public pages of self-determination: thin views over `selectors`."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from openpeace.core.coverage import GIVEN, Given, Standing
from openpeace.selfdetermination import selectors
from openpeace.selfdetermination.forms import DemandFileForm, DemandFilterForm
from openpeace.selfdetermination.report import coverage_csv
from openpeace.selfdetermination.services import DemandRefused, demand_file
from openpeace.world.models import Nationality, State


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


@require_safe
def demand_list(request: HttpRequest) -> HttpResponse:
    """Every demand of every nationality, newest first, filtered without JavaScript."""
    form = DemandFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "selfdetermination/demand_list.html", {"form": form}, status=400)
    demands = selectors.demands_public().filter(**form.filters()).order_by("-filed_at", "-pk")
    return render(request, "selfdetermination/demand_list.html",
                  {"form": form, "demands": demands})


def _nationality_or_404(key: str) -> Nationality:
    try:
        return Nationality.objects.get(key=key)
    except Nationality.DoesNotExist:
        raise Http404(f"No nationality with key {key!r}") from None


@require_safe
def nationality_demands(request: HttpRequest, key: str) -> HttpResponse:
    """A nationality's demands, each with every step and its log entry."""
    nationality = _nationality_or_404(key)
    return render(request, "selfdetermination/nationality_demands.html", {
        "nationality": nationality,
        "demands": selectors.demands_public().filter(nationality=nationality),
    })


@require_http_methods(["GET", "POST"])
def demand_file_page(request: HttpRequest, key: str) -> HttpResponse:
    """A commission files a demand for its own nationality, without JavaScript."""
    nationality = _nationality_or_404(key)
    form = DemandFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commission = form.cleaned_data["token"]
        if commission.nationality_id != nationality.pk:
            form.add_error("token", f"This commission files demands for the "
                                    f"{commission.nationality.name}, not for the "
                                    f"{nationality.name}.")
        else:
            try:
                filed = demand_file(
                    commission=commission, nationality=nationality,
                    kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
                    acts_asked=form.cleaned_data["acts_asked"],
                    language=form.cleaned_data["language"],
                )
            except DemandRefused as refused:
                form.add_error(None, str(refused))
            else:
                url = reverse("selfdetermination:nationality-demands", args=[nationality.key])
                return redirect(f"{url}#demand-{filed.pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "selfdetermination/demand_file.html",
                  {"nationality": nationality, "form": form}, status=status)
