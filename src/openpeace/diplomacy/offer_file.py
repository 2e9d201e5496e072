"""Offers as files (format `openpeace-offer/1`): how the 1917 default ships its offer, and how a
foreign office can prepare one outside the admin. Every problem is reported with its path.

An import is all or nothing: the whole file is checked first (its characters, the schema, the
keys against the register, every text against the rule of public texts, `core.text`, every
source as every source is, `core.sources`), and only a file without problems is written. An
imported offer is a draft, but its release publishes its title, notes, proclamations and
sources to every government and people at once and logs them for good, so a text it could not
publish is refused at the door, not at the release.

A source keeps its key: the file's own comments cite its sources by key (`[t21, reed]` in the
1917 offer), and so does the offer's page, whose list of sources gives each its key as an
anchor (`#source-t21`), so that a citation has somewhere to point.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from openpeace.core.documents import (
    DocumentError,
    Problem,
    character_problems,
    schema_problems,
)
from openpeace.core.situation_file import parse_text
from openpeace.core.terms_document import TermsError, terms_from_document
from openpeace.diplomacy.models import Note, Offer, Proclamation
from openpeace.diplomacy.services import addressee_problems, offer_text_problems
from openpeace.world.models import Language, People, State


class OfferFileError(DocumentError):
    """An offer file that cannot be imported; nothing was written."""


def _moment(text: str | None) -> dt.datetime | None:
    return parse_datetime(text) if text else None


def _problems(doc: dict[str, Any]) -> list[Problem]:
    problems = character_problems(doc, "an offer file") or list(
        schema_problems(doc, "openpeace.diplomacy", "offer.schema.json"))
    if problems:
        return problems
    problems = [Problem(path, problem) for path, problem in offer_text_problems(doc)]
    states = set(State.objects.values_list("key", flat=True))
    spoken = People.languages.through.objects.values_list("people__key", "language__tag")
    tongue = set(spoken)
    owner = dict(People.objects.values_list("key", "state__key"))
    addressed = set(doc["addressees"])
    if doc["proposing_state"] not in states:
        problems.append(Problem("proposing_state", f"unknown state {doc['proposing_state']!r}"))
    if Offer.objects.filter(key=doc["key"]).exists():
        problems.append(Problem("key", f"an offer with key {doc['key']!r} already exists"))
    said = addressee_problems(doc["proposing_state"], doc["addressees"])
    for i, key in enumerate(doc["addressees"]):
        if key not in states:
            problems.append(Problem(f"addressees[{i}]", f"unknown state {key!r}"))
        elif key in said:
            problems.append(Problem(f"addressees[{i}]", f"{key}: {said[key]}"))
    try:
        terms_from_document(doc["terms"])
    except TermsError as error:
        problems += [Problem(f"terms.{p.path}", p.message) for p in error.problems]
    for i, note in enumerate(doc["notes"]):
        if note["state"] not in addressed:
            problems.append(Problem(f"notes[{i}].state", f"{note['state']!r} is not addressed"))
        if not Language.objects.filter(tag=note["language"]).exists():
            problems.append(
                Problem(f"notes[{i}].language", f"unknown language {note['language']!r}")
            )
    for i, item in enumerate(doc["proclamations"]):
        people, tag = item["people"], item["language"]
        if owner.get(people) not in addressed:
            problems.append(Problem(f"proclamations[{i}].people",
                                    f"{people!r} is not a people of an addressed state"))
        elif (people, tag) not in tongue:
            problems.append(Problem(f"proclamations[{i}].language",
                                    f"{tag!r} is not a language of {people!r}"))
    released, deadline = _moment(doc.get("released_at")), _moment(doc["reply_deadline"])
    if deadline is None or (released is None and "released_at" in doc):
        problems.append(Problem("reply_deadline", "not a date-time with its offset"))
    elif released is not None and deadline <= released:
        problems.append(Problem("reply_deadline", "the deadline must come after the release"))
    return problems


@transaction.atomic
def offer_import(path: Path) -> tuple[Offer, dt.datetime | None]:
    """Import an offer file as a draft; return it and its `released_at`, if the file has one."""
    try:
        document = parse_text(path.read_text(encoding="utf-8"), is_json=path.suffix == ".json",
                              origin=str(path), error=OfferFileError)
    except UnicodeDecodeError as error:  # not UTF-8 (a surrogate encoded on its own, too)
        raise OfferFileError([Problem("(document)", str(error))], str(path)) from None
    if not isinstance(document, dict):
        raise OfferFileError([Problem("(document)", "an offer file is a mapping")], str(path))
    problems = _problems(document)
    if problems:
        raise OfferFileError(problems, str(path))
    deadline = _moment(document["reply_deadline"])
    assert deadline is not None  # the schema requires a date and time (`_problems`)
    offer = Offer.objects.create(
        key=document["key"], title=document["title"],
        proposing_state=State.objects.get(key=document["proposing_state"]),
        reply_deadline=deadline, terms=document["terms"], sources=document.get("sources", []),
    )
    offer.addressees.set(State.objects.filter(key__in=document["addressees"]))
    languages = {lang.tag: lang for lang in Language.objects.all()}
    Note.objects.bulk_create(
        Note(offer=offer, state=State.objects.get(key=n["state"]),
             language=languages[n["language"]], text=n["text"])
        for n in document["notes"]
    )
    peoples = {p.key: p for p in People.objects.all()}
    Proclamation.objects.bulk_create(
        Proclamation(offer=offer, people=peoples[p["people"]], language=languages[p["language"]],
                     title=p["title"], text=p["text"])
        for p in document["proclamations"]
    )
    return offer, _moment(document.get("released_at"))
