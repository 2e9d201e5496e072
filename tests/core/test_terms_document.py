"""Terms documents (core.terms_document): what the format says a clause's `to` may be is what
the validator reads."""

from __future__ import annotations

import pytest

from openpeace.core.terms import SEPARATE_STATE
from openpeace.core.terms_document import TermsError, terms_from_document


def _clause(to: str, kind: str = "independence") -> dict[str, object]:
    return {"territorial_clauses": [{"id": "c1", "territory": "finland", "to": to,
                                     "kind": kind}]}


def test_a_clause_may_give_a_territory_to_a_separate_state() -> None:
    """The first choice the source text names: "to form a separate state"
    (docs/terms-format.md: `to` is a state's key, or `separate_state`)."""
    [clause] = terms_from_document(_clause("separate_state")).territorial_clauses
    assert clause.to == SEPARATE_STATE
    [clause] = terms_from_document(_clause("russia", "transfer")).territorial_clauses
    assert clause.to == "russia"


@pytest.mark.parametrize("to", ["Separate_State", "separate_", "russia_", "", "-russia"])
def test_anything_else_is_refused_naming_the_clause(to: str) -> None:
    with pytest.raises(TermsError, match=r"territorial_clauses\[0\]\.to"):
        terms_from_document(_clause(to))
