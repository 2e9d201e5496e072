"""The officials' view of the endorsements: the review queue of suspects (released by an
action, logged), the tallies and invalidations (read-only: each was a logged act). Contact
data are shown to officials only, and only until they are pseudonymised."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from openpeace.publicity import services
from openpeace.publicity.follows import admin as follows_admin  # noqa: F401  (registers them)
from openpeace.publicity.models import Endorsement, Invalidation, TallySnapshot
from openpeace.publicity.webhooks import admin as webhooks_admin  # noqa: F401  (registers them)
from openpeace.web.admin import ReadOnly


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


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnly):
    list_display = ["ref", "offer", "country", "region", "status", "suspect", "submitted_at",
                    "network"]
    list_filter = ["offer", "status", SuspectFilter, "country"]
    search_fields = ["ref", "canonical", "network"]
    exclude = ["token_hash"]
    actions = ["release"]
    # A national-scale period has millions of rows: a filtered page counts its matches, and
    # need not count the whole table a second time for "of N total".
    show_full_result_count = False

    @admin.action(description="Release the selected suspect endorsements (logged)")
    def release(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        released = 0
        for endorsement in queryset.exclude(suspect=""):
            services.endorsement_release(endorsement=endorsement, official=request.user)
            released += 1
        self.message_user(request, f"{released} endorsements released.", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("publicity.change_endorsement") and obj is None


@admin.register(TallySnapshot)
class TallySnapshotAdmin(ReadOnly):
    list_display = ["offer", "kind", "window_end", "total", "matches", "taken_at"]
    list_filter = ["offer", "kind", "matches"]


@admin.register(Invalidation)
class InvalidationAdmin(ReadOnly):
    list_display = ["offer", "count", "reason", "official", "at"]

