"""Writes of the self-determination app: a nationality's decision, its commission, its demands.

A decision is a public act with its log entry. Whether it was free is decided here, once, from
the occupations in force on the day it was taken (the core's rule, `Register.occupation_during`)
and recorded with it, so the page, the API, the log and the terms validator all say the same.
Recording one sends `decision_recorded` in the same transaction, so that what depends on the
decisions (the findings on the treaties' clauses) changes with it or not at all.

A demand's every step (its filing, acknowledgment, progress, satisfaction or refusal) is a
public act with its log entry, subject `nationality:<key>`, taken as `core.demand` allows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import django.dispatch
from django.db import transaction
from django.utils import timezone

from openpeace.core import demand as core_demand
from openpeace.core import terms
from openpeace.core.languages import is_valid_tag
from openpeace.core.sources import language_problem, url_problem
from openpeace.core.text import text_problem
from openpeace.log.models import Entry
from openpeace.log.services import entry_append
from openpeace.refusals import Refused
from openpeace.selfdetermination.models import Commission, Decision, Demand, DemandStep
from openpeace.selfdetermination.selectors import terms_register
from openpeace.tokens import holder_authenticate, holder_revoke, token_hash, token_new
from openpeace.world.models import Nationality, Occupation, State

if TYPE_CHECKING:
    from django.contrib.auth.models import User

decision_recorded = django.dispatch.Signal()
"""Sent with `decision=` inside the recording transaction, after the decision is written."""


class DecisionRefused(Refused):
    """A decision that cannot be recorded; the message says why, nothing was written.

    `field` names the input the refusal is about, when it is one, so the officials' form shows
    it there (`web.admin.RecordedThroughServices`).
    """


def _check(
    *, joins: State | None, via: str, taken_on: dt.date, recognised_on: dt.date | None,
    recognised_by: State | None, source: str, source_url: str,
) -> None:
    if via not in Decision.Via.values:
        raise DecisionRefused(f"via must be one of {', '.join(Decision.Via.values)}, not {via!r}")
    if problem := text_problem(source, "the source a decision cites"):
        raise DecisionRefused(problem, field="source")
    # Checked here, in the service, so that every way of recording a decision (the admin, the
    # replay, a plebiscite's result) is held to the one check of source URLs, within the column.
    if problem := url_problem(source_url, "the source's url",
                              limit=Decision._meta.get_field("source_url").max_length or 0):
        raise DecisionRefused(problem, field="source_url")
    if via == Decision.Via.DECLARATION and (recognised_on is None or recognised_by is None):
        raise DecisionRefused(
            "a declaration counts once it is recognised: give the date and the recognising state"
        )
    if via == Decision.Via.PLEBISCITE and (recognised_on or recognised_by):
        raise DecisionRefused("a plebiscite's result needs no recognition")
    if recognised_on is not None and recognised_on < taken_on:
        raise DecisionRefused(
            f"it cannot be recognised on {recognised_on}, before it was taken on {taken_on}"
        )


def decisions_lock(nationality: Nationality) -> None:
    """Take one nationality's decisions one at a time, until the transaction ends.

    Whether a decision may stand is judged against the decisions already recorded
    (`terms.Register.contradiction`): two taken at once (a plebiscite's result and a declaration,
    or two plebiscites' results) would each pass that check before either is written, and
    PostgreSQL would record both. Locking the nationality's row first makes the second wait for
    the first and then see it. (SQLite has one writer at a time already.)
    """
    Nationality.objects.select_for_update().only("pk").get(pk=nationality.pk)


@transaction.atomic
def decision_record(
    *, nationality: Nationality, joins: State | None, via: str, taken_on: dt.date,
    source: str, source_url: str = "", recognised_on: dt.date | None = None,
    recognised_by: State | None = None, at: dt.datetime | None = None,
) -> Decision:
    """Record a decision: `joins` is the state it decided to join, None for a separate state."""
    _check(joins=joins, via=via, taken_on=taken_on, recognised_on=recognised_on,
           recognised_by=recognised_by, source=source, source_url=source_url)
    decisions_lock(nationality)
    choice = terms.SEPARATE_STATE if joins is None else joins.key
    core_decision = terms.Decision(nationality.key, choice, via, taken_on, source)  # type: ignore[arg-type]
    register = terms_register()
    occupation = register.occupation_during(core_decision)
    if occupation is None and (why := register.contradiction(core_decision)):
        raise DecisionRefused(why)
    under = None
    if occupation is not None:
        under = Occupation.objects.get(territory__key=occupation.territory,
                                       occupier__key=occupation.occupier)
    entry = entry_append(
        kind="decision.recorded",
        subject=f"nationality:{nationality.key}",
        at=at,
        content={
            "nationality": nationality.key,
            "choice": str(Decision.Choice.SEPARATE_STATE) if joins is None else "join",
            "joins": joins.key if joins else None,
            "via": via,
            "taken_on": taken_on.isoformat(),
            "recognised_on": recognised_on.isoformat() if recognised_on else None,
            "recognised_by": recognised_by.key if recognised_by else None,
            "source": source,
            "source_url": source_url,
            "free": under is None,
            "under_occupation": None if occupation is None else {
                "territory": occupation.territory, "occupier": occupation.occupier,
                "since": occupation.since.isoformat(),
            },
        },
    )
    decision = Decision.objects.create(
        nationality=nationality,
        choice=Decision.Choice.SEPARATE_STATE if joins is None else Decision.Choice.JOIN,
        joins=joins, via=via, taken_on=taken_on, recognised_on=recognised_on,
        recognised_by=recognised_by, source=source, source_url=source_url,
        under_occupation=under, entry=entry,
    )
    decision_recorded.send(Decision, decision=decision)
    return decision


# Commissions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCommission:
    commission: Commission
    token: str
    """Shown once to the official who issued it; only its hash is stored."""


def commission_label_problem(label: str) -> str | None:
    """What is wrong with a commission's label, or None. The label is published (each demand
    it files names it, in the log and the API), so it is a public text (`core.text`): a label
    of zero-width spaces would name no one. The service refuses it; the officials' form shows
    it at its field, also when a label is changed."""
    return text_problem(label, "a commission's label",
                        blank="a commission needs a label: the body that holds the token")


@transaction.atomic
def commission_issue(
    *, nationality: Nationality, label: str, email: str = "", issued_by: User | None = None
) -> IssuedCommission:
    """Issue a commission's token: it files demands for `nationality` alone."""
    if problem := commission_label_problem(label):
        raise ValueError(problem)
    token = token_new()
    commission = Commission.objects.create(
        nationality=nationality, label=label, email=email, token_hash=token_hash(token),
        issued_by=issued_by,
    )
    return IssuedCommission(commission, token)


def commission_revoke(*, commission: Commission) -> None:
    holder_revoke(commission)


def commission_authenticate(token: str) -> Commission | None:
    """The commission holding `token`, unless it is unknown or revoked."""
    return holder_authenticate(Commission.objects.select_related("nationality"), token)


# Demands -------------------------------------------------------------------------------------


class DemandRefused(Refused):
    """A demand, or a step of one, that cannot be recorded; the message says why and nothing
    was written. `field` names the input at fault (a filing's `text` or `language`, a step's
    `note`, a refusal's `reasons`), when one is, so that a form shows the refusal there and not
    above the whole form."""


def _core(demand: Demand) -> core_demand.Demand:
    rulers = frozenset(demand.nationality.ruled_by.values_list("key", flat=True))
    since = demand.steps.order_by("-at").values_list("at", flat=True).first()
    return core_demand.Demand(
        demand.nationality.key, core_demand.Kind(demand.kind),
        core_demand.Status(demand.status), since or demand.filed_at, rulers,
        filed_at=demand.filed_at,
    )


def _content(demand: Demand, **more: object) -> dict[str, object]:
    return {"demand": demand.pk, "nationality": demand.nationality.key, "kind": demand.kind,
            **more}


def _text(value: str, what: str, *, required: bool = True, blank: str = "",
          field: str | None = None) -> str:
    """`value`, if it is a public text (`core.text`), else refused at `field`; an optional one
    may be empty."""
    if problem := text_problem(value, what, required=required, blank=blank):
        raise DemandRefused(problem, field=field)
    return value


SOURCE_SHAPE = "each source needs a title (and may have a url)"


def _sources(sources: list[dict[str, str]] | None) -> list[dict[str, str]]:
    sources = list(sources or [])
    for source in sources:
        if not isinstance(source, dict) or not all(
                isinstance(source.get(part, ""), str) for part in ("title", "url")):
            raise DemandRefused(SOURCE_SHAPE)
        _text(source.get("title", ""), "a source's title", blank=SOURCE_SHAPE)
        if problem := url_problem(source.get("url", "")):
            raise DemandRefused(problem)
        if problem := language_problem(source.get("language")):
            raise DemandRefused(f"a source's language: {problem}")
    return [{"title": s["title"], "url": s.get("url", ""),
             **({"language": s["language"]} if s.get("language") else {})} for s in sources]


@transaction.atomic
def demand_file(
    *, commission: Commission, nationality: Nationality, kind: str, text: str, acts_asked: str,
    language: str = "en", sources: list[dict[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> Demand:
    """A commission files a demand for its own nationality, in the language it chooses (its
    pages then mark the text with it); the filing is a log entry. A refusal of the kind, the
    language, the text or the acts asked names its field, under the name the filing form and
    the API's `DemandIn` give it, so that each shows it at that input."""
    if commission.revoked_at is not None:
        raise DemandRefused(f"the commission {commission.label!r} has been revoked")
    if commission.nationality_id != nationality.pk:
        raise DemandRefused(
            f"this commission files demands for the {commission.nationality.key}, not for the "
            f"{nationality.key}"
        )
    if kind not in Demand.Kind.values:
        raise DemandRefused(f"kind must be one of {', '.join(Demand.Kind.values)}, not {kind!r}",
                            field="kind")
    if not is_valid_tag(language):
        raise DemandRefused(f"language must be a BCP 47 tag such as 'uk' or 'fi', not "
                            f"{language[:40]!r}", field="language")
    text = _text(text, "the text of a demand", field="text")
    acts_asked = _text(acts_asked, "the acts asked", field="acts_asked")
    sources = _sources(sources)
    at = at or timezone.now()
    demand = Demand.objects.create(
        nationality=nationality, commission=commission, kind=kind, text=text,
        acts_asked=acts_asked, language=language, sources=sources, status=Demand.Status.FILED,
        filed_at=at,
    )
    entry = entry_append(
        kind="demand.filed", subject=f"nationality:{nationality.key}", at=at,
        content=_content(demand, commission=commission.label, text=text, acts_asked=acts_asked,
                         language=language, status=str(Demand.Status.FILED), sources=sources),
    )
    DemandStep.objects.create(demand=demand, status=Demand.Status.FILED, at=at, entry=entry)
    return demand


def _locked(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().select_related("nationality").get(pk=demand.pk)


def _transition(demand: Demand, target: core_demand.Status) -> None:
    try:
        core_demand.transition(core_demand.Status(demand.status), target)
    except core_demand.TransitionRefused as refused:
        raise DemandRefused(f"demand {demand.pk}: {refused}") from None


def _record_step(
    demand: Demand, moved: core_demand.Demand, *, note: str, sources: list[dict[str, str]],
    **logged: object,
) -> DemandStep:
    previous = demand.status
    entry = entry_append(
        kind=f"demand.{moved.status}", subject=f"nationality:{demand.nationality.key}",
        at=moved.since,
        content=_content(demand, **{"from": previous, "to": str(moved.status), "note": note,
                                    "sources": sources, **logged}),
    )
    demand.status = str(moved.status)
    demand.save(update_fields=["status", "refusal_reasons", "satisfied_by_decision",
                               "satisfied_by_entry"])
    return DemandStep.objects.create(demand=demand, status=moved.status, at=moved.since,
                                     note=note, sources=sources, entry=entry)


def _move(
    demand: Demand, target: str, *, note: str, sources: list[dict[str, str]] | None,
    at: dt.datetime | None,
) -> Demand:
    demand = _locked(demand)
    _transition(demand, core_demand.Status(target))
    sources = _sources(sources)
    _text(note, "a note", required=False, field="note")
    step = core_demand.acknowledge if target == "acknowledged" else core_demand.begin
    try:
        moved = step(_core(demand), at or timezone.now())
    except core_demand.DemandError as refused:
        raise DemandRefused(f"demand {demand.pk}: {refused}") from None
    _record_step(demand, moved, note=note, sources=sources)
    return demand


@transaction.atomic
def demand_acknowledge(
    *, demand: Demand, note: str = "", sources: list[dict[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> Demand:
    """Officials acknowledge a filed demand, in public."""
    return _move(demand, "acknowledged", note=note, sources=sources, at=at)


@transaction.atomic
def demand_begin(
    *, demand: Demand, note: str = "", sources: list[dict[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> Demand:
    """Work on an acknowledged demand has begun: it is in progress."""
    return _move(demand, "in_progress", note=note, sources=sources, at=at)


@transaction.atomic
def demand_refuse(
    *, demand: Demand, reasons: str, sources: list[dict[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> Demand:
    """Refuse a demand in progress, publishing the reasons."""
    demand = _locked(demand)
    sources = _sources(sources)
    try:
        moved = core_demand.refuse(_core(demand), reasons, at or timezone.now())
    except core_demand.DemandError as refused:
        at_fault = "reasons" if isinstance(refused, core_demand.ReasonsRefused) else None
        raise DemandRefused(f"demand {demand.pk}: {refused}", field=at_fault) from None
    demand.refusal_reasons = reasons
    _record_step(demand, moved, note=reasons, sources=sources, reasons=reasons)
    return demand


def _entry_sha256(entry: Entry) -> str:
    return hashlib.sha256(bytes(entry.body)).hexdigest()


@transaction.atomic
def demand_satisfy(
    *, demand: Demand, decision: Decision | None = None, log_index: int | None = None,
    note: str = "", sources: list[dict[str, str]] | None = None, at: dt.datetime | None = None,
) -> Demand:
    """Satisfy a demand in progress by the act that satisfies it: a decision of the nationality,
    or the log entry (by its index) of another act. A secession demand, or one for the
    recognition of a declaration, only by a decision (`core.demand`)."""
    demand = _locked(demand)
    _transition(demand, core_demand.Status.SATISFIED)  # the status is named first, then the act
    sources = _sources(sources)
    if (decision is None) == (log_index is None):
        raise DemandRefused(
            f"demand {demand.pk}: name the one act that satisfies it: a decision, or the log "
            "index of another act"
        )
    _text(note, "a note", required=False, field="note")
    entry: Entry | None = None
    if decision is not None:
        act: core_demand.Act = core_demand.Decision(
            decision.nationality.key, decision.destination, decision.via,  # type: ignore[arg-type]
            decision.free, decision.entry.recorded_at,
        )
        satisfied_by: dict[str, object] = {"decision": {
            "nationality": decision.nationality.key, "choice": decision.destination,
            "via": decision.via, "taken_on": decision.taken_on.isoformat(),
            "recognised_on": decision.recognised_on.isoformat() if decision.recognised_on
            else None,
            "log_index": decision.entry.index, "entry_sha256": _entry_sha256(decision.entry),
        }}
    else:
        entry = Entry.objects.filter(index=log_index).first()
        if entry is None:
            raise DemandRefused(
                f"demand {demand.pk}: no log entry with index {log_index} (an act is in the log "
                "once it is integrated)"
            )
        act = core_demand.LoggedAct(entry.index or 0, entry.kind, entry.recorded_at,
                                    entry.subject)
        satisfied_by = {"entry": {"log_index": entry.index, "kind": entry.kind,
                                  "subject": entry.subject, "entry_sha256": _entry_sha256(entry)}}
    try:
        moved = core_demand.satisfy(_core(demand), act, at or timezone.now())
    except core_demand.DemandError as refused:
        raise DemandRefused(f"demand {demand.pk}: {refused}") from None
    demand.satisfied_by_decision, demand.satisfied_by_entry = decision, entry
    _record_step(demand, moved, note=note, sources=sources, satisfied_by=satisfied_by)
    return demand

