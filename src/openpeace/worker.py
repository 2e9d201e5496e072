"""The loop of a background worker (`openpeace integrate --follow`, `apply-deadlines --follow`,
`endorsements dispatch|tally --follow`, `webhooks run --follow`, `follows run --follow`), and the
options and the talkativeness they share.

A worker runs its job, waits, and runs it again until it is told to stop (SIGTERM, as
`openpeace serve` and service managers send it): the stop ends the wait at once, but never
interrupts a job halfway, so every round ends with its transaction.

A round that fails is logged, and a worker that follows runs the next one as usual: each round's
work is in its own transactions, so a failed one has changed nothing, and one bad row (an offer
whose state its job cannot apply) must not stop the job for every other row, nor, since `serve`
stops the whole server when one of its workers exits, take the site down. A single run (no
`--follow`) fails, so that whoever ran it sees the error and the exit status.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)

Job = Callable[[threading.Event], None]
"""One round of work; it may look at the stop event to end a long round early."""


def repeat(job: Job, *, interval: float, follow: bool) -> None:
    """Run `job` once, or, with `follow`, every `interval` seconds until stopped; a failed
    round is logged and the next one runs (see the module's docstring)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    while True:
        try:
            job(stop)
        except Exception:
            if not follow:
                raise
            logger.exception("a round of the worker failed; the next one runs in %s s",
                             interval)
        if not follow or stop.is_set():
            return
        close_old_connections()
        if stop.wait(interval):
            return


def worker_arguments(parser: argparse.ArgumentParser, *, interval: float) -> None:
    """`--follow` and `--interval`, as every worker command takes them."""
    parser.add_argument("--follow", action="store_true", help="keep running until stopped")
    parser.add_argument("--interval", type=float, default=interval,
                        help="seconds between rounds with --follow")


def verbose(verbosity: int, follow: bool) -> bool:
    """Whether a worker says what each round did: a single run does, unless -v 0; a worker
    that follows only with -v 2, so that it does not fill its log with nothing."""
    return verbosity > 1 or (verbosity > 0 and not follow)
