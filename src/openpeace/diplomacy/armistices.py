"""Armistices and negotiations as public acts, each with its log entry.

The calendar (`core.armistice`) validates an agreement before it is recorded and answers the
questions its page shows: is it in force today, when does it expire, what is the last day to
denounce it. It also says when an armistice has ended (its term, or a denunciation's notice,
run out: "giving seven days' notice of resumption of military actions", in 1917's words), and
then the war has resumed with its parties: their processes leave `armistice_in_force` for
`armistice_ended` (`offer_apply_armistice_ends`, which `openpeace apply-deadlines` runs, and at
once when an armistice or a denunciation is recorded after that end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpeace.core import armistice as calendar
from openpeace.core import process as rules
from openpeace.core.documents import json_type
from openpeace.core.geometry import demarcation_problems
from openpeace.core.text import text_problem
from openpeace.diplomacy.models import Armistice, Breach, Denunciation, NegotiationSession, Offer
from openpeace.diplomacy.process import process_of, status_log, transition_apply
from openpeace.log.services import entry_append
from openpeace.refusals import Refused
from openpeace.world.models import State


class ArmisticeRefused(Refused):
    """An armistice, denunciation or session that cannot be recorded; nothing changed.

    `field` names the input the refusal is about, when it is one, so a form shows it there.
    """


@contextmanager
def _refused() -> Iterator[None]:
    """What the calendar or the process rules refuse is the act's refusal (the transaction rolls
    back: nothing is recorded)."""
    try:
        yield
    except (calendar.ArmisticeError, rules.ProcessError) as error:
        raise ArmisticeRefused(str(error)) from None


def _calendar(
    parties: list[str], signed_on: dt.date, effective_on: dt.date, term_count: int,
    term_unit: str, renewal: str, renewal_count: int | None, renewal_unit: str,
    notice_days: int | None,
) -> calendar.Armistice:
    """The agreement as the calendar sees it; raises `ArmisticeError` for an impossible one."""
    rule: calendar.Renewal | None = None
    if renewal == Armistice.Renewal.RENEWED_FOR:
        rule = calendar.RenewedFor(
            calendar.Term(renewal_count or 0, renewal_unit),  # type: ignore[arg-type]
            notice_days or 0,
        )
    elif renewal == Armistice.Renewal.CONTINUED:
        rule = calendar.ContinuedUntilDenounced(notice_days or 0)
    return calendar.Armistice(
        parties=tuple(sorted(parties)),
        signed_on=signed_on,
        effective_on=effective_on,
        term=calendar.Term(term_count, term_unit),  # type: ignore[arg-type]
        renewal=rule,
    )


def calendar_of(armistice: Armistice) -> calendar.Armistice:
    return _calendar(
        [p.key for p in armistice.parties.all()], armistice.signed_on, armistice.effective_on,
        armistice.term_count, armistice.term_unit, armistice.renewal, armistice.renewal_count,
        armistice.renewal_unit, armistice.notice_days,
    )


@dataclass(frozen=True)
class ArmisticeToday:
    in_force: bool
    expires_on: dt.date | None
    last_day_to_denounce: dt.date | None


def _denunciations(armistice: Armistice) -> list[calendar.Denunciation]:
    return [calendar.Denunciation(d.party.key, d.on) for d in armistice.denunciations.all()]


def armistice_today(armistice: Armistice, today: dt.date | None = None) -> ArmisticeToday:
    day = today or timezone.localdate()
    agreement = calendar_of(armistice)
    denounced = _denunciations(armistice)
    return ArmisticeToday(
        in_force=calendar.in_force(agreement, day, denounced),
        expires_on=calendar.expires_on(agreement, day, denounced),
        last_day_to_denounce=calendar.last_day_to_denounce(agreement, day, denounced),
    )


def _check_under_offer(offer: Offer, parties: list[State], signed_on: dt.date,
                       at: dt.datetime) -> None:
    """An armistice under the offer answers it: signed by the proposing state and at least one
    addressee, after the release and not after the day it is recorded."""
    keys = {party.key for party in parties}
    addressed = set(offer.addressees.values_list("key", flat=True))
    proposer = offer.proposing_state.key
    if proposer not in keys or not keys & addressed:
        raise ArmisticeRefused(f"an armistice under the offer {offer.key!r} is signed by its "
                               f"proposing state ({proposer}) and at least one state it was "
                               "addressed to")
    if strangers := sorted(keys - addressed - {proposer}):
        raise ArmisticeRefused(f"{', '.join(strangers)}: not addressed by the offer "
                               f"{offer.key!r}, so not a party to an armistice under it")
    released_on = timezone.localdate(offer.released_at)
    if not released_on <= signed_on <= timezone.localdate(at):
        raise ArmisticeRefused(f"an armistice under the offer is signed between its release "
                               f"({released_on}) and the day it is recorded "
                               f"({timezone.localdate(at)}), not on {signed_on}")


def _check_text(text: str, what: str, field: str, *, required: bool = True,
                blank: str = "") -> None:
    """A text published with the act is a public text (`core.text`), or it is refused at its
    field; an optional one may be empty."""
    if problem := text_problem(text, what, required=required, blank=blank):
        raise ArmisticeRefused(problem, field=field)


SHOWN_PROBLEMS = 10
"""A refusal names this many problems of a demarcation at most, and counts the rest."""


def _check_demarcation(geometry: object) -> None:
    """A demarcation line drawn is published as given and drawn on maps: it is a line or an area
    in WGS 84 (`core.geometry.demarcation_problems`), or it is refused at its field."""
    if geometry is None:
        return
    if problems := demarcation_problems(geometry, at="demarcation_geometry"):
        shown = "; ".join(str(p) for p in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        raise ArmisticeRefused(
            f"the demarcation line cannot be recorded: {shown}"
            + (f"; and {more} more problem(s)" if more > 0 else ""),
            field="demarcation_geometry",
        )


@transaction.atomic
def armistice_record(
    *, offer: Offer, parties: list[State], signed_on: dt.date, effective_on: dt.date,
    term_count: int, term_unit: str, renewal: str = Armistice.Renewal.NONE,
    renewal_count: int | None = None, renewal_unit: str = "", notice_days: int | None = None,
    demarcation: str = "", demarcation_geometry: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Armistice:
    """Record a signed armistice; each addressed party's process becomes `armistice_in_force`,
    and `armistice_ended` at once if the armistice had already ended when it is recorded."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.released_at is None:
        raise ArmisticeRefused(f"the offer {offer.key!r} has not been released")
    with _refused():
        _calendar([p.key for p in parties], signed_on, effective_on, term_count, term_unit,
                  renewal, renewal_count, renewal_unit, notice_days)
    _check_text(demarcation, "the demarcation line in words", "demarcation", required=False)
    _check_demarcation(demarcation_geometry)
    at = at or timezone.now()
    _check_under_offer(offer, parties, signed_on, at)
    with _refused():
        _armistice_ends_record(offer, at)  # an earlier armistice that has ended holds no more
    entry = entry_append(
        kind="armistice.recorded", subject=f"offer:{offer.key}", at=at,
        content={
            "offer": offer.key, "parties": sorted(p.key for p in parties),
            "signed_on": signed_on.isoformat(), "effective_on": effective_on.isoformat(),
            "term": {"count": term_count, "unit": term_unit},
            "renewal": {"rule": renewal, "count": renewal_count, "unit": renewal_unit or None,
                        "notice_days": notice_days},
            "demarcation": demarcation, "demarcation_geometry": demarcation_geometry,
        },
    )
    armistice = Armistice.objects.create(
        offer=offer, signed_on=signed_on, effective_on=effective_on, term_count=term_count,
        term_unit=term_unit, renewal=renewal, renewal_count=renewal_count,
        renewal_unit=renewal_unit, notice_days=notice_days, demarcation=demarcation,
        demarcation_geometry=demarcation_geometry, entry=entry,
    )
    armistice.parties.set(parties)
    with _refused():
        _signatures_apply(offer, parties, at)
        _armistice_ends_record(offer, at)  # nor this one, if it ended before it was recorded
    status_log(offer, at)
    return armistice


def _signatures_apply(offer: Offer, parties: list[State], at: dt.datetime) -> None:
    """Each addressed party's process: `signs_armistice` (the proposing state has none)."""
    process = process_of(offer)
    for party in parties:
        if party.key in process.states:
            transition_apply(offer, process.transition(party.key, "signs_armistice", at))


def _ended_on(armistice: Armistice) -> dt.date | None:
    """The last day `armistice` was or will be in force, as its denunciations fix it."""
    return calendar.ends_on(calendar_of(armistice), _denunciations(armistice))


def _armistice_ends_record(offer: Offer, at: dt.datetime) -> int:
    """Record `armistice_ends`, each with its entry, for every party whose process is
    `armistice_in_force` and whose every armistice under the offer ended before `at`'s day.

    A party that another armistice of the offer still covers (in force, or signed and yet to
    come into force) keeps its truce. Returns how many processes it moved: none when run again.
    """
    today = timezone.localdate(at)
    covered: set[str] = set()
    last: dict[str, tuple[dt.date, Armistice]] = {}  # each party's latest ended armistice
    for armistice in offer.armistices.select_related("entry").prefetch_related(
        "parties", "denunciations__party"
    ):
        end = _ended_on(armistice)
        for key in (party.key for party in armistice.parties.all()):
            if end is None or end >= today:
                covered.add(key)
            elif key not in last or last[key][0] < end:
                last[key] = (end, armistice)
    process = process_of(offer)
    ended = [
        (key, end, armistice) for key, (end, armistice) in sorted(last.items())
        if key not in covered and key in process.states
        and process.states[key].stage == "armistice_in_force"
    ]
    for key, end, armistice in ended:
        transition = process.transition(key, "armistice_ends", at)
        transition_apply(offer, transition)
        entry_append(
            kind="armistice.ended", subject=f"offer:{offer.key}:{key}", at=at,
            content={"offer": offer.key, "state": key, "armistice": armistice.entry.pk,
                     "ended_on": end.isoformat(),
                     "stage": {"from": transition.before, "to": transition.after}},
        )
    return len(ended)


@transaction.atomic
def offer_apply_armistice_ends(*, offer: Offer, now: dt.datetime | None = None) -> int:
    """Record the end of the truce with every party whose armistices under the offer have all
    ended before today, and the overall status that follows; idempotent.

    Returns how many processes left `armistice_in_force`. Safe to run twice, or from a schedule
    at any interval (`openpeace apply-deadlines`). Raises `ProcessError` or `ArmisticeError`
    for an offer whose rows the rules cannot read.
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.released_at is None:
        return 0
    at = now or timezone.now()
    ended = _armistice_ends_record(offer, at)
    status_log(offer, at)
    return ended


def _check_by_a_party(armistice: Armistice, party: State, on: dt.date, act: str) -> None:
    """A denunciation or a breach is a party's, on a day between the signing and today."""
    if not armistice.parties.filter(pk=party.pk).exists():
        raise ArmisticeRefused(f"{party.name} is not a party to this armistice")
    today = timezone.localdate()
    if not armistice.signed_on <= on <= today:
        raise ArmisticeRefused(f"{act} is dated between the signing ({armistice.signed_on}) "
                               f"and today ({today}), not {on}")


@transaction.atomic
def denunciation_record(*, armistice: Armistice, party: State, on: dt.date) -> Denunciation:
    """Record a party's denunciation; if the notice it gave has already run out (a denunciation
    recorded late), the truce with the armistice's parties ends in the same act."""
    offer = Offer.objects.select_for_update().get(pk=armistice.offer_id)
    _check_by_a_party(armistice, party, on, "a denunciation")
    at = timezone.now()
    entry = entry_append(
        kind="armistice.denounced", subject=f"offer:{offer.key}", at=at,
        content={"armistice": armistice.entry.pk, "party": party.key, "on": on.isoformat()},
    )
    denunciation = Denunciation.objects.create(
        armistice=armistice, party=party, on=on, entry=entry
    )
    with _refused():
        calendar.ends_on_denunciation(
            calendar_of(armistice), calendar.Denunciation(party.key, on)
        )
        _armistice_ends_record(offer, at)
    status_log(offer, at)
    return denunciation


@transaction.atomic
def breach_report(
    *, armistice: Armistice, reported_by: State, on: dt.date, description: str
) -> Breach:
    _check_by_a_party(armistice, reported_by, on, "a breach")
    _check_text(description, "the description of a breach", "description",
                blank="a breach is reported with a description of what happened")
    entry = entry_append(
        kind="armistice.breach_reported", subject=f"offer:{armistice.offer.key}",
        content={"armistice": armistice.entry.pk, "reported_by": reported_by.key,
                 "on": on.isoformat(), "description": description},
    )
    return Breach.objects.create(
        armistice=armistice, reported_by=reported_by, on=on, description=description, entry=entry
    )


DELEGATION_SHAPE = '{"state": KEY, "members": [NAME, ...]}'


def delegations_problems(delegations: object) -> list[str]:
    """Every problem of a session's delegations, each at its path; none if they are a
    non-empty list of `{"state": <a registered state's key>, "members": [<names>]}`.

    They are published as recorded and read back by the API, the pages and the feeds, so a
    delegation of another shape, or of a state the register does not know, is refused here
    rather than left for every reader to stumble on.
    """
    if not isinstance(delegations, list):
        return [f"delegations: a list of delegations, each {DELEGATION_SHAPE}, "
                f"not {json_type(delegations)}"]
    if not delegations:
        return ["delegations: a session has at least one delegation"]
    registered = set(State.objects.filter(
        key__in=[d["state"] for d in delegations if isinstance(d, dict)
                 and isinstance(d.get("state"), str)]
    ).values_list("key", flat=True))
    problems = []
    for i, delegation in enumerate(delegations):
        at = f"delegations[{i}]"
        if not isinstance(delegation, dict):
            problems.append(f"{at}: a delegation is {DELEGATION_SHAPE}, "
                            f"not {json_type(delegation)}")
            continue
        if unknown := sorted(set(delegation) - {"state", "members"}):
            problems.append(f"{at}: unknown field(s) {', '.join(map(repr, unknown))}; "
                            f"a delegation is {DELEGATION_SHAPE}")
        if "state" not in delegation:
            problems.append(f"{at}.state: missing; the key of a registered state")
        elif not isinstance(state := delegation["state"], str):
            problems.append(f"{at}.state: the key of a registered state, not {json_type(state)}")
        elif state not in registered:
            problems.append(f"{at}.state: no registered state with key {state!r}")
        members = delegation.get("members")
        if "members" not in delegation:
            problems.append(f"{at}.members: missing; a non-empty list of names")
        elif not isinstance(members, list) or not members:
            given = "an empty array" if members == [] else json_type(members)
            problems.append(f"{at}.members: a non-empty list of names, not {given}")
        else:
            for j, member in enumerate(members):
                if not isinstance(member, str):
                    problems.append(f"{at}.members[{j}]: a name, not {json_type(member)}")
                elif problem := text_problem(member, "a name"):
                    problems.append(f"{at}.members[{j}]: {problem}")
    return problems


@transaction.atomic
def session_record(
    *, offer: Offer, place: str, opened_on: dt.date, record: str,
    delegations: object, closed_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> NegotiationSession:
    """Publish a session of the negotiations and its record (a log entry).

    A session happens under a released offer, between its release and the day it is recorded
    (`at`, when a past one is replayed): a session dated outside that span never took place.
    """
    if offer.released_at is None:
        raise ArmisticeRefused(f"the offer {offer.key!r} has not been released")
    released_on = timezone.localdate(offer.released_at)
    today = timezone.localdate(at) if at else timezone.localdate()
    if opened_on < released_on:
        raise ArmisticeRefused(
            f"a session cannot open ({opened_on}) before the offer was released "
            f"({released_on})", field="opened_on",
        )
    for day, name, field in [(opened_on, "open", "opened_on"), (closed_on, "close", "closed_on")]:
        if day is not None and day > today:
            raise ArmisticeRefused(
                f"a session is published once held: it cannot {name} in the future ({day}, "
                f"after {today})", field=field,
            )
    if closed_on is not None and closed_on < opened_on:
        raise ArmisticeRefused(
            f"a session cannot close ({closed_on}) before it opens ({opened_on})",
            field="closed_on",
        )
    _check_text(place, "the place of a session", "place",
                blank="a session is published with its place")
    _check_text(record, "the record of a session", "record",
                blank="a session is published with its record")
    if problems := delegations_problems(delegations):
        raise ArmisticeRefused(
            "the delegations cannot be recorded: " + "; ".join(problems), field="delegations"
        )
    entry = entry_append(
        kind="negotiation.session", subject=f"offer:{offer.key}", at=at,
        content={"offer": offer.key, "place": place, "opened_on": opened_on.isoformat(),
                 "closed_on": closed_on.isoformat() if closed_on else None,
                 "delegations": delegations, "record": record},
    )
    return NegotiationSession.objects.create(
        offer=offer, place=place, opened_on=opened_on, closed_on=closed_on,
        delegations=delegations, record=record, entry=entry,
    )
