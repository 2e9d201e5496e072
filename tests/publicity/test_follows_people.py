"""Follows per person: one person (one canonical address, however written) gets each act once,
however many of their follows it answers, held so by the database; stopping one follow keeps
the acts another still wants; stopping them all takes one button; and neither one address nor
one network can be sent more than a few confirmation links at a time.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity import outbox
from openpeace.publicity.follows import selectors, services
from openpeace.publicity.follows.models import Follow, FollowNotice
from tests.publicity.conftest import Queue
from tests.publicity.test_follows import OFFER, follow, notify, released, token_in  # noqa: F401
from tests.publicity.test_webhooks import acts

PERSON = ("Fol.Lower+t@gmail.com", "fol.lower@gmail.com", "FolLower+x@googlemail.com")
"""One person, written three ways (the mail rules: gmail ignores dots and +tags)."""


def tomorrow(hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(timezone.now().date() + dt.timedelta(days=1), dt.time(hour),
                               tzinfo=dt.UTC)


# ------------------------------------------------------------------ one mail per person and act


def test_a_person_gets_each_act_once_whatever_follows_it_answers(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    offer = follow(queue, PERSON[0], "offer", OFFER)  # each act as it happens
    russia = follow(queue, PERSON[1], "state", "russia", "daily")
    finns = follow(queue, PERSON[2], "nationality", "finns", "daily")
    other = follow(queue, "someone.else@example.org", "state", "russia")
    both, dailies, own = acts(
        ("reply.recorded", f"offer:{OFFER}:germany", {}),  # the offer's, and russia's
        ("demand.filed", "nationality:finns", {}),  # the finns', and russia's (their ruler)
        ("test.other", "state:russia", {}),  # russia's only
    )
    notify(queue)
    assert FollowNotice.objects.filter(follow__canonical=offer.canonical).count() == 3  # 1 each
    # At once: the act an immediate follow answers, once, under that follow, naming both.
    mine = [m for m in mail.outbox if m.to == [PERSON[0]]]
    (immediate,) = mine
    assert immediate.extra_headers["Message-ID"] == f"<act.{offer.ref}.{both.index}@127.0.0.1>"
    assert ("It answers your follows of the offer “Decree on Peace” (each act as it happens); "
            "the acts concerning Russia (a daily digest).") in immediate.body
    assert len([m for m in mail.outbox if m.to == [other.contact]]) == 3  # others: each their own
    mail.outbox.clear()

    # Tomorrow: one digest, with each of the other two acts once; nothing for the finns' follow.
    notify(queue, at=tomorrow())
    (digest,) = mail.outbox
    assert digest.to == [PERSON[1]] and "2 acts" in digest.subject
    assert digest.extra_headers["Message-ID"].startswith(f"<digest.{russia.ref}.")
    assert f"/log/entries/{both.index}" not in digest.body  # mailed already
    assert digest.body.count(f"/log/entries/{dailies.index}\n") == 1
    assert digest.body.count(f"/log/entries/{own.index}\n") == 1
    assert ("It answers your follows of the acts concerning Russia (a daily digest); the acts "
            "of the Finns (a nationality) (a daily digest).") in digest.body
    assert not finns.notices.exists()
    assert notify(queue, at=tomorrow() + dt.timedelta(days=1)) == []  # never twice

    # A replay of the fan-out creates nothing, and the database itself refuses a second notice.
    outbox.OutboxCursor.objects.filter(name="follows").update(position=both.index)
    assert notify(queue, at=tomorrow() + dt.timedelta(days=1)) == []
    assert FollowNotice.objects.filter(canonical=offer.canonical).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowNotice.objects.create(follow=finns, canonical=finns.canonical, entry=dailies,
                                    created_at=timezone.now())


def test_the_rule_an_immediate_follow_first_then_the_oldest(db: None) -> None:
    def made(pk: int, frequency: str, canonical: str = "p") -> Follow:
        return Follow(pk=pk, canonical=canonical, frequency=frequency)

    daily, immediate, later = made(1, "daily"), made(5, "immediate"), made(7, "immediate")
    assert selectors.mailed_under([later, daily, immediate]) == [immediate, later, daily]
    assert selectors.mailed_under([made(9, "daily"), daily])[0].pk == 1
    other = made(2, "daily", "q")
    assert selectors.by_person([daily, other, immediate]) == [[immediate, daily], [other]]


def test_stopping_one_follow_hands_its_unsent_acts_to_the_others(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    offer = follow(queue, PERSON[0], "offer", OFFER)
    russia = follow(queue, PERSON[1], "state", "russia", "daily")
    (both,) = acts(("reply.recorded", f"offer:{OFFER}:germany", {}))
    while services.notices_fan_out():  # fanned out under the immediate follow, not yet sent
        pass
    assert FollowNotice.objects.count() == 1
    assert list(offer.notices.values_list("entry", flat=True)) == [both.pk]
    services.follow_unsubscribe(token=services.unsubscribe_token(offer.ref))
    (notice,) = FollowNotice.objects.all()
    assert notice.follow_id == russia.pk and notice.also == []
    notify(queue, at=tomorrow())
    (digest,) = mail.outbox
    assert digest.to == [PERSON[1]] and f"/log/entries/{both.index}" in digest.body
    assert "It answers your follow of the acts concerning Russia" in digest.body


def test_the_unsubscribe_page_names_the_follow_and_can_stop_them_all(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    offer = follow(queue, PERSON[0], "offer", OFFER)
    follow(queue, PERSON[1], "state", "germany", "daily")
    services.follow_submit(contact=PERSON[2], target="nationality", key="finns",
                           frequency="daily")  # pending: stopped too
    queue.run()
    stranger = follow(queue, "stranger@example.org", "state", "germany")
    token = services.unsubscribe_token(offer.ref)
    one_click = Client(enforce_csrf_checks=True)
    page = one_click.get(f"/unsubscribe/{token}/").content.decode()
    assert "Stop following the offer “<bdi>Decree on Peace</bdi>”" in page
    done = one_click.post(f"/unsubscribe/{token}/", "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded").content.decode()
    assert "You are unsubscribed from the offer “<bdi>Decree on Peace</bdi>”" in done
    assert "nothing more will be sent to you" not in done  # the others go on
    assert f'action="/unsubscribe/{token}/all/"' in done and "Stop all my follows" in done
    assert dict(Follow.objects.filter(canonical=offer.canonical)
                .values_list("target", "status")) == {
        "offer": "unsubscribed", "state": "active", "nationality": "pending"}

    # Another site cannot press it for the person; this site's button, with no cookie, can.
    refused = one_click.post(f"/unsubscribe/{token}/all/",
                             headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert Follow.objects.filter(status="active").count() == 2
    assert "<form" in one_click.get(f"/unsubscribe/{token}/all/").content.decode()
    assert Follow.objects.filter(status="active").count() == 2  # a GET changes nothing
    stopped = one_click.post(f"/unsubscribe/{token}/all/",
                             headers={"Sec-Fetch-Site": "same-origin"})
    assert stopped.status_code == 200 and "everything this address followed" in (
        stopped.content.decode())
    assert set(Follow.objects.exclude(pk=stranger.pk).values_list("status", "contact")) == {
        ("unsubscribed", "")}
    stranger.refresh_from_db()
    assert stranger.status == "active"
    assert one_click.post(f"/unsubscribe/{'0' * 64}/all/").status_code == 400


def test_a_stopped_follow_keeps_no_form_of_the_address_and_still_knows_the_person(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    """Stopping erases the address in every form, in the follow and in the notices it sent:
    what stays is the person's keyed hash. It still does all that the canonical form did:
    the stopped follow's page stops the person's other follows, following again is the same
    follow started afresh, and the database still refuses a second notice of an act the
    person was mailed."""
    offer = follow(queue, PERSON[0], "offer", OFFER)
    follow(queue, PERSON[1], "state", "russia", "daily")
    (both,) = acts(("reply.recorded", f"offer:{OFFER}:germany", {}))
    notify(queue)
    (sent,) = FollowNotice.objects.all()
    assert sent.follow_id == offer.pk and sent.sent_at is not None

    def kept(rows: Any) -> str:
        """Every value the rows keep, as one text."""
        return repr([list(row.values()) for row in rows.values()]).lower()

    token = services.unsubscribe_token(offer.ref)
    services.follow_unsubscribe(token=token)
    stopped = Follow.objects.filter(pk=offer.pk)
    for spelled in ("fol.lower", "follower", "@"):
        assert spelled not in kept(stopped) and spelled not in kept(FollowNotice.objects)
    assert offer.canonical == services.person_of("follower@gmail.com")

    assert services.follows_unsubscribe_all(token=token) == 1  # russia, found by the hash
    for spelled in ("fol.lower", "follower", "@"):
        assert spelled not in kept(Follow.objects) and spelled not in kept(FollowNotice.objects)

    again = follow(queue, PERSON[2], "offer", OFFER)
    assert again.pk == offer.pk and again.status == "active" and again.contact == PERSON[2]
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowNotice.objects.create(follow=again, canonical=again.canonical, entry=both,
                                    created_at=timezone.now())


def test_the_one_click_post_is_taken_from_wherever_it_comes(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    """RFC 8058: a webmail may send the one-click POST from its own page; the token is the
    authority, and it stops that one follow only."""
    subscribed = follow(queue, "w@example.org", "offer", OFFER)
    response = Client(enforce_csrf_checks=True).post(
        f"/unsubscribe/{services.unsubscribe_token(subscribed.ref)}/",
        "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://webmail.example"})
    assert response.status_code == 200
    subscribed.refresh_from_db()
    assert subscribed.status == "unsubscribed"


# ------------------------------------------------------------------ no mail bomb


def test_an_address_gets_only_a_few_links_waiting_at_a_time(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    client = Client()
    states = [key for key, _ in selectors.followable()["state"]]
    targets = [f"offer:{OFFER}", *(f"state:{key}" for key in states),
               "nationality:finns"]
    for n, target in enumerate(targets):
        response = client.post("/follow/", {"target": target, "frequency": "daily",
                                            "contact": PERSON[n % len(PERSON)]})
        assert (response.status_code, response["Location"]) == (302, "/follow/sent/")
    queue.run()
    assert len(mail.outbox) == Follow.objects.count() < len(targets)
    assert len(mail.outbox) == services.PENDING_CAP and len(targets) > services.PENDING_CAP + 2
    assert {m.to[0] for m in mail.outbox} <= set(PERSON)
    services.follow_submit(contact=PERSON[0], target="offer", key=OFFER, frequency="immediate")
    assert queue.run() == [] and Follow.objects.get(target="offer").frequency == "daily"

    # One confirmed: one more link may go out.
    first = mail.outbox[0]
    services.follow_confirm(token=token_in(first, "follow/confirm"))
    services.follow_submit(contact=PERSON[1], target="state", key=states[-1], frequency="daily")
    services.follow_submit(contact=PERSON[1], target="nationality", key="finns",
                           frequency="daily")
    assert queue.run() == [True] and len(mail.outbox) == services.PENDING_CAP + 1

    # The links waiting expire: their follows stop counting, and their links are refused.
    waiting = Follow.objects.filter(status="pending")
    assert waiting.count() == services.PENDING_CAP
    waiting.update(submitted_at=timezone.now() - services.CONFIRM_WITHIN)
    expired = token_in(mail.outbox[1], "follow/confirm")
    with pytest.raises(services.FollowRefused, match="expired"):
        services.follow_confirm(token=expired)
    assert Follow.objects.filter(status="active").count() == 1
    services.follow_submit(contact=PERSON[2], target="state", key=states[0],
                           frequency="immediate")  # following it again starts it afresh
    services.follow_submit(contact=PERSON[2], target="nationality", key="finns",
                           frequency="daily")
    assert queue.run() == [True, True]
    fresh = token_in(mail.outbox[-2], "follow/confirm")
    assert fresh != expired
    with pytest.raises(services.FollowRefused, match="not valid"):
        services.follow_confirm(token=expired)
    renewed = services.follow_confirm(token=fresh)
    assert (renewed.key, renewed.status, renewed.frequency) == (states[0], "active", "immediate")


@pytest.mark.parametrize(("address", "network"), [
    ("198.51.100.{n}", "198.51.100.0/24"),
    ("2001:db8:7:{n}::1", "2001:db8:7::/48"),
])
def test_a_network_gets_only_a_few_links_waiting_at_a_time(
    released: Offer, queue: Queue, address: str, network: str,  # noqa: F811
) -> None:
    """The audit's flood: one mailbox under many addresses (`+tags` on a domain the mail rules
    do not name, so each is a person of its own), from one network. Once `PENDING_PER_NETWORK`
    follows from it wait, a submission from it writes and mails nothing, and its page is the
    same; a confirmation or the links' expiry makes room again, and other networks are not held
    up."""
    client = Client()
    cap = services.PENDING_PER_NETWORK

    def submit(n: int) -> None:
        response = client.post("/follow/", {"target": f"offer:{OFFER}", "frequency": "daily",
                                            "contact": f"victim+f{n}@corp.example.org"},
                               REMOTE_ADDR=address.format(n=n))
        assert (response.status_code, response["Location"]) == (302, "/follow/sent/")

    for n in range(cap + 5):
        submit(n)
    queue.run()
    assert len(mail.outbox) == Follow.objects.count() == cap
    assert set(Follow.objects.values_list("network", flat=True)) == {network}
    submit(0)  # not even the mail that an address already waits
    assert queue.run() == []
    services.follow_submit(contact="other@example.org", target="offer", key=OFFER,
                           frequency="daily", address="203.0.113.9")
    assert queue.run() == [True]

    services.follow_confirm(token=token_in(mail.outbox[0], "follow/confirm"))
    submit(90)
    submit(91)
    assert queue.run() == [True] and Follow.objects.filter(network=network).count() == cap + 1

    Follow.objects.filter(status="pending").update(
        submitted_at=timezone.now() - services.CONFIRM_WITHIN)
    submit(92)
    assert queue.run() == [True]


def test_the_network_is_the_client_s_behind_a_trusted_proxy_and_goes_with_the_follow(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    Client().post("/follow/", {"target": f"offer:{OFFER}", "frequency": "daily",
                               "contact": "p@example.org"},
                  REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "198.51.100.7"})
    queue.run()
    (waiting,) = Follow.objects.all()
    assert waiting.network == "198.51.100.0/24"
    services.follow_unsubscribe(token=services.unsubscribe_token(waiting.ref))
    waiting.refresh_from_db()
    assert (waiting.contact, waiting.network) == ("", "")


# ------------------------------------------------------------------ expired links are deleted


def test_follows_left_unconfirmed_are_deleted_once_their_link_expires(
    released: Offer, queue: Queue,  # noqa: F811
) -> None:
    """A follow never confirmed keeps nothing past its link's expiry: `openpeace follows run`
    (each round of the worker `serve` runs) deletes it, address, person (its hash) and network,
    and says how many; a round with nothing expired deletes nothing. Waiting, active and
    unsubscribed follows are left as they are, and following again after it starts afresh."""
    follow(queue, "active@example.org", "offer", OFFER)
    stopped = follow(queue, "stopped@example.org", "offer", OFFER)
    services.follow_unsubscribe(token=services.unsubscribe_token(stopped.ref))
    for n, contact in enumerate(("old@example.org", "older@example.org", "new@example.org")):
        services.follow_submit(contact=contact, target="state", key="russia",
                               frequency="daily", address=f"198.51.100.{n}")
    queue.run()
    old_link = token_in(next(m for m in mail.outbox if m.to == ["old@example.org"]),
                        "follow/confirm")
    now = timezone.now()
    Follow.objects.exclude(contact="new@example.org").update(  # the active one, too
        submitted_at=now - services.CONFIRM_WITHIN)
    Follow.objects.filter(contact="new@example.org").update(
        submitted_at=now - services.CONFIRM_WITHIN + dt.timedelta(minutes=1))  # still waits

    out = StringIO()
    call_command("follows", "run", stdout=out)
    assert sorted(Follow.objects.values_list("contact", "status")) == [
        ("", "unsubscribed"), ("active@example.org", "active"), ("new@example.org", "pending")]
    assert "2 follows deleted, their links expired unconfirmed" in out.getvalue()
    assert not Follow.objects.filter(canonical=services.person_of("old@example.org")).exists()
    assert not Follow.objects.filter(network__in=["198.51.100.0/24"]).exclude(
        contact="new@example.org").exists()
    with pytest.raises(services.FollowRefused, match=r"not valid: .*\(a link works for 3 days\)"):
        services.follow_confirm(token=old_link)

    out = StringIO()
    call_command("follows", "run", stdout=out)  # idempotent: nothing left to delete
    assert "deleted" not in out.getvalue()
    assert Follow.objects.count() == 3

    mail.outbox.clear()
    services.follow_submit(contact="old@example.org", target="state", key="russia",
                           frequency="daily")
    assert queue.run() == [True] and mail.outbox[0].to == ["old@example.org"]
    services.follow_confirm(token=token_in(mail.outbox[0], "follow/confirm"))


def test_expired_follows_are_deleted_a_batch_at_a_time(released: Offer) -> None:  # noqa: F811
    for n in range(5):
        services.follow_submit(contact=f"p{n}@example.org", target="offer", key=OFFER,
                               frequency="daily")
    later = timezone.now() + services.CONFIRM_WITHIN
    assert [services.follows_expired_delete(at=later, batch=2) for _ in range(4)] == [2, 2, 1, 0]
    assert not Follow.objects.exists()
