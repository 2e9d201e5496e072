"""Writes of the plebiscites: every public act through the core, with its log entry.

A commission calls a plebiscite for its own nationality, its question in one of the
nationality's languages, publishes the public credentials the credential authority drew offline,
and appoints the n trustees, each given a token. Each trustee, by its token and for its own index
only, posts its dealing, complains of a bad share from another or answers a complaint against
itself; the commission then records the key ceremony, whose qualified dealings fix the
election parameters and their hash. Voters cast ballots, or audit them, during the voting
period; each is verified by the core before it is accepted. After the period the board is
tallied (the core verifies all of it again), the trustees' partial decryptions are verified as
they come, and once k of them are in, the result is published and becomes the nationality's
decision (`selfdetermination.services.decision_record`, which marks it not free when taken
under occupation), unless it contradicts a free decision of the same day: then the result
stands and the contradiction is published with it (`_result`).

Each act is one transaction with its log entry (subject `plebiscite:<election id>`); a refused
act writes nothing. The log entries carry everything public (the parameters, every ballot's
bytes, every audit, the tally, every decryption, the result), so the election record can be
rebuilt from the log alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openpeace.core import plebiscite as core
from openpeace.core import terms
from openpeace.core.plebiscite.board import repeated_ciphertext
from openpeace.core.plebiscite.credentials import credential_list_problems
from openpeace.core.plebiscite.encoding import b64, hex32, scalar_hex, unhex_scalar
from openpeace.core.plebiscite.tally import decryption_problems
from openpeace.core.plebiscite.trustees import dealing_problems, public_key
from openpeace.core.text import text_problem
from openpeace.log.models import Entry
from openpeace.log.services import entry_append
from openpeace.plebiscites import models as m
from openpeace.plebiscites.selectors import board_of, election_of, tally_of, voting_refusal
from openpeace.refusals import Refused
from openpeace.selfdetermination.models import Commission, Decision
from openpeace.selfdetermination.selectors import terms_register
from openpeace.selfdetermination.services import (
    DecisionRefused,
    decision_record,
    decisions_lock,
)
from openpeace.tokens import holder_authenticate, holder_revoke, token_hash, token_new
from openpeace.world.models import Language, Nationality, Occupation, State
from openpeace.world.selectors import language_by_tag

SEPARATE_STATE = "separate_state"
MAX_TRUSTEES = 255


class PlebisciteRefused(Refused):
    """An act that cannot be done; the message says why, and nothing was written. `field`
    names the input at fault, when one is (a trustee's `name`), so the API's 422 says where."""


class LanguageRefused(PlebisciteRefused):
    """The question's language is not in the register, or not one of the nationality's: the API
    answers it 422 at the `language` it was given."""


class NotYours(PlebisciteRefused):
    """An act for someone else: the API answers it 403."""


class NotYourNationality(NotYours):
    """A commission acting for a nationality other than its own."""


class NotYourPlebiscite(NotYours):
    """A commission of the right nationality acting on a plebiscite another commission called."""


class NotYourIndex(NotYours):
    """A trustee acting for another trustee, or in another plebiscite."""


def _log(plebiscite: m.Plebiscite, kind: str, at: dt.datetime, **content: Any) -> Entry:
    return entry_append(
        kind=f"plebiscite.{kind}", subject=f"plebiscite:{plebiscite.election_id}", at=at,
        content={"plebiscite": plebiscite.pk, "election_id": plebiscite.election_id,
                 "nationality": plebiscite.nationality.key, **content},
    )


def _check_commission(commission: Commission, nationality: Nationality) -> None:
    if commission.revoked_at is not None:
        raise PlebisciteRefused(f"the commission {commission.label!r} has been revoked")
    if commission.nationality_id != nationality.pk:
        raise NotYourNationality(
            f"this commission acts for the {commission.nationality.key}, not for the "
            f"{nationality.key}"
        )


def _check_caller(commission: Commission, plebiscite: m.Plebiscite) -> None:
    """Only the commission that called a plebiscite runs it: it alone publishes the electorate,
    appoints the trustees (whose dealings make the election key), records the ceremony and
    closes the vote. Another commission of the same nationality is another body, and the pages
    name the caller as the one answerable for every step ("Called by")."""
    _check_commission(commission, plebiscite.nationality)
    if plebiscite.commission_id != commission.pk:
        raise NotYourPlebiscite(
            f"plebiscite {plebiscite.pk} was called by {plebiscite.commission.label!r}: only "
            f"that commission runs it, not {commission.label!r}"
        )


def _check_trustee(trustee: m.Trustee, plebiscite: m.Plebiscite, index: int, what: str) -> None:
    if trustee.revoked_at is not None:
        raise PlebisciteRefused(f"trustee {trustee.index} ({trustee.name}) has been revoked")
    if trustee.plebiscite_id != plebiscite.pk:
        raise NotYourIndex(f"this is a trustee of plebiscite {trustee.plebiscite_id}, not of "
                           f"plebiscite {plebiscite.pk}")
    if index != trustee.index:
        raise NotYourIndex(f"this is trustee {trustee.index}: it posts {what} for itself only, "
                           f"not for trustee {index}")


def _before_ceremony(plebiscite: m.Plebiscite, what: str) -> None:
    if plebiscite.status not in (m.Plebiscite.Status.CREATED, m.Plebiscite.Status.CREDENTIALS):
        raise PlebisciteRefused(f"{what} only before the key ceremony is recorded, and it has "
                                "been")


def _text(value: str, what: str, field: str) -> str:
    """`value`, if it is a public text (`core.text`), else refused at `field`."""
    if problem := text_problem(value, what):
        raise PlebisciteRefused(problem, field=field)
    return value


def _locked(plebiscite: m.Plebiscite) -> m.Plebiscite:
    return (m.Plebiscite.objects.select_for_update().select_related("nationality")
            .get(pk=plebiscite.pk))


def _language_of(nationality: Nationality, tag: str) -> Language:
    """The language of the nationality's that `tag` names: its BCP 47 tag, in any letter case
    (tags are case-insensitive)."""
    found = language_by_tag(tag)
    own = sorted(nationality.languages.values_list("tag", flat=True))
    if found is None:
        raise LanguageRefused(f"no language {tag[:40]!r} in the register: give the BCP 47 tag of "
                              f"a language of the {nationality.name} ({', '.join(own)})")
    if found.tag not in own:
        raise LanguageRefused(f"the question is put to the {nationality.name} in one of their own "
                              f"languages ({', '.join(own)}), not in {found.name} ({found.tag})")
    return found


def options_for(joins: Sequence[State]) -> list[dict[str, str]]:
    """`separate_state`, then one `join:<state>` option per candidate state, in the order given."""
    return [{"id": SEPARATE_STATE, "label": "to form a separate state"}] + [
        {"id": f"join:{state.key}", "label": f"to join {state.name}"} for state in joins
    ]


def _election_id(nationality: Nationality, opens_at: dt.datetime, number: int) -> str:
    """`<nationality>-<YYYYMMDD>-<n>`: the day the voting opens, and the nationality's
    `number`th plebiscite. The year is written in four digits, as ISO 8601 writes it (year 1 is
    0001; `datetime` has none after 9999), so every id has the one shape, and none reads as
    another day, as `%Y`'s unpadded `10101` for 1 January of year 1 would."""
    return f"{nationality.key}-{opens_at.year:04d}{opens_at:%m%d}-{number}"


@transaction.atomic
def plebiscite_create(
    *, commission: Commission, nationality: Nationality, question: str, language: str,
    joins: Sequence[State], opens_at: dt.datetime, closes_at: dt.datetime, trustees: int,
    threshold: int, at: dt.datetime | None = None,
) -> m.Plebiscite:
    """A commission calls a plebiscite of its own nationality: a separate state, or joining one
    of the candidate states (every state that rules the nationality now among them).

    The question is put in `language`, the BCP 47 tag of one of the nationality's own languages
    in the register (`LanguageRefused` otherwise): the nationality decides by a free vote, so
    its people read the question in their own language, not in a ruler's nor the site's. The
    pages mark the question with it, and the parameters' context carries it, so the election
    hash covers the language the question is in as well as its words."""
    _check_commission(commission, nationality)
    question = _text(question, "the question", "question")
    written_in = _language_of(nationality, language)
    keys = [s.key for s in joins]
    if len(set(keys)) != len(keys):
        raise PlebisciteRefused("each candidate state is named once")
    rulers = sorted(set(nationality.ruled_by.values_list("key", flat=True)) - set(keys))
    if rulers:
        raise PlebisciteRefused(
            "the states that rule the nationality now must be options too: add "
            + ", ".join(rulers)
        )
    if len(joins) + 1 > 64:
        raise PlebisciteRefused("a plebiscite has at most 64 options")
    if opens_at >= closes_at:
        raise PlebisciteRefused("the voting period must close after it opens")
    if not 1 <= threshold <= trustees <= MAX_TRUSTEES:
        raise PlebisciteRefused(f"need 1 ≤ threshold ≤ trustees ≤ {MAX_TRUSTEES}")
    at = at or timezone.now()
    if closes_at <= at:
        raise PlebisciteRefused(
            f"the voting period closes at {closes_at.isoformat()}, and it is "
            f"{at.isoformat()} already: a plebiscite is called before its vote is over"
        )
    options = options_for(joins)
    plebiscite = m.Plebiscite(
        nationality=nationality, commission=commission, question=question, language=written_in,
        options=options, joins=[None, *keys], opens_at=opens_at, closes_at=closes_at,
        trustees=trustees, threshold=threshold,
    )
    # The election id binds the key ceremony: unique and known before it (spec §6.2).
    count = m.Plebiscite.objects.filter(nationality=nationality).count()
    plebiscite.election_id = _election_id(nationality, opens_at, count + 1)
    plebiscite.entry = _log(
        plebiscite, "created", at, commission=commission.label, question=question,
        language=written_in.tag, options=options, opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(), trustees=trustees, threshold=threshold,
    )
    plebiscite.save()
    return plebiscite


@transaction.atomic
def plebiscite_credentials_publish(
    *, commission: Commission, plebiscite: m.Plebiscite, credentials: Sequence[bytes],
    at: dt.datetime | None = None,
) -> m.Plebiscite:
    """Publish the public credentials (the credential authority's public output, sorted)."""
    plebiscite = _locked(plebiscite)
    _check_caller(commission, plebiscite)
    if plebiscite.status != m.Plebiscite.Status.CREATED:
        raise PlebisciteRefused("the credentials are published once, before the key ceremony")
    if not credentials:
        raise PlebisciteRefused("the credential list is empty")
    problems = credential_list_problems(list(credentials))
    if problems:
        raise PlebisciteRefused("; ".join(problems[:5]))
    at = at or timezone.now()
    plebiscite.credentials = [hex32(c) for c in credentials]
    plebiscite.status = m.Plebiscite.Status.CREDENTIALS
    plebiscite.save(update_fields=["credentials", "status"])
    _log(plebiscite, "credentials_published", at, commission=commission.label,
         count=len(credentials), credentials=plebiscite.credentials)
    return plebiscite


@dataclass(frozen=True)
class IssuedTrustee:
    trustee: m.Trustee
    token: str
    """Shown once to the commission that appointed the trustee; only its hash is stored."""


@transaction.atomic
def trustee_appoint(
    *, commission: Commission, plebiscite: m.Plebiscite, name: str,
    at: dt.datetime | None = None,
) -> IssuedTrustee:
    """A commission appoints the plebiscite's next trustee (numbered 1..n in order of
    appointment), before the key ceremony. The appointment is public; the token is the
    trustee's alone, and every act of the ceremony and the tally checks it."""
    plebiscite = _locked(plebiscite)
    _check_caller(commission, plebiscite)
    _before_ceremony(plebiscite, "trustees are appointed")
    name = _text(name, "a trustee's name", "name")
    index = m.Trustee.objects.filter(plebiscite=plebiscite).count() + 1
    if index > plebiscite.trustees:
        raise PlebisciteRefused(f"all {plebiscite.trustees} trustees are appointed")
    token = token_new()
    entry = _log(plebiscite, "trustee_appointed", at or timezone.now(), trustee=index, name=name,
                 commission=commission.label)
    trustee = m.Trustee.objects.create(plebiscite=plebiscite, index=index, name=name,
                                       token_hash=token_hash(token), entry=entry)
    return IssuedTrustee(trustee, token)


def trustee_revoke(*, trustee: m.Trustee) -> None:
    holder_revoke(trustee)


def trustee_authenticate(token: str) -> m.Trustee | None:
    """The trustee holding `token`, unless it is unknown or revoked."""
    return holder_authenticate(m.Trustee.objects.select_related("plebiscite"), token)


@transaction.atomic
def dealing_submit(
    *, trustee: m.Trustee, plebiscite: m.Plebiscite, dealing: core.Dealing,
    at: dt.datetime | None = None,
) -> m.Dealing:
    """A trustee publishes its own dealing, once, before the ceremony: the core checks every
    commitment and proof of knowledge (spec §6.1, §6.2). Its shares never come here."""
    plebiscite = _locked(plebiscite)
    _check_trustee(trustee, plebiscite, dealing.dealer, "its dealing")
    _before_ceremony(plebiscite, "dealings are posted")
    if m.Dealing.objects.filter(trustee=trustee).exists():
        raise PlebisciteRefused(f"trustee {trustee.index} has already dealt")
    problems = dealing_problems(plebiscite.election_id, plebiscite.threshold, dealing)
    if problems:
        raise PlebisciteRefused("; ".join(problems))
    public = dealing.to_json()
    entry = _log(plebiscite, "dealing", at or timezone.now(), name=trustee.name, **public)
    return m.Dealing.objects.create(trustee=trustee, commitments=public["commitments"],
                                    proofs=public["proofs"], entry=entry)


@transaction.atomic
def complaint_file(
    *, trustee: m.Trustee, plebiscite: m.Plebiscite, dealer: int, recipient: int,
    at: dt.datetime | None = None,
) -> m.Complaint:
    """Trustee `recipient` complains in public that its share from `dealer` does not match the
    dealer's commitments, or never came; the dealer must answer with that share (spec §6.3)."""
    plebiscite = _locked(plebiscite)
    _check_trustee(trustee, plebiscite, recipient, "complaints")
    _before_ceremony(plebiscite, "complaints are made")
    if dealer == recipient:
        raise PlebisciteRefused("a trustee does not complain of its own share")
    accused = m.Trustee.objects.filter(plebiscite=plebiscite, index=dealer,
                                       dealing__isnull=False).first()
    if accused is None:
        raise PlebisciteRefused(f"trustee {dealer} has not dealt: there is no share of it to "
                                "complain of")
    if m.Complaint.objects.filter(dealer=accused, recipient=trustee).exists():
        raise PlebisciteRefused(f"trustee {recipient} has already complained of trustee {dealer}")
    entry = _log(plebiscite, "complaint", at or timezone.now(), dealer=dealer, recipient=recipient)
    return m.Complaint.objects.create(dealer=accused, recipient=trustee, entry=entry)


@transaction.atomic
def complaint_answer(
    *, trustee: m.Trustee, plebiscite: m.Plebiscite, share: core.Share,
    at: dt.datetime | None = None,
) -> m.Complaint:
    """The accused dealer publishes the share the complainant says is bad, once. It is not
    judged here: when the ceremony is recorded, the core dismisses the complaint if the share
    matches the dealer's commitments and disqualifies the dealer if it does not."""
    plebiscite = _locked(plebiscite)
    _check_trustee(trustee, plebiscite, share.dealer, "answers")
    _before_ceremony(plebiscite, "complaints are answered")
    complaint = m.Complaint.objects.filter(dealer=trustee, recipient__index=share.recipient
                                           ).first()
    if complaint is None:
        raise PlebisciteRefused(f"trustee {share.recipient} has not complained of trustee "
                                f"{share.dealer}")
    if complaint.answer_entry_id is not None:
        raise PlebisciteRefused(f"trustee {share.dealer} has already answered trustee "
                                f"{share.recipient}")
    complaint.answer = scalar_hex(share.value)
    complaint.answer_entry = _log(plebiscite, "complaint_answered", at or timezone.now(),
                                  dealer=share.dealer, recipient=share.recipient,
                                  share=complaint.answer)
    complaint.save(update_fields=["answer", "answer_entry"])
    return complaint


@transaction.atomic
def plebiscite_ceremony_record(
    *, commission: Commission, plebiscite: m.Plebiscite, at: dt.datetime | None = None
) -> m.Plebiscite:
    """Close the key ceremony with what the trustees posted: the core decides from the dealings,
    the complaints and the answers which dealers qualify (spec §6.3); their dealings give the
    election key, and the parameters are fixed and hashed."""
    plebiscite = _locked(plebiscite)
    _check_caller(commission, plebiscite)
    if plebiscite.status != m.Plebiscite.Status.CREDENTIALS:
        raise PlebisciteRefused(
            "the key ceremony is recorded once, after the credentials are published"
        )
    dealers = list(m.Trustee.objects.filter(plebiscite=plebiscite, dealing__isnull=False)
                   .select_related("dealing"))
    complaints = list(m.Complaint.objects.filter(dealer__plebiscite=plebiscite)
                      .select_related("dealer", "recipient").order_by("pk"))
    names = {t.index: t.name for t in dealers}
    pairs = [(c.dealer.index, c.recipient.index) for c in complaints]
    answers = {
        (c.dealer.index, c.recipient.index):
            core.Share(c.dealer.index, c.recipient.index, unhex_scalar(c.answer, "answer"))
        for c in complaints if c.answer
    }
    qualified, findings = core.qualified_dealers(
        core.Ceremony(plebiscite.election_id, plebiscite.threshold, plebiscite.trustees),
        [core.Dealing.from_json(t.dealing.to_json(), f"trustee {t.index}") for t in dealers],
        complaints=pairs, answers=answers,
    )
    if len(qualified) < plebiscite.threshold:
        raise PlebisciteRefused(
            f"the key ceremony cannot be recorded yet: {len(dealers)} of "
            f"{plebiscite.trustees} trustees have dealt; " + "; ".join(findings)
        )
    parameters = core.ElectionParameters(
        election_id=plebiscite.election_id,
        question=plebiscite.question,
        options=tuple(core.Option(o["id"], o["label"]) for o in plebiscite.options),
        threshold=plebiscite.threshold,
        trustees=tuple(core.Trustee(names[d.dealer], d) for d in qualified),
        public_key=public_key(qualified),
        credentials=tuple(bytes.fromhex(c) for c in plebiscite.credentials),
        context={
            "nationality": plebiscite.nationality.key,
            "language": plebiscite.language.tag,
            "opens_at": plebiscite.opens_at.isoformat(),
            "closes_at": plebiscite.closes_at.isoformat(),
            "commission": plebiscite.commission.label,
        },
    )
    try:
        core.Election(parameters)
    except core.ParameterError as error:
        raise PlebisciteRefused(str(error)) from None
    at = at or timezone.now()
    as_json = parameters.to_json()["trustees"]
    m.TrusteeDealing.objects.bulk_create(
        m.TrusteeDealing(plebiscite=plebiscite, index=t["index"], name=t["name"],
                         commitments=t["commitments"], proofs=t["proofs"])
        for t in as_json
    )
    plebiscite.parameters = parameters.canonical_bytes()
    plebiscite.election_hash = hex32(parameters.hash)
    plebiscite.status = m.Plebiscite.Status.READY
    plebiscite.save(update_fields=["parameters", "election_hash", "status"])
    _log(plebiscite, "key_ceremony", at, commission=commission.label, findings=findings,
         complaints=[list(c) for c in pairs], public_key=hex32(parameters.public_key),
         election_hash=plebiscite.election_hash, parameters=parameters.to_json())
    return plebiscite


def _voting(plebiscite: m.Plebiscite, at: dt.datetime) -> core.Election:
    refusal = voting_refusal(plebiscite, at)
    if refusal is not None:
        raise PlebisciteRefused(refusal)
    return election_of(plebiscite)


def _shared(plebiscite: m.Plebiscite, ballot: core.Ballot, what: str) -> str | None:
    """The board entry whose ciphertext the ballot reuses (spec §11.2), if any; a ballot that
    repeats a ciphertext among its own options is refused outright, naming it (the unique
    constraint on `Ciphertext` would otherwise meet it as a database error)."""
    repeated = repeated_ciphertext(ballot)
    if repeated is not None:
        raise PlebisciteRefused(f"{what} repeats a ciphertext: {repeated}")
    return (m.Ciphertext.objects.filter(plebiscite=plebiscite,
                                        a__in=[c.a.hex() for c in ballot.ciphertexts])
            .values_list("owner", flat=True).first())


def _claim(plebiscite: m.Plebiscite, ballot: core.Ballot, owner: str) -> None:
    m.Ciphertext.objects.bulk_create(
        [m.Ciphertext(plebiscite=plebiscite, a=c.a.hex(), owner=owner)
         for c in ballot.ciphertexts]
    )


@transaction.atomic
def ballot_cast(
    *, plebiscite: m.Plebiscite, data: bytes, at: dt.datetime | None = None
) -> m.CastBallot:
    """Put a ballot on the board if the core verifies it (spec §9) and it shares no ciphertext
    with an entry already there (§11.2); the voter keeps the tracker."""
    at = at or timezone.now()
    plebiscite = _locked(plebiscite)
    election = _voting(plebiscite, at)
    try:
        ballot = core.verify_ballot(election, data)
    except core.InvalidBallot as error:
        said = str(error)
        joined = " " if said.startswith(("is ", "has ", "its ")) else " is refused: "
        raise PlebisciteRefused(f"the ballot{joined}{said}") from None
    owner = _shared(plebiscite, ballot, "the ballot")
    if owner is not None:
        if owner.startswith("audit"):
            raise PlebisciteRefused(f"the ballot was audited ({owner}): it cannot be cast")
        raise PlebisciteRefused(f"the ballot reuses a ciphertext of {owner}")
    position = m.CastBallot.objects.filter(plebiscite=plebiscite).count()
    tracker = core.tracker(data).hex()
    _claim(plebiscite, ballot, f"ballot {position}")
    entry = _log(plebiscite, "ballot_cast", at, position=position, ballot=b64(data),
                 tracker=tracker)
    return m.CastBallot.objects.create(
        plebiscite=plebiscite, position=position, data=data, tracker=tracker,
        credential=ballot.credential.hex(), cast_at=at, entry=entry,
    )


@transaction.atomic
def ballot_audit(
    *, plebiscite: m.Plebiscite, audited: core.AuditedBallot, at: dt.datetime | None = None
) -> m.AuditedBallot:
    """Publish a ballot audited instead of cast (spec §10): it is checked, and can never be
    cast afterwards."""
    at = at or timezone.now()
    plebiscite = _locked(plebiscite)
    election = _voting(plebiscite, at)
    problems = core.audit_problems(election, audited)
    if problems:
        raise PlebisciteRefused("the audit: " + "; ".join(problems))
    ballot = core.Ballot.from_bytes(audited.data)
    owner = _shared(plebiscite, ballot, "the audited ballot")
    if owner is not None:
        raise PlebisciteRefused(f"the audited ballot reuses a ciphertext of {owner}")
    position = m.AuditedBallot.objects.filter(plebiscite=plebiscite).count()
    tracker = core.tracker(audited.data).hex()
    _claim(plebiscite, ballot, f"audit {position}")
    revealed = audited.to_json()
    entry = _log(plebiscite, "ballot_audited", at, position=position, audit=revealed,
                 tracker=tracker)
    return m.AuditedBallot.objects.create(
        plebiscite=plebiscite, position=position, data=audited.data, choice=audited.choice,
        randomness=revealed["randomness"], tracker=tracker, audited_at=at, entry=entry,
    )


@transaction.atomic
def plebiscite_close(
    *, commission: Commission, plebiscite: m.Plebiscite, at: dt.datetime | None = None,
    processes: int = 1,
) -> m.Plebiscite:
    """After the voting period, the calling commission closes the vote: the whole board is
    verified again and its tally (which ballots count, the last of each credential, and their
    product) published, for the trustees."""
    at = at or timezone.now()
    plebiscite = _locked(plebiscite)
    _check_caller(commission, plebiscite)
    if plebiscite.status != m.Plebiscite.Status.READY:
        raise PlebisciteRefused("only a plebiscite that has been voting can be closed")
    if at < plebiscite.closes_at:
        raise PlebisciteRefused(f"voting is open until {plebiscite.closes_at.isoformat()}")
    try:
        tally = core.compute_tally(election_of(plebiscite), board_of(plebiscite),
                                   processes=processes)
    except core.TallyError as error:  # the stored board no longer verifies: never tally it
        raise PlebisciteRefused(f"the board does not verify: {error}") from None
    plebiscite.tally = tally.to_json()
    plebiscite.status = m.Plebiscite.Status.CLOSED
    plebiscite.save(update_fields=["tally", "status"])
    _log(plebiscite, "voting_closed", at, commission=commission.label, tally=plebiscite.tally,
         ballots=m.CastBallot.objects.filter(plebiscite=plebiscite).count(),
         audits=m.AuditedBallot.objects.filter(plebiscite=plebiscite).count())
    return plebiscite


@transaction.atomic
def decryption_submit(
    *, trustee: m.Trustee, plebiscite: m.Plebiscite, partial: core.PartialDecryption,
    at: dt.datetime | None = None,
) -> m.Decryption:
    """A trustee's own partial decryption of the published tally, kept only if its proofs
    verify. With the k-th, the result is published and recorded as the nationality's
    decision."""
    at = at or timezone.now()
    plebiscite = _locked(plebiscite)
    _check_trustee(trustee, plebiscite, partial.trustee, "its decryption")
    if plebiscite.status != m.Plebiscite.Status.CLOSED:
        raise PlebisciteRefused("decryptions are taken after the tally, before the result")
    election, tally = election_of(plebiscite), tally_of(plebiscite)
    assert tally is not None
    if m.Decryption.objects.filter(plebiscite=plebiscite, trustee=partial.trustee).exists():
        raise PlebisciteRefused(f"trustee {partial.trustee} has already decrypted")
    problems = decryption_problems(election, tally, partial)
    if problems:
        raise PlebisciteRefused("; ".join(problems))
    entry = _log(plebiscite, "decryption", at, decryption=partial.to_json())
    decryption = m.Decryption.objects.create(plebiscite=plebiscite, trustee=partial.trustee,
                                             partial=partial.to_json(), entry=entry)
    if m.Decryption.objects.filter(plebiscite=plebiscite).count() >= election.threshold:
        _result(plebiscite, election, tally, at)
    return decryption


def _taken_on(plebiscite: m.Plebiscite) -> dt.date:
    """The day the decision counts as taken: the day voting closed, unless a territory of the
    nationality was occupied at some time during voting; then the first such day, so that the
    decision is recorded not free (`decision_record` judges by that day's occupations)."""
    opens, closes = plebiscite.opens_at.date(), plebiscite.closes_at.date()
    occupied = Occupation.objects.filter(
        territory__in=plebiscite.nationality.territories.all(), since__lte=closes,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=opens)).order_by("since").first()
    if occupied is None:
        return closes
    return max(opens, occupied.since)


def _contradiction(plebiscite: m.Plebiscite, joins: str | None, taken_on: dt.date,
                   source: str) -> str:
    """Why the result cannot be recorded as a decision beside the register's ('' if it can):
    the core's rule (`terms.Register.contradiction`), judged as `decision_record` judges it (a
    decision taken under occupation is not free, and contradicts nothing)."""
    decision = terms.Decision(plebiscite.nationality.key, joins or terms.SEPARATE_STATE,
                              "plebiscite", taken_on, source)
    register = terms_register()
    if register.occupation_during(decision) is not None:
        return ""
    return register.contradiction(decision)


def _result(
    plebiscite: m.Plebiscite, election: core.Election, tally: core.Tally, at: dt.datetime
) -> None:
    """Publish the result with the k-th decryption, and record it as the nationality's decision
    when one option has more votes than every other.

    The counts are a fact the trustees' decryptions prove and the voters verify: nothing vetoes
    their publication. The decision is another matter. It counts as taken on the day voting
    closed, or the first day of an occupation during voting (`_taken_on`), and the register
    holds two free decisions of one nationality on one day only if they agree: it does not
    choose between them (`terms.Register.contradiction`). So when the winner contradicts a free
    decision already recorded for that day (another plebiscite of the same nationality closing
    the same day, or a recognised declaration of that day), the result is published and the
    vote stays decided by its counts, but no second decision is recorded: the result's log
    entry says why (`decision_withheld`), the plebiscite keeps it and its page shows it, so
    that officials can settle which decision stands. Refusing such plebiscites when they are
    called would not do: the day is known only at the end (an occupation can move it), a
    declaration can be recorded for it in the meantime, and plebiscites that agree are fine.
    """
    partials = [core.PartialDecryption.from_json(d.partial, "decryption")
                for d in m.Decryption.objects.filter(plebiscite=plebiscite)]
    try:
        result = core.combine(election, tally, partials)
    except core.TallyError as error:
        raise PlebisciteRefused(f"the decryptions do not give a result: {error}") from None
    plebiscite.result = result.to_json()
    plebiscite.status = m.Plebiscite.Status.DECIDED
    counts = dict(zip([o["id"] for o in plebiscite.options], result.counts, strict=True))
    top = max(result.counts, default=0)
    winners = [o for o, c in enumerate(result.counts) if c == top]
    decided = result.ballots > 0 and len(winners) == 1
    joins_key = plebiscite.joins[winners[0]] if decided else None
    summary = ", ".join(f"{o}: {c}" for o, c in counts.items())
    source = (f"plebiscite {plebiscite.election_id} ({summary}; {result.ballots} ballots "
              "counted)")
    taken_on = _taken_on(plebiscite)
    decisions_lock(plebiscite.nationality)
    withheld = _contradiction(plebiscite, joins_key, taken_on, source) if decided else ""
    plebiscite.decision_withheld = withheld
    _log(plebiscite, "result", at, result=plebiscite.result, counts=counts,
         decided=plebiscite.options[winners[0]]["id"] if decided else None,
         decision_withheld=withheld or None)
    if decided and not withheld:
        try:
            plebiscite.decision = decision_record(
                nationality=plebiscite.nationality,
                joins=State.objects.get(key=joins_key) if joins_key else None,
                via=Decision.Via.PLEBISCITE, taken_on=taken_on, at=at, source=source,
            )
        except DecisionRefused as refused:  # only if the register changed since the check
            raise PlebisciteRefused(f"the result cannot be recorded as a decision: {refused}"
                                    ) from None
    plebiscite.save(update_fields=["result", "status", "decision", "decision_withheld"])
