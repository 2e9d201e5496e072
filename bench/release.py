"""Benchmark: releasing an offer, and the terms validator (issue 5), each beside a naive peer.

    .venv/bin/python bench/release.py [--database-url URL]

1. Release of one offer to 50 states with 150 peoples and 300 language versions (notes and
   proclamations), in one transaction with one log entry; peer: the naive fan-out, the same
   rows and one log entry per text, each in its own transaction (what sending the texts one
   after another amounts to). On SQLite, and on PostgreSQL with --database-url/DATABASE_URL.
2. The terms validator checking 10,000 clauses against a register of 5,000 nationalities;
   peer: the rule read naively from the lists (the oracle of tests/core/test_terms.py).
Targets: release < 1 s on both databases; validation < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import child_database, machine, run_on_each_database  # noqa: E402
from situation_load import generate  # noqa: E402


def release() -> tuple[float, float]:
    """(openpeace's release in s, the naive fan-out in s), on the child's database."""
    from django.db import transaction
    from django.utils import timezone

    from openpeace.core import situation as core
    from openpeace.diplomacy.models import Note, Offer, Proclamation
    from openpeace.diplomacy.services import offer_release
    from openpeace.log.services import entry_append
    from openpeace.world.models import Language, People, State
    from openpeace.world.services import situation_load

    situation_load(core.situation_from_document(generate(51, 200, 400, peoples=3)))

    def draft(key: str) -> Offer:
        offer = Offer.objects.create(
            key=key, title="Offer", proposing_state=State.objects.get(key="s0"),
            reply_deadline=timezone.now() + dt.timedelta(days=30),
            terms={"armistice": {"term_days": 90}},
        )
        addressees = State.objects.exclude(key="s0")
        offer.addressees.set(addressees)
        Note.objects.bulk_create(
            Note(offer=offer, state=s, language=Language.objects.get(tag="en"), text="Note.")
            for s in addressees
        )
        Proclamation.objects.bulk_create(
            Proclamation(offer=offer, people=p, language=lang, title="Peace", text="Peace now.")
            for p in People.objects.filter(state__in=addressees).prefetch_related("languages")
            for lang in p.languages.all()
        )
        return offer

    offer = draft("bench")
    texts = offer.notes.count() + offer.proclamations.count()
    assert offer.addressees.count() == 50 and texts == 350, texts
    started = time.perf_counter()
    offer_release(offer=offer)
    ours = time.perf_counter() - started

    naive = draft("naive")
    started = time.perf_counter()
    for text in [*naive.notes.all(), *naive.proclamations.all()]:
        with transaction.atomic():
            entry_append(kind="text.sent", subject=f"text:{text.pk}", content={"id": text.pk})
    peer = time.perf_counter() - started
    return ours, peer


def validation() -> tuple[float, float]:
    from tests.core.test_terms import expected_rule

    from openpeace.core import situation as core
    from openpeace.core.terms import Register, Terms, TerritorialClause, validate

    situation = core.situation_from_document(generate(200, 5_000, 20_000))
    register = Register.from_situation(situation)
    rng = random.Random(5)
    states = [s.key for s in situation.states]
    clauses = tuple(
        TerritorialClause(f"c{i}", rng.choice(situation.territories).key, rng.choice(states))
        for i in range(10_000)
    )
    started = time.perf_counter()
    report = validate(Terms(territorial_clauses=clauses), register)
    ours = time.perf_counter() - started
    sample = clauses[:200]
    started = time.perf_counter()
    for clause in sample:
        for nationality in register.residents(clause.territory):
            expected_rule(situation, [], [], clause, nationality)
    peer = (time.perf_counter() - started) * len(clauses) / len(sample)
    assert report.findings
    return ours, peer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with child_database(args.child, args.database_url):
            ours, peer = release()
        print(f"  {args.child:<11} openpeace {ours:6.3f} s   peer (a transaction per text) "
              f"{peer:6.3f} s   peer/openpeace {peer / ours:5.1f}x   target < 1 s: "
              f"{'met' if ours < 1 else 'NOT MET'}")
        return
    print(machine())
    print("1. release of one offer: 50 states, 150 peoples, 350 texts (50 notes, 300 "
          "proclamations), one transaction and one log entry")
    run_on_each_database(__file__, args.database_url)
    ours, peer = validation()
    print("2. terms validator: 10,000 clauses against 5,000 nationalities")
    print(f"  openpeace {ours:6.3f} s   peer (the rule read naively from the lists) "
          f"{peer:8.1f} s (extrapolated from 200 clauses)   peer/openpeace {peer / ours:,.0f}x"
          f"   target < 1 s: {'met' if ours < 1 else 'NOT MET'}")


if __name__ == "__main__":
    main()
