"""The terms validator: a territorial clause stands only on the free decision of the nationality."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openpeace.core import situation as core
from openpeace.core import terms as t
from openpeace.core.situation import Situation
from openpeace.core.situation_file import read_situation
from openpeace.core.terms import (
    SEPARATE_STATE,
    ArmisticeProposal,
    ClauseKind,
    Decision,
    Destination,
    OccupationPeriod,
    Register,
    Terms,
    TerritorialClause,
    validate,
)
from tests.core import terms_history as h
from tests.strategies import situations

# The first three paragraphs of point 3, as published: every quote must be a sentence of them.
SOURCE_TEXT = (
    "3. The Soviet Government must straight away offer to all the belligerent peoples (i.e., "
    "simultaneously both to their governments and to the worker and peasant masses) to conclude "
    "an immediate general peace on democratic terms, and also to conclude an immediate armistice "
    "(even if only for three months).\n\n"
    "The main condition for a democratic peace is the renunciation of annexations (seizures)—not "
    "in the incorrect sense that all powers get back what they have lost, but in the only correct "
    "sense that every nationality without any exception, both in Europe and in the colonies, "
    "shall obtain its freedom and the possibility to decide for itself whether it is to form a "
    "separate state or whether it is to enter into the composition of some other state.\n\n"
    "In offering the peace terms, the Soviet Government must itself immediately take steps "
    "towards their fulfillment, i.e., it must publish and repudiate the secret treaties by which "
    "we have been bound up to the present time, those which were concluded by the tsar and which "
    "give Russian capitalists the promise of the pillaging of Turkey, Austria, etc. Then we must "
    "immediately satisfy the demands of the Ukrainians and the Finns, ensure them, as well as all "
    "other non-Russian nationalities in Russia, full freedom, including freedom of secession, "
    "applying the same to all Armenia, undertaking to evacuate that country as well as the "
    "Turkish lands occupied by us, etc."
)
DEFAULT_1917 = Path(__file__).parents[2] / "src" / "openpeace" / "situations" / "1917-11.yaml"

VIAS: list[t.Via] = ["plebiscite", "declaration"]
NEVER_FREE: list[ClauseKind] = ["protectorate", "sphere_of_influence"]
JUDGED_KINDS: tuple[ClauseKind, ...] = (
    "transfer",
    "independence",
    "return_to_prewar_ruler",
    "by_agreement",
    "border_rectification",
)


def found(findings: tuple[t.Finding, ...]) -> tuple[tuple[str | None, str], ...]:
    return tuple((f.nationality, f.rule.id) for f in findings)


def clause(
    territory: str, to: Destination, kind: ClauseKind = "transfer", key: str = "c"
) -> TerritorialClause:
    return TerritorialClause(key, territory, to, kind)


# --- the source text -------------------------------------------------------------------------


def test_every_rule_quotes_whole_sentences_of_the_source_text() -> None:
    ids = [rule.id for rule in t.RULES]
    assert len(set(ids)) == len(ids) == 11
    for rule in t.RULES:
        assert rule.quotes, rule.id
        for quote in rule.quotes:
            assert quote in SOURCE_TEXT.replace("\n\n", " ")
            assert quote[0].isupper() and quote.endswith(".")


def test_annexation_rules_rest_on_the_renunciation_of_annexations() -> None:
    for rule in t.RULES:
        family = rule.id.split(".")[0]
        assert (t.ANNEXATIONS_SENTENCE in rule.quotes) == (family == "annexation")
        assert (t.ARMISTICE_SENTENCE in rule.quotes) == (family == "armistice")
    assert t.FREEDOM_SENTENCE in t.DECISION_NOT_FREE.quotes


# --- history ---------------------------------------------------------------------------------


def test_the_history_covers_every_secret_treaty_named_in_the_brief() -> None:
    assert len(h.HISTORY) >= 15
    treaties = {(x.treaty.split(" (")[0], x.year) for x in h.HISTORY}
    assert {
        ("Treaty of London", 1915),
        ("Constantinople Agreement", 1915),
        ("Sykes–Picot Agreement", 1916),
        ("Agreement of Saint-Jean-de-Maurienne", 1917),
        ("Treaty of Brest-Litovsk", 1918),
    } <= treaties
    assert len({x.clause.id for x in h.HISTORY}) == len(h.HISTORY)


@pytest.mark.parametrize("case", h.HISTORY, ids=lambda x: x.clause.id)
def test_historical_clause(case: h.Historical) -> None:
    findings = t.clause_findings(case.clause, h.register())
    assert found(findings) == case.expected, case.treaty
    for f in findings:
        assert f.clause == case.clause.id
        assert f.territory == case.clause.territory
        assert case.clause.id in f.message and case.clause.territory in f.message
        assert f.nationality is None or f.nationality in f.message
        assert str(case.clause.to) in f.message


def test_every_secret_treaty_clause_is_a_promise_of_annexation() -> None:
    secret = [x.clause for x in h.HISTORY if x.year <= 1917 and x.expected]
    report = validate(Terms(tuple(secret)), h.register())
    flagged = {f.clause for f in report.annexations}
    assert flagged == {c.id for c in secret}
    assert report.annexations == report.violations
    assert not report.releasable


def test_the_treaty_of_london_gives_italy_dalmatia_against_three_nationalities() -> None:
    report = validate(
        Terms((clause("dalmatia", "italy", key="london-art5-dalmatia"),)), h.register()
    )
    assert [str(f) for f in report.findings] == [
        f"annexation.no_decision: clause london-art5-dalmatia gives dalmatia to italy: without a "
        f"free decision of the {n}, this is an annexation"
        for n in ("croats", "italians-of-austria", "serbs-of-austria-hungary")
    ]


def test_a_decision_under_occupation_names_the_occupation() -> None:
    (finding,) = t.clause_findings(
        clause("lithuania", SEPARATE_STATE, "by_agreement", "brest-art3-lithuania"), h.register()
    )
    assert finding.message == (
        "clause brest-art3-lithuania makes lithuania a separate state: it follows the "
        "declaration of 1918-02-16: to form a separate state of the lithuanians, taken while "
        "lithuania was occupied by germany (since 1915-09-19): a decision under a foreign army "
        "is not free and counts as absent"
    )


def test_finland_stays_free_after_a_later_occupation() -> None:
    hanko = OccupationPeriod("finland", "germany", dt.date(1918, 4, 3))
    register = h.register(occupations=(*h.OCCUPATIONS, hanko))
    assert register.free_decision("finns") == h.FINNISH_DECLARATION
    assert t.clause_findings(clause("finland", SEPARATE_STATE, "independence"), register) == ()


def test_a_plebiscite_under_a_foreign_army_does_not_count() -> None:
    troops = OccupationPeriod("north-schleswig", "united-kingdom", dt.date(1920, 1, 25))
    register = h.register(occupations=(*h.OCCUPATIONS, troops))
    assert register.free_decision("danes-of-schleswig") is None
    assert register.occupation_during(h.SCHLESWIG_PLEBISCITE) == troops
    assert found(t.clause_findings(clause("north-schleswig", "denmark"), register)) == (
        ("danes-of-schleswig", "annexation.decision_not_free"),
    )


def test_keeping_north_schleswig_german_goes_against_the_plebiscite() -> None:
    (finding,) = t.clause_findings(clause("north-schleswig", "germany"), h.register())
    assert finding.rule is t.AGAINST_DECISION
    assert "plebiscite of 1920-02-10: to join denmark" in finding.message


def test_a_return_to_the_holder_is_named_as_such() -> None:
    (alsace,) = t.clause_findings(
        clause("alsace-lorraine", "france", "return_to_prewar_ruler"), h.register()
    )
    (belgium,) = t.clause_findings(clause("belgium-occupied", "belgium"), h.register())
    assert "france, its ruler before the war" in alsace.message
    assert "belgium, the state holding it" in belgium.message
    assert "all powers get back what they have lost" in alsace.quotes[0]


def test_the_1917_default_flags_the_vilayets_promised_to_russia() -> None:
    register = Register.from_situation(read_situation(DEFAULT_1917))
    vilayets = ("erzurum-vilayet", "trebizond-vilayet", "van-vilayet", "bitlis-vilayet")
    report = validate(
        Terms(tuple(clause(v, "russia", key=f"sykes-picot-{v}") for v in vilayets)), register
    )
    assert {f.clause for f in report.findings} == {f"sykes-picot-{v}" for v in vilayets}
    assert {f.nationality for f in report.findings} >= {"armenians", "kurds"}
    assert all(f.rule is t.NO_DECISION for f in report.findings)


# --- the armistice -----------------------------------------------------------------------------


def test_an_armistice_of_three_months_passes() -> None:
    report = validate(Terms(armistice=ArmisticeProposal(90)), h.register())
    assert report.findings == () and report.releasable


def test_a_shorter_armistice_is_refused_and_reported_first() -> None:
    finland = clause("finland", SEPARATE_STATE, "independence")
    dalmatia = clause("dalmatia", "italy", key="dalmatia")
    report = validate(Terms((finland, dalmatia), ArmisticeProposal(28)), h.register())
    assert str(report.findings[0]) == (
        "armistice.too_short: the armistice proposed for 28 days is shorter than the minimum "
        "of 90 days"
    )
    assert [f.clause for f in report.findings] == [t.ARMISTICE_CLAUSE, *["dalmatia"] * 3]
    assert not report.releasable


def test_lowering_the_minimum_records_the_reason() -> None:
    reason = "the Central Powers propose 28 days, renewed automatically"
    report = validate(
        Terms(armistice=ArmisticeProposal(28, minimum_days=28, lowered_reason=reason)),
        h.register(),
    )
    assert report.releasable
    (notice,) = report.findings
    assert notice.rule is t.ARMISTICE_MINIMUM_LOWERED and notice.severity == "notice"
    assert notice.message.endswith(f"reason recorded: {reason}")


def test_lowering_without_a_reason_does_not_count() -> None:
    report = validate(
        Terms(armistice=ArmisticeProposal(28, minimum_days=28, lowered_reason="  ")),
        h.register(),
    )
    (violation,) = report.findings
    assert violation.rule is t.ARMISTICE_TOO_SHORT
    assert "lowered to 28 days without a recorded reason, so three months applies" in str(violation)


@given(
    term=st.integers(1, 400),
    minimum=st.integers(1, 400),
    reason_given=st.sampled_from([("", False), (" ", False), ("\t", False), ("\u200b", False),
                                  ("\u2060\u200d\u0301", False),
                                  ("negotiations open sooner", True)]),
)
def test_armistice_below_its_minimum_is_a_violation_unless_lowered_for_a_reason(
    term: int, minimum: int, reason_given: tuple[str, bool]
) -> None:
    reason, given = reason_given  # a reason no reader could see is none
    report = validate(
        Terms(armistice=ArmisticeProposal(term, minimum, reason)),
        Register(territories={}, nationalities={}),
    )
    applies = minimum if minimum < 90 and given else max(minimum, 90)
    assert report.releasable == (term >= applies)
    assert (t.ARMISTICE_MINIMUM_LOWERED in [f.rule for f in report.findings]) == (
        minimum < 90 and given
    )


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ArmisticeProposal(0), "at least one day"),
        (
            lambda: OccupationPeriod("x", "y", dt.date(1918, 1, 1), dt.date(1918, 1, 1)),
            "must end after it began",
        ),
        (
            lambda: Decision("finns", "russia", "referendum", dt.date(1918, 1, 1), "s"),  # type: ignore[arg-type]
            "via must be 'plebiscite' or 'declaration'",
        ),
        (
            lambda: Decision("finns", "russia", "plebiscite", dt.date(1918, 1, 1), " "),
            "must cite its source",
        ),
        (
            lambda: Decision("finns", "russia", "plebiscite", dt.date(1918, 1, 1), "\u200b"),
            "must cite its source",
        ),
        (lambda: Terms((clause("a", "x", key="\u200b"),)), "is empty"),
        (
            lambda: TerritorialClause("c", "finland", "russia", "independence"),
            "independence makes a separate state",
        ),
        (
            lambda: TerritorialClause("c", "finland", SEPARATE_STATE, "protectorate"),
            "a protectorate names the state it is for",
        ),
        (lambda: Terms((clause("a", "x"), clause("b", "y"))), "already used"),
        (lambda: Terms((clause("a", "x", key="armistice"),)), "reserved"),
        (
            lambda: Register(territories={}, nationalities={"finns": ["finland"]}),
            "not a territory of the register",
        ),
        (
            lambda: Register(
                territories={"finland": "russia"},
                nationalities={},
                occupations=[OccupationPeriod("finland", "russia", dt.date(1918, 1, 1))],
            ),
            "cannot occupy its own territory",
        ),
        (
            lambda: Register(territories={}, nationalities={}, decisions=[h.FINNISH_DECLARATION]),
            "not a nationality of the register",
        ),
        (
            lambda: h.register(
                decisions=(
                    h.SCHLESWIG_PLEBISCITE,
                    dataclasses.replace(
                        h.SCHLESWIG_PLEBISCITE, choice="germany", source="a second count"
                    ),
                )
            ),
            "contradict each other",
        ),
    ],
)
def test_bad_input_is_refused_with_a_specific_error(build: object, message: str) -> None:
    assert callable(build)
    with pytest.raises(ValueError, match=message):
        build()


# --- properties over generated registers ------------------------------------------------------

EVACUATED = dt.date(1921, 1, 1)
LATEST = dt.date(1925, 1, 1)


KEYS = st.from_regex(r"[a-z]{1,6}", fullmatch=True)


@st.composite
def small_situations(draw: st.DrawFn) -> Situation:
    """The parts of a valid situation the validator reads, and nothing else: much faster to
    draw than `tests.strategies.situations`, which the oracle test still uses."""
    states = draw(st.lists(KEYS, min_size=2, max_size=5, unique=True))
    territories = draw(st.lists(KEYS, min_size=1, max_size=6, unique=True))
    held = {x: draw(st.sampled_from(states)) for x in territories}
    homes = st.lists(st.sampled_from(territories), min_size=1, max_size=3, unique=True)
    nationalities = draw(st.dictionaries(KEYS, homes, max_size=8))
    pairs = [(x, s) for x in territories for s in states if held[x] != s]
    occupied = draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True))
    days = st.dates(dt.date(1900, 1, 1), dt.date(1917, 11, 8))
    government = core.Government("a government")
    return Situation(
        key="generated",
        title="generated",
        as_of=dt.date(1917, 11, 8),
        proposing_state=states[0],
        states=tuple(core.State(s, s, government, (), ()) for s in states),
        territories=tuple(core.Territory(x, x, held[x], ()) for x in territories),
        nationalities=tuple(
            core.Nationality(n, n, (), "metropolitan", (), tuple(sorted(ts)), ())
            for n, ts in nationalities.items()
        ),
        occupations=tuple(core.Occupation(x, s, draw(days), ()) for x, s in occupied),
    )


@st.composite
def worlds(
    draw: st.DrawFn, decided: bool = True, full: bool = False
) -> tuple[Situation, list[Decision]]:
    """A situation and, per nationality, decisions on distinct days up to 1924."""
    situation = draw(situations() if full else small_situations())
    decisions: list[Decision] = []
    for n in situation.nationalities if decided else ():
        days = draw(
            st.lists(
                st.dates(dt.date(1900, 1, 1), LATEST - dt.timedelta(days=1)),
                max_size=3,
                unique=True,
            )
        )
        for day in days:
            choice = draw(destinations(situation))
            via = draw(st.sampled_from(VIAS))
            decisions.append(Decision(n.key, choice, via, day, "generated"))
    return situation, decisions


def destinations(situation: Situation) -> st.SearchStrategy[Destination]:
    states = sorted(s.key for s in situation.states)
    return st.one_of(st.just(SEPARATE_STATE), st.sampled_from(states))


@st.composite
def endings(draw: st.DrawFn, situation: Situation) -> dict[tuple[str, str], dt.date]:
    """Evacuation dates for some of the situation's occupations."""
    return {
        (o.territory, o.occupier): draw(
            st.dates(o.since + dt.timedelta(days=1), dt.date(1924, 12, 31))
        )
        for o in situation.occupations
        if draw(st.booleans())
    }


def residents_of(situation: Situation, territory: str) -> list[str]:
    return sorted(n.key for n in situation.nationalities if territory in n.territories)


def expected_rule(
    situation: Situation,
    periods: list[OccupationPeriod],
    decisions: list[Decision],
    c: TerritorialClause,
    nationality: str,
) -> str | None:
    """The rule as the issue states it, read naively from the lists."""
    if c.kind in ("protectorate", "sphere_of_influence"):
        return f"annexation.{c.kind}"
    homes = next(n.territories for n in situation.nationalities if n.key == nationality)

    def free(d: Decision) -> bool:
        return not any(
            p.territory in homes
            and p.since <= d.taken_on
            and (p.until is None or d.taken_on < p.until)
            for p in periods
        )

    mine = [d for d in decisions if d.nationality == nationality]
    frees = [d for d in mine if free(d)]
    if frees:
        latest = max(frees, key=lambda d: d.taken_on)
        return None if latest.choice == c.to else "annexation.against_decision"
    if any(d.choice == c.to for d in mine):
        return "annexation.decision_not_free"
    holder = next(x.held_by for x in situation.territories if x.key == c.territory)
    if c.kind == "return_to_prewar_ruler" or c.to == holder:
        return "annexation.return_to_prewar_ruler"
    if c.kind in ("by_agreement", "border_rectification"):
        return f"annexation.{c.kind}"
    return "annexation.no_decision"


@st.composite
def clauses(draw: st.DrawFn, situation: Situation, key: str = "c") -> TerritorialClause:
    territory = draw(st.sampled_from([x.key for x in situation.territories] + ["atlantis"]))
    kind = draw(st.sampled_from([*JUDGED_KINDS, *NEVER_FREE]))
    states = sorted(s.key for s in situation.states)
    if kind == "independence":
        to: Destination = SEPARATE_STATE
    elif kind == "by_agreement":
        to = draw(destinations(situation))
    else:
        to = draw(st.sampled_from(states))
    return TerritorialClause(key, territory, to, kind)


@given(data=st.data())
def test_the_validator_reads_the_rule_as_the_issue_states_it(data: st.DataObject) -> None:
    situation, decisions = data.draw(worlds(full=data.draw(st.booleans())))
    ended = data.draw(endings(situation))
    register = Register.from_situation(situation, decisions, ended)
    periods = [
        OccupationPeriod(o.territory, o.occupier, o.since, ended.get((o.territory, o.occupier)))
        for o in situation.occupations
    ]
    for i in range(5):
        c = data.draw(clauses(situation, key=f"c{i}"))
        residents = residents_of(situation, c.territory)
        got = found(t.clause_findings(c, register))
        if not residents:
            assert got == ((None, "annexation.unknown_nationality"),)
            continue
        want = [(n, expected_rule(situation, periods, decisions, c, n)) for n in residents]
        assert got == tuple((n, r) for n, r in want if r is not None)


@st.composite
def decided_territories(
    draw: st.DrawFn,
) -> tuple[Situation, Register, str, Destination, list[str]]:
    """A world where every nationality of one territory freely decided the same destination
    last: all occupations evacuated in 1921, the decisions taken on 1 January 1925."""
    situation, decisions = draw(worlds())
    assume(situation.nationalities)
    nationality = draw(st.sampled_from(situation.nationalities))
    territory = draw(st.sampled_from(nationality.territories))
    residents = residents_of(situation, territory)
    goal = draw(destinations(situation))
    decisions += [Decision(n, goal, "plebiscite", LATEST, "the vote") for n in residents]
    ended = {(o.territory, o.occupier): EVACUATED for o in situation.occupations}
    register = Register.from_situation(situation, decisions, ended)
    return situation, register, territory, goal, residents


def kinds_for(goal: Destination) -> list[ClauseKind]:
    if goal == SEPARATE_STATE:
        return ["independence", "by_agreement"]
    return ["transfer", "return_to_prewar_ruler", "by_agreement", "border_rectification"]


@given(world=decided_territories(), data=st.data())
def test_a_clause_following_every_free_decision_is_never_flagged(
    world: tuple[Situation, Register, str, Destination, list[str]], data: st.DataObject
) -> None:
    _, register, territory, goal, residents = world
    kind = data.draw(st.sampled_from(kinds_for(goal)))
    assert residents
    assert t.clause_findings(clause(territory, goal, kind), register) == ()


@given(world=decided_territories(), data=st.data())
def test_any_other_destination_is_flagged_for_every_resident(
    world: tuple[Situation, Register, str, Destination, list[str]], data: st.DataObject
) -> None:
    situation, register, territory, goal, residents = world
    other = data.draw(st.one_of(destinations(situation), st.just("atlantis")))
    assume(other != goal)
    kind = data.draw(st.sampled_from(kinds_for(other)))
    findings = t.clause_findings(clause(territory, other, kind), register)
    assert found(findings) == tuple((n, "annexation.against_decision") for n in residents)


@given(data=st.data())
def test_a_decision_under_occupation_never_legitimises_until_the_army_leaves(
    data: st.DataObject,
) -> None:
    situation, _ = data.draw(worlds(decided=False))
    assume(situation.nationalities)
    nationality = data.draw(st.sampled_from(situation.nationalities))
    territory = data.draw(st.sampled_from(nationality.territories))
    holder = next(x.held_by for x in situation.territories if x.key == territory)
    occupier = data.draw(st.sampled_from([s.key for s in situation.states if s.key != holder]))
    since = data.draw(st.dates(dt.date(1922, 1, 1), dt.date(1923, 12, 31)))
    until = since + dt.timedelta(days=data.draw(st.integers(1, 400)))
    during = since + dt.timedelta(days=data.draw(st.integers(0, (until - since).days - 1)))
    after = until + dt.timedelta(days=data.draw(st.integers(0, 400)))
    goal = data.draw(destinations(situation))
    kind = data.draw(st.sampled_from(kinds_for(goal)))
    army = OccupationPeriod(territory, occupier, since, until)

    def judged(*days: dt.date) -> tuple[tuple[str | None, str], ...]:
        register = Register(
            territories={x.key: x.held_by for x in situation.territories},
            nationalities={n.key: n.territories for n in situation.nationalities},
            occupations=[
                *(
                    OccupationPeriod(o.territory, o.occupier, o.since, EVACUATED)
                    for o in situation.occupations
                ),
                army,
            ],
            decisions=[Decision(nationality.key, goal, "plebiscite", d, "vote") for d in days],
        )
        return tuple(
            x
            for x in found(t.clause_findings(clause(territory, goal, kind), register))
            if x[0] == nationality.key
        )

    assert judged(during) == ((nationality.key, "annexation.decision_not_free"),)
    assert judged(since) == ((nationality.key, "annexation.decision_not_free"),)
    assert judged(during, after) == ()
    assert judged(until) == ()


@given(data=st.data())
def test_protectorates_and_spheres_are_always_flagged(data: st.DataObject) -> None:
    situation, decisions = data.draw(worlds())
    register = Register.from_situation(situation, decisions, data.draw(endings(situation)))
    kind = data.draw(st.sampled_from(NEVER_FREE))
    territory = data.draw(st.sampled_from([x.key for x in situation.territories]))
    to = data.draw(st.sampled_from([s.key for s in situation.states]))
    report = validate(Terms((clause(territory, to, kind),)), register)
    residents = residents_of(situation, territory)
    assert not report.releasable
    assert found(report.findings) == (
        tuple((n, f"annexation.{kind}") for n in residents)
        or ((None, "annexation.unknown_nationality"),)
    )


@given(data=st.data())
def test_returning_land_to_its_holder_without_a_decision_is_flagged(data: st.DataObject) -> None:
    situation, _ = data.draw(worlds(decided=False))
    register = Register.from_situation(situation)
    territory = data.draw(st.sampled_from(situation.territories))
    moving: list[ClauseKind] = ["transfer", "by_agreement", "border_rectification"]
    kind = data.draw(st.sampled_from(moving))
    findings = t.clause_findings(clause(territory.key, territory.held_by, kind), register)
    residents = residents_of(situation, territory.key)
    assert found(findings) == (
        tuple((n, "annexation.return_to_prewar_ruler") for n in residents)
        or ((None, "annexation.unknown_nationality"),)
    )


@given(data=st.data())
def test_findings_do_not_depend_on_the_order_of_the_register(data: st.DataObject) -> None:
    situation, decisions = data.draw(worlds())
    ended = data.draw(endings(situation))
    shuffled = dataclasses.replace(
        situation,
        territories=tuple(data.draw(st.permutations(situation.territories))),
        nationalities=tuple(data.draw(st.permutations(situation.nationalities))),
        occupations=tuple(data.draw(st.permutations(situation.occupations))),
    )
    terms = Terms(tuple(data.draw(clauses(situation, key=f"c{i}")) for i in range(4)))
    first = validate(terms, Register.from_situation(situation, decisions, ended))
    again = validate(terms, Register.from_situation(situation, decisions, ended))
    other = validate(
        terms, Register.from_situation(shuffled, data.draw(st.permutations(decisions)), ended)
    )
    assert first == again == other
    order = [c.id for c in terms.territorial_clauses]
    assert [f.clause for f in first.findings] == sorted(
        (f.clause for f in first.findings), key=order.index
    )


@given(data=st.data())
def test_an_added_clause_changes_no_other_clause_findings(data: st.DataObject) -> None:
    situation, decisions = data.draw(worlds())
    register = Register.from_situation(situation, decisions, data.draw(endings(situation)))
    original = [data.draw(clauses(situation, key=f"c{i}")) for i in range(4)]
    extra = data.draw(clauses(situation, key="extra"))
    at = data.draw(st.integers(0, len(original)))
    before = validate(Terms(tuple(original)), register)
    after = validate(Terms((*original[:at], extra, *original[at:])), register)
    assert tuple(f for f in after.findings if f.clause != "extra") == before.findings
    assert tuple(f for f in after.findings if f.clause == "extra") == t.clause_findings(
        extra, register
    )
