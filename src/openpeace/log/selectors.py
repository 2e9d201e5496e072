"""Reads from the log: checkpoints, entries, files and proofs, all from stored tiles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from openpeace.core.log.merkle import inclusion_proof, leaf_hash
from openpeace.core.log.proof import TlogProof
from openpeace.core.log.tiles import TileHashReader
from openpeace.log.models import Checkpoint, Content, Entry, LogFile


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def file_read(path: str) -> bytes:
    """A tile or bundle's bytes; raises `LogFile.DoesNotExist`."""
    return bytes(LogFile.objects.values_list("data", flat=True).get(path=path))


def content_hashes() -> set[str]:
    """The SHA-256 of every content committed to the log by its hash."""
    return set(Content.objects.values_list("sha256", flat=True))


def content_read(sha256: str) -> bytes:
    """A committed content's bytes; raises `Content.DoesNotExist`."""
    return bytes(Content.objects.values_list("data", flat=True).get(sha256=sha256))


def entry_list_recent(
    limit: int = 50, *, kind: str = "", subject: str = "", before: int | None = None
) -> list[Entry]:
    """The latest integrated entries, newest first: of `kind` and about `subject` when given,
    and older than the index `before` when given (the log browser's next page)."""
    entries = Entry.objects.filter(index__isnull=False)
    if kind:
        entries = entries.filter(kind=kind)
    if subject:
        entries = entries.filter(subject=subject)
    if before is not None:
        entries = entries.filter(index__lt=before)
    return list(entries.order_by("-index")[:limit])


def entries_integrated() -> QuerySet[Entry]:
    """Every integrated entry, in index order: what the log's pages and files show."""
    return Entry.objects.filter(index__isnull=False).order_by("index")


def entry_get(index: int) -> Entry:
    """The integrated entry at `index`; raises `Entry.DoesNotExist`."""
    return Entry.objects.get(index=index)


def entry_for(kind: str, subject: str) -> Entry | None:
    """The latest entry recording an act of `kind` about `subject` (for pages that link to it)."""
    return Entry.objects.filter(kind=kind, subject=subject).order_by("-pk").first()


@dataclass(frozen=True)
class EntryProof:
    """An entry's inclusion in the latest checkpoint, as a page or a `.tlog-proof` shows it."""

    entry: Entry
    checkpoint: Checkpoint
    leaf_hash: bytes
    hashes: tuple[bytes, ...]

    def tlog_proof(self) -> bytes:
        """The `.tlog-proof` file, carrying the entry itself on its `extra` line.

        C2SP tlog-proof allows extra data "necessary to reconstruct the record hash"; carrying
        the entry makes the file enough on its own, and it is safe because the verifier trusts
        it only after the inclusion proof authenticates it.
        """
        proof = TlogProof(
            self.entry.index or 0,
            self.hashes,
            self.checkpoint.note.encode(),
            extra=bytes(self.entry.body),
        )
        return proof.encode()


def entry_proof(index: int) -> EntryProof | None:
    """The proof that entry `index` is in the latest checkpoint; None if none covers it yet."""
    entry = entry_get(index)
    checkpoint = checkpoint_latest()
    if checkpoint is None or checkpoint.size <= index:
        return None
    hashes = inclusion_proof(index, checkpoint.size, TileHashReader(checkpoint.size, file_read))
    return EntryProof(entry, checkpoint, leaf_hash(bytes(entry.body)), tuple(hashes))
