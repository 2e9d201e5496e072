"""Reads of the endorsements: the anomaly checks, the published tallies, the review queue."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from openpeace.core.geometry import point_of
from openpeace.diplomacy.models import Offer
from openpeace.publicity.models import Endorsement, EndorsementPeriod, TallySnapshot


def endorsement_anomalies(batch: list[Endorsement]) -> dict[int, str]:
    """Why each submission of `batch` looks automated (by primary key; the sound ones are
    absent): too many submissions for its offer from its address, or from its network, within
    the window before it (the petitions service's per-IP limits, research/participation.md
    §1.4). One query per limit for the whole batch: the submission times of its addresses and
    networks over the batch's span, counted per submission by bisection."""
    window = settings.OPENPEACE_ENDORSE_WINDOW
    seconds = int(window.total_seconds())
    reasons: dict[int, str] = {}
    for field, limit in (("address", settings.OPENPEACE_ENDORSE_PER_ADDRESS),
                         ("network", settings.OPENPEACE_ENDORSE_PER_NETWORK)):
        times = _submission_times(batch, field, window)
        for endorsement in batch:
            value = getattr(endorsement, field)
            if not value or endorsement.pk in reasons:
                continue
            at = times[(endorsement.offer_id, value)]
            n = (bisect.bisect_right(at, endorsement.submitted_at)
                 - bisect.bisect_right(at, endorsement.submitted_at - window))
            if n > limit:
                reasons[endorsement.pk] = f"{n} submissions from one {field} in {seconds} s"
    return reasons


def _submission_times(batch: list[Endorsement], field: str, window: dt.timedelta
                      ) -> dict[tuple[int, str], list[dt.datetime]]:
    """The submission times, sorted, per (offer, value of `field`) of the batch, from the
    window before its first submission to its last."""
    values = {getattr(e, field) for e in batch} - {"", None}
    times: dict[tuple[int, str], list[dt.datetime]] = defaultdict(list)
    if not values:
        return times
    rows = (Endorsement.objects
            .filter(offer_id__in={e.offer_id for e in batch}, **{f"{field}__in": values},
                    submitted_at__gt=min(e.submitted_at for e in batch) - window,
                    submitted_at__lte=max(e.submitted_at for e in batch))
            .order_by("submitted_at").values_list("offer_id", field, "submitted_at"))
    for offer_id, value, at in rows:
        times[(offer_id, value)].append(at)
    return times


def period_of(offer: Offer) -> EndorsementPeriod | None:
    """The offer's endorsement period, if it has one: the one loaded with it
    (`select_related("endorsement_period")`) when it was, so a submission reads it once."""
    if Offer.endorsement_period.is_cached(offer):
        return getattr(offer, "endorsement_period", None)
    return EndorsementPeriod.objects.filter(offer=offer).first()


def snapshot_latest(offer: Offer) -> TallySnapshot | None:
    return TallySnapshot.objects.filter(offer=offer).order_by("-window_end", "-pk").first()


def snapshots_over_time(offer: Offer) -> QuerySet[TallySnapshot]:
    """The published totals in order: the tally over time."""
    return TallySnapshot.objects.filter(offer=offer).order_by("window_end", "pk")


def suspects(offer: Offer) -> QuerySet[Endorsement]:
    """The review queue of officials: suspect endorsements, oldest first."""
    return Endorsement.objects.filter(offer=offer).exclude(suspect="").order_by("submitted_at")


def tally_json(offer: Offer) -> dict[str, Any]:
    """The public tally of an offer (only aggregates): its latest snapshot, with the names of
    countries and regions and where they lie, and the totals over time. `at` is a place's
    point, [longitude, latitude], or null where the register has none; the endorsers who gave
    no region are at their country's point. The page's map is drawn from this, so a script
    can draw the same one from the cached JSON."""
    from openpeace.world.models import State, Territory

    latest = snapshot_latest(offer)
    counts: dict[str, dict[str, int]] = latest.counts if latest else {}
    states = _places(State.objects.filter(key__in=counts))
    regions = _places(Territory.objects.filter(
        key__in=[r for c in counts.values() for r in c if r]))
    return {
        "offer": offer.key,
        "as_of": latest.window_end.isoformat() if latest else None,
        "total": latest.total if latest else 0,
        "log_index": latest.entry.index if latest else None,
        "countries": [
            {"key": country, **states.get(country, _place(country)),
             "total": sum(by_region.values()),
             "regions": [{"key": region or None, **regions.get(region, _place(None)),
                          "count": n} for region, n in sorted(by_region.items())]}
            for country, by_region in sorted(counts.items(), key=lambda i: -sum(i[1].values()))
        ],
        "over_time": [{"as_of": s.window_end.isoformat(), "total": s.total, "kind": s.kind}
                      for s in snapshots_over_time(offer)],
    }


def _place(name: str | None, geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    """A country or region as the tally names and places it."""
    point = point_of(geometry)
    return {"name": name, "at": list(point) if point else None}


def _places(rows: QuerySet[Any]) -> dict[str, dict[str, Any]]:
    """Each state or territory of `rows` by key, named and placed."""
    return {key: _place(name, geometry)
            for key, name, geometry in rows.values_list("key", "name", "geometry")}
