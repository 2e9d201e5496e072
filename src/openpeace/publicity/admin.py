"""The officials' view of the endorsements: the review queue of suspects (released, or
invalidated for a reason, by an action, logged; a released one is mailed what it was owed while
suspect, its confirmation link first, but no link once its period has closed), the tallies and
invalidations (read-only: each was a logged act). Contact data are shown to officials only (staff
who may change the endorsements, `PersonalData`), and only until they are pseudonymised."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest

from openpeace.diplomacy.models import Offer
from openpeace.publicity import services
from openpeace.publicity.follows import admin as follows_admin  # noqa: F401  (registers them)
from openpeace.publicity.models import Endorsement, Invalidation, TallySnapshot
from openpeace.publicity.webhooks import admin as webhooks_admin  # noqa: F401  (registers them)
from openpeace.web.admin import PersonalData, ReadOnly


class SuspectFilter(admin.SimpleListFilter):
    title = "suspect"
    parameter_name = "suspect"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "suspect"), ("no", "not suspect")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.exclude(suspect="")
        if self.value() == "no":
            return queryset.filter(suspect="")
        return queryset


class ReasonActionForm(ActionForm):
    """The action bar with a reason beside it: an invalidation says why, in the log."""

    reason = forms.CharField(required=False, max_length=500,
                             label="Reason (for an invalidation, published in the log)")


@admin.register(Endorsement)
class EndorsementAdmin(PersonalData, ReadOnly):
    list_display = ["ref", "offer", "country", "region", "status", "suspect", "submitted_at",
                    "network"]
    list_filter = ["offer", "status", SuspectFilter, "country"]
    search_fields = ["ref", "canonical", "network"]
    exclude = ["token_hash"]
    # `canonical` is the address too, under the mail rules; the IP and its network locate the
    # person. Reviewing the suspects needs them, reading the queue does not.
    personal_fields = ("contact", "canonical", "name", "address", "network")
    actions = ["release", "invalidate"]
    action_form = ReasonActionForm
    # A national-scale period has millions of rows: a filtered page counts its matches, and
    # need not count the whole table a second time for "of N total".
    show_full_result_count = False

    # Both acts change what is counted: they take the permission to change endorsements, which
    # only officials have (a clerk who may only read them sees neither).
    @admin.action(description="Release the selected suspect endorsements (logged; the mails "
                              "they are owed go out, but no confirmation link once their "
                              "period has closed)", permissions=["change"])
    def release(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        """Release each selected suspect; the official is told which were not mailed, and why
        (`services.Released.withheld`), lest they expect a confirmation that cannot come."""
        released = withheld = 0
        for endorsement in queryset.exclude(suspect=""):
            done = services.endorsement_release(endorsement=endorsement, official=request.user)
            released += 1
            withheld += done.withheld
        self.message_user(request, f"{released} endorsements released.", messages.SUCCESS)
        if withheld:
            self.message_user(
                request, f"{withheld} of them were not mailed their confirmation link: they "
                "were never confirmed and their endorsement period has closed, so the link would "
                "be refused. They do not count.", messages.WARNING)

    @admin.action(description="Invalidate the selected endorsements, for the reason given "
                              "(logged)", permissions=["change"])
    def invalidate(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        """One audited invalidation per offer, by the selected endorsements' references."""
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Nothing was invalidated: an invalidation says why. "
                              "Write the reason beside the action.", messages.ERROR)
            return
        refs: dict[Offer, list[str]] = {}
        for endorsement in queryset.select_related("offer"):
            refs.setdefault(endorsement.offer, []).append(str(endorsement.ref))
        for offer, selected in refs.items():
            try:
                done = services.endorsements_invalidate(
                    offer=offer, criteria={"refs": " ".join(selected)}, reason=reason,
                    official=request.user)
            except services.EndorsementRefused as refused:
                self.message_user(request, f"{offer.key}: {refused}", messages.ERROR)
            else:
                self.message_user(request, f"{offer.key}: {done.count} endorsements "
                                  "invalidated (logged).", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("publicity.change_endorsement") and obj is None


@admin.register(TallySnapshot)
class TallySnapshotAdmin(ReadOnly):
    list_display = ["offer", "kind", "window_end", "total", "matches", "taken_at"]
    list_filter = ["offer", "kind", "matches"]


@admin.register(Invalidation)
class InvalidationAdmin(ReadOnly):
    list_display = ["offer", "count", "reason", "official", "at"]

