"""Benchmark of the transparency log, end to end, in one run (issue 4).

    .venv/bin/python bench/log.py [--seconds 10] [--writers 1] [--database-url URL]
                                  [--entries 1000000] [--skip-core]

1. The core (bench/log_core.py): appending `--entries` entries and producing every tile, beside
   pymerkle and the SHA-256 floor, and the verifier's entries per second.
2. The Django service on SQLite, then on PostgreSQL (given `--database-url`, or DATABASE_URL):
   `--writers` processes each perform single-act transactions (`entry_append` in its own
   transaction, committed) for `--seconds`, while `openpeace integrate --follow` integrates
   and signs; printed: acts committed per second, and the time from each act's commit to the
   first signed checkpoint covering it (p50, p99).

Targets: >= 2,000 acts/s on SQLite and >= 1,000 on PostgreSQL, p99 commit-to-checkpoint < 2 s.
Each database is created fresh for the run (a temporary directory, or a new PostgreSQL
database dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPENPEACE = str(Path(sys.executable).parent / "openpeace")


def writer(seconds: float, output: Path) -> None:
    """One writer process: single-act transactions until time is up; commit times to a file."""
    import django

    django.setup()
    from django.db import transaction

    from openpeace.log.services import entry_append

    committed: list[tuple[int, float]] = []
    deadline = time.time() + seconds
    n = 0
    while time.time() < deadline:
        with transaction.atomic():
            entry = entry_append(kind="bench.act", subject=f"act:{os.getpid()}:{n}",
                                 content={"n": n})
        committed.append((entry.pk, time.time()))
        n += 1
    output.write_text(json.dumps(committed))


def analyse(commit_files: list[Path]) -> None:
    """Latency from each commit to the first checkpoint covering its entry, as JSON."""
    import bisect

    import django

    django.setup()
    from openpeace.log.models import Checkpoint, Entry

    committed = [tuple(x) for f in commit_files for x in json.loads(f.read_text())]
    index_of = dict(Entry.objects.values_list("pk", "index"))
    checkpoints = list(Checkpoint.objects.order_by("size").values_list("size", "signed_at"))
    sizes = [size for size, _ in checkpoints]
    latencies = sorted(
        checkpoints[bisect.bisect_right(sizes, index_of[pk])][1].timestamp() - at
        for pk, at in committed
    )
    print(json.dumps({
        "acts": len(committed),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "checkpoints": len(checkpoints),
    }))


def service(label: str, env: dict[str, str], seconds: float, writers: int) -> dict[str, float]:
    subprocess.run([OPENPEACE, "migrate", "--verbosity", "0"], env=env, check=True)
    integrator = subprocess.Popen(
        [OPENPEACE, "integrate", "--follow", "--interval", "0.1"], env=env
    )
    workdir = Path(env["OPENPEACE_DATA_DIR"])
    outputs = [workdir / f"writer-{i}.json" for i in range(writers)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, __file__, "--writer", str(seconds), str(out)], env=env)
        for out in outputs
    ]
    for proc in procs:
        proc.wait()
    elapsed = time.perf_counter() - started
    time.sleep(1.0)  # let the integrator cover the last commits
    integrator.send_signal(signal.SIGTERM)
    integrator.wait()
    result = json.loads(subprocess.run(
        [sys.executable, __file__, "--analyse", *map(str, outputs)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout)
    rate = result["acts"] / elapsed
    p50, p99 = result["p50"] * 1000, result["p99"] * 1000
    print(f"  {label:<11} {result['acts']:>7,} acts in {elapsed:5.1f} s = {rate:7,.0f} acts/s   "
          f"commit→checkpoint p50 {p50:6.0f} ms, p99 {p99:6.0f} ms"
          f"   ({result['checkpoints']:,} checkpoints)")
    return {"rate": rate, "p99": result["p99"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--skip-core", action="store_true")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    if not args.skip_core:
        print("1. the core (bench/log_core.py)")
        subprocess.run([sys.executable, str(ROOT / "bench" / "log_core.py"),
                        "--entries", str(args.entries), "--repeat", "1"], check=True)

    print(f"2. the Django service: {args.writers} writer processes, single-act transactions, "
          f"{args.seconds:.0f} s, with the integrator running")
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["DJANGO_SETTINGS_MODULE"] = "openpeace.settings"
    targets = {"SQLite": 2_000, "PostgreSQL": 1_000}
    results = {}
    with tempfile.TemporaryDirectory() as sqlite_dir:
        env = {**base, "OPENPEACE_DATA_DIR": sqlite_dir}
        results["SQLite"] = service("SQLite", env, args.seconds, args.writers)
    if args.database_url:
        import psycopg

        name = f"openpeace_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(args.database_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as pg_dir:
                env = {**base, "OPENPEACE_DATA_DIR": pg_dir,
                       "DATABASE_URL": args.database_url.rsplit("/", 1)[0] + "/" + name}
                results["PostgreSQL"] = service("PostgreSQL", env, args.seconds, args.writers)
        finally:
            with psycopg.connect(args.database_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        print("  PostgreSQL  skipped: give --database-url or set DATABASE_URL")
    for label, result in results.items():
        met = result["rate"] >= targets[label] and result["p99"] < 2.0
        print(f"  {label}: target >= {targets[label]:,} acts/s with p99 < 2 s: "
              f"{'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(float(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--analyse":
        analyse([Path(p) for p in sys.argv[2:]])
    else:
        main()
