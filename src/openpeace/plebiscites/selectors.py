"""Reads of the plebiscites: the public list, the board, the election and its record.

`election_of` keeps one verified `core.Election` per election hash in the process: building it
checks every trustee's proofs and every credential once, not at every ballot.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import parse_canonical_json
from openpeace.plebiscites.models import AuditedBallot, CastBallot, Complaint, Plebiscite, Trustee

_ELECTIONS: dict[str, core.Election] = {}


def plebiscites_public() -> QuerySet[Plebiscite]:
    return (Plebiscite.objects.select_related("nationality", "language", "commission", "entry",
                                              "decision__entry")
            .annotate(ballots_cast=Count("ballots", distinct=True)))


def trustees_of(plebiscite: Plebiscite) -> QuerySet[Trustee]:
    """The appointed trustees, in index order, each with its dealing if it has dealt."""
    return (Trustee.objects.filter(plebiscite=plebiscite)
            .select_related("entry", "dealing__entry"))


def complaints_of(plebiscite: Plebiscite) -> QuerySet[Complaint]:
    return (Complaint.objects.filter(dealer__plebiscite=plebiscite)
            .select_related("dealer", "recipient", "entry", "answer_entry"))


def qualified_of(plebiscite: Plebiscite) -> set[int] | None:
    """The indices of the trustees whose dealings qualified; None before the ceremony."""
    if plebiscite.parameters is None:
        return None
    return set(plebiscite.dealings.values_list("index", flat=True))


def parameters_of(plebiscite: Plebiscite) -> core.ElectionParameters | None:
    if plebiscite.parameters is None:
        return None
    return core.ElectionParameters.from_json(parse_canonical_json(bytes(plebiscite.parameters)))


def election_of(plebiscite: Plebiscite) -> core.Election:
    """The plebiscite's verified election context (once its parameters are fixed)."""
    election = _ELECTIONS.get(plebiscite.election_hash)
    if election is None:
        parameters = parameters_of(plebiscite)
        if parameters is None:
            raise ValueError("the parameters are not fixed yet")
        election = core.Election(parameters)
        _ELECTIONS[plebiscite.election_hash] = election
    return election


def tally_of(plebiscite: Plebiscite) -> core.Tally | None:
    return None if plebiscite.tally is None else core.Tally.from_json(plebiscite.tally)


def ballots_on_board(plebiscite: Plebiscite, credential: str | None = None
                     ) -> QuerySet[CastBallot]:
    """The board in its order; with `credential` (a public credential, hex), only the ballots
    cast under it, so a voter sees every ballot in their name and that their last one is last
    (spec §15: an unknown tracker there is a ballot someone else cast with their credential)."""
    ballots = CastBallot.objects.filter(plebiscite=plebiscite).select_related("entry")
    return ballots if credential is None else ballots.filter(credential=credential)


def audits_on_board(plebiscite: Plebiscite) -> QuerySet[AuditedBallot]:
    return AuditedBallot.objects.filter(plebiscite=plebiscite).select_related("entry")


def board_of(plebiscite: Plebiscite) -> core.Board:
    """The board as the core sees it: cast ballots in order, then audited ballots."""
    ballots = tuple(bytes(d) for d in ballots_on_board(plebiscite).values_list("data", flat=True))
    audits = tuple(
        core.AuditedBallot(bytes(a.data), a.choice, tuple(int.from_bytes(bytes.fromhex(r), "little")
                                                          for r in a.randomness))
        for a in audits_on_board(plebiscite)
    )
    return core.Board(ballots, audits)


def record_of(plebiscite: Plebiscite) -> core.ElectionRecord | None:
    """The election record (spec §13) as it stands; None before the parameters are fixed."""
    parameters = parameters_of(plebiscite)
    if parameters is None:
        return None
    decryptions = tuple(core.PartialDecryption.from_json(d.partial, "decryption")
                        for d in plebiscite.decryptions.all())
    return core.ElectionRecord(
        parameters=parameters, board=board_of(plebiscite), tally=tally_of(plebiscite),
        decryptions=decryptions,
        result=None if plebiscite.result is None else core.Result.from_json(plebiscite.result),
    )


def counted_for(plebiscite: Plebiscite, credential: str) -> list[CastBallot]:
    """The ballots of one credential, in board order (the last one counts)."""
    return list(ballots_on_board(plebiscite).filter(credential=credential))


def voting_refusal(plebiscite: Plebiscite, at: dt.datetime) -> str | None:
    """Why the plebiscite takes no ballot at `at`, or None while it does: its parameters
    fixed, and `at` within its voting period. The ballot services refuse with this message,
    and the pages offer the booth only when it is None."""
    if plebiscite.status != Plebiscite.Status.READY:
        return "this plebiscite is not taking ballots: " + (
            "its voting is closed" if plebiscite.status in ("closed", "decided")
            else "its parameters are not fixed yet")
    if at < plebiscite.opens_at:
        return f"voting opens at {plebiscite.opens_at.isoformat()}"
    if at >= plebiscite.closes_at:
        return f"voting closed at {plebiscite.closes_at.isoformat()}"
    return None
