"""Writes of the endorsements: submit, confirm, suspect, release, invalidate, tally, recount,
pseudonymise.

The flow (research/participation.md §1.2, §1.10): a submission is stored `pending`, a link
with a random token is e-mailed, opening it confirms. A second submission by the same person
(the same canonical contact, `openpeace.core.contact`) is recognised by the database's unique
constraint, not by a read before the write, so concurrent duplicates cannot both land; the
person sees the same page and is told by e-mail that they have already endorsed, so the page
never reveals who has endorsed. Checks run in the background and can only mark an endorsement
suspect: it is then never counted, the submitter sees nothing different, an official can
release it, and the marking is logged. Nothing increments a shared counter: every change to
what counts writes a `TallyChange`, summed by `tally_run` over a lagging window.

A submission's mail waits for its checks (as the petitions service's mail job runs its rate
limits first, §1.2): `endorsement_mails_dispatch` takes only endorsements that are checked and
not suspect, so a flood of submissions naming one mailbox in many ways (`+tags` on a domain
whose rules keep them) sends it no more mails than the limits let through. A suspect's mails,
the confirmation and any "already endorsed" note, stay owed while it is suspect, and go if an
official releases it: a real person behind a busy network still gets the link, after review.
The pages are the same either way; only the mailbox can tell. No confirmation link is mailed
once the period has closed, whether the release or the checks came late: it would be refused.

Individual endorsements are personal data and are not public acts; the log receives what is
public about them: the endorsement period, each published tally, each recount, the suspicions
(by opaque reference: one entry per offer for each batch of checks, so that a flood of
anonymous submissions writes a few entries, not one each), each release, each invalidation,
and each pseudonymisation.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from openpeace.core.contact import (
    ContactError,
    MailRules,
    canonical_contact,
    canonical_domain,
    parse_rules,
)
from openpeace.core.text import text_problem
from openpeace.diplomacy.models import Offer
from openpeace.log.services import entry_append
from openpeace.publicity import outbox, selectors
from openpeace.publicity.mail import multipart, named
from openpeace.publicity.models import (
    COUNTED,
    MAIL_DUE,
    Endorsement,
    EndorsementPeriod,
    Invalidation,
    TallyChange,
    TallyCount,
    TallySnapshot,
)
from openpeace.refusals import Refused
from openpeace.tokens import keyed_hash, token_hash
from openpeace.world.models import State, Territory

logger = logging.getLogger(__name__)
MAX_MAILS = 5
"""At most this many e-mails per endorsement (confirmation and 'already endorsed' notes), so
repeated submissions cannot turn the service into a mail bomb; and none while it is suspect
(`endorsement_mails_dispatch`)."""
MAX_NAME = 200


class EndorsementRefused(Refused):
    """An endorsement act that cannot be done; the message says why; nothing was written.
    `field` names the form field at fault, when one is, so that the form marks it."""


class EndorsementsClosed(EndorsementRefused):
    """A confirmation refused because the offer's endorsement period has closed: nothing the
    person does can make it count, so the page leads to the offer's counts, not to endorsing
    again (`views.endorsement_confirm`)."""

    def __init__(self, message: str, *, offer: Offer) -> None:
        super().__init__(message)
        self.offer = offer


@functools.cache
def mail_rules() -> MailRules:
    """The mail-domain rules in force (`OPENPEACE_MAIL_RULES`), read once."""
    text = settings.OPENPEACE_MAIL_RULES.read_text(encoding="utf-8")
    return parse_rules(yaml.safe_load(text))


def confirmation_token(ref: uuid.UUID) -> str:
    """The secret of an endorsement's confirmation link, derived from its reference with the
    site's key, so it is never stored: only its hash is, and the mail job derives it again."""
    return keyed_hash("endorsement confirmation", ref.bytes)


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address: the unit of the network limits.
    An IPv4 client seen through a dual-stack socket (`::ffff:1.2.3.4`) is in its IPv4 network,
    as the address column stores it (`unpack_ipv4`), not in `::/48` with every other such
    client."""
    if not address:
        return ""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


def _log(offer: Offer, kind: str, at: dt.datetime, **content: Any) -> Any:
    return entry_append(kind=f"endorsement.{kind}", subject=f"offer:{offer.key}", at=at,
                        content={"offer": offer.key, **content})


def _change(endorsement: Endorsement, delta: int, at: dt.datetime) -> None:
    TallyChange.objects.create(
        offer_id=endorsement.offer_id, country=endorsement.country.key,
        region=endorsement.region.key if endorsement.region else "", delta=delta, at=at,
    )


@transaction.atomic
def endorsement_period_open(*, offer: Offer, closes_at: dt.datetime,
                            at: dt.datetime | None = None) -> EndorsementPeriod:
    """Open the endorsements of a released offer until `closes_at` (once)."""
    at = at or timezone.now()
    if offer.released_at is None:
        raise EndorsementRefused("only a released offer can be endorsed")
    if closes_at <= at:
        raise EndorsementRefused("the endorsement period must close in the future")
    if EndorsementPeriod.objects.filter(offer=offer).exists():
        raise EndorsementRefused("the endorsements of this offer are already open")
    entry = _log(offer, "period_opened", at, opens_at=at.isoformat(),
                 closes_at=closes_at.isoformat())
    return EndorsementPeriod.objects.create(offer=offer, opens_at=at, closes_at=closes_at,
                                            entry=entry)


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission: the same for the submitter either way."""

    endorsement: Endorsement
    duplicate: bool


def _is_open(period: EndorsementPeriod | None, at: dt.datetime) -> EndorsementPeriod:
    if period is None or not period.is_open(at):
        raise EndorsementRefused("the endorsements of this offer are not open")
    return period


@dataclass(frozen=True)
class Endorser:
    """Who endorses, as judged from the form: the contact as typed and in its canonical form
    under the mail rules of `rules_version` (one person once), and the name, if given."""

    contact: str
    canonical: str
    rules_version: str
    name: str


def endorser_judge(*, contact: str, name: str = "") -> Endorser:
    """The endorser of a submission, or the refusal of its contact or name (the field named).
    Pure but for the mail rules, read once: `endorsement_submit` and the fast path
    (`publicity.fast_path`) judge alike."""
    name = name.strip()
    if len(name) > MAX_NAME:
        raise EndorsementRefused(f"a name has at most {MAX_NAME} characters", field="name")
    if problem := text_problem(name, "a name", required=False):
        raise EndorsementRefused(problem, field="name")
    rules = mail_rules()
    try:
        canonical = canonical_contact(contact, rules)
    except ContactError as error:
        raise EndorsementRefused(f"the e-mail address: {error}", field="contact") from None
    return Endorser(contact.strip(), canonical, rules.version, name)


def endorsement_submit(
    *, offer: Offer, contact: str, country: State, region: Territory | None = None,
    name: str = "", address: str | None = None, at: dt.datetime | None = None,
) -> Submitted:
    """Take an endorsement, pending its confirmation: one insert, which owes the checks a look
    and then the person a mail (`endorsements_check`, `endorsement_mails_dispatch`).

    A person who has endorsed already gets the same answer, and an e-mail saying so."""
    at = at or timezone.now()
    _is_open(selectors.period_of(offer), at)
    endorser = endorser_judge(contact=contact, name=name)
    if region is not None and region.held_by_id != country.pk:
        raise EndorsementRefused(f"{region.name} is not a region of {country.name}",
                                 field="region")
    ref = uuid.uuid4()
    endorsement = Endorsement(
        offer=offer, ref=ref, contact=endorser.contact, canonical=endorser.canonical,
        rules_version=endorser.rules_version, name=endorser.name, country=country,
        region=region, token_hash=token_hash(confirmation_token(ref)), submitted_at=at,
        address=address, network=network_of(address),
    )
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError:
        existing = (Endorsement.objects.filter(offer=offer, canonical=endorser.canonical)
                    .first())
        if existing is None:  # not a duplicate: an integrity error of another kind
            raise
        (Endorsement.objects.filter(pk=existing.pk, mails_due__lt=MAX_MAILS)
         .update(mails_due=F("mails_due") + 1))
        return Submitted(existing, duplicate=True)
    return Submitted(endorsement, duplicate=False)


LINKED = ("status", "suspect", "pseudonymised_at", "offer__key", "offer__title",
          "offer__endorsement_period__opens_at", "offer__endorsement_period__closes_at")
"""What the pages of a link show and judge: the query names these columns only, not every
column of the tables, which took Django longer to build than the rest of a confirmation's
queries (bench/endorse.py)."""


def _linked(token: str, at: dt.datetime, *, for_update: bool = False) -> Endorsement:
    """The endorsement of a confirmation link, if the link can still confirm it (or has);
    `for_update` locks it, and reads its country and region too, which confirming counts.

    One endorsement by its unique hash, read with `get`: `first()` would order by the primary
    key, and PostgreSQL then walked the whole table in that order, filtering (about 1 ms per
    3,700 endorsements in each confirmation), instead of finding the one row by its index.

    A link opened after the period closed (its endorsement since pseudonymised, or not) is
    refused with the moment it closed: "not valid … endorse again" would send the person to
    copy a link that is whole, or to endorse where no one can any more."""
    rows = Endorsement.objects.select_related("offer__endorsement_period").only(*LINKED)
    if for_update:
        rows = (rows.select_for_update(of=("self",)).select_related("country", "region")
                .only(*LINKED, "country__key", "region__key"))
    try:
        endorsement = rows.get(token_hash=token_hash(token))
    except Endorsement.DoesNotExist:
        raise EndorsementRefused("this confirmation link is not valid: copy the whole link "
                                 "from the e-mail, or endorse again") from None
    period = endorsement.offer.endorsement_period
    if endorsement.pseudonymised_at is not None or (
            endorsement.status == Endorsement.Status.PENDING and not period.is_open(at)):
        raise EndorsementsClosed(
            "the endorsements of this offer closed on "
            f"{period.closes_at.astimezone(dt.UTC):%Y-%m-%d at %H:%M} UTC: this link can no "
            "longer confirm an endorsement", offer=endorsement.offer)
    return endorsement


def endorsement_link_judge(*, token: str, at: dt.datetime | None = None) -> Endorsement:
    """What pressing the link's button would do, judged without doing it: the endorsement it
    confirms (or confirmed), else the refusal pressing it would meet. Writes nothing, so that
    opening the link, as a mail scanner does, confirms nothing (`views.endorsement_confirm`)."""
    return _linked(token, at or timezone.now())


@transaction.atomic
def endorsement_confirm(*, token: str, at: dt.datetime | None = None) -> Endorsement:
    """Confirm the endorsement of this link's token. Opening the link again changes nothing."""
    at = at or timezone.now()
    endorsement = _linked(token, at, for_update=True)
    if endorsement.status != Endorsement.Status.PENDING:
        return endorsement
    endorsement.status = Endorsement.Status.CONFIRMED
    endorsement.confirmed_at = at
    endorsement.save(update_fields=["status", "confirmed_at"])
    if endorsement.counted:
        _change(endorsement, +1, at)
    return endorsement


@transaction.atomic
def endorsements_suspect(*, reasons: dict[int, str], at: dt.datetime | None = None) -> int:
    """Mark suspect the endorsements `reasons` names by primary key, each for its reason (the
    checks' only power): they stop counting, their mails wait (`endorsement_mails_dispatch`),
    and they are logged by their opaque references in one entry per offer, whatever their
    number, so that a flood of anonymous submissions cannot write the permanent log one entry
    each. Those already suspect or invalidated are left as they are. Returns how many were
    marked."""
    at = at or timezone.now()
    marked = list(Endorsement.objects.select_for_update(of=("self",))
                  .select_related("country", "region").filter(pk__in=reasons, suspect="")
                  .exclude(status=Endorsement.Status.INVALIDATED).order_by("pk"))
    suspected: dict[int, list[dict[str, str]]] = {}  # offer → its suspicions, as logged
    for endorsement in marked:
        if endorsement.counted:
            _change(endorsement, -1, at)
        reason = reasons[endorsement.pk]
        endorsement.suspect = reason[:300]
        suspected.setdefault(endorsement.offer_id, []).append(
            {"endorsement": str(endorsement.ref), "reason": reason})
    Endorsement.objects.bulk_update(marked, ["suspect"])
    for offer in Offer.objects.filter(pk__in=suspected).only("key").order_by("pk"):
        _log(offer, "suspected", at, suspected_at=at.isoformat(),
             suspected=suspected[offer.pk])
    return len(marked)


@dataclass(frozen=True)
class Released:
    """The outcome of a release. `withheld`: the endorsement still waited for its confirmation
    when its period had closed, so the link it was owed was not mailed (`endorsement_release`)."""

    endorsement: Endorsement
    withheld: bool


def _link_withheld(endorsement: Endorsement, at: dt.datetime) -> bool:
    """Whether the confirmation link `endorsement` is owed must not be mailed at `at`: it still
    waits for its confirmation and its period has closed, so the link would be refused
    (`endorsement_confirm`). Then it is owed nothing more (`mails_due` down to `mails_sent`,
    set on the instance for the caller to save), so no later round claims it again. A late
    release (`endorsement_release`) and a mail due after the close (`endorsement_mails_send`:
    a submission just before it, its checks and mail just after) meet it alike. Needs the
    endorsement's `offer__endorsement_period`."""
    if (endorsement.status != Endorsement.Status.PENDING
            or endorsement.offer.endorsement_period.is_open(at)):
        return False
    endorsement.mails_due = endorsement.mails_sent
    return True


@transaction.atomic
def endorsement_release(*, endorsement: Endorsement, official: Any,
                        at: dt.datetime | None = None) -> Released:
    """An official finds a suspect endorsement sound: it counts again (once confirmed), and
    the mails it was owed while suspect go (`endorsement_mails_dispatch`), so the person behind
    it gets the confirmation link after all.

    Unless its period has closed and it is not confirmed: then the link would be refused
    (`endorsement_confirm`), so it is owed nothing more and nothing is mailed (`withheld`,
    `_link_withheld`); the release itself is done and logged all the same."""
    at = at or timezone.now()
    endorsement = (Endorsement.objects.select_for_update(of=("self",))
                   .select_related("offer__endorsement_period").get(pk=endorsement.pk))
    if not endorsement.suspect:
        raise EndorsementRefused("this endorsement is not suspect")
    endorsement.suspect = ""
    withheld = _link_withheld(endorsement, at)
    endorsement.save(update_fields=["suspect", "mails_due"])
    if endorsement.counted:
        _change(endorsement, +1, at)
    _log(endorsement.offer, "released", at, endorsement=str(endorsement.ref),
         official=official.get_username())
    return Released(endorsement, withheld)


CHECK_BATCH = 500
MAIL_BATCH = 100


def endorsements_check(*, limit: int = CHECK_BATCH, at: dt.datetime | None = None) -> int:
    """The anomaly checks of the next `limit` submissions not yet checked, in one short
    transaction (the rows are locked with `SKIP LOCKED`, so parallel checkers share the work):
    those found anomalous are marked suspect (`endorsements_suspect`: one log entry per offer for
    the batch), and all are marked checked, which is what lets their mails go. Each is judged by
    the submissions before it in the database, those of its own batch and of earlier ones alike
    (`selectors.endorsement_anomalies`). Returns how many were checked: 0 once caught up."""
    at = at or timezone.now()
    with transaction.atomic():
        batch = list(Endorsement.objects.filter(checked_at__isnull=True)
                     .select_for_update(skip_locked=True).order_by("pk")[:limit])
        endorsements_suspect(reasons=selectors.endorsement_anomalies(batch), at=at)
        Endorsement.objects.filter(pk__in=[e.pk for e in batch]).update(checked_at=at)
    return len(batch)


def endorsement_mails_dispatch(*, at: dt.datetime | None = None,
                               limit: int = 50 * MAIL_BATCH) -> int:
    """Claim the endorsements whose mail may go (`MAIL_DUE`: owed one, checked, not suspect),
    `MAIL_BATCH` at a time, each batch with its `endorsement_mails` task enqueued in the claim's
    transaction (`publicity.outbox`). Returns how many were claimed.

    A submission not yet checked is left to a later round, whoever calls this and whenever:
    the order "checks, then mail" holds by what is claimed, not by the order of the calls, so a
    submission that arrives after a round's checks, or that a parallel checker holds, is not
    mailed before it is judged."""
    from openpeace.publicity.tasks import endorsement_mails

    now = at or timezone.now()
    due = Endorsement.objects.filter(MAIL_DUE, contact__gt="").filter(outbox.unclaimed(now))
    return outbox.claim_batches(
        due, now=now, batch=MAIL_BATCH, limit=limit,
        enqueue=lambda token, pks: endorsement_mails.enqueue(pks, str(token)))


def _mail(endorsement: Endorsement) -> EmailMultiAlternatives:
    """The confirmation link while the endorsement is pending; after that, a note that the
    person has already endorsed, or, if their endorsement was invalidated, that it is not
    counted. Either way, the page they saw was the same.

    Like the follows' mails, it is multipart/alternative (`publicity.mail.multipart`): the
    plain text, and the same words and links in HTML (`publicity/mail/endorsement.html`), where
    the offer's title is in `<bdi>`, so that a title in another script keeps its direction
    without turning the sentence around it."""
    offer = endorsement.offer
    link = log = None
    if endorsement.status == Endorsement.Status.PENDING:
        link = outbox.site_url(reverse("publicity:endorsement-confirm",
                                       args=[confirmation_token(endorsement.ref)]))
        subject, title = named("Confirm your endorsement: {}", offer.title)
        body = (f"You asked to endorse “{offer.title}”.\n\nTo confirm, open this link and "
                f"press the button:\n{link}\n\nIf you did not ask, ignore this e-mail: "
                "nothing is counted without the confirmation.\n")
    elif endorsement.status == Endorsement.Status.INVALIDATED:
        # An invalidation is a public act (its criteria and reason are in the log), so the
        # truth tells the person nothing that is not already published.
        log = outbox.site_url(reverse("log:browser"))
        subject, title = named("Your endorsement is not counted: {}", offer.title)
        body = (f"Someone, perhaps you, asked to endorse “{offer.title}” with this address. "
                "An endorsement with this address was invalidated by a published act of the "
                "officials, so it is not counted, and this address cannot endorse the offer "
                f"again. The invalidations are in the transparency log:\n{log}\n")
    else:
        subject, title = named("You have already endorsed: {}", offer.title)
        body = (f"Someone, perhaps you, asked to endorse “{offer.title}” with this address. "
                "You have already endorsed it, and you count once.\n")
    return multipart(subject=subject, title=title, body=body, to=endorsement.contact,
                     template="publicity/mail/endorsement.html",
                     context={"title": offer.title, "link": link, "log": log})


def endorsement_mails_send(*, pks: list[int], claim: str, at: dt.datetime | None = None) -> int:
    """Send the mails of a claimed batch over one connection, each reflecting the endorsement
    as it is now; a mail owed twice before it went out is sent once. Returns how many were
    sent. Rows another sender has claimed since are left to it; a mail that fails stays owed,
    and its claim, left to expire, is the pause before it is tried again.

    No confirmation link goes once the endorsement's period has closed (`_link_withheld`: it
    would be refused): one submitted just before the close may be checked and mailed just
    after it. It is owed nothing more, and released from its claim unmailed."""
    now = at or timezone.now()
    mine = Endorsement.objects.filter(pk__in=pks)
    rows = outbox.take(mine.select_related("offer__endorsement_period"), claim, now=now)
    sent: dict[int, list[int]] = {}  # mails_due as read → the rows sent at it
    with get_connection() as connection:
        for endorsement in rows:
            if _link_withheld(endorsement, now):
                outbox.settle(mine.filter(pk=endorsement.pk), claim,
                              mails_due=endorsement.mails_due)
                continue
            try:
                connection.send_messages([_mail(endorsement)])
            except OSError:
                logger.exception("the mail of endorsement %s failed; it stays owed",
                                 endorsement.ref)
                continue
            sent.setdefault(endorsement.mails_due, []).append(endorsement.pk)
    for due, done in sent.items():
        outbox.settle(mine.filter(pk__in=done), claim, mails_sent=due)
    return sum(len(done) for done in sent.values())


INVALIDATION_CRITERIA = ("refs", "network", "domain", "country", "region", "submitted_after",
                         "submitted_before")
"""`refs`: the endorsements' public references, separated by spaces or commas (the officials'
review of suspects invalidates those it selects); the others match by what they name."""


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
CHUNK = 500
"""The bulk acts on endorsements (an invalidation, a pseudonymisation) read, lock and update
them this many at a time, within the act's one transaction: no statement carries more
parameters than SQLite takes (999 before 3.32), and a national-scale period's millions of
endorsements are never in memory at once."""


def _chunks(rows: QuerySet[Endorsement]) -> Iterator[list[Endorsement]]:
    """The rows, `CHUNK` at a time in the order of their keys; each chunk is read afresh after
    the last key of the one before, so the acts may change the rows as they go."""
    last = 0
    while chunk := list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK]):
        yield chunk
        last = chunk[-1].pk


NARROWEST_NETWORK = {4: 24, 6: 48}
"""An invalidation's network is at least as wide as the network limits' unit (`network_of`):
its criteria are published in the log for good, and a narrower one could name one endorser's
address."""


@dataclass(frozen=True)
class Matching:
    """What an invalidation matches, once its criteria are checked: the criteria as the log
    states them (each in one spelling: the canonical domain, the network's address and prefix,
    times with their offset), what SQL can say, and the network, if any, which Python tests
    address by address (`ip in network`, the same on every database)."""

    criteria: dict[str, str]
    match: Q
    network: IPNetwork | None


def _when(text: str) -> dt.datetime:
    """A moment given as ISO 8601; one without an offset is in UTC."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _matching(offer: Offer, criteria: dict[str, str]) -> Matching:
    """Check an invalidation's criteria: `EndorsementRefused`, saying which and why, for one
    that could not match as meant (an unknown country, a region of another country, a domain
    no address can have, a network too narrow to publish)."""
    unknown = set(criteria) - set(INVALIDATION_CRITERIA)
    if unknown or not criteria:
        raise EndorsementRefused("an invalidation matches by one or more of: "
                                 + ", ".join(INVALIDATION_CRITERIA))
    stated: dict[str, str] = {}
    match = Q(offer=offer)
    network: IPNetwork | None = None
    try:
        if "refs" in criteria:
            refs = sorted({uuid.UUID(ref) for ref in criteria["refs"].replace(",", " ").split()})
            if not 0 < len(refs) <= CHUNK:
                raise EndorsementRefused(f"an invalidation by reference names 1 to {CHUNK} "
                                         "endorsements")
            stated["refs"] = " ".join(str(ref) for ref in refs)
            match &= Q(ref__in=refs)
        if "network" in criteria:
            network = ipaddress.ip_network(criteria["network"].strip(), strict=False)
            if network.prefixlen > NARROWEST_NETWORK[network.version]:
                raise EndorsementRefused(
                    f"an invalidation's network is /{NARROWEST_NETWORK[network.version]} or "
                    f"wider, not /{network.prefixlen}: its criteria are published in the log, "
                    "and a narrower network could name one endorser's address")
            stated["network"] = str(network)
            match &= Q(address__isnull=False)
        if "domain" in criteria:
            domain = canonical_domain(criteria["domain"].strip(), mail_rules())
            stated["domain"] = domain
            match &= Q(canonical__endswith="@" + domain)
        for name, lookup in (("submitted_after", "submitted_at__gte"),
                             ("submitted_before", "submitted_at__lt")):
            if name in criteria:
                moment = _when(criteria[name].strip())
                stated[name] = moment.isoformat()
                match &= Q(**{lookup: moment})
    except EndorsementRefused:
        raise
    except (ValueError, ContactError) as error:  # a value that is not one: said as it was
        raise EndorsementRefused(f"an invalidation's criteria: {error}") from None
    country = State.objects.filter(key=criteria.get("country", "")).first()
    if "country" in criteria:
        if country is None:
            raise EndorsementRefused(f"no state has the key {criteria['country']!r}")
        stated["country"] = country.key
        match &= Q(country=country)
    if "region" in criteria:
        region = Territory.objects.filter(key=criteria["region"]).first()
        if region is None:
            raise EndorsementRefused(f"no region has the key {criteria['region']!r}")
        if country is not None and region.held_by_id != country.pk:
            raise EndorsementRefused(f"{region.name} is not a region of {country.name}")
        stated["region"] = region.key
        match &= Q(region=region)
    return Matching(stated, match, network)


@transaction.atomic
def endorsements_invalidate(*, offer: Offer, criteria: dict[str, str], reason: str,
                            official: Any, at: dt.datetime | None = None) -> Invalidation:
    """Invalidate every endorsement of `offer` matching all the criteria, in one audited,
    logged act; the counted ones stop counting.

    The candidates are read in chunks of `CHUNK` by primary key; a chunk's matches
    are locked until the act commits (only they: a network's neighbours are not held up) and
    invalidated at once, and what they took from the counts is summed per country and region
    into one `TallyChange` each at the end."""
    at = at or timezone.now()
    if problem := text_problem(reason, "the reason of an invalidation",
                               blank="an invalidation says why"):
        raise EndorsementRefused(problem)
    matching = _matching(offer, criteria)
    network = matching.network
    candidates = (Endorsement.objects.filter(matching.match)
                  .exclude(status=Endorsement.Status.INVALIDATED))
    count = 0
    counted: Counter[tuple[str, str | None]] = Counter()
    for chunk in _chunks(candidates.only("pk", "address")):
        # With a network, `_matching` keeps only the endorsements that have an address.
        hits = [e.pk for e in chunk if network is None or (
            e.address is not None and ipaddress.ip_address(e.address) in network)]
        locked = (candidates.select_for_update(of=("self",)).filter(pk__in=hits)
                  .values_list("pk", flat=True))
        matched = Endorsement.objects.filter(pk__in=list(locked))
        counted.update(matched.filter(COUNTED).values_list("country__key", "region__key"))
        count += matched.update(status=Endorsement.Status.INVALIDATED)
    if not count:
        # Nothing to do: rolled back with its locks, no act is logged.
        raise EndorsementRefused(f"no endorsement of {offer.key} that is not yet invalidated "
                                 "matches these criteria; nothing was invalidated or logged")
    TallyChange.objects.bulk_create(
        TallyChange(offer=offer, country=country, region=region or "", delta=-n, at=at)
        for (country, region), n in counted.items()
    )
    criteria = matching.criteria
    entry = _log(offer, "invalidated", at, criteria=criteria, reason=reason, count=count,
                 official=official.get_username())
    return Invalidation.objects.create(offer=offer, criteria=criteria, reason=reason,
                                       official=official, count=count, at=at, entry=entry)


CountKey = tuple[str, str]


def _counts_json(counts: dict[CountKey, int]) -> dict[str, dict[str, int]]:
    nested: dict[str, dict[str, int]] = {}
    for (country, region), n in sorted(counts.items()):
        if n:
            nested.setdefault(country, {})[region] = n
    return nested


def _published(offer: Offer) -> dict[CountKey, int]:
    return {(c.country, c.region): c.count for c in TallyCount.objects.filter(offer=offer)}


def _snapshot(offer: Offer, kind: str, window_end: dt.datetime, counts: dict[CountKey, int],
              at: dt.datetime, matches: bool | None = None) -> TallySnapshot:
    nested = _counts_json(counts)
    total = sum(counts.values())
    entry = _log(offer, kind, at, window_end=window_end.isoformat(), total=total,
                 counts=nested, **({} if matches is None else {"matches": matches}))
    return TallySnapshot.objects.create(offer=offer, kind=kind, window_end=window_end,
                                        total=total, counts=nested, matches=matches,
                                        taken_at=at, entry=entry)


def _last_window_end(offer: Offer) -> dt.datetime | None:
    return (TallySnapshot.objects.filter(offer=offer).order_by("-window_end")
            .values_list("window_end", flat=True).first())


@transaction.atomic
def tally_run(*, offer: Offer, at: dt.datetime | None = None,
              lag: dt.timedelta | None = None) -> TallySnapshot | None:
    """Add the changes of the window [last window end, now − lag) to the published counts and
    publish them, if any changed. The window lags so that a change stamped just before its
    end has committed by the time it is summed; the daily recount catches one that had not."""
    at = at or timezone.now()
    window_end = at - (lag if lag is not None else settings.OPENPEACE_TALLY_LAG)
    Offer.objects.select_for_update().filter(pk=offer.pk).first()  # one tally at a time
    since = _last_window_end(offer)
    if since is not None and window_end <= since:
        return None
    sums = _changes_since(offer, since, until=window_end)
    if since is not None and not any(sums.values()):
        return None
    for (country, region), n in sums.items():
        row, _ = TallyCount.objects.get_or_create(offer=offer, country=country, region=region)
        row.count += n
        row.save(update_fields=["count"])
    return _snapshot(offer, "tally", window_end, _published(offer), at)


def _changes_since(offer: Offer, since: dt.datetime | None,
                   until: dt.datetime | None = None) -> Counter[CountKey]:
    changes = TallyChange.objects.filter(offer=offer)
    if since is not None:
        changes = changes.filter(at__gte=since)
    if until is not None:
        changes = changes.filter(at__lt=until)
    return Counter({(c["country"], c["region"]): c["n"] for c in
                    changes.values("country", "region").annotate(n=Sum("delta")).order_by()})


@transaction.atomic
def tally_recount(*, offer: Offer, at: dt.datetime | None = None) -> TallySnapshot:
    """Count the endorsements themselves, and compare with the published counts plus the
    changes not yet summed. A difference is said loudly (an error in the server's log, and
    `matches: false` in the log entry); either way the recount becomes the published counts,
    as of now."""
    at = at or timezone.now()
    Offer.objects.select_for_update().filter(pk=offer.pk).first()  # no tally meanwhile
    recounted: Counter[CountKey] = Counter({
        (country, region or ""): n for country, region, n in
        Endorsement.objects.filter(COUNTED, offer=offer)
        .values_list("country__key", "region__key").annotate(n=Count("pk")).order_by()
    })
    expected = Counter(_published(offer))
    expected.update(_changes_since(offer, _last_window_end(offer)))
    differences = {key: (expected[key], recounted[key])
                   for key in set(expected) | set(recounted) if expected[key] != recounted[key]}
    if differences:
        logger.error(
            "THE ENDORSEMENT RECOUNT OF %s DOES NOT MATCH THE TALLY: %s", offer.key,
            "; ".join(f"{c}/{r or '-'}: tally {t}, recount {n}"
                      for (c, r), (t, n) in sorted(differences.items())),
        )
    TallyCount.objects.filter(offer=offer).delete()
    TallyCount.objects.bulk_create(
        TallyCount(offer=offer, country=country, region=region, count=n)
        for (country, region), n in recounted.items()
    )
    return _snapshot(offer, "recount", at, dict(recounted), at, matches=not differences)


def _pseudonym(canonical: str) -> str:
    """Keeps one person once after the contact is gone: a keyed hash, not the address."""
    return "pseudonym:" + keyed_hash("endorsement pseudonym", canonical.encode())


@transaction.atomic
def endorsements_pseudonymise(*, offer: Offer, at: dt.datetime | None = None) -> int:
    """After the endorsement period: drop the contacts, names and network addresses, keep the
    country and region (so the counts survive) and a keyed pseudonym of the contact (so the
    uniqueness does). Logged with the count; returns it. One act in one transaction, worked
    `CHUNK` endorsements at a time, two statements each."""
    at = at or timezone.now()
    period = EndorsementPeriod.objects.filter(offer=offer).first()
    if period is None or at < period.closes_at:
        raise EndorsementRefused("the endorsements are pseudonymised after their period closes")
    todo = Endorsement.objects.filter(offer=offer, pseudonymised_at__isnull=True)
    done = 0
    for chunk in _chunks(todo.select_for_update().only("pk", "canonical")):
        for endorsement in chunk:
            endorsement.canonical = _pseudonym(endorsement.canonical)
        Endorsement.objects.bulk_update(chunk, ["canonical"])
        Endorsement.objects.filter(pk__in=[e.pk for e in chunk]).update(
            contact="", name="", address=None, network="", pseudonymised_at=at)
        done += len(chunk)
    if done:
        _log(offer, "pseudonymised", at, count=done)
    return done
