"""The offer's process in the database, driven by the pure rules of `core.process`.

Every change is a public act with its log entry in the same transaction: a reply, a state
falling silent at the deadline, and a change of the overall status (above all the source
text's "war of defence", which must be visible and in the log).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpeace.core import process as rules
from openpeace.core.languages import is_valid_tag
from openpeace.core.terms_document import TermsError
from openpeace.core.text import document_problem, text_problem
from openpeace.diplomacy.models import BelligerentProcess, Envoy, Offer, Reply
from openpeace.diplomacy.terms import finding_document, terms_check
from openpeace.log.services import entry_append
from openpeace.refusals import Refused
from openpeace.world.models import Language
from openpeace.world.selectors import language_by_tag


class ReplyRefused(Refused):
    """A reply that cannot be recorded; nothing was changed. The process refused it (the API's
    409) unless it is a `ReplyInvalid`."""


class CounterProposalUnreadable(ReplyRefused):
    """A counter-proposal whose terms are not a terms document; `problems` says where."""

    def __init__(self, error: TermsError) -> None:
        self.problems = error.problems
        super().__init__(str(error))


class ReplyInvalid(ReplyRefused):
    """A reply whose own input is wrong, whatever the process: its `field` names it, so the API
    (a 422) and the envoy's form, which both record replies here, refuse it alike and at that
    field."""


def reply_input_check(kind: str, text: str, terms: dict[str, object] | None) -> None:
    """Refuse a reply's bad input with `ReplyInvalid`, before anything is written.

    The text is the reply as published and logged for good: a public text (`core.text`), so
    something visible and nothing hidden, and so are the keys and strings of its terms. A
    counter-proposal carries terms, and only a counter-proposal does.
    """
    if problem := text_problem(text, "a reply"):
        raise ReplyInvalid(problem, field="text")
    if problem := document_problem(terms, "the terms"):
        raise ReplyInvalid(problem, field="terms")
    if kind == Reply.Kind.COUNTER_PROPOSAL and not terms:
        raise ReplyInvalid("a counter-proposal carries its own terms"
                           + (": these are empty" if terms is not None else ""), field="terms")
    if kind != Reply.Kind.COUNTER_PROPOSAL and terms is not None:
        raise ReplyInvalid("terms go with a counter-proposal, and only with one", field="terms")


def reply_language(tag: str) -> Language:
    """The language the reply is sent in, named by its BCP 47 tag in any letter case: any of
    the register's, as a government may answer in its own or in another (French, the
    diplomatic language of 1917). Refused with `ReplyInvalid` at `language` otherwise: every
    page, feed and export marks the reply's text with it, so it must be one they can name."""
    language = language_by_tag(tag)
    if language is not None:
        return language
    if not is_valid_tag(tag):
        raise ReplyInvalid(f"{tag[:40]!r} is not a BCP 47 language tag: name the reply's "
                           "language by its tag, as de, fr or ota", field="language")
    raise ReplyInvalid(f"no language {tag[:40]!r} in the register: name the reply's language by "
                       "the tag of one of the register's (/api/languages lists them)",
                       field="language")


def process_of(offer: Offer) -> rules.Process:
    """The offer's process as the core sees it."""
    assert offer.released_at is not None
    return rules.Process(
        released_at=offer.released_at,
        deadline=offer.reply_deadline,
        states={
            p.state.key: rules.BelligerentState(p.stage, p.since)  # type: ignore[arg-type]
            for p in offer.processes.select_related("state")
        },
    )


def processes_open(offer: Offer) -> None:
    """Every addressee's process starts `offered` at the release instant (in the release)."""
    assert offer.released_at is not None
    BelligerentProcess.objects.bulk_create(
        BelligerentProcess(offer=offer, state=state, stage="offered", since=offer.released_at)
        for state in offer.addressees.all()
    )


def transition_apply(offer: Offer, transition: rules.Transition) -> None:
    """Store a transition the core allowed."""
    BelligerentProcess.objects.filter(offer=offer, state__key=transition.state_key).update(
        stage=transition.after, since=transition.at
    )


def status_log(offer: Offer, at: dt.datetime) -> None:
    """Log the overall status whenever it changes (the defence rule included)."""
    now_status = rules.status(process_of(offer), at)
    if now_status != offer.status:
        entry_append(
            kind="offer.status_changed",
            subject=f"offer:{offer.key}",
            at=at,
            content={"offer": offer.key, "from": offer.status, "to": now_status},
        )
        offer.status = now_status
        offer.save(update_fields=["status"])


@transaction.atomic
def reply_record(
    *, envoy: Envoy, offer: Offer, kind: str, text: str, language: str,
    terms: dict[str, object] | None = None, at: dt.datetime | None = None,
) -> Reply:
    """Record a government's reply through its own envoy, with its log entry.

    `language` is the BCP 47 tag of the language the text is in (`reply_language`); the entry
    carries it, so the log says how to read the reply as well as what it says.
    A counter-proposal's terms go through the same validator as the offer's own, and its
    findings (an annexation it asks for, say) are published with it.
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    state = envoy.state
    if offer.released_at is None or not offer.addressees.filter(pk=state.pk).exists():
        raise ReplyRefused(f"the offer {offer.key!r} was not addressed to {state.name}")
    if kind not in Reply.Kind.values:
        raise ReplyRefused(f"unknown reply {kind!r}: one of {', '.join(Reply.Kind.values)}")
    reply_input_check(kind, text, terms)
    sent_in = reply_language(language)
    findings: list[dict[str, object]] = []
    if terms is not None:
        try:
            report = terms_check(terms, origin="terms")
        except TermsError as error:
            raise CounterProposalUnreadable(error) from None
        findings = [finding_document(f) for f in report.findings]
    at = at or timezone.now()
    try:
        transition = process_of(offer).transition(state.key, kind, at)  # type: ignore[arg-type]
    except rules.ProcessError as error:
        raise ReplyRefused(str(error)) from None
    transition_apply(offer, transition)
    entry = entry_append(
        kind="reply.recorded",
        subject=f"offer:{offer.key}:{state.key}",
        at=at,
        content={
            "offer": offer.key, "state": state.key, "reply": kind, "text": text,
            "language": sent_in.tag, "terms": terms, "findings": findings,
            "stage": {"from": transition.before, "to": transition.after},
        },
    )
    reply = Reply.objects.create(
        offer=offer, state=state, envoy=envoy, kind=kind, text=text, language=sent_in,
        terms=terms, findings=findings, replied_at=at, entry=entry,
    )
    status_log(offer, at)
    return reply


@transaction.atomic
def offer_apply_deadline(*, offer: Offer, now: dt.datetime | None = None) -> int:
    """Record `silent` for every addressee that did not reply by the deadline; idempotent.

    Returns how many fell silent. Safe to run twice, or from a schedule at any interval.
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.released_at is None:
        return 0
    at = now or timezone.now()
    _, transitions = rules.apply_deadline(process_of(offer), at)
    for transition in transitions:
        transition_apply(offer, transition)
        entry_append(
            kind="process.silent",
            subject=f"offer:{offer.key}:{transition.state_key}",
            at=at,
            content={"offer": offer.key, "state": transition.state_key,
                     "deadline": offer.reply_deadline.isoformat()},
        )
    status_log(offer, at)
    return len(transitions)
