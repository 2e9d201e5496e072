"""Armistices, denunciations, breaches and negotiation sessions, each a logged act."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.armistices import (
    ArmisticeRefused,
    armistice_record,
    armistice_today,
    breach_report,
    denunciation_record,
    session_record,
)
from openpeace.diplomacy.models import Armistice, BelligerentProcess, Offer
from openpeace.diplomacy.services import offer_release
from openpeace.log.models import Entry
from openpeace.world.models import State

D = dt.date


FRONT_IN_WORDS = "The front line of 17 December 1917, from the Baltic to the Black Sea."


def record_1917(offer: Offer, demarcation_geometry: Any = None,
                demarcation: str = FRONT_IN_WORDS) -> Armistice:
    """The armistice of 15 December 1917: 17 Dec to 14 Jan, then until denounced (7 days)."""
    return armistice_record(
        offer=offer, parties=list(State.objects.filter(
            key__in=["russia", "germany", "ottoman-empire"])),
        signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17), term_count=28,
        term_unit="days", renewal=Armistice.Renewal.CONTINUED, notice_days=7,
        demarcation=demarcation, demarcation_geometry=demarcation_geometry,
    )


def test_an_armistice_brings_its_parties_processes_into_force(accepted: Offer) -> None:
    armistice = record_1917(accepted)
    assert set(BelligerentProcess.objects.values_list("stage", flat=True)) == {
        "armistice_in_force"
    }
    content = json.loads(bytes(armistice.entry.body))["content"]
    assert content["renewal"] == {"rule": "continued_until_denounced", "count": None,
                                  "unit": None, "notice_days": 7}
    today = armistice_today(armistice, D(1918, 1, 1))
    assert today.in_force and today.expires_on == D(1918, 1, 14)
    assert today.last_day_to_denounce == D(1918, 1, 7)
    assert armistice_today(armistice, D(1917, 12, 16)).in_force is False


def test_a_denunciation_ends_it_after_the_notice(accepted: Offer) -> None:
    armistice = record_1917(accepted)
    denunciation_record(armistice=armistice, party=State.objects.get(key="germany"),
                        on=D(1918, 2, 10))
    assert armistice_today(armistice, D(1918, 2, 17)).in_force
    assert not armistice_today(armistice, D(1918, 2, 18)).in_force
    assert Entry.objects.filter(kind="armistice.denounced").count() == 1
    # Recorded long after its notice ran out: the truce is over in the same act.
    assert set(BelligerentProcess.objects.values_list("stage", flat=True)) == {
        "armistice_ended"
    }
    assert Entry.objects.filter(kind="armistice.ended").count() == 2
    accepted.refresh_from_db()
    assert accepted.status == "open"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"effective_on": D(1917, 12, 14)}, "cannot come into force"),
        ({"term_count": 0}, "at least one"),
        ({"notice_days": 40}, "longer than the first period"),
        ({"parties": ["germany", "ottoman-empire"]}, r"signed by its proposing state \(russia\)"),
        ({"parties": ["russia", "france"]}, "and at least one state it was addressed to"),
        ({"parties": ["russia", "germany", "france"]},
         "france: not addressed by the offer 'peace-1917'"),
        ({"signed_on": D(1917, 11, 1)}, r"between its release \(1917-11-08\)"),
        ({"signed_on": D(2999, 1, 1), "effective_on": D(2999, 1, 2)},
         "and the day it is recorded"),
    ],
)
def test_an_impossible_armistice_is_refused_and_changes_nothing(
    accepted: Offer, change: dict[str, object], message: str
) -> None:
    before = Entry.objects.count()
    arguments: dict[str, object] = {
        "offer": accepted, "parties": list(State.objects.filter(key__in=["russia", "germany"])),
        "signed_on": D(1917, 12, 15), "effective_on": D(1917, 12, 17), "term_count": 28,
        "term_unit": "days", "renewal": Armistice.Renewal.CONTINUED, "notice_days": 7,
    }
    if "parties" in change:
        change = {**change, "parties": list(State.objects.filter(key__in=change["parties"]))}
    with pytest.raises(ArmisticeRefused, match=message):
        armistice_record(**{**arguments, **change})  # type: ignore[arg-type]
    assert Entry.objects.count() == before and not Armistice.objects.exists()
    assert set(BelligerentProcess.objects.values_list("stage", flat=True)) == {
        "armistice_accepted"
    }


FRONT = [[23.9, 57.0], [26.5, 55.9], [25.3, 52.1], [26.0, 48.3], [29.7, 45.3]]


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Point", "coordinates": [25.3, 52.1]},
     "demarcation_geometry.type: a demarcation is a LineString, MultiLineString, Polygon or "
     "MultiPolygon, not 'Point'"),
    ({"type": "LineString", "coordinates": [[23.9, 57.0], [226.5, 55.9]]},
     "demarcation_geometry.coordinates[1][0]: a longitude is between -180 and 180 degrees "
     "(WGS 84), not 226.5"),
    ({"type": "LineString", "coordinates": [[57.0, 23.9], [55.9, 96.5]]},
     "demarcation_geometry.coordinates[1][1]: a latitude is between -90 and 90 degrees (WGS 84),"
     " not 96.5"),
    ({"type": "LineString", "coordinates": [[float("nan"), 57.0], [26.5, 55.9]]},
     "demarcation_geometry.coordinates[0][0]: a longitude is a finite number, not nan"),
    ({"type": "Polygon", "coordinates": [FRONT]},
     "demarcation_geometry.coordinates[0]: a ring must end where it begins"),
    ({"type": "Feature", "geometry": {"type": "LineString", "coordinates": FRONT}},
     "not 'Feature' (give the Feature's \"geometry\" member)"),
    ({"type": "LineString", "coordinates": [[200, 0]] * 15},
     "demarcation_geometry.coordinates[9][0]: a longitude is between -180 and 180 degrees "
     "(WGS 84), not 200; and 5 more problem(s)"),
    ("LINESTRING (23.9 57, 29.7 45.3)",
     "demarcation_geometry: a GeoJSON geometry is an object, not a string"),
])
def test_a_demarcation_that_is_no_line_or_area_on_earth_is_refused_at_its_field(
    accepted: Offer, geometry: object, message: str
) -> None:
    before = Entry.objects.count()
    with pytest.raises(ArmisticeRefused) as refused:
        record_1917(accepted, demarcation_geometry=geometry)
    assert refused.value.field == "demarcation_geometry"
    assert str(refused.value).startswith("the demarcation line cannot be recorded: ")
    assert message in str(refused.value)
    assert Entry.objects.count() == before and not Armistice.objects.exists()
    assert set(BelligerentProcess.objects.values_list("stage", flat=True)) == {
        "armistice_accepted"
    }


@pytest.mark.parametrize(("demarcation", "message"), [
    ("\u200b", "the demarcation line in words cannot be blank: it has no visible character"),
    ("The front\x0bline.", "the demarcation line in words cannot contain the control character "
                          "U+000B"),
])
def test_a_hidden_demarcation_in_words_is_refused_at_its_field(
    accepted: Offer, demarcation: str, message: str
) -> None:
    before = Entry.objects.count()
    with pytest.raises(ArmisticeRefused) as refused:
        record_1917(accepted, demarcation=demarcation)
    assert refused.value.field == "demarcation" and str(refused.value).startswith(message)
    assert Entry.objects.count() == before and not Armistice.objects.exists()


def test_a_demarcation_in_words_may_be_left_out(accepted: Offer) -> None:
    assert record_1917(accepted, demarcation="").demarcation == ""


def test_a_demarcation_is_a_line_or_a_zone(accepted: Offer, client: Client) -> None:
    zone = {"type": "Polygon", "coordinates": [[[23.0, 56.0], [24.0, 56.0], [24.0, 57.0],
                                                [23.0, 56.0]]]}
    armistice = record_1917(accepted, demarcation_geometry=zone)
    assert armistice.demarcation_geometry == zone
    url = f"/offers/peace-1917/armistices/{armistice.pk}/demarcation.geojson"
    assert client.get(url).json() == zone


def test_an_armistice_with_a_state_that_never_accepted_one_is_refused(
    complete_offer: Offer,
) -> None:
    offer_release(offer=complete_offer, at=dt.datetime(1917, 11, 8, tzinfo=dt.UTC))
    with pytest.raises(ArmisticeRefused, match="germany cannot record 'signs_armistice'"):
        armistice_record(
            offer=complete_offer,
            parties=list(State.objects.filter(key__in=["russia", "germany"])),
            signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17), term_count=28,
            term_unit="days",
        )
    assert not Armistice.objects.exists()


def test_breaches_and_denunciations_need_a_party_and_a_description(accepted: Offer) -> None:
    armistice = record_1917(accepted)
    with pytest.raises(ArmisticeRefused, match="France is not a party"):
        denunciation_record(armistice=armistice, party=State.objects.get(key="france"),
                            on=D(1918, 1, 1))
    for hidden in ("  ", "\u200b\u2060"):
        with pytest.raises(ArmisticeRefused, match="with a description") as refused:
            breach_report(armistice=armistice, reported_by=State.objects.get(key="russia"),
                          on=D(1917, 12, 20), description=hidden)
        assert refused.value.field == "description"
    with pytest.raises(ArmisticeRefused, match=r"cannot contain the control character U\+0008"):
        breach_report(armistice=armistice, reported_by=State.objects.get(key="russia"),
                      on=D(1917, 12, 20), description="Troops\x08 moved.")
    assert not Entry.objects.filter(kind="armistice.breach_reported").exists()
    breach_report(armistice=armistice, reported_by=State.objects.get(key="russia"),
                  on=D(1917, 12, 20), description="Troops moved to the western front.")
    assert Entry.objects.filter(kind="armistice.breach_reported").count() == 1


def test_negotiation_sessions_are_published_and_shown(accepted: Offer, client: Client) -> None:
    record_1917(accepted)
    session_record(
        offer=accepted, place="Brest-Litovsk", opened_on=D(1917, 12, 22),
        delegations=[{"state": "russia", "members": ["A. A. Joffe", "L. B. Kamenev"]}],
        record="The Russian delegation set out six points for a general democratic peace.",
    )
    with pytest.raises(ArmisticeRefused, match="cannot close"):
        session_record(offer=accepted, place="x", opened_on=D(1918, 1, 9),
                       closed_on=D(1918, 1, 1), delegations=[], record="r")
    html = client.get("/offers/peace-1917/").content.decode()
    assert "<bdi>Brest-Litovsk</bdi>, 22 December 1917" in html
    assert "The front line of 17 December 1917" in html
    assert "<strong class=\"status\">truce</strong>" in html


JOFFE = [{"state": "russia", "members": ["A. A. Joffe"]}]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"delegations": {"a": 1}}, "delegations",
     'delegations: a list of delegations, each {"state": KEY, "members": [NAME, ...]}, '
     "not an object"),
    ({"delegations": [{"state": "atlantis", "members": ["x"]}, 5, "str"]}, "delegations",
     "delegations[0].state: no registered state with key 'atlantis'; delegations[1]: a "
     'delegation is {"state": KEY, "members": [NAME, ...]}, not a number; delegations[2]: a '
     'delegation is {"state": KEY, "members": [NAME, ...]}, not a string'),
    ({"delegations": []}, "delegations", "delegations: a session has at least one delegation"),
    ({"delegations": [{"state": "russia"}]}, "delegations",
     "delegations[0].members: missing; a non-empty list of names"),
    ({"delegations": [{"state": "russia", "members": []}]}, "delegations",
     "delegations[0].members: a non-empty list of names, not an empty array"),
    ({"delegations": [{"state": "russia", "members": ["Joffe", " ", 7]}]}, "delegations",
     "delegations[0].members[1]: a name cannot be blank: it is only white space; "
     "delegations[0].members[2]: a name, not a number"),
    ({"delegations": [{"state": 3, "members": ["x"], "flag": "red"}]}, "delegations",
     "delegations[0]: unknown field(s) 'flag'; a delegation is "
     '{"state": KEY, "members": [NAME, ...]}; delegations[0].state: the key of a registered '
     "state, not a number"),
    ({"opened_on": D(1800, 1, 1)}, "opened_on",
     "a session cannot open (1800-01-01) before the offer was released (1917-11-08)"),
    ({"opened_on": D(2999, 1, 1)}, "opened_on", "it cannot open in the future (2999-01-01"),
    ({"closed_on": D(2999, 1, 1)}, "closed_on", "it cannot close in the future (2999-01-01"),
    ({"place": " "}, "place", "a session is published with its place"),
    ({"place": "\ufeff"}, "place", "a session is published with its place (it has no visible "
                                   "character"),
    ({"place": "Brest\x01"}, "place", "the place of a session cannot contain the control "
                                      "character U+0001"),
    ({"record": "\u200b\u200b"}, "record", "a session is published with its record (it has no "
                                           "visible character"),
    ({"record": "Six\x00 points."}, "record", "the record of a session cannot contain a NUL"),
    ({"delegations": [{"state": "russia", "members": ["\u3164"]}]}, "delegations",
     "delegations[0].members[0]: a name cannot be blank: it has no visible character"),
])
def test_a_malformed_session_is_refused_naming_the_problem_and_writes_nothing(
    accepted: Offer, client: Client, changes: dict[str, object], field: str, message: str
) -> None:
    from openpeace.diplomacy.models import NegotiationSession

    before = Entry.objects.count()
    session = {"offer": accepted, "place": "Brest-Litovsk", "opened_on": D(1917, 12, 22),
               "delegations": JOFFE, "record": "Six points."}
    with pytest.raises(ArmisticeRefused) as refused:
        session_record(**{**session, **changes})  # type: ignore[arg-type]
    assert message in str(refused.value) and refused.value.field == field
    assert not NegotiationSession.objects.exists() and Entry.objects.count() == before
    assert client.get("/api/offers/peace-1917").status_code == 200


def test_a_session_of_today_under_an_offer_released_today_is_recorded(
    complete_offer: Offer,
) -> None:
    offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    assert complete_offer.released_at is not None
    today = timezone.localdate(complete_offer.released_at)
    found = session_record(offer=complete_offer, place="Petrograd", opened_on=today,
                           closed_on=today, delegations=JOFFE, record="Opened and closed.")
    assert found.entry.kind == "negotiation.session"
