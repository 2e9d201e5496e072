"""The terms validator: does every territorial clause follow the free decision of the nationality?

The source text (V. I. Lenin, "The Tasks of the Revolution", 1917, point 3) makes the
renunciation of annexations the main condition of a democratic peace, and says what it means:
"not in the incorrect sense that all powers get back what they have lost", but that "every
nationality without any exception [...] shall obtain its freedom and the possibility to decide
for itself whether it is to form a separate state or whether it is to enter into the composition
of some other state". So a territorial clause is judged by the decision of the people living in
the territory, never by the label the governments put on it: a "return", a transfer "by
agreement" or a "border rectification" without that decision is an annexation like any other.

The same validator reads the offer's own terms (which cannot be released while it reports a
violation), the counter-proposals of other governments, and the coded clauses of the secret
treaties, where each finding of the `annexation.*` rules is a promise of annexation.

It is pure and reads only a `Register` view, indexed once, so that ten thousand clauses against
five thousand nationalities are judged in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from openpeace.core.situation import Situation
from openpeace.core.text import is_blank

ARMISTICE_SENTENCE = (
    "The Soviet Government must straight away offer to all the belligerent peoples (i.e., "
    "simultaneously both to their governments and to the worker and peasant masses) to conclude "
    "an immediate general peace on democratic terms, and also to conclude an immediate armistice "
    "(even if only for three months)."
)
ANNEXATIONS_SENTENCE = (
    "The main condition for a democratic peace is the renunciation of annexations (seizures)—not "
    "in the incorrect sense that all powers get back what they have lost, but in the only correct "
    "sense that every nationality without any exception, both in Europe and in the colonies, "
    "shall obtain its freedom and the possibility to decide for itself whether it is to form a "
    "separate state or whether it is to enter into the composition of some other state."
)
FREEDOM_SENTENCE = (
    "Then we must immediately satisfy the demands of the Ukrainians and the Finns, ensure them, "
    "as well as all other non-Russian nationalities in Russia, full freedom, including freedom of "
    "secession, applying the same to all Armenia, undertaking to evacuate that country as well as "
    "the Turkish lands occupied by us, etc."
)

THREE_MONTHS = 90
"""The default minimum armistice term in days: "even if only for three months".

A proposal states its term in days because its first day is not known until it is accepted;
three months of thirty days sits between the shortest (89) and longest (92) calendar quarter.
"""

ARMISTICE_CLAUSE = "armistice"
"""The clause name under which findings about the armistice proposal are reported."""


@dataclass(frozen=True)
class SeparateState:
    """The first choice the text offers a nationality: "to form a separate state"."""

    def __str__(self) -> str:
        return "a separate state"


SEPARATE_STATE = SeparateState()

Destination = str | SeparateState
"""Where a nationality decides to go, or a clause puts a territory: a state's key (to "enter into
the composition of some other state") or `SEPARATE_STATE`. No third option exists."""

Via = Literal["plebiscite", "declaration"]


@dataclass(frozen=True)
class Decision:
    """A nationality's decision on its future, as recorded in the register.

    It comes from a plebiscite or from a declaration of its representative body; a declaration
    is entered in the register only once recognised, so the validator takes it as recognised.
    Whether it was free is not a property of the decision but of the day it was taken.
    """

    nationality: str
    choice: Destination
    via: Via
    taken_on: dt.date
    source: str

    def __post_init__(self) -> None:
        if self.via not in ("plebiscite", "declaration"):
            raise ValueError(
                f"decision of {self.nationality!r}: via must be 'plebiscite' or 'declaration', "
                f"not {self.via!r}"
            )
        if is_blank(self.source):
            raise ValueError(f"decision of {self.nationality!r}: a decision must cite its source")


@dataclass(frozen=True)
class OccupationPeriod:
    """A foreign army in a territory, from `since` until the day before `until` (open if None)."""

    territory: str
    occupier: str
    since: dt.date
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.until is not None and self.until <= self.since:
            raise ValueError(
                f"occupation of {self.territory!r} by {self.occupier!r}: it must end after it "
                f"began ({self.until} is not after {self.since})"
            )

    def covers(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


class Register:
    """What the validator needs to know of the world, indexed once.

    `territories` maps each territory to the state holding it, `nationalities` each nationality
    to the territories it lives in. Occupations are foreign by definition: the holder cannot
    occupy its own territory. Decisions are kept per nationality, split into free ones (no
    territory of the nationality occupied on the day) and the rest, which count as absent:
    "every nationality [...] shall obtain its freedom" before it decides, and the text demands
    the evacuation of occupied lands.
    """

    def __init__(
        self,
        *,
        territories: Mapping[str, str],
        nationalities: Mapping[str, Iterable[str]],
        occupations: Iterable[OccupationPeriod] = (),
        decisions: Iterable[Decision] = (),
    ) -> None:
        self._holders = dict(territories)
        self._homes = {n: tuple(sorted(set(ts))) for n, ts in nationalities.items()}
        residents: defaultdict[str, list[str]] = defaultdict(list)
        for nationality in sorted(self._homes):
            for territory in self._homes[nationality]:
                if territory not in self._holders:
                    raise ValueError(
                        f"nationality {nationality!r} lives in {territory!r}, "
                        "which is not a territory of the register"
                    )
                residents[territory].append(nationality)
        self._residents = {t: tuple(ns) for t, ns in residents.items()}
        occupied: defaultdict[str, list[OccupationPeriod]] = defaultdict(list)
        for o in occupations:
            if o.territory not in self._holders:
                raise ValueError(f"occupation of {o.territory!r}: not a territory of the register")
            if o.occupier == self._holders[o.territory]:
                raise ValueError(
                    f"{o.occupier!r} holds {o.territory!r}: a state cannot occupy its own territory"
                )
            occupied[o.territory].append(o)
        self._occupations = {
            t: tuple(sorted(os, key=lambda o: (o.since, o.occupier))) for t, os in occupied.items()
        }
        self._free: dict[str, Decision] = {}
        self._free_on: dict[tuple[str, dt.date], Decision] = {}
        self._unfree: defaultdict[str, list[Decision]] = defaultdict(list)
        # Sorted on every field, so that the register's content, not its order, decides.
        for d in sorted(
            decisions, key=lambda d: (d.nationality, d.taken_on, d.via, d.source, str(d.choice))
        ):
            if d.nationality not in self._homes:
                raise ValueError(
                    f"decision of {d.nationality!r}: not a nationality of the register"
                )
            self._record(d)

    def _record(self, decision: Decision) -> None:
        if self.occupation_during(decision) is not None:
            self._unfree[decision.nationality].append(decision)
            return
        if why := self.contradiction(decision):
            raise ValueError(why)
        self._free[decision.nationality] = decision
        self._free_on.setdefault((decision.nationality, decision.taken_on), decision)

    def contradiction(self, decision: Decision) -> str:
        """Why a free `decision` cannot stand beside the register's ('' if it can): two free
        decisions of one nationality on one day must agree, or the register must say which
        stands (it does not choose). Any free decision of that day, not only the latest: a
        plebiscite's result is recorded after later-dated decisions may have been."""
        same_day = self._free_on.get((decision.nationality, decision.taken_on))
        if same_day is not None and same_day.choice != decision.choice:
            return (
                f"the {decision.nationality} already decided otherwise on {decision.taken_on}: "
                f"decisions on one day contradict each other ({same_day.choice} and "
                f"{decision.choice}); record which decision stands, not both"
            )
        return ""

    def _occupier(self, territory: str, day: dt.date) -> OccupationPeriod | None:
        return next((o for o in self._occupations.get(territory, ()) if o.covers(day)), None)

    @classmethod
    def from_situation(
        cls,
        situation: Situation,
        decisions: Iterable[Decision] = (),
        ended: Mapping[tuple[str, str], dt.date] | None = None,
    ) -> Register:
        """The register of a loaded situation, with its decisions.

        The situation format records when an occupation began, not when it ended; `ended` maps
        (territory, occupier) to the evacuation date, after which a decision can be free again.
        """
        ends = ended or {}
        return cls(
            territories={t.key: t.held_by for t in situation.territories},
            nationalities={n.key: n.territories for n in situation.nationalities},
            occupations=(
                OccupationPeriod(
                    o.territory, o.occupier, o.since, ends.get((o.territory, o.occupier))
                )
                for o in situation.occupations
            ),
            decisions=decisions,
        )

    def holder(self, territory: str) -> str | None:
        """The state holding the territory, or None for a territory the register does not know."""
        return self._holders.get(territory)

    def residents(self, territory: str) -> tuple[str, ...]:
        """The nationalities living in the territory, by key."""
        return self._residents.get(territory, ())

    def free_decision(self, nationality: str) -> Decision | None:
        """The nationality's latest free decision: the one that counts."""
        return self._free.get(nationality)

    def unfree_decisions(self, nationality: str) -> tuple[Decision, ...]:
        """Decisions taken while a territory of the nationality was occupied, oldest first."""
        return tuple(self._unfree.get(nationality, ()))

    def occupation_during(self, decision: Decision) -> OccupationPeriod | None:
        """The occupation of a territory of the nationality under which the decision was taken,
        if any (the first by territory key): such a decision is not free."""
        homes = self._homes.get(decision.nationality, ())
        return next((o for t in homes if (o := self._occupier(t, decision.taken_on))), None)


ClauseKind = Literal[
    "transfer",
    "independence",
    "return_to_prewar_ruler",
    "by_agreement",
    "border_rectification",
    "protectorate",
    "sphere_of_influence",
]
"""What the text of a clause says it does. The label names the finding; it never excuses one."""

_KINDS_TO_A_STATE: frozenset[ClauseKind] = frozenset(
    {
        "transfer",
        "return_to_prewar_ruler",
        "border_rectification",
        "protectorate",
        "sphere_of_influence",
    }
)


@dataclass(frozen=True)
class TerritorialClause:
    """A clause disposing of one territory: giving it to a state, or making it a separate state.

    For a protectorate or a sphere of influence, `to` is the protecting or dominant power.
    """

    id: str
    territory: str
    to: Destination
    kind: ClauseKind = "transfer"
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind == "independence" and self.to != SEPARATE_STATE:
            raise ValueError(f"clause {self.id!r}: independence makes a separate state")
        if self.kind in _KINDS_TO_A_STATE and not isinstance(self.to, str):
            raise ValueError(f"clause {self.id!r}: a {self.kind} names the state it is for")


@dataclass(frozen=True)
class Clause:
    """Any other clause of the terms, carried as text: the validator does not judge it."""

    id: str
    text: str


@dataclass(frozen=True)
class ArmisticeProposal:
    """The armistice the terms propose: "an immediate armistice (even if only for three months)".

    The minimum is three months unless the official lowers it and records why; a lowering
    without a reason does not count.
    """

    term_days: int
    minimum_days: int = THREE_MONTHS
    lowered_reason: str = ""

    def __post_init__(self) -> None:
        if self.term_days < 1 or self.minimum_days < 1:
            raise ValueError("an armistice term and its minimum are at least one day")

    @property
    def lowered(self) -> bool:
        """Whether the minimum was lowered below three months with a recorded reason."""
        return self.minimum_days < THREE_MONTHS and not is_blank(self.lowered_reason)

    @property
    def effective_minimum(self) -> int:
        """The minimum that applies: three months or more, unless lowered with a reason."""
        return self.minimum_days if self.lowered else max(self.minimum_days, THREE_MONTHS)


@dataclass(frozen=True)
class Terms:
    """The terms of an offer, a counter-proposal or a treaty, as structured data."""

    territorial_clauses: tuple[TerritorialClause, ...] = ()
    armistice: ArmisticeProposal | None = None
    principles: tuple[str, ...] = ()
    other_clauses: tuple[Clause, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = {ARMISTICE_CLAUSE}
        for key in [c.id for c in self.territorial_clauses] + [c.id for c in self.other_clauses]:
            if is_blank(key) or key in seen:
                raise ValueError(
                    f"clause id {key!r} is empty, reserved or already used: "
                    "every finding names its clause, so ids are unique"
                )
            seen.add(key)


Severity = Literal["violation", "notice"]


@dataclass(frozen=True)
class Rule:
    """A rule of the validator: a stable id, and the sentence(s) of the source text behind it."""

    id: str
    severity: Severity
    meaning: str
    quotes: tuple[str, ...]


def _annexation(name: str, meaning: str, *more: str) -> Rule:
    return Rule(f"annexation.{name}", "violation", meaning, (ANNEXATIONS_SENTENCE, *more))


NO_DECISION = _annexation("no_decision", "the nationality has made no free decision")
AGAINST_DECISION = _annexation("against_decision", "the clause goes against its free decision")
DECISION_NOT_FREE = _annexation(
    "decision_not_free",
    "the clause follows a decision taken under foreign occupation",
    FREEDOM_SENTENCE,
)
RETURN_TO_PREWAR_RULER = _annexation(
    "return_to_prewar_ruler", "the clause gives land back to a ruler without the decision"
)
BY_AGREEMENT = _annexation("by_agreement", "governments dispose of the territory among themselves")
BORDER_RECTIFICATION = _annexation(
    "border_rectification", "a 'rectification' moves the nationality without its decision"
)
PROTECTORATE = _annexation("protectorate", "a protectorate is never a free choice")
SPHERE_OF_INFLUENCE = _annexation("sphere_of_influence", "a sphere is never a free choice")
UNKNOWN_NATIONALITY = _annexation(
    "unknown_nationality", "no nationality of the register lives in the territory"
)
ARMISTICE_TOO_SHORT = Rule(
    "armistice.too_short",
    "violation",
    "the armistice term is below its minimum",
    (ARMISTICE_SENTENCE,),
)
ARMISTICE_MINIMUM_LOWERED = Rule(
    "armistice.minimum_lowered",
    "notice",
    "the official lowered the minimum, for a reason",
    (ARMISTICE_SENTENCE,),
)

RULES: tuple[Rule, ...] = (
    NO_DECISION,
    AGAINST_DECISION,
    DECISION_NOT_FREE,
    RETURN_TO_PREWAR_RULER,
    BY_AGREEMENT,
    BORDER_RECTIFICATION,
    PROTECTORATE,
    SPHERE_OF_INFLUENCE,
    UNKNOWN_NATIONALITY,
    ARMISTICE_TOO_SHORT,
    ARMISTICE_MINIMUM_LOWERED,
)


@dataclass(frozen=True)
class Finding:
    """One thing the validator says about one clause (and one nationality living there)."""

    rule: Rule
    clause: str
    message: str
    nationality: str | None = None
    territory: str | None = None

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def quotes(self) -> tuple[str, ...]:
        return self.rule.quotes

    def __str__(self) -> str:
        return f"{self.rule.id}: {self.message}"


@dataclass(frozen=True)
class Report:
    """Every finding on a set of terms, armistice first, then clause by clause, by nationality."""

    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "violation")

    @property
    def annexations(self) -> tuple[Finding, ...]:
        """The clauses found to make or promise an annexation, one finding per nationality."""
        return tuple(f for f in self.findings if f.rule.id.startswith("annexation."))

    @property
    def releasable(self) -> bool:
        """An offer is released only when its own terms contain no violation."""
        return not self.violations


def validate(terms: Terms, register: Register) -> Report:
    """Judge the armistice proposal and every territorial clause of the terms."""
    findings = list(_armistice_findings(terms.armistice)) if terms.armistice else []
    for clause in terms.territorial_clauses:
        findings.extend(clause_findings(clause, register))
    return Report(tuple(findings))


def _armistice_findings(armistice: ArmisticeProposal) -> Iterator[Finding]:
    if armistice.lowered:
        yield Finding(
            ARMISTICE_MINIMUM_LOWERED,
            ARMISTICE_CLAUSE,
            f"the minimum armistice term is lowered from {THREE_MONTHS} to "
            f"{armistice.minimum_days} days; reason recorded: {armistice.lowered_reason.strip()}",
        )
    minimum = armistice.effective_minimum
    if armistice.term_days < minimum:
        ignored = (
            f" (the minimum was lowered to {armistice.minimum_days} days without a recorded "
            "reason, so three months applies)"
            if armistice.minimum_days < minimum
            else ""
        )
        yield Finding(
            ARMISTICE_TOO_SHORT,
            ARMISTICE_CLAUSE,
            f"the armistice proposed for {armistice.term_days} days is shorter than the minimum "
            f"of {minimum} days{ignored}",
        )


def clause_findings(clause: TerritorialClause, register: Register) -> tuple[Finding, ...]:
    """The findings on one clause: one per nationality living in its territory not freely
    deciding what the clause does, or one saying that no nationality is known to live there."""
    residents = register.residents(clause.territory)
    if not residents:
        known = register.holder(clause.territory) is not None
        where = (
            "no nationality of the register lives there"
            if known
            else "it is not a territory of the register"
        )
        return (
            Finding(
                UNKNOWN_NATIONALITY,
                clause.id,
                f"clause {clause.id} {_does(clause)}, but {where}: it cannot follow any "
                "nationality's free decision",
                territory=clause.territory,
            ),
        )
    return tuple(f for n in residents if (f := _judge(clause, n, register)) is not None)


def _judge(clause: TerritorialClause, nationality: str, register: Register) -> Finding | None:
    def finding(rule: Rule, why: str) -> Finding:
        return Finding(
            rule,
            clause.id,
            f"clause {clause.id} {_does(clause)}: {why}",
            nationality,
            clause.territory,
        )

    if clause.kind == "protectorate":
        return finding(
            PROTECTORATE,
            f"a protectorate is neither a separate state nor entry into another state, so it "
            f"can never be the free decision of the {nationality}",
        )
    if clause.kind == "sphere_of_influence":
        return finding(
            SPHERE_OF_INFLUENCE,
            f"a sphere of influence is neither a separate state nor entry into another state, "
            f"so it can never be the free decision of the {nationality}",
        )
    free = register.free_decision(nationality)
    if free is not None and free.choice == clause.to:
        return None
    if free is not None:
        return finding(
            AGAINST_DECISION,
            f"against the free decision of the {nationality} ({_decided(free)})",
        )
    followed = [d for d in register.unfree_decisions(nationality) if d.choice == clause.to]
    if followed:
        decision = followed[-1]
        occupation = register.occupation_during(decision)
        assert occupation is not None
        return finding(
            DECISION_NOT_FREE,
            f"it follows the {_decided(decision)} of the {nationality}, taken while "
            f"{occupation.territory} was occupied by {occupation.occupier} (since "
            f"{occupation.since}): a decision under a foreign army is not free and counts as "
            "absent",
        )
    without = f"without a free decision of the {nationality}"
    holder = register.holder(clause.territory)
    if clause.kind == "return_to_prewar_ruler" or clause.to == holder:
        whose = "its ruler before the war" if clause.to != holder else "the state holding it"
        return finding(
            RETURN_TO_PREWAR_RULER,
            f"it gives the land back to {clause.to}, {whose}, {without}: powers getting back "
            "what they have lost is not the renunciation of annexations",
        )
    if clause.kind == "by_agreement":
        return finding(
            BY_AGREEMENT, f"governments dispose of {clause.territory} by agreement, {without}"
        )
    if clause.kind == "border_rectification":
        return finding(
            BORDER_RECTIFICATION, f"a border rectification is a transfer, made {without}"
        )
    return finding(NO_DECISION, f"{without}, this is an annexation")


def _does(clause: TerritorialClause) -> str:
    if clause.kind == "protectorate":
        return f"puts {clause.territory} under the protection of {clause.to}"
    if clause.kind == "sphere_of_influence":
        return f"makes {clause.territory} a sphere of influence of {clause.to}"
    if clause.to == SEPARATE_STATE:
        return f"makes {clause.territory} a separate state"
    return f"gives {clause.territory} to {clause.to}"


def _decided(decision: Decision) -> str:
    goal = (
        "to form a separate state"
        if decision.choice == SEPARATE_STATE
        else f"to join {decision.choice}"
    )
    return f"{decision.via} of {decision.taken_on}: {goal}"
