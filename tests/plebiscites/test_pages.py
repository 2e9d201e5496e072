"""The pages: the plebiscite, its board of trackers, and its result with the verify command."""

from __future__ import annotations

from django.test import Client

from openpeace.core import plebiscite as core
from tests.plebiscites.conftest import Running


def test_the_plebiscite_page_counts_ballots_never_votes(finns: Running, client: Client) -> None:
    finns.cast(0, 1)
    finns.cast(1, 1)
    page = client.get(f"/plebiscites/{finns.plebiscite.pk}/").content.decode()
    assert "A separate state, or join which?" in page and "to join Russia" in page
    assert "<dd>2 " in page and "Votes" not in page
    assert client.get("/plebiscites/").status_code == 200
    assert client.get("/plebiscites/999/").status_code == 404


def test_the_board_shows_every_tracker(finns: Running, client: Client) -> None:
    data = finns.ballot(0, 0)
    from openpeace.plebiscites import services

    services.ballot_cast(plebiscite=finns.plebiscite, data=data, at=finns.during)
    page = client.get(f"/plebiscites/{finns.plebiscite.pk}/board/").content.decode()
    assert core.tracker_text(core.tracker(data)) in page


def test_a_voter_sees_every_ballot_under_their_credential(finns: Running,
                                                          client: Client) -> None:
    """Spec §15: a tracker the voter does not know, under their credential, is a ballot
    someone else cast in their name; the booth sends them to this view after casting."""
    from openpeace.plebiscites.models import CastBallot

    mine = [finns.ballot(0, 0), finns.ballot(0, 1)]
    theirs = finns.ballot(1, 1)
    from openpeace.plebiscites import services

    for data in (mine[0], theirs, mine[1]):
        services.ballot_cast(plebiscite=finns.plebiscite, data=data, at=finns.during)
    credential = CastBallot.objects.get(position=0).credential
    board = f"/plebiscites/{finns.plebiscite.pk}/board/"
    page = client.get(f"{board}?credential={credential}").content.decode()
    assert all(core.tracker_text(core.tracker(data)) in page for data in mine)
    assert core.tracker_text(core.tracker(theirs)) not in page
    assert f"2 ballots cast under the credential {credential}" in page
    assert f"Finns (credential {credential[:12]}…) · openpeace</title>" in page
    assert "someone else cast in your name" in page
    for bad in ("XYZ", credential.upper(), credential[:-1]):
        refused = client.get(f"{board}?credential={bad}")
        assert refused.status_code == 400
        assert b"64 hexadecimal digits" in refused.content and b"<table" not in refused.content


def test_the_result_page_says_how_to_verify(armenians: Running, client: Client) -> None:
    armenians.cast(0, 2)
    armenians.cast(1, 0)
    armenians.cast(1, 2)  # a revote: voter 1 is counted once
    plebiscite = armenians.finish()
    page = client.get(f"/plebiscites/{plebiscite.pk}/").content.decode()
    assert "Turnout: 2 of 5 eligible voters (40.0%)." in page
    assert "openpeace plebiscite verify record.json" in page
    assert f"/api/plebiscites/{plebiscite.pk}/record" in page
    assert "NOT free" in page and "Partial decryption by trustee 1" in page
    assert 'lang="' in page and 'dir="' in page


def test_the_decision_of_a_plebiscite_links_it_and_dates_read_as_dates(
    armenians: Running, client: Client
) -> None:
    """The decisions page says where a decision came from in words, linking the plebiscite
    (by the relation, not its source's text); the plebiscite's page says its occupation's day
    as a date and each act in words beside its kind."""
    armenians.cast(0, 2)
    plebiscite = armenians.finish()
    decisions = client.get("/decisions/").content.decode()
    assert (f'<a href="/plebiscites/{plebiscite.pk}/">The plebiscite of the '
            "<bdi>Armenians</bdi></a> (1 ballot counted)") in decisions
    assert plebiscite.election_id not in decisions and "separate_state:" not in decisions
    page = client.get(f"/plebiscites/{plebiscite.pk}/").content.decode()
    assert ("(<bdi>Vilayet of Erzurum</bdi> occupied by <bdi>Russia</bdi> since "
            '<time datetime="1916-02-16">16 February 1916</time>)') in page
    assert "<li>Plebiscite created (<code>plebiscite.created</code>): " in page
    assert "<li>plebiscite.created:" not in page
    assert "The result: 1 ballot counted, the last of each credential" in page
