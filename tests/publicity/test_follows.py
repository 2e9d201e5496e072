"""E-mail follows: double opt-in (nothing is mailed before the confirmation), the acts of an offer,
a state or a nationality mailed at once or in a daily digest, the one-click unsubscribe of RFC
8058 (`List-Unsubscribe`, `List-Unsubscribe-Post`, a POST with no CSRF token and no further
step), never twice for the same act (a crash between a send and its record resends only the one
mail, with the same Message-ID), and bad input on every path.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.log.services import log_integrate
from openpeace.publicity import outbox
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.follows import selectors, services
from openpeace.publicity.follows.models import Follow, FollowNotice
from tests.publicity.conftest import Queue
from tests.publicity.test_webhooks import acts

OFFER = "peace-1917"


@pytest.fixture
def released(complete_offer: Offer, queue: Queue) -> Offer:
    """The test offer, released and integrated (its release mail to envoys left aside)."""
    offer_release(offer=complete_offer)
    log_integrate()
    queue.run()
    return complete_offer


def notify(queue: Queue, at: dt.datetime | None = None) -> list[Any]:
    """What `openpeace follows run` and a worker do: fan out, dispatch, run the tasks."""
    while services.notices_fan_out(at=at):
        pass
    services.notices_dispatch(at=at)
    return queue.run()


def token_in(message: Any, name: str) -> str:
    found = re.search(rf"/{name}/([0-9a-f]{{64}})/", message.body)
    assert found, message.body
    return found.group(1)


def follow(queue: Queue, contact: str, target: str, key: str,
           frequency: str = "immediate") -> Follow:
    """A confirmed follow, through the service and its confirmation mail."""
    mail.outbox.clear()
    services.follow_submit(contact=contact, target=target, key=key, frequency=frequency)
    queue.run()
    (message,) = mail.outbox
    mail.outbox.clear()
    return services.follow_confirm(token=token_in(message, "follow/confirm"))


# ------------------------------------------------------------------ the whole flow


def test_opt_in_then_each_act_once_then_one_click_unsubscribe(
    released: Offer, queue: Queue,
) -> None:
    client = Client()
    page = client.get(f"/follow/?offer={OFFER}").content.decode()
    assert f'value="offer:{OFFER}" selected' in page
    response = client.post("/follow/", {"target": f"offer:{OFFER}",
                                        "contact": "Jane.Doe@Example.org",
                                        "frequency": "immediate"})
    assert response.status_code == 302 and response["Location"] == "/follow/sent/"
    assert queue.run() == [True]
    (confirmation,) = mail.outbox
    assert confirmation.to == ["Jane.Doe@Example.org"]
    assert "Decree on Peace" in confirmation.subject
    mail.outbox.clear()

    acts(("offer.status_changed", f"offer:{OFFER}", {"status": "open"}))
    notify(queue)
    assert mail.outbox == [] and not FollowNotice.objects.exists()  # not before the opt-in

    link = f"/follow/confirm/{token_in(confirmation, 'follow/confirm')}/"
    assert "<form" in client.get(link).content.decode()
    assert Follow.objects.get().status == "pending"  # opening the link confirms nothing
    assert "You follow" in client.post(link).content.decode()
    subscribed = Follow.objects.get()
    assert subscribed.status == "active"

    first, second = acts(("offer.status_changed", f"offer:{OFFER}", {"status": "replied"}),
                         ("reply.recorded", f"offer:{OFFER}:germany", {"state": "germany"}))
    acts(("treaty.published", "treaty:other", {}))  # not the offer's
    assert notify(queue) == [2]
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<act.{subscribed.ref}.{first.index}@127.0.0.1>",
        f"<act.{subscribed.ref}.{second.index}@127.0.0.1>"]
    message = mail.outbox[0]
    unsubscribe = token_in(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000/unsubscribe/{unsubscribe}/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/log/entries/{first.index}.tlog-proof" in message.body
    assert notify(queue) == [] and len(mail.outbox) == 2  # never twice

    assert "<form" in client.get(f"/unsubscribe/{unsubscribe}/").content.decode()
    assert Follow.objects.get().status == "active"  # a GET changes nothing
    one_click = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no CSRF token
    response = one_click.post(f"/unsubscribe/{unsubscribe}/", "List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    gone = Follow.objects.get()
    assert gone.status == "unsubscribed" and gone.contact == ""
    assert one_click.post(f"/unsubscribe/{unsubscribe}/").status_code == 200  # again: the same
    acts(("offer.status_changed", f"offer:{OFFER}", {"status": "closed"}))
    assert notify(queue) == [] and len(mail.outbox) == 2


def test_a_state_and_a_nationality_are_followed_through_their_acts(
    released: Offer, queue: Queue,
) -> None:
    germany = follow(queue, "g@example.org", "state", "germany")
    finns = follow(queue, "f@example.org", "nationality", "finns")
    acts(("reply.recorded", f"offer:{OFFER}:germany", {}),  # germany (and russia)
         ("demand.filed", "nationality:finns", {}),  # the finns (and russia, their ruler)
         ("evacuation.plan_adopted", "occupation:alsace:france", {}),  # germany holds alsace
         ("endorsement.tally", f"offer:{OFFER}", {}),  # bookkeeping: never mailed
         ("test.other", "state:france", {}))
    notify(queue)
    got = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [to for to, _ in got] == ["f@example.org", "g@example.org", "g@example.org"]
    assert FollowNotice.objects.filter(follow=germany).count() == 2
    assert FollowNotice.objects.filter(follow=finns).count() == 1


def test_a_plebiscite_and_a_decision_s_consequences_are_for_its_nationality_and_ballots_are_quiet(
    db: None,
) -> None:
    register = Register()
    register.__dict__["plebiscites"] = {"e-1": (1, "finns")}
    register.__dict__["states"] = {}
    register.__dict__["rulers"] = {}

    def entry(kind: str, subject: str, content: dict[str, Any] | None = None) -> Any:
        from openpeace.log.models import Entry
        from openpeace.log.services import canonical_json

        return Entry(kind=kind, subject=subject, index=1, body=canonical_json(
            {"v": 1, "kind": kind, "subject": subject, "time": "x", "content": content or {}}))

    assert selectors.targets_of(entry("plebiscite.called", "plebiscite:e-1"), register) == {
        ("nationality", "finns")}
    assert selectors.targets_of(entry("plebiscite.ballot_cast", "plebiscite:e-1"),
                                register) == set()
    assert selectors.targets_of(entry("offer.released", "offer:k:germany"), register) == {
        ("offer", "k")}
    # What a nationality's decision changed on the treaties is for its followers too; what an
    # official's command changed is for no nationality's.
    register.__dict__["treaties"] = {}
    caused = {"treaty": "t", "clauses": [], "why": "decision recorded",
              "decision": {"nationality": "finns", "taken_on": "1917-12-06"}}
    assert ("nationality", "finns") in selectors.targets_of(
        entry("treaty.findings_changed", "treaty:t", caused), register)
    assert not any(target == "nationality" for target, _ in selectors.targets_of(
        entry("treaty.findings_changed", "treaty:t", {**caused, "decision": None}), register))


# ------------------------------------------------------------------ the daily digest


def test_a_daily_digest_lists_the_days_acts_once_a_day(
    released: Offer, queue: Queue,
) -> None:
    subscribed = follow(queue, "d@example.org", "offer", OFFER, "daily")
    day = timezone.now().date() + dt.timedelta(days=10)
    at = lambda days, hour: dt.datetime.combine(  # noqa: E731
        day + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)
    first, second = acts(("offer.status_changed", f"offer:{OFFER}", {"n": 1}),
                         ("offer.status_changed", f"offer:{OFFER}", {"n": 2}))
    notify(queue, at=at(0, 9))
    assert notify(queue, at=at(0, 23)) == [] and mail.outbox == []  # the day is not over
    assert notify(queue, at=at(1, 0)) == [True]
    (digest,) = mail.outbox
    assert "2 acts" in digest.subject and day.strftime("%B") in digest.subject
    assert digest.extra_headers["Message-ID"] == (
        f"<digest.{subscribed.ref}.{day.isoformat()}@127.0.0.1>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.body.index(f"/log/entries/{first.index}") < digest.body.index(
        f"/log/entries/{second.index}")
    acts(("offer.status_changed", f"offer:{OFFER}", {"n": 3}))
    notify(queue, at=at(1, 10))
    assert notify(queue, at=at(1, 23)) == [] and len(mail.outbox) == 1  # once a day
    assert notify(queue, at=at(2, 6)) == [True]
    assert "1 act," in mail.outbox[1].subject
    assert not FollowNotice.objects.filter(sent_at__isnull=True).exists()


# ------------------------------------------------------------------ never twice


def test_a_crash_between_a_mail_and_its_record_resends_that_one_only(
    released: Offer, queue: Queue, monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribed = follow(queue, "c@example.org", "offer", OFFER)
    entries = acts(*[("offer.status_changed", f"offer:{OFFER}", {"n": n}) for n in range(5)])
    settle, calls = outbox.settle, []

    def dies_on_the_third(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("the worker dies after sending its third mail")
        return settle(*args, **kwargs)

    monkeypatch.setattr(outbox, "settle", dies_on_the_third)
    with pytest.raises(SystemExit):
        notify(queue)
    monkeypatch.setattr(outbox, "settle", settle)
    assert len(mail.outbox) == 3
    assert notify(queue) == []  # the dead worker's claims hold until their lease expires
    later = timezone.now() + outbox.lease() + dt.timedelta(seconds=1)
    notify(queue, at=later)
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    expected = [f"<act.{subscribed.ref}.{e.index}@127.0.0.1>" for e in entries]
    assert sorted(ids) == sorted([*expected, expected[2]])  # only the one in flight, twice

    start = subscribed.starts_at_index
    outbox.OutboxCursor.objects.filter(name="follows").update(position=start)  # a replay
    assert notify(queue, at=later) == [] and len(mail.outbox) == 6


# ------------------------------------------------------------------ duplicates and bad input


def test_submitting_again_mails_what_happened_and_at_most_five_times(
    released: Offer, queue: Queue,
) -> None:
    for _ in range(2):
        services.follow_submit(contact="r@example.org", target="offer", key=OFFER,
                               frequency="daily")
    services.follow_submit(contact="R@EXAMPLE.ORG", target="offer", key=OFFER,
                           frequency="immediate")  # the same person: the latest choice
    queue.run()
    assert [m.subject.startswith("Confirm") for m in mail.outbox] == [True] * 3
    assert len({token_in(m, "follow/confirm") for m in mail.outbox}) == 1
    assert Follow.objects.get().frequency == "immediate"
    services.follow_confirm(token=token_in(mail.outbox[0], "follow/confirm"))
    for _ in range(4):
        services.follow_submit(contact="r@example.org", target="offer", key=OFFER,
                               frequency="daily")
    queue.run()
    assert [m.subject.startswith("You already follow") for m in mail.outbox[3:]] == [True] * 2
    assert len(mail.outbox) == services.MAX_MAILS and Follow.objects.count() == 1


def test_following_again_after_unsubscribing_starts_afresh(
    released: Offer, queue: Queue,
) -> None:
    old = follow(queue, "a@example.org", "offer", OFFER)
    old_confirm = services.confirm_token(old.ref)
    services.follow_unsubscribe(token=services.unsubscribe_token(old.ref))
    with pytest.raises(services.FollowRefused, match="not valid"):
        services.follow_confirm(token=old_confirm)
    again = follow(queue, "a@example.org", "offer", OFFER, "daily")
    assert again.pk == old.pk and again.ref != old.ref and again.status == "active"
    assert again.frequency == "daily"


@pytest.mark.parametrize(("data", "problem"), [
    ({"target": f"offer:{OFFER}", "frequency": "daily"}, "This field is required"),
    ({"target": f"offer:{OFFER}", "contact": "not an address", "frequency": "daily"},
     "Enter a valid email address"),
    ({"target": f"offer:{OFFER}", "contact": "a@localhost", "frequency": "daily"},
     "the e-mail address: "),
    ({"target": "offer:no-such-offer", "contact": "a@example.org", "frequency": "daily"},
     "Select a valid choice"),
    ({"target": "nonsense", "contact": "a@example.org", "frequency": "daily"},
     "Select a valid choice"),
    ({"target": f"offer:{OFFER}", "contact": "a@example.org", "frequency": "weekly"},
     "Select a valid choice"),
    ({"target": f"offer:{OFFER}", "contact": "a@example.org"}, "This field is required"),
])
def test_bad_input_to_the_form_is_named_and_stores_nothing(
    released: Offer, data: dict[str, str], problem: str,
) -> None:
    response = Client().post("/follow/", data)
    assert response.status_code == 400 and problem in response.content.decode()
    assert not Follow.objects.exists()


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"target": "offer", "key": "draft-offer"}, "there is no offer 'draft-offer'"),
    ({"target": "treaty", "key": "t"}, "there is no treaty"),
    ({"target": "state", "key": "atlantis"}, "there is no state 'atlantis'"),
    ({"frequency": "hourly"}, "immediate or daily"),
    ({"contact": "jane@@example.org"}, "the e-mail address"),
])
def test_bad_input_to_the_service_is_refused(
    released: Offer, kwargs: dict[str, str], problem: str,
) -> None:
    Offer.objects.create(key="draft-offer", title="Draft", proposing_state=released.proposing_state,
                         reply_deadline=released.reply_deadline, terms={})
    asked = {"contact": "a@example.org", "target": "offer", "key": OFFER,
             "frequency": "daily", **kwargs}
    with pytest.raises(services.FollowRefused, match=problem):
        services.follow_submit(**asked)
    assert not Follow.objects.exists()


def test_bad_links_are_refused_and_change_nothing(released: Offer, queue: Queue) -> None:
    subscribed = follow(queue, "b@example.org", "offer", OFFER)
    client = Client()
    for path in ("/follow/confirm/0123/", f"/unsubscribe/{'0' * 64}/", "/unsubscribe/x/"):
        response = client.post(path)
        assert response.status_code == 400 and "not valid" in response.content.decode()
    assert client.put(f"/unsubscribe/{'0' * 64}/").status_code == 405
    subscribed.refresh_from_db()
    assert subscribed.status == "active"


def test_the_command_lists_and_unsubscribes(released: Offer, queue: Queue) -> None:
    follow(queue, "Jane.Doe@example.org", "offer", OFFER)
    follow(queue, "jane.doe@example.org", "state", "germany", "daily")
    out = StringIO()
    call_command("follows", "list", stdout=out)
    assert f"offer:{OFFER}\tactive\timmediate\t1" in out.getvalue()
    assert "@" not in out.getvalue()  # no addresses
    out = StringIO()
    call_command("follows", "unsubscribe", "JANE.DOE@example.org", stdout=out)
    assert "2 follows unsubscribed" in out.getvalue()
    assert set(Follow.objects.values_list("status", flat=True)) == {"unsubscribed"}
    with pytest.raises(CommandError, match="the e-mail address"):
        call_command("follows", "unsubscribe", "not-an-address")
    with pytest.raises(CommandError):
        call_command("follows", "subscribe", "x@example.org")


def test_a_refused_address_is_said_at_its_field(released: Offer) -> None:
    """The service's refusal of an address is the contact field's error: the input is marked
    invalid and names it (Django's aria attributes), not only a message above the form."""
    html = Client().post("/follow/", {"target": f"offer:{OFFER}", "contact": "a@localhost",
                                      "frequency": "daily"}).content.decode()
    assert re.search(r'<input[^>]*name="contact"[^>]*aria-invalid="true"'
                     r'[^>]*aria-describedby="[^"]*\bid_contact_error\b', html)
    assert re.search(r'<span id="id_contact_error">[^<]*<br><strong role="alert">the e-mail '
                     r"address: ", html)
    assert '<div role="alert">' not in html  # no form-level alert besides


# ------------------------------------------------------------------ no cookie, no other site


def test_following_and_confirming_need_no_cookie_and_refuse_other_sites(
    released: Offer, queue: Queue,
) -> None:
    browser = Client(enforce_csrf_checks=True)  # cookies blocked: it has no CSRF cookie
    form = browser.get(f"/follow/?offer={OFFER}")
    assert not form.cookies and "csrfmiddlewaretoken" not in form.content.decode()
    data = {"target": f"offer:{OFFER}", "contact": "c@example.org", "frequency": "daily"}
    for elsewhere in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://campaign.example"}):
        refused = browser.post("/follow/", data, headers=elsewhere)
        assert refused.status_code == 403 and b"sent from another site" in refused.content
        assert not Follow.objects.exists()
    sent = browser.post("/follow/", data, headers={"Sec-Fetch-Site": "same-origin"})
    assert (sent.status_code, sent["Location"]) == (302, "/follow/sent/")
    queue.run()

    link = f"/follow/confirm/{token_in(mail.outbox[0], 'follow/confirm')}/"
    shown = browser.get(link)
    assert not shown.cookies and "csrfmiddlewaretoken" not in shown.content.decode()
    assert ("You asked to follow the offer “<bdi>Decree on Peace</bdi>” by e-mail: a daily "
            "digest.") in shown.content.decode()
    refused = browser.post(link, headers={"Sec-Fetch-Site": "same-site"})
    assert refused.status_code == 403 and Follow.objects.get().status == "pending"
    confirmed = browser.post(link, headers={"Sec-Fetch-Site": "same-origin"})
    assert confirmed.status_code == 200 and Follow.objects.get().status == "active"
    assert ("You follow the offer “<bdi>Decree on Peace</bdi>” by e-mail: a daily digest"
            in confirmed.content.decode())


@pytest.mark.parametrize(("target", "key", "said"), [
    ("state", "germany", "the acts concerning <bdi>Germany</bdi>"),
    ("nationality", "finns", "the acts of the <bdi>Finns</bdi> (a nationality)"),
])
def test_every_page_of_a_follow_says_its_name_in_bdi(
    released: Offer, queue: Queue, target: str, key: str, said: str,
) -> None:
    services.follow_submit(contact="n@example.org", target=target, key=key, frequency="daily")
    queue.run()
    link = f"/follow/confirm/{token_in(mail.outbox[0], 'follow/confirm')}/"
    client = Client()
    assert said in client.get(link).content.decode()
    assert said in client.post(link).content.decode()
    unsubscribe = f"/unsubscribe/{services.unsubscribe_token(Follow.objects.get().ref)}/"
    assert said in client.get(unsubscribe).content.decode()
    assert said in client.post(unsubscribe).content.decode()


# ------------------------------------------------------------------ where to follow from


def test_the_offer_state_and_nationality_pages_link_to_the_form(released: Offer) -> None:
    client = Client()
    assert f"/follow/?offer={OFFER}" in client.get(f"/offers/{OFFER}/").content.decode()
    assert "/follow/?state=germany" in client.get("/states/germany/").content.decode()
    page = client.get("/nationalities/finns/demands/").content.decode()
    assert "/follow/?nationality=finns" in page


def test_officials_see_the_follows_and_the_public_does_not(
    released: Offer, queue: Queue, django_user_model: Any,
) -> None:
    follow(queue, "o@example.org", "offer", OFFER)
    anonymous = Client().get("/admin/publicity/follow/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    official = Client()
    official.force_login(django_user_model.objects.create_superuser("official", "", "pw"))
    page = official.get("/admin/publicity/follow/").content.decode()
    assert OFFER in page and "active" in page
    assert official.get("/admin/publicity/follownotice/").status_code == 200
