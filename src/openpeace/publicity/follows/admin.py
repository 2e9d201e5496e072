"""The officials' view of the follows: who follows what and whether it was confirmed, and the
notices waiting or sent. Read-only: follows are started and stopped by their holders' links
(or `openpeace follows unsubscribe ADDRESS` for a person who asks otherwise)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from openpeace.publicity.follows.models import Follow, FollowNotice
from openpeace.web.admin import PersonalData, ReadOnly


@admin.register(Follow)
class FollowAdmin(PersonalData, ReadOnly):
    list_display = ["ref", "target", "key", "frequency", "status", "submitted_at",
                    "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "target", "frequency"]
    search_fields = ["ref", "contact", "key"]  # `canonical` is a hash: no one searches by it
    exclude = ["confirm_hash", "unsubscribe_hash"]
    # `canonical`, a keyed hash, cannot be read back, but it tells one person's follows apart
    personal_fields = ("contact", "network", "canonical")


class SentFilter(admin.SimpleListFilter):
    title = "sent"
    parameter_name = "sent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "sent"), ("no", "not yet sent")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(sent_at__isnull=self.value() == "no")
        return queryset


@admin.register(FollowNotice)
class FollowNoticeAdmin(PersonalData, ReadOnly):
    list_display = ["follow", "entry", "created_at", "sent_at", "claimed_until"]
    personal_fields = ("canonical",)  # as on the follows: it tells one person's notices apart
    list_filter = [SentFilter, "follow__frequency"]
    list_select_related = ["follow", "entry"]
