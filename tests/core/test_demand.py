"""A demand's life: filed → acknowledged → in_progress → satisfied | refused, nothing else;
secession satisfied only by the nationality's own free decision to leave."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core import demand as d
from openpeace.core.demand import Kind, Status

T0 = dt.datetime(1917, 11, 20, 12, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=1)
ALLOWED = {(Status.FILED, Status.ACKNOWLEDGED), (Status.ACKNOWLEDGED, Status.IN_PROGRESS),
           (Status.IN_PROGRESS, Status.SATISFIED), (Status.IN_PROGRESS, Status.REFUSED)}
RULERS = frozenset({"russia", "austria-hungary"})


def demand(kind: Kind = Kind.AUTONOMY, status: Status = Status.FILED,
           nationality: str = "ukrainians") -> d.Demand:
    return d.Demand(nationality, kind, status, T0, RULERS)


def decision(choice: str = d.SEPARATE_STATE, via: str = "declaration", free: bool = True,
             nationality: str = "ukrainians", at: dt.datetime = T0) -> d.Decision:
    return d.Decision(nationality, choice, via, free, at)  # type: ignore[arg-type]


ENTRY = d.LoggedAct(7, "decree.published", T0)


def take(current: d.Demand, target: Status, at: dt.datetime = LATER) -> d.Demand:
    """Take the step to `target` by its own function, with what it needs to succeed."""
    if target == Status.ACKNOWLEDGED:
        return d.acknowledge(current, at)
    if target == Status.IN_PROGRESS:
        return d.begin(current, at)
    if target == Status.REFUSED:
        return d.refuse(current, "It cannot be done.", at)
    if target == Status.SATISFIED:
        return d.satisfy(current, decision(), at)
    d.transition(current.status, target)  # nothing may become filed: this raises
    raise AssertionError("unreachable")


@pytest.mark.parametrize("current,target", sorted(itertools.product(Status, Status)))
def test_only_the_steps_of_the_lifecycle_are_allowed(current: Status, target: Status) -> None:
    if (current, target) in ALLOWED:
        moved = take(demand(status=current), target)
        assert (moved.status, moved.since) == (target, LATER)
        assert d.transition(current, target) == target
        return
    with pytest.raises(d.TransitionRefused) as refused:
        d.transition(current, target)
    assert f"the demand is {current} and cannot become {target}: " in str(refused.value)
    with pytest.raises(d.TransitionRefused, match=f"the demand is {current} "):
        take(demand(status=current), target)


@pytest.mark.parametrize("current,target,why", [
    (Status.FILED, Status.IN_PROGRESS, "it must be acknowledged first"),
    (Status.FILED, Status.SATISFIED, "it must be acknowledged first"),
    (Status.FILED, Status.REFUSED, "it must be acknowledged first"),
    (Status.ACKNOWLEDGED, Status.SATISFIED, "it must be in progress first"),
    (Status.ACKNOWLEDGED, Status.REFUSED, "it must be in progress first"),
    (Status.ACKNOWLEDGED, Status.ACKNOWLEDGED, "it is already acknowledged"),
    (Status.IN_PROGRESS, Status.ACKNOWLEDGED, "a demand never goes back a step"),
    (Status.IN_PROGRESS, Status.FILED, "a demand is filed once"),
    (Status.SATISFIED, Status.REFUSED, "satisfied is final"),
    (Status.REFUSED, Status.IN_PROGRESS, "refused is final"),
    (Status.REFUSED, Status.REFUSED, "it is already refused"),
])
def test_the_refusals_say_why(current: Status, target: Status, why: str) -> None:
    with pytest.raises(d.TransitionRefused, match=why):
        d.transition(current, target)


def test_no_step_is_dated_before_the_one_it_follows() -> None:
    with pytest.raises(d.DemandError, match="it became filed at 1917-11-20T12:00:00"):
        d.acknowledge(demand(), T0 - dt.timedelta(seconds=1))
    assert d.acknowledge(demand(), T0).since == T0  # the same instant is allowed


@pytest.mark.parametrize(("reasons", "why"), [
    ("", "must publish its reasons: none were given$"),
    ("   \n", "must publish its reasons: none were given [(]it is only white space[)]$"),
    ("\u200b", "must publish its reasons: none were given [(]it has no visible character"),
    ("No.\x00", "^the reasons of a refusal cannot contain a NUL character"),
])
def test_a_refusal_publishes_its_reasons(reasons: str, why: str) -> None:
    with pytest.raises(d.DemandError, match=why):
        d.refuse(demand(status=Status.IN_PROGRESS), reasons, LATER)


def test_a_wrong_transition_is_named_before_missing_reasons() -> None:
    with pytest.raises(d.TransitionRefused, match="the demand is filed"):
        d.refuse(demand(), "", LATER)


@pytest.mark.parametrize("kind", [Kind.SECESSION, Kind.RECOGNITION_OF_DECLARATION])
def test_secession_and_recognition_are_satisfied_only_by_a_decision(kind: Kind) -> None:
    in_progress = demand(kind, Status.IN_PROGRESS)
    with pytest.raises(d.ActRefused, match=r"only by .* not by another act"):
        d.satisfy(in_progress, ENTRY, LATER)
    assert d.satisfy(in_progress, decision(), LATER).status == Status.SATISFIED


@pytest.mark.parametrize("act,message", [
    (decision(choice="russia"), "decided to join russia, which rules them now: that is no "
                                "secession"),
    (decision(free=False), "taken under a foreign occupation: it is not free"),
    (decision(nationality="finns"), "the decision is the finns', not the ukrainians'"),
])
def test_what_is_no_secession(act: d.Decision, message: str) -> None:
    with pytest.raises(d.ActRefused, match=message):
        d.satisfy(demand(Kind.SECESSION, Status.IN_PROGRESS), act, LATER)


def test_secession_to_join_a_state_that_does_not_rule_it_is_secession() -> None:
    joined = d.satisfy(demand(Kind.SECESSION, Status.IN_PROGRESS), decision(choice="poland"),
                       LATER)
    assert joined.status == Status.SATISFIED


def test_a_declaration_is_recognised_only_by_a_declaration() -> None:
    with pytest.raises(d.ActRefused, match="not by a plebiscite"):
        d.satisfy(demand(Kind.RECOGNITION_OF_DECLARATION, Status.IN_PROGRESS),
                  decision(via="plebiscite"), LATER)


@pytest.mark.parametrize("kind", sorted(set(Kind) - d.BY_DECISION_ONLY))
def test_other_demands_are_satisfied_by_another_act_or_a_decision(kind: Kind) -> None:
    in_progress = demand(kind, Status.IN_PROGRESS)
    assert d.satisfy(in_progress, ENTRY, LATER).status == Status.SATISFIED
    assert d.satisfy(in_progress, decision(choice="russia"), LATER).status == Status.SATISFIED
    with pytest.raises(d.ActRefused, match="not free"):
        d.satisfy(in_progress, decision(free=False), LATER)


def test_a_demand_s_own_step_satisfies_no_demand() -> None:
    with pytest.raises(d.ActRefused, match=r"is a step of a demand \(demand.filed\)"):
        d.satisfy(demand(status=Status.IN_PROGRESS), d.LoggedAct(3, "demand.filed", T0), LATER)


@pytest.mark.parametrize(("act", "said"), [
    (d.LoggedAct(0, "situation.loaded", T0 - dt.timedelta(days=1), "situation:1917"),
     "log entry 0 was recorded on .*, before the demand was filed on"),
    (d.LoggedAct(5, "decision.recorded", T0, "nationality:finns"),
     "log entry 5 is about the finns, not the ukrainians"),
    (d.LoggedAct(6, "endorsement.tally", T0, "offer:peace"), r"the record of a count or a ballot"),
    (d.LoggedAct(6, "plebiscite.ballot_cast", T0, "plebiscite:x"), r"the record of a count or"),
])
def test_a_logged_act_satisfies_only_a_demand_it_can_answer(act: d.LoggedAct, said: str) -> None:
    filed = d.filed("ukrainians", Kind.AUTONOMY, T0)
    assert filed.filed_at == T0
    in_progress = take(take(filed, Status.ACKNOWLEDGED), Status.IN_PROGRESS)
    assert in_progress.filed_at == T0  # kept through the steps
    with pytest.raises(d.ActRefused, match=said):
        d.satisfy(in_progress, act, LATER)
    own = d.LoggedAct(act.index, "treaty.published", T0, "nationality:ukrainians")
    assert d.satisfy(in_progress, own, LATER).status == Status.SATISFIED


def test_a_demand_is_satisfied_by_an_act_already_done() -> None:
    with pytest.raises(d.ActRefused, match="an act already done"):
        d.satisfy(demand(status=Status.IN_PROGRESS), decision(at=LATER + dt.timedelta(hours=1)),
                  LATER)


def test_the_transition_is_checked_before_the_act() -> None:
    with pytest.raises(d.TransitionRefused, match="the demand is acknowledged"):
        d.satisfy(demand(Kind.SECESSION, Status.ACKNOWLEDGED), ENTRY, LATER)


times = st.datetimes(min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 - naive bounds,
                     max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001 - zoned values
                     timezones=st.just(dt.UTC))
attempts = st.lists(st.tuples(st.sampled_from(list(Status)), times), max_size=12)
acts = st.one_of(
    st.builds(d.Decision, st.sampled_from(["ukrainians", "finns"]),
              st.sampled_from([d.SEPARATE_STATE, "russia", "austria-hungary", "poland"]),
              st.sampled_from(["plebiscite", "declaration"]), st.booleans(), times),
    st.builds(d.LoggedAct, st.integers(0, 10**6),
              st.sampled_from(["decree.published", "demand.filed", "treaty.repudiated"]), times),
)


@given(st.sampled_from(list(Kind)), attempts)
def test_any_sequence_of_attempts_only_moves_forward_in_time(
    kind: Kind, tries: list[tuple[Status, dt.datetime]]
) -> None:
    current = d.filed("ukrainians", kind, T0, RULERS)
    history = [current]
    for target, at in tries:
        try:
            current = take(current, target, at)
        except d.DemandError:
            continue
        history.append(current)
    ranks = [list(Status).index(h.status) for h in history]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert [h.since for h in history] == sorted(h.since for h in history)
    assert not ({Status.SATISFIED, Status.REFUSED} <= {h.status for h in history})


@given(st.sampled_from(list(Kind)), acts)
def test_secession_is_satisfied_only_by_a_free_decision_to_leave(kind: Kind, act: d.Act) -> None:
    in_progress = d.Demand("ukrainians", kind, Status.IN_PROGRESS, T0, RULERS)
    at = max(T0, act.recorded_at)
    try:
        satisfied = d.satisfy(in_progress, act, at)
    except d.ActRefused:
        return
    assert satisfied.status == Status.SATISFIED
    if kind in d.BY_DECISION_ONLY:
        assert isinstance(act, d.Decision) and act.nationality == "ukrainians" and act.free
    if kind == Kind.SECESSION:
        assert isinstance(act, d.Decision) and act.choice not in RULERS
    if kind == Kind.RECOGNITION_OF_DECLARATION:
        assert isinstance(act, d.Decision) and act.via == "declaration"
    if isinstance(act, d.LoggedAct):
        assert not act.kind.startswith("demand.")
