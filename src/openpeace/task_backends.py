"""The task queue's backends beyond the default one, and the worker each needs.

The default backend keeps the queue in the database, so a task enqueued in an act's transaction
commits with it. At scale, `OPENPEACE_TASKS_BACKEND=rq` puts the queue in Redis and has RQ's
workers (`openpeace rqworker`) drain it. Redis is not part of the database transaction, and
`django-tasks-rq` pushes a job the moment it is enqueued (django-tasks 0.12 has no
`ENQUEUE_ON_COMMIT` option, and django-rq's `COMMIT_MODE` only covers `enqueue_call`, not the
`create_job`/`enqueue_job` calls the backend makes), so a release rolled back after its
`.enqueue()` would still notify. `RQBackend` below therefore pushes the job when the
transaction commits, and not at all when it rolls back.

The price: if the process dies (or Redis cannot be reached) between the commit and the push,
the act stands and its task is never queued. The failure is logged; running the task again is
the remedy, and every task is written to be run again safely (see `diplomacy.tasks`).
"""

from __future__ import annotations

import logging
from typing import Any

import django_rq
from django.conf import settings
from django.db import transaction
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import backend as rq_backend
from rq import Callback
from rq.job import JobStatus

logger = logging.getLogger(__name__)


class RQBackend(rq_backend.RQBackend):
    """django-tasks-rq's backend, pushing to Redis only once the enqueuing transaction commits.

    `ENQUEUE_ON_COMMIT` (default true) may be set false in the backend's `TASKS` entry to push
    at once, as the package does. Outside any transaction the job is pushed at once either way.
    """

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.enqueue_on_commit = bool(params.get("ENQUEUE_ON_COMMIT", True))

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)  # an invalid task fails now, in the caller's transaction
        result: TaskResult[Any] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        if self.enqueue_on_commit and transaction.get_connection().in_atomic_block:

            def push_on_commit() -> None:
                self._push(result)

            # robust: the act has committed; a failed push must not turn it into an error page.
            transaction.on_commit(push_on_commit, robust=True)
        else:
            self._push(result)
        return result

    def _push(self, result: TaskResult[Any]) -> None:
        """What `django_tasks_rq.RQBackend.enqueue` does, keeping the result's id as the job's."""
        task = result.task
        queue = django_rq.get_queue(task.queue_name, job_class=rq_backend.Job)
        job = queue.create_job(
            task.module_path,
            args=result.args,
            kwargs=result.kwargs,
            job_id=result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(rq_backend.failed_callback),
            on_success=Callback(rq_backend.success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(result, "enqueued_at", job.enqueued_at)
        logger.debug("task %s pushed to the RQ queue %s", result.id, task.queue_name)
        task_enqueued.send(type(self), task_result=result)


def worker_command() -> list[str]:
    """The `openpeace` command that drains the default backend's queue (`serve` runs it)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == f"{RQBackend.__module__}.{RQBackend.__qualname__}":
        return ["rqworker", "--with-scheduler", *sorted(settings.RQ_QUEUES)]
    return ["db_worker", "--interval", "1", "--no-startup-delay"]
