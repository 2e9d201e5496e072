"""Writes of the self-determination app: recording a nationality's decision.

A decision is a public act with its log entry. Whether it was free is decided here, once, from
the occupations in force on the day it was taken (the core's rule, `Register.occupation_during`)
and recorded with it, so the page, the API, the log and the terms validator all say the same.
Recording one sends `decision_recorded` in the same transaction, so that what depends on the
decisions (the findings on the treaties' clauses) changes with it or not at all.
"""

from __future__ import annotations

import datetime as dt

import django.dispatch
from django.db import transaction

from openpeace.core import terms
from openpeace.log.services import entry_append
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.selectors import terms_register
from openpeace.world.models import Nationality, Occupation, State

decision_recorded = django.dispatch.Signal()
"""Sent with `decision=` inside the recording transaction, after the decision is written."""


class DecisionRefused(ValueError):
    """A decision that cannot be recorded; the message says why, nothing was written."""


def _check(
    *, joins: State | None, via: str, taken_on: dt.date, recognised_on: dt.date | None,
    recognised_by: State | None, source: str,
) -> None:
    if via not in Decision.Via.values:
        raise DecisionRefused(f"via must be one of {', '.join(Decision.Via.values)}, not {via!r}")
    if not source.strip():
        raise DecisionRefused("a decision must cite its source")
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


@transaction.atomic
def decision_record(
    *, nationality: Nationality, joins: State | None, via: str, taken_on: dt.date,
    source: str, source_url: str = "", recognised_on: dt.date | None = None,
    recognised_by: State | None = None, at: dt.datetime | None = None,
) -> Decision:
    """Record a decision: `joins` is the state it decided to join, None for a separate state."""
    _check(joins=joins, via=via, taken_on=taken_on, recognised_on=recognised_on,
           recognised_by=recognised_by, source=source)
    choice = terms.SEPARATE_STATE if joins is None else joins.key
    core_decision = terms.Decision(nationality.key, choice, via, taken_on, source)  # type: ignore[arg-type]
    register = terms_register()
    occupation = register.occupation_during(core_decision)
    try:
        _contradiction(register, core_decision, occupation is None)
    except ValueError as error:
        raise DecisionRefused(str(error)) from None
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


def _contradiction(register: terms.Register, decision: terms.Decision, free: bool) -> None:
    """Two free decisions of one nationality on one day must agree: the register must say
    which stands (`terms.Register` refuses to choose)."""
    if not free:
        return
    latest = register.free_decision(decision.nationality)
    if latest is not None and latest.taken_on == decision.taken_on and (
        latest.choice != decision.choice
    ):
        raise ValueError(
            f"the {decision.nationality} already decided otherwise on {decision.taken_on} "
            f"({latest.choice}): record which decision stands, not both"
        )
