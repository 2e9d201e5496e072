"""Self-determination in the 1917 replay: the nationalities' demands and decisions, in the order
they happened.

The source text asks to "satisfy the demands of the Ukrainians and the Finns". The demands are
historical records (src/openpeace/situations/1917-11-demands.yaml, docs/demands-format.md):

- `demands_replay_1917` files each through a commission of its nationality and plays its steps
  as far as the register allows: a step satisfied by a decision waits until that decision is
  recorded.
- `decisions_replay_1917` records Finland's decision: its parliament declared independence on
  6 December 1917, and the Council of People's Commissars recognised it on 31 December 1917
  (shared/research/history-1917.md). Then it plays the steps that waited for it: the Senate's
  request for recognition is satisfied.

`openpeace demo replay-1917` calls them in that order, so the log shows what happened in the
order it happened: the Finnish request filed, the declaration recognised, the request
satisfied. Called the other way round, the outcome is the same, and the log's order is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from openpeace.selfdetermination import services
from openpeace.selfdetermination.demand_file import demands_read, taken_on, when
from openpeace.selfdetermination.models import Commission, Decision, Demand
from openpeace.world.models import Nationality, State

PETROGRAD = dt.timezone(dt.timedelta(hours=3))

Say = Callable[[str], None]


@transaction.atomic
def demands_replay_1917(say: Say = print, path: Path | None = None) -> list[Demand]:
    """File the demands of the file (by default the 1917 one), each through a commission of its
    nationality, and take their steps as far as the register allows, all in time order."""
    return _play(demands_read(path or settings.OPENPEACE_DEFAULT_DEMANDS), say, filing=True)


@transaction.atomic
def decisions_replay_1917(say: Say = print) -> list[Decision]:
    russia = State.objects.get(key="russia")
    finland = services.decision_record(
        nationality=Nationality.objects.get(key="finns"), joins=None,
        via=Decision.Via.DECLARATION, taken_on=dt.date(1917, 12, 6),
        recognised_on=dt.date(1917, 12, 31), recognised_by=russia,
        source="Declaration of Independence of the Parliament of Finland, 6 December 1917; "
        "recognised by the Council of People's Commissars of the Russian Soviet Republic, "
        "31 December 1917",
        source_url="https://en.wikipedia.org/wiki/Finnish_Declaration_of_Independence",
        at=dt.datetime(1917, 12, 31, 23, 0, tzinfo=PETROGRAD),
    )
    say("Finland's declaration of independence of 6 December is recognised on 31 December 1917")
    if Demand.objects.exists():  # the demands were filed first: take the steps that waited
        _play(demands_read(settings.OPENPEACE_DEFAULT_DEMANDS), say, filing=False)
    return [finland]


Event = tuple[dt.datetime, int, int]
"""When, which demand of the file, which step (0: its filing)."""


def _timeline(document: dict[str, Any]) -> list[Event]:
    """Every filing and step of the file, in time order (a file's order breaks ties)."""
    events: list[Event] = []
    for i, item in enumerate(document["demands"]):
        events.append((_when(item["filed_at"]), i, 0))
        events += [(_when(step["at"]), i, j)
                   for j, step in enumerate(item.get("steps", []), start=1)]
    return sorted(events)


def _when(text: str) -> dt.datetime:
    moment = when(text)
    assert moment is not None, "a checked file has real times"
    return moment


def _filed(item: dict[str, Any]) -> Demand | None:
    return Demand.objects.filter(
        nationality__key=item["nationality"], kind=item["kind"],
        filed_at=_when(item["filed_at"]), commission__label=item["commission"],
    ).first()


def _play(document: dict[str, Any], say: Say, *, filing: bool) -> list[Demand]:
    """Take every filing (if `filing`) and step of the file not yet taken, in time order; a
    demand whose satisfaction waits for a decision not yet recorded stops there."""
    items = document["demands"]
    demands: dict[int, Demand | None] = {i: _filed(item) for i, item in enumerate(items)}
    commissions: dict[tuple[str, str], Commission] = {}
    waiting: set[int] = set()
    for at, i, j in _timeline(document):
        item, demand = items[i], demands[i]
        if j == 0:
            if demand is None and filing:
                demands[i] = _file(item, at, commissions, say)
            continue
        if demand is None or i in waiting or j < demand.steps.count():
            continue  # not filed, waiting, or taken already (the filing is step 0)
        if not _step(demand, item["steps"][j - 1], say):
            waiting.add(i)
    return [d for d in demands.values() if d is not None]


def _file(item: dict[str, Any], at: dt.datetime,
          commissions: dict[tuple[str, str], Commission], say: Say) -> Demand:
    nationality = Nationality.objects.get(key=item["nationality"])
    key = (nationality.key, item["commission"])
    if key not in commissions:
        commissions[key] = Commission.objects.filter(
            nationality=nationality, label=item["commission"], revoked_at__isnull=True,
        ).first() or services.commission_issue(
            nationality=nationality, label=item["commission"]).commission
    commission = commissions[key]
    demand = services.demand_file(
        commission=commission, nationality=nationality, kind=item["kind"], text=item["text"],
        acts_asked=item["acts_asked"], language=item.get("language", "en"),
        sources=item["sources"], at=at,
    )
    say(f"{commission.label} files demand {demand.pk} ({demand.kind}) on {at:%d %B %Y}")
    return demand


def _step(demand: Demand, step: dict[str, Any], say: Say) -> bool:
    """Take one step of the file; False if it must wait for its decision."""
    at, status = _when(step["at"]), step["status"]
    common: dict[str, Any] = {"demand": demand, "sources": step["sources"], "at": at}
    if status == "acknowledged":
        services.demand_acknowledge(note=step["note"], **common)
    elif status == "in_progress":
        services.demand_begin(note=step["note"], **common)
    elif status == "refused":
        services.demand_refuse(reasons=step["note"], **common)
    else:
        day = taken_on(step)
        decision = None if day is None else (
            Decision.objects.filter(nationality=demand.nationality, taken_on=day)
            .order_by("-pk").first())
        if decision is None:
            return False
        services.demand_satisfy(decision=decision, note=step["note"], **common)
    say(f"demand {demand.pk} ({demand.kind}) is {status.replace('_', ' ')} on {at:%d %B %Y}")
    return True
