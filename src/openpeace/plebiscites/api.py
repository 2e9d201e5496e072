"""The plebiscites API: a commission calls and runs its nationality's plebiscite by token;
anyone reads it, fetches its parameters and record, and casts or audits a ballot (a ballot's
credential signature is its authorisation: the server cannot make one)."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import field_validator

from openpeace.api_types import Text
from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import EncodingError, json_pair, unb64, unhex32
from openpeace.core.plebiscite.proofs import KnowledgeProof
from openpeace.pagination import Page
from openpeace.plebiscites import selectors, services
from openpeace.plebiscites.models import CastBallot, Plebiscite
from openpeace.selfdetermination.api import CommissionToken
from openpeace.selfdetermination.models import Commission
from openpeace.world.api import detailed, found, listed
from openpeace.world.models import Nationality, State
from openpeace.world.schemas import ErrorOut, InvalidOut

router = Router(tags=["plebiscites"])



def _invalid(message: str, location: str = "body.payload") -> Status:
    return Status(422, {"detail": f"invalid request: {location}: {message}",
                        "problems": [{"location": location, "message": message}]})


class OptionOut(Schema):
    id: str
    label: str


class PlebisciteOut(Schema):
    id: int
    election_id: str
    nationality: str
    commission: str
    question: str
    options: list[OptionOut]
    opens_at: dt.datetime
    closes_at: dt.datetime
    trustees: int
    threshold: int
    status: str
    election_hash: str | None = Field(description="once the parameters are fixed")
    credentials: int = Field(description="the number of public credentials published")
    ballots_cast: int = Field(description="ballots on the board, revotes included; never votes")
    result: dict[str, Any] | None = Field(description='{"counts": [...], "ballots": N}')
    log_index: int | None

    @staticmethod
    def resolve_nationality(obj: Plebiscite) -> str:
        return obj.nationality.key

    @staticmethod
    def resolve_commission(obj: Plebiscite) -> str:
        return obj.commission.label

    @staticmethod
    def resolve_election_hash(obj: Plebiscite) -> str | None:
        return obj.election_hash or None

    @staticmethod
    def resolve_credentials(obj: Plebiscite) -> int:
        return len(obj.credentials)

    @staticmethod
    def resolve_ballots_cast(obj: Plebiscite) -> int:
        return getattr(obj, "ballots_cast", None) or obj.ballots.count()

    @staticmethod
    def resolve_log_index(obj: Plebiscite) -> int | None:
        return obj.entry.index


@router.get("/plebiscites", response=listed(PlebisciteOut))
@paginate(Page)
def plebiscite_list(request: HttpRequest) -> QuerySet[Plebiscite]:
    return selectors.plebiscites_public()


@router.get("/plebiscites/{plebiscite_id}", response=detailed(PlebisciteOut))
def plebiscite_get(request: HttpRequest, plebiscite_id: int) -> Plebiscite:
    return found(selectors.plebiscites_public(), "plebiscite", id=plebiscite_id)


def _canonical(data: bytes | None, what: str) -> HttpResponse:
    if data is None:
        raise HttpError(404, f"this plebiscite has no {what} yet: its key ceremony is to come")
    return HttpResponse(data, content_type="application/json")


@router.get("/plebiscites/{plebiscite_id}/parameters", response=detailed(Any))
def plebiscite_parameters(request: HttpRequest, plebiscite_id: int) -> HttpResponse:
    """The election parameters, in their canonical JSON bytes (spec §5): their hash is the
    election hash."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    data = plebiscite.parameters
    return _canonical(None if data is None else bytes(data), "parameters")


@router.get("/plebiscites/{plebiscite_id}/record", response=detailed(Any))
def plebiscite_record(request: HttpRequest, plebiscite_id: int) -> HttpResponse:
    """The election record as it stands (spec §13), for `openpeace plebiscite verify`."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    record = selectors.record_of(plebiscite)
    return _canonical(None if record is None else record.to_bytes(), "record")


class BoardEntryOut(Schema):
    position: int
    tracker: str
    credential: str
    cast_at: dt.datetime
    log_index: int | None

    @staticmethod
    def resolve_log_index(obj: CastBallot) -> int | None:
        return obj.entry.index


@router.get("/plebiscites/{plebiscite_id}/board",
            response={**listed(BoardEntryOut), 404: ErrorOut})
@paginate(Page)
def plebiscite_board(request: HttpRequest, plebiscite_id: int) -> QuerySet[CastBallot]:
    """The public board: every cast ballot's tracker and credential, in board order."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    return selectors.ballots_on_board(plebiscite)


# Commission's writes -------------------------------------------------------------------------


class PlebiscitesIn(Schema):
    nationality: Text = Field(description="the commission's own nationality")
    question: str = Field(min_length=1, max_length=5_000)
    joins: list[Text] = Field(max_length=63, description="candidate states' keys, the ruling "
                                                         "states among them")
    opens_at: dt.datetime
    closes_at: dt.datetime
    trustees: int = Field(ge=1, le=255)
    threshold: int = Field(ge=1, le=255)

    @field_validator("question")
    @classmethod
    def no_nul(cls, value: str) -> str:
        if "\x00" in value or not value.strip():
            raise ValueError("it must say something and contain no NUL character")
        return value

    @field_validator("opens_at", "closes_at")
    @classmethod
    def aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone (e.g. Z)")
        return value


def _commission(request: HttpRequest) -> Commission:
    commission: Commission = request.auth  # type: ignore[attr-defined]
    return commission


def _own(request: HttpRequest, plebiscite_id: int) -> tuple[Commission, Plebiscite]:
    commission = _commission(request)
    plebiscite = found(Plebiscite.objects.select_related("nationality"), "plebiscite",
                       id=plebiscite_id)
    if plebiscite.nationality_id != commission.nationality_id:
        raise HttpError(403, f"this commission acts for {commission.nationality.key}, not for "
                             f"{plebiscite.nationality.key!r}")
    return commission, plebiscite


def _done(plebiscite: Plebiscite, status: int = 201) -> Status:
    return Status(status, selectors.plebiscites_public().get(pk=plebiscite.pk))


@router.post("/plebiscites", auth=CommissionToken(),
             response={201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut})
def plebiscite_create(request: HttpRequest, payload: PlebiscitesIn) -> Status:
    """A commission calls a plebiscite of its own nationality (403 for any other)."""
    commission = _commission(request)
    if commission.nationality.key != payload.nationality:
        raise HttpError(403, f"this commission acts for {commission.nationality.key}, not for "
                             f"{payload.nationality!r}")
    states = {s.key: s for s in State.objects.filter(key__in=payload.joins)}
    unknown = [k for k in payload.joins if k not in states]
    if unknown:
        return _invalid(f"no state {', '.join(map(repr, unknown))}", "body.payload.joins")
    try:
        plebiscite = services.plebiscite_create(
            commission=commission,
            nationality=Nationality.objects.get(pk=commission.nationality_id),
            question=payload.question, joins=[states[k] for k in payload.joins],
            opens_at=payload.opens_at, closes_at=payload.closes_at, trustees=payload.trustees,
            threshold=payload.threshold,
        )
    except services.PlebisciteRefused as refused:
        return _invalid(str(refused))
    return _done(plebiscite)


class CredentialsIn(Schema):
    credentials: list[str] = Field(min_length=1, max_length=10_000_000,
                                   description="the public credentials: hex, sorted")


@router.post("/plebiscites/{plebiscite_id}/credentials", auth=CommissionToken(),
             response={201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       422: InvalidOut})
def credentials_publish(request: HttpRequest, plebiscite_id: int, payload: CredentialsIn
                        ) -> Status:
    """Publish the credential authority's public output (never the private credentials)."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        credentials = [unhex32(c, f"credential {n}") for n, c in enumerate(payload.credentials)]
        services.plebiscite_credentials_publish(commission=commission, plebiscite=plebiscite,
                                                credentials=credentials)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused))
    return _done(plebiscite)


class DealingIn(Schema):
    index: int = Field(ge=1, le=255)
    name: str = Field(min_length=1, max_length=200)
    commitments: list[str] = Field(min_length=1, max_length=255)
    proofs: list[list[str]] = Field(min_length=1, max_length=255)


class AnswerIn(Schema):
    dealer: int = Field(ge=1, le=255)
    recipient: int = Field(ge=1, le=255)
    share: str = Field(description="the share, hex scalar (little-endian)")


class CeremonyIn(Schema):
    trustees: list[DealingIn] = Field(min_length=1, max_length=255)
    complaints: list[tuple[int, int]] = Field(default_factory=list, max_length=65_025)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=65_025)


@router.post("/plebiscites/{plebiscite_id}/ceremony", auth=CommissionToken(),
             response={201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       422: InvalidOut})
def ceremony_record(request: HttpRequest, plebiscite_id: int, payload: CeremonyIn) -> Status:
    """Record the key ceremony's public part; the qualified dealings fix the parameters."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        dealings = [
            services.TrusteeDealing(t.name, core.Dealing(
                t.index, tuple(unhex32(c, f"trustee {t.index} commitment") for c in t.commitments),
                tuple(KnowledgeProof(*json_pair(p, f"trustee {t.index} proof")) for p in t.proofs),
            ))
            for t in payload.trustees
        ]
        answers = {
            (a.dealer, a.recipient): core.Share(
                a.dealer, a.recipient, int.from_bytes(unhex32(a.share, "answer share"), "little"))
            for a in payload.answers
        }
        services.plebiscite_ceremony_record(commission=commission, plebiscite=plebiscite,
                                            dealings=dealings, complaints=payload.complaints,
                                            answers=answers)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused))
    return _done(plebiscite)


@router.post("/plebiscites/{plebiscite_id}/close", auth=CommissionToken(),
             response={201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       422: InvalidOut})
def plebiscite_close(request: HttpRequest, plebiscite_id: int) -> Status:
    """After the voting period: verify the whole board and publish its tally."""
    plebiscite = _own(request, plebiscite_id)[1]
    try:
        services.plebiscite_close(plebiscite=plebiscite)
    except services.PlebisciteRefused as refused:
        return _invalid(str(refused))
    return _done(plebiscite)


class DecryptionIn(Schema):
    trustee: int = Field(ge=1, le=255)
    shares: list[str] = Field(min_length=1, max_length=64)
    proofs: list[list[str]] = Field(min_length=1, max_length=64)


@router.post("/plebiscites/{plebiscite_id}/decryptions", auth=CommissionToken(),
             response={201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       422: InvalidOut})
def decryption_submit(request: HttpRequest, plebiscite_id: int, payload: DecryptionIn) -> Status:
    """A trustee's partial decryption of the tally (relayed by the commission), kept only if its
    proofs verify; with the k-th, the result and the nationality's decision."""
    plebiscite = _own(request, plebiscite_id)[1]
    try:
        partial = core.PartialDecryption.from_json(payload.dict(), "decryption")
        services.decryption_submit(plebiscite=plebiscite, partial=partial)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused))
    return _done(plebiscite)


# Voters' writes ------------------------------------------------------------------------------


class BallotIn(Schema):
    ballot: str = Field(max_length=20_000, description="the ballot's bytes, standard base64")


class CastOut(Schema):
    position: int
    tracker: str = Field(description="hex; the voter finds it on the board")
    tracker_text: str = Field(description="the tracker as shown to voters")
    log_index: int | None = Field(description="once the log integrates the entry")


def _cast_out(ballot: CastBallot | Any) -> dict[str, object]:
    return {"position": ballot.position, "tracker": ballot.tracker,
            "tracker_text": core.tracker_text(bytes.fromhex(ballot.tracker)),
            "log_index": ballot.entry.index}


@router.post("/plebiscites/{plebiscite_id}/ballots",
             response={201: CastOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut})
def ballot_cast(request: HttpRequest, plebiscite_id: int, payload: BallotIn) -> Status:
    """Cast a ballot (made by the booth or `openpeace plebiscite vote`): it is verified by the
    core before it is accepted; the answer is its tracker. A later ballot of the same credential
    replaces it in the count."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    try:
        data = unb64(payload.ballot, "the ballot")
        ballot = services.ballot_cast(plebiscite=plebiscite, data=data)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused), "body.payload.ballot")
    return Status(201, _cast_out(ballot))


class AuditIn(Schema):
    ballot: str = Field(max_length=20_000, description="the ballot's bytes, standard base64")
    choice: int = Field(ge=0, le=63)
    randomness: list[str] = Field(min_length=1, max_length=64)


@router.post("/plebiscites/{plebiscite_id}/audits",
             response={201: CastOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut})
def ballot_audit(request: HttpRequest, plebiscite_id: int, payload: AuditIn) -> Status:
    """Publish an audited ballot (Benaloh): checked, then never castable."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    try:
        audited = core.AuditedBallot.from_json(payload.dict(), "the audit")
        ballot = services.ballot_audit(plebiscite=plebiscite, audited=audited)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused))
    return Status(201, _cast_out(ballot))
