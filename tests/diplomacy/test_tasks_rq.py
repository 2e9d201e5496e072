"""Notices to envoys on the queue at scale: RQ on a real Redis (REDIS_URL; .ci/run sets it).

The release runs in a process of its own with `OPENPEACE_TASKS_BACKEND=rq`; a real RQ worker
(`openpeace rqworker --burst`) drains the queue. Each test has a Redis database of its own, so
parallel tests (pytest-xdist) never take each other's jobs.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from tests.conftest import OPENPEACE, run
from tests.diplomacy.test_tasks import PREPARE
from tests.diplomacy.test_tasks import SCRIPT as RELEASE

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: the RQ backend is tested on a real Redis "
    "(REDIS_URL=$(scripts/start-redis); .ci/run sets it)",
)

CLAIM = "openpeace:test:claimed"


def claim_database(base: str) -> tuple[redis.Redis, str]:
    """A Redis database (1 to 15) of REDIS_URL's server that no other test holds, claimed.

    Only a database holding nothing but RQ's keys (an interrupted run's) is taken, and those
    are deleted: data of anything else on the server is never touched.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for number in range(1, 16):
            url = urlsplit(base)._replace(path=f"/{number}").geturl()
            client = redis.Redis.from_url(url)
            if client.set(CLAIM, uuid.uuid4().hex, nx=True, ex=3600):
                left = [key for key in client.scan_iter() if key != CLAIM.encode()]
                if all(key.startswith(b"rq:") for key in left):
                    if left:
                        client.delete(*left)
                    return client, url
                client.delete(CLAIM)
            client.close()
        time.sleep(0.5)
    raise AssertionError("no Redis database 1-15 is free: all are claimed or hold other data")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The URL of a Redis database of this test's own, left empty after it."""
    client, url = claim_database(os.environ["REDIS_URL"])
    try:
        yield url
    finally:
        for key in client.scan_iter("rq:*"):
            client.delete(key)
        client.delete(CLAIM)
        client.close()


@pytest.fixture
def rq_environment(environment: dict[str, str], redis_url: str) -> dict[str, str]:
    """The processes' environment (their own database and data directory), with RQ on Redis."""
    return {**environment, "OPENPEACE_TASKS_BACKEND": "rq", "REDIS_URL": redis_url}


QUEUE = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "openpeace.settings"
django.setup()
from django.db import transaction
from django_rq import get_queue
queue = get_queue("default")
seen = {}
"""

ROLLBACK_THEN_COMMIT = PREPARE + QUEUE + """
class Abandon(Exception):
    pass
try:
    with transaction.atomic():
        offer_release(offer=offer)
        raise Abandon
except Abandon:
    pass
offer.refresh_from_db()
seen["released_after_rollback"] = offer.released_at is not None
seen["queued_after_rollback"] = queue.count
with transaction.atomic():
    offer_release(offer=offer)
    seen["queued_before_commit"] = queue.count
seen["queued_after_commit"] = queue.count
seen["jobs"] = queue.job_ids
from django_tasks import default_task_backend
from openpeace.diplomacy.tasks import notify_envoys
with transaction.atomic():
    result = notify_envoys.enqueue(offer.key)  # the Tasks API's handle on the job it will push
seen["result_in_redis"] = default_task_backend.get_result(result.id).status == "READY"
print(json.dumps(seen))
"""


def test_on_redis_a_release_is_queued_only_once_committed(
    rq_environment: dict[str, str],
) -> None:
    seen = json.loads(run(rq_environment, sys.executable, "-c", ROLLBACK_THEN_COMMIT))
    assert seen["released_after_rollback"] is False
    assert seen["queued_after_rollback"] == 0  # a rolled-back release sends nothing
    assert seen["queued_before_commit"] == 0  # Redis is not in the transaction: it waits
    assert seen["queued_after_commit"] == 1
    assert len(seen["jobs"]) == 1
    assert seen["result_in_redis"]  # the result `.enqueue()` returned names the job pushed


AGAIN = QUEUE + """
from rq.registry import FinishedJobRegistry
from django_tasks_rq import Job
(job_id,) = FinishedJobRegistry(queue=queue).get_job_ids()
queue.enqueue_job(Job.fetch(job_id, connection=queue.connection))  # the same job, once more
"""

RESULTS = QUEUE + """
from rq.registry import FinishedJobRegistry
from django_tasks import default_task_backend
from django_tasks_rq import Job
from openpeace.diplomacy.models import Notice
(job_id,) = FinishedJobRegistry(queue=queue).get_job_ids()
result = default_task_backend.get_result(job_id)
seen["status"] = str(result.status)
seen["task"] = result.task.name
seen["runs"] = len(result.worker_ids)
job = Job.fetch(job_id, connection=queue.connection)
seen["sent"] = sorted(run.return_value for run in job.results())
seen["notices"] = Notice.objects.count()
seen["queued"] = queue.count
print(json.dumps(seen))
"""


def test_a_real_rq_worker_sends_each_notice_once(rq_environment: dict[str, str]) -> None:
    outbox = Path(rq_environment["OPENPEACE_DATA_DIR"]) / "outbox"
    run(rq_environment, sys.executable, "-c", RELEASE)
    assert not outbox.exists()  # nothing is sent in the release's own process
    run(rq_environment, OPENPEACE, "rqworker", "--burst")
    sent = list(outbox.iterdir())
    assert len(sent) == 1 and "a@germany.example" in sent[0].read_text()

    run(rq_environment, sys.executable, "-c", AGAIN)
    run(rq_environment, OPENPEACE, "rqworker", "--burst")
    assert len(list(outbox.iterdir())) == 1  # the job ran twice; the envoy heard once

    seen = json.loads(run(rq_environment, sys.executable, "-c", RESULTS))
    assert seen["status"] == "SUCCESSFUL" and seen["task"] == "notify_envoys"
    assert seen["runs"] == 2 and seen["sent"] == [0, 1]  # the second run sent nothing
    assert seen["notices"] == 1
    assert seen["queued"] == 0
