"""Treaties as files (format `openpeace-treaties/1`, docs/treaties-format.md): how the 1917
default ships the secret treaties and how a foreign office or a historian brings in more.

An import is all or nothing: the whole file is checked first (its characters, the schema, then
every key against the register and every text against the rule of public texts, `core.text`),
every problem reported at its path and naming its treaty's key; only a file without problems is
written, in one transaction. Treaties come in `secret`: publishing one is an act of its own, and
what it publishes is logged for good, so a text it could not publish is refused at the door.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from openpeace.core.documents import (
    DocumentError,
    Problem,
    character_problems,
    definition_problems,
    schema_problems,
)
from openpeace.core.situation_file import parse_text
from openpeace.core.terms_document import SEPARATE
from openpeace.core.text import document_problem, forbidden_character
from openpeace.selfdetermination.selectors import terms_register
from openpeace.treaties.models import Clause, Treaty, TreatyText
from openpeace.treaties.services import (
    clause_judge,
    index_clauses,
    index_texts,
    text_sha256,
    treaty_sources_problems,
    treaty_texts_problems,
)
from openpeace.world.models import Language, Nationality, State, Territory


class TreatyFileError(DocumentError):
    """A treaties file that cannot be imported; nothing was written."""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class _Register:
    """The keys a treaties file may name, read once."""

    def __init__(self) -> None:
        self.states = set(State.objects.values_list("key", flat=True))
        self.languages = set(Language.objects.values_list("tag", flat=True))
        self.holders = dict(Territory.objects.values_list("key", "held_by__key"))
        self.residents: dict[str, set[str]] = {}
        for nationality, territory in Nationality.territories.through.objects.values_list(
            "nationality__key", "territory__key"
        ):
            self.residents.setdefault(territory, set()).add(nationality)
        self.treaties = set(Treaty.objects.values_list("key", flat=True))


def signed_problems(at: str, signed: Sequence[str]) -> Iterator[Problem]:
    """Every date of signature (at `at`, of the schema's `$defs/signed`) that is no day of the
    calendar, and dates out of order: what the schema's pattern cannot say."""
    dates = [_date(d) for d in signed]
    for i, date in enumerate(dates):
        if date is None:
            yield Problem(f"{at}[{i}]", f"{signed[i]!r} is not a date")
    real = [date for date in dates if date is not None]
    if len(real) == len(dates) and real != sorted(real):
        yield Problem(at, "the dates must be in order, oldest first")


def _treaty_problems(at: str, treaty: dict[str, Any], known: _Register) -> Iterator[Problem]:
    if treaty["key"] in known.treaties:
        yield Problem(f"{at}.key", f"treaty {treaty['key']!r} is already in the register")
    yield from signed_problems(f"{at}.signed", treaty["signed"])
    for i, party in enumerate(treaty["parties"]):
        if party not in known.states:
            yield Problem(f"{at}.parties[{i}]", f"unknown state {party!r}")
    for i, tag in enumerate(treaty["languages"]):
        if tag not in known.languages:
            yield Problem(f"{at}.languages[{i}]", f"unknown language {tag!r}")
    seen: set[str] = set()
    for i, text in enumerate(treaty["texts"]):
        if text["language"] not in known.languages:
            yield Problem(f"{at}.texts[{i}].language", f"unknown language {text['language']!r}")
        if text["language"] in seen:
            yield Problem(f"{at}.texts[{i}].language",
                          f"a second text in {text['language']!r}: one per language")
        seen.add(text["language"])
    for field, problem in treaty_texts_problems(treaty):
        yield Problem(f"{at}.{field}", f"treaty {treaty['key']!r}: {problem}")
    codes: set[str] = set()
    for i, clause in enumerate(treaty.get("clauses", [])):
        if clause["id"] in codes:
            yield Problem(f"{at}.clauses[{i}].id", f"clause id {clause['id']!r} is used twice")
        codes.add(clause["id"])
        yield from _clause_problems(f"{at}.clauses[{i}]", clause, known)


def _clause_problems(at: str, clause: dict[str, Any], known: _Register) -> Iterator[Problem]:
    territory = clause.get("territory")
    if territory is None:
        return
    if territory not in known.holders:
        yield Problem(f"{at}.territory", f"unknown territory {territory!r}")
        return
    source = clause.get("from")
    if source is not None and source != known.holders[territory]:
        yield Problem(f"{at}.from", f"{territory!r} is held by {known.holders[territory]!r} in "
                                    f"the register, not {source!r}")
    to = clause["to"]
    if to != SEPARATE and to not in known.states:
        yield Problem(f"{at}.to", f"unknown state {to!r} (a state's key, or {SEPARATE!r})")
    if (to == SEPARATE) != (clause.get("kind") == "independence"):
        yield Problem(f"{at}.kind", f"a clause to {SEPARATE!r} is of kind 'independence', and "
                                    "only such a clause")
    living = known.residents.get(territory, set())
    for j, nationality in enumerate(clause.get("nationalities", [])):
        if nationality not in living:
            yield Problem(f"{at}.nationalities[{j}]",
                          f"the register does not say {nationality!r} lives in {territory!r}")


def _character_problems(document: object) -> list[Problem]:
    """Every treaty (and the rest of the file) holding a character that no public text may
    hold, anywhere (`core.text.document_problem`), the treaty named by its key. Judged before
    the schema, whose validator cannot even read a lone surrogate."""
    if not isinstance(document, dict) or not isinstance(document.get("treaties"), list):
        return character_problems(document, "a treaties file")
    rest = {name: value for name, value in document.items() if name != "treaties"}
    problems = character_problems(rest, "a treaties file")
    for i, treaty in enumerate(document["treaties"]):
        key = treaty.get("key") if isinstance(treaty, dict) else None
        named = (f"treaty {key!r}" if isinstance(key, str) and not forbidden_character(key)
                 else f"treaty {i + 1} of the file")
        if problem := document_problem(treaty, named):
            problems.append(Problem(f"treaties[{i}]", problem))
    return problems


def _part_problems(value: object, definition: str, at: str) -> list[Problem]:
    """A part of a treaty edited alone, against the schema's `$defs/<definition>`. Its
    characters were judged first by what read it (`web.admin.JudgedJSONField`), as a file's
    are: the schema's validator cannot read a lone surrogate."""
    return list(definition_problems(value, "openpeace.treaties", "treaties.schema.json",
                                    definition, at=at))


def sources_field_problems(sources: object) -> list[Problem]:
    """Every problem of a secret treaty's sources edited alone (an official's form), each at its
    path (`sources[1].url`), judged as an import judges a file's: the schema's `$defs/sources`,
    then `services.treaty_sources_problems`, which the publication runs again."""
    if problems := _part_problems(sources, "sources", "sources"):
        return problems
    assert isinstance(sources, list)  # the schema says so
    return [Problem(path, problem) for path, problem in treaty_sources_problems(sources)]


def signed_field_problems(signed: object, at: str) -> list[Problem]:
    """Every problem of a secret treaty's dates of signature edited alone (an official's form,
    where they are at `at`), judged as an import judges a file's: the schema's `$defs/signed`,
    then `signed_problems`."""
    if problems := _part_problems(signed, "signed", at):
        return problems
    assert isinstance(signed, list)  # the schema says so
    return list(signed_problems(at, signed))


def treaties_problems(document: object) -> list[Problem]:
    """Every problem of a treaties document, each at its path."""
    problems = _character_problems(document) or list(
        schema_problems(document, "openpeace.treaties", "treaties.schema.json"))
    if problems:
        return problems
    assert isinstance(document, dict)
    known = _Register()
    keys: set[str] = set()
    for i, treaty in enumerate(document["treaties"]):
        if treaty["key"] in keys:
            problems.append(Problem(f"treaties[{i}].key", f"key {treaty['key']!r} is used twice"))
        keys.add(treaty["key"])
        problems.extend(_treaty_problems(f"treaties[{i}]", treaty, known))
    return problems


def treaties_read(path: Path) -> dict[str, Any]:
    """Read and check a treaties file; raise `TreatyFileError` with every problem."""
    try:
        document = parse_text(path.read_text(encoding="utf-8"), is_json=path.suffix == ".json",
                              origin=str(path), error=TreatyFileError)
    except (OSError, UnicodeDecodeError) as error:
        raise TreatyFileError([Problem("(document)", str(error))], str(path)) from None
    problems = treaties_problems(document)
    if problems:
        raise TreatyFileError(problems, str(path))
    assert isinstance(document, dict)
    return document


@transaction.atomic
def treaties_import(path: Path) -> list[Treaty]:
    """Import every treaty of the file as secret, or nothing (`TreatyFileError`)."""
    document = treaties_read(path)
    states = {s.key: s for s in State.objects.all()}
    languages = {lang.tag: lang for lang in Language.objects.all()}
    territories = {t.key: t for t in Territory.objects.all()}
    nationalities = dict(Nationality.objects.values_list("key", "pk"))
    register = terms_register()
    imported = []
    for item in document["treaties"]:
        dates = [dt.date.fromisoformat(d) for d in item["signed"]]
        treaty = Treaty.objects.create(
            key=item["key"], title=item["title"], short_name=item["short_name"],
            signed_on=dates[0], signed_dates=item["signed"], place=item["place"],
            sources=item["sources"],
        )
        treaty.parties.set([states[k] for k in item["parties"]])
        treaty.languages.set([languages[t] for t in item["languages"]])
        texts = TreatyText.objects.bulk_create(
            TreatyText(treaty=treaty, language=languages[t["language"]], title=t["title"],
                       text=t["text"], source=t["source"],
                       sha256=text_sha256(t["text"]))
            for t in item["texts"]
        )
        index_texts(texts)
        clauses = []
        for position, c in enumerate(item.get("clauses", [])):
            clause = Clause(
                treaty=treaty, position=position, code=c["id"], type=c["type"],
                description=c["description"],
                territory=territories.get(c.get("territory", "")),
                from_state=states.get(c.get("from", "")), to=c.get("to", ""),
                kind=c.get("kind", ""),
            )
            clause_judge(clause, register)
            clauses.append(clause)
        Clause.objects.bulk_create(clauses)
        _nationalities_set(clauses, item.get("clauses", []), nationalities, register)
        index_clauses(clauses)
        imported.append(treaty)
    return imported


def _nationalities_set(
    clauses: list[Clause], items: list[dict[str, Any]], pks: dict[str, int], register: Any
) -> None:
    """Each territorial clause names the nationalities living there: as the file says, or by
    default as the register says."""
    through = Clause.nationalities.through
    rows = []
    for clause, item in zip(clauses, items, strict=True):
        if clause.territory_id is None:
            continue
        keys = item.get("nationalities") or register.residents(item["territory"])
        rows += [through(clause_id=clause.pk, nationality_id=pks[k]) for k in keys]
    through.objects.bulk_create(rows)
