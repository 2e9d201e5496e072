"""Migrations on a database with data: 0005 and 0006, the notices a person had twice (one per
follow that an act answered) become one, and none that was mailed is lost; 0007, the follows
there were keep working, in no network; 0008, the people are kept as keyed hashes."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest

from tests.migrations import latest, migrate

BEFORE = [("publicity", "0004_feedconcern")]
AFTER = [("publicity", "0006_follownotice_unique_per_person")]




@pytest.mark.django_db(transaction=True)
def test_0005_keeps_one_notice_per_person_and_act_preferring_the_one_sent() -> None:
    apps = migrate(BEFORE)
    try:
        Entry = apps.get_model("transparency", "Entry")
        Follow = apps.get_model("publicity", "Follow")
        FollowNotice = apps.get_model("publicity", "FollowNotice")
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        first, second = (Entry.objects.create(kind="offer.released", subject="offer:x", body=b"{}",
                                              recorded_at=now, index=i) for i in (0, 1))

        def follow(n: int, canonical: str, frequency: str) -> Any:
            return Follow.objects.create(
                ref=f"00000000-0000-0000-0000-00000000000{n}", contact=canonical,
                canonical=canonical, rules_version="1", target="state", key=f"s{n}",
                frequency=frequency, status="active", confirm_hash=f"c{n}",
                unsubscribe_hash=f"u{n}", submitted_at=now)

        daily = follow(1, "jane@example.org", "daily")
        immediate = follow(2, "jane@example.org", "immediate")
        other = follow(3, "ivan@example.org", "daily")
        FollowNotice.objects.create(follow=daily, entry=first, created_at=now, sent_at=now)
        FollowNotice.objects.create(follow=immediate, entry=first, created_at=now)
        FollowNotice.objects.create(follow=daily, entry=second, created_at=now)
        FollowNotice.objects.create(follow=immediate, entry=second, created_at=now)
        FollowNotice.objects.create(follow=other, entry=second, created_at=now)

        apps = migrate(AFTER)
        FollowNotice = apps.get_model("publicity", "FollowNotice")
        kept = {(n.canonical, n.entry_id): (n.follow_id, n.also, n.sent_at is not None)
                for n in FollowNotice.objects.all()}
        assert kept == {
            # the one mailed already stays, and stands for the other follow too
            ("jane@example.org", first.pk): (daily.pk, [immediate.pk], True),
            # none mailed: the immediate follow's
            ("jane@example.org", second.pk): (immediate.pk, [daily.pk], False),
            ("ivan@example.org", second.pk): (other.pk, [], False),
        }
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_0007_leaves_the_follows_there_were_in_no_network() -> None:
    apps = migrate(AFTER)
    try:
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        apps.get_model("publicity", "Follow").objects.create(
            ref="00000000-0000-0000-0000-000000000001", contact="jane@example.org",
            canonical="jane@example.org", rules_version="1", target="state", key="russia",
            frequency="daily", status="pending", confirm_hash="c1", unsubscribe_hash="u1",
            submitted_at=now)
        apps = migrate([("publicity", "0007_follow_network_mail_after_checks")])
        Follow = apps.get_model("publicity", "Follow")
        assert list(Follow.objects.values_list("key", "status", "network")) == [
            ("russia", "pending", "")]
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_0008_keeps_each_person_as_a_keyed_hash_and_the_follows_still_know_them() -> None:
    """The canonical addresses there were, in the follows (active or stopped) and in their
    notices, become the person's keyed hash (`person_of`), the same one the services compute
    from the address: one person's follows and notices still go together, and the address
    given again stops their follows. Running it again changes nothing."""
    from openpeace.publicity.follows import services

    apps = migrate([("publicity", "0007_follow_network_mail_after_checks")])
    try:
        Entry = apps.get_model("transparency", "Entry")
        Follow = apps.get_model("publicity", "Follow")
        FollowNotice = apps.get_model("publicity", "FollowNotice")
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        entry = Entry.objects.create(kind="offer.released", subject="offer:x", body=b"{}",
                                     recorded_at=now, index=0)

        def follow(n: int, contact: str, canonical: str, status: str) -> Any:
            return Follow.objects.create(
                ref=f"00000000-0000-0000-0000-00000000000{n}", contact=contact,
                canonical=canonical, rules_version="1", target="state", key=f"s{n}",
                frequency="daily", status=status, confirm_hash=f"c{n}",
                unsubscribe_hash=f"u{n}", submitted_at=now)

        active = follow(1, "Jane@example.org", "jane@example.org", "active")
        stopped = follow(2, "", "jane@example.org", "unsubscribed")
        ivan = follow(3, "", "ivan@example.org", "unsubscribed")
        FollowNotice.objects.create(follow=stopped, canonical="jane@example.org", entry=entry,
                                    also=[active.pk], created_at=now, sent_at=now)
        FollowNotice.objects.create(follow=ivan, canonical="ivan@example.org", entry=entry,
                                    created_at=now, sent_at=now)

        apps = migrate([("publicity", "0008_follow_person_keyed_hash")])
        jane, ivan_hash = services.person_of("jane@example.org"), services.person_of(
            "ivan@example.org")
        expected = {active.pk: jane, stopped.pk: jane, ivan.pk: ivan_hash}
        for model in ("Follow", "FollowNotice"):
            rows = apps.get_model("publicity", model).objects
            assert not rows.filter(canonical__contains="@").exists()
        Follow = apps.get_model("publicity", "Follow")
        FollowNotice = apps.get_model("publicity", "FollowNotice")
        assert dict(Follow.objects.values_list("pk", "canonical")) == expected
        assert dict(FollowNotice.objects.values_list("follow_id", "canonical")) == {
            stopped.pk: jane, ivan.pk: ivan_hash}

        migration = importlib.import_module(
            "openpeace.publicity.migrations.0008_follow_person_keyed_hash")
        migration.hash_the_people(apps, None)  # again: nothing changes
        assert dict(Follow.objects.values_list("pk", "canonical")) == expected

        assert services.follows_unsubscribe_contact(contact="jane@example.org") == 1
    finally:
        migrate(latest())
