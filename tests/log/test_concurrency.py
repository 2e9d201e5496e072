"""Concurrent acts and concurrent integrators: contiguous indexes, one consistent history."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.conftest import OPENPEACE, ROOT, run
from tests.log.conftest import state


def test_concurrent_writers_and_integrators_give_no_gap_and_no_duplicate(
    environment: dict[str, str],
) -> None:
    integrators = [
        subprocess.Popen([OPENPEACE, "integrate", "--follow", "--interval", "0.02",
                          "--batch", "50"], env=environment, cwd=ROOT)
        for _ in range(2)
    ]
    # The writers start once an integrator is at work (a first act integrated): on a loaded
    # machine the integrators could otherwise still be starting when the writers are done,
    # and nothing would have run concurrently.
    run(environment, sys.executable, "-m", "tests.log.actor", "append", "1")
    deadline = time.monotonic() + 60
    while state(environment)["tree_size"] < 1:
        assert time.monotonic() < deadline, "no integrator integrated the first act in 60 s"
        time.sleep(0.2)
    writers = [
        subprocess.Popen([sys.executable, "-m", "tests.log.actor", "append", "300"],
                         env=environment, cwd=ROOT)
        for _ in range(3)
    ]
    try:
        for writer in writers:
            assert writer.wait(timeout=120) == 0
    finally:
        for integrator in integrators:
            integrator.send_signal(signal.SIGTERM)
        for integrator in integrators:
            integrator.wait(timeout=30)
    run(environment, OPENPEACE, "integrate")
    after = state(environment)  # also proves every checkpoint consistent with the latest
    assert after["entries"] == 901
    assert after["indexes"] == list(range(901))
    assert after["tree_size"] == after["checkpoint_size"] == 901
    assert after["checkpoints"] > 3
