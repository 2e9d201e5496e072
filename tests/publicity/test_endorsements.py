"""Endorsements through the services: one person once under canonicalisation, the
confirmation, the checks that can only mark suspect (and hold a suspect's mails, logging a
batch's suspicions once per offer), invalidations, the tally over a lagging window, the recount
that must match, and pseudonymisation."""

from __future__ import annotations

import datetime as dt
import uuid
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity import services
from openpeace.publicity.feeds.acts import content_of, describe
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.models import Endorsement, TallyCount, TallySnapshot
from openpeace.world.models import State, Territory
from tests.diplomacy.conftest import write_texts
from tests.publicity.conftest import Queue


def submit(offer: Offer, contact: str, country: str = "germany", region: str | None = None,
           address: str | None = "192.0.2.1", at: dt.datetime | None = None
           ) -> services.Submitted:
    return services.endorsement_submit(
        offer=offer, contact=contact, country=State.objects.get(key=country),
        region=Territory.objects.get(key=region) if region else None, address=address, at=at)


def confirm(endorsement: Endorsement, at: dt.datetime | None = None) -> Endorsement:
    return services.endorsement_confirm(
        token=services.confirmation_token(endorsement.ref), at=at)


def endorse(offer: Offer, contact: str, **kwargs: Any) -> Endorsement:
    return confirm(submit(offer, contact, **kwargs).endorsement)


def mail_owed(queue: Queue) -> int:
    """What `openpeace endorsements dispatch` and a worker do: the checks, then claim the mails
    owed, run the batches' tasks; returns how many mails were sent."""
    services.endorsements_check()
    services.endorsement_mails_dispatch()
    return sum(queue.run())


def check() -> dict[str, str]:
    """What `openpeace endorsements dispatch` does first: the checks; returns each checked
    endorsement's suspicion ('' if none), by contact."""
    services.endorsements_check()
    return dict(Endorsement.objects.values_list("contact", "suspect"))


def tally(offer: Offer) -> TallySnapshot | None:
    """The tally job, now, with no lag (the lag is tested on its own)."""
    return services.tally_run(offer=offer, lag=dt.timedelta(0))


def test_submit_confirm_and_count(endorsable: Offer, queue: Queue) -> None:
    submitted = submit(endorsable, "Jane.Doe+peace@GMail.com", region="alsace")
    assert not submitted.duplicate and submitted.endorsement.status == "pending"
    assert tally(endorsable) is not None and TallyCount.objects.count() == 0  # not confirmed
    assert mail_owed(queue) == 1 and mail.outbox[-1].to == ["Jane.Doe+peace@GMail.com"]
    assert mail_owed(queue) == 0  # owed once, sent once
    link = mail.outbox[-1].body.split("link and press the button:\n")[1].split("\n")[0]
    assert services.confirmation_token(submitted.endorsement.ref) in link
    confirmed = confirm(submitted.endorsement)
    assert confirmed.status == "confirmed" and confirmed.canonical == "janedoe@gmail.com"
    snapshot = tally(endorsable)
    assert snapshot is not None and snapshot.total == 1
    assert snapshot.counts == {"germany": {"alsace": 1}}
    entry = Entry.objects.get(pk=snapshot.entry_id)
    assert entry.kind == "endorsement.tally" and b'"total":1' in entry.body
    assert b"gmail" not in entry.body  # only aggregates are public


def test_a_double_click_counts_once(endorsable: Offer) -> None:
    endorsement = submit(endorsable, "a@example.org").endorsement
    confirm(endorsement)
    confirm(endorsement)
    assert tally(endorsable).total == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("again", ["JANE.DOE@gmail.com", "janedoe+x@googlemail.com",
                                   "j.a.n.e.d.o.e@GMAIL.COM"])
def test_one_person_once_under_canonicalisation(endorsable: Offer, again: str,
                                                queue: Queue) -> None:
    first = endorse(endorsable, "jane.doe@gmail.com")
    mail_owed(queue)
    mail.outbox.clear()
    second = submit(endorsable, again, country="russia")
    assert second.duplicate and second.endorsement.pk == first.pk
    assert Endorsement.objects.count() == 1
    assert mail_owed(queue) == 1
    assert "already endorsed" in mail.outbox[-1].subject
    assert tally(endorsable).total == 1  # type: ignore[union-attr]


def test_what_no_rule_merges_stays_two_people(endorsable: Offer) -> None:
    endorse(endorsable, "jane.doe@example.org")
    endorse(endorsable, "janedoe@example.org")
    endorse(endorsable, "jane.doe+x@example.org")
    assert tally(endorsable).total == 3  # type: ignore[union-attr]


def test_the_mails_of_one_endorsement_are_capped(endorsable: Offer, queue: Queue) -> None:
    sent = []
    for _ in range(services.MAX_MAILS + 3):
        submit(endorsable, "a@example.org")
        sent.append(mail_owed(queue))
    assert sent == [1] * services.MAX_MAILS + [0] * 3
    assert len(mail.outbox) == services.MAX_MAILS


def test_a_mail_owed_twice_before_it_goes_out_is_sent_once(endorsable: Offer,
                                                          queue: Queue) -> None:
    submit(endorsable, "a@example.org")
    submit(endorsable, "A@example.org")
    assert mail_owed(queue) == 1 and mail_owed(queue) == 0
    assert Endorsement.objects.get().mails_sent == 2  # both are spent: the cap counts them


def test_a_batch_sends_only_what_it_still_holds(endorsable: Offer, queue: Queue) -> None:
    """A task that runs late, after its claim expired and another sender claimed the rows,
    sends nothing (`publicity.outbox`)."""
    submit(endorsable, "a@example.org")
    services.endorsements_check()
    services.endorsement_mails_dispatch()
    (late,) = queue.pending()
    later = timezone.now() + dt.timedelta(seconds=settings.OPENPEACE_OUTBOX_LEASE + 1)
    assert services.endorsement_mails_dispatch(at=later) == 1  # claimed again
    assert late.task.call(*late.args) == 0 and len(mail.outbox) == 0
    assert sum(queue.run()) == 1 and len(mail.outbox) == 1


def test_a_mail_that_fails_stays_owed(endorsable: Offer, queue: Queue, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.publicity.test_endorsements.FailingBackend"
    submit(endorsable, "a@example.org")
    assert mail_owed(queue) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_owed(queue) == 0  # its claim still holds: the pause before it is tried again
    later = timezone.now() + dt.timedelta(seconds=settings.OPENPEACE_OUTBOX_LEASE + 1)
    services.endorsement_mails_dispatch(at=later)
    assert sum(queue.run()) == 1 and len(mail.outbox) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


def test_suspects_are_never_counted_and_the_submitter_sees_no_difference(
    endorsable: Offer, settings: Any,
) -> None:
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 2
    refs = [submit(endorsable, f"p{n}@example.org", address="198.51.100.7").endorsement
            for n in range(4)]
    reasons = [check()[f"p{n}@example.org"] for n in range(4)]
    assert reasons[:2] == ["", ""] and all("from one address" in r for r in reasons[2:])
    assert services.endorsements_check() == 0  # each is checked once
    for endorsement in refs:
        confirm(endorsement)  # the flow goes on as if nothing happened
    assert tally(endorsable).total == 2  # type: ignore[union-attr]
    (suspected,) = Entry.objects.filter(kind="endorsement.suspected")  # one for the batch
    assert [s["endorsement"] for s in content_of(suspected)["suspected"]] == [  # type: ignore[index]
        str(e.ref) for e in refs[2:]]
    assert b"198.51.100.7" not in suspected.body


def test_an_ipv4_client_through_a_dual_stack_socket_is_in_its_ipv4_network(
    endorsable: Offer, settings: Any,
) -> None:
    settings.OPENPEACE_ENDORSE_PER_NETWORK = 1
    mapped = [endorse(endorsable, f"m{n}@example.org", address=f"::ffff:198.51.{n}.7")
              for n in range(3)]
    assert [(e.address, e.network) for e in mapped] == [
        (f"198.51.{n}.7", f"198.51.{n}.0/24") for n in range(3)]
    assert set(check().values()) == {""}  # three networks, not one '::/48'


def test_a_network_limit_and_a_release(endorsable: Offer, settings: Any) -> None:
    settings.OPENPEACE_ENDORSE_PER_NETWORK = 1
    endorse(endorsable, "a@example.org", address="203.0.113.1")
    two = endorse(endorsable, "b@example.org", address="203.0.113.99")
    reasons = check()
    assert reasons["a@example.org"] == "" and "one network" in reasons["b@example.org"]
    assert tally(endorsable).total == 1  # type: ignore[union-attr]
    official = get_user_model().objects.create_user("official")
    services.endorsement_release(endorsement=two, official=official)
    assert tally(endorsable).total == 2  # type: ignore[union-attr]
    assert Entry.objects.filter(kind="endorsement.released").count() == 1
    with pytest.raises(services.EndorsementRefused, match="not suspect"):
        services.endorsement_release(endorsement=two, official=official)


def test_a_suspicion_after_counting_takes_the_count_back(endorsable: Offer) -> None:
    endorsement = endorse(endorsable, "a@example.org")
    assert tally(endorsable).total == 1  # type: ignore[union-attr]
    assert services.endorsements_suspect(reasons={endorsement.pk: "reviewed"}) == 1
    assert tally(endorsable).total == 0  # type: ignore[union-attr]


# ------------------------------------------------------------------ no mail to a suspect


def test_a_flood_naming_one_mailbox_is_mailed_only_what_the_limits_let_through(
    endorsable: Offer, queue: Queue, client: Client, settings: Any,
) -> None:
    """The audit's mail bomb: 50 submissions from one address, each a new person under the mail
    rules (a domain they do not name keeps its `+tags`), all for one mailbox. Each gets the same
    page; the checks let the first five through and hold the rest as suspect, and those are not
    mailed until an official releases one: then its link goes, and it counts once confirmed."""
    settings.OPENPEACE_ENDORSE_PER_ADDRESS, settings.OPENPEACE_ENDORSE_PER_NETWORK = 5, 50
    contacts = [f"victim+b{n}@corp.example.org" for n in range(50)]
    for contact in contacts:
        response = client.post(f"/offers/{endorsable.key}/endorse/",
                               {"contact": contact, "country": "germany"},
                               REMOTE_ADDR="198.51.100.7")
        assert (response.status_code, response["Location"]) == (
            302, f"/offers/{endorsable.key}/endorse/sent/")
    call_command("endorsements", "dispatch", stdout=StringIO())
    assert sum(queue.run()) == len(mail.outbox) == 5
    assert [m.to[0] for m in mail.outbox] == contacts[:5]
    suspects = Endorsement.objects.exclude(suspect="").order_by("pk")
    assert list(suspects.values_list("contact", flat=True)) == contacts[5:]
    assert mail_owed(queue) == 0  # owed, and held, round after round

    released = services.endorsement_release(
        endorsement=suspects[0], official=get_user_model().objects.create_user("o")).endorsement
    assert mail_owed(queue) == 1 and mail.outbox[-1].to == [contacts[5]]
    assert services.confirmation_token(released.ref) in mail.outbox[-1].body
    confirm(released)
    assert tally(endorsable).total == 1  # type: ignore[union-attr]


def test_a_submission_is_mailed_only_once_judged_in_whatever_batch_it_comes(
    endorsable: Offer, queue: Queue, settings: Any,
) -> None:
    """The checks judge each submission by those before it, in its batch or an earlier one; the
    dispatch claims only what they have judged sound, whenever it runs."""
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 2
    for n in range(4):
        submit(endorsable, f"p{n}@example.org", address="198.51.100.7")
    assert services.endorsement_mails_dispatch() == 0  # none is checked yet
    claimed = []
    while services.endorsements_check(limit=1):  # one submission per batch
        claimed.append(services.endorsement_mails_dispatch())
    assert claimed == [1, 1, 0, 0]
    assert sum(queue.run()) == 2 and [m.to[0] for m in mail.outbox] == [
        "p0@example.org", "p1@example.org"]
    # One that arrives after a round's checks waits for the next round's.
    submit(endorsable, "late@example.org", address="203.0.113.1")
    assert services.endorsement_mails_dispatch() == 0
    assert mail_owed(queue) == 1 and mail.outbox[-1].to == ["late@example.org"]


def test_a_suspect_s_already_endorsed_notes_wait_too(endorsable: Offer, queue: Queue,
                                                     settings: Any) -> None:
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    submit(endorsable, "a@example.org", address="198.51.100.7")
    suspect = submit(endorsable, "b@example.org", address="198.51.100.7").endorsement
    assert mail_owed(queue) == 1 and mail.outbox[-1].to == ["a@example.org"]
    for _ in range(3):
        assert submit(endorsable, "B@example.org", address="192.0.2.1").duplicate
    assert mail_owed(queue) == 0
    assert Endorsement.objects.get(pk=suspect.pk).mails_due == 4  # owed, up to MAX_MAILS
    services.endorsement_release(endorsement=suspect,
                                 official=get_user_model().objects.create_user("o"))
    assert mail_owed(queue) == 1 and mail.outbox[-1].subject.startswith("Confirm")
    assert mail_owed(queue) == 0  # owed four times before it went: sent once


def test_a_suspect_released_after_the_period_is_not_mailed_a_link_that_would_be_refused(
    endorsable: Offer, queue: Queue, settings: Any,
) -> None:
    """The release is done and logged as ever, but the confirmation link it was owed is not
    mailed: the period has closed, so the link would be refused. Owed nothing more, it is not
    claimed in any later round either; a confirmed suspect released then is not `withheld`."""
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    submit(endorsable, "a@example.org", address="198.51.100.7")
    suspect = submit(endorsable, "b@example.org", address="198.51.100.7").endorsement
    assert mail_owed(queue) == 1 and mail.outbox[-1].to == ["a@example.org"]
    closed = endorsable.endorsement_period.closes_at + dt.timedelta(minutes=1)
    official = get_user_model().objects.create_user("o")

    released = services.endorsement_release(endorsement=suspect, official=official, at=closed)
    assert mail_owed(queue) == 0 and len(mail.outbox) == 1  # no link for b
    assert mail_owed(queue) == 0
    assert released.withheld and not Endorsement.objects.get(pk=suspect.pk).suspect
    assert Entry.objects.filter(kind="endorsement.released").count() == 1  # logged as ever
    with pytest.raises(services.EndorsementRefused, match="closed on"):
        confirm(suspect, at=closed)  # what the link would have met

    counted = endorse(endorsable, "c@example.org", address="192.0.2.9")
    services.endorsements_suspect(reasons={counted.pk: "reviewed"})
    again = services.endorsement_release(endorsement=counted, official=official, at=closed)
    assert not again.withheld


def test_a_submission_mailed_after_the_period_closed_is_not_sent_a_link_that_would_be_refused(
    endorsable: Offer, queue: Queue,
) -> None:
    """Submitted just before the close, its checks and mail just after: the mail job sends no
    link (it would be refused) and it is owed nothing more, so no later round claims it; a
    confirmed endorsement's 'already endorsed' note still goes, and one mailed in time is
    mailed as ever."""
    closes_at = endorsable.endorsement_period.closes_at
    before = closes_at - dt.timedelta(seconds=1)
    late = submit(endorsable, "late@example.org", at=before).endorsement
    endorse(endorsable, "early@example.org", address="192.0.2.9")
    submit(endorsable, "early@example.org", address="192.0.2.9", at=before)  # a note owed
    assert submit(endorsable, "on-time@example.org", address="192.0.2.10").endorsement
    services.endorsements_check(at=before)
    assert services.endorsement_mails_dispatch(at=before) == 3  # claimed before the close

    after = closes_at + dt.timedelta(seconds=1)
    assert services.endorsement_mails_send(pks=[late.pk], claim=str(Endorsement.objects.get(
        pk=late.pk).claim), at=after) == 0
    assert not mail.outbox
    late.refresh_from_db()
    assert late.mails_due == late.mails_sent == 0 and late.claim is None
    assert services.endorsement_mails_dispatch(at=after) == 0  # claimed by no later round

    # The others' tasks, run now: the note, and the link of the one still before the close.
    sent = sum(queue.run())
    assert sent == 2 and sorted(m.to[0] for m in mail.outbox) == [
        "early@example.org", "on-time@example.org"]
    note = next(m for m in mail.outbox if m.to == ["early@example.org"])
    assert "already endorsed" in note.subject
    with pytest.raises(services.EndorsementRefused, match="closed on"):
        confirm(late, at=after)  # what the link would have met


def another_endorsable(like: Offer) -> Offer:
    """A second released offer to the same states, its endorsements open, like `endorsable`."""
    other = Offer.objects.create(key="peace-1918", title="Second Offer of Peace",
                                 proposing_state=like.proposing_state,
                                 reply_deadline=like.reply_deadline, terms=like.terms)
    other.addressees.set(like.addressees.all())
    write_texts(other)
    offer_release(offer=other)
    other.refresh_from_db()
    services.endorsement_period_open(offer=other, closes_at=timezone.now() + dt.timedelta(days=9))
    return other


def test_one_batch_of_checks_logs_its_suspicions_in_one_entry_per_offer(
    endorsable: Offer, settings: Any,
) -> None:
    """A flood of anonymous submissions writes one permanent entry per offer for a batch of
    checks, naming each suspect by its opaque reference, not one entry each."""
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    other = another_endorsable(endorsable)
    at = timezone.now()
    flood = {offer.key: [submit(offer, f"f{n}@corp.example.org", address="198.51.100.7")
                         .endorsement for n in range(40)] for offer in (endorsable, other)}
    assert services.endorsements_check(at=at) == 80  # one batch
    entries = Entry.objects.filter(kind="endorsement.suspected").order_by("pk")
    assert [e.subject for e in entries] == [f"offer:{endorsable.key}", f"offer:{other.key}"]
    for entry in entries:
        content = content_of(entry)
        assert content is not None and content["suspected_at"] == at.isoformat()
        key = content["offer"]
        assert [s["endorsement"] for s in content["suspected"]] == [
            str(e.ref) for e in flood[key][1:]]  # all 39 over the limit, in order
        assert {s["reason"] for s in content["suspected"]} == {
            f"{n} submissions from one address in 300 s" for n in range(2, 41)}
        assert b"corp.example.org" not in entry.body and b"198.51.100" not in entry.body
    log_integrate()
    said = describe(entries[0], Register())
    assert said.title.text == f"{endorsable.title}: 39 endorsements held as suspect"
    assert said.summary.text.startswith("By the anomaly checks")


def test_a_suspicion_logged_alone_before_still_reads(endorsable: Offer) -> None:
    """Entries written one per suspicion, before the checks logged a batch at once, stay in
    the log for good: a feed still says what they did."""
    with transaction.atomic():
        entry_append(kind="endorsement.suspected", subject=f"offer:{endorsable.key}",
                     content={"offer": endorsable.key, "endorsement": str(uuid.uuid4()),
                              "reason": "6 submissions from one address in 300 s"})
    log_integrate()
    said = describe(Entry.objects.get(kind="endorsement.suspected"), Register())
    assert said.title.text == f"{endorsable.title}: 1 endorsement held as suspect"


def test_an_invalidation_is_audited_logged_and_uncounted(endorsable: Offer) -> None:
    for n in range(3):
        endorse(endorsable, f"bot{n}@spam.example", address=f"192.0.2.{n + 10}")
    endorse(endorsable, "real@example.org", country="russia", region="finland",
            address="198.51.100.1")
    assert tally(endorsable).total == 4  # type: ignore[union-attr]
    official = get_user_model().objects.create_user("official")
    done = services.endorsements_invalidate(offer=endorsable, criteria={"domain": "spam.example"},
                                            reason="a bot farm", official=official)
    assert done.count == 3 and done.entry.kind == "endorsement.invalidated"
    assert tally(endorsable).counts == {"russia": {"finland": 1}}  # type: ignore[union-attr]
    # What is invalidated stays so, and counts once: invalidating it again is nothing to do,
    # and nothing is logged.
    with pytest.raises(services.EndorsementRefused, match="nothing was invalidated or logged"):
        services.endorsements_invalidate(offer=endorsable, criteria={"network": "192.0.2.0/24"},
                                         reason="again", official=official)
    assert Entry.objects.filter(kind="endorsement.invalidated").count() == 1


def test_an_invalidated_endorser_who_submits_again_is_told_the_truth(endorsable: Offer,
                                                                      queue: Queue) -> None:
    endorse(endorsable, "ab@gmail.com")
    mail_owed(queue)
    official = get_user_model().objects.create_user("official")
    services.endorsements_invalidate(offer=endorsable, criteria={"domain": "gmail.com"},
                                     reason="x", official=official)
    mail.outbox.clear()
    assert submit(endorsable, "a.b@gmail.com").duplicate
    assert mail_owed(queue) == 1
    assert "not counted" in mail.outbox[-1].subject
    assert "was invalidated" in mail.outbox[-1].body
    assert "you count once" not in mail.outbox[-1].body


def test_an_invalidation_by_domain_matches_as_the_contacts_were_canonicalised(
        endorsable: Offer) -> None:
    endorse(endorsable, "Some.One+peace@googlemail.com")
    endorse(endorsable, "leser@bücher.de")
    endorse(endorsable, "other@example.org")
    official = get_user_model().objects.create_user("official")
    by_alias = services.endorsements_invalidate(
        offer=endorsable, criteria={"domain": " GoogleMail.com "}, reason="x", official=official)
    by_u_label = services.endorsements_invalidate(
        offer=endorsable, criteria={"domain": "Bücher.de"}, reason="x", official=official)
    assert (by_alias.count, by_u_label.count) == (1, 1)
    # The log states each criterion in its one spelling.
    assert by_alias.criteria == content_of(by_alias.entry)["criteria"] == {"domain": "gmail.com"}
    assert content_of(by_u_label.entry)["criteria"] == {"domain": "xn--bcher-kva.de"}


def test_an_invalidation_states_its_network_and_times_in_one_spelling(
        endorsable: Offer) -> None:
    endorse(endorsable, "a@example.org", address="192.0.2.77")
    official = get_user_model().objects.create_user("official")
    done = services.endorsements_invalidate(
        offer=endorsable, official=official, reason="x",
        criteria={"network": "192.0.2.77/24", "submitted_after": "2000-01-01"})
    assert content_of(done.entry)["criteria"] == {
        "network": "192.0.2.0/24", "submitted_after": "2000-01-01T00:00:00+00:00"}


@pytest.mark.parametrize(("criteria", "message"), [
    ({}, "matches by one or more of"),
    ({"colour": "red"}, "matches by one or more of"),
    ({"network": "not a network"}, "criteria"),
    ({"submitted_after": "yesterday"}, "criteria"),
    ({"domain": "localhost"}, "not a domain name that can receive mail"),
    ({"network": "192.0.2.10/32"}, "^an invalidation's network is /24 or wider, not /32"),
    ({"network": "2001:db8::/64"}, "/48 or wider, not /64"),
    ({"refs": "nonsense"}, "^an invalidation's criteria: badly formed"),
    ({"refs": " , "}, "^an invalidation by reference names 1 to 500 endorsements"),
    ({"country": "atlantis"}, "no state has the key 'atlantis'"),
    ({"region": "atlantis"}, "no region has the key 'atlantis'"),
    ({"country": "france", "region": "finland"}, "is not a region of"),
])
def test_bad_invalidations_are_refused(endorsable: Offer, criteria: dict[str, str],
                                       message: str) -> None:
    endorse(endorsable, "a@example.org", country="russia", region="finland",
            address="192.0.2.10")  # a match for each criterion, were it good
    official = get_user_model().objects.create_user("official")
    with pytest.raises(services.EndorsementRefused, match=message):
        services.endorsements_invalidate(offer=endorsable, criteria=criteria, reason="x",
                                         official=official)
    assert not Entry.objects.filter(kind="endorsement.invalidated").exists()


@pytest.mark.parametrize(("reason", "message"), [
    ("\u200b", "^an invalidation says why [(]it has no visible character"),
    ("Bots\x07", "^the reason of an invalidation cannot contain the control character U[+]0007"),
])
def test_an_invalidation_s_hidden_reason_is_refused(endorsable: Offer, reason: str,
                                                    message: str) -> None:
    endorse(endorsable, "a@example.org", country="russia")
    official = get_user_model().objects.create_user("official")
    with pytest.raises(services.EndorsementRefused, match=message):
        services.endorsements_invalidate(offer=endorsable, criteria={"country": "russia"},
                                         reason=reason, official=official)
    assert not Entry.objects.filter(kind="endorsement.invalidated").exists()


def test_the_window_lags_and_each_change_is_counted_once(endorsable: Offer) -> None:
    now = timezone.now()
    endorse(endorsable, "a@example.org", at=now)
    assert services.tally_run(offer=endorsable, at=now, lag=dt.timedelta(seconds=10)).total == 0  # type: ignore[union-attr]
    assert services.tally_run(offer=endorsable, at=now + dt.timedelta(seconds=11),
                              lag=dt.timedelta(seconds=10)).total == 1  # type: ignore[union-attr]
    assert services.tally_run(offer=endorsable, at=now + dt.timedelta(seconds=30),
                              lag=dt.timedelta(seconds=10)) is None  # nothing new: no snapshot


def test_the_recount_matches_or_says_so_loudly(endorsable: Offer, caplog: Any) -> None:
    for n in range(3):
        endorse(endorsable, f"p{n}@example.org")
    tally(endorsable)
    assert services.tally_recount(offer=endorsable).matches is True
    TallyCount.objects.filter(offer=endorsable).update(count=7)  # drift, however it came
    recount = services.tally_recount(offer=endorsable)
    assert recount.matches is False and recount.total == 3
    assert "DOES NOT MATCH" in caplog.text
    assert b'"matches":false' in Entry.objects.get(pk=recount.entry_id).body
    assert services.tally_recount(offer=endorsable).matches is True  # set right


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"contact": "not an address"}, "the e-mail address"),
    ({"contact": "a@localhost"}, "the e-mail address"),
    ({"contact": "a@example.org", "name": "x" * 201}, "at most 200"),
    ({"contact": "a@example.org", "name": "\u200b\u200b"},
     "^a name cannot be blank: it has no visible character"),
    ({"contact": "a@example.org", "name": "Anna\x01"},
     "^a name cannot contain the control character U[+]0001"),
    ({"contact": "a@example.org", "name": "Anna\x00"}, "^a name cannot contain a NUL character"),
    ({"contact": "a@example.org", "region": "finland"}, "not a region of"),
])
def test_bad_submissions_change_nothing(endorsable: Offer, kwargs: dict[str, Any],
                                        message: str) -> None:
    region = kwargs.pop("region", None)
    with pytest.raises(services.EndorsementRefused, match=message):
        services.endorsement_submit(
            offer=endorsable, country=State.objects.get(key="germany"),
            region=Territory.objects.get(key=region) if region else None, **kwargs)
    assert not Endorsement.objects.exists()


def test_nothing_is_taken_outside_the_period(endorsable: Offer) -> None:
    with pytest.raises(services.EndorsementRefused, match="not open"):
        submit(endorsable, "a@example.org", at=timezone.now() + dt.timedelta(days=31))
    pending = submit(endorsable, "a@example.org").endorsement
    with pytest.raises(services.EndorsementRefused, match=r"closed on .* UTC: this link can no "
                                                          r"longer confirm"):
        confirm(pending, at=timezone.now() + dt.timedelta(days=31))  # a link opened too late
    assert Endorsement.objects.get().status == "pending"
    with pytest.raises(services.EndorsementRefused, match="already open"):
        services.endorsement_period_open(offer=endorsable,
                                         closes_at=timezone.now() + dt.timedelta(days=1))


def test_an_unknown_confirmation_link_is_refused(endorsable: Offer) -> None:
    with pytest.raises(services.EndorsementRefused, match="not valid"):
        services.endorsement_confirm(token="0" * 64)


def test_pseudonymisation_keeps_the_counts_and_one_person_once(endorsable: Offer) -> None:
    endorse(endorsable, "jane@example.org", region="alsace")
    tally(endorsable)
    with pytest.raises(services.EndorsementRefused, match="after their period"):
        services.endorsements_pseudonymise(offer=endorsable)
    after = timezone.now() + dt.timedelta(days=31)
    assert services.endorsements_pseudonymise(offer=endorsable, at=after) == 1
    kept = Endorsement.objects.get()
    assert (kept.contact, kept.name, kept.address, kept.network) == ("", "", None, "")
    assert kept.canonical.startswith("pseudonym:") and "jane" not in kept.canonical
    assert kept.country.key == "germany" and kept.region.key == "alsace"  # type: ignore[union-attr]
    assert services.tally_recount(offer=endorsable).matches is True
    assert services.endorsements_pseudonymise(offer=endorsable, at=after) == 0
    # Its link, opened now, says the period closed (not "copy the whole link, endorse again").
    with pytest.raises(services.EndorsementRefused, match="closed on") as refused:
        confirm(kept, at=after)
    assert "not valid" not in str(refused.value) and "again" not in str(refused.value)


def test_pseudonymisation_works_through_chunks_and_misses_none(
    endorsable: Offer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHUNK", 4)
    contacts = [f"p{n}@example.org" for n in range(11)]
    for contact in contacts:
        submit(endorsable, contact, address="192.0.2.7")
    expected = {services._pseudonym(c) for c in contacts}
    after = timezone.now() + dt.timedelta(days=31)
    assert services.endorsements_pseudonymise(offer=endorsable, at=after) == 11
    rows = Endorsement.objects.values_list("canonical", "contact", "address", "pseudonymised_at")
    assert {row[0] for row in rows} == expected
    assert all(row[1:] == ("", None, after) for row in rows)
    assert Entry.objects.filter(kind="endorsement.pseudonymised").count() == 1
    # nothing is left for a second run
    assert services.endorsements_pseudonymise(offer=endorsable, at=after) == 0


def test_the_dispatch_command_checks_and_queues_the_mails(endorsable: Offer, queue: Queue,
                                                         settings: Any) -> None:
    settings.OPENPEACE_ENDORSE_PER_ADDRESS = 1
    for n in range(3):
        submit(endorsable, f"p{n}@example.org")
    out = StringIO()
    call_command("endorsements", "dispatch", stdout=out)
    assert out.getvalue() == "3 submissions checked, 1 mails queued\n"
    assert Endorsement.objects.exclude(suspect="").count() == 2
    assert sum(queue.run()) == 1  # the suspects' mails wait for a release
    out = StringIO()
    call_command("endorsements", "dispatch", stdout=out)
    assert out.getvalue() == ""  # nothing owed: a quiet round
