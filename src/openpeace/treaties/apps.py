from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from openpeace.selfdetermination.models import Decision


class TreatiesConfig(AppConfig):
    name = "openpeace.treaties"
    verbose_name = "Treaties"

    def ready(self) -> None:
        from openpeace.selfdetermination.services import decision_recorded
        from openpeace.treaties.services import clauses_rejudge

        def rejudge(sender: object, *, decision: Decision, **kwargs: object) -> None:
            """A nationality decided: a clause that followed no decision may now follow one
            (or go against it), in the same transaction as the decision, which the log entry
            of a public treaty's changed findings names as their cause."""
            clauses_rejudge(decision=decision)

        decision_recorded.connect(rejudge, weak=False, dispatch_uid="treaties.rejudge")
