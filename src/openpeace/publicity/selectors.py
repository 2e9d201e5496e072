"""Reads of the endorsements: the anomaly checks, the published tallies, the review queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from openpeace.diplomacy.models import Offer
from openpeace.publicity.models import Endorsement, EndorsementPeriod, TallySnapshot


def endorsement_anomaly(endorsement: Endorsement) -> str:
    """Why this submission looks automated, or '': too many submissions for the offer from
    its address, or from its network, within the window before it (the petitions service's
    per-IP limits, research/participation.md §1.4)."""
    since = endorsement.submitted_at - settings.OPENPEACE_ENDORSE_WINDOW
    recent = Endorsement.objects.filter(offer_id=endorsement.offer_id, submitted_at__gt=since,
                                        submitted_at__lte=endorsement.submitted_at)
    window = int(settings.OPENPEACE_ENDORSE_WINDOW.total_seconds())
    if endorsement.address:
        n = recent.filter(address=endorsement.address).count()
        if n > settings.OPENPEACE_ENDORSE_PER_ADDRESS:
            return f"{n} submissions from one address in {window} s"
    if endorsement.network:
        n = recent.filter(network=endorsement.network).count()
        if n > settings.OPENPEACE_ENDORSE_PER_NETWORK:
            return f"{n} submissions from one network in {window} s"
    return ""


def period_of(offer: Offer) -> EndorsementPeriod | None:
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
    countries and regions, and the totals over time."""
    from openpeace.world.models import State, Territory

    latest = snapshot_latest(offer)
    counts: dict[str, dict[str, int]] = latest.counts if latest else {}
    states = dict(State.objects.filter(key__in=counts).values_list("key", "name"))
    regions = dict(Territory.objects.filter(
        key__in=[r for c in counts.values() for r in c if r]).values_list("key", "name"))
    return {
        "offer": offer.key,
        "as_of": latest.window_end.isoformat() if latest else None,
        "total": latest.total if latest else 0,
        "log_index": latest.entry.index if latest else None,
        "countries": [
            {"key": country, "name": states.get(country, country),
             "total": sum(by_region.values()),
             "regions": [{"key": region or None, "name": regions.get(region) if region else None,
                          "count": n} for region, n in sorted(by_region.items())]}
            for country, by_region in sorted(counts.items(), key=lambda i: -sum(i[1].values()))
        ],
        "over_time": [{"as_of": s.window_end.isoformat(), "total": s.total, "kind": s.kind}
                      for s in snapshots_over_time(offer)],
    }
