"""Reads of the treaties app. Every public read starts from `treaties_public()`: a secret
treaty does not exist for anyone but officials — not on pages, in the API, in search, in
exports or feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from openpeace.core.treaty_status import Status
from openpeace.log.models import Entry
from openpeace.treaties.models import Clause, Treaty, TreatyText


@dataclass(frozen=True)
class TreatyFilters:
    """The register's filters; each one narrows, none hides colonial or any other treaty."""

    party: str | None = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None
    status: str | None = None
    clause_type: str | None = None
    flagged: bool | None = None

    def range_refused(self) -> str | None:
        """Why the dates cannot be applied, or None: a range that ends before it begins holds
        no day, and an empty answer to it would read as "no treaty was signed then". Said at
        `signed_to`, by the pages and the API alike."""
        if self.signed_from and self.signed_to and self.signed_to < self.signed_from:
            return (f"{self.signed_to} is before {self.signed_from}, the day the range starts: "
                    "give a day on or after it")
        return None


def treaties_public() -> QuerySet[Treaty]:
    return Treaty.objects.exclude(status=Status.SECRET)


def treaty_list_public(filters: TreatyFilters | None = None) -> QuerySet[Treaty]:
    f = filters or TreatyFilters()
    treaties = treaties_public().prefetch_related("parties").annotate(
        has_flag=Exists(Clause.objects.filter(treaty=OuterRef("pk"), flagged=True))
    )
    if f.party:
        treaties = treaties.filter(parties__key=f.party)
    if f.signed_from:
        treaties = treaties.filter(signed_on__gte=f.signed_from)
    if f.signed_to:
        treaties = treaties.filter(signed_on__lte=f.signed_to)
    if f.status:
        treaties = treaties.filter(status=f.status)
    if f.clause_type:
        treaties = treaties.filter(
            Exists(Clause.objects.filter(treaty=OuterRef("pk"), type=f.clause_type))
        )
    if f.flagged is not None:
        treaties = treaties.filter(has_flag=f.flagged)
    return treaties.order_by("signed_on", "key")


def treaty_get_public(key: str) -> Treaty:
    """A published or repudiated treaty with everything its page shows; raises
    `Treaty.DoesNotExist` for a secret one exactly as for one that does not exist."""
    return (
        treaties_public()
        .select_related("publication_entry", "repudiation_entry", "repudiated_by")
        .prefetch_related(
            "parties",
            "languages",
            Prefetch(
                "texts",
                TreatyText.objects.select_related("language", "entry").order_by(
                    "language__tag", "-revision"
                ),
            ),
            Prefetch(
                "clauses",
                Clause.objects.select_related("territory", "from_state").prefetch_related(
                    "nationalities"
                ),
            ),
        )
        .get(key=key)
    )


def treaties_export() -> QuerySet[Treaty]:
    """Every public treaty with what an export writes."""
    return treaties_public().prefetch_related(
        "parties__government",
        "languages",
        Prefetch("texts", TreatyText.objects.filter(current=True).select_related("language")),
        Prefetch(
            "clauses",
            Clause.objects.select_related("territory", "from_state").prefetch_related(
                "nationalities"
            ),
        ),
    ).select_related("publication_entry", "repudiation_entry", "repudiated_by")


def treaty_texts_public() -> QuerySet[TreatyText]:
    """Every revision of every public treaty's texts: a corrected one stays public."""
    return TreatyText.objects.filter(treaty__in=treaties_public()).select_related(
        "treaty", "language", "entry"
    ).order_by("treaty__signed_on", "treaty__key", "language__tag", "revision")


def clauses_public() -> QuerySet[Clause]:
    """Every coded clause of every public treaty."""
    return (
        Clause.objects.filter(treaty__in=treaties_public())
        .select_related("treaty__publication_entry", "territory", "from_state")
        .prefetch_related("nationalities")
        .order_by("treaty__signed_on", "treaty__key", "position")
    )


def findings_changes() -> QuerySet[Entry]:
    """Every `treaty.findings_changed` entry, oldest first, integrated or not (a page shows one
    as being recorded): each names a public treaty and the clauses whose findings it set; a
    secret treaty's findings change without one."""
    return Entry.objects.filter(kind="treaty.findings_changed").order_by("pk")
