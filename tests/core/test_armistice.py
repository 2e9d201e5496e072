"""The armistice calendar: month ends, leap years, renewals and denunciations."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openpeace.core.armistice import (
    Armistice,
    ArmisticeError,
    ContinuedUntilDenounced,
    Denunciation,
    Period,
    Renewal,
    RenewedFor,
    Term,
    add_months,
    ends_on,
    ends_on_denunciation,
    expires_on,
    in_force,
    last_day_to_denounce,
    periods,
)

D = dt.date
DAY = dt.timedelta(days=1)
PARTIES = ("russia", "germany", "austria-hungary", "bulgaria", "ottoman-empire")

dates = st.dates(min_value=D(1800, 1, 1), max_value=D(2400, 12, 31))
month_ends = st.builds(
    lambda year, month: D(year, month, calendar.monthrange(year, month)[1]),
    st.integers(1800, 2400),
    st.integers(1, 12),
)
any_days = dates | month_ends | st.sampled_from([D(1896, 2, 29), D(2000, 2, 29), D(2024, 2, 29)])
terms = st.builds(Term.days, st.integers(1, 400)) | st.builds(Term.months, st.integers(1, 36))


@st.composite
def armistices(draw: st.DrawFn, rule: str | None = None) -> Armistice:
    """An armistice with any term, and a renewal rule of kind `rule` (any kind if None)."""
    signed = draw(any_days)
    effective = signed + draw(st.integers(0, 30)) * DAY
    term = draw(terms)
    first = (term.after(effective) - effective).days
    kind = rule or draw(st.sampled_from(["none", "renewed", "continued"]))
    renewal: Renewal | None = None
    if kind == "renewed":
        again = draw(terms)
        notice = draw(st.integers(0, min(first, again.shortest_days())))
        renewal = RenewedFor(again, notice)
    elif kind == "continued":
        renewal = ContinuedUntilDenounced(draw(st.integers(0, first)))
    return Armistice(PARTIES[:2], signed, effective, term, renewal)


def denunciations_of(armistice: Armistice, within: int) -> st.SearchStrategy[list[Denunciation]]:
    return st.lists(
        st.builds(
            Denunciation,
            st.sampled_from(armistice.parties),
            st.integers(0, within).map(lambda n: armistice.signed_on + n * DAY),
        ),
        max_size=3,
    )


def covered(found: tuple[Period, ...], day: dt.date) -> bool:
    return any(p.start <= day and (p.end is None or day <= p.end) for p in found)


# Month arithmetic ------------------------------------------------------------------------------


@given(day=any_days, months=st.integers(0, 1200))
def test_adding_months_keeps_the_day_or_clamps_it_to_the_month_end(
    day: dt.date, months: int
) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == min(day.day, calendar.monthrange(later.year, later.month)[1])
    assert add_months(day, months) < add_months(day, months + 1)


@given(year=st.integers(1800, 2396).filter(calendar.isleap), years=st.integers(1, 4))
def test_a_leap_day_plus_whole_years_is_a_leap_day_only_in_a_leap_year(
    year: int, years: int
) -> None:
    later = add_months(D(year, 2, 29), 12 * years)
    assert later == D(year + years, 2, 29 if calendar.isleap(year + years) else 28)


def test_month_ends_and_leap_years() -> None:
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert Term.months(3).after(D(2023, 1, 31)) == D(2023, 4, 30)
    assert Term.months(3).after(D(2023, 11, 30)) == D(2024, 2, 29)
    assert Term.months(12).after(D(2024, 2, 29)) == D(2025, 2, 28)
    assert Term.months(48).after(D(1896, 2, 29)) == D(1900, 2, 28)  # 1900 is not a leap year
    assert Term.days(28).after(D(1917, 12, 17)) == D(1918, 1, 14)
    assert [str(t) for t in (Term.days(1), Term.days(28), Term.months(1), Term.months(3))] == [
        "1 day",
        "28 days",
        "1 month",
        "3 months",
    ]


@given(term=terms, day=any_days)
def test_a_term_never_spans_fewer_days_than_its_shortest(term: Term, day: dt.date) -> None:
    assert (term.after(day) - day).days >= term.shortest_days()


def test_the_shortest_spans() -> None:
    assert [Term.months(n).shortest_days() for n in (1, 2, 3, 12, 48)] == [28, 59, 89, 365, 1460]
    assert (Term.months(1).after(D(2023, 1, 31)) - D(2023, 1, 31)).days == 28
    assert Term.days(10).shortest_days() == 10


# Periods and renewals --------------------------------------------------------------------------


@given(armistice=armistices("renewed"), renewals=st.integers(0, 60))
def test_renewal_periods_join_and_never_drift(armistice: Armistice, renewals: int) -> None:
    assert isinstance(armistice.renewal, RenewedFor)
    again, notice = armistice.renewal.term, armistice.renewal.notice_days
    first = periods(armistice, armistice.effective_on)
    assert first == (
        Period(
            armistice.effective_on, armistice.first_expiry, armistice.first_expiry - notice * DAY
        ),
    )
    until = armistice.first_expiry + renewals * again.shortest_days() * DAY
    found = periods(armistice, until)
    assert found[-1].end is not None and found[-1].start <= until < found[-1].end
    for before, period in pairwise(found):
        assert period.start == before.end
    for index, period in enumerate(found):
        assert period.end is not None and period.last_day_to_denounce is not None
        assert period.start < period.end
        assert period.last_day_to_denounce == period.end - notice * DAY
        assert period.start <= period.last_day_to_denounce <= period.end
        if armistice.term.unit == again.unit == "months":  # counted from the effective day
            assert period.end == add_months(
                armistice.effective_on, armistice.term.count + index * again.count
            )


def test_monthly_renewals_from_the_31st_follow_the_month_ends() -> None:
    armistice = Armistice(
        PARTIES[:2], D(2024, 1, 31), D(2024, 1, 31), Term.months(1), RenewedFor(Term.months(1), 7)
    )
    ends = [p.end for p in periods(armistice, D(2025, 1, 31))]
    assert ends[:5] == [
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
        D(2024, 5, 31),
        D(2024, 6, 30),
    ]
    assert ends[12] == D(2025, 2, 28)


def test_renewals_chained_many_times_are_counted_without_walking_them() -> None:
    daily = Armistice(
        PARTIES[:2], D(1917, 12, 15), D(1917, 12, 17), Term.days(28), RenewedFor(Term.days(1), 1)
    )
    assert expires_on(daily, D(2917, 6, 1)) == D(2917, 6, 2)
    assert last_day_to_denounce(daily, D(2917, 6, 1)) == D(2917, 6, 1)
    assert in_force(daily, D(9999, 12, 31))
    assert len(periods(daily, D(1927, 12, 17))) == 1 + (D(1927, 12, 17) - D(1918, 1, 14)).days + 1


# In force, expiry, denunciation -----------------------------------------------------------------


@given(armistice=armistices(), data=st.data())
def test_in_force_exactly_on_the_periods_not_cut_by_a_denunciation(
    armistice: Armistice, data: st.DataObject
) -> None:
    span = (armistice.first_expiry - armistice.signed_on).days * 4
    denounced = data.draw(denunciations_of(armistice, span))
    day = data.draw(st.integers(-5, span + 50).map(lambda n: armistice.signed_on + n * DAY))
    found = periods(armistice, day, denounced)
    assert in_force(armistice, day, denounced) == covered(found, day)
    assert not in_force(armistice, armistice.effective_on - DAY, denounced)
    assert in_force(armistice, armistice.effective_on, denounced)
    assert in_force(armistice, armistice.first_expiry, denounced)
    if armistice.renewal is None:
        assert in_force(armistice, day, denounced) == (
            armistice.effective_on <= day <= armistice.first_expiry
        )
    elif not denounced:
        assert in_force(armistice, day) == (armistice.effective_on <= day)


@given(armistice=armistices(), data=st.data())
def test_the_end_is_the_last_day_in_force_fixed_by_the_term_or_the_first_denunciation(
    armistice: Armistice, data: st.DataObject
) -> None:
    span = (armistice.first_expiry - armistice.signed_on).days * 4
    denounced = data.draw(denunciations_of(armistice, span))
    end = ends_on(armistice, denounced)
    if armistice.renewal is None:
        assert end == armistice.first_expiry
    elif not denounced:
        assert end is None  # renewed, or continued, until a party denounces it
    else:
        assert end == min(ends_on_denunciation(armistice, d) for d in denounced)
    if end is not None:
        assert in_force(armistice, end, denounced)
        assert not in_force(armistice, end + DAY, denounced)
        assert periods(armistice, end, denounced)[-1].end == end


@given(armistice=armistices("renewed"), data=st.data())
def test_the_last_day_to_denounce_is_the_notice_before_the_expiry_and_in_the_period(
    armistice: Armistice, data: st.DataObject
) -> None:
    assert isinstance(armistice.renewal, RenewedFor)
    notice = armistice.renewal.notice_days * DAY
    reach = (armistice.first_expiry - armistice.signed_on).days * 6
    as_of = armistice.signed_on + data.draw(st.integers(-5, reach)) * DAY
    expiry, last = expires_on(armistice, as_of), last_day_to_denounce(armistice, as_of)
    assert expiry is not None and last is not None
    assert last == expiry - notice
    assert as_of <= last  # still to come
    found = periods(armistice, as_of + notice)
    [period] = [p for p in found if p.end == expiry]
    assert period.last_day_to_denounce == last
    earlier = [p for p in found if p.end is not None and p.end < expiry]
    assert all(
        p.last_day_to_denounce is not None and p.last_day_to_denounce < as_of for p in earlier
    )


@given(armistice=armistices("renewed"), data=st.data())
def test_denouncing_by_the_last_day_ends_the_period_and_after_it_the_next(
    armistice: Armistice, data: st.DataObject
) -> None:
    found = periods(armistice, armistice.first_expiry + 400 * DAY)
    index = data.draw(st.integers(0, len(found) - 2))
    period, following = found[index], found[index + 1]
    assert period.last_day_to_denounce is not None and period.end is not None
    assert following.end is not None
    on_time = period.last_day_to_denounce - data.draw(st.integers(0, 40)) * DAY
    previous = found[index - 1].last_day_to_denounce if index else None
    assume(on_time >= armistice.signed_on and (previous is None or on_time > previous))
    late = period.last_day_to_denounce + data.draw(st.integers(1, 40)) * DAY
    assume(late <= period.end)
    party = data.draw(st.sampled_from(armistice.parties))
    assert ends_on_denunciation(armistice, Denunciation(party, on_time)) == period.end
    assert ends_on_denunciation(armistice, Denunciation(party, late)) == following.end
    denounced = [Denunciation(party, late)]
    assert in_force(armistice, following.end, denounced)
    assert not in_force(armistice, following.end + DAY, denounced)
    assert expires_on(armistice, late, denounced) == following.end
    assert last_day_to_denounce(armistice, late, denounced) is None
    # a denunciation is heard from the day it is made, not before
    assert expires_on(armistice, late - DAY, denounced) == expires_on(armistice, late - DAY)


@given(armistice=armistices("continued"), data=st.data())
def test_continued_until_denounced_ends_the_notice_after_the_denunciation(
    armistice: Armistice, data: st.DataObject
) -> None:
    assert isinstance(armistice.renewal, ContinuedUntilDenounced)
    notice = armistice.renewal.notice_days * DAY
    last = armistice.first_expiry - notice
    on = armistice.signed_on + data.draw(st.integers(0, 2000)) * DAY
    end = ends_on_denunciation(armistice, Denunciation(armistice.parties[0], on))
    assert end == max(armistice.first_expiry, on + notice)
    assert in_force(armistice, armistice.first_expiry + 100_000 * DAY)
    assert expires_on(armistice, on) == (armistice.first_expiry if on <= last else None)
    assert last_day_to_denounce(armistice, on) == (last if on <= last else None)
    found = periods(armistice, end, [Denunciation(armistice.parties[1], on)])
    assert found[-1].end == end
    assert found[0] == Period(armistice.effective_on, armistice.first_expiry, last)


@given(armistice=armistices("none"), data=st.data())
def test_without_renewal_the_term_is_all_there_is(
    armistice: Armistice, data: st.DataObject
) -> None:
    as_of = armistice.signed_on + data.draw(st.integers(-10, 2000)) * DAY
    denounced = [Denunciation(armistice.parties[0], max(as_of, armistice.signed_on))]
    assert expires_on(armistice, as_of, denounced) == armistice.first_expiry
    assert last_day_to_denounce(armistice, as_of) is None
    assert periods(armistice, as_of, denounced) == (
        Period(armistice.effective_on, armistice.first_expiry, None),
    )


# The armistice of 15 December 1917 -------------------------------------------------------------

BREST = Armistice(
    parties=PARTIES,
    signed_on=D(1917, 12, 15),
    effective_on=D(1917, 12, 17),
    term=Term.days(28),
    renewal=ContinuedUntilDenounced(notice_days=7),
)


def test_the_armistice_of_15_december_1917() -> None:
    """14 o'clock 17 Dec 1917 to 14 o'clock 14 Jan 1918; denounceable from the 21st day with
    seven days' notice, else prolonged until denounced with seven days' notice (FRUS, d246)."""
    assert BREST.first_expiry == D(1918, 1, 14)
    assert not in_force(BREST, D(1917, 12, 15))  # signed, not yet in force
    assert not in_force(BREST, D(1917, 12, 16))
    assert in_force(BREST, D(1917, 12, 17))
    assert in_force(BREST, D(1918, 1, 1))
    assert expires_on(BREST, D(1918, 1, 1)) == D(1918, 1, 14)
    assert last_day_to_denounce(BREST, D(1918, 1, 1)) == D(1918, 1, 7)
    assert D(1917, 12, 17) + 21 * DAY == D(1918, 1, 7)  # "the twenty-first day"
    # not denounced by 7 Jan: prolonged past 14 Jan, with no end fixed
    assert in_force(BREST, D(1918, 1, 15))
    assert in_force(BREST, D(1918, 2, 10))
    assert expires_on(BREST, D(1918, 1, 8)) is None
    assert last_day_to_denounce(BREST, D(1918, 1, 8)) is None
    assert periods(BREST, D(1918, 2, 1)) == (
        Period(D(1917, 12, 17), D(1918, 1, 14), D(1918, 1, 7)),
        Period(D(1918, 1, 14), None, None),
    )
    # denounced on the 21st day: it ends on 14 Jan; denounced on 10 Feb: seven days later
    on_time = [Denunciation("germany", D(1918, 1, 7))]
    assert in_force(BREST, D(1918, 1, 14), on_time)
    assert not in_force(BREST, D(1918, 1, 15), on_time)
    later = [Denunciation("russia", D(1918, 2, 10))]
    assert expires_on(BREST, D(1918, 2, 10), later) == D(1918, 2, 17)
    assert not in_force(BREST, D(1918, 2, 18), later)
    assert ends_on(BREST) is None  # undenounced, it never ends
    assert (ends_on(BREST, on_time), ends_on(BREST, later)) == (D(1918, 1, 14), D(1918, 2, 17))


# Nonsense --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Term.days(0), "at least one day, not 0 days"),
        (lambda: Term.months(-3), "at least one month, not -3 months"),
        (lambda: Term(3, "weeks"), "days or months, not in 'weeks'"),  # type: ignore[arg-type]
        (
            lambda: Armistice(PARTIES, D(1917, 12, 15), D(1917, 12, 14), Term.days(28)),
            r"cannot come into force \(1917-12-14\) before it is signed \(1917-12-15\)",
        ),
        (
            lambda: Armistice(("russia",), D(1917, 12, 15), D(1917, 12, 17), Term.days(28)),
            "at least two different parties",
        ),
        (
            lambda: Armistice(
                ("russia", "russia"), D(1917, 12, 15), D(1917, 12, 17), Term.days(28)
            ),
            "at least two different parties",
        ),
        (
            lambda: Armistice(("russia", ""), D(1917, 12, 15), D(1917, 12, 17), Term.days(28)),
            "must not be empty",
        ),
        (
            lambda: Armistice(
                PARTIES,
                D(1917, 12, 15),
                D(1917, 12, 17),
                Term.days(28),
                ContinuedUntilDenounced(29),
            ),
            r"notice of 29 days is longer than the first period \(28 days",
        ),
        (
            lambda: Armistice(
                PARTIES, D(2023, 1, 31), D(2023, 1, 31), Term.months(1), ContinuedUntilDenounced(29)
            ),
            r"notice of 29 days is longer than the first period \(1 month, 28 days",
        ),
        (
            lambda: RenewedFor(Term.months(1), 29),
            r"longer than a renewal period of 1 month can be \(28 days\)",
        ),
        (lambda: RenewedFor(Term.days(7), -1), "zero days or more, not -1"),
        (
            lambda: ends_on_denunciation(BREST, Denunciation("france", D(1918, 1, 1))),
            "'france' is not a party",
        ),
        (
            lambda: in_force(BREST, D(1918, 1, 1), [Denunciation("russia", D(1917, 12, 1))]),
            "before the armistice was signed",
        ),
        (
            lambda: ends_on(BREST, [Denunciation("france", D(1918, 2, 10))]),
            "'france' is not a party",
        ),
        (
            lambda: Armistice(PARTIES, D(9999, 12, 1), D(9999, 12, 1), Term.months(1)),
            "beyond the last day the calendar can count",
        ),
    ],
)
def test_nonsense_is_refused_clearly(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ArmisticeError, match=message):
        build()
