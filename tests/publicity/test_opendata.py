"""Open data at /data/: every dataset valid against its schema, in long format, and showing
exactly what the pages and the API show: a secret treaty, an offer not yet released, a
plebiscite not yet decided and an entry not yet integrated are in no file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from openpeace.core.situation import Situation
from openpeace.diplomacy.armistices import armistice_record, session_record
from openpeace.diplomacy.models import Armistice, NegotiationSession, Note, Offer, Proclamation
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity import services as publicity
from openpeace.publicity.opendata import render, rows
from openpeace.publicity.opendata.schema import (
    BY_NAME,
    DATASETS,
    FORMAT,
    docs_with_reference,
    json_schema,
)
from openpeace.selfdetermination.services import (
    commission_issue,
    demand_acknowledge,
    demand_begin,
    demand_file,
    demand_satisfy,
)
from openpeace.treaties.export import CSV_COLUMNS
from openpeace.treaties.services import treaty_repudiate, treaty_text_revise
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.models import Language, Nationality, People, State, Territory
from tests.diplomacy.conftest import RELEASED_1917, write_texts
from tests.plebiscites.conftest import start
from tests.treaties.conftest import MINI_TREATIES, PUBLISHED_1917

SITE = settings.OPENPEACE_SITE_URL

DOCS = Path(__file__).parents[2] / "docs" / "open-data.md"
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=120, stale-if-error=300"
# Words that exist only in what is hidden: the secret treaty, the draft offer's texts, source
# and session, the undecided plebiscite's question.
HIDDEN_WORDS = ["finnish-note", "Finnish Note", "Anleihe", "Kohlenlieferungen",
                "draft-offer", "Entwurfsnote", "Draft proclamation", "Entwurfsquelle",
                "Entwurfsort", "Draft session record", "Undecided question"]
# The released offer's sources: one with an address and a language, one with neither.
SOURCES = [{"key": "dp", "title": "Декрет о мире", "url": "https://example.org/decree",
            "language": "ru"},
           {"key": "tasks", "title": "The Tasks of the Revolution"}]


def _offer(key: str, title: str) -> Offer:
    offer = Offer.objects.create(
        key=key, title=title, proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={"principles": ["peace without annexations or indemnities"],
               "armistice": {"term_days": 90}},
    )
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    return offer


@pytest.fixture
def world(loaded: Situation) -> dict[str, Any]:
    """Something of every dataset, public and hidden."""
    released = _offer("peace-1917", "Decree on Peace")
    write_texts(released)  # Ottoman people: ota, ar, hy
    Offer.objects.filter(pk=released.pk).update(sources=SOURCES)
    offer_release(offer=released, at=RELEASED_1917)  # before the armistice signed under it
    released.refresh_from_db()
    for key, kind, text, language in [  # the Ottoman government answers in French
        ("germany", "accepts_armistice", "Deutschland antwortet.", "de"),
        ("ottoman-empire", "rejects", "L’Empire ottoman répond.", "fr"),
    ]:
        envoy = envoy_issue(state=State.objects.get(key=key), label=key).envoy
        reply_record(envoy=envoy, offer=released, kind=kind, text=text, language=language)
    armistice_record(
        offer=released, parties=list(State.objects.filter(key__in=["russia", "germany"])),
        signed_on=dt.date(1917, 12, 15), effective_on=dt.date(1917, 12, 17), term_count=28,
        term_unit="days", renewal=Armistice.Renewal.CONTINUED, notice_days=7,
        demarcation="The front line, from the Baltic to the Black Sea.",
        demarcation_geometry={"type": "LineString", "coordinates": [[21.0, 55.7], [30.7, 46.5]]},
    )
    session_record(
        offer=released, place="Brest-Litovsk", opened_on=dt.date(1917, 12, 22),
        closed_on=dt.date(1917, 12, 28), record="The first session: the terms are read.",
        delegations=[{"state": "russia", "members": ["Adolph Joffe"]},
                     {"state": "germany", "members": ["Richard von Kühlmann"]}],
    )
    publicity.endorsement_period_open(offer=released,
                                      closes_at=timezone.now() + dt.timedelta(days=30))
    publicity.tally_run(offer=released, lag=dt.timedelta(0))  # counts nobody yet
    for contact, country, region in [("a@example.org", "germany", "alsace"),
                                     ("b@example.org", "germany", None),
                                     ("c@example.org", "ottoman-empire", None)]:
        submitted = publicity.endorsement_submit(
            offer=released, contact=contact, country=State.objects.get(key=country),
            region=Territory.objects.get(key=region) if region else None)
        publicity.endorsement_confirm(
            token=publicity.confirmation_token(submitted.endorsement.ref))
    publicity.tally_run(offer=released, lag=dt.timedelta(0))
    publicity.tally_recount(offer=released)
    draft = _offer("draft-offer", "Draft offer")
    Offer.objects.filter(pk=draft.pk).update(sources=[{"key": "e", "title": "Entwurfsquelle"}])
    Note.objects.create(offer=draft, state=State.objects.get(key="germany"),
                        language=Language.objects.get(tag="de"), text="Entwurfsnote.")
    Proclamation.objects.create(offer=draft, people=People.objects.get(key="germany-people"),
                                language=Language.objects.get(tag="de"),
                                title="Draft proclamation", text="Draft proclamation.")

    treaties = {t.key: t for t in treaties_import(MINI_TREATIES)}
    from openpeace.treaties.services import treaty_publish

    treaty_publish(treaty=treaties["straits-pact"], at=PUBLISHED_1917)  # then repudiated
    treaty_text_revise(treaty=treaties["straits-pact"], language=Language.objects.get(tag="fr"),
                       title="Pacte secret des Détroits", text="La Russie recevra Erzurum.",
                       source="Corrected for the tests", reason="A mistranscription.")
    treaty_repudiate(treaty=treaties["straits-pact"], statement="Annulled, in public.",
                     on=dt.date(1917, 11, 23), by=State.objects.get(key="russia"))

    finns = start("finns", ["russia"])
    finns.cast(0, 0)
    finns.cast(1, 0)
    finns.cast(2, 1)
    decided = finns.finish()
    start("armenians", ["russia", "ottoman-empire"], question="Undecided question?")

    rada = commission_issue(nationality=Nationality.objects.get(key="finns"), label="Senate")
    demand = demand_file(commission=rada.commission, nationality=rada.commission.nationality,
                         kind="secession", text="Independence.", acts_asked="Recognition.")
    demand_acknowledge(demand=demand)
    demand_begin(demand=demand)
    demand_satisfy(demand=demand, decision=decided.decision)
    log_integrate()
    # One act after the integration: public, but its entry is not in the log's files yet.
    algerians = commission_issue(nationality=Nationality.objects.get(key="algerians"),
                                 label="Algerian committee")
    demand_file(commission=algerians.commission, nationality=algerians.commission.nationality,
                kind="autonomy", text="Autonomy.", acts_asked="A statute.")
    _draft_session(draft)
    return {"offer": released}


def _draft_session(draft: Offer) -> NegotiationSession:
    """A session under the draft: `session_record` refuses one, but a row written otherwise
    (the admin, an import) must stay as hidden as its offer. Its entry is never integrated, as
    nothing of a draft may reach the log's files."""
    with transaction.atomic():
        return NegotiationSession.objects.create(
            offer=draft, place="Entwurfsort", opened_on=dt.date(1917, 12, 1),
            delegations=[{"state": "germany", "members": ["A delegate"]}],
            record="Draft session record.",
            entry=entry_append(kind="negotiation.session", subject=f"offer:{draft.key}",
                               content={"place": "Entwurfsort"}),
        )


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return response


def _json(client: Client, name: str) -> dict[str, Any]:
    return json.loads(_get(client, f"/data/{name}.json").getvalue())


def _csv(client: Client, name: str) -> list[list[str]]:
    body = _get(client, f"/data/{name}.csv").getvalue().decode("utf-8")
    return list(csv.reader(io.StringIO(body, newline="")))


def _api(client: Client, url: str) -> Any:
    return json.loads(_get(client, url).content)


def test_every_dataset_is_valid_json_and_csv_and_agrees_with_the_page(
    world: dict[str, Any], client: Client
) -> None:
    page = _get(client, "/data/").content.decode()
    for dataset in DATASETS:
        name = dataset.name
        served_schema = _api(client, f"/data/{name}.schema.json")
        assert served_schema == json_schema(dataset, f"{SITE}/data/{name}.schema.json")
        document = _json(client, name)
        jsonschema_rs.Draft202012Validator(served_schema, validate_formats=True).validate(
            document)
        assert document["dataset"] == name and document["format"] == FORMAT
        assert document["schema"] == f"{SITE}/data/{name}.schema.json"
        table = _csv(client, name)
        assert table[0] == dataset.column_names, name
        assert len(table) - 1 == len(document["rows"]), name
        # The CSV says what the JSON says, cell for cell.
        for line, row in zip(table[1:], document["rows"], strict=True):
            assert line == [render.csv_value(c, row[c.name]) for c in dataset.columns], name
        count, unit = len(document["rows"]), "rows?"
        if name == "tally-snapshots":
            count, unit = len({r["snapshot"] for r in document["rows"]}), "snapshots?"
        assert re.search(rf'<tr id="row-{name}">.*?<td>{count} {unit}</td>', page, re.S), name
        assert count > 0, f"the fixture has no {name}"


def test_texts_are_in_long_format(world: dict[str, Any], client: Client) -> None:
    proclamations = _json(client, "proclamations")["rows"]
    ottoman = [r for r in proclamations if r["people"] == "ottoman-people"]
    assert sorted(r["language"] for r in ottoman) == ["ar", "hy", "ota"]
    assert {r["direction"] for r in ottoman if r["language"] in {"ar", "ota"}} == {"rtl"}
    notes = _json(client, "notes")["rows"]
    assert sorted((r["state"], r["language"]) for r in notes) == [
        ("germany", "de"), ("ottoman-empire", "ota")]
    replies = _json(client, "replies")["rows"]  # each in the language it was sent in
    assert [(r["state"], r["language"], r["text"]) for r in replies] == [
        ("germany", "de", "Deutschland antwortet."),
        ("ottoman-empire", "fr", "L’Empire ottoman répond.")]
    header, *lines = _csv(client, "replies")
    assert [(line[header.index("state")], line[header.index("language")]) for line in lines] \
        == [("germany", "de"), ("ottoman-empire", "fr")]
    texts = _json(client, "treaty-texts")["rows"]
    assert sorted((r["language"], r["revision"], r["current"]) for r in texts) == [
        ("fr", 1, False), ("fr", 2, True), ("ota", 1, True), ("ru", 1, True)]
    tags = set(Language.objects.values_list("tag", flat=True))
    for dataset in DATASETS:  # a column per language would be named after one
        words = {part for c in dataset.columns for part in c.name.split("_")}
        assert not tags & words, dataset.name


def test_the_exports_show_exactly_what_the_pages_and_the_api_show(
    world: dict[str, Any], client: Client
) -> None:
    data = {d.name: _json(client, d.name)["rows"] for d in DATASETS}

    offers = _api(client, "/api/offers")["items"]
    assert {o["key"] for o in offers} == {r["key"] for r in data["offers"]} == {"peace-1917"}
    offer_list = _get(client, "/offers/").content.decode()
    assert "draft-offer" not in offer_list and "/offers/peace-1917/" in offer_list
    details = [_api(client, f"/api/offers/{o['key']}") for o in offers]
    assert {(d["key"], n["state"], n["language"], n["sha256"]) for d in details
            for n in d["notes"]} == {
        (r["offer"], r["state"], r["language"], r["sha256"]) for r in data["notes"]}
    assert {(d["key"], p["people"], p["language"], p["sha256"]) for d in details
            for p in d["proclamations"]} == {
        (r["offer"], r["people"], r["language"], r["sha256"]) for r in data["proclamations"]}
    offer_pages = "".join(_get(client, f"/offers/{o['key']}/").content.decode() for o in offers)
    assert set(map(int, re.findall(r'id="reply-(\d+)"', offer_pages))) == {
        r["id"] for r in data["replies"]} == {r["id"] for d in details for r in d["replies"]}
    assert set(map(int, re.findall(r'id="armistice-(\d+)"', offer_pages))) == {
        r["id"] for r in data["armistices"]}
    assert sorted((a["signed_on"], a["log_entry"]) for d in details for a in d["armistices"]) == (
        sorted((r["signed_on"], r["log_index"]) for r in data["armistices"]))
    assert set(map(int, re.findall(r'id="session-(\d+)"', offer_pages))) == {
        r["id"] for r in data["sessions"]}
    assert sorted((s["opened_on"], s["log_entry"], s["record"]) for d in details
                  for s in d["sessions"]) == sorted(
        (r["opened_on"], r["log_index"], r["record"]) for r in data["sessions"])
    # Its sources as the API gives them (with nulls for what a source leaves out), and as the
    # release logged them.
    assert [r["sources"] for r in data["offers"]] == [SOURCES] == [
        [{k: v for k, v in source.items() if v is not None} for source in d["sources"]]
        for d in details]
    header, line = _csv(client, "offers")
    assert json.loads(line[header.index("sources")]) == SOURCES
    logged = json.loads(bytes(world["offer"].release_entry.body))["content"]
    assert logged["sources"] == SOURCES
    assert [r["delegations"] for r in data["sessions"]] == [
        [{"state": "russia", "members": ["Adolph Joffe"]},
         {"state": "germany", "members": ["Richard von Kühlmann"]}]]
    hidden = NegotiationSession.objects.get(offer__key="draft-offer")
    assert client.get(f"/offers/draft-offer/sessions/{hidden.pk}/").status_code == 404

    treaties = _api(client, "/api/treaties")["items"]
    assert {t["key"] for t in treaties} == {r["AgtId"] for r in data["treaties"]} == {
        "straits-pact"}
    # The PA-X columns are the treaties export's, value for value.
    export = list(csv.DictReader(io.StringIO(
        _get(client, "/treaties/export.csv").content.decode(), newline="")))
    ours = list(csv.DictReader(io.StringIO(
        _get(client, "/data/treaties.csv").getvalue().decode(), newline="")))
    assert [{k: r[k] for k in CSV_COLUMNS} for r in ours] == export
    treaty_details = [_api(client, f"/api/treaties/{t['key']}") for t in treaties]
    assert {(d["key"], t["language"], t["revision"], t["sha256"], t["log_index"])
            for d in treaty_details for t in d["texts"]} == {
        (r["treaty"], r["language"], r["revision"], r["sha256"], r["log_index"])
        for r in data["treaty-texts"]}
    assert {(d["key"], c["id"], c["flagged"]) for d in treaty_details for c in d["clauses"]} == {
        (r["treaty"], r["id"], r["flagged"]) for r in data["clauses"]}

    nationalities = _api(client, "/api/nationalities?limit=1000")["items"]
    assert {(n["key"], n["standing"]) for n in nationalities} == {
        (r["key"], r["standing"]) for r in data["nationalities"]}
    demands = _api(client, "/api/demands?limit=1000")["items"]
    assert {(d["id"], d["status"], d["steps"][0]["log_index"], d["steps"][-1]["log_index"])
            for d in demands} == {
        (r["id"], r["status"], r["log_index"], r["status_log_index"]) for r in data["demands"]}
    plebiscites = _api(client, "/api/plebiscites")["items"]
    assert len(plebiscites) == 2
    assert {(p["id"], o["id"], count) for p in plebiscites if p["result"] is not None
            for o, count in zip(p["options"], p["result"]["counts"], strict=True)} == {
        (r["plebiscite"], r["option"], r["votes"]) for r in data["plebiscite-results"]}

    tally = _api(client, "/offers/peace-1917/endorsements.json")
    snapshots = {(r["snapshot"], r["window_end"], r["total"], r["kind"])
                 for r in data["tally-snapshots"]}
    assert sorted((t["as_of"], t["total"], t["kind"]) for t in tally["over_time"]) == sorted(
        s[1:] for s in snapshots)
    latest = max(snapshots)[0]
    assert {(c["key"], r["key"], r["count"]) for c in tally["countries"]
            for r in c["regions"]} == {
        (r["country"], r["region"], r["count"]) for r in data["tally-snapshots"]
        if r["snapshot"] == latest} == {
        ("germany", "alsace", 1), ("germany", None, 1), ("ottoman-empire", None, 1)}
    assert [(r["country"], r["count"]) for r in data["tally-snapshots"]
            if r["total"] == 0] == [(None, 0)]  # the first tally counted nobody

    integrated = Entry.objects.filter(index__isnull=False)
    assert [r["index"] for r in data["log"]] == list(range(integrated.count()))
    assert Entry.objects.filter(index__isnull=True).exists()
    checkpoint = _get(client, "/log/checkpoint").content.decode().split("\n")
    assert int(checkpoint[1]) == len(data["log"])

    bodies = [_get(client, f"/data/{d.name}.{f}").getvalue().decode() for d in DATASETS
              for f in ["json", "csv"]] + [_get(client, "/data/").content.decode()]
    for body in bodies:
        assert not [w for w in HIDDEN_WORDS if w in body]


def test_every_fact_links_to_its_log_entry_and_its_page(world: dict[str, Any],
                                                         client: Client) -> None:
    seen = 0
    for dataset in DATASETS:
        for row in _json(client, dataset.name)["rows"]:
            if "log_index" in row:
                if row["log_index"] is None:
                    assert row["log_entry_url"] is None
                    continue
                assert row["log_entry_url"] == f"{SITE}/log/entries/{row['log_index']}"
            for column in ["log_entry_url", "page_url", "entry_url", "body_url", "proof_url",
                           "demarcation_geojson_url"]:
                if row.get(column):
                    parts = urlsplit(row[column])
                    assert parts.netloc == urlsplit(SITE).netloc
                    _get(client, parts.path)
                    seen += 1
    assert seen > 50
    late = [r for r in _json(client, "demands")["rows"] if r["nationality"] == "algerians"]
    assert late and late[0]["log_index"] is None  # filed after the log's last integration
    finns = _json(client, "plebiscite-results")["rows"]
    assert [(r["option"], r["votes"], r["decided"]) for r in finns] == [
        (r["option"], v, d) for r, v, d in zip(finns, [2, 1], [True, False], strict=True)]
    assert finns[0]["decision_free"] is True and finns[0]["joins"] is None
    satisfied = [r for r in _json(client, "demands")["rows"] if r["status"] == "satisfied"]
    assert satisfied[0]["satisfied_by_log_index"] == finns[0]["decision_log_index"] is not None


def test_the_files_stream_and_are_cacheable(world: dict[str, Any], client: Client) -> None:
    for dataset in DATASETS:
        for format, media in [("json", "application/json"), ("csv", "text/csv")]:
            response = client.get(f"/data/{dataset.name}.{format}")
            assert response.streaming and response["Cache-Control"] == CACHE_CONTROL
            assert response["Content-Type"].startswith(media)
    assert client.get("/data/")["Cache-Control"] == CACHE_CONTROL
    assert client.get("/data/log.schema.json")["Cache-Control"] == CACHE_CONTROL
    head = client.head("/data/log.json")
    assert head.status_code == 200 and head["Cache-Control"] == CACHE_CONTROL
    raw = client.get("/data/proclamations.csv").getvalue()
    assert raw.endswith(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf")
    assert "Proclamation in ota." in raw.decode("utf-8")


def test_unknown_datasets_and_formats_are_404_saying_why(db: None, client: Client) -> None:
    for url, words in [
        ("/data/atlantis.json", ["no dataset named &#x27;atlantis&#x27;", "offers, notes"]),
        ("/data/atlantis.schema.json", ["no dataset named &#x27;atlantis&#x27;"]),
        ("/data/offers.xml", ["no format &#x27;xml&#x27;", "/data/offers.json"]),
        ("/data/offers.JSON", ["no format &#x27;JSON&#x27;"]),
        ("/data/offers", ["Say which format", "/data/offers.csv"]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert all(w in body for w in words), (url, body)
        assert "Cache-Control" not in response or "max-age=60" not in response["Cache-Control"]
    assert client.post("/data/offers.json").status_code == 405


def test_the_page_lists_every_dataset_with_its_schema(loaded: Situation, client: Client) -> None:
    page = _get(client, "/data/").content.decode()
    assert '<html lang="en" dir="ltr">' in page and "<script" not in page
    for dataset in DATASETS:
        for address in [f"/data/{dataset.name}.json", f"/data/{dataset.name}.csv",
                        f"/data/{dataset.name}.schema.json"]:
            assert f'href="{address}"' in page
        assert f'<section id="{dataset.name}"' in page
        for column in dataset.columns:
            assert f'<code dir="ltr">{column.name}</code>' in page
    nationalities = re.search(r'<tr id="row-nationalities">.*?<td>(\d+) rows</td>', page, re.S)
    assert nationalities and int(nationalities.group(1)) == 3
    # Every page leads to it (the site's navigation).
    assert '<a href="/data/">Open data</a>' in _get(client, "/").content.decode()


def test_the_schema_is_one_registry_and_the_docs_are_derived_from_it() -> None:
    assert set(BY_NAME) == set(rows.SOURCES), "every dataset needs its rows, and only those"
    assert [d.name for d in DATASETS] == list(BY_NAME)
    assert BY_NAME["treaties"].column_names[:len(CSV_COLUMNS)] == CSV_COLUMNS
    text = DOCS.read_text(encoding="utf-8")
    assert docs_with_reference(text) == text, (
        "docs/open-data.md is out of date: run "
        "`.venv/bin/python -m openpeace.publicity.opendata.schema docs/open-data.md`")
    for dataset in DATASETS:
        schema = json_schema(dataset)
        jsonschema_rs.Draft202012Validator(schema)  # a valid schema
        assert schema["$defs"]["row"]["required"] == dataset.column_names
        assert len(set(dataset.column_names)) == len(dataset.columns), dataset.name


def test_an_empty_register_gives_empty_valid_files(db: None, client: Client) -> None:
    for dataset in DATASETS:
        document = _json(client, dataset.name)
        jsonschema_rs.Draft202012Validator(json_schema(dataset)).validate(document)
        assert document["rows"] == [] and _csv(client, dataset.name) == [dataset.column_names]


@pytest.mark.browser
def test_the_page_has_no_accessibility_violation(
    transactional_db: None, live_server: Any, world: dict[str, Any], page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.conftest import WCAG_AA

    page.goto(f"{live_server.url}/data/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    results = Axe().run(page, options=WCAG_AA)
    assert len(results.response["passes"]) > 10
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Nationalities", exact=True).last.click()
    assert page.url.endswith("/data/#nationalities")


def test_the_writers_stream_in_bounded_chunks() -> None:
    """Rows are pulled one at a time and written out in chunks of about 64 KiB, so a file of
    any length needs the memory of one chunk (150,000 log entries stream in about 3 MB)."""
    dataset = BY_NAME["log"]
    pulled = 0

    def entries(n: int) -> Any:
        nonlocal pulled
        for i in range(n):
            pulled += 1
            yield {"index": i, "kind": "offer.released", "subject": f"offer:o-{i}",
                   "recorded_at": dt.datetime(1917, 11, 8, tzinfo=dt.UTC),
                   "entry_url": f"https://x.org/log/entries/{i}", "body_url": "https://x.org/b",
                   "proof_url": "https://x.org/p"}

    chunks = render.csv_chunks(dataset, entries(20_000))
    first = next(chunks)
    assert render.CHUNK <= len(first) < render.CHUNK + 1_000 and pulled < 1_000
    rest = list(chunks)
    assert len(rest) > 10 and all(len(c) < render.CHUNK + 1_000 for c in rest)
    table = list(csv.reader(io.StringIO((first + b"".join(rest)).decode(), newline="")))
    assert table[0] == dataset.column_names and len(table) == 20_001
    at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    parts = list(render.json_chunks(dataset, entries(20_000), schema_url="https://x.org/s",
                                    generated_at=at))
    assert len(parts) > 10 and max(len(p) for p in parts) < render.CHUNK + 1_000
    document = json.loads(b"".join(parts))
    jsonschema_rs.Draft202012Validator(json_schema(dataset), validate_formats=True).validate(
        document)
    assert len(document["rows"]) == 20_000
