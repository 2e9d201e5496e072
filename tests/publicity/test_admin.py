"""The officials' review of the endorsements in the admin: the suspects listed apart and
released by an action (logged, counted again), and nothing in it for anyone else."""

from __future__ import annotations

from typing import Any

from django.test import Client

from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.publicity.models import Endorsement
from tests.publicity.test_endorsements import check, endorse, tally
from tests.publicity.test_webhooks import official  # noqa: F401

CHANGELIST = "/admin/publicity/endorsement/"


def test_an_official_lists_the_suspects_and_releases_one(
    endorsable: Offer, official: Client, settings: Any,  # noqa: F811
) -> None:
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    sound = endorse(endorsable, "a@example.org", address="198.51.100.7")
    suspect = endorse(endorsable, "b@example.org", address="198.51.100.7")
    assert check()["b@example.org"] and tally(endorsable).total == 1  # type: ignore[union-attr]

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
    # Officials read an endorsement; they change it only through the logged acts.
    assert official.get(change).status_code == 200
    assert official.post(change, {"contact": "x@example.org"}).status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.contact == "a@example.org"
