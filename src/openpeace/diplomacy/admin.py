"""The foreign office's back office: draft offers and texts, release, issue envoys' tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from openpeace.core.documents import Problem
from openpeace.core.terms_document import TermsError, terms_from_document
from openpeace.diplomacy import armistices, services
from openpeace.diplomacy.armistices import ArmisticeRefused
from openpeace.diplomacy.models import (
    Armistice,
    BelligerentProcess,
    Breach,
    Denunciation,
    Envoy,
    NegotiationSession,
    Note,
    Offer,
    Proclamation,
    Reply,
)
from openpeace.web.admin import (
    IssuesTokens,
    JudgesJSON,
    LabelledHolderForm,
    ReadOnly,
    RecordedThroughServices,
)


class OfferTextInline(admin.StackedInline[Any, Offer]):
    """A note or proclamation of an offer: editable while the offer is a draft, then history.

    The release entry commits to each text's SHA-256, so after release a changed, added or
    deleted text would make the public page and the API disagree with the log, unlogged.
    `obj` is the parent offer (None on its add page).
    """

    extra = 0

    @staticmethod
    def _draft(obj: Offer | None) -> bool:
        return obj is None or not obj.is_released

    def has_add_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        return super().has_add_permission(request, obj) and self._draft(obj)

    def has_change_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._draft(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._draft(obj)


class NoteInline(OfferTextInline):
    model = Note


class ProclamationInline(OfferTextInline):
    model = Proclamation


def _readable_terms(terms: object) -> list[Problem]:
    """Why `terms` are not a terms document (`core.terms_document`), as the release reads
    them. Terms a document can hold but the validator refuses (an annexation) are a draft's to
    mend: the release refuses them, naming each."""
    try:
        terms_from_document(terms)
    except TermsError as error:
        return list(error.problems)
    return []


def _publishable_sources(sources: object) -> list[Problem]:
    """Why the release could not publish `sources` (`services.offer_sources_problems`)."""
    return [Problem(path, problem) for path, problem in services.offer_sources_problems(sources)]


@admin.register(Offer)
class OfferAdmin(JudgesJSON):
    list_display = ["title", "key", "proposing_state", "reply_deadline", "released_at"]
    readonly_fields = ["released_at", "release_entry"]
    filter_horizontal = ["addressees"]
    inlines = [NoteInline, ProclamationInline]
    actions = ["release"]
    # A draft's terms and sources, edited as JSON, are read as its release will read them,
    # each problem at its path in the field, not left to refuse the release later.
    json_judges = {"terms": _readable_terms, "sources": _publishable_sources}

    def get_readonly_fields(self, request: HttpRequest, obj: Offer | None = None) -> list[str]:
        """A released offer is history: nothing of it can be edited any more."""
        if obj is not None and obj.is_released:
            return [f.name for f in Offer._meta.fields] + ["addressees"]
        return list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Offer | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_released)

    @admin.action(description="Release to every government and people at once",
                  permissions=["change"])
    def release(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        for offer in queryset:
            try:
                services.offer_release(offer=offer)
            except services.ReleaseRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, f"Released {offer.title!r}.", messages.SUCCESS)


class EnvoyForm(LabelledHolderForm):
    """An envoy as `services.envoy_issue` takes it."""

    label_problem = staticmethod(services.envoy_label_problem)


@admin.register(Envoy)
class EnvoyAdmin(IssuesTokens):
    form = EnvoyForm
    list_display = ["label", "state", "email", "issued_at", "revoked_at"]
    list_filter = ["state"]
    fields = ["state", "label", "email", "issued_at", "revoked_at"]
    holder = "envoy"
    acts_for = "state"

    def issue(self, obj: Envoy, request: HttpRequest) -> tuple[Envoy, str]:
        issued = services.envoy_issue(
            state=obj.state, label=obj.label, email=obj.email,
            issued_by=request.user if request.user.is_authenticated else None,  # always, here
        )
        return issued.envoy, issued.token

    def revoke_one(self, obj: Envoy) -> None:
        services.envoy_revoke(envoy=obj)


@admin.register(Armistice)
class ArmisticeAdmin(RecordedThroughServices):
    refusals = (ArmisticeRefused,)
    list_display = ["offer", "signed_on", "effective_on", "term_count", "term_unit", "renewal"]
    filter_horizontal = ["parties"]

    def record(self, data: dict[str, Any]) -> Armistice:
        return armistices.armistice_record(
            offer=data["offer"], parties=list(data["parties"]), signed_on=data["signed_on"],
            effective_on=data["effective_on"], term_count=data["term_count"],
            term_unit=data["term_unit"], renewal=data["renewal"],
            renewal_count=data["renewal_count"], renewal_unit=data["renewal_unit"],
            notice_days=data["notice_days"], demarcation=data["demarcation"],
            demarcation_geometry=data["demarcation_geometry"],
        )


@admin.register(NegotiationSession)
class NegotiationSessionAdmin(RecordedThroughServices):
    refusals = (ArmisticeRefused,)
    list_display = ["offer", "place", "opened_on", "closed_on"]

    def record(self, data: dict[str, Any]) -> NegotiationSession:
        return armistices.session_record(
            offer=data["offer"], place=data["place"], opened_on=data["opened_on"],
            closed_on=data["closed_on"], delegations=data["delegations"], record=data["record"],
        )


@admin.register(Denunciation)
class DenunciationAdmin(RecordedThroughServices):
    """A party's denunciation, as its government notified it: the armistice then ends after
    its notice (`core.armistice`)."""

    refusals = (ArmisticeRefused,)
    list_display = ["armistice", "party", "on"]

    def record(self, data: dict[str, Any]) -> Denunciation:
        return armistices.denunciation_record(armistice=data["armistice"], party=data["party"],
                                              on=data["on"])


@admin.register(Breach)
class BreachAdmin(RecordedThroughServices):
    """A breach a party reports: published as reported, for the armistice's record."""

    refusals = (ArmisticeRefused,)
    list_display = ["armistice", "reported_by", "on"]

    def record(self, data: dict[str, Any]) -> Breach:
        return armistices.breach_report(armistice=data["armistice"],
                                        reported_by=data["reported_by"], on=data["on"],
                                        description=data["description"])


# Replies come from envoys, stages from the process rules: officials read them here.
admin.site.register([Reply, BelligerentProcess], ReadOnly)
