"""Writes of the diplomacy app: releasing an offer, issuing envoys' tokens.

`offer_release` is the source text's "simultaneously": one transaction and one log entry that
commits to every note and every proclamation (their SHA-256), with one release time, so no
addressee can be shown to have been told earlier than another, and nothing is half-released.
The entry carries the offer's title and its sources in full: they are public from that moment,
and only the log can show that they were not changed since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from openpeace.core.documents import definition_problems, unique_problems
from openpeace.core.sources import sources_problems
from openpeace.core.terms import validate
from openpeace.core.terms_document import TermsError, terms_from_document
from openpeace.core.text import document_problem, text_problem
from openpeace.diplomacy.models import Envoy, Note, Offer, Proclamation
from openpeace.diplomacy.process import processes_open
from openpeace.diplomacy.tasks import notify_envoys
from openpeace.log.models import Entry
from openpeace.log.services import canonical_json, entry_append
from openpeace.selfdetermination.selectors import terms_register
from openpeace.tokens import holder_authenticate, holder_revoke, token_hash, token_new
from openpeace.world.models import People, State
from openpeace.world.selectors import belligerents

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ReleaseRefused(Exception):
    """The offer cannot be released; `reasons` lists every one."""

    def __init__(self, offer: Offer, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(f"offer {offer.key!r} cannot be released:\n- " + "\n- ".join(reasons))


def note_sha256(note: Note) -> str:
    """What the release entry commits to for a note: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(note.text.encode("utf-8")).hexdigest()


def proclamation_sha256(proclamation: Proclamation) -> str:
    """SHA-256 of the canonical JSON `{"text": ..., "title": ...}` of a proclamation."""
    document = {"title": proclamation.title, "text": proclamation.text}
    return hashlib.sha256(canonical_json(document)).hexdigest()


def offer_sources_problems(sources: object) -> list[tuple[str, str]]:
    """Every problem of an offer's `sources` as (path, problem), judged as every source is:
    the list's shape by the offer file's schema (`$defs/sources`), each title as a public text
    (`core.text`), each url and language as a reader follows them (`core.sources`), and each
    key once.

    The release publishes them and logs them for good, so they are judged as stored too: the
    admin edits them as JSON, where anything can be written, a character the schema's validator
    cannot even read (a lone surrogate) among it."""
    if problem := document_problem({"sources": sources}, "the offer's sources"):
        return [("sources", problem)]
    shape = list(definition_problems(sources, "openpeace.diplomacy", "offer.schema.json",
                                     "sources", at="sources"))
    if shape or not isinstance(sources, list):  # the schema says what is not a list
        return [(problem.path, problem.message) for problem in shape]
    found = [(f"sources[{i}].title", text_problem(source["title"],
                                                  f"the title of its source {source['key']!r}"))
             for i, source in enumerate(sources)]
    found += [(problem.path, problem.message) for problem in sources_problems("sources", sources)]
    found += [(problem.path, problem.message) for problem in unique_problems(
        "sources", [source["key"] for source in sources], "source")]
    return [(path, problem) for path, problem in found if problem]


def offer_text_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every text an offer's release publishes that is not a public text (`core.text`), as
    (path, problem): its title, each note, each proclamation's title and text, each named by
    whom it addresses and in what language; and its sources (`offer_sources_problems`).

    `document` has the offer file's shape (docs/offer-format.md), so that an import judges the
    file before it writes a row (`offer_file`), and a release the rows themselves
    (`_texts_document`): a note written in the admin, or before the rule, may show nothing."""
    found = [("title", text_problem(document["title"], "the offer's title"))]
    for i, note in enumerate(document["notes"]):
        found.append((f"notes[{i}].text", text_problem(
            note["text"], f"the note to {note['state']!r} in {note['language']!r}")))
    for i, item in enumerate(document["proclamations"]):
        to = f"the proclamation to {item['people']!r} in {item['language']!r}"
        found += [(f"proclamations[{i}].title", text_problem(item["title"], f"the title of {to}")),
                  (f"proclamations[{i}].text", text_problem(item["text"], to))]
    return [(path, problem) for path, problem in found if problem] + offer_sources_problems(
        document.get("sources", []))


def _texts_document(offer: Offer) -> dict[str, Any]:
    """The offer's stored texts, in the offer file's shape (for `offer_text_problems`)."""
    notes = Note.objects.filter(offer=offer).select_related("state", "language").order_by("pk")
    proclamations = (Proclamation.objects.filter(offer=offer)
                     .select_related("people", "language").order_by("pk"))
    return {
        "title": offer.title,
        "sources": offer.sources,
        "notes": [{"state": n.state.key, "language": n.language.tag, "text": n.text}
                  for n in notes],
        "proclamations": [{"people": p.people.key, "language": p.language.tag,
                           "title": p.title, "text": p.text} for p in proclamations],
    }


def offer_missing_texts(offer: Offer) -> list[str]:
    """Every note and proclamation the offer still lacks, one line each.

    Each addressed government needs a note; each people of each addressed state needs its
    proclamation in every one of its languages (authored, not machine-translated).
    """
    noted = set(Note.objects.filter(offer=offer).values_list("state_id", flat=True))
    proclaimed = set(
        Proclamation.objects.filter(offer=offer).values_list("people_id", "language__tag")
    )
    missing = []
    for state in offer.addressees.order_by("name"):
        if state.pk not in noted:
            missing.append(f"no note to the government of {state.name} ({state.key})")
    peoples = People.objects.filter(state__in=offer.addressees.all()).prefetch_related(
        "languages"
    ).order_by("key")
    for people in peoples:
        for language in people.languages.order_by("tag"):
            if (people.pk, language.tag) not in proclaimed:
                missing.append(
                    f"no proclamation to {people.name} ({people.key}) in {language.name} "
                    f"({language.tag})"
                )
    return missing


def addressee_problems(proposing: str, addressees: list[str]) -> dict[str, str]:
    """Why an addressee cannot be addressed, by its key: the offer is made "to all the
    belligerent peoples and their governments", so never to its own proposing state, nor to a
    state at war with no one (a neutral)."""
    at_war = belligerents()
    return {key: "it is the proposing state itself" if key == proposing
            else "it is at war with no state, and the offer is for the belligerents"
            for key in addressees if key == proposing or key not in at_war}


def offer_terms_problems(offer: Offer) -> list[str]:
    """Why the offer's own terms forbid its release: unreadable terms, no armistice proposed,
    or any violation the terms validator finds (an annexation, too short an armistice)."""
    try:
        terms = terms_from_document(offer.terms)
    except TermsError as error:
        return [str(problem) for problem in error.problems]
    problems = [f"{f.rule.id}: {f.message}" for f in validate(terms, terms_register()).violations]
    if terms.armistice is None:
        problems.insert(0, "the terms propose no armistice (the source text asks for one)")
    return problems


@transaction.atomic
def offer_release(*, offer: Offer, at: dt.datetime | None = None) -> Entry:
    """Release the offer to every government and people at once, or refuse, changing nothing.

    `at` is the moment of release when a past one is replayed (the 1917 default); otherwise now.
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.released_at is not None:
        when = f"{offer.released_at:%Y-%m-%d %H:%M:%S %Z}"
        raise ReleaseRefused(offer, [f"it was already released at {when}"])
    released_at = at or timezone.now()
    reasons = offer_terms_problems(offer) + offer_missing_texts(offer) + [
        f"{path}: {problem}" for path, problem in offer_text_problems(_texts_document(offer))]
    addressed = sorted(offer.addressees.values_list("key", flat=True))
    if not addressed:
        reasons.insert(0, "it addresses no state")
    reasons += [f"it addresses {key}: {problem}" for key, problem in
                addressee_problems(offer.proposing_state.key, addressed).items()]
    if offer.reply_deadline <= released_at:
        # Released now, it would be past its deadline at once: every addressee silent before
        # it could read the offer, and no process can start from a deadline before its start.
        reasons.append(f"its reply deadline ({offer.reply_deadline:%Y-%m-%d %H:%M %Z}) is not "
                       f"after the release ({released_at:%Y-%m-%d %H:%M %Z}): move it later")
    if reasons:
        raise ReleaseRefused(offer, reasons)
    notes = Note.objects.filter(offer=offer).select_related("state", "language")
    proclamations = Proclamation.objects.filter(offer=offer).select_related("people", "language")
    entry = entry_append(
        kind="offer.released",
        subject=f"offer:{offer.key}",
        at=released_at,
        content={
            "offer": offer.key,
            "title": offer.title,
            "proposing_state": offer.proposing_state.key,
            "addressees": sorted(offer.addressees.values_list("key", flat=True)),
            "reply_deadline": offer.reply_deadline.isoformat(),
            "terms_sha256": hashlib.sha256(canonical_json(offer.terms)).hexdigest(),
            "sources": offer.sources,
            "notes": sorted(
                ({"state": n.state.key, "language": n.language.tag, "sha256": note_sha256(n)}
                 for n in notes),
                key=lambda x: (x["state"], x["language"]),
            ),
            "proclamations": sorted(
                ({"people": p.people.key, "language": p.language.tag,
                  "sha256": proclamation_sha256(p)} for p in proclamations),
                key=lambda x: (x["people"], x["language"]),
            ),
        },
    )
    offer.released_at = released_at
    offer.release_entry = entry
    offer.save(update_fields=["released_at", "release_entry"])
    processes_open(offer)
    notify_envoys.enqueue(offer.key)  # commits with the release (on Redis: pushed on commit)
    return entry


@dataclass(frozen=True)
class IssuedEnvoy:
    envoy: Envoy
    token: str
    """Shown once to the official who issued it; only its hash is stored."""


def envoy_label_problem(label: str) -> str | None:
    """What is wrong with an envoy's label, or None. The label is how officials tell who holds a
    government's token (the admin's list, the message that shows the token once), so it is held
    to the rule of a public text (`core.text`): a label of zero-width spaces would name no one,
    a control character could hide part of it. The service refuses it; the officials' form
    shows it at its field, also when a label is changed."""
    return text_problem(label, "an envoy's label",
                        blank="an envoy needs a label: who holds the token")


@transaction.atomic
def envoy_issue(
    *, state: State, label: str, email: str = "", issued_by: User | None = None
) -> IssuedEnvoy:
    if problem := envoy_label_problem(label):
        raise ValueError(problem)
    token = token_new()
    envoy = Envoy.objects.create(
        state=state, label=label, email=email, token_hash=token_hash(token), issued_by=issued_by
    )
    return IssuedEnvoy(envoy, token)


def envoy_revoke(*, envoy: Envoy) -> None:
    holder_revoke(envoy)


def envoy_authenticate(token: str) -> Envoy | None:
    """The envoy holding `token`, unless it is unknown or revoked."""
    return holder_authenticate(Envoy.objects.select_related("state"), token)
