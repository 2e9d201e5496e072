"""The life of a secret treaty: secret → published → repudiated, every other step refused."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.treaty_status import NEXT, Status, TransitionRefused, transition

ALLOWED = {(Status.SECRET, Status.PUBLISHED), (Status.PUBLISHED, Status.REPUDIATED)}


@pytest.mark.parametrize("current,target", sorted(itertools.product(Status, Status)))
def test_only_the_two_steps_of_the_source_text_are_allowed(current: Status, target: Status) -> None:
    if (current, target) in ALLOWED:
        assert transition(current, target) == target
        return
    with pytest.raises(TransitionRefused) as refused:
        transition(current, target)
    assert f"the treaty is {current} and cannot become {target}" in str(refused.value)


def test_the_refusals_say_why() -> None:
    with pytest.raises(TransitionRefused, match="publication is irreversible"):
        transition(Status.PUBLISHED, Status.SECRET)
    with pytest.raises(TransitionRefused, match="must be published before it is repudiated"):
        transition(Status.SECRET, Status.REPUDIATED)
    with pytest.raises(TransitionRefused, match="already published"):
        transition(Status.PUBLISHED, Status.PUBLISHED)
    with pytest.raises(TransitionRefused, match="repudiation is final"):
        transition(Status.REPUDIATED, Status.PUBLISHED)


@given(st.lists(st.sampled_from(list(Status)), max_size=10))
def test_any_sequence_of_attempts_only_moves_forward(attempts: list[Status]) -> None:
    order = list(NEXT)
    status = Status.SECRET
    for target in attempts:
        try:
            status = transition(status, target)
        except TransitionRefused:
            continue
    published_steps = [s for s in attempts if s != Status.SECRET]
    assert order.index(status) <= len(published_steps)
    assert status != Status.SECRET or Status.PUBLISHED not in attempts
