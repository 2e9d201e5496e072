"""The endorsements over time as a small server-drawn SVG line chart: no JavaScript, and the
table beside it carries the same figures for those who cannot see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, MARGIN = 600, 200, 40


def _said(moment: dt.datetime, how: str) -> str:
    """A moment as a person reads it, in the site's time zone (the table beside the chart
    says the same moments the same way)."""
    return date_format(timezone.localtime(moment), how)


def over_time_svg(points: Sequence[dict[str, Any]]) -> SafeString:
    """`points` are the snapshots ({as_of, total}) in time order; '' when fewer than two."""
    if len(points) < 2:
        return mark_safe("")
    moments = [dt.datetime.fromisoformat(p["as_of"]) for p in points]
    times = [moment.timestamp() for moment in moments]
    totals = [int(p["total"]) for p in points]
    span = (times[-1] - times[0]) or 1.0
    top = max(max(totals), 1)

    def x(t: float) -> float:
        return MARGIN + (t - times[0]) / span * (WIDTH - 2 * MARGIN)

    def y(v: int) -> float:
        return HEIGHT - MARGIN - v / top * (HEIGHT - 2 * MARGIN)

    path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, totals, strict=True))
    first, last = _said(moments[0], "j M Y, H:i"), _said(moments[-1], "j M Y, H:i")
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title '
        'chart-desc" dir="ltr"><title id="chart-title">Endorsements over time</title>'
        '<desc id="chart-desc">From {n0} on {said_first} to {n1} on {said_last}; the table '
        'below gives every figure.</desc>'
        '<line x1="{m}" y1="{base}" x2="{right}" y2="{base}" class="axis"/>'
        '<line x1="{m}" y1="{m}" x2="{m}" y2="{base}" class="axis"/>'
        '<polyline points="{path}" class="line"/>{dots}'
        '<text x="{m}" y="{label_y}">{first}</text>'
        '<text x="{right}" y="{label_y}" text-anchor="end">{last}</text>'
        '<text x="{m_text}" y="{m}" text-anchor="end">{top}</text></svg>',
        w=WIDTH, h=HEIGHT, m=MARGIN, base=HEIGHT - MARGIN, right=WIDTH - MARGIN, path=path,
        n0=totals[0], n1=totals[-1], first=first, last=last, top=top,
        said_first=_said(moments[0], "j F Y, H:i e"), said_last=_said(moments[-1], "j F Y, H:i e"),
        label_y=HEIGHT - MARGIN / 3, m_text=MARGIN - 4,
        dots=format_html_join("", '<circle cx="{}" cy="{}" r="2.5"/>',
                              ((f"{x(t):.1f}", f"{y(v):.1f}")
                               for t, v in zip(times, totals, strict=True))),
    )
