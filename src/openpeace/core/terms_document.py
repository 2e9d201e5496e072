"""Terms as a document (JSON), the form offers and counter-proposals carry them in.

The structure is `core/schemas/terms.schema.json` (documented in docs/terms-format.md); this
module turns a document into `terms.Terms`, or reports every problem with its path
(`territorial_clauses[2].to`), so a bad counter-proposal is refused with reasons, not a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpeace.core.documents import DocumentError, Problem, schema_problems
from openpeace.core.terms import (
    SEPARATE_STATE,
    ArmisticeProposal,
    Clause,
    Terms,
    TerritorialClause,
)

SEPARATE = "separate_state"
"""How a document writes `terms.SEPARATE_STATE` in a clause's `to`."""


class TermsError(DocumentError):
    """Terms that cannot be read; `problems` says every reason why."""


def terms_from_document(document: object, origin: str = "terms") -> Terms:
    """Validate a terms document and build its `Terms`, or raise `TermsError`."""
    problems = list(schema_problems(document, "openpeace.core.schemas", "terms.schema.json"))
    if problems:
        raise TermsError(problems, origin)
    assert isinstance(document, Mapping)
    clauses = []
    for i, item in enumerate(document.get("territorial_clauses", ())):
        try:
            clauses.append(_territorial(item))
        except ValueError as error:
            problems.append(Problem(f"territorial_clauses[{i}]", str(error)))
    armistice = document.get("armistice")
    if problems:
        raise TermsError(problems, origin)
    try:
        return Terms(
            territorial_clauses=tuple(clauses),
            armistice=ArmisticeProposal(**armistice) if armistice else None,
            principles=tuple(document.get("principles", ())),
            other_clauses=tuple(
                Clause(c["id"], c["text"]) for c in document.get("other_clauses", ())
            ),
        )
    except ValueError as error:
        raise TermsError([Problem("(document)", str(error))], origin) from None


def _territorial(item: Mapping[str, Any]) -> TerritorialClause:
    return TerritorialClause(
        id=item["id"],
        territory=item["territory"],
        to=SEPARATE_STATE if item["to"] == SEPARATE else item["to"],
        kind=item.get("kind", "transfer"),
        text=item.get("text", ""),
    )
