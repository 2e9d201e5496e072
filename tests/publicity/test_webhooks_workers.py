"""Webhooks delivered by real worker processes: `openpeace webhooks run` fans the acts out and
queues them, `db_worker` (the default queue, in the database) or `rqworker` (RQ on a real Redis,
with REDIS_URL) sends them to a real receiver, which verifies each with the `standardwebhooks`
library. And the outbox survives a killed worker: a `db_worker` SIGKILLed while a request is on
the wire, then restarted, delivers every act; the receiver sees each act under one id only, and
twice at most the one that was in flight.

The processes run with a settings module of their own (`OPENPEACE_WEBHOOKS_ALLOW_PRIVATE`: the
receiver is on 127.0.0.1; a one-second claim lease, so that the restart need not wait).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import OPENPEACE, ROOT, run
from tests.diplomacy.test_tasks_rq import redis_url, rq_environment  # noqa: F401  (fixtures)
from tests.publicity.test_webhooks import Receiver, receiver  # noqa: F401  (a fixture)

SETTINGS = """
from openpeace.settings import *  # noqa: F403

OPENPEACE_WEBHOOKS_ALLOW_PRIVATE = True
OPENPEACE_OUTBOX_LEASE = 1
"""

ACTS = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
import django
django.setup()
from django.db import transaction
from openpeace.log.services import entry_append, log_integrate
for n in range(int(sys.argv[1])):
    with transaction.atomic():
        entry_append(kind="test.act", subject="state:x", content={"n": n})
log_integrate()
"""
"""Record N acts, one transaction each, and integrate them."""


def with_hook_settings(env: dict[str, str], directory: Path) -> dict[str, str]:
    (directory / "hook_settings.py").write_text(SETTINGS, encoding="utf-8")
    return {**env, "DJANGO_SETTINGS_MODULE": "hook_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(directory)])}


@pytest.fixture
def hook_environment(environment: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return with_hook_settings(environment, tmp_path)


def subscribe(env: dict[str, str], to: Receiver) -> str:
    """Register the receiver for every act; return its secret."""
    return run(env, OPENPEACE, "webhooks", "add", to.url, "--events", "*").split()[-1]


def test_a_real_db_worker_delivers_signed_webhooks(
    hook_environment: dict[str, str], receiver: Receiver,  # noqa: F811
) -> None:
    secret = subscribe(hook_environment, receiver)
    run(hook_environment, sys.executable, "-c", ACTS, "3")
    run(hook_environment, OPENPEACE, "webhooks", "run")
    assert receiver.requests == []  # queued, not sent by the fan-out itself
    run(hook_environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")
    received = receiver.verified(secret)
    assert sorted(payload["data"]["log_index"] for _, payload in received) == [0, 1, 2]
    assert all(msg_id == f"msg_{payload['data']['log_index']}" for msg_id, payload in received)
    assert "delivered=3" in run(hook_environment, OPENPEACE, "webhooks", "list")


def test_the_outbox_survives_a_killed_worker(
    hook_environment: dict[str, str], receiver: Receiver, tmp_path: Path,  # noqa: F811
) -> None:
    count = 30
    secret = subscribe(hook_environment, receiver)
    run(hook_environment, sys.executable, "-c", ACTS, str(count))
    run(hook_environment, OPENPEACE, "webhooks", "run")
    receiver.hold_at = 5  # the fifth request stays on the wire until the worker is killed
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [OPENPEACE, "db_worker", "--no-startup-delay", "--interval", "0.1"],
            env=hook_environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert receiver.held.wait(120), (tmp_path / "worker.log").read_text()
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
    receiver.release.set()
    assert len(receiver.requests) == 5

    time.sleep(1.5)  # the killed worker's claims expire (a one-second lease here)
    run(hook_environment, OPENPEACE, "webhooks", "run")  # claims them again, under new tokens
    run(hook_environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")

    received = receiver.verified(secret)
    indexes = Counter(payload["data"]["log_index"] for _, payload in received)
    assert set(indexes) == set(range(count))  # none lost
    in_flight = received[4][1]["data"]["log_index"]
    assert {index for index, n in indexes.items() if n > 1} <= {in_flight}
    assert indexes[in_flight] <= 2
    assert all(msg_id == f"msg_{payload['data']['log_index']}" for msg_id, payload in received)
    assert f"delivered={count}" in run(hook_environment, OPENPEACE, "webhooks", "list")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: RQ is tested "
                    "on a real Redis (REDIS_URL=$(scripts/start-redis); .ci/run sets it)")
def test_a_real_rq_worker_delivers_signed_webhooks(
    rq_environment: dict[str, str], receiver: Receiver, tmp_path: Path,  # noqa: F811
) -> None:
    env = with_hook_settings(rq_environment, tmp_path)
    secret = subscribe(env, receiver)
    run(env, sys.executable, "-c", ACTS, "2")
    run(env, OPENPEACE, "webhooks", "run")
    assert receiver.requests == []
    run(env, OPENPEACE, "rqworker", "--burst")
    received = receiver.verified(secret)
    assert sorted(payload["data"]["log_index"] for _, payload in received) == [0, 1]
    assert "delivered=2" in run(env, OPENPEACE, "webhooks", "list")
