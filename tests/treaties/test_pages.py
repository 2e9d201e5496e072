"""The treaties' pages, exports and CLI: public treaties only, bad input a message, never a 500."""

from __future__ import annotations

import csv
import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from openpeace.core.documents import schema_problems
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.treaties.export import CSV_COLUMNS, EXPORT_FORMAT
from openpeace.treaties.models import Treaty
from tests.html import dangling, described


def test_the_register_lists_public_treaties_with_their_flags(published: Treaty,
                                                             client: Client) -> None:
    page = client.get("/treaties/").content.decode()
    assert "Straits Pact" in page and "Finnish Note" not in page
    assert "promised" in page


@pytest.mark.parametrize("query,message", [
    ("?signed_from=1915-02-30", "1915-02-30 is not a date: give it as YYYY-MM-DD."),
    ("?party=atlantis", "Select a valid choice"),
    ("?party=germany", "Select a valid choice"),  # a party of a secret treaty only
    ("?clause_type=conquest", "Select a valid choice"),
])
def test_bad_filters_get_a_message_on_the_form(published: Treaty, client: Client, query: str,
                                               message: str) -> None:
    answer = client.get(f"/treaties/{query}")
    assert answer.status_code == 400 and message in answer.content.decode()


@pytest.mark.parametrize("url,fields", [
    ("/treaties/?signed_from=notadate&status=bogus", ["signed_from", "status"]),
    ("/treaties/search/?signed_from=notadate", ["signed_from"]),
    ("/treaties/search/?q=%22unclosed", ["q"]),
    ("/treaties/?signed_from=1918-01-01&signed_to=1915-01-01", ["signed_to"]),
    ("/treaties/search/?q=x&signed_from=1918-01-01&signed_to=1915-01-01", ["signed_to"]),
])
def test_a_refusal_is_said_at_its_field(published: Treaty, client: Client, url: str,
                                        fields: list[str]) -> None:
    """Each refused field is marked invalid and described by its message, an element that
    exists; what was typed stays in it; no result is shown."""
    answer = client.get(url)
    page = answer.content.decode()
    assert answer.status_code == 400 and dangling(page) == []
    for field in fields:
        assert f"id_{field}_error" in described(page, f"id_{field}"), field
        assert re.search(rf'<[^>]* aria-invalid="true"[^>]* id="id_{field}"', page), field
        assert re.search(rf'<strong class="error" id="id_{field}_error">[^<]+</strong>', page)
    assert "results</h2>" not in page and "result</h2>" not in page
    if "signed_from=notadate" in url:
        assert re.search(r'<input type="text" name="signed_from" value="notadate"', page)


def test_a_range_of_dates_that_ends_before_it_begins_is_refused(published: Treaty,
                                                                client: Client) -> None:
    """Answering it with "0 results" would say that no treaty was signed then."""
    query = {"q": "Erzurum", "signed_from": "1918-01-01", "signed_to": "1915-01-01"}
    page = client.get("/treaties/search/", query).content.decode()
    assert ("1915-01-01 is before 1918-01-01, the day the range starts: give a day on or "
            "after it") in page
    assert "0 results" not in page
    same_day = {**query, "signed_from": "1915-03-04", "signed_to": "1915-03-04"}
    assert client.get("/treaties/search/", same_day).status_code == 200


def test_the_treaty_page(published: Treaty, client: Client) -> None:
    log_integrate()
    page = client.get("/treaties/straits-pact/").content.decode()
    assert '<article id="text-ru" lang="ru" dir="ltr"' in page
    assert "annexation.no_decision" in page and "a promise of annexation" in page
    # findings and clauses say names (isolated), where the stored findings keep keys
    said = re.sub(r"\s+", " ", page)
    assert ("Clause art-1 gives <bdi>Vilayet of Erzurum</bdi> to <bdi>Russia</bdi>: without a "
            "free decision of the <bdi>Armenians</bdi>, this is an annexation.") in said
    assert "to: <bdi>Russia</bdi>." in said and "gives erzurum to russia" not in said
    assert '<time datetime="1915-04-10">10 April 1915</time>' in said
    assert "every nationality without any exception" in page
    assert 'href="/log/entries/1"' in page and 'href="/log/entries/1.tlog-proof"' in page


def test_a_secret_treaty_has_no_page(published: Treaty, client: Client) -> None:
    assert client.get("/treaties/finnish-note/").status_code == 404


def test_search_page(published: Treaty, client: Client) -> None:
    page = client.get("/treaties/search/", {"q": "Erzurum"}).content.decode()
    assert "<mark>Erzurum</mark>" in page and "2 results" in page
    refused = client.get("/treaties/search/", {"q": "(Erzurum"})
    assert refused.status_code == 400
    assert "the parenthesis opened at character 1 is never closed" in refused.content.decode()
    assert "0 results" in client.get("/treaties/search/", {"q": "Anleihe"}).content.decode()


def test_snippets_are_escaped_before_they_are_marked(published: Treaty, client: Client) -> None:
    published.clauses.filter(code="art-3").update(
        description="<b onmouseover=alert(1)>Geheimhaltung</b> of the pact")
    from openpeace.treaties.services import treaty_clauses_refresh

    treaty_clauses_refresh(published)
    page = client.get("/treaties/search/", {"q": "Geheimhaltung"}).content.decode()
    # PostgreSQL's headline drops parts of what its parser takes for tags; FTS5 keeps them all.
    # Either way, nothing of the text reaches the page unescaped.
    assert "<b onmouseover" not in page and "alert(1)>" not in page
    assert "alert(1)&gt;<mark>Geheimhaltung</mark>" in page


def test_the_csv_export_follows_pa_x_then_our_columns(published: Treaty, client: Client) -> None:
    answer = client.get("/treaties/export.csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert list(rows[0]) == CSV_COLUMNS and CSV_COLUMNS[:3] == ["AgtId", "Agt", "Dat"]
    [row] = rows
    assert (row["AgtId"], row["Dat"], row["status"]) == ("straits-pact", "1915-04-10",
                                                         "published")
    assert row["flagged_clauses"] == "2" and "erzurum>russia" in row["flagged_territories"]
    assert row["annexation_findings"].startswith("art-1: clause art-1 gives erzurum to russia")


def test_the_json_export(published: Treaty, client: Client, tmp_path: Path) -> None:
    document = client.get("/treaties/export.json").json()
    assert list(schema_problems(document, "openpeace.treaties",
                                "treaties-export.schema.json")) == []
    assert document["format"] == EXPORT_FORMAT
    [treaty] = document["treaties"]
    assert treaty["key"] == "straits-pact" and treaty["clauses"][0]["flagged"]
    out = tmp_path / "export.json"
    call_command("treaties", "export", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == document


def test_the_cli_publishes_and_repudiates_with_clear_errors(published: Treaty,
                                                            tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no treaty with key 'nope'"):
        call_command("treaties", "publish", "nope")
    with pytest.raises(CommandError, match="already published"):
        call_command("treaties", "publish", "straits-pact")
    statement = tmp_path / "statement.txt"
    statement.write_text("Annulled in full.", encoding="utf-8")
    with pytest.raises(CommandError, match="must be published before"):
        call_command("treaties", "repudiate", "finnish-note", "--statement-file", str(statement),
                     "--on", "1917-11-23")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("treaties", "repudiate", "straits-pact", "--statement-file",
                     str(statement), "--on", "23/11/1917")
    for by, on, message in [
        ("germany", "1917-11-25", "Germany \\(germany\\) is not a party to 'straits-pact'"),
        ("russia", "2999-12-31", "2999-12-31 is in the future"),
        ("russia", "1917-11-22", "cannot be repudiated on 1917-11-22, before it was published"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("treaties", "repudiate", "straits-pact", "--statement-file",
                         str(statement), "--by", by, "--on", on)
        assert Treaty.objects.get(key="straits-pact").status == "published"
        assert not Entry.objects.filter(kind="treaty.repudiated").exists()
    out = StringIO()
    call_command("treaties", "repudiate", "straits-pact", "--statement-file", str(statement),
                 "--on", "1917-11-23", stdout=out)
    assert Treaty.objects.get(key="straits-pact").status == "repudiated"


def test_the_export_schema_can_fail(published: Treaty, client: Client) -> None:
    document = client.get("/treaties/export.json").json()
    document["treaties"][0]["status"] = "secret"
    del document["treaties"][0]["clauses"][0]["findings"][0]["quotes"]
    problems = {p.path for p in schema_problems(document, "openpeace.treaties",
                                                "treaties-export.schema.json")}
    assert problems == {"treaties[0].status", "treaties[0].clauses[0].findings[0]"}
