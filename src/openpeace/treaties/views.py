"""Public pages of the treaties: thin views over `selectors` and `search` (public treaties only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openpeace.core.search_query import QueryError
from openpeace.core.terms_document import SEPARATE
from openpeace.diplomacy.terms import ClauseFacts, findings_shown
from openpeace.log.selectors import entry_for
from openpeace.treaties import export, selectors
from openpeace.treaties.forms import SearchForm, TreatyFilterForm
from openpeace.treaties.models import Treaty
from openpeace.treaties.search import treaty_search
from openpeace.web.http import require_safe
from openpeace.world.models import State


@require_safe
def treaty_list(request: HttpRequest) -> HttpResponse:
    form = TreatyFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "treaties/treaty_list.html", {"form": form}, status=400)
    treaties = selectors.treaty_list_public(form.filters())
    return render(request, "treaties/treaty_list.html", {"form": form, "treaties": treaties})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    hits, status = [], 200
    if not form.is_valid():
        status = 400
    elif form.cleaned_data["q"]:
        try:
            hits = treaty_search(form.cleaned_data["q"], form.filters(), limit=50)
        except QueryError as refused:  # said at the box, which is marked invalid
            form.add_error("q", str(refused))
            status = 400
    return render(request, "treaties/search.html", {"form": form, "hits": hits}, status=status)


@require_safe
def treaty_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        treaty = selectors.treaty_get_public(key)
    except Treaty.DoesNotExist:
        raise Http404(f"No published treaty with key {key!r}") from None
    texts = list(treaty.texts.all())
    clauses = list(treaty.clauses.all())
    facts = {c.code: ClauseFacts(c.territory.key, c.to, c.terms_kind)
             for c in clauses if c.territory is not None}
    said = findings_shown([(c.findings, facts) for c in clauses])
    states = dict(State.objects.filter(key__in={c.to for c in clauses}).values_list("key", "name"))
    return render(request, "treaties/treaty_detail.html", {
        "treaty": treaty,
        "texts": [t for t in texts if t.current],
        "earlier": [t for t in texts if not t.current],
        "clauses": [{"clause": c, "to": "" if c.to == SEPARATE else states.get(c.to, c.to),
                     "findings": findings}
                    for c, findings in zip(clauses, said, strict=True)],
        "findings_changed": entry_for("treaty.findings_changed", f"treaty:{treaty.key}"),
    })


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(export.export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="treaties.csv"'
    return response


@require_safe
def export_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(export.export_json(), json_dumps_params={"ensure_ascii": False})
