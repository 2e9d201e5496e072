"""What the feeds read of the register, each map once per request and public rows only.

An act's log entry names its subject (`offer:…`, `treaty:…`, `nationality:…`, …) and carries
what was made public; the feeds also need names to write titles, the states a subject belongs
to when the entry does not carry them, and the pages that show each act. They come from here:
released offers only, public treaties only (`treaties_public`, the one door every public read
of treaties goes through), so a draft offer or a secret treaty cannot reach a feed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from openpeace.diplomacy.models import Armistice, NegotiationSession, Note, Offer, Proclamation
from openpeace.plebiscites.models import Plebiscite
from openpeace.treaties.selectors import treaties_public
from openpeace.world import selectors as world_selectors
from openpeace.world.models import Language, Nationality, People, State, Territory


@dataclass(frozen=True)
class OfferFacts:
    key: str
    title: str
    proposing_state: str
    addressees: frozenset[str]


@dataclass(frozen=True)
class TreatyFacts:
    key: str
    title: str
    parties: frozenset[str]


@dataclass(frozen=True)
class ArmisticeFacts:
    """An armistice as its acts refer to it: by its own entry's primary key."""

    pk: int
    offer: str
    parties: frozenset[str]


@dataclass(frozen=True)
class Text:
    """A published text: a note to a government or a proclamation to a people."""

    offer: str
    language: str
    text: str
    title: str = ""
    state: str = ""  # a note's addressee
    people: str = ""  # a proclamation's people


class Register:
    """Lazy, per-request maps of the register rows the feeds need."""

    @cached_property
    def states(self) -> dict[str, State]:
        return {s.key: s for s in State.objects.select_related("government")}

    @cached_property
    def languages(self) -> dict[str, Language]:
        return {language.tag: language for language in Language.objects.all()}

    @cached_property
    def publisher(self) -> str:
        """Who publishes every act: the proposing state's government (else the software)."""
        situation = world_selectors.situation_record()
        if situation is not None:
            state = self.states.get(situation.proposing_state.key)
            government = getattr(state, "government", None) if state else None
            if government is not None:
                return str(government.name)
            return situation.proposing_state.name
        return "openpeace"

    def state_name(self, key: object) -> str:
        state = self.states.get(str(key))
        return state.name if state else str(key)

    def government_name(self, key: str) -> str:
        state = self.states.get(key)
        government = getattr(state, "government", None) if state else None
        return str(government.name) if government is not None else self.state_name(key)

    @cached_property
    def peoples(self) -> dict[str, str]:
        return dict(People.objects.values_list("key", "name"))

    @cached_property
    def nationalities(self) -> dict[str, str]:
        return dict(Nationality.objects.values_list("key", "name"))

    @cached_property
    def rulers(self) -> dict[str, frozenset[str]]:
        """Each nationality's ruling states."""
        ruled: dict[str, set[str]] = defaultdict(set)
        for nationality, state in Nationality.ruled_by.through.objects.values_list(
            "nationality__key", "state__key"
        ):
            ruled[nationality].add(state)
        return {key: frozenset(states) for key, states in ruled.items()}

    @cached_property
    def territories(self) -> dict[str, tuple[str, str]]:
        """Each territory's name and the state that holds it by right."""
        return {key: (name, holder) for key, name, holder in
                Territory.objects.values_list("key", "name", "held_by__key")}

    @cached_property
    def offers(self) -> dict[str, OfferFacts]:
        """Released offers only."""
        addressed: dict[str, set[str]] = defaultdict(set)
        for offer, state in Offer.addressees.through.objects.filter(
            offer__released_at__isnull=False
        ).values_list("offer__key", "state__key"):
            addressed[offer].add(state)
        return {
            key: OfferFacts(key, title, proposer, frozenset(addressed[key]))
            for key, title, proposer in Offer.objects.filter(released_at__isnull=False)
            .values_list("key", "title", "proposing_state__key")
        }

    @cached_property
    def treaties(self) -> dict[str, TreatyFacts]:
        """Public treaties only: a secret one is not in this map."""
        public = treaties_public()
        parties: dict[str, set[str]] = defaultdict(set)
        for treaty, state in public.values_list("key", "parties__key"):
            if state is not None:
                parties[treaty].add(state)
        return {key: TreatyFacts(key, title, frozenset(parties[key]))
                for key, title in public.values_list("key", "title")}

    @cached_property
    def armistices(self) -> dict[int, ArmisticeFacts]:
        """Armistices of released offers, by the primary key of the entry that recorded each."""
        parties: dict[int, set[str]] = defaultdict(set)
        rows = Armistice.objects.filter(offer__released_at__isnull=False)
        for entry, state in rows.values_list("entry_id", "parties__key"):
            if state is not None:
                parties[entry].add(state)
        return {entry: ArmisticeFacts(pk, offer, frozenset(parties[entry]))
                for entry, pk, offer in rows.values_list("entry_id", "pk", "offer__key")}

    @cached_property
    def sessions(self) -> dict[int, int]:
        """Negotiation sessions of released offers: the entry's primary key → the session's."""
        return dict(NegotiationSession.objects.filter(offer__released_at__isnull=False)
                    .values_list("entry_id", "pk"))

    @cached_property
    def plebiscites(self) -> dict[str, tuple[int, str]]:
        """Plebiscites by election id → (primary key, nationality key); every plebiscite is
        public from its call (`plebiscites_public`)."""
        return {election: (pk, nationality) for election, pk, nationality in
                Plebiscite.objects.values_list("election_id", "pk", "nationality__key")}

    @cached_property
    def notes(self) -> dict[str, list[Text]]:
        """The released offers' notes, by offer key, ordered by addressee and language."""
        found: dict[str, list[Text]] = defaultdict(list)
        for offer, state, tag, text in (
            Note.objects.filter(offer__released_at__isnull=False)
            .order_by("offer__key", "state__key", "language__tag")
            .values_list("offer__key", "state__key", "language__tag", "text")
        ):
            found[offer].append(Text(offer=offer, language=tag, text=text, state=state))
        return found

    @cached_property
    def proclamations(self) -> dict[str, list[Text]]:
        """The released offers' proclamations, by offer key, ordered by people and language."""
        found: dict[str, list[Text]] = defaultdict(list)
        for offer, people, tag, title, text in (
            Proclamation.objects.filter(offer__released_at__isnull=False)
            .order_by("offer__key", "people__key", "language__tag")
            .values_list("offer__key", "people__key", "language__tag", "title", "text")
        ):
            found[offer].append(Text(offer=offer, language=tag, text=text, title=title,
                                     people=people))
        return found
