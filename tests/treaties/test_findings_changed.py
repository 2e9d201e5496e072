"""A public treaty's clauses judged again: every change to their findings is logged with its
cause, in the transaction that changed them; a secret draft's change is not public."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from openpeace.log import keys
from openpeace.log.models import Entry
from openpeace.log.publish import log_publish
from openpeace.log.services import log_integrate
from openpeace.publicity.feeds.acts import describe
from openpeace.publicity.feeds.register import Register
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.services import decision_record
from openpeace.treaties import services
from openpeace.treaties.models import Clause, Treaty
from openpeace.treaties.services import (
    clauses_rejudge,
    treaty_clauses_refresh,
    treaty_repudiate,
)
from openpeace.verify import verify_main
from openpeace.world.models import Nationality, State

CHANGED = "treaty.findings_changed"


def _decide(nationality: str, joins: str | None) -> Decision:
    """A plebiscite's result on 1 December 1917 (Erzurum, the Armenians' territory, is occupied
    by Russia then: their decision is not free), recorded the next day."""
    return decision_record(
        nationality=Nationality.objects.get(key=nationality),
        joins=State.objects.get(key=joins) if joins else None, via="plebiscite",
        taken_on=dt.date(1917, 12, 1), source="The count of the commission",
        at=dt.datetime(1917, 12, 2, 12, tzinfo=dt.UTC),
    )


def _rules(code: str) -> list[str]:
    return [f["rule"] for f in Clause.objects.get(code=code).findings]


def _logged() -> list[dict[str, Any]]:
    return [json.loads(bytes(e.body)) for e in Entry.objects.filter(kind=CHANGED).order_by("pk")]


@pytest.mark.parametrize("repudiated", [False, True])
def test_a_decision_logs_a_public_treatys_changed_findings_with_it(
    published: Treaty, repudiated: bool
) -> None:
    if repudiated:  # still public: its page shows the findings
        treaty_repudiate(treaty=published, statement="Annulled.", on=dt.date(1917, 11, 23),
                         by=State.objects.get(key="russia"))
    assert _rules("art-1") == ["annexation.no_decision"]
    decision = _decide("armenians", "russia")
    assert _rules("art-1") == ["annexation.decision_not_free"]
    [logged] = _logged()
    assert (logged["kind"], logged["subject"]) == (CHANGED, "treaty:straits-pact")
    assert logged["content"] == {
        "treaty": "straits-pact",
        "clauses": [{"id": "art-1", "findings": ["annexation.decision_not_free"],
                     "previous": ["annexation.no_decision"]}],
        "why": "decision recorded",
        "decision": {"nationality": "armenians", "choice": "join", "joins": "russia",
                     "taken_on": "1917-12-01", "free": False},
    }
    # Sequenced right after the decision's own entry, in its transaction, at its time.
    after = Entry.objects.filter(pk__gt=decision.entry.pk).order_by("pk")
    assert [(e.kind, e.recorded_at) for e in after] == [(CHANGED, decision.entry.recorded_at)]


def test_a_failed_decision_leaves_neither_the_findings_nor_the_entry(published: Treaty) -> None:
    with pytest.raises(RuntimeError, match="after the decision"), transaction.atomic():
        _decide("armenians", "russia")
        assert _rules("art-1") == ["annexation.decision_not_free"] and _logged()
        raise RuntimeError("the decision's transaction fails after the decision")
    assert _rules("art-1") == ["annexation.no_decision"]
    assert not Decision.objects.exists() and _logged() == []


def test_a_secret_drafts_findings_change_without_an_entry(secret: dict[str, Treaty]) -> None:
    _decide("armenians", "russia")
    assert _rules("art-1") == ["annexation.decision_not_free"]  # judged again all the same
    assert _logged() == []


def test_no_change_no_entry(published: Treaty) -> None:
    """The Finns' decision touches no clause of the Straits Pact; nor does judging again."""
    before = list(Clause.objects.order_by("pk").values_list("findings", flat=True))
    _decide("finns", None)
    assert clauses_rejudge() == 0
    assert list(Clause.objects.order_by("pk").values_list("findings", flat=True)) == before
    assert _logged() == []


def test_the_command_logs_what_it_changed_as_rejudged_by_command(published: Treaty) -> None:
    """Stale findings (a row written before the register changed) put right from the CLI."""
    Clause.objects.filter(code="art-1").update(findings=[], flagged=False)
    out = StringIO()
    call_command("treaties", "rejudge", stdout=out)
    assert out.getvalue() == "1 clause(s) changed their findings\n"
    assert Clause.objects.get(code="art-1").flagged
    [logged] = _logged()
    assert logged["content"] == {
        "treaty": "straits-pact",
        "clauses": [{"id": "art-1", "findings": ["annexation.no_decision"], "previous": []}],
        "why": "rejudged by command", "decision": None,
    }
    call_command("treaties", "rejudge", stdout=out)  # nothing left to change: nothing logged
    assert len(_logged()) == 1


@pytest.fixture
def log_key(settings: Any, tmp_path: Path) -> Any:
    settings.DATA_DIR = tmp_path / "data"
    keys.signer.cache_clear()
    yield keys.verifier()
    keys.signer.cache_clear()


def test_the_page_feeds_and_verifier_read_the_change(
    published: Treaty, log_key: Any, client: Client, tmp_path: Path
) -> None:
    page = client.get("/treaties/straits-pact/").content.decode()
    assert "last changed" not in page
    _decide("armenians", "russia")
    log_integrate()
    entry = Entry.objects.get(kind=CHANGED)
    page = client.get("/treaties/straits-pact/").content.decode()
    assert "annexation.decision_not_free" in page and "annexation.no_decision" not in page
    assert "Findings on its clauses last changed on 2 December 1917, 12:00 UTC" in page
    assert f'href="/log/entries/{entry.index}"' in page

    act = describe(entry, Register())
    assert act.title.text == (
        "Findings on the clauses changed: Secret pact on the Straits and Erzurum")
    assert act.summary.text == (
        "The clauses were judged again after the decision of the Armenians taken on "
        "1 December 1917. Clause art-1: annexation.decision_not_free (before: "
        "annexation.no_decision).")
    assert [p.path for p in act.pages] == ["/treaties/straits-pact/"]
    french = client.get("/feeds/states/france.atom").content.decode()  # a party's feed
    assert "Findings on the clauses changed" in french

    log_publish(tmp_path / "log")
    out, err = StringIO(), StringIO()
    assert verify_main([str(tmp_path / "log"), "--key", log_key.to_vkey(),
                        "--state", str(tmp_path / "state")], out, err) == 0, err.getvalue()


def _recode(kind: str) -> None:
    """Officials code art-1 again (as the admin's clause inline saves it) and refresh it."""
    Clause.objects.filter(code="art-1").update(kind=kind)
    treaty_clauses_refresh(Treaty.objects.get(key="straits-pact"))


def test_refreshing_a_public_treatys_clauses_logs_the_change_it_makes(
    published: Treaty,
) -> None:
    """The admin offers the refresh for secret treaties only; the service itself must not let a
    public treaty's findings differ from what its log says, whoever calls it."""
    _recode("by_agreement")
    assert _rules("art-1") == ["annexation.by_agreement"]
    [logged] = _logged()
    assert (logged["kind"], logged["subject"]) == (CHANGED, "treaty:straits-pact")
    assert logged["content"] == {
        "treaty": "straits-pact",
        "clauses": [{"id": "art-1", "findings": ["annexation.by_agreement"],
                     "previous": ["annexation.no_decision"]}],
        "why": "rejudged by command", "decision": None,
    }
    treaty_clauses_refresh(published)  # nothing changes again: nothing more is logged
    assert len(_logged()) == 1


def test_refreshing_a_secret_drafts_clauses_logs_nothing(secret: dict[str, Treaty]) -> None:
    _recode("by_agreement")
    assert _rules("art-1") == ["annexation.by_agreement"] and _logged() == []


def test_a_refresh_whose_entry_fails_leaves_the_findings_as_they_were(
    published: Treaty, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings and their entry are written in one transaction, or neither is."""
    def fail(**kwargs: object) -> None:
        raise RuntimeError("the log cannot be written")

    monkeypatch.setattr(services, "entry_append", fail)
    with pytest.raises(RuntimeError, match="the log cannot be written"):
        _recode("by_agreement")
    assert _rules("art-1") == ["annexation.no_decision"]
    assert Clause.objects.get(code="art-1").flagged and _logged() == []
