"""The background workers' loop (`openpeace.worker.repeat`): a failed round is logged and the
next one runs, when following; a single run fails for whoever ran it."""

from __future__ import annotations

import logging
import threading

import pytest

from openpeace.worker import repeat


@pytest.mark.django_db  # between rounds the worker closes its stale connections
def test_a_worker_that_follows_goes_on_after_a_failed_round(
        caplog: pytest.LogCaptureFixture) -> None:
    rounds: list[int] = []

    def job(stop: threading.Event) -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("one bad row")
        stop.set()  # the second round ends the worker, as SIGTERM would

    with caplog.at_level(logging.ERROR, logger="openpeace.worker"):
        repeat(job, interval=0.01, follow=True)
    assert rounds == [0, 1]
    assert "a round of the worker failed" in caplog.text and "one bad row" in caplog.text


def test_a_single_run_fails_with_its_error() -> None:
    def job(stop: threading.Event) -> None:
        raise RuntimeError("one bad row")

    with pytest.raises(RuntimeError, match="one bad row"):
        repeat(job, interval=0.01, follow=False)
