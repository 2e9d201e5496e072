"""Reads of the follows: what can be followed, and which follows an act is for.

An act is for the follows of
- an offer: its acts (subject `offer:<key>`, and `offer:<key>:<state>` for an addressee's reply
  or silence);
- a state: the acts that concern it (`feeds.concerns.states_concerned`, the rule of its feed);
- a nationality: its acts (subject `nationality:<key>`: its decisions and demands), those of
  its plebiscites (`plebiscite:<election>`), and the changed findings on treaties' clauses that
  its decision caused (`treaty.findings_changed` naming it).

One person gets each act once (`mailed_under`): the act is mailed under one of the follows it
answers, and the mail names them all.

Some acts are never mailed (`QUIET`): the ballots, which the feeds leave out too, one entry per
ballot; and the endorsements' bookkeeping (a tally every minute while the counts move, the daily
recount, each suspicion and release), which would turn a follow into a flood. They are in the
log, its browser and the tally page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.html import format_html

from openpeace.core.text import isolated
from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.feeds.selectors import NOT_IN_FEEDS
from openpeace.publicity.follows.models import Follow, FollowNotice
from openpeace.tokens import token_hash
from openpeace.world.models import Nationality, State

QUIET = (*NOT_IN_FEEDS, "endorsement.tally", "endorsement.recount", "endorsement.suspected",
         "endorsement.released")

Target = tuple[str, str]
"""(kind, key): what a follow follows."""


def targets_of(entry: Entry, register: Register) -> set[Target]:
    """Every (kind, key) whose follows this integrated entry is for."""
    if entry.kind in QUIET:
        return set()
    prefix, _, rest = entry.subject.partition(":")
    first = rest.split(":", 1)[0]
    content = content_of(entry)
    found = {(Follow.Target.STATE.value, state) for state in
             states_concerned(entry.kind, entry.subject, content, register)}
    if prefix == "offer" and first:
        found.add((Follow.Target.OFFER.value, first))
    elif prefix == "nationality" and first:
        found.add((Follow.Target.NATIONALITY.value, first))
    elif prefix == "plebiscite" and (plebiscite := register.plebiscites.get(rest)):
        found.add((Follow.Target.NATIONALITY.value, plebiscite[1]))
    elif (entry.kind == "treaty.findings_changed" and content is not None
          and isinstance(decision := content.get("decision"), dict)
          and decision.get("nationality")):
        found.add((Follow.Target.NATIONALITY.value, str(decision["nationality"])))
    return found


def follows_for(targets: set[Target]) -> dict[Target, list[Follow]]:
    """The active follows of each of `targets`."""
    if not targets:
        return {}
    match = Q()
    for target, key in targets:
        match |= Q(target=target, key=key)
    found: dict[Target, list[Follow]] = {}
    for follow in Follow.objects.filter(match, status=Follow.Status.ACTIVE):
        found.setdefault((follow.target, follow.key), []).append(follow)
    return found


def mailed_under(follows: Iterable[Follow]) -> list[Follow]:
    """One person's follows that an act answers, the one it is mailed under first.

    The rule: if any of them is immediate, the act is mailed at once, under the oldest immediate
    one, and left out of the person's digests (they have it already); otherwise it appears in
    one digest, the oldest daily follow's. So a person gets each act once, as early as one of
    their follows asks for it."""
    return sorted(follows, key=lambda follow: (follow.frequency != Follow.Frequency.IMMEDIATE,
                                               follow.pk))


def by_person(follows: Iterable[Follow]) -> list[list[Follow]]:
    """`follows` grouped by person (`services.person_of`), each group in `mailed_under`'s
    order."""
    people: dict[str, list[Follow]] = {}
    for follow in follows:
        people.setdefault(follow.canonical, []).append(follow)
    return [mailed_under(group) for group in people.values()]


def answered(notices: Iterable[FollowNotice]) -> dict[int, list[Follow]]:
    """For each notice's entry, the follows of its person that it answers and that are still
    active: the notice's own first, then those of `also`, which the mail names."""
    notices = list(notices)
    others = {follow.pk: follow for follow in Follow.objects.filter(
        pk__in={pk for notice in notices for pk in notice.also}, status=Follow.Status.ACTIVE)}
    return {notice.entry_id: [notice.follow, *(others[pk] for pk in notice.also if pk in others
                                               and others[pk].canonical == notice.canonical)]
            for notice in notices}


def follow_confirming(token: str) -> Follow | None:
    """The follow this confirmation link's token starts, if any."""
    return Follow.objects.filter(confirm_hash=token_hash(token)).first()


def follow_unsubscribing(token: str) -> Follow | None:
    """The follow this unsubscribe link's token stops, if any (stopped already or not)."""
    return Follow.objects.filter(unsubscribe_hash=token_hash(token)).first()


def followable() -> dict[str, list[tuple[str, str]]]:
    """What can be followed, by kind: (key, name) pairs, in name order. Offers are the released
    ones only: a draft is not public."""
    return {
        Follow.Target.OFFER.value: list(Offer.objects.filter(released_at__isnull=False)
                                        .order_by("title").values_list("key", "title")),
        Follow.Target.STATE.value: list(State.objects.order_by("name")
                                        .values_list("key", "name")),
        Follow.Target.NATIONALITY.value: list(Nationality.objects.order_by("name")
                                              .values_list("key", "name")),
    }


def target_name(target: str, key: str) -> str | None:
    """The name of what (target, key) names, if it can be followed; None otherwise."""
    found: QuerySet[Any, tuple[str]]
    if target == Follow.Target.OFFER:
        found = Offer.objects.filter(key=key, released_at__isnull=False).values_list("title")
    elif target == Follow.Target.STATE:
        found = State.objects.filter(key=key).values_list("name")
    elif target == Follow.Target.NATIONALITY:
        found = Nationality.objects.filter(key=key).values_list("name")
    else:
        return None
    row = found.first()
    return str(row[0]) if row else None


WHAT = {
    Follow.Target.OFFER.value: "the offer “{}”",
    Follow.Target.STATE.value: "the acts concerning {}",
    Follow.Target.NATIONALITY.value: "the acts of the {} (a nationality)",
}
"""What a follow follows, in words around its target's name: the one phrase of the mails and
the pages."""


@dataclass(frozen=True)
class What:
    """What a follow follows, in words, each way it is said, from one lookup of its name:
    `text` plain, for a mail's text; `html` escaped, with the name inside `<bdi>`, as every
    name in a page is (a name in another script keeps its own direction without turning the
    sentence around it); `isolated` plain with the name isolated, the `<bdi>` of plain text,
    for a mail's HTML title."""

    text: str
    html: str
    isolated: str


def what(follow: Follow) -> What:
    """What `follow` follows, in words (`What`)."""
    name = target_name(follow.target, follow.key) or follow.key
    words = WHAT[follow.target]
    return What(words.format(name), format_html(words, format_html("<bdi>{}</bdi>", name)),
                words.format(isolated(name)))
