"""`openpeace demo plebiscite`: a whole plebiscite on the 1917 default, through the services.

The Armenians of Turkish Armenia are asked whether to form a separate state or to join Russia
or the Ottoman Empire (the two states that rule them), as the Decree on "Turkish Armenia" of
29 December 1917 promised. The commission puts the question in Armenian (`hy`), their language,
in the classical spelling of the time: "Shall the Armenians of Turkish Armenia form a separate
state, or enter into the composition of another state, and of which state?" (the project's
own translation, for the demonstration, not a historical text: a reader of Armenian should
check it). The options' labels are the ones the service writes, in English
(`services.options_for`).

Played here: the credential authority (in this process, its private output kept in memory
only), a 2-of-3 key ceremony, a generated electorate casting with the Python client, some
audited ballots and some revotes, the tally, two trustees' decryptions and the result, recorded
as the nationality's decision. Russia's army occupied Turkish Armenia then, so the decision is
recorded not free.

The trustees' secrets and the voters' credentials live only in this function's variables; the
server (the services) sees what it would see in a real plebiscite: the commission appoints the
trustees, each trustee posts its own dealing and decryption as itself (the acts its token
authorises through the API, and `openpeace plebiscite trustee` makes on its own machine).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from openpeace.core import plebiscite as core
from openpeace.plebiscites import services
from openpeace.plebiscites.models import Plebiscite
from openpeace.plebiscites.selectors import board_of, election_of
from openpeace.selfdetermination.models import Commission
from openpeace.selfdetermination.services import commission_issue
from openpeace.world.models import Nationality, State

UTC = dt.UTC
NATIONALITY = "armenians"
LANGUAGE = "hy"
QUESTION = ("Թուրքահայաստանի հայերը պէ՞տք է կազմեն առանձին պետութիւն, թէ՞ մտնեն այլ "
            "պետութեան կազմի մէջ, եւ ո՞ր պետութեան։")
OPENS = dt.datetime(1918, 1, 15, 8, tzinfo=UTC)
CLOSES = dt.datetime(1918, 1, 29, 20, tzinfo=UTC)


@dataclass(frozen=True)
class Trustees:
    """The trustees as this process plays them: each one's appointment (its token) and the key
    share it computed, which in a real plebiscite never leaves its machine."""

    appointed: dict[int, services.IssuedTrustee]
    keys: dict[int, core.TrusteeKey]


def key_ceremony(commission: Commission, plebiscite: Plebiscite, names: list[str],
                 at: dt.datetime | None = None) -> tuple[Plebiscite, Trustees]:
    """The commission appoints the trustees; each deals and posts its dealing, and hands every
    other trustee its share (here: in memory); the commission records the ceremony; each
    trustee sums the shares it received from the qualified dealers into its key share."""
    appointed: dict[int, services.IssuedTrustee] = {}
    shares: list[core.Share] = []
    for name in names:
        issued = services.trustee_appoint(commission=commission, plebiscite=plebiscite,
                                          name=name, at=at)
        index = issued.trustee.index
        dealing, dealt = core.deal(
            core.Ceremony(plebiscite.election_id, plebiscite.threshold, plebiscite.trustees), index)
        services.dealing_submit(trustee=issued.trustee, plebiscite=plebiscite, dealing=dealing,
                                at=at)
        appointed[index] = issued
        shares += dealt.values()
    plebiscite = services.plebiscite_ceremony_record(commission=commission,
                                                     plebiscite=plebiscite, at=at)
    qualified = [t.dealing for t in election_of(plebiscite).parameters.trustees]
    keys = {i: core.trustee_key(i, qualified, shares) for i in appointed}
    return plebiscite, Trustees(appointed, keys)


def _commission(nationality: Nationality) -> Commission:
    return commission_issue(nationality=nationality,
                            label="Armenian National Council (demonstration)").commission


def demo_plebiscite(
    *, voters: int = 10_000, audits: int = 5, revotes: int = 20, seed: int = 1917,
    say: Callable[[str], None] = lambda line: None,
) -> Plebiscite:
    """Run the demonstration; returns the plebiscite, decided."""
    rng = random.Random(seed)
    nationality = Nationality.objects.get(key=NATIONALITY)
    joins = [State.objects.get(key="russia"), State.objects.get(key="ottoman-empire")]
    commission = _commission(nationality)
    at = OPENS - dt.timedelta(days=10)
    plebiscite = services.plebiscite_create(
        commission=commission, nationality=nationality, question=QUESTION, language=LANGUAGE,
        joins=joins, opens_at=OPENS, closes_at=CLOSES, trustees=3, threshold=2, at=at,
    )
    say(f"plebiscite {plebiscite.election_id} called by {commission.label}")
    private, public = core.issue(voters)  # the credential authority, offline
    services.plebiscite_credentials_publish(commission=commission, plebiscite=plebiscite,
                                            credentials=public, at=at)
    say(f"{voters:,} public credentials published (the private ones never reach the server)")
    plebiscite, trustees = key_ceremony(
        commission, plebiscite, ["Trustee of Erivan", "Trustee of Tiflis", "Trustee of Petrograd"],
        at=at)
    say(f"key ceremony: 2 of 3 trustees; election hash {plebiscite.election_hash}")
    election = election_of(plebiscite)
    weights = [55, 30, 15]  # separate state, join Russia, join the Ottoman Empire
    span = (CLOSES - OPENS).total_seconds() - 3600
    moments = sorted(OPENS + dt.timedelta(seconds=rng.uniform(0, span))
                     for _ in range(voters + audits + revotes))
    tick = iter(moments)
    for n in range(audits):  # a voter audits a ballot (Benaloh), then casts another
        prepared = core.encrypt_ballot(election, private[n], rng.choices(range(3), weights)[0])
        services.ballot_audit(plebiscite=plebiscite, audited=prepared.reveal(), at=next(tick))
    for n, credential in enumerate(private):
        choice = rng.choices(range(3), weights)[0]
        services.ballot_cast(plebiscite=plebiscite,
                             data=core.encrypt_ballot(election, credential, choice).data,
                             at=next(tick))
        if n and n % 1000 == 0:
            say(f"  {n:,} ballots cast")
    # Some voters change their minds: their last ballot counts. Each revotes once at most, so
    # there are never more revotes than voters; the line says what the board holds.
    revoted = min(revotes, voters)
    for n in rng.sample(range(voters), revoted):
        services.ballot_cast(plebiscite=plebiscite,
                             data=core.encrypt_ballot(election, private[n], 0).data,
                             at=next(tick))
    say(f"{voters + revoted:,} ballots cast ({revoted:,} revotes), {audits} audited")
    plebiscite = services.plebiscite_close(commission=commission, plebiscite=plebiscite,
                                          at=CLOSES, processes=2)
    say("voting closed; the whole board verified and tallied")
    board = board_of(plebiscite)  # a trustee takes the board, verifies it, decrypts its tally
    for index in (1, 3):
        _tally, partial = core.partial_decrypt(election, trustees.keys[index], board,
                                               processes=2)
        services.decryption_submit(trustee=trustees.appointed[index].trustee,
                                   plebiscite=plebiscite, partial=partial,
                                   at=CLOSES + dt.timedelta(hours=index))
    plebiscite.refresh_from_db()
    assert plebiscite.result is not None
    for option, count in zip(plebiscite.options, plebiscite.result["counts"], strict=True):
        say(f"  {option['label']}: {count:,}")
    decision = plebiscite.decision
    if decision is not None:
        say(f"recorded as the decision of the {nationality.name}: "
            + ("free" if decision.free else
               f"NOT free, taken under occupation ({decision.under_occupation})"))
    return plebiscite
