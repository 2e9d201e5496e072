"""Benchmark of the transparency-log core, `openpeace.core.log`.

For the same generated entries, one run measures:

(a) our integrator appending them and producing every tile and entry bundle (one call, and
    in batches as a log server would integrate them);
(b) pymerkle's in-memory tree (the PyPI package) appending the same entries, then its root;
(c) the SHA-256 floor: the same number of leaf and interior node hashes (n and n - 1), on
    inputs built beforehand, and nothing else;
(d) our verifier rebuilding the tree from the entry bundles in a directory and checking the
    checkpoint and every tile.

The runs of (a) to (d) are interleaved, `--repeat` rounds of them, and each keeps its best
round. Times are the process's CPU time (user + system, all threads), which other processes on
a shared machine disturb far less than wall-clock time; the wall-clock time is shown too.
Targets: (a) at least 10 times as fast as (b), within 3 times (c), and (d) at least 200,000
entries a second.

    .venv/bin/python bench/log_core.py [--entries N] [--batch B] [--repeat R]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pymerkle import InmemoryTree  # type: ignore[import-untyped]

from openpeace.core.log.checkpoint import Checkpoint, sign_checkpoint
from openpeace.core.log.integrate import TreeUpdate, integrate
from openpeace.core.log.note import Signer
from openpeace.core.log.source import DirectorySource
from openpeace.core.log.verifier import verify_log

ORIGIN = "bench.openpeace.example/log"
Result = TypeVar("Result")


def make_entries(count: int) -> list[bytes]:
    """Entries shaped like logged acts: a small JSON object of 120 to 200 bytes."""
    return [
        b'{"seq":%d,"kind":"statement","party":"p%03d","text":"%s"}'
        % (number, number % 997, b"x" * (60 + number % 80))
        for number in range(count)
    ]


@dataclass
class Timing:
    """The best CPU and wall-clock seconds seen for one measurement."""

    cpu: float = float("inf")
    wall: float = float("inf")

    def run(self, work: Callable[[], Result]) -> Result:
        """Run `work` once, keep its times if they are the best yet, and return its result."""
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        self.cpu = min(self.cpu, time.process_time() - cpu)
        self.wall = min(self.wall, time.perf_counter() - wall)
        return result


def ours(entries: Sequence[bytes], batch: int) -> TreeUpdate:
    """Integrate `entries` into an empty log `batch` at a time, keeping every file written."""
    files: dict[str, bytes] = {}
    update = integrate(0, files.__getitem__, [])
    for start in range(0, len(entries), batch):
        update = integrate(update.size, files.__getitem__, entries[start : start + batch])
        files.update(update.files)
    return TreeUpdate(update.size, update.root_hash, files)


def pymerkle(entries: Sequence[bytes]) -> bytes:
    """pymerkle's in-memory tree, one append per entry, then its root."""
    tree = InmemoryTree(algorithm="sha256")
    for entry in entries:
        tree.append_entry(entry)
    root: bytes = tree.get_root()
    return root


def floor(leaf_inputs: Sequence[bytes], node_input: bytes, nodes: int) -> None:
    """Only the SHA-256 calls: one per leaf, one per interior node."""
    sha256 = hashlib.sha256
    for leaf_input in leaf_inputs:
        sha256(leaf_input).digest()
    for _ in range(nodes):
        sha256(node_input).digest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1_000, help="entries per integration")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of runs, best kept")
    arguments = parser.parse_args()
    count, repeat = arguments.entries, arguments.repeat
    entries = make_entries(count)
    print(f"{count:,} entries, {sum(map(len, entries)) / count:.0f} bytes on average")

    leaf_inputs = [b"\x00" + entry for entry in entries]
    signer = Signer.generate(ORIGIN)
    one_call, batched, theirs, raw, verifying = (Timing() for _ in range(5))
    with tempfile.TemporaryDirectory() as directory:
        log = DirectorySource(directory)
        for round_number in range(repeat):
            update = one_call.run(lambda: ours(entries, max(count, 1)))
            assert batched.run(lambda: ours(entries, arguments.batch)).root_hash == update.root_hash
            their_root = theirs.run(lambda: pymerkle(entries))
            assert their_root == update.root_hash, "pymerkle and openpeace disagree on the root"
            raw.run(lambda: floor(leaf_inputs, b"\x01" + bytes(64), max(count - 1, 0)))
            checkpoint = Checkpoint(ORIGIN, update.size, update.root_hash)
            if round_number == 0:
                log.write({**update.files, "checkpoint": sign_checkpoint(checkpoint, [signer])})
            report = verifying.run(lambda: verify_log(log, [signer.verifier]))
            assert report.checkpoint == checkpoint

    def line(label: str, timing: Timing) -> None:
        print(
            f"{label:<46} {timing.cpu:7.3f} s CPU {count / timing.cpu:>11,.0f} entries/s"
            f"   ({timing.wall:.3f} s wall)"
        )

    line("(a) openpeace integrate, all tiles, one call", one_call)
    line(f"(a) openpeace integrate, batches of {arguments.batch:,}", batched)
    line("(b) pymerkle InmemoryTree append + root", theirs)
    line("(c) SHA-256 floor (n leaf + n-1 node hashes)", raw)
    line("(d) openpeace verify_log from a directory", verifying)
    print(
        f"ours vs pymerkle: {theirs.cpu / one_call.cpu:.1f}x faster (one call), "
        f"{theirs.cpu / batched.cpu:.1f}x (batches)  [target >= 10x]"
    )
    print(
        f"ours vs floor:    {one_call.cpu / raw.cpu:.2f}x the floor (one call), "
        f"{batched.cpu / raw.cpu:.2f}x (batches)  [target <= 3x]"
    )
    print(f"verifier:         {count / verifying.cpu:,.0f} entries/s  [target >= 200,000/s]")


if __name__ == "__main__":
    main()
