"""Writes of the follows: submit, confirm, unsubscribe; fan the log out into notices; claim the
due ones for the task queue; send them.

The opt-in (research/participation.md §1.2, the petitions service's signature flow): a
submission is stored `pending` and a link is mailed; the follow starts only once the button
behind the link is pressed, and receives the acts integrated after that. A second submission
by the same person (the same canonical address and target) is recognised among the person's
follows (`person_of`), which the database's unique constraint keeps to one per target; the page
is the same either way, and the mail says what happened, so the page never tells who follows
what. At most `MAX_MAILS` such mails go to one follow, an address with `PENDING_CAP` follows
waiting for confirmation gets no further mail at all until one is confirmed or expires
(`CONFIRM_WITHIN`), and so does a network from which `PENDING_PER_NETWORK` follows wait, so
repeated submissions, for one target or for one after another, for one address or for the many
that one mailbox may have, cannot turn the service into a mail bomb.

The sends (the petitions service's mass mailings, §1.7: in batches, resumable by a per-row
"sent at"): `notices_fan_out` reads the integrated entries after the follows' cursor
(`publicity.outbox`) and creates a notice per (person, act) in one transaction, under the one
of the person's follows the act is mailed under (`selectors.mailed_under`);
`notices_dispatch` claims the due ones, each batch with its task enqueued in the claim's own
transaction; `notice_send` and `digest_send` send one mail and mark its notices sent. A killed
sender resumes where it stopped: what it had marked is never sent again, what it had claimed
and not sent is claimed again once its lease expires, and the one mail that may have left
without being marked goes again with the same Message-ID (`follows.mail`).

Unsubscribing (RFC 8058) takes one POST to the link every mail carries and stops that one
follow; its page offers to stop every follow of the address. Stopping erases the address and
its network; what stays is the person's keyed hash (`person_of`), never the address in any
form, so that the page's "stop all my follows" still finds the person's other follows, and
following again is recognised; what was not sent goes to the person's other follows it
answers, or is dropped.

A follow never confirmed is deleted once its link has expired (`follows_expired_delete`, each
round of `openpeace follows run`, which `serve` runs): it never started, and all it held was
personal data, an address that may not even have asked for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from openpeace.core.contact import ContactError, canonical_contact
from openpeace.log.models import Entry
from openpeace.publicity import outbox
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.follows import mail, selectors
from openpeace.publicity.follows.models import Follow, FollowNotice
from openpeace.publicity.services import mail_rules, network_of
from openpeace.tokens import keyed_hash, token_hash

CURSOR = "follows"
MAX_MAILS = 5
PENDING_CAP = 3
"""An address with this many follows waiting for confirmation gets no further mail from a
submission until one is confirmed or expires. A person who follows several things confirms
them one by one within minutes; many links waiting for one address are someone else's
submissions, one target after another (there are over a hundred), filling its mailbox."""
PENDING_PER_NETWORK = 20
"""A network (the /24 or /48 of the submitter's address, `publicity.services.network_of`) from
which this many follows wait for confirmation gets nothing from a submission, neither a row nor
a mail, until one is confirmed or expires. `PENDING_CAP` counts per canonical address, and a
mailbox whose domain keeps `+tags` (one that `mail-rules.yaml` does not name) has as many
addresses as anyone cares to write: the network is what a flood of them shares. People confirm
within minutes, and a confirmed follow no longer counts, so the follows that wait are mostly
those no one will confirm; twenty over three days is more than the honest users of one shared
network leave behind, and at most twenty links (each mailed at most `MAX_MAILS` times) go from
one network to mailboxes that did not ask."""
CONFIRM_WITHIN = dt.timedelta(days=3)
"""How long a confirmation link works. A pending follow older than this has expired: it no
longer counts towards `PENDING_CAP`, its link is refused, and following again starts it afresh
(with a new link and `MAX_MAILS` new mails)."""
EXPIRED_BATCH = 500
FAN_OUT_BATCH = 500
SEND_BATCH = 50
DIGEST_MAX = 10_000
"""A digest claims all of its day's notices (a day of acts, ballots and tallies left out, is far
fewer); were there more, the rest would wait for the next day's digest."""


class FollowRefused(ValueError):
    """A follow act that cannot be done; the message says why; nothing was written. `argument`
    names the input at fault (`contact`, `target`, `frequency`), if one is, so that a form shows
    the message at that field."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


def _token(purpose: str, ref: uuid.UUID) -> str:
    """A link's secret, derived from the follow's reference with the site's key (as the
    endorsements' confirmation is, `publicity.services.confirmation_token`): only its hash is
    stored, and the mail job derives it again."""
    return keyed_hash("follow " + purpose, ref.bytes)


def confirm_token(ref: uuid.UUID) -> str:
    return _token("confirmation", ref)


def unsubscribe_token(ref: uuid.UUID) -> str:
    return _token("unsubscribe", ref)


def person_of(canonical: str) -> str:
    """The person behind a canonical address (`openpeace.core.contact`), as the follows and
    their notices keep it: a keyed hash (`openpeace.tokens.keyed_hash`), not the address.

    Everything the follows do with a person is to tell one from another: the database's
    constraints (one follow per person and target; one notice per person and act, so that no
    act is mailed to anyone twice), grouping an act's follows by person, finding a person's
    follows from an address they give or from a link. Equal hashes do all of it, and a stopped
    follow, which has to keep its person for as long as its row is kept (its unsubscribe page
    stops the person's other follows; following again is recognised), then keeps no address:
    unlike the canonical form, the hash cannot be read back into one, nor tested against a
    guess without the site's key."""
    return keyed_hash("follow person", canonical.encode())


def _person(contact: str) -> str:
    """The person behind an address as typed (`person_of`); refused if it is not one."""
    try:
        return person_of(canonical_contact(contact, mail_rules()))
    except ContactError as error:
        raise FollowRefused(f"the e-mail address: {error}", argument="contact") from None


def _fresh(follow: Follow, ref: uuid.UUID) -> None:
    follow.ref = ref
    follow.confirm_hash = token_hash(confirm_token(ref))
    follow.unsubscribe_hash = token_hash(unsubscribe_token(ref))


def _waiting(follow: Follow, at: dt.datetime) -> bool:
    """Whether the follow waits for its confirmation, its link not yet expired."""
    return (follow.status == Follow.Status.PENDING
            and follow.submitted_at > at - CONFIRM_WITHIN)


def _one_at_a_time(person: str, network: str) -> None:
    """Hold, until the transaction ends, the right to judge `person`'s and `network`'s caps, so
    that submissions for one person or from one network are judged one after the other and no
    two pass a cap together, the very first ones included (no row yet to lock). On PostgreSQL,
    transaction-level advisory locks, taken in one order by everyone, so that two submissions
    cannot each hold what the other waits for. SQLite needs none: its write transactions
    begin IMMEDIATE (settings), one at a time."""
    if connection.vendor != "postgresql":
        return
    names = sorted({f"follow-person:{person}", *([f"follow-network:{network}"] if network else [])})
    with connection.cursor() as cursor:
        for name in names:
            digest = hashlib.sha256(name.encode()).digest()
            cursor.execute("SELECT pg_advisory_xact_lock(%s)",
                           [int.from_bytes(digest[:8], "big", signed=True)])


def _network_full(network: str, at: dt.datetime) -> bool:
    """Whether `PENDING_PER_NETWORK` follows submitted from `network` wait for confirmation (as
    `_waiting` says of one), counted under `_one_at_a_time`. An unknown network ('') is never
    full."""
    if not network:
        return False
    waiting = Follow.objects.filter(network=network, status=Follow.Status.PENDING,
                                    submitted_at__gt=at - CONFIRM_WITHIN)
    return waiting[:PENDING_PER_NETWORK].count() >= PENDING_PER_NETWORK


def follow_submit(*, contact: str, target: str, key: str, frequency: str,
                  address: str | None = None, at: dt.datetime | None = None) -> Follow | None:
    """Take a follow, pending its confirmation, and queue the mail that asks for it (or, to a
    person who already follows, a mail that says so). `address` is the submitter's, as the
    endorsements take it; only its network is kept.

    An address that has `PENDING_CAP` follows waiting, or a network that has
    `PENDING_PER_NETWORK`, gets neither: nothing is written or queued, and None is returned. The
    submitter's page is the same either way, so that it never tells what an address follows."""
    from openpeace.publicity.follows.tasks import follow_mail

    at = at or timezone.now()
    if frequency not in Follow.Frequency.values:
        raise FollowRefused("a follow is mailed " + " or ".join(Follow.Frequency.values),
                            argument="frequency")
    if selectors.target_name(target, key) is None:
        raise FollowRefused(f"there is no {target or 'thing'} {key!r} to follow: an offer "
                            "(released), a state or a nationality of the register",
                            argument="target")
    person, rules = _person(contact), mail_rules()
    network = network_of(address)
    with transaction.atomic():
        _one_at_a_time(person, network)
        if _network_full(network, at):
            return None
        mine = list(Follow.objects.select_for_update().filter(canonical=person))
        if sum(_waiting(follow, at) for follow in mine) >= PENDING_CAP:
            return None
        follow = next((f for f in mine if (f.target, f.key) == (target, key)), None)
        if follow is None:
            follow = Follow(contact=contact.strip(), canonical=person,
                            rules_version=rules.version, target=target, key=key,
                            frequency=frequency, submitted_at=at, network=network)
            _fresh(follow, uuid.uuid4())
            follow.save()  # none of the person's was missed: `_one_at_a_time` (the constraint
            # on person and target would refuse a duplicate all the same)
        else:
            _again(follow, contact=contact, frequency=frequency, rules_version=rules.version,
                   network=network, at=at)
        follow_mail.enqueue(str(follow.ref))
    return follow


def _again(follow: Follow, *, contact: str, frequency: str, rules_version: str,
           network: str, at: dt.datetime) -> None:
    """A person's submission of what they had submitted before (`follow`, locked)."""
    if _waiting(follow, at):  # nothing started: the latest choice
        follow.frequency = frequency
        follow.save(update_fields=["frequency"])
    elif follow.status != Follow.Status.ACTIVE:  # unsubscribed, or its link expired: afresh
        _fresh(follow, uuid.uuid4())
        follow.contact, follow.frequency = contact.strip(), frequency
        follow.rules_version, follow.submitted_at, follow.network = rules_version, at, network
        follow.status, follow.mails_sent = Follow.Status.PENDING, 0
        follow.confirmed_at = follow.unsubscribed_at = follow.starts_at_index = None
        follow.save()


@transaction.atomic
def follow_confirm(*, token: str, at: dt.datetime | None = None) -> Follow:
    """Start the follow of this link's token: it receives the acts integrated from now on.
    Confirming again changes nothing."""
    at = at or timezone.now()
    follow = Follow.objects.select_for_update().filter(confirm_hash=token_hash(token)).first()
    if follow is None or follow.status == Follow.Status.UNSUBSCRIBED:
        # also a link that expired and was deleted since (`follows_expired_delete`)
        raise FollowRefused("this confirmation link is not valid: copy the whole link from the "
                            f"e-mail, or follow again (a link works for {CONFIRM_WITHIN.days} "
                            "days)")
    if follow.status == Follow.Status.PENDING and not _waiting(follow, at):
        raise FollowRefused(f"this confirmation link has expired (a link works for "
                            f"{CONFIRM_WITHIN.days} days): follow again to get a new one")
    if follow.status == Follow.Status.PENDING:
        follow.status = Follow.Status.ACTIVE
        follow.confirmed_at = at
        follow.starts_at_index = outbox.start_index(CURSOR)
        follow.save(update_fields=["status", "confirmed_at", "starts_at_index"])
    return follow


def follows_expired_delete(*, at: dt.datetime | None = None, batch: int = EXPIRED_BATCH) -> int:
    """Delete up to `batch` follows whose confirmation link expired unconfirmed
    (`CONFIRM_WITHIN`), in one short transaction; returns how many: 0 once none is left, so
    running it again changes nothing.

    Such a follow never started and has nothing to keep: it no longer counts towards the caps
    (`_waiting`), its link is refused, and following again starts it afresh as if it were new.
    What it still held was personal data with no use: the address, the person's keyed hash
    (`person_of`) and the network it was submitted from. So the row goes, not only those fields
    (and with it the notices it had sent, had the person followed it once before). The rows are
    locked as they are read, with `SKIP LOCKED`: one that a submission holds (someone following
    it again) is left to a later round, and none can be renewed between the read and the
    delete. Most rounds find nothing, and then take no lock (on SQLite a transaction holds the
    whole database's)."""
    expired = Follow.objects.filter(status=Follow.Status.PENDING,
                                    submitted_at__lte=(at or timezone.now()) - CONFIRM_WITHIN)
    if not expired.exists():
        return 0
    with transaction.atomic():
        pks = list(expired.select_for_update(skip_locked=True).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        Follow.objects.filter(pk__in=pks).delete()
    return len(pks)


def _unsubscribing(token: str) -> Follow:
    """The follow of this unsubscribe link's token, locked; refused if there is none."""
    follow = Follow.objects.select_for_update().filter(unsubscribe_hash=token_hash(token)).first()
    if follow is None:
        raise FollowRefused("this unsubscribe link is not valid: copy the whole link from the "
                            "e-mail")
    return follow


def _stop(follows: list[Follow], at: dt.datetime) -> None:
    """Stop `follows`, one person's, locked by the caller's transaction: erase their address
    (and the network it was submitted from), and give each act they had not yet mailed to the
    person's other active follows it answers, under `selectors.mailed_under`'s rule (or drop it
    if none is left). So stopping one follow neither loses an act that another still wants nor
    mails it twice."""
    follows = [follow for follow in follows if follow.status != Follow.Status.UNSUBSCRIBED]
    if not follows:
        return
    for follow in follows:
        follow.status, follow.unsubscribed_at = Follow.Status.UNSUBSCRIBED, at
        follow.contact = follow.network = ""
        follow.save(update_fields=["status", "contact", "network", "unsubscribed_at"])
    left = {follow.pk: follow for follow in Follow.objects.filter(
        canonical=follows[0].canonical, status=Follow.Status.ACTIVE)}
    unsent = FollowNotice.objects.filter(follow__in=follows, sent_at__isnull=True)
    moved = []
    for notice in unsent.select_for_update():
        heirs = selectors.mailed_under(left[pk] for pk in notice.also if pk in left)
        if heirs:
            notice.follow, notice.also = heirs[0], [follow.pk for follow in heirs[1:]]
            moved.append(notice)
    FollowNotice.objects.bulk_update(moved, ["follow", "also"])
    unsent.delete()  # what is left of them: the moved ones belong to another follow now


@transaction.atomic
def follow_unsubscribe(*, token: str, at: dt.datetime | None = None) -> Follow:
    """Stop the follow of this link's token at once (RFC 8058: no further step), and only that
    one: the link is in the mails of that follow. Its address is erased and what it was to send
    goes to the person's other follows, or is dropped (`_stop`). Unsubscribing again changes
    nothing."""
    follow = _unsubscribing(token)
    _stop([follow], at or timezone.now())
    return follow


def _stop_person(person: str, at: dt.datetime) -> int:
    follows = list(Follow.objects.select_for_update().filter(canonical=person)
                   .exclude(status=Follow.Status.UNSUBSCRIBED))
    _stop(follows, at)
    return len(follows)


@transaction.atomic
def follows_unsubscribe_all(*, token: str, at: dt.datetime | None = None) -> int:
    """Stop every follow of the person whose unsubscribe link this is (its page offers it: the
    link itself stops one follow, and the person may have more), also after that follow has
    stopped; returns how many were active or pending."""
    return _stop_person(_unsubscribing(token).canonical, at or timezone.now())


@transaction.atomic
def follows_unsubscribe_contact(*, contact: str, at: dt.datetime | None = None) -> int:
    """Stop every follow of one person (who asked by other means than the link); returns how
    many were active or pending."""
    return _stop_person(_person(contact), at or timezone.now())


def follow_mail_send(*, ref: str) -> bool:
    """Mail the confirmation link (or, once confirmed, that the person already follows), at most
    `MAX_MAILS` times per follow; returns whether a mail was sent."""
    follow = Follow.objects.filter(ref=ref).first()
    if (follow is None or follow.status == Follow.Status.UNSUBSCRIBED
            or follow.mails_sent >= MAX_MAILS
            or (follow.status == Follow.Status.PENDING and not _waiting(follow, timezone.now()))):
        return False
    Follow.objects.filter(pk=follow.pk).update(mails_sent=F("mails_sent") + 1)
    mail.confirmation(follow, confirm_token(follow.ref)).send()
    return True


def notices_fan_out(*, batch: int = FAN_OUT_BATCH, at: dt.datetime | None = None) -> int:
    """Create the notices of the next `batch` integrated entries and advance the cursor, in one
    transaction (`outbox.fan_out`). Returns how many entries were read.

    One notice per person and act, whichever of their follows the act answers: under the one
    `selectors.mailed_under` puts first (an immediate follow if the person has one that the act
    answers: the act is mailed at once and left out of their digests; otherwise the oldest daily
    follow's digest), naming the others in `also`. The database holds it unique per (person,
    entry), so neither a replay nor a race mails a person the same act twice."""

    def deliver(entries: list[Entry]) -> None:
        if not Follow.objects.filter(status=Follow.Status.ACTIVE).exists():
            return
        register, now = Register(), at or timezone.now()
        targets = {entry.pk: selectors.targets_of(entry, register) for entry in entries}
        follows = selectors.follows_for(set().union(*targets.values()))
        notices = []
        for entry in entries:
            answering = [follow for target in targets[entry.pk]
                         for follow in follows.get(target, [])
                         if (follow.starts_at_index or 0) <= (entry.index or 0)]
            for first, *rest in selectors.by_person(answering):
                notices.append(FollowNotice(follow=first, canonical=first.canonical, entry=entry,
                                            also=[follow.pk for follow in rest],
                                            created_at=now))
        # a batch read again (a replay) creates nothing twice
        FollowNotice.objects.bulk_create(notices, ignore_conflicts=True)

    return outbox.fan_out(CURSOR, deliver, batch=batch)


def digest_day(now: dt.datetime) -> dt.date:
    """The day whose digest is due at `now`: yesterday (UTC). A digest lists the notices
    created before today began, so each follow gets at most one digest a day."""
    return now.astimezone(dt.UTC).date() - dt.timedelta(days=1)


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def notices_dispatch(*, at: dt.datetime | None = None, limit: int = 20 * SEND_BATCH) -> int:
    """Claim the due notices, each batch with its task enqueued in the claim's transaction: the
    immediate follows' notices `SEND_BATCH` at a time, and each daily follow's notices of the
    past days together, once yesterday is over. Returns how many were claimed."""
    from openpeace.publicity.follows.tasks import follows_send, follows_send_digest

    now = at or timezone.now()
    unsent = (FollowNotice.objects.filter(sent_at__isnull=True, follow__status=Follow.Status.ACTIVE)
              .filter(outbox.unclaimed(now)))
    immediate = unsent.filter(follow__frequency=Follow.Frequency.IMMEDIATE)
    claimed = outbox.claim_batches(
        immediate, now=now, batch=SEND_BATCH, limit=limit,
        enqueue=lambda token, pks: follows_send.enqueue(pks, str(token)))
    day = digest_day(now)
    daily = unsent.filter(follow__frequency=Follow.Frequency.DAILY, created_at__lt=_day_end(day))
    for follow in list(daily.values_list("follow_id", flat=True).distinct().order_by()[:limit]):

        def enqueue_digest(token: uuid.UUID, pks: list[int], follow: int = follow) -> object:
            return follows_send_digest.enqueue(follow, str(token), day.isoformat())

        claimed += len(outbox.claim(daily.filter(follow_id=follow), now=now, limit=DIGEST_MAX,
                                    then=enqueue_digest))
    return claimed


def notice_send(*, pk: int, claim: str, at: dt.datetime | None = None) -> bool:
    """Mail the claimed notice `pk`, then mark it sent; False if another sender holds it now or
    its follow has stopped (then nothing was sent)."""
    rows = FollowNotice.objects.filter(pk=pk, sent_at__isnull=True)
    return _send(rows, claim, at, day=None)


def digest_send(*, follow: int, claim: str, day: str, at: dt.datetime | None = None) -> bool:
    """Mail the follow's claimed notices as the digest of `day` (ISO date), then mark them all
    sent; False if another sender holds them now or the follow has stopped."""
    rows = FollowNotice.objects.filter(follow_id=follow, sent_at__isnull=True)
    return _send(rows, claim, at, day=dt.date.fromisoformat(day))


def _send(rows: QuerySet[FollowNotice], claim: str, at: dt.datetime | None, *,
          day: dt.date | None) -> bool:
    now = at or timezone.now()
    notices = outbox.take(rows.select_related("follow", "entry"), claim, now=now)
    if not notices:
        return False
    follow = notices[0].follow
    if follow.status != Follow.Status.ACTIVE:
        outbox.settle(rows, claim)
        return False
    entries = sorted((notice.entry for notice in notices), key=lambda entry: entry.index or 0)
    mail.acts(follow, entries, unsubscribe_token(follow.ref), answers=selectors.answered(notices),
              day=day).send()
    outbox.settle(rows, claim, sent_at=timezone.now())
    return True
