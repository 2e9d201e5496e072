"""A nationality's plebiscite: its public parameters, its ballot box, its tally and result.

Everything stored here is public but the hashes of the trustees' tokens: the server never holds a
private credential, a trustee's secret (its polynomial, its shares, its key share) or a
plaintext vote. The cryptography is `openpeace.core.plebiscite`
(docs/plebiscite-spec.md); these rows keep what the core verified, in board order, each act
with its log entry, so that the election record can be rebuilt from the log alone.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from openpeace.log.models import Entry
from openpeace.selfdetermination.models import Commission, Decision
from openpeace.tokens import TokenHolder
from openpeace.world.models import Language, Nationality


class Plebiscite(models.Model):
    """One question put to one nationality: to form a separate state or to join which state.

    Its life: created → credentials published → key ceremony (the parameters are then fixed and
    hashed) → voting (between `opens_at` and `closes_at`) → closed and tallied → decrypted →
    result, which becomes the nationality's decision.
    """

    class Status(models.TextChoices):
        CREATED = "created", "created"
        CREDENTIALS = "credentials", "credentials published"
        READY = "ready", "parameters fixed"
        CLOSED = "closed", "voting closed, tallied"
        DECIDED = "decided", "result published"

    nationality = models.ForeignKey(Nationality, on_delete=models.PROTECT,
                                    related_name="plebiscites")
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT,
                                   related_name="plebiscites", help_text="the body that called it")
    election_id = models.CharField(max_length=200, unique=True)
    question = models.TextField()
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+",
        help_text="the language the question is written in, one of the nationality's: every "
                  "page marks the question with it")
    options = models.JSONField(help_text='[{"id", "label"}] in option order')
    joins = models.JSONField(help_text="per option, the state key it joins, or null")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    trustees = models.PositiveSmallIntegerField(help_text="n, the number of trustees")
    threshold = models.PositiveSmallIntegerField(help_text="k, the trustees needed to decrypt")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
    credentials = models.JSONField(default=list, blank=True,
                                   help_text="the public credentials, hex, sorted")
    parameters = models.BinaryField(null=True, blank=True,
                                    help_text="the canonical JSON of the election parameters")
    election_hash = models.CharField(max_length=64, blank=True)
    tally = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="plebiscite")
    decision_withheld = models.TextField(
        blank=True,
        help_text="why a result with a winner was not recorded as the nationality's decision: it "
                  "contradicts a free decision already recorded for the same day, and officials "
                  "must say which stands")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+",
                                 help_text="the log entry of its creation")

    class Meta:
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                   name="plebiscite_period_ordered"),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1, threshold__lte=models.F("trustees")),
                name="plebiscite_threshold_within_trustees"),
        ]

    def __str__(self) -> str:
        return f"plebiscite {self.pk} of the {self.nationality}"


class Trustee(TokenHolder):
    """One of a plebiscite's n trustees, appointed by a commission of its nationality. It acts by
    token, for its own index only: it posts its dealing, complains of a bad share or answers a
    complaint, and decrypts the tally (spec §6, §12).

    Its secrets stay on its own machine (`openpeace plebiscite trustee`). Only a hash of its
    token is kept; the token is shown once, to the commission that appointed it, and can be
    revoked.
    """

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.PROTECT,
                                   related_name="appointed")
    index = models.PositiveSmallIntegerField(
        help_text="its number, 1..n, in order of appointment: the x-coordinate of its share")
    name = models.CharField(max_length=200)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+",
                                 help_text="the log entry of its appointment")

    class Meta:
        ordering = ["plebiscite", "index"]
        constraints = [
            models.UniqueConstraint(fields=["plebiscite", "index"], name="trustee_index_once"),
            models.CheckConstraint(condition=models.Q(index__gte=1), name="trustee_index_from_1"),
        ]

    def __str__(self) -> str:
        return f"trustee {self.index} of plebiscite {self.plebiscite_id}: {self.name}"


class Dealing(models.Model):
    """A trustee's dealing as it posted it (spec §6.1): the commitments to its polynomial and a
    proof of knowledge of each coefficient, checked by the core. Its shares went to the other
    trustees out of band, never here. Which dealings qualify is decided when the ceremony is
    recorded (`TrusteeDealing`)."""

    trustee = models.OneToOneField(Trustee, on_delete=models.PROTECT, related_name="dealing")
    commitments = models.JSONField()
    proofs = models.JSONField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["trustee"]

    def __str__(self) -> str:
        return f"dealing of {self.trustee}"

    def to_json(self) -> dict[str, Any]:
        """As posted: the JSON form of `core.plebiscite.Dealing`."""
        return {"trustee": self.trustee.index, "commitments": self.commitments,
                "proofs": self.proofs}


class Complaint(models.Model):
    """A trustee's public complaint that its share from a dealer does not match the dealer's
    commitments (or never came), and the dealer's answer: that share in clear (spec §6.3).
    When the ceremony is recorded, the core dismisses the complaint if the answer matches and
    disqualifies the dealer otherwise."""

    dealer = models.ForeignKey(Trustee, on_delete=models.PROTECT,
                               related_name="complaints_against")
    recipient = models.ForeignKey(Trustee, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=64, blank=True,
                              help_text="the share the dealer published, hex scalar")
    answer_entry = models.OneToOneField(Entry, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")

    class Meta:
        ordering = ["dealer", "recipient"]
        constraints = [models.UniqueConstraint(fields=["dealer", "recipient"],
                                               name="complaint_once_per_share")]

    def __str__(self) -> str:
        return f"complaint of {self.recipient} against {self.dealer}"


class TrusteeDealing(models.Model):
    """A qualified trustee's dealing, as the ceremony fixed it in the parameters (spec §6.3)."""

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.CASCADE,
                                   related_name="dealings")
    index = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    commitments = models.JSONField()
    proofs = models.JSONField()

    class Meta:
        ordering = ["plebiscite", "index"]
        constraints = [models.UniqueConstraint(fields=["plebiscite", "index"],
                                               name="dealing_once_per_trustee")]

    def __str__(self) -> str:
        return f"trustee {self.index} of plebiscite {self.plebiscite_id}: {self.name}"


class CastBallot(models.Model):
    """A ballot on the public board, at its position (from 0, in the order received)."""

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.PROTECT, related_name="ballots")
    position = models.PositiveIntegerField()
    data = models.BinaryField()
    tracker = models.CharField(max_length=64)
    credential = models.CharField(max_length=64)
    cast_at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plebiscite", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plebiscite", "position"], name="ballot_position_once"),
        ]
        indexes = [models.Index(fields=["plebiscite", "tracker"]),
                   models.Index(fields=["plebiscite", "credential"])]

    def __str__(self) -> str:
        return f"ballot {self.position} of plebiscite {self.plebiscite_id}"


class AuditedBallot(models.Model):
    """A ballot audited instead of cast (Benaloh): revealed, so it can never be cast."""

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.PROTECT, related_name="audits")
    position = models.PositiveIntegerField()
    data = models.BinaryField()
    choice = models.PositiveSmallIntegerField()
    randomness = models.JSONField()
    tracker = models.CharField(max_length=64)
    audited_at = models.DateTimeField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plebiscite", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plebiscite", "position"], name="audit_position_once"),
        ]

    def __str__(self) -> str:
        return f"audit {self.position} of plebiscite {self.plebiscite_id}"


class Ciphertext(models.Model):
    """The first component A of every ciphertext on the board: no two entries may share one
    (spec §11.2). The unique constraint is the last guard; the service checks first."""

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.PROTECT, related_name="+")
    a = models.CharField(max_length=64)
    owner = models.CharField(max_length=32, help_text='"ballot p" or "audit q"')

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plebiscite", "a"],
                                               name="ciphertext_never_shared")]

    def __str__(self) -> str:
        return f"ciphertext of {self.owner} of plebiscite {self.plebiscite_id}"


class Decryption(models.Model):
    """A trustee's verified partial decryption of the tally (spec §12.3)."""

    plebiscite = models.ForeignKey(Plebiscite, on_delete=models.PROTECT,
                                   related_name="decryptions")
    trustee = models.PositiveSmallIntegerField()
    partial = models.JSONField()
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plebiscite", "trustee"]
        constraints = [models.UniqueConstraint(fields=["plebiscite", "trustee"],
                                               name="decryption_once_per_trustee")]

    def __str__(self) -> str:
        return f"decryption by trustee {self.trustee} of plebiscite {self.plebiscite_id}"
