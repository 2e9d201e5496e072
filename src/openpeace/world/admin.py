"""The officials' back office for the register."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from openpeace.core.situation import geometry_problems
from openpeace.web.admin import Judge, JudgesJSON, ReadOnly, RecordedThroughServices
from openpeace.world import evacuation, services
from openpeace.world import models as m
from openpeace.world.evacuation import EvacuationRefused, StageDraft

FieldGroups = list[str | list[str] | tuple[str, ...]]
"""What `get_fields` returns: names of fields, or groups of names shown on one line (as the
stubs have it; a `list[str]` is not one, lists being invariant)."""


class RegisterAdmin(JudgesJSON):
    """A row of the published register. An official may correct it (or add one), and each
    correction is a public act, logged with the row as it now is
    (`world.services.register_correct`); no row is deleted, which would withdraw what was
    published."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        inlines = [formset for formset in formsets if formset.has_changed()]
        if change and not form.has_changed() and not inlines:
            return  # saved as it was: nothing to state
        row = form.instance
        services.register_correct(
            row=row, added=not change, official=request.user.get_username(),
            changed=[*form.changed_data, *(formset.prefix for formset in inlines)],
            rows={formset.prefix: list(formset.model._default_manager.filter(
                **{formset.fk.name: row})) for formset in inlines},
        )


@admin.register(m.Source)
class SourceAdmin(RegisterAdmin):
    list_display = ["key", "title", "url"]
    search_fields = ["key", "title"]


@admin.register(m.Language)
class LanguageAdmin(RegisterAdmin):
    list_display = ["tag", "name", "endonym", "direction"]
    list_filter = ["direction"]
    search_fields = ["tag", "name"]


@admin.register(m.Side)
class SideAdmin(RegisterAdmin):
    list_display = ["key", "name"]


class GovernmentInline(admin.StackedInline[m.Government, m.State]):
    model = m.Government


class PeopleInline(admin.TabularInline[m.People, m.State]):
    model = m.People
    extra = 0
    filter_horizontal = ["languages"]


PLACED: dict[str, Judge] = {"geometry": geometry_problems}
"""A state's or a territory's geometry is held to the situation format's rules
(`core.situation.geometry_problems`), or the maps that draw it would fail."""


@admin.register(m.State)
class StateAdmin(RegisterAdmin):
    json_judges = PLACED
    list_display = ["name", "key", "side", "entered_war"]
    list_filter = ["side"]
    search_fields = ["name", "key", "endonym"]
    inlines = [GovernmentInline, PeopleInline]
    filter_horizontal = ["sources"]


@admin.register(m.Territory)
class TerritoryAdmin(RegisterAdmin):
    json_judges = PLACED
    list_display = ["name", "key", "held_by"]
    list_filter = ["held_by"]
    search_fields = ["name", "key"]
    filter_horizontal = ["sources"]


@admin.register(m.Nationality)
class NationalityAdmin(RegisterAdmin):
    list_display = ["name", "key", "standing"]
    list_filter = ["standing", "ruled_by"]
    search_fields = ["name", "key", "endonym"]
    filter_horizontal = ["languages", "ruled_by", "territories", "sources"]


@admin.register(m.Belligerency)
class BelligerencyAdmin(RegisterAdmin):
    list_display = ["state", "opponent", "since"]
    list_filter = ["state", "opponent"]
    filter_horizontal = ["sources"]


@admin.register(m.Occupation)
class OccupationAdmin(RegisterAdmin):
    list_display = ["territory", "occupier", "since", "ended_on"]
    list_filter = ["occupier"]
    filter_horizontal = ["sources"]
    # An occupation ends only through its evacuation plan or a recorded act (Occupation ends).
    readonly_fields = ["ended_on"]


@admin.register(m.SituationRecord)
class SituationRecordAdmin(ReadOnly):
    """The record of a load, itself a logged act: read, never edited."""

    list_display = ["title", "key", "as_of", "loaded_at"]


# ------------------------------------------------------------------ evacuation
# Officials adopt a plan with its stages, report progress, complete stages and end occupations
# by recorded acts: each through its service in `world.evacuation`, with its log entry. Nothing
# recorded is edited or deleted afterwards.


class _TriedOnly(Exception):
    """Rolls back an act that was only tried, to validate a form."""


def _tried(act: Callable[[], object]) -> None:
    """Try `act` in a savepoint that is always rolled back; a refusal is a validation error."""
    try:
        with transaction.atomic():
            act()
            raise _TriedOnly
    except _TriedOnly:
        pass
    except EvacuationRefused as refused:
        raise ValidationError([str(p.message) for p in refused.problems]) from None


class _ReadOnly:
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PlanForm(forms.ModelForm[m.EvacuationPlan]):
    """The plan itself, judged by the rules of its adoption (`evacuation.plan_problems`) that
    concern it alone, each problem at its field here; its stages' formset then tries the whole
    adoption, for what concerns the stages."""

    source = forms.CharField(max_length=500, help_text="the source of the plan (its title)")
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    # The plan's own places in `plan_problems` (its one source is `sources[0]`), as fields here.
    PLACES = {"occupation": "occupation", "title": "title", "act": "act",
              "adopted_on": "adopted_on", "provisions": "provisions", "note": "note",
              "sources[0].title": "source", "sources[0].url": "source_url"}

    class Meta:
        model = m.EvacuationPlan
        fields = ["occupation", "title", "act", "adopted_on", "provisions", "note"]

    def sources(self) -> list[dict[str, str]]:
        """The plan's one source, as `plan_adopt` takes its sources."""
        source = {"title": self.cleaned_data["source"]}
        if self.cleaned_data.get("source_url"):
            source["url"] = self.cleaned_data["source_url"]
        return [source]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for problem in evacuation.plan_problems(
            occupation=data["occupation"], title=data["title"], act=data["act"],
            adopted_on=data["adopted_on"], stages=[], sources=self.sources(),
            provisions=data["provisions"], note=data["note"],
            recorded_on=timezone.localdate(),
        ):
            if (field := self.PLACES.get(problem.path)) is not None:
                self.add_error(field, problem.message)
        return data


class StageFormSet(forms.BaseInlineFormSet[m.EvacuationStage, m.EvacuationPlan]):
    """The plan's stages; the whole plan is tried through `plan_adopt` here, so that every
    refusal (a stage elsewhere, a deadline before the adoption...) is shown on the form."""

    def drafts(self) -> list[StageDraft]:
        return [
            StageDraft(territory=f.cleaned_data["territory"].key, units=f.cleaned_data["units"],
                       deadline=f.cleaned_data["deadline"], area=f.cleaned_data.get("area", ""))
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        plan = self.instance
        if any(self.errors) or not getattr(plan, "adoptable", False):
            return  # the plan's own form has errors: they are shown there
        _tried(lambda: evacuation.plan_adopt(
            occupation=plan.occupation, title=plan.title, act=plan.act,
            adopted_on=plan.adopted_on, stages=self.drafts(), sources=plan.sources,
            provisions=plan.provisions, note=plan.note,
        ))


class StageInline(admin.TabularInline[m.EvacuationStage, m.EvacuationPlan]):
    model = m.EvacuationStage
    formset = StageFormSet
    fields = ("territory", "area", "units", "deadline")
    extra = 1
    min_num = 1
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.fields, "completed_on"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> FieldGroups:
        return [*self.fields, "completed_on"] if obj is not None else list(self.fields)

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 0 if obj is not None else 1


class ReportInline(_ReadOnly, admin.TabularInline[m.EvacuationReport, m.EvacuationPlan]):
    model = m.EvacuationReport
    fields = ("on", "stage", "text", "source")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.EvacuationPlan)
class EvacuationPlanAdmin(admin.ModelAdmin[m.EvacuationPlan]):
    """Adopt a plan with its stages (one act, one log entry); an adopted plan is read only."""

    form = PlanForm
    inlines = [StageInline, ReportInline]
    list_display = ["title", "occupation", "adopted_on"]
    list_filter = ["occupation__occupier"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [StageInline] if obj is None else [StageInline, ReportInline]

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        plan = form.save(commit=False)
        plan.sources = form.sources()
        plan.adoptable = True  # its form is valid: the stages' formset tries the adoption
        return plan

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing is saved here: `save_related` adopts the plan with its stages."""

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any,
                                 add: bool = False) -> list[dict[str, Any]]:
        return [{"added": {}}]  # the formsets are not saved: the service wrote the stages

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        stages = next(f for f in formsets if isinstance(f, StageFormSet))
        plan = stages.instance
        form.instance = evacuation.plan_adopt(
            occupation=plan.occupation, title=plan.title, act=plan.act,
            adopted_on=plan.adopted_on, stages=stages.drafts(), sources=plan.sources,
            provisions=plan.provisions, note=plan.note,
        )


@admin.register(m.EvacuationReport)
class EvacuationReportAdmin(RecordedThroughServices):
    """Report progress on a plan (or one of its stages)."""

    refusals = (EvacuationRefused,)
    list_display = ["plan", "on", "stage"]
    list_filter = ["plan"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def record(self, data: dict[str, Any]) -> m.EvacuationReport:
        return evacuation.report_record(
            plan=data["plan"], stage=data["stage"], on=data["on"], text=data["text"],
            source=data["source"], source_url=data["source_url"],
        )


class CompletionForm(forms.ModelForm[m.EvacuationStage]):
    completed_on = forms.DateField(label="Completed on", help_text="the day the units were gone")
    completion_note = forms.CharField(
        label="How it was completed", widget=forms.Textarea,
        help_text="how the units left and who saw it",
    )
    completion_source_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = m.EvacuationStage
        fields = ["completed_on", "completion_note", "completion_source", "completion_source_url"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what `ModelForm.clean` returns (the stubs say: or None)
        if self.errors:
            return data
        stage = m.EvacuationStage.objects.get(pk=self.instance.pk)
        _tried(lambda: _complete(stage, data))
        return data


def _complete(stage: m.EvacuationStage, data: dict[str, Any]) -> m.EvacuationStage:
    return evacuation.stage_complete(
        stage=stage, on=data["completed_on"], note=data["completion_note"],
        source=data.get("completion_source", ""),
        source_url=data.get("completion_source_url", ""),
    )


@admin.register(m.EvacuationStage)
class EvacuationStageAdmin(admin.ModelAdmin[m.EvacuationStage]):
    """A stage comes with its plan; here an official completes it (once: then it is read only).
    Completing the last stage completes the plan and ends the occupation."""

    form = CompletionForm
    list_display = ["plan", "number", "area", "deadline", "completed_on"]
    list_filter = ["plan"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    described = ["plan", "number", "territory", "area", "units", "deadline"]
    completion = ["completed_on", "completion_note", "completion_source", "completion_source_url"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> FieldGroups:
        return [*self.described, *self.completion]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.completed_on is None:
            return list(self.described)
        return [*self.described, *self.completion]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.completed_on is None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _complete(m.EvacuationStage.objects.get(pk=obj.pk), form.cleaned_data)


@admin.register(m.OccupationEnd)
class OccupationEndAdmin(RecordedThroughServices):
    """End an occupation by a recorded act (a completed plan ends it by itself)."""

    refusals = (EvacuationRefused,)
    exclude = ["entry", "by"]
    list_display = ["occupation", "on", "by"]
    list_filter = ["by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def record(self, data: dict[str, Any]) -> m.OccupationEnd:
        return evacuation.occupation_end(
            occupation=data["occupation"], on=data["on"], act=data["act"],
            source=data["source"], source_url=data["source_url"],
        )
