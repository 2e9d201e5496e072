"""The armistice calendar: is an armistice in force on a day, when does it expire, until when can
it be denounced.

The source text asks for "an immediate armistice (even if only for three months)", so a term is
counted in days or in calendar months, and an armistice may be renewed. The model is the
armistice signed at Brest-Litovsk on 15 December 1917, article I: "The armistice begins at
14 o'clock, December 17, 1917, and extends to 14 o'clock, January 14, 1918. The contracting
parties have the right, beginning with the twenty-first day of the armistice, to denounce it,
giving seven days' notice of resumption of military actions. If not denounced, the armistice is
automatically prolonged until one of the parties denounces it with seven days' notice."

Days. The calendar counts whole days, not hours. Like that armistice (a term of 28 days, from
the afternoon of 17 December to the afternoon of 14 January), a term runs from its effective day
to the same hour a term later: the expiry is the effective day plus the term, and the armistice
is in force on every day from the effective day to the expiry, both included. A renewal period
starts on the expiry day of the period before it, so the periods join without a gap.

Months. Adding months keeps the day of the month and clamps it to the last day of a shorter
month: 31 January + 1 month is 28 February (29 in a leap year), 31 January + 3 months is
30 April, 29 February + 12 months is 28 February. Months are never chained: the n-th expiry of
an armistice whose term and renewals are in months is the effective day plus all their months in
one step, so monthly renewals from 31 January expire on 29 February, 31 March, 30 April, not
drifting to the 29th. (Renewals in months after a term in days are counted the same way from the
first expiry.)

Renewal rules:
- none (`renewal=None`): the armistice ends at the expiry of its term; a denunciation changes
  nothing.
- `RenewedFor(term, notice_days)`: at each expiry the armistice is renewed for `term` unless a
  party denounced it at least `notice_days` days before that expiry. The last day to denounce a
  period is its expiry minus the notice; a denunciation on or before it ends the armistice at
  that period's expiry, a later one at the expiry of the first period whose last day to denounce
  is still to come (the next one, when the notice fits in a period).
- `ContinuedUntilDenounced(notice_days)`, the 1917 rule: a denunciation on or before the term's
  last day to denounce (14 January - 7 days = 7 January 1918, "the twenty-first day") ends the
  armistice at the term's expiry; otherwise the armistice continues after its term and ends
  `notice_days` days after it is denounced. Simplified: a denunciation before the twenty-first
  day, which the 1917 text does not provide for, counts as given on the last day to denounce (it
  ends the armistice at the term's expiry, never earlier).

The notice must fit in every period: no longer than the first period, nor than the shortest span
a renewal term can take (one month can be as short as 28 days).

When the armistice ends is fixed by its term without renewal, or by the denunciation that ends
it first; a denunciation is made by one of its parties, on or after the day it was signed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Literal

Unit = Literal["days", "months"]

_CYCLE_MONTHS = 4800  # the Gregorian calendar repeats itself every 400 years...
_CYCLE_DAYS = 146_097  # ...of this many days


class ArmisticeError(ValueError):
    """An armistice, a renewal rule, a denunciation or a date the calendar cannot accept."""


def _beyond(day: dt.date, what: str) -> ArmisticeError:
    return ArmisticeError(
        f"{what} from {day.isoformat()} falls beyond the last day the calendar can count"
        f" ({dt.date.max.isoformat()})"
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, the day of the month clamped to the month's last."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _beyond(day, f"{months} months")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@cache
def _month_starts() -> tuple[int, ...]:
    """Day numbers of the first days of two 400-year cycles of months, from January 2000."""
    return tuple(
        accumulate(
            (calendar.monthrange(2000 + i // 12, i % 12 + 1)[1] for i in range(2 * _CYCLE_MONTHS)),
            initial=0,
        )
    )


@cache
def _shortest_span(months: int) -> int:
    """The fewest days that `months` calendar months can span, whatever the day they start on.

    A span clamped at its end (31 January to 28 February) is never shorter than the whole months
    it starts or ends with, so the shortest span is the shortest run of whole months in a cycle.
    """
    cycles, rest = divmod(months, _CYCLE_MONTHS)
    starts = _month_starts()
    return cycles * _CYCLE_DAYS + min(starts[i + rest] - starts[i] for i in range(_CYCLE_MONTHS))


@dataclass(frozen=True)
class Term:
    """A length of time in whole days or whole calendar months, at least one."""

    count: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in ("days", "months"):
            raise ArmisticeError(f"a term is counted in days or months, not in {self.unit!r}")
        if self.count < 1:
            raise ArmisticeError(f"a term must be at least one {self.unit[:-1]}, not {self}")

    @classmethod
    def days(cls, count: int) -> Term:
        return cls(count, "days")

    @classmethod
    def months(cls, count: int) -> Term:
        return cls(count, "months")

    def __str__(self) -> str:
        return f"{self.count} {self.unit[:-1] if self.count == 1 else self.unit}"

    def after(self, day: dt.date) -> dt.date:
        """The day this term after `day` (months clamped to the month's last day)."""
        if self.unit == "months":
            return add_months(day, self.count)
        try:
            return day + dt.timedelta(days=self.count)
        except OverflowError:
            raise _beyond(day, str(self)) from None

    def shortest_days(self) -> int:
        """The fewest days this term can span: 28 for one month, 89 for three."""
        return self.count if self.unit == "days" else _shortest_span(self.count)


def _check_notice(notice_days: int) -> None:
    if notice_days < 0:
        raise ArmisticeError(f"a notice is zero days or more, not {notice_days}")


@dataclass(frozen=True)
class RenewedFor:
    """Renewed for `term` at each expiry unless denounced `notice_days` days before it."""

    term: Term
    notice_days: int

    def __post_init__(self) -> None:
        _check_notice(self.notice_days)
        if self.notice_days > self.term.shortest_days():
            raise ArmisticeError(
                f"a notice of {self.notice_days} days is longer than a renewal period of"
                f" {self.term} can be ({self.term.shortest_days()} days)"
            )


@dataclass(frozen=True)
class ContinuedUntilDenounced:
    """After its term, in force until denounced; it then ends `notice_days` days later."""

    notice_days: int

    def __post_init__(self) -> None:
        _check_notice(self.notice_days)


Renewal = RenewedFor | ContinuedUntilDenounced


@dataclass(frozen=True)
class Denunciation:
    """A party's notice, given on a day, that it ends the armistice."""

    party: str
    on: dt.date


@dataclass(frozen=True)
class Period:
    """One stretch of an armistice, `start` to `end` both included.

    `end` is None for the open continuation of a `ContinuedUntilDenounced` armistice that no one
    has denounced; `last_day_to_denounce` is None where no denunciation can end the period at its
    end (no renewal, or that open continuation).
    """

    start: dt.date
    end: dt.date | None
    last_day_to_denounce: dt.date | None


@dataclass(frozen=True)
class Armistice:
    """An armistice agreement as the calendar sees it: who, signed and effective when, how long,
    and how it is renewed."""

    parties: tuple[str, ...]
    signed_on: dt.date
    effective_on: dt.date
    term: Term
    renewal: Renewal | None = None

    def __post_init__(self) -> None:
        if len(set(self.parties)) < 2 or len(set(self.parties)) != len(self.parties):
            raise ArmisticeError(
                f"an armistice has at least two different parties, not {list(self.parties)}"
            )
        if not all(self.parties):
            raise ArmisticeError("a party's key must not be empty")
        if self.effective_on < self.signed_on:
            raise ArmisticeError(
                f"an armistice cannot come into force ({self.effective_on.isoformat()}) before"
                f" it is signed ({self.signed_on.isoformat()})"
            )
        first = (self.term.after(self.effective_on) - self.effective_on).days
        if self.renewal is not None and self.renewal.notice_days > first:
            raise ArmisticeError(
                f"a notice of {self.renewal.notice_days} days is longer than the first period"
                f" ({self.term}, {first} days from {self.effective_on.isoformat()})"
            )

    @property
    def first_expiry(self) -> dt.date:
        """The expiry of the term, before any renewal."""
        return self.term.after(self.effective_on)


def _expiry_or_none(armistice: Armistice, index: int) -> dt.date | None:
    """The expiry of period `index` (0 the term, 1, 2, ... its renewals), None past the calendar."""
    if index == 0:
        return armistice.first_expiry
    assert isinstance(armistice.renewal, RenewedFor)
    renewal = armistice.renewal.term
    try:
        if renewal.unit == "days":
            return armistice.first_expiry + dt.timedelta(days=index * renewal.count)
        if armistice.term.unit == "months":
            return add_months(armistice.effective_on, armistice.term.count + index * renewal.count)
        return add_months(armistice.first_expiry, index * renewal.count)
    except (OverflowError, ArmisticeError):
        return None


def _expiry(armistice: Armistice, index: int) -> dt.date:
    found = _expiry_or_none(armistice, index)
    if found is None:
        raise _beyond(armistice.effective_on, f"renewal {index}")
    return found


def _first_expiry_on_or_after(armistice: Armistice, day: dt.date) -> dt.date:
    """The expiry of the first period that expires on or after `day` (a binary search)."""

    def reaches(index: int) -> bool:
        found = _expiry_or_none(armistice, index)
        return found is None or found >= day

    low, high = -1, 1
    while not reaches(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle, high)
    return _expiry(armistice, high)


def _notice(armistice: Armistice) -> dt.timedelta:
    assert armistice.renewal is not None
    return dt.timedelta(days=armistice.renewal.notice_days)


def _plus(day: dt.date, delta: dt.timedelta) -> dt.date:
    try:
        return day + delta
    except OverflowError:
        raise _beyond(day, f"{delta.days} days") from None


def _checked(armistice: Armistice, denunciations: Iterable[Denunciation]) -> list[Denunciation]:
    denunciations = list(denunciations)
    for denunciation in denunciations:
        _check(armistice, denunciation)
    return denunciations


def _check(armistice: Armistice, denunciation: Denunciation) -> None:
    if denunciation.party not in armistice.parties:
        raise ArmisticeError(
            f"{denunciation.party!r} is not a party to the armistice, so cannot denounce it"
        )
    if denunciation.on < armistice.signed_on:
        raise ArmisticeError(
            f"a denunciation on {denunciation.on.isoformat()} comes before the armistice was"
            f" signed ({armistice.signed_on.isoformat()})"
        )


def ends_on_denunciation(armistice: Armistice, denunciation: Denunciation) -> dt.date:
    """The day `armistice` ends if `denunciation` is the only one made."""
    _check(armistice, denunciation)
    renewal = armistice.renewal
    if renewal is None:
        return armistice.first_expiry
    target = _plus(denunciation.on, _notice(armistice))
    if isinstance(renewal, ContinuedUntilDenounced):
        return max(armistice.first_expiry, target)
    return _first_expiry_on_or_after(armistice, target)


def _end(armistice: Armistice, denunciations: Iterable[Denunciation]) -> dt.date | None:
    ends = [ends_on_denunciation(armistice, d) for d in denunciations]
    if armistice.renewal is None:
        ends.append(armistice.first_expiry)
    return min(ends, default=None)


def ends_on(armistice: Armistice, denunciations: Iterable[Denunciation] = ()) -> dt.date | None:
    """The last day `armistice` is in force: the expiry of its term without renewal, or the end
    fixed by the denunciation that ends it first. None while nothing has fixed it (renewed, or
    continued, until a party denounces it). From the next day the war has resumed."""
    return _end(armistice, denunciations)


def in_force(
    armistice: Armistice, day: dt.date, denunciations: Iterable[Denunciation] = ()
) -> bool:
    """Whether `armistice` is in force on `day`: from its effective day to its end, included."""
    end = _end(armistice, denunciations)
    return armistice.effective_on <= day and (end is None or day <= end)


def expires_on(
    armistice: Armistice, as_of: dt.date, denunciations: Iterable[Denunciation] = ()
) -> dt.date | None:
    """The day `armistice` expires, as things stand on `as_of`.

    It is the end fixed by the term without renewal or by a denunciation made on or before
    `as_of`; otherwise the expiry of the first period that a denunciation made on `as_of` could
    still end (past its last day to denounce, a period is sure to be renewed). None when the
    armistice continues until denounced and nothing has fixed its end.
    """
    end = _end(armistice, [d for d in _checked(armistice, denunciations) if d.on <= as_of])
    if end is not None or armistice.renewal is None:
        return end
    target = _plus(as_of, _notice(armistice))
    if isinstance(armistice.renewal, ContinuedUntilDenounced):
        return armistice.first_expiry if target <= armistice.first_expiry else None
    return _first_expiry_on_or_after(armistice, target)


def last_day_to_denounce(
    armistice: Armistice, as_of: dt.date, denunciations: Iterable[Denunciation] = ()
) -> dt.date | None:
    """The last day on which a denunciation ends `armistice` on `expires_on(..., as_of)`.

    None when there is nothing to denounce: no renewal, an end already fixed by a denunciation
    made on or before `as_of`, or an armistice continued until denounced (past its term's last
    day to denounce, any denunciation ends it `notice_days` days later).
    """
    made = [d for d in _checked(armistice, denunciations) if d.on <= as_of]
    if armistice.renewal is None or _end(armistice, made) is not None:
        return None
    expiry = expires_on(armistice, as_of)
    return None if expiry is None else expiry - _notice(armistice)


def periods(
    armistice: Armistice, until: dt.date, denunciations: Iterable[Denunciation] = ()
) -> tuple[Period, ...]:
    """The periods of `armistice` that start on or before `until` (the term always), in order,
    the last one being the final period if the armistice has ended by then."""
    end = _end(armistice, denunciations)
    renewal = armistice.renewal
    first_expiry = armistice.first_expiry
    if renewal is None:
        return (Period(armistice.effective_on, first_expiry, None),)
    notice = _notice(armistice)
    term = Period(armistice.effective_on, first_expiry, first_expiry - notice)
    if isinstance(renewal, ContinuedUntilDenounced):
        if end == first_expiry or until < first_expiry:
            return (term,)
        return term, Period(first_expiry, end, None)
    found = [term]
    expiry = first_expiry
    while expiry != end and expiry <= until:
        start, expiry = expiry, _expiry(armistice, len(found))
        found.append(Period(start, expiry, expiry - notice))
    return tuple(found)
