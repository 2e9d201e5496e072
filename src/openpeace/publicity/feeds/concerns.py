"""Which states a public act concerns: the one rule behind the per-state feeds.

An act concerns a state when the state is a party to it, or when the act is about something the
state holds or rules. The log entry says it first: its content names the states it carries (a
reply's state, an armistice's parties, a session's delegations, a treaty's parties…); what the
content does not carry comes from the register row its subject names (a nationality's ruling
states, an occupied territory's holder, a released offer's addressees, a public treaty's
parties). So anyone holding the log and the situation can recompute every state feed.

| the act (kind or subject) | the states it concerns |
|---|---|
| `offer.released`, `offer.status_changed` | the proposing state and every addressee |
| `reply.recorded`, `process.silent` (`offer:K:STATE`) | that state and the proposing state |
| `armistice.recorded` | its parties |
| `armistice.ended` (`offer:K:STATE`, its truce over) | that state and the proposing state |
| `armistice.denounced`, `armistice.breach_reported` | its parties and the state acting |
| `negotiation.session` | the states of its delegations |
| `treaty:…` (publication and every act after it) | its parties, and the repudiating state |
| `nationality:…` (decisions, demands) | its ruling states, a state it joins or that recognises |
| `plebiscite:…` | the states that rule its nationality |
| `occupation:TERRITORY:OCCUPIER` (evacuation, end) | the occupier and the territory's holder |
| `state:KEY` | that state |
| `situation:…` (the register loaded) | every state of the register |

Any other act concerns no state (it is still in every language feed). Only keys of states in
the register are returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpeace.publicity.feeds.register import Register


def _keys(value: Any) -> set[str]:
    """State keys in a content field: a key, a list of keys, or nothing."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _offer_parties(offer: str, register: Register) -> set[str]:
    facts = register.offers.get(offer)
    return {facts.proposing_state, *facts.addressees} if facts else set()


def _proposer(offer: str, register: Register) -> set[str]:
    facts = register.offers.get(offer)
    return {facts.proposing_state} if facts else set()


def _offer_act(kind: str, parts: list[str], content: dict[str, Any] | None,
               register: Register) -> set[str]:
    c = content or {}
    offer = parts[0] if parts else ""
    if len(parts) >= 2:  # offer:K:STATE — one addressee's reply or silence
        return {parts[1]} | _proposer(offer, register)
    if kind == "offer.released" and content is not None:
        return _keys(c.get("proposing_state")) | _keys(c.get("addressees"))
    if kind == "armistice.recorded" and content is not None:
        return _keys(c.get("parties"))
    if kind in ("armistice.denounced", "armistice.breach_reported"):
        armistice = c.get("armistice")
        facts = register.armistices.get(armistice) if isinstance(armistice, int) else None
        parties = set(facts.parties) if facts else set()
        return parties | _keys(c.get("party")) | _keys(c.get("reported_by"))
    if kind == "negotiation.session" and content is not None:
        delegations = c.get("delegations")
        if isinstance(delegations, list):
            return {d["state"] for d in delegations
                    if isinstance(d, dict) and isinstance(d.get("state"), str)}
    return _offer_parties(offer, register)


def states_concerned(
    kind: str, subject: str, content: dict[str, Any] | None, register: Register
) -> frozenset[str]:
    """The keys of the states the act concerns.

    `content` is the entry's content, or None when the entry commits to it by hash only (then
    the register row the subject names answers alone).
    """
    prefix, _, rest = subject.partition(":")
    parts = rest.split(":") if rest else []
    c = content or {}
    found: Iterable[str]
    if prefix == "offer":
        found = _offer_act(kind, parts, content, register)
    elif prefix == "treaty":
        facts = register.treaties.get(rest)
        found = (set(facts.parties) if facts else set()) | _keys(c.get("parties")) \
            | _keys(c.get("repudiated_by"))
    elif prefix == "nationality":
        found = set(register.rulers.get(rest, ())) | _keys(c.get("joins")) \
            | _keys(c.get("recognised_by"))
    elif prefix == "plebiscite":
        plebiscite = register.plebiscites.get(rest)
        found = set(register.rulers.get(plebiscite[1], ())) if plebiscite else set()
    elif prefix == "occupation" and len(parts) == 2:
        territory, occupier = parts
        holder = register.territories.get(territory)
        found = {occupier} | ({holder[1]} if holder else set())
    elif prefix == "state":
        found = {rest}
    elif prefix == "situation":
        found = register.states.keys()
    else:
        found = set()
    return frozenset(key for key in found if key in register.states)
