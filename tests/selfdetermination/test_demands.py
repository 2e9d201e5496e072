"""Demands: every step and every wrong one, each in the log; secession satisfied only by a
decision; bad input refused on every write path (service, API, page, admin, command line)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from io import StringIO
from typing import Any

import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import settings as hypothesis_settings
from schemathesis import openapi

from openpeace.api import api
from openpeace.core.situation import Situation
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.selfdetermination import services, views
from openpeace.selfdetermination.forms import DemandFileForm
from openpeace.selfdetermination.models import Decision, Demand, DemandStep
from openpeace.selfdetermination.services import (
    DemandRefused,
    commission_issue,
    decision_record,
    demand_acknowledge,
    demand_begin,
    demand_file,
    demand_refuse,
    demand_satisfy,
)
from openpeace.world.models import Nationality, State
from tests.html import dangling, described
from tests.source_urls import GOOD_URL, REFUSED_URLS
from tests.world.test_api_fuzz import app  # noqa: F401 - the fixture the fuzz test needs

T0 = dt.datetime(1917, 11, 20, 12, tzinfo=dt.UTC)


def hours(n: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def filed(nationality: str = "finns", kind: str = "secession", **more: Any) -> Demand:
    n = Nationality.objects.get(key=nationality)
    commission = commission_issue(nationality=n, label=f"commission of the {nationality}")
    return demand_file(commission=commission.commission, nationality=n, kind=kind,
                       text="We demand it.", acts_asked="The act.", at=T0, **more)


def in_progress(nationality: str = "finns", kind: str = "secession") -> Demand:
    demand = filed(nationality, kind)
    demand_acknowledge(demand=demand, at=hours(1))
    return demand_begin(demand=demand, at=hours(2))


def finland_decides(via: str = "declaration", joins: str | None = None) -> Decision:
    recognition: dict[str, Any] = {"recognised_on": dt.date(1917, 12, 31),
                                   "recognised_by": State.objects.get(key="russia")}
    return decision_record(
        nationality=Nationality.objects.get(key="finns"),
        joins=State.objects.get(key=joins) if joins else None, via=via,
        taken_on=dt.date(1917, 12, 6), source="The Parliament of Finland",
        at=hours(3), **(recognition if via == "declaration" else {}),
    )


def logged(kind: str) -> list[dict[str, Any]]:
    return [json.loads(bytes(e.body)) for e in Entry.objects.filter(kind=kind).order_by("pk")]


def unchanged() -> tuple[Any, ...]:
    return (Entry.objects.count(), DemandStep.objects.count(),
            list(Demand.objects.values_list("status", flat=True)))


# The lifecycle, through the services ---------------------------------------------------------


def test_every_step_is_a_log_entry_about_the_nationality(loaded: Situation) -> None:
    demand = in_progress()
    decision = finland_decides()
    demand_satisfy(demand=demand, decision=decision, note="Recognised.", at=hours(4))
    demand.refresh_from_db()
    assert demand.status == "satisfied" and demand.satisfied_by_decision == decision
    steps = list(demand.steps.all())
    assert [s.status for s in steps] == ["filed", "acknowledged", "in_progress", "satisfied"]
    assert [s.entry.kind for s in steps] == [
        "demand.filed", "demand.acknowledged", "demand.in_progress", "demand.satisfied"]
    assert {s.entry.subject for s in steps} == {"nationality:finns"}
    [filing] = logged("demand.filed")
    assert filing["content"] | {"demand": 0} == {
        "demand": 0, "nationality": "finns", "kind": "secession", "status": "filed",
        "commission": "commission of the finns", "text": "We demand it.",
        "acts_asked": "The act.", "language": "en", "sources": []}
    assert filing["time"] == "1917-11-20T12:00:00.000000+00:00"
    [satisfied] = logged("demand.satisfied")
    by = satisfied["content"]["satisfied_by"]["decision"]
    assert (satisfied["content"]["from"], satisfied["content"]["to"]) == ("in_progress",
                                                                          "satisfied")
    assert (by["choice"], by["via"], by["taken_on"]) == ("separate_state", "declaration",
                                                          "1917-12-06")
    assert len(by["entry_sha256"]) == 64


def test_a_refusal_publishes_its_reasons(loaded: Situation) -> None:
    demand = in_progress(kind="autonomy")
    demand_refuse(demand=demand, reasons="Not before the Constituent Assembly.", at=hours(3))
    demand.refresh_from_db()
    assert (demand.status, demand.refusal_reasons) == ("refused",
                                                       "Not before the Constituent Assembly.")
    assert logged("demand.refused")[0]["content"]["reasons"] == (
        "Not before the Constituent Assembly.")


@pytest.mark.parametrize("steps,attempt,message", [
    ([], "begin", "the demand is filed and cannot become in_progress: it must be acknowledged"),
    ([], "refuse", "the demand is filed and cannot become refused"),
    ([], "satisfy", "the demand is filed and cannot become satisfied"),
    (["acknowledge"], "acknowledge", "the demand is acknowledged and cannot become "
                                     "acknowledged: it is already acknowledged"),
    (["acknowledge"], "satisfy", "the demand is acknowledged and cannot become satisfied: it "
                                 "must be in progress first"),
    (["acknowledge", "begin"], "acknowledge", "the demand is in_progress and cannot become "
                                              "acknowledged: a demand never goes back a step"),
    (["acknowledge", "begin", "refuse"], "satisfy", "the demand is refused and cannot become "
                                                    "satisfied: refused is final"),
    (["acknowledge", "begin", "satisfy"], "refuse", "the demand is satisfied and cannot become "
                                                    "refused: satisfied is final"),
    (["acknowledge", "begin", "satisfy"], "begin", "the demand is satisfied and cannot become "
                                                   "in_progress: satisfied is final"),
])
def test_every_wrong_step_names_the_current_status_and_changes_nothing(
    loaded: Situation, steps: list[str], attempt: str, message: str,
) -> None:
    demand = filed(kind="autonomy")
    decision = finland_decides()
    take = {
        "acknowledge": lambda at: demand_acknowledge(demand=demand, at=at),
        "begin": lambda at: demand_begin(demand=demand, at=at),
        "refuse": lambda at: demand_refuse(demand=demand, reasons="No.", at=at),
        "satisfy": lambda at: demand_satisfy(demand=demand, decision=decision, at=at),
    }
    for i, step in enumerate(steps):
        take[step](hours(4 + i))
    before = unchanged()
    with pytest.raises(DemandRefused, match=f"demand {demand.pk}: {message}"):
        take[attempt](hours(10))
    assert unchanged() == before


def test_a_step_cannot_be_dated_before_the_one_it_follows(loaded: Situation) -> None:
    demand = filed()
    with pytest.raises(DemandRefused, match="it became filed at 1917-11-20T12:00:00"):
        demand_acknowledge(demand=demand, at=T0 - dt.timedelta(days=1))


@pytest.mark.parametrize("reasons", ["", "  "])
def test_no_refusal_without_reasons(loaded: Situation, reasons: str) -> None:
    demand = in_progress()
    before = unchanged()
    with pytest.raises(DemandRefused, match="must publish its reasons"):
        demand_refuse(demand=demand, reasons=reasons, at=hours(3))
    assert unchanged() == before


def test_secession_is_satisfied_only_by_a_decision(loaded: Situation) -> None:
    demand = in_progress()
    log_integrate()
    situation = Entry.objects.get(kind="situation.loaded")
    before = unchanged()
    with pytest.raises(DemandRefused, match="a secession demand is satisfied only by a decision "
                                            "of the finns"):
        demand_satisfy(demand=demand, log_index=situation.index, at=hours(3))
    assert unchanged() == before
    joined = finland_decides(via="plebiscite", joins="russia")
    before = unchanged()
    with pytest.raises(DemandRefused, match="decided to join russia, which rules them now"):
        demand_satisfy(demand=demand, decision=joined, at=hours(4))
    assert unchanged() == before


def test_a_decision_under_occupation_satisfies_no_demand(loaded: Situation) -> None:
    demand = in_progress("armenians", "secession")
    unfree = decision_record(
        nationality=Nationality.objects.get(key="armenians"), joins=None, via="plebiscite",
        taken_on=dt.date(1917, 12, 1), source="A vote under occupation", at=hours(3))
    assert not unfree.free
    with pytest.raises(DemandRefused, match="under a foreign occupation: it is not free"):
        demand_satisfy(demand=demand, decision=unfree, at=hours(4))
    with pytest.raises(DemandRefused, match="the decision is the armenians', not the finns'"):
        demand_satisfy(demand=in_progress("finns", "autonomy"), decision=unfree, at=hours(4))


def test_an_act_older_than_the_demand_or_about_another_nationality_does_not_satisfy_it(
    loaded: Situation,
) -> None:
    log_integrate()
    situation = Entry.objects.get(kind="situation.loaded")
    n = Nationality.objects.get(key="finns")
    later = situation.recorded_at + dt.timedelta(days=1)
    commission = commission_issue(nationality=n, label="commission of the finns")
    demand = demand_file(commission=commission.commission, nationality=n,
                         kind="release_of_prisoners", text="We demand it.", acts_asked="The act.",
                         at=later)
    demand_acknowledge(demand=demand, at=later + dt.timedelta(hours=1))
    demand_begin(demand=demand, at=later + dt.timedelta(hours=2))
    theirs = decision_record(
        nationality=Nationality.objects.get(key="algerians"), joins=None, via="plebiscite",
        taken_on=dt.date(1917, 12, 1), source="Their vote", at=later)
    log_integrate()
    before = unchanged()
    with pytest.raises(DemandRefused, match="before the demand was filed"):
        demand_satisfy(demand=demand, log_index=situation.index,
                       at=later + dt.timedelta(hours=3))
    with pytest.raises(DemandRefused, match="is about the algerians, not the finns"):
        demand_satisfy(demand=demand, log_index=Entry.objects.get(pk=theirs.entry.pk).index,
                       at=later + dt.timedelta(hours=3))
    assert unchanged() == before


def test_another_act_satisfies_other_demands_by_its_log_index(loaded: Situation) -> None:
    demand = in_progress(kind="release_of_prisoners")
    log_integrate()
    situation = Entry.objects.get(kind="situation.loaded")
    own_step = demand.steps.get(status="filed").entry
    with pytest.raises(DemandRefused, match="is a step of a demand"):
        demand_satisfy(demand=demand, log_index=own_step.index, at=hours(3))
    with pytest.raises(DemandRefused, match="no log entry with index 999"):
        demand_satisfy(demand=demand, log_index=999, at=hours(3))
    with pytest.raises(DemandRefused, match="name the one act"):
        demand_satisfy(demand=demand, at=hours(3))
    with pytest.raises(DemandRefused, match="an act already done"):
        demand_satisfy(demand=demand, log_index=situation.index,
                       at=situation.recorded_at - dt.timedelta(seconds=1))
    demand_satisfy(demand=demand, log_index=situation.index,
                   at=situation.recorded_at + dt.timedelta(seconds=1))
    demand.refresh_from_db()
    assert demand.satisfied_by_entry == situation and demand.satisfied_by_decision is None
    by = logged("demand.satisfied")[0]["content"]["satisfied_by"]["entry"]
    assert (by["log_index"], by["kind"]) == (situation.index, "situation.loaded")


@pytest.mark.parametrize("changes,message,field", [
    ({"kind": "crown"}, "kind must be one of", "kind"),
    ({"language": "Finnish"}, "language must be a BCP 47 tag", "language"),
    ({"text": "  "}, "the text of a demand cannot be blank: it is only white space", "text"),
    ({"acts_asked": ""}, "the acts asked cannot be empty", "acts_asked"),
    ({"text": "a\x00b"}, "NUL", "text"),
    ({"sources": [{"url": "https://x.example"}]}, "each source needs a title", None),
    ({"sources": [{"title": "Манифест", "language": "Russian"}]},
     "a source's language: 'Russian' is not a valid BCP 47 tag", None),
])
def test_a_bad_filing_is_refused_at_its_field_and_writes_nothing(
    loaded: Situation, changes: dict[str, Any], message: str, field: str | None
) -> None:
    """The field named is the form's and the API's name for the input (`DemandFileForm`,
    `DemandIn`), so that each shows the refusal there."""
    finns = Nationality.objects.get(key="finns")
    commission = commission_issue(nationality=finns, label="x").commission
    arguments = {"commission": commission, "nationality": finns, "kind": "autonomy",
                 "text": "t", "acts_asked": "a", **changes}
    with pytest.raises(DemandRefused, match=message) as refused:
        demand_file(**arguments)
    assert refused.value.field == field
    assert not Demand.objects.exists() and not Entry.objects.filter(
        kind__startswith="demand.").exists()


def test_a_commission_files_only_for_its_own_nationality(loaded: Situation) -> None:
    armenian = commission_issue(nationality=Nationality.objects.get(key="armenians"),
                                label="x").commission
    with pytest.raises(DemandRefused, match="files demands for the armenians, not for the finns"):
        demand_file(commission=armenian, nationality=Nationality.objects.get(key="finns"),
                    kind="autonomy", text="t", acts_asked="a")
    assert not Demand.objects.exists()


# The API ------------------------------------------------------------------------------------


def post(client: Client, token: str, body: dict[str, Any], key: str = "finns") -> Any:
    return client.post(f"/api/nationalities/{key}/demands", json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


GOOD = {"kind": "language_rights", "text": "Finnish in the courts.", "acts_asked": "A decree."}


def test_a_filing_through_the_api_is_logged_and_listed(loaded: Situation, client: Client) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"),
                             label="Senate").token
    response = post(client, token, GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("nationality", "commission", "kind", "status", "text")} == {
        "nationality": "finns", "commission": "Senate", "kind": "language_rights",
        "status": "filed", "text": "Finnish in the courts."}
    assert [s["status"] for s in body["steps"]] == ["filed"]
    assert body["steps"][0]["log_index"] is None  # not integrated yet
    log_integrate()
    listed = client.get("/api/demands").json()
    assert listed["count"] == 1 and listed["items"][0]["steps"][0]["log_index"] is not None
    assert client.get(f"/api/demands/{body['id']}").json()["id"] == body["id"]
    assert client.get("/api/demands/999").status_code == 404


def test_a_demand_in_its_own_language_is_marked_with_it(loaded: Situation,
                                                         client: Client) -> None:
    """A commission may file in its own language; the page then says which, and in which
    direction it is written (Ottoman Turkish: right to left)."""
    token = commission_issue(nationality=Nationality.objects.get(key="finns"),
                             label="Senate").token
    body = post(client, token, {**GOOD, "text": "لسان عثمانى", "language": "ota"}).json()
    assert (body["language"], body["direction"]) == ("ota", "rtl")
    page = client.get("/nationalities/finns/demands/").content.decode()
    assert '<div lang="ota" dir="rtl"><p>لسان عثمانى</p></div>' in page
    assert '<div lang="en" dir="ltr"><p>A decree.</p></div>' not in page  # it is all in ota
    assert '<div lang="ota" dir="rtl"><p>A decree.</p></div>' in page


def test_the_list_filters(loaded: Situation, client: Client) -> None:
    finnish = in_progress()
    filed("armenians", "autonomy")
    assert [d["id"] for d in client.get("/api/demands?nationality=finns").json()["items"]] == [
        finnish.pk]
    assert client.get("/api/demands?status=in_progress").json()["count"] == 1
    assert client.get("/api/demands?kind=autonomy").json()["count"] == 1
    assert client.get("/api/demands?nationality=atlantans").json()["count"] == 0
    assert client.get("/api/demands?limit=1").json()["count"] == 2
    assert len(client.get("/api/demands?limit=1").json()["items"]) == 1


@pytest.mark.parametrize("query,location", [
    ("status=bogus", "query.status"), ("kind=crown", "query.kind"),
    ("nationality=a%00b", "query.nationality"), ("limit=0", "query.limit"),
])
def test_bad_filters_are_422(loaded: Situation, client: Client, query: str,
                             location: str) -> None:
    response = client.get(f"/api/demands?{query}")
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == location


@pytest.mark.parametrize("body,location,message", [
    ({**GOOD, "kind": "crown"}, "body.payload.kind", "Input should be"),
    ({"kind": "land", "acts_asked": "x"}, "body.payload.text", "Field required"),
    ({**GOOD, "text": ""}, "body.payload.text", "at least 1 character"),
    ({**GOOD, "text": "   "}, "body.payload.text", "it is blank: say what is demanded"),
    ({**GOOD, "acts_asked": "\n"}, "body.payload.acts_asked", "it is blank"),
    ({**GOOD, "text": "a\x00b"}, "body.payload.text", "NUL"),
    ({**GOOD, "text": "x" * 50_001}, "body.payload.text", "at most 50000 characters"),
    ({**GOOD, "text": 7}, "body.payload.text", "valid string"),
    ({**GOOD, "language": "Finnish"}, "body.payload.language", "is not a BCP 47 tag"),
    ({**GOOD, "language": "x" * 36}, "body.payload.language", "at most 35 characters"),
])
def test_bad_bodies_are_422_with_what_is_wrong_and_change_nothing(
    loaded: Situation, client: Client, body: dict[str, Any], location: str, message: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    before = unchanged()
    response = post(client, token, body)
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["location"] == location and message in problem["message"], problem
    assert unchanged() == before



@pytest.mark.parametrize(("field", "location"), [("text", "body.payload.text"),
                                                 (None, "body.payload")])
def test_a_service_s_refusal_is_422_at_the_field_it_names(
    loaded: Situation, client: Client, monkeypatch: pytest.MonkeyPatch, field: str | None,
    location: str,
) -> None:
    """A filing the schema lets through but the service refuses is answered where the refusal
    says (`DemandRefused.field`), as the schema's own 422s are, and at the body when it names
    no field. No such filing reaches the service today (the schema checks what it would), so
    the service is made to refuse one."""
    def refuse(**_: object) -> None:
        raise DemandRefused("the demand is refused", field=field)

    monkeypatch.setattr(services, "demand_file", refuse)
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    response = post(client, token, GOOD)
    assert response.status_code == 422, response.content
    assert response.json()["problems"] == [{"location": location,
                                            "message": "the demand is refused"}]

def test_a_body_that_is_not_json_is_422(loaded: Situation, client: Client) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    response = client.post("/api/nationalities/finns/demands", "{kind", content_type=(
        "application/json"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in {400, 422}
    assert not Demand.objects.exists()


# Texts no reader could see, or holding what a reader cannot see (`core.text`): the audit's
# `"\u200b\u200b"` and `"\u0001\u0002"` first.
HIDDEN = [
    ("\u200b\u200b", "it has no visible character, only white space, format characters or "
                     "combining marks (U+200B ZERO WIDTH SPACE)"),
    ("\u0001\u0002", "cannot contain the control character U+0001"),
    ("\u202e", "it has no visible character, only white space, format characters or "
               "combining marks (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("a\x00b", "cannot contain a NUL character"),
]
# Texts that need format characters, beside visible ones.
WRITTEN = [
    ("fa", "ما خودمختاری می\u200cخواهیم."),  # Persian: a zero-width non-joiner inside a word
    ("ar", "\u200fنطالب بالحكم الذاتي."),  # Arabic, opened by a right-to-left mark
]


@pytest.mark.parametrize("field", ["text", "acts_asked"])
@pytest.mark.parametrize(("value", "message"), HIDDEN)
def test_a_hidden_text_is_422_at_its_field_and_changes_nothing(
    loaded: Situation, client: Client, field: str, value: str, message: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    before = unchanged()
    response = post(client, token, {**GOOD, field: value})
    assert response.status_code == 422, response.content
    [problem] = response.json()["problems"]
    assert problem["location"] == f"body.payload.{field}" and message in problem["message"]
    assert unchanged() == before


@pytest.mark.parametrize(("language", "text"), WRITTEN)
def test_a_text_that_needs_format_characters_is_filed_as_written(
    loaded: Situation, client: Client, language: str, text: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    response = post(client, token, {**GOOD, "text": text, "acts_asked": text,
                                    "language": language})
    assert response.status_code == 201, response.content
    assert (Demand.objects.get().text, logged("demand.filed")[0]["content"]["text"]) == (text,
                                                                                         text)


demands_schema = openapi.from_dict(api.get_openapi_schema(path_prefix="/api")).include(
    path_regex="demands"
)


@demands_schema.parametrize()
@hypothesis_settings(max_examples=30)
def test_every_demands_operation_answers_as_documented(
    case: Any, loaded: Situation, app: Any,  # noqa: F811
) -> None:
    if not Demand.objects.exists():
        in_progress()
        log_integrate()
    case.call_and_validate(app=app)


# The coverage report ------------------------------------------------------------------------


def test_open_demands_are_pending_in_the_coverage_report(loaded: Situation,
                                                         client: Client) -> None:
    demand = in_progress()
    demand_acknowledge(demand=filed("armenians", "autonomy"), at=hours(1))
    closed = in_progress("armenians", "land")
    demand_refuse(demand=closed, reasons="No.", at=hours(3))
    rows = {r["nationality"]: r for r in client.get("/api/coverage").json()["nationalities"]}
    assert rows["finns"]["pending"] == [f"demand {demand.pk}: secession (in_progress)"]
    assert rows["armenians"]["pending"] == [
        f"demand {closed.pk - 1}: autonomy (acknowledged)"]
    assert rows["algerians"]["pending"] == []
    out = StringIO()
    call_command("coverage", "--format", "csv", stdout=out)
    finns = next(r for r in csv.DictReader(io.StringIO(out.getvalue()))
                 if r["nationality"] == "finns")
    assert finns["pending"] == f"demand {demand.pk}: secession (in_progress)"
    page = client.get("/coverage/").content.decode()  # the page says it in words, linked
    assert (f'<a href="/nationalities/finns/demands/#demand-{demand.pk}">Demand {demand.pk}: '
            "secession</a> (in progress)") in page
    assert "(in_progress)" not in page and "(acknowledged)" in page
    demand_satisfy(demand=demand, decision=finland_decides(), at=hours(4))
    rows = {r["nationality"]: r for r in client.get("/api/coverage").json()["nationalities"]}
    assert rows["finns"]["pending"] == []


# The pages ----------------------------------------------------------------------------------


def test_a_nationality_s_page_shows_every_step_with_its_log_links(
    loaded: Situation, client: Client
) -> None:
    demand = in_progress()
    demand_satisfy(demand=demand, decision=finland_decides(), note="Recognised.", at=hours(4))
    log_integrate()
    page = client.get("/nationalities/finns/demands/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="demand-{demand.pk}"' in html
    for step in demand.steps.all():
        assert f'href="/log/entries/{step.entry.index}"' in html
    assert "the decision to form a separate state" in html and "Recognised." in html
    decision_entry = Decision.objects.get().entry
    assert f'href="/log/entries/{decision_entry.index}"' in html
    assert "<bdi>commission of the finns</bdi>" in html
    assert client.get("/nationalities/atlantans/demands/").status_code == 404
    assert "have filed no demand yet" in client.get(
        "/nationalities/armenians/demands/").content.decode()


def test_the_list_page_filters_without_javascript(loaded: Situation, client: Client) -> None:
    demand = in_progress()
    filed("armenians", "autonomy")
    page = client.get("/demands/", {"nationality": "finns"}).content.decode()
    assert f"/nationalities/finns/demands/#demand-{demand.pk}" in page
    assert "/nationalities/armenians/demands/#" not in page
    assert "2 demands" in client.get("/demands/").content.decode()
    bad = client.get("/demands/", {"status": "bogus"})
    assert bad.status_code == 400 and "This filter cannot be applied" in bad.content.decode()
    # said at the field: the refused select is described by its message, which exists
    assert dangling(bad.content.decode()) == []
    assert described(bad.content.decode(), "id_status") == ["id_status_error"]
    assert '<strong class="error" id="id_status_error">Select a valid choice.' in \
        bad.content.decode()


def form(token: str, **changes: str) -> dict[str, str]:
    return {"token": token, "kind": "autonomy", "text": "Self-government.",
            "acts_asked": "A statute.", **changes}


def test_a_commission_files_on_the_page(loaded: Situation, client: Client) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    page = client.get("/nationalities/finns/demands/file/")
    assert page.status_code == 200 and 'type="password"' in page.content.decode()
    response = client.post("/nationalities/finns/demands/file/", form(token))
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nationalities/finns/demands/#demand-{demand.pk}"
    assert demand.steps.get().entry.kind == "demand.filed"


@pytest.mark.parametrize("changes,message", [
    ({"token": "op_wrong"}, "This token is unknown or has been revoked."),
    ({"token": "armenians"}, "This commission files demands for the Armenians, not for the "
                             "Finns."),
    ({"text": "   "}, "This field is required."),
    ({"acts_asked": ""}, "This field is required."),
    ({"kind": "crown"}, "Select a valid choice."),
    ({"text": "a\x00b"}, "Null characters are not allowed."),
    ({"text": "x" * 50_001}, "Ensure this value has at most 50000 characters"),
    ({"language": "Finnish"}, "&#x27;Finnish&#x27; is not a BCP 47 tag"),
])
def test_bad_filings_are_shown_on_the_form_and_change_nothing(
    loaded: Situation, client: Client, changes: dict[str, str], message: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    if changes.get("token") == "armenians":
        changes = {**changes, "token": commission_issue(
            nationality=Nationality.objects.get(key="armenians"), label="y").token}
    before = unchanged()
    response = client.post("/nationalities/finns/demands/file/",
                           form(changes.pop("token", token), **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert unchanged() == before


def test_no_filing_page_for_an_unknown_nationality(loaded: Situation, client: Client) -> None:
    assert client.get("/nationalities/atlantans/demands/file/").status_code == 404


@pytest.mark.parametrize("field", ["text", "acts_asked"])
@pytest.mark.parametrize(("value", "message"), [
    *HIDDEN[:3], ("a\x00b", "Null characters are not allowed.")])
def test_a_hidden_text_is_refused_at_its_field_on_the_form(
    loaded: Situation, client: Client, field: str, value: str, message: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    before = unchanged()
    response = client.post("/nationalities/finns/demands/file/", form(token, **{field: value}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert unchanged() == before


@pytest.mark.parametrize("field", ["kind", "text", "acts_asked", "language", "sources", None])
def test_a_service_s_refusal_is_shown_at_the_field_it_names_on_the_form(
    loaded: Situation, client: Client, monkeypatch: pytest.MonkeyPatch, field: str | None,
) -> None:
    """A refusal of the service (`DemandRefused.field`) is said at the form's field of that
    name, which its message describes (`aria-describedby`), as the form's own refusals are; one
    naming no field, or one the form lacks (a source), above the whole form. No filing the form
    lets through is refused by the service today (the form judges by the service's rules), so
    the service is made to refuse one, as the API's test of the same does."""
    def refuse(**_: object) -> None:
        raise DemandRefused("the demand is refused", field=field)

    monkeypatch.setattr(views, "demand_file", refuse)
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    response = client.post("/nationalities/finns/demands/file/", form(token))
    assert response.status_code == 400
    at = field if field in DemandFileForm.base_fields else None
    assert response.context["form"].errors == {at or "__all__": ["the demand is refused"]}
    html = response.content.decode()
    assert dangling(html) == []
    page = lxml.html.fromstring(html)
    if at:
        assert f"id_{at}_error" in described(html, f"id_{at}")
        assert page.xpath(f"//*[@id='id_{at}_error']//strong/text()") == [
            "the demand is refused"]
    else:
        assert page.xpath("//form/div[@role='alert']//li/text()") == ["the demand is refused"]


@pytest.mark.parametrize(("language", "text"), WRITTEN)
def test_a_text_that_needs_format_characters_is_filed_on_the_form(
    loaded: Situation, client: Client, language: str, text: str,
) -> None:
    token = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x").token
    response = client.post("/nationalities/finns/demands/file/",
                           form(token, text=text, acts_asked=text, language=language))
    assert response.status_code == 302
    assert (Demand.objects.get().text, Demand.objects.get().acts_asked) == (text, text)


def test_the_page_that_takes_a_commission_s_token_is_never_cached(
    loaded: Situation, client: Client
) -> None:
    url = "/nationalities/finns/demands/file/"
    for response in (client.get(url), client.post(url, form("op_wrong"))):
        assert "no-store" in response["Cache-Control"]


# The admin and the command line -------------------------------------------------------------


def test_officials_move_a_demand_along_in_the_admin(loaded: Situation,
                                                    admin_client: Client) -> None:
    demand = filed()
    changelist = "/admin/selfdetermination/demand/"
    admin_client.post(changelist, {"action": "acknowledge", "_selected_action": [demand.pk]})
    admin_client.post(changelist, {"action": "begin", "_selected_action": [demand.pk]})
    demand.refresh_from_db()
    assert demand.status == "in_progress"
    wrong = admin_client.post(changelist, {"action": "begin", "_selected_action": [demand.pk]},
                              follow=True)
    assert "the demand is in_progress and cannot become in_progress" in wrong.content.decode()
    change = admin_client.get(f"/admin/selfdetermination/demand/{demand.pk}/change/")
    assert f"/admin/selfdetermination/demand/{demand.pk}/satisfy/" in change.content.decode()
    refusal = f"/admin/selfdetermination/demand/{demand.pk}/refuse/"
    blank = admin_client.post(refusal, {"note": "  "})
    assert blank.status_code == 400 and "This field is required" in blank.content.decode()
    satisfy = f"/admin/selfdetermination/demand/{demand.pk}/satisfy/"
    log_integrate()  # the situation's entry is index 0: an act, but no decision
    not_a_decision = admin_client.post(satisfy, {"note": "", "decision": "", "log_index": "0"})
    assert not_a_decision.status_code == 400
    assert "satisfied only by a decision" in not_a_decision.content.decode()
    decision = finland_decides()
    done = admin_client.post(satisfy, {"note": "Recognised.", "decision": decision.pk,
                                       "log_index": ""})
    assert done.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "satisfied" and demand.satisfied_by_decision == decision
    assert admin_client.get("/admin/selfdetermination/demand/add/").status_code == 403
    assert admin_client.post(f"/admin/selfdetermination/demand/{demand.pk}/delete/",
                             {"post": "yes"}).status_code == 403


def test_an_official_refuses_with_reasons_in_the_admin(loaded: Situation,
                                                       admin_client: Client) -> None:
    demand = in_progress(kind="land")
    response = admin_client.post(f"/admin/selfdetermination/demand/{demand.pk}/refuse/",
                                 {"note": "The land question waits for the assembly."})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.refusal_reasons == "The land question waits for the assembly."


def test_the_command_line_moves_demands_along(loaded: Situation, tmp_path: Any) -> None:
    demand = filed(kind="land")
    out = StringIO()
    call_command("demands", "acknowledge", str(demand.pk), "--note", "Received.", stdout=out)
    call_command("demands", "begin", str(demand.pk), stdout=out)
    with pytest.raises(CommandError, match="no log entry with index 0"):
        call_command("demands", "satisfy", str(demand.pk), "--log-index", "0", stdout=out)
    reasons = tmp_path / "reasons.txt"
    reasons.write_text("Not now.", encoding="utf-8")
    call_command("demands", "refuse", str(demand.pk), "--reasons-file", str(reasons), stdout=out)
    assert out.getvalue().splitlines()[-1] == f"demand {demand.pk}: refused"
    listing = StringIO()
    call_command("demands", "list", "--status", "refused", stdout=listing)
    assert listing.getvalue().startswith(f"{demand.pk}\tfinns\tland\trefused\t1917-11-20")
    with pytest.raises(CommandError, match="no demand 999"):
        call_command("demands", "begin", "999")
    with pytest.raises(CommandError, match="the demand is refused"):
        call_command("demands", "begin", str(demand.pk))
    with pytest.raises(CommandError, match="no decision 999"):
        call_command("demands", "satisfy", str(demand.pk), "--decision", "999")


def test_the_model_and_the_core_name_the_same_kinds_and_statuses() -> None:
    from openpeace.core.demand import Kind, Status

    assert Demand.Kind.values == [k.value for k in Kind]
    assert Demand.Status.values == [s.value for s in Status]


def test_the_list_reads_in_a_bounded_number_of_queries(
    loaded: Situation, client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        in_progress()
    log_integrate()
    with django_assert_max_num_queries(8):
        assert client.get("/api/demands").json()["count"] == 5
    with django_assert_max_num_queries(8):
        assert client.get("/demands/").status_code == 200
    assert client.get("/api/demands/999").json() == {"detail": "no demand with id 999"}


def test_a_wrong_step_is_named_before_anything_else_is_wrong(loaded: Situation) -> None:
    demand = filed()
    with pytest.raises(DemandRefused, match="the demand is filed and cannot become satisfied"):
        demand_satisfy(demand=demand, at=hours(1))
    with pytest.raises(DemandRefused, match="the demand is filed and cannot become satisfied"):
        demand_satisfy(demand=demand, log_index=999, at=hours(1))
    with pytest.raises(DemandRefused, match="the demand is filed and cannot become in_progress"):
        demand_begin(demand=demand, note="a\x00b", at=hours(1))


@pytest.mark.parametrize(("step", "arguments", "message"), [
    (demand_acknowledge, {"note": "\u200b"}, "a note cannot be blank"),
    (demand_acknowledge, {"note": "Seen.\x07"}, "a note cannot contain the control character "
                                                 "U+0007"),
    (demand_acknowledge, {"sources": [{"title": "\ufeff"}]},
     "each source needs a title (and may have a url)"),
    (demand_acknowledge, {"sources": [{"title": "Decree", "url": "https://x.example/\x00"}]},
     "a source's url cannot contain a NUL character"),
    (demand_refuse, {"reasons": "\u2060"}, "a refusal must publish its reasons: none were given"),
    (demand_refuse, {"reasons": "No.\x1b"}, "the reasons of a refusal cannot contain the "
                                             "control character U+001B"),
])
def test_a_step_s_hidden_text_is_refused_and_writes_nothing(
    loaded: Situation, step: Any, arguments: dict[str, Any], message: str,
) -> None:
    demand = filed() if step is demand_acknowledge else in_progress(kind="autonomy")
    before = unchanged()
    with pytest.raises(DemandRefused, match=re.escape(message)):
        step(demand=demand, at=hours(3), **arguments)
    assert unchanged() == before


def test_a_step_s_optional_note_may_be_empty_and_may_need_format_characters(
    loaded: Situation,
) -> None:
    demand = filed()
    demand_acknowledge(demand=demand, note="", at=hours(1))
    demand_begin(demand=demand, note="\u200fبدأ العمل.", at=hours(2))
    assert list(demand.steps.values_list("note", flat=True).order_by("at")) == [
        "", "", "\u200fبدأ العمل."]


def acknowledged() -> Demand:
    demand = filed(kind="autonomy")
    return demand_acknowledge(demand=demand, at=hours(1))


@pytest.mark.parametrize(("step", "ready", "arguments", "field"), [
    (demand_acknowledge, filed, {"note": "\u200b"}, "note"),
    (demand_begin, acknowledged, {"note": "Begun.\x07"}, "note"),
    (demand_satisfy, in_progress, {"note": "\ufeff", "log_index": 0}, "note"),
    (demand_refuse, in_progress, {"reasons": "\u2060"}, "reasons"),
    (demand_refuse, in_progress, {"reasons": "No.\x1b"}, "reasons"),
    (demand_acknowledge, filed, {"sources": [{"title": "\ufeff"}]}, None),
    (demand_refuse, filed, {"reasons": "Not now."}, None),  # the step, not the reasons
])
def test_a_step_s_refusal_names_the_field_at_fault(
    loaded: Situation, step: Any, ready: Any, arguments: dict[str, Any], field: str | None,
) -> None:
    demand = ready()
    before = unchanged()
    with pytest.raises(DemandRefused) as refused:
        step(demand=demand, at=hours(3), **arguments)
    assert refused.value.field == field
    assert unchanged() == before


@pytest.mark.parametrize(("step", "note", "message"), [
    ("acknowledge", "\u200b", "a note cannot be blank"),
    ("refuse", "\u2060", "a refusal must publish its reasons: none were given"),
    ("refuse", "No.\x1b", "the reasons of a refusal cannot contain the control character"),
])
def test_the_admin_shows_a_refused_note_at_its_field(
    loaded: Situation, admin_client: Client, step: str, note: str, message: str,
) -> None:
    demand = filed() if step == "acknowledge" else in_progress(kind="land")
    before = unchanged()
    response = admin_client.post(f"/admin/selfdetermination/demand/{demand.pk}/{step}/",
                                 {"note": note})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["note"] and message in errors["note"][0]
    assert unchanged() == before


@pytest.mark.parametrize(("url", "message"), REFUSED_URLS)
def test_a_demand_s_source_url_is_one_to_follow_or_nothing_is_written(
    loaded: Situation, url: str, message: str
) -> None:
    """A filing's sources and a step's are held to the check of every source URL."""
    with pytest.raises(DemandRefused, match=re.escape(message)):
        filed(sources=[{"title": "The manifesto", "url": url}])
    assert not Demand.objects.exists()
    demand = filed()
    before = unchanged()
    with pytest.raises(DemandRefused, match=re.escape(f"a source's url {message}")):
        demand_acknowledge(demand=demand, sources=[{"title": "The reply", "url": url}],
                           at=hours(1))
    assert unchanged() == before


def test_a_demand_s_source_url_may_be_a_web_address(loaded: Situation) -> None:
    demand = filed(sources=[{"title": "The manifesto", "url": GOOD_URL}])
    assert demand.sources[0]["url"] == GOOD_URL
