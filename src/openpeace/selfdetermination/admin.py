"""Officials record recognised declarations here (plebiscite results come from the count)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.services import DecisionRefused, decision_record
from openpeace.web.admin import RecordedThroughServices


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
