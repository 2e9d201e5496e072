"""Public pages of self-determination: thin views over `selectors`."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from openpeace.core.coverage import GIVEN, Given, Row, Standing
from openpeace.selfdetermination import selectors
from openpeace.selfdetermination.forms import DemandFileForm, DemandFilterForm
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.report import coverage_csv
from openpeace.selfdetermination.services import DemandRefused, demand_file
from openpeace.web.http import require_http_methods, require_safe
from openpeace.world.models import Nationality, State

GIVEN_WORDS: dict[Given, Promise] = {
    "decided": gettext_lazy("decided freely"),
    "decided_not_free": gettext_lazy("decided under occupation only"),
    "not_given": gettext_lazy("not given"),
}
"""The report's values (`core.coverage.GIVEN`, kept as they are in its CSV and API) in words."""


def _table(totals: Mapping[tuple[Standing, Given], int]) -> list[tuple[str, list[int]]]:
    """Totals as rows of a table: one per standing, one count per kind of choice given."""
    standings = dict(Nationality.Standing.choices)
    return [(standings[standing], [totals[(standing, g)] for g in GIVEN])
            for standing in ("metropolitan", "colonial")]


def _row(row: Row, states: Mapping[str, str],
         pending: Mapping[str, list[selectors.Pending]]) -> dict[str, object]:
    """A nationality's row as a person reads it: names and labels where the report (made for
    its CSV and API) keeps keys and codes."""
    decision = row.decision
    return {
        "row": row,
        "standing": dict(Nationality.Standing.choices)[row.nationality.standing],
        "given": GIVEN_WORDS[row.given],
        "joins": states.get(decision.choice, decision.choice)
        if decision and decision.choice != Decision.Choice.SEPARATE_STATE else None,
        "via": dict(Decision.Via.choices).get(decision.via, decision.via) if decision else "",
        "pending": pending.get(row.nationality.key, []),
    }


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    pending = selectors.under_way()
    report = selectors.coverage_report(pending)
    names = dict(State.objects.values_list("key", "name"))
    return render(request, "selfdetermination/coverage.html", {
        "report": report,
        "given": [GIVEN_WORDS[g] for g in GIVEN],
        "totals": _table(report.totals),
        "groups": [{"group": g, "name": names.get(g.state, g.state), "totals": _table(g.totals),
                    "rows": [_row(row, names, pending) for row in g.rows]}
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
                  {"decisions": selectors.decisions_listed()})


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


@never_cache  # the form takes the commission's token
@require_http_methods(["GET", "HEAD", "POST"])
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
                # At the input the service names, when the form has it (a revoked commission
                # names none): there the field's own message, linked from it, is announced.
                form.add_error(refused.field if refused.field in form.fields else None,
                               str(refused))
            else:
                url = reverse("selfdetermination:nationality-demands", args=[nationality.key])
                return redirect(f"{url}#demand-{filed.pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "selfdetermination/demand_file.html",
                  {"nationality": nationality, "form": form}, status=status)
