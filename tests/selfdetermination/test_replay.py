"""`openpeace demo replay-1917` and the demands of 1917: filed, and carried through what
happened, in the order it happened."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from openpeace.log.models import Entry
from openpeace.selfdetermination.demand_file import DemandFileError, demands_read
from openpeace.selfdetermination.models import Commission, Decision, Demand
from openpeace.selfdetermination.replay import decisions_replay_1917, demands_replay_1917
from tests.source_urls import IN_FILE_REFUSED_URLS


@pytest.fixture
def replayed(db: None) -> str:
    out = StringIO()
    call_command("demo", "replay-1917", stdout=out)
    return out.getvalue()


def _content(entry: Entry) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(bytes(entry.body))["content"]
    return content


def test_finland_s_request_is_satisfied_by_the_recognised_declaration(replayed: str) -> None:
    finns = Demand.objects.get(nationality__key="finns")
    decision = Decision.objects.get(nationality__key="finns")
    assert (finns.kind, finns.status) == ("recognition_of_declaration", "satisfied")
    assert finns.satisfied_by_decision == decision and finns.satisfied_by_entry is None
    assert finns.commission.label.startswith("Senate of Finland")
    steps = list(finns.steps.order_by("at"))
    assert [s.status for s in steps] == ["filed", "acknowledged", "in_progress", "satisfied"]
    assert {s.at.date().isoformat() for s in steps} == {"1917-12-31"}
    # In the log: filed, acknowledged, in progress, then the decision, then the satisfaction.
    order = [s.entry.index for s in steps[:3]] + [decision.entry.index, steps[3].entry.index]
    assert order == sorted(order) and None not in order
    satisfied = _content(steps[3].entry)
    assert satisfied["satisfied_by"]["decision"]["log_index"] is None  # not integrated then
    assert satisfied["satisfied_by"]["decision"]["taken_on"] == "1917-12-06"
    assert "Finland's declaration" in replayed and "files demand" in replayed


def test_the_ukrainian_demands_stand_where_1917_left_them(replayed: str) -> None:
    ukrainian = {d.kind: d for d in Demand.objects.filter(nationality__key="ukrainians")}
    assert {k: d.status for k, d in ukrainian.items()} == {
        "autonomy": "acknowledged", "language_rights": "acknowledged", "land": "filed"}
    autonomy = ukrainian["autonomy"]
    assert autonomy.commission.label == "Ukrainian Central Rada (Kyiv)"
    assert autonomy.filed_at.date().isoformat() == "1917-11-20"
    assert "Third Universal" in autonomy.text
    acknowledged = autonomy.steps.get(status="acknowledged")
    assert acknowledged.at.date().isoformat() == "1917-12-17"
    assert "ultimatum" in acknowledged.note and acknowledged.sources
    assert Commission.objects.filter(nationality__key="ukrainians").count() == 1


def test_every_step_of_the_replay_is_in_the_log(replayed: str) -> None:
    kinds = [e.kind for e in Entry.objects.filter(kind__startswith="demand.").order_by("index")]
    assert kinds.count("demand.filed") == 4 and kinds.count("demand.satisfied") == 1
    assert kinds.count("demand.acknowledged") == 3 and kinds.count("demand.in_progress") == 1
    assert not Entry.objects.filter(index__isnull=True).exists()
    subjects = set(Entry.objects.filter(kind__startswith="demand.").values_list("subject",
                                                                                 flat=True))
    assert subjects == {"nationality:finns", "nationality:ukrainians"}
    # The demands and the decision are logged in the order they happened.
    times = list(Entry.objects.filter(kind__regex=r"^(demand|decision)\.").order_by(
        "index").values_list("recorded_at", flat=True))
    assert times == sorted(times) and len(times) == 10


def test_the_coverage_report_lists_the_open_ukrainian_demands(replayed: str) -> None:
    report = Client().get("/api/coverage").json()
    rows = {r["nationality"]: r for r in report["nationalities"]}
    ids = {d.kind: d.pk for d in Demand.objects.filter(nationality__key="ukrainians")}
    assert rows["ukrainians"]["pending"] == [
        f"demand {ids['autonomy']}: autonomy (acknowledged)",
        f"demand {ids['language_rights']}: language_rights (acknowledged)",
        f"demand {ids['land']}: land (filed)"]
    assert rows["finns"]["pending"] == [] and rows["finns"]["given"] == "decided"


def test_decisions_first_then_demands_reaches_the_same_end(db: None) -> None:
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
    decisions_replay_1917(say=lambda line: None)
    demands_replay_1917(say=lambda line: None)
    assert Demand.objects.get(nationality__key="finns").status == "satisfied"


def test_a_source_in_another_language_is_marked_with_it(replayed: str, client: Client) -> None:
    """Its title is read in its language, and its link says the language of what it opens."""
    demands = client.get("/nationalities/ukrainians/demands/").content.decode()
    assert re.search(r'<a href="https://great-country\.ru/[^"]+" hreflang="ru" lang="ru" '
                     r'dir="ltr">Манифест к украинскому народу', demands)
    evacuation = client.get("/occupations/erzurum-vilayet/russia/").content.decode()
    assert re.search(r'<a href="https://parliament-wa\.info/ru/archives/2485" hreflang="ru" '
                     r'lang="ru" dir="ltr">Декрет СНК', evacuation)
    assert re.search(r'<a href="https://www\.marxists\.org/[^"]+">Decree on Turkish Armenia',
                     evacuation)  # an English title, unmarked: the page's language


def test_the_1917_file_is_valid_and_cites_its_sources(db: None) -> None:
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
    document = demands_read(settings.OPENPEACE_DEFAULT_DEMANDS)
    for demand in document["demands"]:
        assert demand["sources"] and all(s["url"].startswith("http") for s in demand["sources"])
        for step in demand.get("steps", []):
            assert step["sources"]


@pytest.mark.parametrize("change,where,message", [
    (lambda d: d["demands"][0].update(nationality="atlantans"), "demands[0].nationality",
     "unknown nationality 'atlantans'"),
    (lambda d: d["demands"][0].update(kind="crown"), "demands[0].kind", "is not one of"),
    (lambda d: d["demands"][0].update(language="Ukrainian"), "demands[0].language",
     "'Ukrainian' is not a BCP 47 tag"),
    (lambda d: d["demands"][0].update(filed_at="1917-02-30T12:00:00+03:00"),
     "demands[0].filed_at", "is not a real date and time"),
    (lambda d: d["demands"][0].update(filed_at="1917-11-20"), "demands[0].filed_at",
     "does not match"),
    (lambda d: d["demands"][3]["steps"].pop(0), "demands[3].steps[0].status",
     "the demand is filed and cannot become in_progress: it must be acknowledged first"),
    (lambda d: d["demands"][3]["steps"][1].update(at="1917-12-30T12:00:00+03:00"),
     "demands[3].steps[1].at", "is before the step it follows"),
    (lambda d: d["demands"][3]["steps"][2].pop("satisfied_by"),
     "demands[3].steps[2].satisfied_by", "a satisfied step names its decision"),
    (lambda d: d["demands"][3]["steps"][0].update(satisfied_by={"decision": {
        "taken_on": "1917-12-06"}}), "demands[3].steps[0].satisfied_by", "only a satisfied"),
    (lambda d: d["demands"][3]["steps"][2]["satisfied_by"]["decision"].update(
        taken_on="1917-13-06"), "demands[3].steps[2].satisfied_by.decision.taken_on",
     "is not a date"),
    (lambda d: d["demands"][3]["steps"][2].update(note=" "), "demands[3].steps[2].note",
     "does not match"),
    (lambda d: d["demands"][0].pop("sources"), "demands[0]", '"sources" is a required'),
    (lambda d: d["demands"][0]["steps"][0]["sources"][1].update(language="Russian"),
     "demands[0].steps[0].sources[1].language", "'Russian' is not a valid BCP 47 tag"),
    (lambda d: d["demands"][0].update(text="Autonomy \ud800"), "(document)",
     "the surrogate U+D800 on its own, which is not a character, at demands[0].text"),
])
def test_a_bad_demands_file_is_refused_with_every_problem_at_its_path(
    db: None, tmp_path: Path, change: Any, where: str, message: str,
) -> None:
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
    document = yaml.safe_load(Path(settings.OPENPEACE_DEFAULT_DEMANDS).read_text("utf-8"))
    change(document)
    path = tmp_path / "demands.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DemandFileError) as refused:
        demands_replay_1917(say=lambda line: None, path=path)
    assert any(p.path == where and message in p.message for p in refused.value.problems), (
        refused.value.problems)
    assert not Demand.objects.exists() and not Commission.objects.exists()


@pytest.mark.parametrize(("url", "message"), IN_FILE_REFUSED_URLS)
def test_a_demands_file_s_source_url_is_refused_at_its_path(
    db: None, tmp_path: Path, url: str, message: str,
) -> None:
    """A demand's sources and its steps' are judged before a row is written, each at its
    path, and not only when the step is played."""
    call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
    document = yaml.safe_load(Path(settings.OPENPEACE_DEFAULT_DEMANDS).read_text("utf-8"))
    document["demands"][0]["sources"][0]["url"] = url
    document["demands"][0]["steps"][0]["sources"][0]["url"] = url
    path = tmp_path / "demands.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DemandFileError) as refused:
        demands_replay_1917(say=lambda line: None, path=path)
    for where in ("demands[0].sources[0].url", "demands[0].steps[0].sources[0].url"):
        assert any(p.path == where and message in p.message
                   for p in refused.value.problems), refused.value.problems
    assert not Demand.objects.exists() and not Commission.objects.exists()
