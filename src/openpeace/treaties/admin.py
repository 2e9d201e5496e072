"""The officials' back office for treaties: enter and correct secret ones, publish, repudiate.

Only officials (staff with the treaty permissions) reach it; publishing and repudiating go
through the services, so each writes its log entry, and a published treaty's texts are never
edited here: corrections are revisions (`openpeace treaties revise`) that keep the old text.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from openpeace.core.treaty_status import Status, TransitionRefused
from openpeace.treaties import services
from openpeace.treaties.models import Clause, Treaty, TreatyText
from openpeace.treaties.treaty_file import signed_field_problems, sources_field_problems
from openpeace.web.admin import JudgesJSON
from openpeace.world.models import State


class TreatyTextForm(forms.ModelForm[TreatyText]):
    """A secret treaty's text as `services.treaty_text_revise` takes it: what it would refuse
    is said at its field, not left to fail the save."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        given = {field: data.get(field, "") for field in ("title", "text", "source")}
        for field, problem in services.text_problems(**given).items():
            if field in data:  # else the field has its own error already
                self.add_error(field, problem)
        return data


class TreatyTextInline(admin.StackedInline[TreatyText, Treaty]):
    model = TreatyText
    form = TreatyTextForm
    extra = 0
    can_delete = False
    fields = ["language", "revision", "title", "text", "source", "sha256", "reason", "current"]
    readonly_fields = ["revision", "sha256", "reason", "current"]


class ClauseInline(admin.TabularInline[Clause, Treaty]):
    model = Clause
    extra = 0
    fields = ["position", "code", "type", "description", "territory", "from_state", "to", "kind",
              "flagged"]
    readonly_fields = ["flagged"]


class RepudiationForm(forms.Form):
    statement = forms.CharField(widget=forms.Textarea, max_length=50_000,
                                help_text="the statement that renounces the treaty, as published")
    on = forms.DateField(help_text="the date of the repudiation (YYYY-MM-DD)")
    by = forms.ModelChoiceField(State.objects.order_by("name"), help_text="the repudiating state")


@admin.register(Treaty)
class TreatyAdmin(JudgesJSON):
    list_display = ["short_name", "signed_on", "status", "published_at", "repudiated_on"]
    list_filter = ["status"]
    search_fields = ["key", "title", "short_name"]
    filter_horizontal = ["parties", "languages"]
    inlines = [TreatyTextInline, ClauseInline]
    actions = ["publish"]
    exclude = ["publication_entry", "repudiation_entry"]
    # `signed_on` is the first of its dates of signature, as an import sets it (`save_model`):
    # shown, never typed, so that the two cannot disagree.
    readonly_fields = ["signed_on", "status", "published_at", "repudiated_on", "repudiated_by",
                       "repudiation_statement"]
    # A secret treaty's sources and dates, edited as JSON, are judged as an import judges a
    # file's, and as its publication will judge its sources again.
    json_judges = {"sources": sources_field_problems,
                   "signed_dates": partial(signed_field_problems, at="signed_dates")}

    def save_model(self, request: HttpRequest, obj: Treaty, form: Any, change: bool) -> None:
        obj.signed_on = dt.date.fromisoformat(obj.signed_dates[0])  # judged: a day, oldest first
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request: HttpRequest, obj: Treaty | None = None) -> list[str]:
        """A published treaty is public record: nothing of it is edited here any more."""
        if obj is not None and obj.status != Status.SECRET:
            return [f.name for f in Treaty._meta.fields if f.name not in self.exclude] + [
                "parties", "languages"]
        return list(self.readonly_fields)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return list(self.inlines) if obj is None or obj.status == Status.SECRET else []

    def has_delete_permission(self, request: HttpRequest, obj: Treaty | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Status.SECRET)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Texts and clauses of a secret treaty go through the services, so that each text is
        hashed and searchable and each clause judged by the terms validator."""
        treaty = form.instance
        if formset.model is TreatyText:
            # Saves nothing; the admin's change message reads what the formset would have saved.
            formset.save(commit=False)
            for text_form in formset.forms:
                data = text_form.cleaned_data
                if text_form.has_changed() and data and not data.get("DELETE"):
                    services.treaty_text_revise(
                        treaty=treaty, language=data["language"], title=data["title"],
                        text=data["text"], source=data["source"], reason="",
                    )
            return
        super().save_formset(request, form, formset, change)
        if formset.model is Clause:
            services.treaty_clauses_refresh(treaty)

    @admin.action(description="Publish (irreversibly, into the log)", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Treaty]) -> None:
        for treaty in queryset:
            try:
                services.treaty_publish(treaty=treaty)
            except (TransitionRefused, ValueError) as refused:
                self.message_user(request, f"{treaty}: {refused}", messages.ERROR)
            else:
                self.message_user(request, f"Published {treaty}.", messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.repudiate_view)
        return [path("<int:pk>/repudiate/", view, name="treaties_treaty_repudiate"),
                *super().get_urls()]

    def repudiate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A form for the repudiating statement; the act itself is `treaty_repudiate`."""
        treaty = get_object_or_404(Treaty, pk=pk)
        if not self.has_change_permission(request, treaty):
            raise PermissionDenied
        form = RepudiationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.treaty_repudiate(treaty=treaty, statement=form.cleaned_data["statement"],
                                          on=form.cleaned_data["on"], by=form.cleaned_data["by"])
            except (TransitionRefused, ValueError) as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, f"Repudiated {treaty}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:treaties_treaty_change", args=[treaty.pk]))
        context = {**self.admin_site.each_context(request), "title": f"Repudiate {treaty}",
                   "form": form, "treaty": treaty, "opts": self.model._meta}
        return TemplateResponse(request, "admin/treaties/repudiate.html", context)
