"""The process rules: the state machine per belligerent, the overall status, the defence rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.process import (
    EVENTS,
    REPLY_STAGES,
    STAGES,
    BelligerentState,
    Event,
    Process,
    ProcessError,
    Stage,
    Transition,
    TransitionError,
    apply_deadline,
    status,
)

UTC = dt.UTC
RELEASED = dt.datetime(1917, 11, 21, 12, tzinfo=UTC)
KEYS = ["germany", "austria-hungary", "ottoman-empire", "bulgaria", "france", "united-kingdom"]

# The documented table, written out again as the specification the module must follow.
ALLOWED: dict[Stage, dict[Event, Stage]] = {
    "offered": {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
        "no_reply": "silent",
    },
    "silent": {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
    },
    "rejected": {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
    },
    "counter_proposed": {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
    },
    "negotiating": {
        "accepts_armistice": "armistice_accepted",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
        "signs_armistice": "armistice_in_force",
        "concludes_peace": "peace_concluded",
    },
    "armistice_accepted": {
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
        "signs_armistice": "armistice_in_force",
    },
    "armistice_in_force": {
        "concludes_peace": "peace_concluded",
        "armistice_ends": "armistice_ended",
    },
    "armistice_ended": {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
        "signs_armistice": "armistice_in_force",
        "concludes_peace": "peace_concluded",
    },
    "peace_concluded": {},
}
NO_TRUCE = {"offered", "silent", "rejected", "counter_proposed", "armistice_ended"}


def at(day: int, month: int, year: int = 1917) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=UTC)


hours = st.integers(min_value=0, max_value=24 * 60).map(lambda h: dt.timedelta(hours=h))
deadlines = st.integers(min_value=1, max_value=24 * 30).map(
    lambda h: RELEASED + dt.timedelta(hours=h)
)
addressees = st.lists(st.sampled_from(KEYS), min_size=1, max_size=len(KEYS), unique=True)


@st.composite
def processes(draw: st.DrawFn) -> Process:
    """A process with every addressee in any stage, entered at any time after the release."""
    states = {}
    for key in draw(addressees):
        stage = draw(st.sampled_from(STAGES))
        since = RELEASED if stage == "offered" else RELEASED + draw(hours)
        states[key] = BelligerentState(stage, since)
    return Process(RELEASED, draw(deadlines), states)


moments = hours.map(lambda h: RELEASED + 2 * h)


@given(
    keys=addressees,
    deadline=deadlines,
    steps=st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(EVENTS), hours), max_size=40),
)
def test_random_events_follow_the_table_and_nothing_else(
    keys: list[str], deadline: dt.datetime, steps: list[tuple[str, Event, dt.timedelta]]
) -> None:
    process = Process.offer(keys, RELEASED, deadline)
    paths = {key: ["offered"] for key in keys}
    now = RELEASED
    for key, event, later in steps:
        now += later
        if key not in keys:
            with pytest.raises(ProcessError, match="is not addressed by this offer"):
                process.record(key, event, now)
            continue
        stage = process.states[key].stage
        target = ALLOWED[stage].get(event)
        if target is None or (event == "no_reply" and now <= deadline):
            with pytest.raises(TransitionError) as refused:
                process.record(key, event, now)
            message = str(refused.value)
            assert message.startswith(f"{key} cannot record {event!r}")
            assert f"its process is {stage!r}" in message or f"already {stage!r}" in message
            assert (refused.value.stage, refused.value.event) == (stage, event)
            continue
        after = process.record(key, event, now)
        assert after.states[key] == BelligerentState(target, now)
        assert {k: s for k, s in after.states.items() if k != key} == {
            k: s for k, s in process.states.items() if k != key
        }
        process = after
        paths[key].append(target)
    for path in paths.values():
        assert set(path) <= set(STAGES)
        for before, after_stage in pairwise(path):
            if after_stage == "armistice_in_force":
                assert before in {"armistice_accepted", "negotiating", "armistice_ended"}
            if after_stage == "peace_concluded":
                assert before in {"armistice_in_force", "negotiating", "armistice_ended"}
            if after_stage == "armistice_ended":
                assert before == "armistice_in_force"
            if before == "armistice_in_force":  # the truce holds until peace or its end
                assert after_stage in {"peace_concluded", "armistice_ended"}


@given(process=processes(), event=st.sampled_from(EVENTS), data=st.data())
def test_an_illegal_event_raises_naming_the_state_and_the_event(
    process: Process, event: Event, data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(sorted(process.states)))
    stage = process.states[key].stage
    moment = max(s.since for s in process.states.values()) + dt.timedelta(days=400)
    if event in ALLOWED[stage]:
        assert process.record(key, event, moment).states[key].stage == ALLOWED[stage][event]
    else:
        with pytest.raises(TransitionError, match=f"{key} cannot record '{event}'.*'{stage}'"):
            process.record(key, event, moment)


def expected_status(stages: list[Stage], deadline_passed: bool) -> str:
    if all(s == "peace_concluded" for s in stages):
        return "peace"
    if any(s in {"armistice_accepted", "armistice_in_force", "peace_concluded"} for s in stages):
        return "truce"
    if "negotiating" in stages:
        return "negotiations"
    return "defence" if deadline_passed else "open"


@given(process=processes(), now=moments, shift=hours)
def test_the_status_is_a_function_of_the_stages_and_the_deadline(
    process: Process, now: dt.datetime, shift: dt.timedelta
) -> None:
    stages = [s.stage for s in process.states.values()]
    passed = now > process.deadline
    assert status(process, now) == expected_status(stages, passed)
    # other keys, other times of entry: the same stages give the same status
    renamed = Process(
        process.released_at,
        process.deadline,
        {
            f"state-{i}": s if s.stage == "offered" else BelligerentState(s.stage, s.since + shift)
            for i, s in enumerate(reversed(process.states.values()))
        },
    )
    assert status(renamed, now) == status(process, now)
    # on either side of the deadline, the moment does not matter
    later = process.deadline + shift + dt.timedelta(seconds=1)
    assert status(process, later) == expected_status(stages, True)
    assert status(process, process.deadline) == expected_status(stages, False)


@given(process=processes(), now=moments)
def test_the_defence_rule_holds_exactly(process: Process, now: dt.datetime) -> None:
    """ "if not a single belligerent state accepts even a truce ... a truly just war of defence" """
    no_one_accepted = all(s.stage in NO_TRUCE for s in process.states.values())
    assert (status(process, now) == "defence") == (now > process.deadline and no_one_accepted)


@given(process=processes(), now=moments, later=hours)
def test_applying_the_deadline_silences_only_the_offered_and_is_idempotent(
    process: Process, now: dt.datetime, later: dt.timedelta
) -> None:
    after, transitions = apply_deadline(process, now)
    passed = now > process.deadline
    silenced = [k for k, s in process.states.items() if passed and s.stage == "offered"]
    assert [t.state_key for t in transitions] == silenced
    assert all(
        t == Transition(t.state_key, "no_reply", "offered", "silent", now) for t in transitions
    )
    for key, state in process.states.items():
        expected = BelligerentState("silent", now) if key in silenced else state
        assert after.states[key] == expected
    assert apply_deadline(after, now) == (after, ())
    if passed:
        assert apply_deadline(after, now + later) == (after, ())
    else:
        assert (after, transitions) == (process, ())


def test_the_1917_sequence() -> None:
    """Scenario from research/history-1917.md §5: the Allies silent, the Central Powers in truce.

    Released with Trotsky's note of 21 Nov 1917 ("a formal proposal for an immediate armistice
    on all fronts"); the deadline is the opening of talks set by the appeal of 28 Nov, 2 Dec.
    The envoys crossing the German lines on 26 Nov stand for the four Central Powers' acceptance.
    """
    central = ["germany", "austria-hungary", "ottoman-empire", "bulgaria"]
    allies = [
        "france",
        "united-kingdom",
        "italy",
        "united-states",
        "belgium",
        "serbia",
        "romania",
        "japan",
        "china",
    ]
    process = Process.offer(central + allies, at(21, 11), deadline=at(2, 12))
    assert status(process, at(22, 11)) == "open"
    for key in central:
        process = process.record(key, "accepts_armistice", at(26, 11))
    assert status(process, at(27, 11)) == "truce"

    process, silenced = apply_deadline(process, at(3, 12))
    assert [t.state_key for t in silenced] == allies
    assert {process.states[k].stage for k in allies} == {"silent"}
    assert apply_deadline(process, at(4, 12)) == (process, ())

    for key in central:  # signed 15 Dec, in force from 17 Dec 1917
        process = process.record(key, "signs_armistice", at(17, 12))
    assert status(process, at(17, 12)) == "truce"
    # 22 Dec: the peace conference opens at Brest-Litovsk, under the armistice; its sessions are
    # negotiations, not a change of the process, and the status stays a truce
    with pytest.raises(TransitionError, match="already 'armistice_in_force'"):
        process.record("germany", "accepts_negotiations", at(22, 12))
    assert status(process, at(22, 12)) == "truce"

    for key in central:  # 3 Mar 1918: a separate peace is not the general peace
        process = process.record(key, "concludes_peace", at(3, 3, 1918))
    assert status(process, at(4, 3, 1918)) == "truce"
    with pytest.raises(TransitionError) as refused:
        process.record("germany", "accepts_armistice", at(5, 3, 1918))
    assert str(refused.value).startswith(
        "germany cannot record 'accepts_armistice': its process is already 'peace_concluded'"
    )


def test_when_the_armistice_ends_the_war_resumes() -> None:
    """ "an immediate armistice (even if only for three months)": a truce may end, and then it
    no longer counts as one; the government may reply anew or sign another armistice."""
    process = Process.offer(["germany", "france"], at(21, 11), deadline=at(2, 12))
    process = process.record("germany", "accepts_armistice", at(26, 11))
    process, _ = apply_deadline(process, at(3, 12))
    process = process.record("germany", "signs_armistice", at(15, 12))
    assert status(process, at(15, 12)) == "truce"

    ended = process.record("germany", "armistice_ends", at(18, 2, 1918))
    assert ended.states["germany"] == BelligerentState("armistice_ended", at(18, 2, 1918))
    assert status(ended, at(18, 2, 1918)) == "defence"
    negotiating = ended.record("france", "accepts_negotiations", at(19, 2, 1918))
    assert status(negotiating, at(19, 2, 1918)) == "negotiations"
    again = ended.record("germany", "signs_armistice", at(20, 2, 1918))
    assert status(again, at(20, 2, 1918)) == "truce"
    peace = ended.record("germany", "concludes_peace", at(3, 3, 1918))
    assert peace.states["germany"].stage == "peace_concluded"
    assert "armistice_ends" not in REPLY_STAGES


def test_an_armistice_ended_before_the_deadline_leaves_the_offer_open() -> None:
    process = alone("armistice_in_force", at(25, 11)).record("france", "armistice_ends", at(1, 12))
    assert status(process, at(1, 12)) == "open"
    assert status(process, at(3, 12)) == "defence"


def test_the_least_probable_thing_a_war_of_defence_until_someone_accepts() -> None:
    process = Process.offer(["germany", "france"], at(21, 11), deadline=at(2, 12))
    process = process.record("germany", "rejects", at(25, 11))
    process = process.record("france", "counter_proposal", at(30, 11))
    assert status(process, at(2, 12)) == "open"
    process, _ = apply_deadline(process, at(3, 12))
    assert status(process, at(3, 12)) == "defence"
    negotiating = process.record("germany", "accepts_negotiations", at(10, 12))
    assert status(negotiating, at(10, 12)) == "negotiations"
    truce = process.record("france", "accepts_armistice", at(10, 12))
    assert status(truce, at(10, 12)) == "truce"


def test_governments_change_their_minds_before_anything_is_signed() -> None:
    process = Process.offer(["germany"], at(21, 11), deadline=at(2, 12))
    for event, stage in [
        ("accepts_negotiations", "negotiating"),
        ("counter_proposal", "counter_proposed"),
        ("counter_proposal", "counter_proposed"),
        ("rejects", "rejected"),
        ("accepts_armistice", "armistice_accepted"),
        ("rejects", "rejected"),
        ("accepts_negotiations", "negotiating"),
        ("concludes_peace", "peace_concluded"),
    ]:
        process = process.record("germany", event, at(1, 12))
        assert process.states["germany"].stage == stage
    assert status(process, at(1, 12)) == "peace"


def alone(stage: Stage, since: dt.datetime, key: str = "france") -> Process:
    """A process released on 21 Nov 1917 with one addressee, in `stage` since `since`."""
    return Process(at(21, 11), at(2, 12), {key: BelligerentState(stage, since)})


@pytest.mark.parametrize(
    ("stage", "event", "message"),
    [
        (
            "offered",
            "signs_armistice",
            "germany cannot record 'signs_armistice': its process is 'offered'"
            " ('signs_armistice' can follow only 'negotiating' or 'armistice_accepted' or"
            " 'armistice_ended')",
        ),
        (
            "rejected",
            "rejects",
            "germany cannot record 'rejects': its process is already 'rejected'",
        ),
        (
            "silent",
            "concludes_peace",
            "germany cannot record 'concludes_peace': its process is 'silent'",
        ),
        (
            "armistice_accepted",
            "accepts_negotiations",
            "germany cannot record 'accepts_negotiations': its process is already"
            " 'armistice_accepted'",
        ),
        (
            "armistice_accepted",
            "armistice_ends",
            "germany cannot record 'armistice_ends': its process is 'armistice_accepted'"
            " ('armistice_ends' can follow only 'armistice_in_force')",
        ),
        (
            "armistice_ended",
            "armistice_ends",
            "germany cannot record 'armistice_ends': its process is already 'armistice_ended'",
        ),
        (
            "peace_concluded",
            "armistice_ends",
            "germany cannot record 'armistice_ends': its process is already 'peace_concluded'",
        ),
    ],
)
def test_refusals_read_well(stage: Stage, event: Event, message: str) -> None:
    process = alone(stage, at(21, 11), key="germany")
    with pytest.raises(TransitionError) as refused:
        process.record("germany", event, at(1, 12))
    assert str(refused.value).startswith(message)


def test_the_replies_a_government_can_give() -> None:
    assert dict(REPLY_STAGES) == {
        "accepts_armistice": "armistice_accepted",
        "accepts_negotiations": "negotiating",
        "counter_proposal": "counter_proposed",
        "rejects": "rejected",
    }


def test_silence_only_after_the_deadline() -> None:
    process = Process.offer(["france"], at(21, 11), deadline=at(2, 12))
    with pytest.raises(TransitionError, match=r"'no_reply'.*'offered'.*has not passed"):
        process.record("france", "no_reply", at(2, 12))
    assert process.record("france", "no_reply", at(3, 12)).states["france"].stage == "silent"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Process.offer(["france"], at(2, 12), at(21, 11)), "must come after the release"),
        (lambda: Process.offer([], at(21, 11), at(2, 12)), "at least one belligerent"),
        (lambda: Process.offer(["france", "france"], at(21, 11), at(2, 12)), "each belligerent"),
        (
            lambda: Process.offer(["france"], dt.datetime(1917, 11, 21), at(2, 12)),  # noqa: DTZ001
            "timezone-aware",
        ),
        (lambda: alone("rejected", at(1, 11)), "before the offer was released"),
        (lambda: alone("offered", at(22, 11)), "the same instant for every addressee"),
        (lambda: alone("offered", at(21, 11), key=""), "must not be empty"),
        (
            lambda: Process.offer(["france"], at(21, 11), at(2, 12)).record(
                "atlantis", "rejects", at(22, 11)
            ),
            "'atlantis' is not addressed",
        ),
        (
            lambda: Process.offer(["france"], at(21, 11), at(2, 12)).record(
                "france", "surrenders", at(22, 11)
            ),
            "'surrenders' is not an event",
        ),
        (
            lambda: (
                Process.offer(["france"], at(21, 11), at(2, 12))
                .record("france", "rejects", at(25, 11))
                .record("france", "accepts_armistice", at(24, 11))
            ),
            "only since 1917-11-25",
        ),
    ],
)
def test_bad_input_is_refused_clearly(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ProcessError, match=message):
        build()


def test_a_process_is_an_immutable_value() -> None:
    process = Process.offer(["france"], at(21, 11), at(2, 12))
    after = process.record("france", "rejects", at(22, 11))
    assert process.states["france"].stage == "offered"
    assert after != process
    assert after == Process.offer(["france"], at(21, 11), at(2, 12)).record(
        "france", "rejects", at(22, 11)
    )
    with pytest.raises(TypeError):
        process.states["france"] = BelligerentState("rejected", at(22, 11))
