"""The plebiscites API: a commission calls and runs its nationality's plebiscite by token and
appoints its trustees; each trustee, by its own token and for its own index only, takes its part
in the key ceremony and decrypts the tally; anyone reads it, fetches its parameters, ceremony and
record, and casts or audits a ballot (a ballot's credential signature is its authorisation: the
server cannot make one)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import field_validator

from openpeace.api_types import Instant, Payload, Text
from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import EncodingError, unb64, unhex32, unhex_scalar
from openpeace.core.text import text_problem
from openpeace.pagination import Page
from openpeace.plebiscites import selectors, services
from openpeace.plebiscites.models import CastBallot, Plebiscite, Trustee
from openpeace.selfdetermination.api import CommissionToken
from openpeace.selfdetermination.models import Commission
from openpeace.world.api import detailed, found, listed, written
from openpeace.world.models import Nationality, State
from openpeace.world.schemas import (
    ErrorOut,
    InvalidOut,
    RowsByKeys,
    invalid_body,
    refused_body,
)

router = Router(tags=["plebiscites"])


def _invalid(message: str, location: str = "body.payload") -> Status[Any]:
    return Status(422, invalid_body([(location, message)]))


class OptionOut(Schema):
    id: str
    label: str


class PlebisciteOut(RowsByKeys):
    id: int
    election_id: str
    nationality: str
    commission: str
    question: str
    language: str = Field(description="the BCP 47 tag of the language the question is in")
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


class BoardFilterIn(Schema):
    credential: str | None = Field(
        None, pattern="^[0-9a-f]{64}$",
        description="only the ballots cast under this public credential (hex): a voter's own")


@router.get("/plebiscites/{plebiscite_id}/board",
            response={**listed(BoardEntryOut), 404: ErrorOut})
@paginate(Page)
def plebiscite_board(request: HttpRequest, plebiscite_id: int,
                     filters: Query[BoardFilterIn]) -> QuerySet[CastBallot]:
    """The public board: every cast ballot's tracker and credential, in board order."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    return selectors.ballots_on_board(plebiscite, filters.credential)


# Commission's writes -------------------------------------------------------------------------


class PlebiscitesIn(Payload):
    nationality: Text = Field(description="the commission's own nationality")
    question: str = Field(min_length=1, max_length=5_000)
    language: str = Field(min_length=1, max_length=35,
                          description="the BCP 47 tag of the language the question is in: one of "
                                      "the nationality's languages in the register")
    joins: list[Text] = Field(max_length=63, description="candidate states' keys, the ruling "
                                                         "states among them")
    opens_at: Instant
    closes_at: Instant
    trustees: int = Field(ge=1, le=255)
    threshold: int = Field(ge=1, le=255)

    @field_validator("question")
    @classmethod
    def a_public_text(cls, value: str) -> str:
        if problem := text_problem(value, "the question"):
            raise ValueError(problem)
        return value


def _commission(request: HttpRequest) -> Commission:
    commission: Commission = request.auth  # type: ignore[attr-defined]
    return commission


def _own(request: HttpRequest, plebiscite_id: int) -> tuple[Commission, Plebiscite]:
    """The commission acting and the plebiscite, if it is of the commission's nationality (403
    otherwise); the services refuse, 403 likewise, a commission that did not call it."""
    commission = _commission(request)
    plebiscite = found(Plebiscite.objects.select_related("nationality"), "plebiscite",
                       id=plebiscite_id)
    if plebiscite.nationality_id != commission.nationality_id:
        raise HttpError(403, f"this commission acts for {commission.nationality.key}, not for "
                             f"{plebiscite.nationality.key!r}")
    return commission, plebiscite


def _done(plebiscite: Plebiscite, status: int = 201) -> Status[Any]:
    return Status(status, selectors.plebiscites_public().get(pk=plebiscite.pk))


def _refused(refused: EncodingError | services.PlebisciteRefused) -> Status[Any]:
    """A refused act: 403 when it was for someone else, else 422 saying what is wrong, at the
    field of the body it is about when the service names one (an `EncodingError` names none)."""
    if isinstance(refused, services.NotYours):
        return Status(403, {"detail": str(refused)})
    return Status(422, refused_body(refused))


@router.post("/plebiscites", auth=CommissionToken(),
             response=written({201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut}))
def plebiscite_create(request: HttpRequest, payload: PlebiscitesIn) -> Status[Any]:
    """A commission calls a plebiscite of its own nationality (403 for any other), its question
    in one of the nationality's languages (422 at `language` for any other)."""
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
            question=payload.question, language=payload.language,
            joins=[states[k] for k in payload.joins], opens_at=payload.opens_at,
            closes_at=payload.closes_at, trustees=payload.trustees, threshold=payload.threshold,
        )
    except services.LanguageRefused as refused:
        return _invalid(str(refused), "body.payload.language")
    except services.PlebisciteRefused as refused:
        return _refused(refused)
    return _done(plebiscite)


class CredentialsIn(Payload):
    """The whole list, in one request: at most the server's `OPENPEACE_MAX_ELECTORATE`
    credentials (`maxItems`), a body it takes however they are laid out."""

    credentials: list[str] = Field(min_length=1, max_length=settings.OPENPEACE_MAX_ELECTORATE,
                                   description="the public credentials: hex, sorted")


@router.post("/plebiscites/{plebiscite_id}/credentials", auth=CommissionToken(),
             response=written({201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def credentials_publish(request: HttpRequest, plebiscite_id: int, payload: CredentialsIn
                        ) -> Status[Any]:
    """Publish the credential authority's public output (never the private credentials)."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        credentials = [unhex32(c, f"credential {n}") for n, c in enumerate(payload.credentials)]
        services.plebiscite_credentials_publish(commission=commission, plebiscite=plebiscite,
                                                credentials=credentials)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _refused(refused)
    return _done(plebiscite)


class TrusteeIn(Payload):
    name: Text = Field(min_length=1, description="the trustee, as it will be named in public")


class AppointedOut(Schema):
    index: int = Field(description="the trustee's number, 1..n")
    name: str
    token: str = Field(description="shown once: give it to the trustee, and to no one else")
    log_index: int | None = Field(description="of the appointment, once the log integrates it")


@router.post("/plebiscites/{plebiscite_id}/trustees", auth=CommissionToken(),
             response=written({201: AppointedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def trustee_appoint(request: HttpRequest, plebiscite_id: int, payload: TrusteeIn) -> Status[Any]:
    """Appoint the next trustee (up to n, before the key ceremony). The appointment is logged;
    the token is in this answer only."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        issued = services.trustee_appoint(commission=commission, plebiscite=plebiscite,
                                          name=payload.name)
    except services.PlebisciteRefused as refused:
        return _refused(refused)
    return Status(201, {"index": issued.trustee.index, "name": issued.trustee.name,
                        "token": issued.token, "log_index": issued.trustee.entry.index})


@router.post("/plebiscites/{plebiscite_id}/ceremony", auth=CommissionToken(),
             response=written({201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def ceremony_record(request: HttpRequest, plebiscite_id: int) -> Status[Any]:
    """Record the key ceremony from what the trustees posted (their dealings, complaints and
    answers): the qualified dealings fix the parameters; refused while fewer than k qualify."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        services.plebiscite_ceremony_record(commission=commission, plebiscite=plebiscite)
    except services.PlebisciteRefused as refused:
        return _refused(refused)
    return _done(plebiscite)


@router.post("/plebiscites/{plebiscite_id}/close", auth=CommissionToken(),
             response=written({201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def plebiscite_close(request: HttpRequest, plebiscite_id: int) -> Status[Any]:
    """After the voting period: verify the whole board and publish its tally."""
    commission, plebiscite = _own(request, plebiscite_id)
    try:
        services.plebiscite_close(commission=commission, plebiscite=plebiscite)
    except services.PlebisciteRefused as refused:
        return _refused(refused)
    return _done(plebiscite)


# The ceremony, in public ---------------------------------------------------------------------


class DealingOut(Schema):
    commitments: list[str]
    proofs: list[list[str]]
    qualified: bool | None = Field(description="once the ceremony is recorded: whether the "
                                                "dealing qualified")
    log_index: int | None


class TrusteeOut(Schema):
    index: int
    name: str
    dealing: DealingOut | None = Field(description="its dealing's public part, once posted")
    log_index: int | None = Field(description="of its appointment")


class ComplaintOut(Schema):
    dealer: int
    recipient: int = Field(description="the trustee who complained of its share")
    answer: str | None = Field(description="the share the dealer published in answer (hex "
                                           "scalar), for anyone to check")
    log_index: int | None


class CeremonyOut(Schema):
    plebiscite: int
    election_id: str = Field(description="what every dealing is bound to")
    threshold: int
    trustees: int = Field(description="n, the number of trustees")
    recorded: bool = Field(description="whether the commission has recorded the ceremony")
    appointed: list[TrusteeOut]
    complaints: list[ComplaintOut]


def _ceremony(plebiscite: Plebiscite) -> dict[str, object]:
    qualified = selectors.qualified_of(plebiscite)

    def dealing(trustee: Trustee) -> dict[str, object] | None:
        posted = getattr(trustee, "dealing", None)  # a reverse one-to-one: absent until dealt
        if posted is None:
            return None
        return {"commitments": posted.commitments, "proofs": posted.proofs,
                "qualified": None if qualified is None else trustee.index in qualified,
                "log_index": posted.entry.index}

    return {
        "plebiscite": plebiscite.pk, "election_id": plebiscite.election_id,
        "threshold": plebiscite.threshold, "trustees": plebiscite.trustees,
        "recorded": qualified is not None,
        "appointed": [{"index": t.index, "name": t.name, "dealing": dealing(t),
                       "log_index": t.entry.index} for t in selectors.trustees_of(plebiscite)],
        "complaints": [{"dealer": c.dealer.index, "recipient": c.recipient.index,
                        "answer": c.answer or None, "log_index": c.entry.index}
                       for c in selectors.complaints_of(plebiscite)],
    }


@router.get("/plebiscites/{plebiscite_id}/ceremony", response=detailed(CeremonyOut))
def ceremony_get(request: HttpRequest, plebiscite_id: int) -> dict[str, object]:
    """The key ceremony in public: the trustees appointed, their dealings, the complaints and
    answers, and after the ceremony which dealings qualified (spec §6)."""
    return _ceremony(found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id))


# Trustees' writes ----------------------------------------------------------------------------


class TrusteeToken(HttpBearer):
    """`Authorization: Bearer <token>`: one trustee of one plebiscite, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Trustee | None:
        return services.trustee_authenticate(token)


def _trustee(request: HttpRequest, plebiscite_id: int) -> tuple[Trustee, Plebiscite]:
    """The trustee acting, and the plebiscite it acts on (the services check it is its own)."""
    trustee: Trustee = request.auth  # type: ignore[attr-defined]
    return trustee, found(Plebiscite.objects.select_related("nationality"), "plebiscite",
                          id=plebiscite_id)


class TrusteeSelfOut(Schema):
    plebiscite: int
    index: int
    name: str
    election_id: str
    threshold: int
    trustees: int = Field(description="n, the number of trustees")
    status: str = Field(description="the plebiscite's status")


@router.get("/trustees/me", auth=TrusteeToken(), response={200: TrusteeSelfOut, 401: ErrorOut})
def trustee_me(request: HttpRequest) -> dict[str, object]:
    """Whose a trustee's token is: its plebiscite, its index and what its dealing is bound to
    (`openpeace plebiscite trustee` asks before every act)."""
    trustee: Trustee = request.auth  # type: ignore[attr-defined]
    plebiscite = trustee.plebiscite
    return {"plebiscite": plebiscite.pk, "index": trustee.index, "name": trustee.name,
            "election_id": plebiscite.election_id, "threshold": plebiscite.threshold,
            "trustees": plebiscite.trustees, "status": plebiscite.status}


class DealingIn(Payload):
    trustee: int = Field(ge=1, le=255, description="the posting trustee's own index")
    commitments: list[str] = Field(min_length=1, max_length=255)
    proofs: list[list[str]] = Field(min_length=1, max_length=255)


@router.post("/plebiscites/{plebiscite_id}/dealings", auth=TrusteeToken(),
             response=written({201: CeremonyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def dealing_submit(request: HttpRequest, plebiscite_id: int, payload: DealingIn) -> Status[Any]:
    """A trustee posts its own dealing's public part, once, before the ceremony; the core checks
    every proof. Its shares go to the other trustees out of band, never here."""
    trustee, plebiscite = _trustee(request, plebiscite_id)
    try:
        dealing = core.Dealing.from_json(payload.dict(), "the dealing")
        services.dealing_submit(trustee=trustee, plebiscite=plebiscite, dealing=dealing)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _refused(refused)
    return Status(201, _ceremony(plebiscite))


class ComplaintIn(Payload):
    dealer: int = Field(ge=1, le=255, description="the trustee whose share is bad or missing")
    recipient: int = Field(ge=1, le=255, description="the complaining trustee's own index")


@router.post("/plebiscites/{plebiscite_id}/complaints", auth=TrusteeToken(),
             response=written({201: CeremonyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def complaint_file(request: HttpRequest, plebiscite_id: int, payload: ComplaintIn) -> Status[Any]:
    """A trustee complains in public that its share from a dealer does not match the dealer's
    commitments (or never came); the dealer must answer before the ceremony is recorded."""
    trustee, plebiscite = _trustee(request, plebiscite_id)
    try:
        services.complaint_file(trustee=trustee, plebiscite=plebiscite, dealer=payload.dealer,
                                recipient=payload.recipient)
    except services.PlebisciteRefused as refused:
        return _refused(refused)
    return Status(201, _ceremony(plebiscite))


class AnswerIn(Payload):
    dealer: int = Field(ge=1, le=255, description="the answering dealer's own index")
    recipient: int = Field(ge=1, le=255, description="the trustee who complained")
    share: str = Field(description="the share owed to it: hex scalar (little-endian)")


@router.post("/plebiscites/{plebiscite_id}/answers", auth=TrusteeToken(),
             response=written({201: CeremonyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def complaint_answer(request: HttpRequest, plebiscite_id: int, payload: AnswerIn) -> Status[Any]:
    """The accused dealer publishes the share it owes the complainant; the ceremony then
    dismisses the complaint if it matches the dealer's commitments, or disqualifies it."""
    trustee, plebiscite = _trustee(request, plebiscite_id)
    try:
        share = core.Share(payload.dealer, payload.recipient,
                           unhex_scalar(payload.share, "the share"))
        services.complaint_answer(trustee=trustee, plebiscite=plebiscite, share=share)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _refused(refused)
    return Status(201, _ceremony(plebiscite))


class DecryptionIn(Payload):
    trustee: int = Field(ge=1, le=255, description="the decrypting trustee's own index")
    shares: list[str] = Field(min_length=1, max_length=64)
    proofs: list[list[str]] = Field(min_length=1, max_length=64)


@router.post("/plebiscites/{plebiscite_id}/decryptions", auth=TrusteeToken(),
             response=written({201: PlebisciteOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                               422: InvalidOut}))
def decryption_submit(request: HttpRequest, plebiscite_id: int, payload: DecryptionIn
                      ) -> Status[Any]:
    """A trustee's own partial decryption of the tally, kept only if its proofs verify; with
    the k-th, the result and the nationality's decision."""
    trustee, plebiscite = _trustee(request, plebiscite_id)
    try:
        partial = core.PartialDecryption.from_json(payload.dict(), "decryption")
        services.decryption_submit(trustee=trustee, plebiscite=plebiscite, partial=partial)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _refused(refused)
    return _done(plebiscite)


# Voters' writes ------------------------------------------------------------------------------


class BallotIn(Payload):
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
             response=written({201: CastOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut}))
def ballot_cast(request: HttpRequest, plebiscite_id: int, payload: BallotIn) -> Status[Any]:
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


class AuditIn(Payload):
    ballot: str = Field(max_length=20_000, description="the ballot's bytes, standard base64")
    choice: int = Field(ge=0, le=63)
    randomness: list[str] = Field(min_length=1, max_length=64)


@router.post("/plebiscites/{plebiscite_id}/audits",
             response=written({201: CastOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidOut}))
def ballot_audit(request: HttpRequest, plebiscite_id: int, payload: AuditIn) -> Status[Any]:
    """Publish an audited ballot (Benaloh): checked, then never castable."""
    plebiscite = found(Plebiscite.objects.all(), "plebiscite", id=plebiscite_id)
    try:
        audited = core.AuditedBallot.from_json(payload.dict(), "the audit")
        ballot = services.ballot_audit(plebiscite=plebiscite, audited=audited)
    except (EncodingError, services.PlebisciteRefused) as refused:
        return _invalid(str(refused))
    return Status(201, _cast_out(ballot))
