"""The officials' review of the endorsements in the admin: the suspects listed apart, released
by an action (logged, counted again) or invalidated for a reason (logged), and nothing in it
for anyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.publicity import services
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.follows.models import Follow
from openpeace.publicity.models import Endorsement, EndorsementPeriod
from openpeace.world.models import State
from tests.publicity.conftest import Queue
from tests.publicity.test_endorsements import check, endorse, mail_owed, submit, tally
from tests.publicity.test_follows import follow
from tests.publicity.test_webhooks import official  # noqa: F401

CHANGELIST = "/admin/publicity/endorsement/"


@pytest.fixture
def reviewed(endorsable: Offer, settings: Any) -> tuple[Endorsement, Endorsement]:
    """A sound endorsement and a suspect one (the second from the same address, over its
    limit of one), both confirmed and checked: what the review starts from."""
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    sound = endorse(endorsable, "a@example.org", address="198.51.100.7")
    suspect = endorse(endorsable, "b@example.org", address="198.51.100.7")
    assert check()["b@example.org"] and tally(endorsable).total == 1  # type: ignore[union-attr]
    return sound, suspect


def test_an_official_lists_the_suspects_and_releases_one(
    endorsable: Offer, official: Client,  # noqa: F811
    reviewed: tuple[Endorsement, Endorsement],
) -> None:
    sound, suspect = reviewed

    listed = official.get(CHANGELIST + "?suspect=yes").content.decode()
    assert str(suspect.ref) in listed and str(sound.ref) not in listed
    assert "198.51.100.0/24" in listed  # the network, for the review

    response = official.post(CHANGELIST, {
        "action": "release", "_selected_action": [sound.pk, suspect.pk]}, follow=True)
    assert "1 endorsements released." in response.content.decode()  # the sound one is skipped
    assert not Endorsement.objects.get(pk=suspect.pk).suspect
    released = Entry.objects.get(kind="endorsement.released")
    assert str(suspect.ref).encode() in released.body and b'"official"' in released.body
    assert tally(endorsable).total == 2  # type: ignore[union-attr]


def test_a_release_after_the_period_closed_says_why_no_link_was_mailed(
    endorsable: Offer, official: Client, queue: Queue, settings: Any,  # noqa: F811
) -> None:
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    submit(endorsable, "a@example.org", address="198.51.100.7")
    suspect = submit(endorsable, "b@example.org", address="198.51.100.7").endorsement
    assert mail_owed(queue) == 1  # a's link; b's is held while suspect
    EndorsementPeriod.objects.filter(offer=endorsable).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1))

    # The action says what it does: the owed mails go, but no link once the period has closed.
    assert ("Release the selected suspect endorsements (logged; the mails they are owed go out, "
            "but no confirmation link once their period has closed)") in (
        official.get(CHANGELIST).content.decode())
    response = official.post(CHANGELIST, {
        "action": "release", "_selected_action": [suspect.pk]}, follow=True)
    assert mail_owed(queue) == 0 and len(mail.outbox) == 1
    assert not Endorsement.objects.get(pk=suspect.pk).suspect
    assert Entry.objects.filter(kind="endorsement.released").count() == 1
    page = response.content.decode()
    assert "1 endorsements released." in page
    assert ("1 of them were not mailed their confirmation link: they were never confirmed and "
            "their endorsement period has closed, so the link would be refused.") in page


def test_an_official_invalidates_the_selected_endorsements_for_a_reason(
    endorsable: Offer, official: Client,  # noqa: F811
    reviewed: tuple[Endorsement, Endorsement],
) -> None:
    sound, suspect = reviewed
    without = official.post(CHANGELIST, {"action": "invalidate", "reason": " ",
                                         "_selected_action": [suspect.pk]}, follow=True)
    assert "an invalidation says why" in without.content.decode()
    assert not Entry.objects.filter(kind="endorsement.invalidated").exists()

    done = official.post(CHANGELIST, {"action": "invalidate", "reason": "one bot, two addresses",
                                      "_selected_action": [suspect.pk]}, follow=True)
    assert "1 endorsements invalidated (logged)." in done.content.decode()
    assert Endorsement.objects.get(pk=suspect.pk).status == "invalidated"
    assert Endorsement.objects.get(pk=sound.pk).status == "confirmed"
    act = content_of(Entry.objects.get(kind="endorsement.invalidated"))
    assert act is not None
    assert act["criteria"] == {"refs": str(suspect.ref)}
    assert act["reason"] == "one bot, two addresses" and act["official"] == "official"
    assert tally(endorsable) is None  # nothing to publish: a suspect never counted


def test_no_one_else_sees_or_changes_the_endorsements(
    endorsable: Offer, official: Client, django_user_model: Any,  # noqa: F811
) -> None:
    endorsement = endorse(endorsable, "a@example.org")
    change = CHANGELIST + f"{endorsement.pk}/change/"
    citizen = Client()
    citizen.force_login(django_user_model.objects.create_user("citizen"))
    clerk = Client()
    clerk.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    for path in (CHANGELIST, change):
        for outsider in (Client(), citizen):
            response = outsider.get(path)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert clerk.get(path).status_code == 403  # staff without the permission
    # Staff who may read the endorsements but not change them are offered neither act, and
    # the acts refuse them.
    reader = Client()
    reader.force_login(user := django_user_model.objects.create_user("reader", is_staff=True))
    user.user_permissions.add(Permission.objects.get(codename="view_endorsement"))
    listed = reader.get(CHANGELIST).content.decode()
    assert 'value="release"' not in listed and 'value="invalidate"' not in listed
    for action in ("release", "invalidate"):
        reader.post(CHANGELIST, {"action": action, "reason": "x",
                                 "_selected_action": [endorsement.pk]})
    assert not Entry.objects.filter(kind__in=["endorsement.invalidated",
                                              "endorsement.released"]).exists()
    # Officials read an endorsement; they change it only through the logged acts.
    assert official.get(change).status_code == 200
    assert official.post(change, {"contact": "x@example.org"}).status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.contact == "a@example.org"


# ------------------------------------------------------------------ the people's contact data


def seen_by(client: Client, changelist: str, row: Endorsement | Follow,
            address: str) -> dict[str, str]:
    """What one staff user is shown of one row: the list, the row's page, a search by the
    person's address and a filter by it (each page in lower case, or '' without the row)."""
    def found(path: str) -> str:
        response = client.get(path)
        page = response.content.decode().lower()
        return page if response.status_code == 200 and str(row.ref) in page else ""
    return {"list": found(changelist), "page": found(f"{changelist}{row.pk}/change/"),
            "search": found(f"{changelist}?q={address}"),
            "filter": found(f"{changelist}?contact__iexact={address}")}


def assert_kept_to_those_who_change(django_user_model: Any, row: Endorsement | Follow,
                                    personal: list[str]) -> None:
    """Staff given only the permission to view the row's model (explicitly, not as superusers)
    find the row but none of `personal` (its address first, in lower case) anywhere, and no
    row by a search or a filter by the address; staff who may also change it see them all."""
    model = type(row)._meta.model_name
    changelist = f"/admin/publicity/{model}/"
    pages = {}
    for username, codenames in (("reader", [f"view_{model}"]),
                                ("official", [f"view_{model}", f"change_{model}"])):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        client = Client()
        client.force_login(user)
        pages[username] = seen_by(client, changelist, row, personal[0])
    read, changed = pages["reader"], pages["official"]
    assert {what: bool(page) for what, page in read.items()} == {
        "list": True, "page": True, "search": False, "filter": False}
    assert [value for page in read.values() for value in personal if value in page] == []
    assert {what: bool(page) for what, page in changed.items()} == dict.fromkeys(read, True)
    assert [value for value in personal if value not in changed["page"]] == []


def test_only_those_who_may_change_endorsements_see_or_search_the_peoples_contact_data(
    endorsable: Offer, django_user_model: Any,
) -> None:
    """Clerks who may only read the endorsements see no address, name or network, in the list
    or a page, and cannot learn by a search or a filter whether an address endorsed; the
    officials who review the suspects see them all."""
    endorsement = services.endorsement_submit(
        offer=endorsable, contact="Wilhelmina.Vogt@Example.org", name="Wilhelmina Vogt",
        country=State.objects.get(key="germany"), address="203.0.113.57").endorsement
    assert_kept_to_those_who_change(django_user_model, endorsement, [
        "wilhelmina.vogt@example.org", "wilhelmina vogt", "203.0.113.57", "203.0.113.0/24"])


def test_only_those_who_may_change_follows_see_or_search_their_addresses(
    endorsable: Offer, queue: Queue, django_user_model: Any,
) -> None:
    followed = follow(queue, "Wilhelmina.Vogt@Example.org", "offer", endorsable.key)
    Follow.objects.filter(pk=followed.pk).update(network="203.0.113.0/24")
    assert_kept_to_those_who_change(django_user_model, followed,
                                    ["wilhelmina.vogt@example.org", "203.0.113.0/24"])
