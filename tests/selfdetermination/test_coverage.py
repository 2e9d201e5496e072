"""The coverage report on the register: page, API, CSV and `openpeace coverage`."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.plebiscites.models import Plebiscite
from openpeace.selfdetermination.replay import decisions_replay_1917
from openpeace.selfdetermination.selectors import coverage_report
from openpeace.world.models import Nationality
from tests.plebiscites.conftest import call


@pytest.fixture
def register_1917(db: None) -> None:
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)


def test_the_csv_on_1917_lists_every_nationality_exactly_once(register_1917: None) -> None:
    decisions_replay_1917(say=lambda line: None)
    out = StringIO()
    call_command("coverage", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    keys = [r["nationality"] for r in rows]
    assert sorted(keys) == sorted(Nationality.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == Nationality.objects.count()
    colonial = [r for r in rows if r["standing"] == "colonial"]
    assert len(colonial) == Nationality.objects.filter(standing="colonial").count() >= 50
    finns = next(r for r in rows if r["nationality"] == "finns")
    assert (finns["given"], finns["choice"], finns["via"], finns["free"]) == (
        "decided", "separate_state", "declaration", "yes")
    assert {r["given"] for r in rows if r["nationality"] != "finns"} == {"not_given"}


def test_the_totals_on_1917(register_1917: None, client: Client) -> None:
    decisions_replay_1917(say=lambda line: None)
    report = client.get("/api/coverage").json()
    totals = {(t["standing"], t["given"]): t["count"] for t in report["totals"]}
    colonial = Nationality.objects.filter(standing="colonial").count()
    metropolitan = Nationality.objects.count() - colonial
    assert totals[("metropolitan", "decided")] == 1
    assert totals[("metropolitan", "not_given")] == metropolitan - 1
    assert totals[("colonial", "not_given")] == colonial
    russia = next(g for g in report["groups"] if g["state"] == "russia")
    assert "finns" in russia["nationalities"] and "ukrainians" in russia["nationalities"]
    british = next(g for g in report["groups"] if g["state"] == "united-kingdom")
    british_totals = {(t["standing"], t["given"]): t["count"] for t in british["totals"]}
    assert british_totals[("colonial", "not_given")] == Nationality.objects.filter(
        standing="colonial", ruled_by__key="united-kingdom").count() > 5


def test_the_page_shows_every_ruler_and_colonial_nationalities(loaded: Situation,
                                                               client: Client) -> None:
    page = client.get("/coverage/").content.decode()
    assert "Ruled by <bdi>" not in page  # names are escaped text inside the heading
    for text in ["Ruled by Russia", "Ruled by France", "Algerians", "colonial", "Finns"]:
        assert text in page
    csv_answer = client.get("/coverage.csv")
    assert csv_answer["Content-Type"].startswith("text/csv")
    assert csv_answer.content.decode().splitlines()[0].startswith("nationality,name,standing")


def test_the_text_report(loaded: Situation) -> None:
    out = StringIO()
    call_command("coverage", stdout=out)
    assert out.getvalue().splitlines()[:3] == [
        "3 nationalities", "  metropolitan: 0 decided, 0 decided not free, 2 not given",
        "  colonial: 0 decided, 0 decided not free, 1 not given"]


def test_each_decision_on_the_page_links_its_log_entry(loaded: Situation, client: Client) -> None:
    import datetime as dt

    from openpeace.log.services import log_integrate
    from openpeace.selfdetermination.services import decision_record
    from openpeace.world.models import State

    decision = decision_record(
        nationality=Nationality.objects.get(key="finns"), joins=None, via="declaration",
        taken_on=dt.date(1917, 12, 6), recognised_on=dt.date(1917, 12, 31),
        recognised_by=State.objects.get(key="russia"), source="The Senate")
    log_integrate()
    decision.entry.refresh_from_db()
    page = client.get("/coverage/").content.decode()
    assert f'href="/log/entries/{decision.entry.index}"' in page
    # in words: the choice, the way it was taken, what each nationality has had
    assert "to form a separate state (recognised declaration, <time" in page
    assert "<td>decided freely</td>" in page and "<td>not given</td>" in page
    assert "separate_state" not in page and "notgiven" not in page
    assert "declaration," not in page.replace("recognised declaration,", "")


def test_a_plebiscite_being_held_is_pending_on_the_page_in_words(loaded: Situation,
                                                                 client: Client) -> None:
    called = call("finns", ["russia"])
    page = client.get("/coverage/").content.decode()
    assert (f'<a href="/plebiscites/{called.plebiscite.pk}/">Plebiscite of the Finns</a> '
            "(credentials published)") in page
    assert called.plebiscite.election_id not in page


def test_a_plebiscite_being_held_is_pending_until_it_is_decided(loaded: Situation) -> None:
    called = call("finns", ["russia"])
    finns = next(row for row in coverage_report().rows if row.nationality.key == "finns")
    assert finns.pending == (
        f"plebiscite {called.plebiscite.election_id}: credentials published",)
    Plebiscite.objects.filter(pk=called.plebiscite.pk).update(status=Plebiscite.Status.DECIDED)
    finns = next(row for row in coverage_report().rows if row.nationality.key == "finns")
    assert finns.pending == ()
