"""The 1917 sequence, replayed through the same services the API and the admin use.

Each act is recorded at the moment it happened (New Style dates), so the process rules check
the history as they would check a live one: nothing is recorded before what it answers.
Sources are the research note's (shared/research/history-1917.md §5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from openpeace.diplomacy.armistices import armistice_record, session_record
from openpeace.diplomacy.models import Armistice, Offer
from openpeace.diplomacy.offer_file import offer_import
from openpeace.diplomacy.process import offer_apply_deadline, reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.world.models import State

# The offer file's offset: Petrograd clocks in late 1917 ran at about UTC+3 (mean time plus the
# summer hour); zoneinfo's historical Europe/Moscow would say +3:31 and disagree with the file.
PETROGRAD = dt.timezone(dt.timedelta(hours=3))
OFFER_FILE = Path(settings.PACKAGE_DIR) / "situations" / "1917-11-offer.yaml"
CENTRAL_POWERS = ["germany", "austria-hungary", "ottoman-empire", "bulgaria"]


def _at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PETROGRAD)


class AlreadyReplayed(RuntimeError):
    """The 1917 offer is already in the database."""


@transaction.atomic
def replay_1917(say: Callable[[str], None] = print) -> Offer:
    """Play November–December 1917 through the services; return the offer."""
    if Offer.objects.filter(key="decree-on-peace-1917").exists():
        raise AlreadyReplayed("the 1917 offer has already been replayed in this database")
    offer, released_at = offer_import(OFFER_FILE)
    offer_release(offer=offer, at=released_at)
    offer.refresh_from_db()
    say(f"released {offer.title!r} to {offer.addressees.count()} states at {released_at}")

    # 26 Nov: Russian envoys cross the German lines; the Central Powers agree to armistice
    # talks, which open at Brest-Litovsk on 3 Dec [WIKI-ARM, AUT-OH]. The day each power
    # answered is not in our sources: all four are recorded on 28 Nov, before the deadline.
    # Nor are their words, nor the language they were sent in: the text recorded is this
    # project's English summary of them, so it is marked English, the language it is written in.
    for key in CENTRAL_POWERS:
        envoy = envoy_issue(state=State.objects.get(key=key), label=f"armistice delegation, {key}")
        reply_record(
            envoy=envoy.envoy, offer=offer, kind="accepts_armistice", at=_at("1917-11-28"),
            text="The Supreme Command agrees to open negotiations for an armistice on all "
            "fronts (replayed from the historical record; see the research note).",
            language="en",
        )
        say(f"{key} accepts an armistice")

    # The Allies never replied: at the deadline they fall silent [DP, KENNAN].
    silent = offer_apply_deadline(offer=offer, now=offer.reply_deadline + dt.timedelta(seconds=1))
    say(f"the deadline passes: {silent} governments silent")

    # 15 Dec 1917: the armistice, 17 Dec to 14 Jan, then until denounced with 7 days' notice,
    # on the whole front from the Baltic to the Black Sea and in Asia [ARM]. The replay ends
    # before anyone denounced it, so it stays in force: no end is fixed, and `apply-deadlines`
    # leaves the truce as it is.
    armistice_record(
        offer=offer, parties=list(State.objects.filter(key__in=["russia", *CENTRAL_POWERS])),
        signed_on=dt.date(1917, 12, 15), effective_on=dt.date(1917, 12, 17), term_count=28,
        term_unit="days", renewal=Armistice.Renewal.CONTINUED, notice_days=7,
        demarcation="The front lines of 17 December 1917, from the Baltic Sea to the Black Sea "
        "and on the Russo-Turkish front in Asia; no transfer of troops save those under way.",
        at=_at("1917-12-15", "14:00"),
    )
    say("the armistice of 15 December 1917 is in force from 17 December")

    # 22 Dec 1917: the peace conference opens at Brest-Litovsk [KRIEG].
    session_record(
        offer=offer, place="Brest-Litovsk", opened_on=dt.date(1917, 12, 22),
        delegations=[
            {"state": "russia", "members": ["A. A. Joffe", "L. B. Kamenev", "M. N. Pokrovsky"]},
            {"state": "germany", "members": ["R. von Kühlmann", "M. Hoffmann"]},
            {"state": "austria-hungary", "members": ["O. Czernin"]},
            {"state": "bulgaria", "members": ["V. Radoslavov"]},
            {"state": "ottoman-empire", "members": ["Talat Pasha"]},
        ],
        record="The Russian delegation proposed a general democratic peace in six points: no "
        "forcible annexations, the evacuation of occupied lands, the freedom of every "
        "nationality to decide its own future, no indemnities. (Summary written for this "
        "project.)",
        at=_at("1917-12-22"),
    )
    say("negotiations open at Brest-Litovsk on 22 December 1917")
    offer.refresh_from_db()
    return offer
