"""Invalidations worked through in chunks: the right endorsements across the chunks'
boundaries, the tally changes of what counted, and a network larger than SQLite's limit on a
statement's parameters."""

from __future__ import annotations

import datetime as dt
import ipaddress
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.publicity import services
from openpeace.publicity.models import Endorsement, Invalidation, TallyChange
from openpeace.world.models import State
from tests.publicity.test_endorsements import confirm, submit, tally

PLACES = [("germany", None), ("germany", "alsace"), ("russia", "finland"), ("russia", None),
          ("ottoman-empire", "erzurum")]


def address(n: int) -> str | None:
    """Two in three in 10.1.0.0/16; the rest elsewhere, over IPv6, or none at all."""
    if n % 3:
        return f"10.1.{n}.{n + 1}"
    return [f"10.2.{n}.1", f"2001:db8::{n}", None][n % 9 // 3]


def changes(offer: Offer, at: dt.datetime) -> dict[tuple[str, str], int]:
    return {(c["country"], c["region"]): c["n"] for c in
            TallyChange.objects.filter(offer=offer, at=at).values("country", "region")
            .annotate(n=Sum("delta")).order_by()}


def test_an_invalidation_across_chunk_boundaries(endorsable: Offer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """30 endorsements in chunks of 7: pending, confirmed, suspect and already invalidated,
    in and out of the network, in five places."""
    official = get_user_model().objects.create_user("official")
    for n in range(30):
        country, region = PLACES[n % len(PLACES)]
        domain = "old.example" if n % 4 == 3 else "example.org"
        endorsement = submit(endorsable, f"p{n}@{domain}", country=country, region=region,
                             address=address(n)).endorsement
        if n % 4 != 0:
            endorsement = confirm(endorsement)
        if n % 8 == 6:
            services.endorsements_suspect(reasons={endorsement.pk: "reviewed"})
    services.endorsements_invalidate(offer=endorsable, criteria={"domain": "old.example"},
                                     reason="earlier", official=official)
    tally(endorsable)
    network = ipaddress.ip_network("10.1.0.0/16")
    before = {e.pk: e for e in Endorsement.objects.select_related("country", "region")}
    hit = {pk for pk, e in before.items() if e.address and e.status != "invalidated"
           and ipaddress.ip_address(e.address) in network}
    expected = Counter((e.country.key, e.region.key if e.region else "")
                       for pk, e in before.items() if pk in hit and e.counted)
    assert 10 < len(hit) < 25 and len(expected) >= 3 and sum(expected.values()) < len(hit)

    monkeypatch.setattr(services, "CHUNK", 7)
    at = timezone.now()
    done = services.endorsements_invalidate(offer=endorsable, criteria={"network": str(network)},
                                            reason="a botnet", official=official, at=at)

    after = dict(Endorsement.objects.values_list("pk", "status"))
    assert {pk for pk, status in after.items() if status == "invalidated"} == (
        hit | {pk for pk, e in before.items() if e.status == "invalidated"})
    assert all(after[pk] == e.status for pk, e in before.items() if pk not in hit)
    assert changes(endorsable, at) == {key: -n for key, n in expected.items()}
    assert TallyChange.objects.filter(offer=endorsable, at=at).count() == len(expected)
    assert done.count == len(hit) and Invalidation.objects.get(pk=done.pk).count == len(hit)
    assert done.criteria == {"network": "10.1.0.0/16"} and done.reason == "a botnet"
    entry = Entry.objects.get(pk=done.entry_id)
    assert entry.kind == "endorsement.invalidated" and f'"count":{len(hit)}'.encode() in entry.body
    assert tally(endorsable) is not None
    assert services.tally_recount(offer=endorsable).matches is True

    finland = Endorsement.objects.filter(country__key="russia", region__key="finland")
    left = finland.exclude(status="invalidated").count()
    assert left and services.endorsements_invalidate(
        offer=endorsable, criteria={"country": "russia", "region": "finland"}, reason="again",
        official=official).count == left
    recount = services.tally_recount(offer=endorsable)
    assert recount.matches is True and "finland" not in recount.counts.get("russia", {})


@pytest.fixture
def sqlite_smallest_limit(db: None) -> Iterator[None]:
    """The smallest limit on a statement's parameters that a SQLite Django supports has, 999
    (before 3.32; since, 32,766 by default, and Debian builds it with 250,000), on the test's
    connection for the test's length: a few hundred endorsements then show what tens of
    thousands would on any SQLite."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


@pytest.mark.usefixtures("sqlite_smallest_limit")
def test_a_network_larger_than_sqlites_parameter_limit(endorsable: Offer) -> None:
    """1,200 endorsements from one /16, more than the 999 parameters such a SQLite takes in one
    statement, are invalidated in one act; a few from the next /16 stay."""
    germany = State.objects.get(key="germany")
    now = timezone.now()
    many, few = 1_200, 50

    def endorsement(n: int, net: str, host: int) -> Endorsement:
        return Endorsement(
            offer=endorsable, ref=uuid.uuid4(), contact=f"p{n}@example.org",
            canonical=f"p{n}@example.org", rules_version="test", country=germany,
            status=Endorsement.Status.CONFIRMED, token_hash=f"{n:064x}", submitted_at=now,
            confirmed_at=now, address=f"{net}.{host}", network=f"{net}.0/24", mails_sent=1)

    Endorsement.objects.bulk_create(
        [endorsement(n, f"10.7.{n // 256}", n % 256) for n in range(many)]
        + [endorsement(many + n, "10.8.0", n) for n in range(few)])
    TallyChange.objects.create(offer=endorsable, country="germany", region="", delta=many + few,
                               at=now)
    tally(endorsable)
    official = get_user_model().objects.create_user("official")
    at = timezone.now()
    done = services.endorsements_invalidate(offer=endorsable, criteria={"network": "10.7.0.0/16"},
                                            reason="a botnet", official=official, at=at)
    assert done.count == many
    assert Endorsement.objects.filter(status="invalidated").count() == many
    assert changes(endorsable, at) == {("germany", ""): -many}
    assert tally(endorsable).total == few  # type: ignore[union-attr]
    assert services.tally_recount(offer=endorsable).matches is True
