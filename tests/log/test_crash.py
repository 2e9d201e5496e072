"""The log is the spine: kill the process in the middle of acts, and nothing is half-done.

Each test runs real processes (`openpeace`, or the actor script) against a database of its
own, kills them with SIGKILL at moments chosen to fall inside a transaction, and then checks
from a fresh process that no act exists without its entry, no entry without its act, and that
the integrated log is contiguous, matches its signed checkpoint and verifies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_1917, OPENPEACE, ROOT, run
from tests.log.conftest import state


def kill_when(process: subprocess.Popen[str], marker: str) -> bool:
    """SIGKILL `process` as soon as it prints `marker` on stderr; False if it ended first."""
    assert process.stderr is not None
    for line in process.stderr:
        if marker in line:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
    process.wait()
    return False


@pytest.mark.parametrize("stage", ["sources:", "states:", "nationalities:", "occupations sources:"])
def test_a_load_killed_midway_leaves_neither_register_nor_entry(
    environment: dict[str, str], stage: str
) -> None:
    load = subprocess.Popen(
        [OPENPEACE, "load-situation", str(DEFAULT_1917)],
        env=environment, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    assert kill_when(load, stage), "the load ended before the kill"
    after = state(environment)
    assert (after["situations"], after["states"], after["situation_entries"]) == (0, 0, 0)
    # And the act still works afterwards, with its entry.
    run(environment, OPENPEACE, "load-situation", str(DEFAULT_1917), "--quiet")
    after = state(environment)
    assert (after["situations"], after["situation_entries"], after["states"]) == (1, 1, 26)


def test_acts_killed_at_random_keep_act_and_entry_together(environment: dict[str, str]) -> None:
    """Each act's own row is its entry here: a killed writer leaves only whole acts. The
    kills are timed from the writer's first act, not from its start, which a loaded machine
    can stretch past any fixed delay."""
    for delay in (0.05, 0.2, 0.5):
        actor = subprocess.Popen(
            [sys.executable, "-m", "tests.log.actor", "append", "100000"],
            env=environment, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True,
        )
        assert actor.stdout is not None and actor.stdout.readline() == "appending\n"
        time.sleep(delay)
        actor.send_signal(signal.SIGKILL)
        actor.wait()
    before = state(environment)["entries"]
    assert before > 0
    run(environment, OPENPEACE, "integrate")
    after = state(environment)
    assert after["indexes"] == list(range(before))
    assert after["tree_size"] == after["checkpoint_size"] == before


def test_an_integrator_killed_midway_leaves_a_consistent_signed_log(
    environment: dict[str, str], tmp_path: Path
) -> None:
    run(environment, sys.executable, "-m", "tests.log.actor", "seed", "60000")
    integrator = subprocess.Popen(
        [OPENPEACE, "integrate", "--verbosity", "2"],
        env={**environment}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert integrator.stdout is not None
    for line in integrator.stdout:  # kill it after its second batch, inside the third
        if "size 20000" in line:
            os.kill(integrator.pid, signal.SIGKILL)
            break
    integrator.wait()
    killed = state(environment)
    size = killed["tree_size"]
    assert 20_000 <= size < 60_000
    assert killed["checkpoint_size"] == size
    assert killed["indexes"] == list(range(size))

    run(environment, OPENPEACE, "integrate")
    finished = state(environment)
    assert finished["indexes"] == list(range(60_000))
    export = tmp_path / "export"
    run(environment, OPENPEACE, "log", "export", str(export))
    key = (export / "key").read_text().strip()
    verified = run(environment, OPENPEACE, "verify", str(export), "--key", key,
                   "--state", str(tmp_path / "verify-state"))
    assert "at size 60,000" in verified
