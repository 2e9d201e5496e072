"""The terms validator applied to what officials draft and what governments propose, and its
findings as pages say them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpeace.core.documents import Problem
from openpeace.core.terms import SEPARATE_STATE, Finding, Report, validate
from openpeace.core.terms_document import SEPARATE, TermsError, terms_from_document
from openpeace.selfdetermination.selectors import terms_register
from openpeace.world.models import Nationality, State, Territory


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


WORDED_RULES = frozenset({
    "annexation.no_decision", "annexation.against_decision", "annexation.decision_not_free",
    "annexation.return_to_prewar_ruler", "annexation.by_agreement",
    "annexation.border_rectification", "annexation.protectorate",
    "annexation.sphere_of_influence", "annexation.unknown_nationality",
})
"""The rules a page says in its own sentence (`diplomacy/_finding.html`), with names."""


@dataclass(frozen=True)
class ClauseFacts:
    """What a territorial clause does, as its findings are said: the territory's key, where it
    puts it (a state's key or `separate_state`) and how (`core.terms.TerritorialClause.kind`)."""

    territory: str
    to: str
    kind: str


@dataclass(frozen=True)
class FindingShown:
    """A published finding (`finding_document`) as a page says it: with the register's names
    where the document keeps keys (a territory, a state, a nationality).

    The document stays as it is, in the log and the API: it keeps the keys programs read, and
    the log commits to it. The names come from the clause the finding names (which holds the
    state it gives the land to) and the register. `message`, the validator's own sentence, is
    said instead when no sentence of the page fits: a rule it does not word, or a finding on no
    territorial clause (the armistice's)."""

    rule: str
    severity: str
    clause: str
    message: str
    quotes: Sequence[str]
    kind: str = ""
    territory: str = ""
    to: str = ""
    """The state's name; empty when the clause makes a separate state."""
    nationality: str = ""

    @property
    def worded(self) -> bool:
        return bool(self.kind) and self.rule in WORDED_RULES

    @property
    def separate(self) -> bool:
        return not self.to


def _names(model: Any, keys: Iterable[str]) -> dict[str, str]:
    wanted = {key for key in keys if key}
    return dict(model.objects.filter(key__in=wanted).values_list("key", "name")) if wanted else {}


def findings_shown(
    groups: Sequence[tuple[Sequence[Mapping[str, Any]], Mapping[str, ClauseFacts]]],
) -> list[list[FindingShown]]:
    """Each group's findings (with the facts of the clauses they name, by clause id) as pages
    say them, in three queries for all of them: a treaty's clauses, or every reply to an
    offer. A key the register no longer knows is said as it is."""
    facts = [f for _findings, clauses in groups for f in clauses.values()]
    documents = [d for findings, _clauses in groups for d in findings]
    territories = _names(Territory, [f.territory for f in facts])
    states = _names(State, [f.to for f in facts if f.to != SEPARATE])
    nationalities = _names(Nationality, [str(d.get("nationality") or "") for d in documents])

    def shown(document: Mapping[str, Any], clauses: Mapping[str, ClauseFacts]) -> FindingShown:
        said = FindingShown(
            rule=str(document.get("rule", "")), severity=str(document.get("severity", "")),
            clause=str(document.get("clause", "")), message=str(document.get("message", "")),
            quotes=list(document.get("quotes") or []))
        clause = clauses.get(said.clause)
        if clause is None:
            return said
        nationality = str(document.get("nationality") or "")
        return FindingShown(
            said.rule, said.severity, said.clause, said.message, said.quotes, kind=clause.kind,
            territory=territories.get(clause.territory, clause.territory),
            to="" if clause.to == SEPARATE else states.get(clause.to, clause.to),
            nationality=nationalities.get(nationality, nationality))

    return [[shown(d, clauses) for d in findings] for findings, clauses in groups]


def terms_clauses(terms: Mapping[str, Any] | None) -> dict[str, ClauseFacts]:
    """The territorial clauses of a terms document (docs/terms-format.md), by id, as their
    findings need them; a clause that cannot be read is left out (its findings are then said
    in the validator's words)."""
    clauses: dict[str, ClauseFacts] = {}
    for item in (terms or {}).get("territorial_clauses") or []:
        if isinstance(item, Mapping) and all(isinstance(item.get(k), str)
                                             for k in ("id", "territory", "to")):
            kind = item.get("kind", "transfer")
            clauses[item["id"]] = ClauseFacts(item["territory"], item["to"],
                                              kind if isinstance(kind, str) else "transfer")
    return clauses
