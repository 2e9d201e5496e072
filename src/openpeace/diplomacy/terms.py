"""The terms validator applied to what officials draft and what governments propose."""

from __future__ import annotations

from typing import Any

from openpeace.core.documents import Problem
from openpeace.core.terms import SEPARATE_STATE, Finding, Report, validate
from openpeace.core.terms_document import TermsError, terms_from_document
from openpeace.selfdetermination.selectors import terms_register
from openpeace.world.models import State, Territory


def terms_check(document: Any, origin: str = "terms") -> Report:
    """Read a terms document (raises `TermsError` with every problem) and validate it.

    A clause must name a territory and a state of the register (or a separate state): the
    validator would only find that an unknown place follows no nationality's decision, and a
    government's counter-proposal naming "atlantis" would be logged for good, where an
    imported treaty naming it is refused."""
    terms = terms_from_document(document, origin)
    territories = set(Territory.objects.values_list("key", flat=True))
    states = set(State.objects.values_list("key", flat=True))
    problems = []
    for i, clause in enumerate(terms.territorial_clauses):
        if clause.territory not in territories:
            problems.append(Problem(f"territorial_clauses[{i}].territory",
                                    f"unknown territory {clause.territory!r}"))
        if clause.to != SEPARATE_STATE and clause.to not in states:
            problems.append(Problem(f"territorial_clauses[{i}].to",
                                    f"unknown state {clause.to!r}"))
    if problems:
        raise TermsError(problems, origin)
    return validate(terms, terms_register())


def finding_document(finding: Finding) -> dict[str, Any]:
    """A finding as published: in the log, the API and on pages."""
    return {
        "rule": finding.rule.id,
        "severity": finding.severity,
        "clause": finding.clause,
        "nationality": finding.nationality,
        "territory": finding.territory,
        "message": finding.message,
        "quotes": list(finding.quotes),
    }
