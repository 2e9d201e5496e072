"""When an armistice ends, the truce is over: its parties' processes leave `armistice_in_force`.

"an immediate armistice (even if only for three months)": a truce may run out with its term, or
end by a denunciation's notice. The end is applied by the deadline job, and at once when an
armistice or a denunciation is recorded after it; every change is logged, once.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.armistices import (
    armistice_record,
    denunciation_record,
    offer_apply_armistice_ends,
)
from openpeace.diplomacy.models import Armistice, BelligerentProcess, Offer
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.publicity.feeds.acts import describe
from openpeace.publicity.feeds.register import Register
from openpeace.world.models import State
from tests.diplomacy.conftest import ACCEPTANCE, RELEASED_1917, write_texts

D = dt.date
DAY = dt.timedelta(days=1)
ADDRESSEES = ["germany", "ottoman-empire"]


def stages(offer: Offer) -> dict[str, str]:
    return dict(BelligerentProcess.objects.filter(offer=offer)
                .values_list("state__key", "stage"))


def content(entry: Entry) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(bytes(entry.body))["content"]
    return found


def kinds_since(before: int) -> list[str]:
    return [e.kind for e in Entry.objects.order_by("pk")[before:]]


def signed(
    offer: Offer, keys: tuple[str, ...] = ("russia", *ADDRESSEES), **terms: Any
) -> Armistice:
    """An armistice of 28 days, with no renewal, signed and in force from today (or as given)."""
    today = timezone.localdate()
    arguments: dict[str, Any] = {"signed_on": today, "effective_on": today, "term_count": 28,
                                 "term_unit": "days", **terms}
    return armistice_record(offer=offer, parties=list(State.objects.filter(key__in=keys)),
                            **arguments)


def move_back(armistice: Armistice, days: int) -> None:
    """As if it had been signed and had come into force `days` days earlier."""
    Armistice.objects.filter(pk=armistice.pk).update(
        signed_on=armistice.signed_on - days * DAY, effective_on=armistice.effective_on - days * DAY
    )


def test_the_deadline_job_ends_the_truce_the_day_after_the_term_and_only_once(
    accepted: Offer,
) -> None:
    armistice = signed(accepted)
    out = StringIO()
    move_back(armistice, 28)  # its last day in force is today
    call_command("apply_deadlines", stdout=out)
    assert set(stages(accepted).values()) == {"armistice_in_force"}
    before = Entry.objects.count()

    move_back(armistice, 29)  # its last day in force was yesterday
    call_command("apply_deadlines", stdout=out)
    assert "peace-1917: the armistice ended for 2 belligerent(s)" in out.getvalue()
    assert stages(accepted) == {"germany": "armistice_ended", "ottoman-empire": "armistice_ended"}
    assert kinds_since(before) == ["armistice.ended", "armistice.ended", "offer.status_changed"]
    ended = Entry.objects.get(kind="armistice.ended", subject="offer:peace-1917:germany")
    assert content(ended) == {
        "offer": "peace-1917", "state": "germany", "armistice": armistice.entry.pk,
        "ended_on": (timezone.localdate() - DAY).isoformat(),
        "stage": {"from": "armistice_in_force", "to": "armistice_ended"},
    }
    # Neither accepts a truce now, no one negotiates, the deadline is still to come.
    status = Entry.objects.get(kind="offer.status_changed", pk__gt=ended.pk)
    assert content(status) == {"offer": "peace-1917", "from": "truce", "to": "open"}
    accepted.refresh_from_db()
    assert accepted.status == "open"

    call_command("apply_deadlines", stdout=out)
    assert out.getvalue().count("armistice ended") == 1
    assert Entry.objects.count() == before + 3


def test_an_armistice_recorded_after_it_ended_ends_the_truce_in_the_same_act(
    accepted: Offer, client: Client
) -> None:
    """A past agreement recorded late: 17 December 1917 to 14 January 1918, no renewal."""
    before = Entry.objects.count()
    armistice = signed(accepted, signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17))
    assert stages(accepted) == {"germany": "armistice_ended", "ottoman-empire": "armistice_ended"}
    assert kinds_since(before) == ["armistice.recorded", "armistice.ended", "armistice.ended",
                                   "offer.status_changed"]
    ended = Entry.objects.filter(kind="armistice.ended")
    assert {content(e)["ended_on"] for e in ended} == {"1918-01-14"}
    assert {content(e)["armistice"] for e in ended} == {armistice.entry.pk}
    assert offer_apply_armistice_ends(offer=accepted) == 0  # nothing left to apply

    html = client.get("/offers/peace-1917/").content.decode()
    assert html.count("armistice ended: no truce any more") == 2
    assert '<strong class="status">open: awaiting replies</strong>' in html
    offer = client.get("/api/offers/peace-1917").json()
    assert offer["status"] == "open"
    assert {p["state"]: p["stage"] for p in offer["processes"]} == {
        "germany": "armistice_ended", "ottoman-empire": "armistice_ended"}
    assert offer["armistices"][0]["in_force_today"] is False


def test_the_feeds_say_whose_truce_is_over_and_since_when(accepted: Offer) -> None:
    armistice = signed(accepted, signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17))
    log_integrate()
    act = describe(Entry.objects.get(kind="armistice.ended", subject="offer:peace-1917:germany"),
                   Register())
    assert act.title.text == "The armistice with Germany has ended"
    assert act.summary.text == ("Its last day in force was 14 January 1918. Its process moves "
                                "from armistice in force to armistice ended: no truce any more.")
    assert f"/offers/peace-1917/armistices/{armistice.pk}/" in [p.path for p in act.pages]
    feed = Client().get("/feeds/states/germany.atom").content.decode()
    assert "The armistice with Germany has ended" in feed


def test_a_denunciation_ends_the_truce_once_its_notice_has_run_out(accepted: Offer) -> None:
    """Continued until denounced, with seven days' notice, as in 1917: denounced today, it is in
    force for seven days more, and over on the eighth."""
    armistice = signed(accepted, signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17),
                       renewal=Armistice.Renewal.CONTINUED, notice_days=7)
    denunciation_record(armistice=armistice, party=State.objects.get(key="germany"),
                        on=timezone.localdate())
    assert set(stages(accepted).values()) == {"armistice_in_force"}
    assert not Entry.objects.filter(kind="armistice.ended").exists()
    now = timezone.now()
    assert offer_apply_armistice_ends(offer=accepted, now=now + 7 * DAY) == 0
    assert offer_apply_armistice_ends(offer=accepted, now=now + 8 * DAY) == 2
    assert offer_apply_armistice_ends(offer=accepted, now=now + 9 * DAY) == 0
    assert set(stages(accepted).values()) == {"armistice_ended"}
    assert Entry.objects.filter(kind="armistice.ended").count() == 2


def test_a_party_another_armistice_still_covers_keeps_its_truce(accepted: Offer) -> None:
    signed(accepted, ("russia", "germany"), signed_on=D(1917, 12, 15),
           effective_on=D(1917, 12, 17))  # over since 14 January 1918
    assert stages(accepted)["germany"] == "armistice_ended"
    # A new armistice with Germany alone, signed today to come into force in a week: the war
    # has resumed, and the signature is Germany's acceptance of a truce again.
    today = timezone.localdate()
    signed(accepted, ("russia", "germany"), effective_on=today + 7 * DAY)
    assert stages(accepted) == {"germany": "armistice_in_force",
                                "ottoman-empire": "armistice_accepted"}
    assert offer_apply_armistice_ends(offer=accepted) == 0
    assert stages(accepted)["germany"] == "armistice_in_force"
    assert Entry.objects.filter(kind="armistice.ended").count() == 1


def test_an_armistice_that_ended_before_the_job_ran_does_not_block_the_next(
    accepted: Offer,
) -> None:
    first = signed(accepted, ("russia", "germany"))
    later = timezone.now() + 40 * DAY  # the first ended 12 days ago; the job has not run
    before = Entry.objects.count()
    second = signed(accepted, ("russia", "germany"), signed_on=timezone.localdate(later),
                    effective_on=timezone.localdate(later), at=later)
    # The log says it in order: the first armistice ended, then the second was signed.
    assert kinds_since(before) == ["armistice.ended", "armistice.recorded"]
    assert content(Entry.objects.get(kind="armistice.ended"))["armistice"] == first.entry.pk
    assert second.entry.kind == "armistice.recorded"
    process = BelligerentProcess.objects.get(offer=accepted, state__key="germany")
    assert (process.stage, process.since) == ("armistice_in_force", later)


def test_the_job_applies_every_offer_but_the_one_it_cannot_read(accepted: Offer) -> None:
    bad = signed(accepted)
    Armistice.objects.filter(pk=bad.pk).update(term_count=0)  # a row no service would write
    other = Offer.objects.create(
        key="peace-1918", title="A second offer", proposing_state=accepted.proposing_state,
        reply_deadline=accepted.reply_deadline, terms=accepted.terms,
    )
    other.addressees.set(State.objects.filter(key__in=ADDRESSEES))
    write_texts(other)
    offer_release(offer=other, at=RELEASED_1917)
    for key in ADDRESSEES:
        envoy = envoy_issue(state=State.objects.get(key=key), label=f"{key}, again").envoy
        reply_record(envoy=envoy, offer=other, kind="accepts_armistice", **ACCEPTANCE[key])
    move_back(signed(other), 40)
    err = StringIO()
    with pytest.raises(CommandError, match="the deadlines of peace-1917 could not be applied"):
        call_command("apply_deadlines", stdout=StringIO(), stderr=err)
    assert "peace-1917: its deadlines cannot be applied: a term must be at least one" \
        in err.getvalue()
    assert set(stages(other).values()) == {"armistice_ended"}
    assert set(stages(accepted).values()) == {"armistice_in_force"}
