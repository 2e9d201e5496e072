"""The coverage report: every nationality exactly once, totals that add up, colonial included."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.coverage import GIVEN, DecisionFact, Nationality, coverage

STATES = ["russia", "france", "germany", "united-kingdom"]

nationalities = st.lists(
    st.builds(
        Nationality,
        key=st.text("abcdefgh", min_size=1, max_size=4),
        name=st.just("N"),
        standing=st.sampled_from(["metropolitan", "colonial"]),
        ruled_by=st.lists(st.sampled_from(STATES), max_size=2, unique=True).map(tuple),
    ),
    unique_by=lambda n: n.key, max_size=25,
)


@st.composite
def registers(draw: st.DrawFn) -> tuple[list[Nationality], list[DecisionFact]]:
    ns = draw(nationalities)
    keys = [n.key for n in ns] or ["nobody"]
    decisions = draw(st.lists(st.builds(
        DecisionFact,
        nationality=st.sampled_from(keys),
        choice=st.sampled_from(["separate_state", *STATES]),
        via=st.sampled_from(["plebiscite", "declaration"]),
        taken_on=st.dates(dt.date(1917, 1, 1), dt.date(1920, 1, 1)),
        free=st.booleans(),
    ), max_size=40))
    return ns, [d for d in decisions if d.nationality in {n.key for n in ns}]


@given(registers())
def test_every_nationality_is_in_the_report_exactly_once(
    register: tuple[list[Nationality], list[DecisionFact]],
) -> None:
    ns, decisions = register
    report = coverage(ns, decisions)
    assert [r.nationality.key for r in report.rows] == sorted(n.key for n in ns)
    assert sum(report.totals.values()) == len(ns)
    colonial = sum(n.standing == "colonial" for n in ns)
    assert sum(v for (s, _), v in report.totals.items() if s == "colonial") == colonial
    for group in report.groups:
        assert sum(group.totals.values()) == len(group.rows)
        assert all(group.state in r.nationality.ruled_by for r in group.rows)
    in_groups = {r.nationality.key for g in report.groups for r in g.rows}
    assert in_groups == {n.key for n in ns if n.ruled_by}


@given(registers())
def test_the_decision_that_counts_is_the_latest_free_one(
    register: tuple[list[Nationality], list[DecisionFact]],
) -> None:
    ns, decisions = register
    for row in coverage(ns, decisions).rows:
        mine = [d for d in decisions if d.nationality == row.nationality.key]
        free = [d for d in mine if d.free]
        assert row.given == ("decided" if free else "decided_not_free" if mine else "not_given")
        assert row.given in GIVEN
        if free:
            assert row.decision is not None and row.decision.free
            assert row.decision.taken_on == max(d.taken_on for d in free)
        elif mine:
            assert row.decision is not None and not row.decision.free


def test_pending_items_are_carried_and_an_example_adds_up() -> None:
    ns = [Nationality("finns", "Finns", "metropolitan", ("russia",)),
          Nationality("algerians", "Algerians", "colonial", ("france",)),
          Nationality("armenians", "Armenians", "metropolitan", ("ottoman-empire", "russia"))]
    decisions = [DecisionFact("finns", "separate_state", "declaration", dt.date(1917, 12, 6),
                              True),
                 DecisionFact("armenians", "russia", "plebiscite", dt.date(1917, 12, 1), False)]
    report = coverage(ns, decisions, {"algerians": ["demand: recognition (filed)"]})
    given = {r.nationality.key: (r.given, r.pending) for r in report.rows}
    assert given == {"finns": ("decided", ()), "armenians": ("decided_not_free", ()),
                     "algerians": ("not_given", ("demand: recognition (filed)",))}
    russia = next(g for g in report.groups if g.state == "russia")
    assert [r.nationality.key for r in russia.rows] == ["armenians", "finns"]
    assert russia.totals[("metropolitan", "decided")] == 1
    assert report.totals[("colonial", "not_given")] == 1
