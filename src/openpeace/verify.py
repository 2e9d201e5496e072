"""`openpeace verify`, `verify-proof` and `plebiscite verify`: check what openpeace published,
with the core alone.

These commands never load Django or the database: an auditor can run them against any copy of
the log (its URL, or a directory of its tiles), with nothing but the log's verifier key.

    openpeace verify http://127.0.0.1:8000/log --key <vkey> [--follow]
    openpeace verify ./copy-of-the-log --key <vkey>
    openpeace verify-proof openpeace-12.tlog-proof --key <vkey> [--entry entry.json]
    openpeace plebiscite verify http://127.0.0.1:8000/log --key <vkey> --election <id>
    openpeace plebiscite verify record.json [--processes 2]

`verify` remembers the last checkpoint it verified for each log (in `--state`, by default under
~/.local/state/openpeace/) and requires the next one to extend it: a log that rewrote its past
fails even if the new tree is internally consistent.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from openpeace.core.log.checkpoint import Checkpoint, open_checkpoint
from openpeace.core.log.entries import read_entry
from openpeace.core.log.errors import LogError
from openpeace.core.log.note import Verifier
from openpeace.core.log.proof import TlogProof, verify_proof
from openpeace.core.log.source import DirectorySource, HttpSource, LogSource
from openpeace.core.log.verifier import Progress, verify_log

OK, FAILED, USAGE = 0, 1, 2


def _source(location: str) -> LogSource:
    if location.startswith(("http://", "https://")):
        return HttpSource(location)
    if not Path(location).is_dir():
        raise FileNotFoundError(f"{location} is neither an http(s) URL nor a directory")
    return DirectorySource(location)


def _state_file(state_dir: Path, verifier: Verifier) -> Path:
    """Where the last verified checkpoint of this log (by its key) is kept."""
    name = hashlib.sha256(verifier.to_vkey().encode()).hexdigest()[:16]
    return state_dir / f"{name}.checkpoint"


def _progress(stream: TextIO, what: str = "entries") -> Progress:
    last = [-1]

    def show(done: int, total: int) -> None:
        tenth = done * 10 // total if total else 10
        if tenth != last[0]:
            last[0] = tenth
            stream.write(f"  verified {done:,} of {total:,} {what}\n")
            stream.flush()

    return show


def verify_once(source: LogSource, verifier: Verifier, state: Path, out: TextIO) -> int:
    previous: Checkpoint | None = None
    if state.exists():
        previous = open_checkpoint(state.read_bytes(), [verifier])
    started = time.perf_counter()
    report = verify_log(source, [verifier], previous, _progress(sys.stderr),
                        content_progress=_progress(sys.stderr, "contents committed by hash"))
    elapsed = time.perf_counter() - started
    state.parent.mkdir(parents=True, exist_ok=True)
    temporary = state.with_suffix(".tmp")
    temporary.write_bytes(report.note)
    os.replace(temporary, state)  # a crash never leaves half a checkpoint behind
    since = (
        f"; consistent with the size {report.previous_size:,} seen before"
        if report.previous_size is not None
        else ""
    )
    out.write(
        f"OK: {report.checkpoint.origin} at size {report.checkpoint.size:,}: signature, "
        f"{report.bundles:,} entry bundles, {report.tiles:,} tiles and {report.contents:,} "
        f"contents committed by hash verified in {elapsed:.2f} s{since}\n"
    )
    return OK


def verify_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="openpeace verify", description="Verify a published openpeace log."
    )
    parser.add_argument("source", help="the log's URL (…/log) or a directory copy of its tiles")
    parser.add_argument("--key", required=True, help="the log's verifier key (name+id+key)")
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        / "openpeace",
        help="directory keeping the last verified checkpoint of each log",
    )
    parser.add_argument("--follow", action="store_true", help="keep verifying: a monitor")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between checks")
    parser.add_argument("--rounds", type=int, default=0, help="with --follow: stop after N")
    args = parser.parse_args(argv)
    try:
        verifier = Verifier.from_vkey(args.key)
        source = _source(args.source)
    except (LogError, FileNotFoundError) as error:
        err.write(f"openpeace verify: {error}\n")
        return USAGE
    state = _state_file(args.state, verifier)
    rounds = 0
    while True:
        try:
            verify_once(source, verifier, state, out)
        except LogError as error:
            err.write(f"FAILED: {args.source}: {error}\n")
            return FAILED
        rounds += 1
        if not args.follow or rounds == args.rounds:
            return OK
        out.flush()
        time.sleep(args.interval)


def verify_proof_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="openpeace verify-proof",
        description="Check offline that one entry is in the log, from its .tlog-proof file.",
    )
    parser.add_argument("proof", type=Path, help="the .tlog-proof file")
    parser.add_argument("--key", required=True, help="the log's verifier key")
    parser.add_argument(
        "--entry",
        type=Path,
        help="the entry's bytes (by default those the proof carries on its extra line)",
    )
    args = parser.parse_args(argv)
    try:
        verifier = Verifier.from_vkey(args.key)
        data = args.proof.read_bytes()
        carried = TlogProof.parse(data).extra
        entry = args.entry.read_bytes() if args.entry else carried
    except (LogError, OSError) as error:
        err.write(f"openpeace verify-proof: {error}\n")
        return USAGE
    if entry is None:
        err.write("openpeace verify-proof: the proof carries no entry: give it with --entry\n")
        return USAGE
    try:
        checkpoint = verify_proof(data, entry, [verifier])
    except LogError as error:
        err.write(f"FAILED: {args.proof}: {error}\n")
        return FAILED
    index = TlogProof.parse(data).index
    out.write(
        f"OK: entry {index} is in {checkpoint.origin}, in the tree of size {checkpoint.size:,} "
        f"signed by {verifier.name}\n"
    )
    return OK


def _plebiscite_from_log(source: LogSource, verifier: Verifier, election_id: str,
                         out: TextIO) -> tuple[bytes, tuple[str, ...]]:
    """Verify the whole log, keeping the plebiscite's entries (and the decisions that cite it)
    as they are verified, and rebuild the election record from them (spec §13.4): the record,
    and where it disagrees with what the plebiscite published."""
    from openpeace.core.plebiscite.from_log import entry_filter, read_record, subject

    wanted = entry_filter(election_id)
    bodies: list[tuple[int, bytes]] = []

    def keep(first: int, entries: list[bytes]) -> None:
        bodies.extend((first + n, body) for n, body in enumerate(entries) if wanted(body))

    report = verify_log(source, [verifier], reader=keep)
    entries = [read_entry(index, body, source.read) for index, body in bodies]
    read = read_record(election_id, entries)
    about = sum(entry.subject == subject(election_id) for entry in entries)
    out.write(f"OK: the log {report.checkpoint.origin} at size {report.checkpoint.size:,} "
              f"verifies; {about:,} entries of {subject(election_id)} give its record\n")
    return read.record.to_bytes(), read.failures


def plebiscite_verify_main(argv: list[str], out: TextIO = sys.stdout,
                           err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="openpeace plebiscite verify",
        description="Check a plebiscite's whole election record: every ballot's proofs and "
        "signature, the credentials, the last ballot per credential, the product, every "
        "decryption proof and the result (docs/plebiscite-spec.md). The record is read from a "
        "copy of the log (verified first, with the log's key) or from an exported file. From "
        "a log it must also be the plebiscite that was published: the question and its "
        "language, options, credentials and trustees' commitments published before its key "
        "ceremony, and the decision recorded from its result (spec §13.4).",
    )
    parser.add_argument("source", help="the log (its URL …/log, or a directory copy of it), "
                        "or an exported record file (canonical JSON)")
    parser.add_argument("--key", help="with a log: its verifier key (name+id+key)")
    parser.add_argument("--election", help="with a log: the plebiscite's election id")
    parser.add_argument("--processes", type=int, default=1,
                        help="verify the ballots in this many processes")
    args = parser.parse_args(argv)
    from openpeace.core.plebiscite import verify_record
    from openpeace.core.plebiscite.encoding import EncodingError

    from_log = args.source.startswith(("http://", "https://")) or Path(args.source).is_dir()
    if from_log and not (args.key and args.election):
        err.write("openpeace plebiscite verify: a log needs --key (its verifier key) and "
                  "--election (the plebiscite's election id)\n")
        return USAGE
    try:
        consistency: tuple[str, ...] = ()
        if from_log:
            data, consistency = _plebiscite_from_log(
                _source(args.source), Verifier.from_vkey(args.key), args.election, out)
        else:
            data = Path(args.source).read_bytes()
    except OSError as error:
        err.write(f"openpeace plebiscite verify: cannot read {args.source}: "
                  f"{error.strerror or error}\n")
        return USAGE
    except (LogError, EncodingError) as error:
        err.write(f"FAILED: {args.source}: {error}\n")
        return FAILED
    report = verify_record(data, processes=max(1, args.processes))
    if consistency:  # the record disagrees with what the plebiscite published (spec §13.4)
        report = dataclasses.replace(report, failures=(*consistency, *report.failures))
    (out if report.ok else err).write(report.summary() + "\n")
    return OK if report.ok else FAILED


COMMANDS = {"verify": verify_main, "verify-proof": verify_proof_main,
            "plebiscite verify": plebiscite_verify_main}
