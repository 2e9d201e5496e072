"""Decisions: free or not, logged, and binding the terms only when free."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.core.terms import SEPARATE_STATE, TerritorialClause, clause_findings
from openpeace.core.text import text_problem
from openpeace.log.models import Entry
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.selectors import terms_register
from openpeace.selfdetermination.services import DecisionRefused, decision_record
from openpeace.world.models import Nationality, Occupation, State


def _record(nationality: str, joins: str | None, on: dt.date, **more: object) -> Decision:
    defaults: dict[str, object] = {"via": "plebiscite", "source": "The count of the commission"}
    return decision_record(
        nationality=Nationality.objects.get(key=nationality),
        joins=State.objects.get(key=joins) if joins else None, taken_on=on,
        **{**defaults, **more},  # type: ignore[arg-type]
    )


def _rules(territory: str, to: str) -> list[str]:
    if to == "separate_state":
        clause = TerritorialClause("c", territory, SEPARATE_STATE, kind="independence")
    else:
        clause = TerritorialClause("c", territory, to)
    return [f.rule.id for f in clause_findings(clause, terms_register())]


def test_a_free_decision_binds_the_terms(loaded: Situation) -> None:
    decision = _record("finns", None, dt.date(1917, 12, 6), via="declaration",
                       recognised_on=dt.date(1917, 12, 31),
                       recognised_by=State.objects.get(key="russia"))
    assert decision.free and decision.destination == "separate_state"
    [entry] = Entry.objects.filter(kind="decision.recorded")
    content = json.loads(bytes(entry.body))["content"]
    assert content["free"] is True and content["recognised_by"] == "russia"
    assert _rules("finland", "separate_state") == []
    assert _rules("finland", "russia") == ["annexation.against_decision"]


def test_a_decision_under_occupation_is_recorded_not_free_and_does_not_bind(
    loaded: Situation,
) -> None:
    """The not-free rule: Erzurum is occupied by Russia since 1916 in the test register."""
    decision = _record("armenians", "russia", dt.date(1917, 12, 1))
    assert not decision.free
    assert decision.under_occupation == Occupation.objects.get(territory__key="erzurum")
    content = json.loads(bytes(decision.entry.body))["content"]
    assert content["free"] is False and content["under_occupation"]["occupier"] == "russia"
    assert _rules("erzurum", "russia") == ["annexation.decision_not_free"]


def test_after_the_evacuation_a_new_decision_binds(loaded: Situation) -> None:
    _record("armenians", "russia", dt.date(1917, 12, 1))
    Occupation.objects.filter(territory__key="erzurum").update(ended_on=dt.date(1918, 3, 1))
    assert _rules("erzurum", "russia") == ["annexation.decision_not_free"]
    later = _record("armenians", None, dt.date(1918, 6, 1))
    assert later.free
    assert _rules("erzurum", "separate_state") == []
    assert _rules("erzurum", "russia") == ["annexation.against_decision"]


@pytest.mark.parametrize("changes,message", [
    ({"source": "  "}, "the source a decision cites cannot be blank"),
    ({"source": "\u200b\u200b"}, "the source a decision cites cannot be blank: it has no "
                                 "visible character"),
    ({"source": "The Diet\x01"}, "the source a decision cites cannot contain the control "
                                 "character U[+]0001"),
    ({"via": "acclamation"}, "via must be one of"),
    ({"via": "declaration"}, "counts once it is recognised"),
    ({"recognised_on": dt.date(1917, 12, 31)}, "needs no recognition"),
    ({"via": "declaration", "recognised_on": dt.date(1917, 1, 1), "recognised_by": "russia"},
     "before it was taken"),
])
def test_bad_decisions_are_refused_and_change_nothing(
    loaded: Situation, changes: dict[str, object], message: str
) -> None:
    if isinstance(changes.get("recognised_by"), str):
        changes["recognised_by"] = State.objects.get(key=str(changes["recognised_by"]))
    with pytest.raises(DecisionRefused, match=message):
        _record("finns", None, dt.date(1917, 12, 6), **changes)
    assert not Decision.objects.exists() and not Entry.objects.filter(
        kind="decision.recorded").exists()


def test_two_free_decisions_on_one_day_must_agree(loaded: Situation) -> None:
    _record("finns", None, dt.date(1917, 12, 6))
    with pytest.raises(DecisionRefused, match="already decided otherwise on 1917-12-06"):
        _record("finns", "russia", dt.date(1917, 12, 6))
    assert Decision.objects.count() == 1


def test_a_decision_rejudges_the_treaties(loaded: Situation) -> None:
    from openpeace.treaties.models import Clause
    from openpeace.treaties.treaty_file import treaties_import
    from tests.treaties.conftest import MINI_TREATIES

    treaties_import(MINI_TREATIES)
    clause = Clause.objects.get(code="art-1")  # Erzurum to Russia
    assert [f["rule"] for f in clause.findings] == ["annexation.no_decision"]
    _record("armenians", "russia", dt.date(1917, 12, 1))
    clause.refresh_from_db()
    assert [f["rule"] for f in clause.findings] == ["annexation.decision_not_free"]


def test_the_decisions_page_and_api(loaded: Situation, client: Client) -> None:
    _record("armenians", "russia", dt.date(1917, 12, 1))
    page = client.get("/decisions/").content.decode()
    assert "not free: <bdi>" not in page and "not free: Vilayet of Erzurum occupied by Russia" in (
        page)
    assert "to join <bdi>Russia</bdi>" in page  # a name isolated in the sentence around it
    answer = client.get("/api/decisions", {"free": "false"}).json()["items"]
    assert [(d["nationality"], d["joins"], d["free"]) for d in answer] == [
        ("armenians", "russia", False)]
    assert client.get("/api/decisions", {"free": "true"}).json()["items"] == []
    assert client.get("/api/decisions", {"free": "maybe"}).status_code == 422


def test_officials_record_a_declaration_in_the_admin(loaded: Situation,
                                                     admin_client: Client) -> None:
    form = {"nationality": Nationality.objects.get(key="finns").pk, "joins": "",
            "via": "declaration", "taken_on": "1917-12-06", "recognised_on": "1917-12-31",
            "recognised_by": State.objects.get(key="russia").pk, "source": "The Senate",
            "source_url": ""}
    refused = admin_client.post("/admin/selfdetermination/decision/add/",
                                {**form, "recognised_on": "1917-01-01"})
    assert refused.status_code == 200 and "before it was taken" in refused.content.decode()
    assert not Decision.objects.exists()
    done = admin_client.post("/admin/selfdetermination/decision/add/", form)
    assert done.status_code == 302
    assert Decision.objects.get().entry.kind == "decision.recorded"


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://archive.example/diet.txt", "must be an absolute http or https URL"),
    ("javascript:alert(1)", "must be an absolute http or https URL"),
    ("/decisions/finns", "must be an absolute http or https URL"),
    ("www.eduskunta.example/1917", "must be an absolute http or https URL"),
    ("https://archive.example/a b", "must be an absolute http or https URL"),
    ("https://archive.example/\x00", "the source's url cannot contain a NUL character"),
    ("https://archive.example/" + "a" * 500, "the source's url has at most 500 characters"),
])
def test_a_source_url_is_an_absolute_web_address_or_nothing_is_written(
    loaded: Situation, url: str, message: str
) -> None:
    with pytest.raises(DecisionRefused, match=re.escape(message)) as refused:
        _record("finns", None, dt.date(1917, 12, 6), source_url=url)
    assert refused.value.field == "source_url"
    assert not Decision.objects.exists() and not Entry.objects.filter(
        kind="decision.recorded").exists()


@pytest.mark.parametrize("url", ["", "http://archive.example/diet", "https://archive.example/"])
def test_a_source_url_may_be_left_out_or_be_a_web_address(loaded: Situation, url: str) -> None:
    assert _record("finns", None, dt.date(1917, 12, 6), source_url=url).source_url == url


def test_the_admin_refuses_a_source_url_at_its_field(loaded: Situation,
                                                      admin_client: Client) -> None:
    """The admin's URL field lets `ftp:` through; the service does not, and says so there."""
    form = {"nationality": Nationality.objects.get(key="finns").pk, "joins": "",
            "via": "plebiscite", "taken_on": "1917-12-06", "recognised_on": "",
            "recognised_by": "", "source": "The count",
            "source_url": "ftp://archive.example/count.txt"}
    refused = admin_client.post("/admin/selfdetermination/decision/add/", form)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"source_url": [
        "the source's url must be an absolute http or https URL, not "
        "'ftp://archive.example/count.txt'"]}
    assert not Decision.objects.exists() and not Entry.objects.filter(
        kind="decision.recorded").exists()


def test_the_admin_refuses_a_hidden_source_at_its_field(loaded: Situation,
                                                        admin_client: Client) -> None:
    """The admin's text field lets a control character through; the service refuses it
    (`core.text`) and names `source` (`DecisionRefused.field`), so the form says it there, not
    above the whole form."""
    form = {"nationality": Nationality.objects.get(key="finns").pk, "joins": "",
            "via": "plebiscite", "taken_on": "1917-12-06", "recognised_on": "",
            "recognised_by": "", "source": "The count\x01", "source_url": ""}
    refused = admin_client.post("/admin/selfdetermination/decision/add/", form)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"source": [
        text_problem("The count\x01", "the source a decision cites")]}
    assert not Decision.objects.exists()
