"""The log's storage: entries, their tiles and bundles, and the signed checkpoints.

The three states of an entry, as Tessera keeps them apart: *sequenced* (its row is written in
the act's own transaction, `index` still empty), *integrated* (the integrator gave it the next
index and wrote its tiles), *published* (a signed checkpoint covers its index).
"""

from __future__ import annotations

from django.db import models


class Entry(models.Model):
    """One public act's record: exactly the bytes that are hashed into the log."""

    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, help_text="what the act is about, e.g. state:russia")
    body = models.BinaryField(help_text="the canonical JSON document, as logged")
    recorded_at = models.DateTimeField()
    index = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["kind", "subject"])]

    def __str__(self) -> str:
        where = f"#{self.index}" if self.index is not None else "(not yet integrated)"
        return f"{self.kind} {self.subject} {where}"


class Content(models.Model):
    """A large document committed to the log by its SHA-256 and served at a stable URL."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    media_type = models.CharField(max_length=100)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.sha256


class LogFile(models.Model):
    """A tile or entry bundle (c2sp.org/tlog-tiles), at its path; never rewritten."""

    path = models.CharField(max_length=200, primary_key=True)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.path


class TreeState(models.Model):
    """The integrated tree (one row): locked by the integrator, so indexes never collide."""

    size = models.BigIntegerField(default=0)
    root_hash = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return f"tree of {self.size}"


class Checkpoint(models.Model):
    """A signed checkpoint (c2sp.org/tlog-checkpoint): the log's commitment at one size."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField()
    note = models.TextField(help_text="the signed note, as served at /log/checkpoint")
    signed_at = models.DateTimeField()

    class Meta:
        get_latest_by = "size"

    def __str__(self) -> str:
        return f"checkpoint at size {self.size}"
