"""Benchmark: loading a large situation into the register, beside Django's own loaddata.

    .venv/bin/python bench/situation_load.py [--states 200] [--nationalities 5000]
                                            [--territories 20000] [--database-url URL]

The same register is loaded twice into an empty database: once by openpeace (read the YAML
file, validate it in full, load it in one transaction), once by the peer, Django's `loaddata`
reading a JSON fixture of exactly the rows openpeace wrote (no validation of the situation's
rules at all). Target (issue 3): openpeace under 10 s on SQLite.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TAGS = ["ru", "de", "fr", "en", "ota", "ar", "hy", "fi", "pl", "uk", "it", "hu", "bg", "ja"]


def generate(
    states: int, nationalities: int, territories: int, seed: int = 1917, peoples: int = 1
) -> dict[str, Any]:
    """A valid situation document of the requested size (`peoples` per state, 2 languages each)."""
    rng = random.Random(seed)
    side_of = {f"s{i}": ("a" if i % 2 else "b") for i in range(states)}
    state_keys = list(side_of)
    territory_holder = {f"t{i}": rng.choice(state_keys) for i in range(territories)}
    territory_keys = list(territory_holder)
    return {
        "format": "openpeace-situation/1",
        "key": "bench",
        "title": "A generated world",
        "as_of": "1917-11-08",
        "proposing_state": "s0",
        "sources": [{"key": f"src{i}", "title": f"Source {i}"} for i in range(50)],
        "languages": [{"tag": t, "name": t} for t in TAGS],
        "sides": [{"key": "a", "name": "Side A"}, {"key": "b", "name": "Side B"}],
        "states": [
            {
                "key": k,
                "name": f"State {k}",
                "side": side_of[k],
                "entered_war": "1914-08-01",
                "government": {"name": f"Government of {k}", "seat": "Capital"},
                "peoples": [
                    {
                        "key": f"{k}-people-{j}",
                        "name": f"People {j} of {k}",
                        "languages": rng.sample(TAGS, 2),
                    }
                    for j in range(peoples)
                ],
                "sources": [f"src{rng.randrange(50)}"],
            }
            for k in state_keys
        ],
        "territories": [
            {
                "key": k,
                "name": f"Territory {k}",
                "held_by": holder,
                "sources": [f"src{rng.randrange(50)}"],
            }
            for k, holder in territory_holder.items()
        ],
        "nationalities": [
            {
                "key": f"n{i}",
                "name": f"Nationality {i}",
                "languages": [rng.choice(TAGS)],
                "standing": "colonial" if i % 3 == 0 else "metropolitan",
                "ruled_by": [rng.choice(state_keys)],
                "territories": rng.sample(territory_keys, 4),
                "sources": [f"src{rng.randrange(50)}"],
            }
            for i in range(nationalities)
        ],
        "belligerencies": [
            {"state": f"s{i}", "opponent": f"s{i + 1}", "since": "1915-01-01", "sources": ["src0"]}
            for i in range(0, states - 1, 2)
        ],
        "occupations": [
            {
                "territory": k,
                "occupier": next(s for s in state_keys if s != holder),
                "since": "1916-01-01",
                "sources": ["src1"],
            }
            for k, holder in list(territory_holder.items())[: territories // 10]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--nationalities", type=int, default=5_000)
    parser.add_argument("--territories", type=int, default=20_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="openpeace-bench-"))
    os.environ["OPENPEACE_DATA_DIR"] = str(workdir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
    import django

    django.setup()
    import yaml
    from django.core.management import call_command
    from django.db import connection

    from openpeace.core.situation_file import read_situation
    from openpeace.world.services import situation_load

    document = generate(args.states, args.nationalities, args.territories)
    path = workdir / "bench.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    started = time.perf_counter()
    situation = read_situation(path)
    validated = time.perf_counter()
    situation_load(situation)
    loaded = time.perf_counter()
    ours, reading = loaded - started, validated - started

    fixture = workdir / "register.json"
    call_command("dumpdata", "world", output=str(fixture), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("loaddata", str(fixture), verbosity=0)
    peer = time.perf_counter() - started

    print(
        f"situation load: {args.states} states, {args.nationalities} nationalities, "
        f"{args.territories} territories, on {connection.vendor}\n"
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
        f"  openpeace, read + validate + load:   {ours:6.2f} s "
        f"(read + validate {reading:.2f} s, load {ours - reading:.2f} s)\n"
        f"  peer, Django loaddata of the same rows: {peer:6.2f} s (no validation)\n"
        f"  ratio peer / openpeace: {peer / ours:.1f}x   target: openpeace < 10 s: "
        f"{'met' if ours < 10 else 'NOT MET'}"
    )
    sys.exit(0 if ours < 10 else 1)


if __name__ == "__main__":
    main()
