"""Benchmark of the plebiscite core against ElectionGuard and Helios, and of a 100,000-ballot
tally (issue 8).

    .venv/bin/python bench/plebiscite.py [--ballots N] [--helios-src PATH]
                                         [--tally-ballots N | --skip-tally]

1. Peer comparison. The same plebiscite ballots (3 options, exactly one chosen, the same random
   choices for everyone) are encrypted with their proofs, then verified, one process each, by
   openpeace (`encrypt_ballot`, `verify_ballot`), by ElectionGuard 1.4.0 and by Helios's
   `helios/crypto`. Each peer runs its own code in its own interpreter as a subprocess
   (`bench/peers/*_peer.py`, which also say exactly what work each does) and reports its times
   as JSON. Rates are from CPU time, which the other work on a shared machine disturbs far less
   than wall-clock time (shown beside it). openpeace's run is short, so it is repeated over the
   same choices until it has taken `OUR_MIN_SECONDS` and its rates are over all the rounds.
   A peer whose set-up is missing is skipped, with the command that sets it up:
   - ElectionGuard: `bench/peers/setup-electionguard` (var/bench/electionguard-venv, Python
     3.10, pinned by bench/peers/electionguard.lock);
   - Helios: a helios-server checkout given with `--helios-src` (never in this repository), and
     `bench/peers/setup-helios` (var/bench/helios-venv: pycryptodome).
   Targets: openpeace verifies at least 50 times as many ballots a second as Helios and 30 times
   as many as ElectionGuard.

2. The 100,000-ballot tally, on 2 processes. A 2-of-3 election with 100,000 credentials, one
   ballot each, is generated first (encrypted on 2 processes; timed apart, not part of the
   target). Then, timed: `compute_tally` (every ballot's signature and proofs verified, the
   board's rules, the selection, the product), each of two trustees' `partial_decrypt` (each
   verifies the whole board again itself, as a trustee must, then decrypts with proofs) and
   `combine` (the decryption proofs checked, the counts); and anyone's `verify_record` of the
   whole election record from its canonical JSON bytes. Target: the tally with all proofs
   verified in under 10 minutes on this 2-core machine; both the authorities' whole tally and
   the independent verification are compared with it, by wall-clock time, with the CPU time
   of all the processes beside it. The counts are checked against the choices.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import machine  # noqa: E402
from openpeace.core.plebiscite import (  # noqa: E402
    Board,
    Ceremony,
    Election,
    ElectionParameters,
    ElectionRecord,
    Option,
    PrivateCredential,
    Trustee,
    TrusteeKey,
    combine,
    compute_tally,
    deal,
    encrypt_ballot,
    issue,
    partial_decrypt,
    qualified_dealers,
    trustee_key,
    verify_ballot,
    verify_record,
)
from openpeace.core.plebiscite import trustees as core_trustees  # noqa: E402

PEERS = ROOT / "bench" / "peers"
EG_PYTHON = ROOT / "var" / "bench" / "electionguard-venv" / "bin" / "python"
HELIOS_PYTHON = ROOT / "var" / "bench" / "helios-venv" / "bin" / "python"
OPTIONS = (
    Option("separate_state", "A separate state"),
    Option("join_russia", "Join Russia"),
    Option("join_turkey", "Join Turkey"),
)
OUR_MIN_SECONDS = 5.0
EG_VERIFY_TARGET, HELIOS_VERIFY_TARGET = 30, 50
TALLY_TARGET_SECONDS = 600
PROCESSES = 2
Result = TypeVar("Result")


@dataclass
class Figures:
    """One implementation's CPU and wall-clock seconds for encrypting, then verifying,
    `ballots` ballots; the peers print exactly these fields as JSON."""

    peer: str
    python: str
    ballots: int = 0
    encrypt_cpu: float = 0.0
    encrypt_wall: float = 0.0
    verify_cpu: float = 0.0
    verify_wall: float = 0.0

    def rates(self, work: str) -> tuple[float, float]:
        """Ballots a second for `work` ("encrypt" or "verify"): by CPU time, by wall clock."""
        cpu, wall = getattr(self, f"{work}_cpu"), getattr(self, f"{work}_wall")
        return self.ballots / cpu, self.ballots / wall


def cpu_seconds() -> float:
    """The CPU time of this process and of its children that have ended (the worker pools of
    `compute_tally`, `partial_decrypt` and `verify_record` end with each call)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(work: Callable[..., Result], *arguments: Any, **keywords: Any
          ) -> tuple[Result, float, float]:
    """`work(*arguments, **keywords)`, its CPU seconds (with its worker processes) and its
    wall-clock seconds."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = work(*arguments, **keywords)
    return result, cpu_seconds() - cpu, time.perf_counter() - wall


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def random_choices(count: int, seed: int) -> list[int]:
    """`count` options drawn uniformly from the 3, the same on every run."""
    rng = random.Random(seed)
    return [rng.randrange(len(OPTIONS)) for _ in range(count)]


def make_election(
    voters: int, election_id: str
) -> tuple[Election, list[PrivateCredential], dict[int, TrusteeKey]]:
    """A 2-of-3 election on the plebiscite's 3 options, with `voters` fresh credentials in
    issue order and every trustee's key: the ceremony and the credential authority of the
    core, all in this process."""
    ceremony = Ceremony(election_id, 2, 3)
    dealings, shares = [], []
    for dealer in ceremony.indices:
        dealing, dealt = deal(ceremony, dealer)
        dealings.append(dealing)
        shares += dealt.values()
    qualified, findings = qualified_dealers(ceremony, dealings)
    assert not findings, findings
    private, public = issue(voters)
    parameters = ElectionParameters(
        election_id=election_id,
        question="Shall Turkish Armenia form a separate state, or join which state?",
        options=OPTIONS,
        threshold=2,
        trustees=tuple(Trustee(f"Trustee {d.dealer}", d) for d in qualified),
        public_key=core_trustees.public_key(qualified),
        credentials=tuple(public),
    )
    keys = {i: trustee_key(i, qualified, shares) for i in ceremony.indices}
    return Election(parameters), private, keys


# 1. The peer comparison.

def ours(election: Election, credentials: Sequence[PrivateCredential],
         choices: Sequence[int]) -> Figures:
    """openpeace encrypting (with proofs and signature) and verifying the ballots of `choices`,
    one process, in rounds until `OUR_MIN_SECONDS` have passed."""

    def encrypt_all() -> list[bytes]:
        return [encrypt_ballot(election, credential, choice).data
                for credential, choice in zip(credentials, choices, strict=True)]

    def verify_all(ballots: list[bytes]) -> None:
        for data in ballots:
            verify_ballot(election, data)

    figures = Figures("openpeace", sys.version.split()[0])
    while figures.encrypt_cpu + figures.verify_cpu < OUR_MIN_SECONDS:
        ballots, cpu, wall = timed(encrypt_all)
        figures.encrypt_cpu += cpu
        figures.encrypt_wall += wall
        _, cpu, wall = timed(verify_all, ballots)
        figures.verify_cpu += cpu
        figures.verify_wall += wall
        figures.ballots += len(choices)
    return figures


def run_peer(python: Path, script: str, choices: Sequence[int], *arguments: str) -> Figures:
    """Run a peer script in its own interpreter on `choices`; its figures."""
    run = subprocess.run(
        [str(python), str(PEERS / script), *arguments],
        input=json.dumps({"choices": list(choices)}), capture_output=True, text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"{script} failed:\n{run.stderr}")
    return Figures(**json.loads(run.stdout))


def peer_figures(choices: Sequence[int], helios_src: Path | None) -> list[tuple[Figures, int]]:
    """The figures of every peer that is set up, each with openpeace's target against it (how
    many times as many ballots verified a second); a line for each one skipped."""
    figures = []
    if EG_PYTHON.exists():
        figures.append((run_peer(EG_PYTHON, "electionguard_peer.py", choices), EG_VERIFY_TARGET))
    else:
        print("  ElectionGuard: skipped; set it up with bench/peers/setup-electionguard")
    if helios_src is None:
        print("  Helios: skipped; give --helios-src PATH, a helios-server checkout "
              "(and set up bench/peers/setup-helios)")
    elif not HELIOS_PYTHON.exists():
        print("  Helios: skipped; set it up with bench/peers/setup-helios")
    else:
        helios = run_peer(HELIOS_PYTHON, "helios_peer.py", choices,
                          "--helios-src", str(helios_src))
        figures.append((helios, HELIOS_VERIFY_TARGET))
    return figures


def compare(count: int, helios_src: Path | None) -> None:
    print(f"\n1. Peer comparison: {count:,} ballots, 3 options, exactly one chosen, the same "
          f"choices for all; one process each ({load()})")
    choices = random_choices(count, seed=1917)
    election, credentials, _keys = make_election(count, "bench-plebiscite-peers")
    mine = ours(election, credentials, choices)
    peers = peer_figures(choices, helios_src)
    print(f"  {'implementation':<44} {'Python':>8} {'ballots':>8}   "
          f"{'encrypt/s CPU (wall)':>22}   {'verify/s CPU (wall)':>22}")
    for f in [mine, *(peer for peer, _ in peers)]:
        encrypt, verify = f.rates("encrypt"), f.rates("verify")
        print(f"  {f.peer:<44} {f.python:>8} {f.ballots:>8,}   "
              f"{encrypt[0]:>11,.1f} ({encrypt[1]:>8,.1f})   "
              f"{verify[0]:>11,.1f} ({verify[1]:>8,.1f})")
    for peer, target in peers:
        encrypt = mine.rates("encrypt")[0] / peer.rates("encrypt")[0]
        verify = mine.rates("verify")[0] / peer.rates("verify")[0]
        print(f"  openpeace / {peer.peer}: encrypt {encrypt:,.1f}×, verify {verify:,.1f}× "
              f"(target ≥ {target}×: {'met' if verify >= target else 'NOT met'})")
    print(f"  ({load()})")


# 2. The 100,000-ballot tally.

_worker_election: Election | None = None


def _start_worker(parameters: ElectionParameters) -> None:
    global _worker_election
    _worker_election = Election(parameters)


def _encrypt_chunk(chunk: tuple[list[bytes], list[int]]) -> list[bytes]:
    assert _worker_election is not None
    seeds, choices = chunk
    return [encrypt_ballot(_worker_election, PrivateCredential(seed), choice).data
            for seed, choice in zip(seeds, choices, strict=True)]


def generate_board(election: Election, credentials: Sequence[PrivateCredential],
                   choices: Sequence[int]) -> Board:
    """One ballot per credential, encrypted on `PROCESSES` worker processes, in order."""
    size = 1_000
    chunks = [([c.seed for c in credentials[i : i + size]], list(choices[i : i + size]))
              for i in range(0, len(choices), size)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES, initializer=_start_worker,
                      initargs=(election.parameters,)) as pool:
        return Board(tuple(data for chunk in pool.imap(_encrypt_chunk, chunks)
                           for data in chunk))


def verdict(wall: float, cpu: float) -> str:
    """Seconds against the target; CPU time is of every process, which the other work on a
    shared machine inflates far less than wall-clock time."""
    met = "met" if wall < TALLY_TARGET_SECONDS else "NOT met"
    return (f"{wall:7.1f} s wall, {cpu:7.1f} s CPU (target < {TALLY_TARGET_SECONDS} s wall: "
            f"{met})")


def tally(count: int) -> None:
    print(f"\n2. Tally of {count:,} ballots: 3 options, 2-of-3 trustees, {PROCESSES} processes "
          f"({load()})")
    choices = random_choices(count, seed=1918)
    (election, credentials, keys), _, wall = timed(make_election, count,
                                                   "bench-plebiscite-tally")
    print(f"  set-up: ceremony and {count:,} credentials {wall:.1f} s")
    board, cpu, wall = timed(generate_board, election, credentials, choices)
    print(f"  generation, not part of the target: {count:,} ballots encrypted on {PROCESSES} "
          f"processes {wall:.1f} s wall, {cpu:.1f} s CPU")

    steps = []

    def step(label: str, work: Callable[..., Result], *arguments: Any, **keywords: Any
             ) -> Result:
        result, cpu, wall = timed(work, *arguments, **keywords)
        steps.append((cpu, wall))
        print(f"  {label:<76} {wall:7.1f} s wall, {cpu:7.1f} s CPU")
        return result

    the_tally = step("compute_tally: every ballot verified (signature, proofs), rules, product",
                     compute_tally, election, board, processes=PROCESSES)
    partials = [
        step(f"trustee {index}: partial_decrypt: verifies the board itself, decrypts with "
             "proofs", partial_decrypt, election, keys[index], board, processes=PROCESSES)[1]
        for index in (1, 3)
    ]
    result = step("combine: the decryption proofs checked, the counts", combine, election,
                  the_tally, partials)
    expected = Counter(choices)
    assert result.counts == tuple(expected[o] for o in range(3)), (result, expected)
    print(f"  the whole tally: {verdict(sum(w for _, w in steps), sum(c for c, _ in steps))}; "
          f"counts {', '.join(f'{c:,}' for c in result.counts)}, as chosen")

    data = ElectionRecord(election.parameters, board, the_tally, tuple(partials),
                          result).to_bytes()
    report, cpu, wall = timed(verify_record, data, processes=PROCESSES)
    assert report.ok and report.counts == result.counts, report.summary()
    print(f"  verify_record of the whole record ({len(data) / 1e6:.0f} MB of canonical JSON): "
          f"{verdict(wall, cpu)}")
    print(f"  ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=150,
                        help="ballots for the peer comparison (default 150: about a minute)")
    parser.add_argument("--helios-src", type=Path,
                        help="a helios-server checkout (without it, Helios is skipped)")
    parser.add_argument("--tally-ballots", type=int, default=100_000)
    parser.add_argument("--skip-tally", action="store_true",
                        help="only the peer comparison")
    arguments = parser.parse_args()
    print(f"{machine()}; {load()}")
    compare(arguments.ballots, arguments.helios_src)
    if not arguments.skip_tally:
        tally(arguments.tally_ballots)


if __name__ == "__main__":
    main()
