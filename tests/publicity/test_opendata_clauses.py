"""The clauses dataset links each clause to the log entry that set the findings it shows: its
treaty's publication, until a `treaty.findings_changed` entry names the clause."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client

from openpeace.core.situation import Situation
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.selfdetermination.services import decision_record
from openpeace.treaties.models import Clause, Treaty
from openpeace.treaties.services import clauses_rejudge, treaty_publish
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.models import Nationality, State
from tests.treaties.conftest import MINI_TREATIES, PUBLISHED_1917

CHANGED = "treaty.findings_changed"


def _clauses(client: Client) -> dict[str, dict[str, Any]]:
    answer = client.get("/data/clauses.json")
    assert answer.status_code == 200
    return {row["id"]: row for row in json.loads(answer.getvalue())["rows"]}


def _stale_then_rejudged(code: str) -> Entry:
    """Findings written around the services (a row from before the register changed), put
    right by `openpeace treaties rejudge`: its entry names this clause alone."""
    Clause.objects.filter(code=code).update(findings=[], flagged=False)
    assert clauses_rejudge() == 1
    return Entry.objects.filter(kind=CHANGED).latest("pk")


def test_each_clause_links_the_entry_that_set_its_current_findings(
    loaded: Situation, client: Client
) -> None:
    treaties_import(MINI_TREATIES)
    publication = treaty_publish(treaty=Treaty.objects.get(key="straits-pact"),
                                 at=PUBLISHED_1917)
    decision = decision_record(  # not free under Russia's occupation: art-1's findings change
        nationality=Nationality.objects.get(key="armenians"),
        joins=State.objects.get(key="russia"), via="plebiscite",
        taken_on=dt.date(1917, 12, 1), source="The count of the commission",
        at=dt.datetime(1917, 12, 2, 12, tzinfo=dt.UTC))
    art_1 = Entry.objects.get(kind=CHANGED, pk__gt=decision.entry.pk)
    art_2 = _stale_then_rejudged("art-2")  # the treaty's latest change, naming art-2 only
    log_integrate()
    for entry in (publication, art_1, art_2):
        entry.refresh_from_db()
    rows = _clauses(client)
    assert {code: row["log_index"] for code, row in rows.items()} == {
        "art-1": art_1.index, "art-2": art_2.index, "art-3": publication.index}
    assert len({art_1.index, art_2.index, publication.index}) == 3
    assert rows["art-1"]["log_entry_url"].endswith(f"/log/entries/{art_1.index}")
    assert [f["rule"] for f in rows["art-1"]["findings"]] == ["annexation.decision_not_free"]
    logged = json.loads(bytes(art_1.body))["content"]["clauses"]
    assert logged == [{"id": "art-1", "findings": ["annexation.decision_not_free"],
                       "previous": ["annexation.no_decision"]}]

    _stale_then_rejudged("art-1")  # changed again, not yet in the log: as the page says it
    rows = _clauses(client)
    assert (rows["art-1"]["log_index"], rows["art-1"]["log_entry_url"]) == (None, None)
    assert rows["art-2"]["log_index"] == art_2.index
