"""Writes of the treaties app: publish, repudiate, revise a text, judge the clauses.

Each public act is one transaction that writes its log entry: publication logs every text in
full with its SHA-256 (the log, not the page, is the proof of what was published and when);
repudiation logs the statement; a revision logs the new text beside the hash of the one it
corrects. Entering a secret treaty is not a public act and writes nothing to the log: the log
is public, and a secret treaty is invisible to everyone but officials until it is published.
Judging a public treaty's clauses again is: the publication committed to their findings, so a
change to them is logged too (`treaty.findings_changed`), or the page would differ from the log.
What is logged is logged for good, so every text is judged as a public text (`core.text`) when it
comes in and again when it is published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from openpeace.core.sources import sources_problems
from openpeace.core.terms import SEPARATE_STATE, TerritorialClause, clause_findings
from openpeace.core.terms_document import SEPARATE
from openpeace.core.text import text_problem
from openpeace.core.treaty_status import Status, transition
from openpeace.diplomacy.terms import finding_document
from openpeace.log.models import Entry
from openpeace.log.services import entry_append
from openpeace.selfdetermination.selectors import terms_register
from openpeace.treaties.export import treaty_document
from openpeace.treaties.models import Clause, SearchDocument, Treaty, TreatyText
from openpeace.treaties.search import config_for
from openpeace.world.models import Language, State

if TYPE_CHECKING:
    from openpeace.selfdetermination.models import Decision

Findings = list[dict[str, Any]]


def text_sha256(text: str) -> str:
    """What the log commits to for a text: SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_text(text: str, what: str, *, blank: str = "") -> None:
    """A text published with the treaty is a public text (`core.text`); `ValueError` says what
    is wrong with it."""
    if problem := text_problem(text, what, blank=blank):
        raise ValueError(problem)


def text_problems(*, title: str, text: str, source: str, of: str = "") -> dict[str, str]:
    """What is wrong with a treaty's text as public texts (`core.text`), by field: every text
    is published in full one day, its source (which may be left out) with it. The service
    refuses them; the officials' form shows them at their fields. `of` names the text where
    a treaty has several ("its text in 'fr'")."""
    problems = {"title": text_problem(title, f"the title of {of or 'a text'}"),
                "text": text_problem(text, of or "a treaty's text"),
                "source": text_problem(source, f"the source of {of or 'a text'}",
                                       required=False)}
    return {field: problem for field, problem in problems.items() if problem}


def treaty_texts_problems(treaty: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every text of a treaty that is not a public text (`core.text`), as (field, problem):
    its title, short name and place, its sources, each text in each language, each clause's id
    and description. All of them are published one day, and what is published is logged for
    good; so are its sources' addresses and languages, which a reader follows
    (`core.sources.sources_problems`). Each problem says which of its texts it is ("its text in
    'fr' cannot…"); the caller names the treaty.

    `treaty` has the shape of the treaties file (docs/treaties-format.md), so that an import
    judges the file before it writes a row, and a publication the rows themselves, as the
    export gives them: a row may have been written before the rule, or around the services."""
    found: list[tuple[str, str | None]] = [
        ("title", text_problem(treaty["title"], "its title")),
        ("short_name", text_problem(treaty["short_name"], "its short name")),
        ("place", text_problem(treaty["place"], "the place it was concluded")),
    ]
    found += treaty_sources_problems(treaty["sources"])
    for i, text in enumerate(treaty["texts"]):
        found += [(f"texts[{i}].{field}", problem) for field, problem in text_problems(
            title=text["title"], text=text["text"], source=text["source"],
            of=f"its text in {text['language']!r}").items()]
    for i, clause in enumerate(treaty.get("clauses", [])):
        found += [(f"clauses[{i}].id", text_problem(clause["id"], f"the id of its clause {i + 1}")),
                  (f"clauses[{i}].description", text_problem(
                      clause["description"], f"the description of its clause {clause['id']!r}"))]
    return [(field, problem) for field, problem in found if problem]


def treaty_sources_problems(sources: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Every source of a treaty (of the treaties file's shape) whose title is not a public text
    (`core.text`), or whose address or language a reader could not follow
    (`core.sources.sources_problems`), as (path, problem). Part of `treaty_texts_problems`, and
    on its own for the sources an official edits alone (`treaty_file.sources_field_problems`)."""
    found = [(f"sources[{i}].title", text_problem(source.get("title", ""),
                                                  f"the title of its source {i + 1}"))
             for i, source in enumerate(sources)]
    found += [(problem.path, problem.message) for problem in sources_problems("sources", sources)]
    return [(path, problem) for path, problem in found if problem]


def _locked(treaty: Treaty) -> Treaty:
    return Treaty.objects.select_for_update().get(pk=treaty.pk)


def _text_document(text: TreatyText) -> dict[str, Any]:
    return {
        "language": text.language.tag,
        "revision": text.revision,
        "title": text.title,
        "text": text.text,
        "source": text.source,
        "sha256": text.sha256,
    }


def _rules(findings: Findings) -> list[str]:
    """A clause's findings as the log gives them: the ids of the rules they apply."""
    return [f["rule"] for f in findings]


def _treaty_document(treaty: Treaty) -> dict[str, Any]:
    return {
        "treaty": treaty.key,
        "title": treaty.title,
        "signed": treaty.signed_dates,
        "place": treaty.place,
        "parties": sorted(treaty.parties.values_list("key", flat=True)),
    }


@transaction.atomic
def treaty_publish(*, treaty: Treaty, at: dt.datetime | None = None) -> Entry:
    """Publish a secret treaty: its every text, in full, into the log, irreversibly. Its texts
    are judged again first (`treaty_texts_problems`): a text stored before the rule, or around
    the services, would otherwise be logged for good; `ValueError` names each."""
    treaty = _locked(treaty)
    transition(Status(treaty.status), Status.PUBLISHED)
    if problems := treaty_texts_problems(treaty_document(treaty)):
        raise ValueError(f"treaty {treaty.key!r} cannot be published until its texts are "
                         "corrected: " + "; ".join(problem for _, problem in problems))
    published_at = at or timezone.now()
    texts = list(treaty.texts.filter(current=True).select_related("language"))
    entry = entry_append(
        kind="treaty.published",
        subject=f"treaty:{treaty.key}",
        at=published_at,
        content={
            **_treaty_document(treaty),
            "texts": [_text_document(t) for t in texts],
            "clauses": [
                {"id": c.code, "type": c.type, "description": c.description,
                 "findings": _rules(c.findings)}
                for c in treaty.clauses.all()
            ],
        },
    )
    TreatyText.objects.filter(pk__in=[t.pk for t in texts]).update(entry=entry)
    treaty.status = Status.PUBLISHED
    treaty.published_at = published_at
    treaty.publication_entry = entry
    treaty.save(update_fields=["status", "published_at", "publication_entry"])
    return entry


@transaction.atomic
def treaty_repudiate(
    *, treaty: Treaty, statement: str, on: dt.date, by: State, at: dt.datetime | None = None
) -> Entry:
    """Repudiate a published treaty with the statement that renounces it.

    Only a party can renounce a promise it made, and only once the treaty is public ("publish
    and repudiate"): the day is neither before its publication nor after today (or after `at`,
    when a past repudiation is replayed), so the log never records a renunciation that had not
    happened when it was logged.
    """
    treaty = _locked(treaty)
    _check_text(statement, "the statement of a repudiation",
                blank="a repudiation must state what is renounced: the statement is empty")
    transition(Status(treaty.status), Status.REPUDIATED)
    if not treaty.parties.filter(pk=by.pk).exists():
        parties = ", ".join(treaty.parties.order_by("name").values_list("name", flat=True))
        raise ValueError(f"{by.name} ({by.key}) is not a party to {treaty.key!r} and cannot "
                         f"repudiate it; its parties: {parties}")
    if on < treaty.signed_on:
        raise ValueError(f"a treaty signed on {treaty.signed_on} cannot be repudiated on {on}")
    published_on = timezone.localdate(treaty.published_at) if treaty.published_at else None
    if published_on is not None and on < published_on:
        raise ValueError(f"a treaty published on {published_on} cannot be repudiated on {on}, "
                         "before it was published")
    today = timezone.localdate(at) if at else timezone.localdate()
    if on > today:
        raise ValueError(f"a repudiation is recorded once made: {on} is in the future "
                         f"(today is {today})")
    entry = entry_append(
        kind="treaty.repudiated",
        subject=f"treaty:{treaty.key}",
        at=at,
        content={
            "treaty": treaty.key,
            "repudiated_on": on.isoformat(),
            "repudiated_by": by.key,
            "statement": statement,
        },
    )
    treaty.status = Status.REPUDIATED
    treaty.repudiated_on, treaty.repudiated_by = on, by
    treaty.repudiation_statement = statement
    treaty.repudiation_entry = entry
    treaty.save(update_fields=[
        "status", "repudiated_on", "repudiated_by", "repudiation_statement", "repudiation_entry",
    ])
    return entry


@transaction.atomic
def treaty_text_revise(
    *, treaty: Treaty, language: Language, title: str, text: str, source: str, reason: str
) -> TreatyText:
    """Correct a text. Before publication the secret draft is corrected in place; after it, a
    new logged revision replaces it on pages and in search, and the old one stays visible."""
    treaty = _locked(treaty)
    if problems := text_problems(title=title, text=text, source=source):
        raise ValueError("; ".join(problems.values()))
    previous = TreatyText.objects.filter(treaty=treaty, language=language, current=True).first()
    if treaty.status == Status.SECRET:
        revised = previous or TreatyText(treaty=treaty, language=language)
        revised.title, revised.text, revised.source = title, text, source
        revised.sha256 = text_sha256(text)
        revised.save()
        _index_text(revised)
        return revised
    _check_text(reason, "the reason for a correction",
                blank="a published text is corrected only with the reason for the correction")
    if previous is not None and previous.text == text and previous.title == title:
        raise ValueError(f"revision {previous.revision} already has exactly this text")
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    revised = TreatyText(
        treaty=treaty, language=language, title=title, text=text, source=source,
        sha256=text_sha256(text), reason=reason,
        revision=(previous.revision + 1) if previous else 1,
    )
    revised.entry = entry_append(
        kind="treaty.text_revised",
        subject=f"treaty:{treaty.key}",
        content={
            "treaty": treaty.key,
            **_text_document(revised),
            "reason": reason,
            "replaces_sha256": previous.sha256 if previous else None,
        },
    )
    revised.save()
    _index_text(revised)
    return revised


def _search_document(text: TreatyText) -> SearchDocument:
    return SearchDocument(
        treaty_id=text.treaty_id, text=text, language=text.language.tag,
        config=config_for(text.language.tag), title=text.title, body=text.text,
    )


def index_texts(texts: list[TreatyText]) -> None:
    """Make new texts searchable: the database indexes the rows as they are written."""
    SearchDocument.objects.bulk_create(_search_document(t) for t in texts)


def _index_text(text: TreatyText) -> None:
    """Search reads a text's current revision only: the row moves to the new one."""
    SearchDocument.objects.filter(treaty_id=text.treaty_id, language=text.language.tag,
                                  clause=None).delete()
    _search_document(text).save()


def index_clauses(clauses: list[Clause]) -> None:
    """Make clause descriptions searchable (they are written in English)."""
    SearchDocument.objects.bulk_create(
        SearchDocument(treaty_id=c.treaty_id, clause=c, language="en", config=config_for("en"),
                       title=f"{c.code}: {c.get_type_display()}", body=c.description)
        for c in clauses
    )


def clause_judge(clause: Clause, register: Any) -> None:
    """Run a territorial clause through the terms validator and keep its findings: a clause
    handing a territory to a state without its nationality's free decision promises an
    annexation, whatever the treaty calls it."""
    territory = clause.territory
    if territory is None:
        clause.findings, clause.flagged = [], False
        return
    coded = TerritorialClause(
        id=clause.code,
        territory=territory.key,
        to=SEPARATE_STATE if clause.to == SEPARATE else clause.to,
        kind=clause.terms_kind,  # type: ignore[arg-type]
        text=clause.description,
    )
    findings = clause_findings(coded, register)
    clause.findings = [finding_document(f) for f in findings]
    clause.flagged = any(f.rule.id.startswith("annexation.") for f in findings)


def _judged(clauses: Iterable[Clause], register: Any) -> list[tuple[Clause, Findings]]:
    """Judge each of `clauses` again (in place); those whose findings changed, each with its
    findings before, for `_findings_changes_log`."""
    changed: list[tuple[Clause, Findings]] = []
    for clause in clauses:
        before = clause.findings
        clause_judge(clause, register)
        if clause.findings != before:
            changed.append((clause, before))
    return changed


@transaction.atomic
def treaty_clauses_refresh(treaty: Treaty) -> None:
    """After officials code a treaty's clauses: judge them and index them again. The admin
    reaches it for secret treaties only, but whoever calls it, a public treaty's publication
    logged its findings: a change to them is logged here, as `clauses_rejudge` logs one (an
    official's act, not a decision's)."""
    clauses = list(treaty.clauses.select_related("territory"))
    changed = _judged(clauses, terms_register())
    Clause.objects.bulk_update(clauses, ["findings", "flagged"])
    SearchDocument.objects.filter(treaty=treaty, clause__isnull=False).delete()
    index_clauses(clauses)
    _findings_changes_log(changed, None)


def _cause(decision: Decision | None) -> dict[str, Any]:
    """Why clauses were judged again, as the log says it: the decision that changed the
    register (named as its own `decision.recorded` entry names it), or an official's command."""
    if decision is None:
        return {"why": "rejudged by command", "decision": None}
    return {"why": "decision recorded", "decision": {
        "nationality": decision.nationality.key,
        "choice": decision.choice,
        "joins": decision.joins.key if decision.joins else None,
        "taken_on": decision.taken_on.isoformat(),
        "free": decision.free,
    }}


def _findings_changes_log(
    changed: list[tuple[Clause, Findings]], decision: Decision | None
) -> None:
    """One `treaty.findings_changed` entry per public treaty among the `changed` clauses (each
    with its findings before): its publication logged their findings, so the log says that they
    changed, and why (`decision`, or an official's command). A secret draft changes without a
    trace: nothing of it is public.

    An entry caused by a decision is recorded at the decision's own time (a past decision
    replayed stays in its day). Each treaty's row is locked before its status is read, as
    `treaty_publish` locks it before it logs the findings: a treaty published meanwhile either
    logs the new findings itself or is seen published here, and its change is logged."""
    by_treaty: dict[int, list[tuple[Clause, Findings]]] = {}
    for clause, before in changed:
        by_treaty.setdefault(clause.treaty_id, []).append((clause, before))
    public = (Treaty.objects.select_for_update().filter(pk__in=by_treaty)
              .exclude(status=Status.SECRET).order_by("key"))
    for treaty in public:
        entry_append(
            kind="treaty.findings_changed",
            subject=f"treaty:{treaty.key}",
            at=decision.entry.recorded_at if decision else None,
            content={
                "treaty": treaty.key,
                "clauses": [
                    {"id": c.code, "findings": _rules(c.findings), "previous": _rules(before)}
                    for c, before in by_treaty[treaty.pk]
                ],
                **_cause(decision),
            },
        )


@transaction.atomic
def clauses_rejudge(*, decision: Decision | None = None) -> int:
    """Judge every coded clause again against today's register: after a nationality's
    `decision` (the `decision_recorded` signal, in the decision's transaction), or by an
    official's command when `decision` is None (`openpeace treaties rejudge`). Each public
    treaty whose findings change gets its log entry in this transaction; returns how many
    clauses changed their findings."""
    changed = _judged(Clause.objects.filter(territory__isnull=False).select_related("territory"),
                      terms_register())
    Clause.objects.bulk_update([clause for clause, _ in changed], ["findings", "flagged"])
    _findings_changes_log(changed, decision)
    return len(changed)
