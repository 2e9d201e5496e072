from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "openpeace.treaties"
    verbose_name = "Treaties"

    def ready(self) -> None:
        from openpeace.selfdetermination.services import decision_recorded
        from openpeace.treaties.services import clauses_rejudge

        def rejudge(sender: object, **kwargs: object) -> None:
            """A nationality decided: a clause that followed no decision may now follow one
            (or go against it), in the same transaction as the decision."""
            clauses_rejudge()

        decision_recorded.connect(rejudge, weak=False, dispatch_uid="treaties.rejudge")
