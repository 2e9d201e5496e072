"""Officials record recognised declarations here (plebiscite results come from the count),
issue the commissions' tokens, and move the demands along, step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from openpeace.selfdetermination import services
from openpeace.selfdetermination.models import Commission, Decision, Demand, DemandStep
from openpeace.selfdetermination.services import DecisionRefused, decision_record
from openpeace.web.admin import IssuesTokens, LabelledHolderForm, RecordedThroughServices


@admin.register(Decision)
class DecisionAdmin(RecordedThroughServices):
    refusals = (DecisionRefused,)
    list_display = ["nationality", "choice", "joins", "via", "taken_on", "recognised_on", "free"]
    list_filter = ["via", "choice"]
    exclude = ["entry", "under_occupation", "choice"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True)
    def free(self, obj: Decision) -> bool:
        return obj.free

    def record(self, data: dict[str, Any]) -> Decision:
        return decision_record(
            nationality=data["nationality"], joins=data["joins"], via=data["via"],
            taken_on=data["taken_on"], recognised_on=data["recognised_on"],
            recognised_by=data["recognised_by"], source=data["source"],
            source_url=data["source_url"],
        )


class CommissionForm(LabelledHolderForm):
    """A commission as `services.commission_issue` takes it."""

    label_problem = staticmethod(services.commission_label_problem)


@admin.register(Commission)
class CommissionAdmin(IssuesTokens):
    """Officials issue a nationality's commission its token here (shown once) and revoke it."""

    form = CommissionForm
    list_display = ["label", "nationality", "email", "issued_at", "revoked_at"]
    list_filter = ["nationality"]
    fields = ["nationality", "label", "email", "issued_at", "revoked_at"]
    holder = "commission"
    acts_for = "nationality"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a commission's demands name it for good

    def issue(self, obj: Commission, request: HttpRequest) -> tuple[Commission, str]:
        issued = services.commission_issue(
            nationality=obj.nationality, label=obj.label, email=obj.email,
            issued_by=request.user if request.user.is_authenticated else None,  # always, here
        )
        return issued.commission, issued.token

    def revoke_one(self, obj: Commission) -> None:
        services.commission_revoke(commission=obj)


class StepForm(forms.Form):
    """A step of a demand, as an official takes it: what is published with it."""

    note = forms.CharField(widget=forms.Textarea, max_length=50_000, required=False,
                           help_text="published with the step, in the log")

    def __init__(self, *args: Any, demand: Demand, step: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step == "refuse":
            self.fields["note"].label = "Reasons"
            self.fields["note"].required = True
            self.fields["note"].help_text = "the reasons for the refusal, published in the log"
        if step == "satisfy":
            self.fields["decision"] = forms.ModelChoiceField(
                Decision.objects.filter(nationality=demand.nationality_id), required=False,
                help_text="a decision of the nationality that satisfies the demand")
            self.fields["log_index"] = forms.IntegerField(
                min_value=0, required=False, label="or the log index of another act",
                help_text="for any other act (a decree, an amnesty): its log entry's index")


STEPS: dict[str, tuple[str, Callable[..., Demand]]] = {
    "acknowledge": ("Acknowledge", services.demand_acknowledge),
    "begin": ("Mark in progress", services.demand_begin),
    "refuse": ("Refuse, with the reasons", services.demand_refuse),
    "satisfy": ("Satisfy, by the act that satisfies it", services.demand_satisfy),
}


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin[Demand]):
    """Demands come from commissions; officials move them along, each step through its service
    (which writes its log entry), never by editing the record."""

    list_display = ["pk", "nationality", "kind", "status", "filed_at", "commission"]
    list_filter = ["status", "kind", "nationality"]
    search_fields = ["text", "acts_asked"]
    actions = ["acknowledge", "begin"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Demand | None = None) -> list[str]:
        return [f.name for f in Demand._meta.fields]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing is edited here: every change is a step."""

    def _steps(self, request: HttpRequest, queryset: QuerySet[Demand], step: str) -> None:
        label, service = STEPS[step]
        for demand in queryset:
            try:
                service(demand=demand)
            except services.DemandRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, f"{label}: demand {demand.pk}.", messages.SUCCESS)

    @admin.action(description="Acknowledge (in the log)", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Demand]) -> None:
        self._steps(request, queryset, "acknowledge")

    @admin.action(description="Mark in progress (in the log)", permissions=["change"])
    def begin(self, request: HttpRequest, queryset: QuerySet[Demand]) -> None:
        self._steps(request, queryset, "begin")

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.step_view)
        return [*(path(f"<int:pk>/{step}/", view, {"step": step},
                       name=f"selfdetermination_demand_{step}") for step in STEPS),
                *super().get_urls()]

    def step_view(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        """A form for a step and what is published with it; the act is its service."""
        if step not in STEPS:
            raise Http404(f"no step {step!r}")
        demand = get_object_or_404(Demand, pk=pk)
        if not self.has_change_permission(request, demand):
            raise PermissionDenied
        label, service = STEPS[step]
        form = StepForm(request.POST or None, demand=demand, step=step)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            arguments: dict[str, Any] = (
                {"reasons": data["note"]} if step == "refuse" else {"note": data["note"]})
            if step == "satisfy":
                arguments.update(decision=data["decision"], log_index=data["log_index"])
            try:
                service(demand=demand, **arguments)
            except services.DemandRefused as refused:
                # the form's `note` is what the service takes as a refusal's `reasons`
                field = "note" if refused.field in ("note", "reasons") else None
                form.add_error(field, str(refused))
            else:
                self.message_user(request, f"{label}: demand {demand.pk}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:selfdetermination_demand_change", args=[demand.pk]))
        context = {**self.admin_site.each_context(request), "title": f"{label}: {demand}",
                   "form": form, "demand": demand, "opts": self.model._meta}
        return TemplateResponse(request, "admin/selfdetermination/demand_step.html", context,
                                status=400 if request.method == "POST" else 200)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any,
                           **kwargs: Any) -> HttpResponse:
        context["steps"] = [(f"admin:selfdetermination_demand_{step}", label)
                            for step, (label, _) in STEPS.items()]
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(DemandStep)
class DemandStepAdmin(admin.ModelAdmin[DemandStep]):
    """Steps are written by the services with their log entries: officials read them here."""

    list_display = ["demand", "status", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
