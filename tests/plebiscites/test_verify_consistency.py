"""`openpeace plebiscite verify` on the log of plebiscites run through the real services, some
with the database altered behind the services' back (spec §13.4): a record that verifies on its
own but is not the plebiscite that was published fails, naming the entries that disagree.

The audit's case is the first: after `plebiscite.credentials_published` (one credential), the
operator adds a credential to the stored list; the key ceremony fixes two, the added one votes,
the result becomes the nationality's decision, and the record alone verifies."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import hex32
from openpeace.core.plebiscite.record import verify_record
from openpeace.log import keys
from openpeace.log.publish import log_publish
from openpeace.log.services import log_integrate
from openpeace.plebiscites import models as m
from openpeace.plebiscites import services
from openpeace.plebiscites.demo import Trustees
from openpeace.plebiscites.selectors import election_of, record_of
from openpeace.selfdetermination.models import Decision
from openpeace.verify import plebiscite_verify_main
from openpeace.world.models import Language
from tests.plebiscites.conftest import Called, Running, call
from tests.plebiscites.test_commands import auditor

NAMES = ["Trustee A", "Trustee B", "Trustee C"]


def ceremony(called: Called, *, substitute: int | None = None) -> Running:
    """The key ceremony as `demo.key_ceremony` plays it; with `substitute`, the operator
    replaces that trustee's stored dealing (commitments and proofs) by one of its own, valid
    but not the one the trustee posted, before the commission records the ceremony."""
    plebiscite = called.plebiscite
    commission = plebiscite.commission
    shape = core.Ceremony(plebiscite.election_id, plebiscite.threshold, plebiscite.trustees)
    appointed: dict[int, services.IssuedTrustee] = {}
    shares: list[core.Share] = []
    for name in NAMES:
        issued = services.trustee_appoint(commission=commission, plebiscite=plebiscite, name=name)
        dealing, dealt = core.deal(shape, issued.trustee.index)
        services.dealing_submit(trustee=issued.trustee, plebiscite=plebiscite, dealing=dealing)
        appointed[issued.trustee.index] = issued
        shares += dealt.values()
    if substitute is not None:
        forged, dealt = core.deal(shape, substitute)
        shares = [s for s in shares if s.dealer != substitute] + list(dealt.values())
        m.Dealing.objects.filter(trustee=appointed[substitute].trustee).update(
            **{k: v for k, v in forged.to_json().items() if k != "trustee"})
    plebiscite = services.plebiscite_ceremony_record(commission=commission, plebiscite=plebiscite)
    qualified = [t.dealing for t in election_of(plebiscite).parameters.trustees]
    trustee_keys = {i: core.trustee_key(i, qualified, shares) for i in appointed}
    return Running(plebiscite, called.token, called.credentials,
                   Trustees(appointed, trustee_keys),
                   plebiscite.opens_at + (plebiscite.closes_at - plebiscite.opens_at) / 2)


def verify_from_log(tmp_path: Path, plebiscite: m.Plebiscite) -> tuple[int, str, str]:
    """Integrate and publish the log, then run `openpeace plebiscite verify` on the copy."""
    log_integrate()
    directory = tmp_path / "log"
    log_publish(directory)
    out, err = StringIO(), StringIO()
    code = plebiscite_verify_main([str(directory), "--key", keys.verifier().to_vkey(),
                                   "--election", plebiscite.election_id], out, err)
    return code, out.getvalue(), err.getvalue()


def entry_index(plebiscite: m.Plebiscite, kind: str) -> int:
    from openpeace.log.models import Entry

    index = (Entry.objects.filter(kind=f"plebiscite.{kind}",
                                  subject=f"plebiscite:{plebiscite.election_id}")
             .values_list("index", flat=True).get())
    assert index is not None
    return int(index)


def test_an_honest_plebiscite_and_its_decision_verify_from_the_log(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    running = ceremony(call("finns", ["russia"], voters=3))
    for voter, choice in enumerate([0, 0, 1]):
        running.cast(voter, choice)
    plebiscite = running.finish()
    assert plebiscite.decision is not None
    code, out, err = verify_from_log(tmp_path, plebiscite)
    assert code == 0, err
    assert "The record verifies: 3 ballots on the board" in out


def test_a_credential_added_in_the_database_after_publication_is_named(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    """The audit's case, step by step."""
    called = call("finns", ["russia"], voters=1)
    stuffed_private, (stuffed,) = core.issue(1)
    plebiscite = called.plebiscite
    plebiscite.refresh_from_db()
    assert len(plebiscite.credentials) == 1
    m.Plebiscite.objects.filter(pk=plebiscite.pk).update(
        credentials=sorted([*plebiscite.credentials, hex32(stuffed)]))
    running = ceremony(called)
    assert len(running.election.parameters.credentials) == 2
    running.credentials.append(stuffed_private[0])
    running.cast(1, 1)  # the added credential votes to join Russia
    plebiscite = running.finish()
    assert plebiscite.decision is not None and plebiscite.decision.joins is not None
    record = record_of(plebiscite)
    assert record is not None
    assert verify_record(record.to_bytes()).ok  # alone, the stuffed record verifies: the hole

    code, out, err = verify_from_log(tmp_path, plebiscite)
    assert code == 1, out
    ceremony_at = entry_index(plebiscite, "key_ceremony")
    published_at = entry_index(plebiscite, "credentials_published")
    assert (f"log entry {ceremony_at} (plebiscite.key_ceremony): its parameters hold 2 "
            f"credentials, not the 1 log entry {published_at} "
            f"(plebiscite.credentials_published) published; 1 never published "
            f"({hex32(stuffed)})") in err
    assert err.startswith("The record does NOT verify:")
    # The same, as an outsider runs it: the installed command, without Django or a database.
    outsider = auditor("plebiscite", "verify", str(tmp_path / "log"), "--key",
                       keys.verifier().to_vkey(), "--election", plebiscite.election_id)
    assert outsider.returncode == 1 and outsider.stderr == err


@pytest.mark.parametrize(("field", "says"), [
    ("question", "the question in its parameters is not the one log entry {created}"),
    ("options", "the options in its parameters are not those log entry {created} "
                "(plebiscite.created) published: option 1 is"),
])
def test_a_question_or_option_changed_in_the_database_is_named(
    loaded: object, log_key: None, tmp_path: Path, field: str, says: str,
) -> None:
    called = call("finns", ["russia"])
    plebiscite = called.plebiscite
    if field == "question":
        change: dict[str, Any] = {"question": "Do you wish to join Russia?"}
    else:
        options = [dict(o) for o in plebiscite.options]
        options[1]["label"] = "to stay with Russia, as before"
        change = {"options": options}
    m.Plebiscite.objects.filter(pk=plebiscite.pk).update(**change)
    running = ceremony(called)
    code, _, err = verify_from_log(tmp_path, running.plebiscite)
    assert code == 1
    ceremony_at = entry_index(running.plebiscite, "key_ceremony")
    assert (f"log entry {ceremony_at} (plebiscite.key_ceremony): "
            + says.format(created=entry_index(running.plebiscite, "created"))) in err, err


def test_a_trustees_dealing_substituted_in_the_database_is_named(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    """The operator swaps trustee 2's stored dealing for a valid one of its own: the ceremony
    qualifies it, the parameters carry commitments trustee 2 never posted."""
    running = ceremony(call("finns", ["russia"]), substitute=2)
    assert [t.index for t in running.election.parameters.trustees] == [1, 2, 3]
    code, _, err = verify_from_log(tmp_path, running.plebiscite)
    assert code == 1
    assert ("(plebiscite.key_ceremony): trustee 2's commitments in its parameters are not "
            "those of its own dealing, log entry ") in err, err
    assert "trustee 1's" not in err and "trustee 3's" not in err


def test_a_decision_that_is_not_the_results_outcome_is_named(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    """The operator swaps the states the options join in the database before the result:
    the voters chose a separate state, the decision recorded says they joined Russia."""
    running = ceremony(call("finns", ["russia"], voters=3))
    for voter in range(3):
        running.cast(voter, 0)
    m.Plebiscite.objects.filter(pk=running.plebiscite.pk).update(joins=["russia", None])
    plebiscite = running.finish()
    decision = Decision.objects.get(pk=plebiscite.decision_id)
    assert decision.joins is not None and decision.joins.key == "russia"
    code, _, err = verify_from_log(tmp_path, plebiscite)
    assert code == 1
    assert (f"(decision.recorded): states joining 'russia', but the result, log entry "
            f"{entry_index(plebiscite, 'result')}, decides for a separate state") in err, err


def test_a_voting_period_changed_in_the_database_is_named(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    """The context the parameters hash (the voting period among it) is the one published."""
    called = call("finns", ["russia"])
    m.Plebiscite.objects.filter(pk=called.plebiscite.pk).update(
        closes_at=called.plebiscite.closes_at + dt.timedelta(days=30))
    running = ceremony(called)
    code, _, err = verify_from_log(tmp_path, running.plebiscite)
    assert code == 1
    assert "the closes_at in its parameters' context is" in err, err


def test_a_question_s_language_changed_in_the_database_is_named(
    loaded: object, log_key: None, tmp_path: Path,
) -> None:
    """The parameters say the question is in the language `plebiscite.created` published."""
    called = call("finns", ["russia"])
    m.Plebiscite.objects.filter(pk=called.plebiscite.pk).update(
        language=Language.objects.get(tag="ru"))
    running = ceremony(called)
    code, _, err = verify_from_log(tmp_path, running.plebiscite)
    assert code == 1
    created = entry_index(running.plebiscite, "created")
    assert (f"log entry {entry_index(running.plebiscite, 'key_ceremony')} "
            f"(plebiscite.key_ceremony): the language in its parameters' context is 'ru', log "
            f"entry {created} (plebiscite.created) published 'fi'") in err, err
