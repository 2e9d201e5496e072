"""Benchmark: the coverage report over 5,000 nationalities and 50,000 decisions (issue 7).

    .venv/bin/python bench/coverage.py [--database-url URL]

The report is rendered as the page (`/coverage/`, every nationality in every ruling state's
table) and as the CSV (`/coverage.csv`), through Django's test client, counting the database
queries each takes. Peer: the same report read the naive ORM way, one query per nationality
for its rulers and one for its decisions (what a template looping over `nationality.decisions`
does). Target: page and CSV each under 1 s, with a bounded number of queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import child_database, machine, run_on_each_database  # noqa: E402
from situation_load import generate  # noqa: E402

NATIONALITIES, DECISIONS = 5_000, 50_000


def seed() -> None:
    """The generated register and 50,000 decisions, each with its log entry, as the service
    writes them (bulk here: the service's own speed is not what is measured)."""
    from django.utils import timezone

    from openpeace.core import situation as core
    from openpeace.log.models import Entry
    from openpeace.selfdetermination.models import Decision
    from openpeace.world.models import Nationality, Occupation, State
    from openpeace.world.services import situation_load

    situation_load(core.situation_from_document(generate(200, NATIONALITIES, 20_000)))
    rng = random.Random(7)
    nationalities = list(Nationality.objects.values_list("pk", flat=True))
    states = list(State.objects.values_list("pk", flat=True))
    occupations = list(Occupation.objects.values_list("pk", flat=True)) or [None]
    now = timezone.now()
    entries = Entry.objects.bulk_create(
        (Entry(kind="decision.recorded", subject=f"bench:{i}", body=b"{}", recorded_at=now)
         for i in range(DECISIONS)), batch_size=5_000)
    Decision.objects.bulk_create(
        (Decision(
            nationality_id=rng.choice(nationalities),
            choice="join" if (joins := rng.random() < 0.5) else "separate_state",
            joins_id=rng.choice(states) if joins else None, via="plebiscite",
            taken_on=dt.date(1918, 1, 1) + dt.timedelta(days=rng.randrange(2_000)),
            source="bench", entry=entry,
            under_occupation_id=rng.choice(occupations) if rng.random() < 0.2 else None,
        ) for entry in entries), batch_size=5_000)


def naive_report() -> list[tuple[str, list[str], str]]:
    """The peer: the ORM read one nationality at a time."""
    from openpeace.world.models import Nationality

    rows = []
    for nationality in Nationality.objects.order_by("key"):
        rulers = [s.key for s in nationality.ruled_by.order_by("key")]
        free = nationality.decisions.filter(under_occupation__isnull=True).order_by(
            "-taken_on").first()
        rows.append((nationality.key, rulers, "decided" if free else "not_given"))
    return rows


def child(vendor: str, database_url: str | None) -> None:
    with child_database(vendor, database_url):
        from django.db import connection
        from django.test import Client
        from django.test.utils import (
            CaptureQueriesContext,
            override_settings,
            setup_test_environment,
        )

        setup_test_environment()
        warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
        # Pages are rendered without a collectstatic run, as in the tests.
        override_settings(STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }).enable()
        seed()
        client = Client()
        results = {}
        for name, url in [("page", "/coverage/"), ("csv", "/coverage.csv")]:
            client.get(url)  # warm: templates compiled, connection open
            best = float("inf")
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    answer = client.get(url)
                    best = min(best, time.perf_counter() - started)
                assert answer.status_code == 200
            results[name] = (best, len(queries), len(answer.content))
        lines = results["csv"][2]
        peer_queries = [0]

        def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            peer_queries[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            naive = naive_report()
            peer = time.perf_counter() - started
        assert len(naive) == NATIONALITIES
        for name, (seconds, count, size) in results.items():
            print(f"  {vendor:<11} {name:<5} {seconds:6.3f} s  {count:3d} queries  "
                  f"{size / 1e6:5.1f} MB   target < 1 s: {'met' if seconds < 1 else 'NOT MET'}")
        print(f"  {vendor:<11} peer  {peer:6.3f} s  {peer_queries[0]:,} queries (one nationality "
              f"at a time, no page rendered)   peer/page {peer / results['page'][0]:4.1f}x   "
              f"peer/csv {peer / results['csv'][0]:4.1f}x   ({lines:,} bytes of CSV)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url)
        return
    print(machine())
    print(f"coverage report: {NATIONALITIES:,} nationalities, {DECISIONS:,} decisions")
    run_on_each_database(__file__, args.database_url)


if __name__ == "__main__":
    main()
