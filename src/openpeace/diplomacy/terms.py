"""The terms validator applied to what officials draft and what governments propose."""

from __future__ import annotations

from typing import Any

from openpeace.core.terms import Finding, Report, validate
from openpeace.core.terms_document import terms_from_document
from openpeace.selfdetermination.selectors import terms_register


def terms_check(document: Any, origin: str = "terms") -> Report:
    """Read a terms document (raises `TermsError` with every problem) and validate it."""
    return validate(terms_from_document(document, origin), terms_register())


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
