"""Occupations and their evacuation: plans, progress, completion, the end of an occupation, and
what was overdue on a day (the controllable clock), on every surface: services, log, pages, API,
admin, command line, the plans file and the 1917 replay."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import settings

from openpeace.api import api as api_schema
from openpeace.core.situation import Situation
from openpeace.core.situation_file import read_situation
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.selfdetermination.services import decision_record
from openpeace.world import evacuation
from openpeace.world.evacuation import EvacuationRefused, StageDraft
from openpeace.world.evacuation_file import (
    DEFAULT_1917,
    EvacuationFileError,
    evacuation_import,
)
from openpeace.world.evacuation_replay import evacuation_replay_1917
from openpeace.world.models import (
    EvacuationPlan,
    EvacuationReport,
    EvacuationStage,
    Nationality,
    Occupation,
    OccupationEnd,
    State,
    Territory,
)
from openpeace.world.services import situation_load
from tests.conftest import DEFAULT_1917 as SITUATION_1917
from tests.source_urls import GOOD_URL, IN_FILE_REFUSED_URLS, REFUSED_URLS
from tests.world.test_api_fuzz import app as wsgi_app

D = dt.date


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


ADOPTED = D(1918, 1, 11)


@pytest.fixture
def occupation(loaded: Situation) -> Occupation:
    return Occupation.objects.get(territory__key="erzurum", occupier__key="russia")


def adopt(occupation: Occupation, **changes: Any) -> EvacuationPlan:
    arguments: dict[str, Any] = {
        "occupation": occupation, "title": "Evacuation of Erzurum",
        "act": "Decree on Turkish Armenia", "adopted_on": ADOPTED,
        "stages": [
            StageDraft("erzurum", "the troops of the Erzincan front", D(1918, 2, 11),
                       area="Erzincan"),
            StageDraft("erzurum", "the Erzurum garrison", D(1918, 3, 11), area="Erzurum"),
        ],
        "sources": [{"title": "The decree", "url": "https://example.org/decree"}],
        "at": at(1918, 1, 11),
    }
    return evacuation.plan_adopt(**{**arguments, **changes})


@pytest.fixture
def plan(occupation: Occupation) -> EvacuationPlan:
    return adopt(occupation)


def stage(plan: EvacuationPlan, number: int) -> EvacuationStage:
    return plan.stages.get(number=number)


def complete(plan: EvacuationPlan, number: int, on: D, **changes: Any) -> EvacuationStage:
    arguments: dict[str, Any] = {"stage": stage(plan, number), "on": on,
                                 "note": "The units left; seen by the commission.",
                                 "source": "Report of the commission", "at": at(1918, 4, 1)}
    return evacuation.stage_complete(**{**arguments, **changes})


def kinds() -> list[str]:
    return list(Entry.objects.order_by("pk").values_list("kind", flat=True))


def content(kind: str) -> dict[str, Any]:
    entry = Entry.objects.filter(kind=kind).order_by("-pk").first()
    assert entry is not None, f"no {kind} entry"
    return json.loads(bytes(entry.body))["content"]  # type: ignore[no-any-return]


def state() -> tuple[object, ...]:
    """Everything an act could change."""
    return (
        EvacuationPlan.objects.count(), EvacuationStage.objects.count(),
        list(EvacuationStage.objects.values_list("completed_on", flat=True)),
        EvacuationReport.objects.count(), OccupationEnd.objects.count(),
        list(Occupation.objects.values_list("ended_on", flat=True)), Entry.objects.count(),
    )


def refused(act: Callable[[], object], *messages: str) -> None:
    """The act is refused with each message, and nothing changed, nothing was logged."""
    before = state()
    with pytest.raises(EvacuationRefused) as error:
        act()
    for message in messages:
        assert message in str(error.value)
    assert state() == before


# ------------------------------------------------------------------ adoption


def test_a_plan_is_adopted_with_its_stages_and_its_entry(plan: EvacuationPlan) -> None:
    assert [(s.number, s.territory.key, s.area, s.deadline) for s in plan.stages.all()] == [
        (1, "erzurum", "Erzincan", D(1918, 2, 11)), (2, "erzurum", "Erzurum", D(1918, 3, 11))]
    assert kinds()[-1] == "evacuation.plan_adopted"
    entry = Entry.objects.get(kind="evacuation.plan_adopted")
    assert entry.subject == "occupation:erzurum:russia" and entry.recorded_at == at(1918, 1, 11)
    logged = content("evacuation.plan_adopted")
    assert logged["occupation"] == {"territory": "erzurum", "occupier": "russia",
                                    "since": "1916-02-16"}
    assert [s["deadline"] for s in logged["stages"]] == ["1918-02-11", "1918-03-11"]
    assert plan.entry == entry


@pytest.mark.parametrize(("changes", "message"), [
    ({"stages": [StageDraft("finland", "the garrison", D(1918, 2, 11))]},
     "stage 1 evacuates 'finland', but the occupation is of 'erzurum'"),
    ({"stages": [StageDraft("erzurum", "the garrison", D(1918, 1, 10))]},
     "the deadline of stage 1 (1918-01-10) is before the plan's adoption (1918-01-11)"),
    ({"adopted_on": D(1916, 1, 1), "stages": []},
     "before the occupation began (1916-02-16); a plan has at least one stage"),
    ({"adopted_on": D(1918, 1, 12)},
     "the plan cannot be adopted on 1918-01-12, after the day it is recorded (1918-01-11)"),
    ({"stages": [StageDraft("erzurum", "  ", D(1918, 2, 11))]},
     "stage 1 must name the units that leave"),
    ({"title": " "}, "the plan's title cannot be blank: it is only white space"),
    ({"title": "x" * 301}, "the plan's title is longer than 300 characters"),
    ({"act": "Decree\x00"}, "the adopting act cannot contain a NUL character (U+0000)"),
    ({"title": "\u200b"}, "the plan's title cannot be blank: it has no visible character"),
    ({"provisions": "\u200b"}, "the provisions cannot be blank: it has no visible character"),
    ({"stages": [StageDraft("erzurum", "\u200b", D(1918, 2, 11))]},
     "stage 1 must name the units that leave (it has no visible character"),
    ({"stages": [StageDraft("erzurum", "the\x07garrison", D(1918, 2, 11))]},
     "the units of stage 1 cannot contain the control character U+0007"),
    ({"sources": []}, "a plan cites at least one source"),
    ({"sources": [{"title": "A", "url": "javascript:alert(1)"}]},
     "a source's address must be an absolute http or https URL, not 'javascript:alert(1)'"),
    ({"sources": [{"title": "Декрет", "language": "Russian"}]},
     "a source's language: 'Russian' is not a valid BCP 47 tag"),
    ({"stages": [StageDraft("atlantis", "the garrison", D(1918, 2, 11))]},
     "stage 1 evacuates 'atlantis'"),
])
def test_a_wrong_plan_is_refused_and_changes_nothing(
    occupation: Occupation, changes: dict[str, Any], message: str
) -> None:
    refused(lambda: adopt(occupation, **changes), message)


def test_one_plan_per_occupation(plan: EvacuationPlan, occupation: Occupation) -> None:
    refused(lambda: adopt(occupation), "there is one plan per occupation")


def test_no_plan_for_an_ended_occupation(occupation: Occupation) -> None:
    evacuation.occupation_end(occupation=occupation, on=D(1918, 3, 3), act="Treaty",
                              at=at(1918, 3, 3))
    refused(lambda: adopt(occupation, at=at(1918, 4, 1)),
            "the occupation ended on 1918-03-03: there is nothing left to evacuate")


# ------------------------------------------------------------------ progress


def test_a_progress_report_is_logged(plan: EvacuationPlan) -> None:
    report = evacuation.report_record(
        plan=plan, on=D(1918, 1, 13), text="Published in Pravda.", stage=stage(plan, 1),
        source="Pravda", source_url="https://example.org/pravda", at=at(1918, 1, 13),
    )
    assert (report.on, report.stage.number, report.entry.kind) == (
        D(1918, 1, 13), 1, "evacuation.progress_reported")
    assert content("evacuation.progress_reported") == {
        "occupation": {"territory": "erzurum", "occupier": "russia", "since": "1916-02-16"},
        "on": "1918-01-13", "stage": 1, "text": "Published in Pravda.", "source": "Pravda",
        "source_url": "https://example.org/pravda",
    }


@pytest.mark.parametrize(("on", "text", "recorded", "message"), [
    (D(1918, 1, 10), "news", at(1918, 2, 1), "before the plan was adopted (1918-01-11)"),
    (D(1918, 2, 2), "news", at(1918, 2, 1), "after the day it is recorded (1918-02-01)"),
    (D(1918, 2, 1), "   ", at(1918, 2, 1), "a progress report says what happened"),
    (D(1918, 2, 1), "\u200b", at(1918, 2, 1), "a progress report says what happened (it has no "
                                              "visible character"),
    (D(1918, 2, 1), "news\x01", at(1918, 2, 1), "a progress report cannot contain the control "
                                                "character U+0001"),
    (D(1918, 2, 1), "x" * 20_001, at(1918, 2, 1), "longer than 20000 characters"),
])
def test_a_wrong_report_is_refused(
    plan: EvacuationPlan, on: D, text: str, recorded: dt.datetime, message: str
) -> None:
    refused(lambda: evacuation.report_record(plan=plan, on=on, text=text, at=recorded), message)


def test_a_report_names_a_stage_of_its_own_plan(plan: EvacuationPlan) -> None:
    alsace = Occupation.objects.create(
        territory=Territory.objects.get(key="alsace"), occupier=State.objects.get(key="france"),
        since=D(1914, 8, 7),
    )
    other = adopt(alsace, stages=[StageDraft("alsace", "the garrison", D(1918, 2, 1))])
    refused(lambda: evacuation.report_record(plan=plan, on=D(1918, 1, 20), text="news",
                                             stage=stage(other, 1), at=at(1918, 2, 1)),
            "is not a stage of Evacuation of Erzurum")


def test_no_progress_after_completion(plan: EvacuationPlan) -> None:
    complete(plan, 1, D(1918, 2, 10))
    refused(lambda: evacuation.report_record(plan=plan, on=D(1918, 2, 20), text="more",
                                             stage=stage(plan, 1), at=at(1918, 4, 1)),
            "stage 1 was completed on 1918-02-10: no progress is reported on it")
    complete(plan, 2, D(1918, 3, 1))
    refused(lambda: evacuation.report_record(plan=plan, on=D(1918, 3, 1), text="more",
                                             at=at(1918, 4, 1)),
            "the plan was completed on 1918-03-01: nothing can be recorded on it")


# ------------------------------------------------------------------ completion and the end


def test_completing_the_last_stage_ends_the_occupation(
    plan: EvacuationPlan, occupation: Occupation
) -> None:
    complete(plan, 2, D(1918, 3, 1))
    occupation.refresh_from_db()
    assert occupation.ended_on is None and kinds()[-1] == "evacuation.stage_completed"
    complete(plan, 1, D(1918, 2, 20))  # out of order: the occupation ends on the last day
    occupation.refresh_from_db()
    assert occupation.ended_on == D(1918, 3, 1)
    end = OccupationEnd.objects.get(occupation=occupation)
    assert (end.on, end.by) == (D(1918, 3, 1), "evacuation")
    assert kinds()[-2:] == ["evacuation.stage_completed", "occupation.ended"]
    assert content("occupation.ended")["by"] == "evacuation"
    assert content("occupation.ended")["plan"] == {"title": "Evacuation of Erzurum",
                                                   "completed_on": "1918-03-01"}
    assert content("evacuation.stage_completed")["days_late"] == 9  # 20 Feb, due 11 Feb


def test_the_end_is_in_the_completions_transaction(
    plan: EvacuationPlan, occupation: Occupation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the occupation's end cannot be written, the last completion is not written either."""
    complete(plan, 1, D(1918, 2, 10))
    real = evacuation.entry_append

    def failing(**kwargs: Any) -> Entry:
        if kwargs["kind"] == "occupation.ended":
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(evacuation, "entry_append", failing)
    before = state()
    with pytest.raises(RuntimeError):
        complete(plan, 2, D(1918, 3, 1))
    assert state() == before and stage(plan, 2).completed_on is None


@pytest.mark.parametrize(("number", "on", "note", "message"), [
    (1, D(1918, 1, 10), "gone", "before the plan was adopted (1918-01-11)"),
    (1, D(1918, 4, 2), "gone", "after the day it is recorded (1918-04-01)"),
    (1, D(1918, 2, 1), "  ", "a completion says how the units left"),
    (1, D(1918, 2, 1), "\u2060\ufeff", "a completion says how the units left"),
    (1, D(1918, 2, 1), "gone\x00", "the note of a completion cannot contain a NUL character"),
])
def test_a_wrong_completion_is_refused(
    plan: EvacuationPlan, number: int, on: D, note: str, message: str
) -> None:
    refused(lambda: complete(plan, number, on, note=note), message)


def test_a_stage_is_completed_once(plan: EvacuationPlan) -> None:
    complete(plan, 1, D(1918, 2, 10))
    refused(lambda: complete(plan, 1, D(1918, 2, 11)), "stage 1 was already completed on")


def test_an_occupation_ends_by_a_recorded_act(
    plan: EvacuationPlan, occupation: Occupation
) -> None:
    end = evacuation.occupation_end(
        occupation=occupation, on=D(1918, 3, 3), act="Treaty of Brest-Litovsk, Art. IV",
        source="The treaty", source_url="https://example.org/brest", at=at(1918, 3, 3),
    )
    occupation.refresh_from_db()
    assert (occupation.ended_on, end.by, end.entry.kind) == (D(1918, 3, 3), "act",
                                                            "occupation.ended")
    assert content("occupation.ended")["act"] == "Treaty of Brest-Litovsk, Art. IV"
    refused(lambda: evacuation.occupation_end(occupation=occupation, on=D(1918, 3, 4),
                                              act="Again", at=at(1918, 4, 1)),
            "the occupation already ended on 1918-03-03: it cannot end twice")
    refused(lambda: evacuation.report_record(plan=plan, on=D(1918, 3, 2), text="late news",
                                             at=at(1918, 4, 1)),
            "the occupation ended on 1918-03-03 by another act: the plan is closed")
    refused(lambda: complete(plan, 1, D(1918, 3, 2)), "the plan is closed")


@pytest.mark.parametrize(("on", "act", "message"), [
    (D(1918, 3, 3), "  ", "an occupation ends by a recorded act: describe the act"),
    (D(1918, 3, 3), "\u3164", "an occupation ends by a recorded act: describe the act"),
    (D(1918, 3, 3), "Treaty\x1b", "the act that ended it cannot contain the control character"),
    (D(1916, 2, 16), "Treaty", "the occupation cannot end on 1916-02-16: it began on 1916-02-16"),
    (D(1918, 4, 2), "Treaty", "after the day it is recorded (1918-04-01)"),
    (D(1918, 2, 1), "Treaty", "the plan already records what happened on 1918-02-05"),
])
def test_a_wrong_end_is_refused(
    plan: EvacuationPlan, occupation: Occupation, on: D, act: str, message: str
) -> None:
    evacuation.report_record(plan=plan, on=D(1918, 2, 5), text="Still there.", at=at(1918, 2, 5))
    refused(lambda: evacuation.occupation_end(occupation=occupation, on=on, act=act,
                                              at=at(1918, 4, 1)), message)


def test_a_decision_is_free_only_once_the_evacuation_is_complete(plan: EvacuationPlan) -> None:
    armenians = Nationality.objects.get(key="armenians")

    def decide(on: D) -> bool:
        return decision_record(nationality=armenians, joins=None, via="plebiscite", taken_on=on,
                               source="A plebiscite written for the tests").free

    assert decide(D(1918, 2, 1)) is False
    complete(plan, 1, D(1918, 2, 10))
    assert decide(D(1918, 2, 28)) is False  # one stage done: the army is still there
    complete(plan, 2, D(1918, 3, 1))
    assert decide(D(1918, 3, 1)) is True  # the day the army was gone


# ------------------------------------------------------------------ pages


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    return html


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_list_shows_each_plan_and_flags_what_was_overdue_on_a_day(
    client: Client, plan: EvacuationPlan
) -> None:
    detail = "/occupations/erzurum/russia/"
    html = page(client, "/occupations/?on=1918-02-20")
    assert f'<a href="{detail}?on=1918-02-20"><bdi>Vilayet of Erzurum</bdi></a>' in html
    assert "On 20 February 1918, 1 evacuation plan had a stage overdue." in text(html)
    assert '<strong class="overdue">1 stage overdue</strong>' in html
    assert "0 of 2 stages completed" in text(html)
    assert "On 1 February 1918, 0 evacuation plans had a stage overdue." in text(
        page(client, "/occupations/?on=1918-02-01"))
    assert "Plan to be adopted on 11 January 1918" in page(client, "/occupations/?on=1917-12-01")


def test_ended_occupations_are_shown_as_ended(client: Client, plan: EvacuationPlan) -> None:
    complete(plan, 1, D(1918, 2, 10))
    complete(plan, 2, D(1918, 3, 1))
    html = text(page(client, "/occupations/"))
    assert "Ended on 1 March 1918: its evacuation plan was completed" in html
    assert "2 of 2 stages completed : plan completed" in html
    assert "In force" in text(page(client, "/occupations/?on=1918-02-28"))
    assert "ended on 1 March 1918" in text(page(client, "/states/russia/"))


def test_the_plan_page_flags_overdue_stages_and_links_every_fact_to_the_log(
    client: Client, plan: EvacuationPlan
) -> None:
    evacuation.report_record(plan=plan, on=D(1918, 1, 13), text="Published in Pravda.",
                             at=at(1918, 1, 13))
    complete(plan, 1, D(1918, 2, 20))
    log_integrate()
    html = page(client, "/occupations/erzurum/russia/?on=1918-02-15")
    assert "<h1><bdi>Vilayet of Erzurum</bdi> · occupied by <bdi>Russia</bdi></h1>" in html
    assert '<strong class="overdue">Overdue by 4 days</strong>' in html
    assert "Due in 24 days" in html
    assert "Published in Pravda." in html
    assert "Completed on" not in html  # not yet, on 15 February
    adoption = Entry.objects.get(pk=plan.entry.pk).index
    assert f'<a href="/log/entries/{adoption}">Log entry {adoption}</a>' in html
    assert f'<a href="/log/entries/{adoption}.tlog-proof" download>' in html
    later = page(client, "/occupations/erzurum/russia/?on=1918-02-21")
    completion = stage(plan, 1).completion_entry.index
    assert "Completed on 20 February 1918" in later and "(9 days late)" in later
    assert f'href="/log/entries/{completion}.tlog-proof"' in later
    for index in [adoption, completion]:
        assert client.get(f"/log/entries/{index}").status_code == 200
        assert client.get(f"/log/entries/{index}.tlog-proof").status_code == 200


def test_the_end_by_an_act_is_on_the_page_with_its_entry(
    client: Client, plan: EvacuationPlan, occupation: Occupation
) -> None:
    end = evacuation.occupation_end(occupation=occupation, on=D(1918, 3, 3),
                                    act="Treaty of Brest-Litovsk", at=at(1918, 3, 3))
    log_integrate()
    end.entry.refresh_from_db()
    html = page(client, "/occupations/erzurum/russia/?on=1918-03-10")
    assert "It ended by a recorded act, not through an evacuation plan:" in html
    assert "Overtaken: the occupation ended before this stage was completed" in html
    assert "Closed without being completed" in html
    assert f'href="/log/entries/{end.entry.index}"' in html
    before = page(client, "/occupations/erzurum/russia/?on=1918-03-01")
    assert "Treaty of Brest-Litovsk" not in before and "In force" in before


@pytest.mark.parametrize("url", ["/occupations/?on=bogus", "/occupations/?on=1918-02-30",
                                 "/occupations/erzurum/russia/?on=20180220",
                                 "/occupations/erzurum/russia/?on=" + "9" * 300])
def test_a_bad_day_is_a_400_that_says_so(client: Client, plan: EvacuationPlan, url: str) -> None:
    html = page(client, url, 400)
    assert 'role="alert"' in html and "is not a date: give it as YYYY-MM-DD." in html


def test_an_unknown_occupation_is_a_404(client: Client, plan: EvacuationPlan) -> None:
    assert "No occupation of" in page(client, "/occupations/erzurum/france/", 404)
    assert client.post("/occupations/erzurum/russia/").status_code == 405


def test_a_source_s_title_is_marked_with_its_language(client: Client,
                                                       occupation: Occupation) -> None:
    adopt(occupation, sources=[
        {"title": "Декрет «О Турецкой Армении»", "url": "https://example.org/ru",
         "language": "ru"},
        {"title": "صحيفة", "language": "ar"}, {"title": "The decree"}])
    html = page(client, "/occupations/erzurum/russia/")
    assert ('<a href="https://example.org/ru" hreflang="ru" lang="ru" dir="ltr">Декрет '
            "«О Турецкой Армении»</a>") in html
    assert '<span lang="ar" dir="rtl">صحيفة</span>' in html  # no address: no link
    assert "<li>The decree</li>" in html
    assert content("evacuation.plan_adopted")["sources"][0]["language"] == "ru"


def test_a_plan_of_one_stage_says_stage(client: Client, occupation: Occupation) -> None:
    adopt(occupation, stages=[StageDraft("erzurum", "every unit", D(1918, 3, 11))])
    assert "0 of 1 stage completed" in text(page(client, "/occupations/"))
    assert "0 of 1 stage completed" in text(page(client, "/occupations/erzurum/russia/"))


def test_an_occupation_without_plan_says_so(client: Client, occupation: Occupation) -> None:
    html = page(client, "/occupations/erzurum/russia/")
    assert "No evacuation plan has been adopted for this occupation." in html
    assert "No evacuation plan" in page(client, "/occupations/")


def test_the_templates_use_logical_directions_only() -> None:
    folder = Path(evacuation.__file__).parent / "templates" / "world"
    for name in ["occupation_list.html", "occupation_detail.html", "_day_form.html",
                 "_occupation_state.html", "_plan_progress.html", "_stage_state.html"]:
        template = (folder / name).read_text(encoding="utf-8")
        assert "style=" not in template
        assert not re.search(r"(margin|padding|border|inset)-(left|right)|\b(left|right)\s*:|"
                             r"float\s*:", template), name


# ------------------------------------------------------------------ API


def api(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_the_api_flags_what_was_overdue_on_a_day(client: Client, plan: EvacuationPlan) -> None:
    listed = api(client, "/api/evacuations?on=1918-02-20")
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["territory"], item["state"], item["on"]) == ("erzurum", "in_force",
                                                              "1918-02-20")
    stages = item["plan"]["stages"]
    assert [(s["state"], s["days"], s["overdue"]) for s in stages] == [
        ("overdue", 9, True), ("pending", 19, False)]
    assert item["plan"]["state"] == "overdue" and item["plan"]["stages_overdue"] == 1
    assert api(client, "/api/evacuations?on=1918-02-20&overdue=true")["count"] == 1
    assert api(client, "/api/evacuations?on=1918-02-11&overdue=true")["count"] == 0
    assert api(client, "/api/evacuations?plan=false")["count"] == 0
    assert api(client, "/api/evacuations?occupier=france")["count"] == 0


def test_the_api_links_each_act_to_its_entry_and_proof(
    client: Client, plan: EvacuationPlan, occupation: Occupation
) -> None:
    evacuation.report_record(plan=plan, on=D(1918, 1, 13), text="Published.",
                             at=at(1918, 1, 13))
    complete(plan, 1, D(1918, 2, 10))
    complete(plan, 2, D(1918, 3, 1))
    pending = api(client, f"/api/occupations/{occupation.pk}/evacuation")
    assert pending["plan"]["log"] == {"index": None, "entry": None, "proof": None}
    log_integrate()
    shown = api(client, f"/api/occupations/{occupation.pk}/evacuation?on=1918-03-01")
    assert shown["state"] == "ended" and shown["end"]["by"] == "evacuation"
    index = Entry.objects.get(pk=plan.entry.pk).index
    assert shown["plan"]["log"] == {"index": index, "entry": f"/log/entries/{index}",
                                    "proof": f"/log/entries/{index}.tlog-proof"}
    assert shown["plan"]["reports"][0]["log"]["index"] is not None
    assert shown["plan"]["stages"][1]["log"]["entry"].startswith("/log/entries/")
    assert shown["end"]["log"]["proof"].endswith(".tlog-proof")
    earlier = api(client, f"/api/occupations/{occupation.pk}/evacuation?on=1918-02-15")
    assert earlier["end"] is None and earlier["state"] == "in_force"
    assert earlier["plan"]["stages"][1]["completed_on"] is None
    assert api(client, f"/api/occupations/{occupation.pk}")["ended_on"] == "1918-03-01"


@pytest.mark.parametrize("url", ["/api/evacuations?on=bogus", "/api/evacuations?on=0",
                                 "/api/evacuations?on=1918-02-30", "/api/evacuations?overdue=3",
                                 "/api/occupations/1/evacuation?on=18-01-01",
                                 "/api/evacuations?occupier=%00"])
def test_the_api_refuses_bad_input_with_a_422(
    client: Client, plan: EvacuationPlan, url: str
) -> None:
    body = api(client, url, 422)
    assert body["detail"] and body["problems"]


def test_an_unknown_occupation_is_a_404_in_the_api(client: Client, plan: EvacuationPlan) -> None:
    assert api(client, "/api/occupations/987654/evacuation", 404) == {
        "detail": "no occupation with id 987654"}


# ------------------------------------------------------------------ admin


def management(prefix: str, total: int) -> dict[str, Any]:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 1, f"{prefix}-MAX_NUM_FORMS": 1000}


def plan_form(occupation: Occupation, deadline: str = "1918-02-11",
              territory: str = "erzurum") -> dict[str, Any]:
    return {
        "occupation": occupation.pk, "title": "Evacuation of Erzurum",
        "act": "Decree on Turkish Armenia", "adopted_on": "1918-01-11", "provisions": "",
        "note": "", "source": "The decree", "source_url": "https://example.org/decree",
        **management("stages", 1),
        "stages-0-territory": Territory.objects.get(key=territory).pk,
        "stages-0-area": "Erzincan", "stages-0-units": "the garrison",
        "stages-0-deadline": deadline,
    }


def test_an_official_adopts_a_plan_with_its_stages(
    admin_client: Client, occupation: Occupation
) -> None:
    assert admin_client.get("/admin/world/evacuationplan/add/").status_code == 200
    response = admin_client.post("/admin/world/evacuationplan/add/", plan_form(occupation))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = EvacuationPlan.objects.get()
    assert plan.sources == [{"title": "The decree", "url": "https://example.org/decree"}]
    assert stage(plan, 1).area == "Erzincan" and kinds()[-1] == "evacuation.plan_adopted"
    assert admin_client.get(f"/admin/world/evacuationplan/{plan.pk}/change/").status_code == 200


@pytest.mark.parametrize(("deadline", "territory", "message"), [
    ("1918-01-01", "erzurum", "the deadline of stage 1 (1918-01-01) is before the plan"),
    ("1918-02-11", "finland", "stage 1 evacuates &#x27;finland&#x27;"),
])
def test_the_admin_shows_a_refusal_and_changes_nothing(
    admin_client: Client, occupation: Occupation, deadline: str, territory: str, message: str
) -> None:
    before = state()
    response = admin_client.post("/admin/world/evacuationplan/add/",
                                 plan_form(occupation, deadline, territory))
    assert response.status_code == 200 and message in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("source", "The decree\x07",
     "a source&#x27;s title cannot contain the control character U+0007"),
    ("source_url", "http://localhost/decree",
     "a source&#x27;s address must be an absolute http or https URL, not "
     "&#x27;http://localhost/decree&#x27;: &#x27;localhost&#x27; is not a host name"),
    ("act", "Decree\x07", "the adopting act cannot contain the control character U+0007"),
])
def test_the_plan_s_own_refusals_are_shown_at_their_field(
    admin_client: Client, occupation: Occupation, field: str, typed: str, message: str
) -> None:
    """Not among the stages' errors, where the adoption tried by the stages' formset put them
    without saying which field was at fault."""
    before = state()
    response = admin_client.post("/admin/world/evacuationplan/add/",
                                 {**plan_form(occupation), field: typed})
    page = response.content.decode()
    row = re.search(rf'<div class="form-row[^"]*field-{field}\b.*?</div>\s*</div>', page, re.S)
    assert response.status_code == 200 and row is not None
    assert message in row.group(0)
    assert state() == before


def test_an_official_reports_completes_and_ends_through_the_admin(
    admin_client: Client, plan: EvacuationPlan, occupation: Occupation
) -> None:
    response = admin_client.post("/admin/world/evacuationreport/add/", {
        "plan": plan.pk, "stage": "", "on": "1918-01-13", "text": "Published in Pravda.",
        "source": "", "source_url": ""})
    assert response.status_code == 302 and kinds()[-1] == "evacuation.progress_reported"
    bad = admin_client.post("/admin/world/evacuationreport/add/", {
        "plan": plan.pk, "stage": "", "on": "1918-01-01", "text": "Too early.",
        "source": "", "source_url": ""})
    assert "before the plan was adopted (1918-01-11)" in bad.content.decode()
    first = stage(plan, 1)
    url = f"/admin/world/evacuationstage/{first.pk}/change/"
    assert admin_client.get(url).status_code == 200
    late = admin_client.post(url, {"completed_on": "1918-01-01", "completion_note": "Gone.",
                                   "completion_source": "", "completion_source_url": ""})
    assert "before the plan was adopted" in late.content.decode()
    done = admin_client.post(url, {"completed_on": "1918-02-10", "completion_note": "Gone.",
                                   "completion_source": "", "completion_source_url": ""})
    assert done.status_code == 302 and stage(plan, 1).completed_on == D(1918, 2, 10)
    assert kinds()[-1] == "evacuation.stage_completed"
    ended = admin_client.post("/admin/world/occupationend/add/", {
        "occupation": occupation.pk, "on": "1918-03-03", "act": "Treaty of Brest-Litovsk",
        "source": "", "source_url": ""})
    assert ended.status_code == 302
    occupation.refresh_from_db()
    assert occupation.ended_on == D(1918, 3, 3) and kinds()[-1] == "occupation.ended"
    again = admin_client.post("/admin/world/occupationend/add/", {
        "occupation": occupation.pk, "on": "1918-03-04", "act": "Again",
        "source": "", "source_url": ""})
    assert "cannot end twice" in again.content.decode()


def test_the_admin_cannot_end_an_occupation_by_editing_it(
    admin_client: Client, occupation: Occupation
) -> None:
    html = admin_client.get(f"/admin/world/occupation/{occupation.pk}/change/").content.decode()
    assert 'name="ended_on"' not in html
    for model in ["evacuationplan", "evacuationstage", "evacuationreport", "occupationend"]:
        assert admin_client.get(f"/admin/world/{model}/").status_code == 200
        assert Client().get(f"/admin/world/{model}/").status_code == 302


# ------------------------------------------------------------------ command line


def run(*args: str) -> str:
    out = StringIO()
    call_command("evacuation", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_tells_what_was_overdue_and_records_acts(plan: EvacuationPlan) -> None:
    assert "erzurum by russia: in force; plan overdue, 0 of 2 stage(s) completed; stage 1 " \
           "OVERDUE by 9 day(s)" in run("status", "--on", "1918-02-20")
    assert "0 plan(s) with a stage overdue" in run("status", "--on", "1918-02-01", "--overdue")
    run("report", "erzurum", "russia", "--on", "1918-01-13", "--text", "Published.")
    run("complete", "erzurum", "russia", "1", "--on", "1918-02-10", "--note", "Gone.")
    out = run("complete", "erzurum", "russia", "2", "--on", "1918-03-01", "--note", "Gone.")
    assert "the plan is completed and the occupation ended on 1918-03-01" in out
    with pytest.raises(CommandError, match="refused, nothing changed: the occupation already "
                                           "ended on 1918-03-01: it cannot end twice"):
        run("end", "erzurum", "russia", "--on", "1918-03-03", "--act", "Treaty")
    with pytest.raises(CommandError, match="no occupation of 'erzurum' by 'france'"):
        run("end", "erzurum", "france", "--on", "1918-03-03", "--act", "Treaty")
    with pytest.raises(CommandError, match="'1918-13-01' is not a date"):
        run("status", "--on", "1918-13-01")


# ------------------------------------------------------------------ the plans file


def document(**plan: Any) -> dict[str, Any]:
    return {"format": "openpeace-evacuation/1", "acts": [{
        "act": "Decree on Turkish Armenia", "adopted_on": "1918-01-11",
        "sources": [{"title": "The decree"}],
        "plans": [{"occupation": {"territory": "erzurum", "occupier": "russia"},
                   "title": "Evacuation of Erzurum",
                   "stages": [{"territory": "erzurum", "area": "Erzincan",
                               "units": "the garrison", "deadline": "1918-02-11"}],
                   **plan}],
    }]}


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_a_plans_file_is_imported_through_the_service(
    tmp_path: Path, occupation: Occupation
) -> None:
    path = write(tmp_path, document())
    assert "plans.yaml: adopted 1 evacuation plan(s)" in run("import", str(path))
    plan = EvacuationPlan.objects.get()
    assert plan.occupation == occupation and kinds()[-1] == "evacuation.plan_adopted"
    assert plan.sources == [{"title": "The decree"}]
    with pytest.raises(CommandError, match=r"(?s)1 problem.*one plan per occupation"):
        run("import", str(path))


@pytest.mark.parametrize(("plan", "problem"), [
    ({"occupation": {"territory": "alsace", "occupier": "russia"}},
     "acts[0].plans[0].occupation: the register has no occupation of 'alsace' by 'russia'"),
    ({"stages": [{"territory": "finland", "units": "u", "deadline": "1918-02-11"}]},
     "acts[0].plans[0].stages[0].territory: stage 1 evacuates 'finland'"),
    ({"stages": [{"territory": "erzurum", "units": "u", "deadline": "1918-02-30"}]},
     "acts[0].plans[0].stages[0].deadline: '1918-02-30' is not a date"),
    ({"stages": [{"territory": "erzurum", "units": "u", "deadline": "1918-01-01"}]},
     "acts[0].plans[0].stages[0].deadline: the deadline of stage 1 (1918-01-01) is before"),
    ({"stages": [{"territory": "erzurum", "deadline": "1918-02-11"}]},
     "acts[0].plans[0].stages[0]: \"units\" is a required property"),
    ({"stages": []}, "acts[0].plans[0].stages: [] has less than 1 item"),
    ({"title": "\u200b"}, "acts[0].plans[0].title: the plan's title cannot be blank"),
])
def test_a_wrong_plans_file_names_each_problem_and_imports_nothing(
    tmp_path: Path, occupation: Occupation, plan: dict[str, Any], problem: str
) -> None:
    before = state()
    with pytest.raises(EvacuationFileError) as error:
        evacuation_import(write(tmp_path, document(**plan)), at=at(1918, 1, 11))
    assert problem in str(error.value)
    assert state() == before


@pytest.mark.parametrize(("plan", "problem"), [
    ({"title": "Evacuation of Erzurum \ud800"},
     "(document): an evacuation file cannot contain the surrogate U+D800 on its own, which is "
     "not a character, at acts[0].plans[0].title"),
    ({"stages": [{"territory": "erzurum", "units": "the \udc80 garrison",
                  "deadline": "1918-02-11"}]},
     "(document): an evacuation file cannot contain the surrogate U+DC80 on its own, which is "
     "not a character, at acts[0].plans[0].stages[0].units"),
    ({"title": "Evacuation\x1f"},
     "(document): an evacuation file cannot contain the control character U+001F"),
])
def test_a_character_no_text_may_hold_is_named_before_the_schema(
    tmp_path: Path, occupation: Occupation, plan: dict[str, Any], problem: str
) -> None:
    """JSON writes a lone surrogate (`"\\ud800"`), which the schema's validator cannot even read
    (it raised UnicodeEncodeError): the file is refused at once, saying where."""
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(document(**plan)), encoding="utf-8")
    before = state()
    with pytest.raises(CommandError) as error:
        run("import", str(path))
    assert f"{path}: {problem}" in str(error.value)
    assert state() == before


def test_a_plans_file_is_all_or_nothing(tmp_path: Path, occupation: Occupation) -> None:
    doc = document()
    doc["acts"].append({**doc["acts"][0], "plans": [doc["acts"][0]["plans"][0]]})
    before = state()
    with pytest.raises(CommandError, match=r"acts\[1\].plans\[0\].occupation: a second plan"):
        run("import", str(write(tmp_path, doc)))
    assert state() == before


# ------------------------------------------------------------------ 1917


@pytest.fixture
def world_1917(db: None) -> None:
    situation_load(read_situation(SITUATION_1917))


def test_the_1917_plans_are_the_decree_on_turkish_armenia(world_1917: None) -> None:
    plans = evacuation_import(DEFAULT_1917, at=at(1918, 1, 11))
    assert sorted(p.occupation.territory.key for p in plans) == [
        "bitlis-vilayet", "erzurum-vilayet", "trebizond-vilayet", "van-vilayet"]
    assert {p.adopted_on for p in plans} == {ADOPTED}
    assert all("chosen for openpeace" in p.note for p in plans)
    assert all(p.sources[0]["url"].startswith("https://www.marxists.org/") for p in plans)


def test_the_1917_replay_records_what_happened(world_1917: None, client: Client) -> None:
    lines: list[str] = []
    evacuation_replay_1917(say=lines.append)
    assert len(lines) == 3
    ended = dict(Occupation.objects.filter(occupier__key="russia", ended_on__isnull=False)
                 .values_list("territory__key", "ended_on"))
    assert ended == {"trebizond-vilayet": D(1918, 2, 24), "erzurum-vilayet": D(1918, 3, 3),
                     "bitlis-vilayet": D(1918, 3, 3), "van-vilayet": D(1918, 3, 3)}
    assert set(OccupationEnd.objects.values_list("by", flat=True)) == {"act"}
    assert not EvacuationStage.objects.filter(completed_on__isnull=False).exists()
    assert kinds().count("evacuation.progress_reported") == 8
    assert kinds().count("occupation.ended") == 4
    assert content("occupation.ended")["act"].startswith("Treaty of Brest-Litovsk, Article IV")
    # The other occupations of the register are still in force, without a plan.
    assert Occupation.objects.filter(ended_on__isnull=True).count() > 20
    overdue = api(client, "/api/evacuations?on=1918-02-20&overdue=true")
    assert sorted(i["territory"] for i in overdue["items"]) == [
        "bitlis-vilayet", "erzurum-vilayet", "trebizond-vilayet"]
    armenians = Nationality.objects.get(key="armenians")
    decide = [decision_record(nationality=armenians, joins=None, via="plebiscite", taken_on=d,
                              source="written for the tests").free
              for d in [D(1918, 3, 2), D(1918, 3, 3)]]
    assert decide == [False, True]


def test_the_pages_and_the_api_read_a_bounded_number_of_queries(
    world_1917: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    evacuation_replay_1917(say=lambda line: None)
    for url in ["/occupations/?on=1918-02-20", "/occupations/erzurum-vilayet/russia/",
                "/api/evacuations?on=1918-02-20"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


# Schema fuzzing of the evacuation operations with a plan in the register (tests/world/
# test_api_fuzz.py fuzzes every operation on a register without one).
evacuation_schema = schemathesis.openapi.from_dict(
    api_schema.get_openapi_schema(path_prefix="/api")
).include(path_regex="evacuation")


app = wsgi_app  # the WSGI application, kept inside the test's transaction


@pytest.fixture
def in_progress(plan: EvacuationPlan) -> EvacuationPlan:
    evacuation.report_record(plan=plan, on=D(1918, 1, 13), text="News.", at=at(1918, 1, 13))
    complete(plan, 1, D(1918, 2, 10))
    return plan


@evacuation_schema.parametrize()
@settings(max_examples=25)
def test_every_evacuation_operation_answers_as_documented(
    case: Any, in_progress: EvacuationPlan, app: Any
) -> None:
    case.call_and_validate(app=app)


@pytest.mark.parametrize(("url", "message"), REFUSED_URLS)
def test_a_source_url_is_one_to_follow_or_nothing_changes(
    plan: EvacuationPlan, url: str, message: str
) -> None:
    """A plan's sources and a report's, a completion's or an end's source are held to the check
    of every source URL, at their field."""
    occupation = plan.occupation
    acts: list[tuple[str, Callable[[], object]]] = [
        ("sources[0].url", lambda: adopt(occupation, sources=[{"title": "Decree", "url": url}])),
        ("source_url", lambda: evacuation.report_record(
            plan=plan, on=D(1918, 1, 13), text="Published.", source="Pravda", source_url=url,
            at=at(1918, 1, 13))),
        ("source_url", lambda: complete(plan, 1, D(1918, 2, 1), source_url=url)),
        ("source_url", lambda: evacuation.occupation_end(
            occupation=occupation, on=D(1918, 3, 3), act="Treaty", source_url=url,
            at=at(1918, 3, 3))),
    ]
    for path, act in acts:
        before = state()
        with pytest.raises(EvacuationRefused) as error:
            act()
        assert [p.path for p in error.value.problems
                if f"a source's address {message}" in p.message] == [path], error.value.problems
        assert state() == before


@pytest.mark.parametrize(("url", "message"), IN_FILE_REFUSED_URLS)
def test_a_plans_file_s_source_url_is_refused_at_its_path(
    tmp_path: Path, occupation: Occupation, url: str, message: str
) -> None:
    doc = document()
    doc["acts"][0]["sources"][0]["url"] = url
    before = state()
    with pytest.raises(EvacuationFileError) as error:
        evacuation_import(write(tmp_path, doc), at=at(1918, 1, 11))
    assert any(p.path == "acts[0].sources[0].url" and message in p.message
               for p in error.value.problems), error.value.problems
    assert state() == before


def test_a_source_url_may_be_a_web_address(tmp_path: Path, occupation: Occupation) -> None:
    doc = document()
    doc["acts"][0]["sources"][0]["url"] = GOOD_URL
    [plan] = evacuation_import(write(tmp_path, doc), at=at(1918, 1, 11))
    assert plan.sources[0]["url"] == GOOD_URL
