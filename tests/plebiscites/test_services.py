"""The plebiscite service: each act through the core, logged; refusals write nothing."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from openpeace.core import plebiscite as core
from openpeace.core.situation import Situation
from openpeace.log.models import Entry
from openpeace.plebiscites import services
from openpeace.plebiscites.models import CastBallot, Ciphertext, Plebiscite
from openpeace.plebiscites.selectors import record_of
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.services import commission_issue
from openpeace.world.models import Nationality, State
from tests.plebiscites.conftest import CLOSES, OPENS, Running, start


def state() -> tuple[int, int, int]:
    return Entry.objects.count(), CastBallot.objects.count(), Ciphertext.objects.count()


def kinds() -> list[str]:
    return list(Entry.objects.filter(kind__startswith="plebiscite.").order_by("pk")
                .values_list("kind", flat=True))


def test_every_act_is_logged_and_the_result_becomes_a_free_decision(finns: Running) -> None:
    finns.cast(0, 0)
    finns.cast(1, 0)
    finns.cast(2, 1)
    plebiscite = finns.finish()
    assert plebiscite.result == {"counts": [2, 1], "ballots": 3}
    assert kinds() == [
        "plebiscite.created", "plebiscite.credentials_published",
        *["plebiscite.trustee_appointed", "plebiscite.dealing"] * 3, "plebiscite.key_ceremony",
        "plebiscite.ballot_cast", "plebiscite.ballot_cast", "plebiscite.ballot_cast",
        "plebiscite.voting_closed", "plebiscite.decryption", "plebiscite.decryption",
        "plebiscite.result",
    ]
    decision = plebiscite.decision
    assert decision is not None and decision.free and decision.via == "plebiscite"
    assert decision.destination == "separate_state" and decision.taken_on == CLOSES.date()
    report = core.verify_record(record_of(plebiscite).to_bytes())  # type: ignore[union-attr]
    assert report.ok, report.failures


def test_every_act_of_the_commission_names_it(finns: Running) -> None:
    finns.cast(0, 0)
    finns.finish()
    label = finns.plebiscite.commission.label
    acts = ["created", "credentials_published", "trustee_appointed", "key_ceremony",
            "voting_closed"]
    entries = Entry.objects.filter(kind__in=[f"plebiscite.{a}" for a in acts])
    assert sorted({e.kind for e in entries}) == sorted(f"plebiscite.{a}" for a in acts)
    assert {json.loads(bytes(e.body))["content"].get("commission") for e in entries} == {label}


def test_another_commission_of_the_nationality_cannot_close(finns: Running) -> None:
    other = commission_issue(nationality=finns.plebiscite.nationality, label="other").commission
    before = state()
    with pytest.raises(services.NotYourPlebiscite, match="called by 'finns commission'"):
        services.plebiscite_close(commission=other, plebiscite=finns.plebiscite, at=CLOSES)
    assert state() == before and Plebiscite.objects.get().status == "ready"


def test_a_result_under_occupation_is_recorded_not_free(armenians: Running) -> None:
    """The not-free rule: Erzurum is occupied by Russia during the voting."""
    armenians.cast(0, 1)
    plebiscite = armenians.finish()
    decision = plebiscite.decision
    assert decision is not None and not decision.free
    assert decision.destination == "russia"
    assert decision.under_occupation is not None
    assert decision.under_occupation.territory.key == "erzurum"


def test_an_occupation_ended_before_voting_leaves_the_decision_free(loaded: Situation) -> None:
    from openpeace.world.models import Occupation

    Occupation.objects.filter(territory__key="erzurum").update(ended_on=dt.date(1917, 12, 1))
    running = start("armenians", ["russia", "ottoman-empire"])
    running.cast(0, 0)
    decision = running.finish().decision
    assert decision is not None and decision.free


def test_an_occupation_ending_during_voting_still_makes_it_not_free(loaded: Situation) -> None:
    from openpeace.world.models import Occupation

    Occupation.objects.filter(territory__key="erzurum").update(ended_on=dt.date(1918, 1, 3))
    running = start("armenians", ["russia", "ottoman-empire"])
    running.cast(0, 0)
    decision = running.finish().decision
    assert decision is not None and not decision.free


def test_a_revote_replaces_the_earlier_ballot(finns: Running) -> None:
    finns.cast(0, 1)
    finns.cast(0, 0)  # the same voter changes her mind: the last counts
    finns.cast(1, 1)
    plebiscite = finns.finish()
    assert plebiscite.result == {"counts": [1, 1], "ballots": 2}
    assert plebiscite.tally is not None and plebiscite.tally["counted"] == [1, 2]


def test_a_result_contradicting_a_decision_of_the_same_day_is_still_published(
    loaded: Situation, client: Client
) -> None:
    """Three plebiscites of the Finns close on one day: two decide to join Russia, the third
    for a separate state. The register cannot hold both decisions of that day, so the third is
    not recorded as a decision, but its counts are published, logged and shown, with why."""
    first, second, third = (start("finns", ["russia"]) for _ in range(3))
    for running, choice in ((first, 1), (second, 1)):
        running.cast(0, choice)
        assert running.finish().decision is not None
    third.cast(0, 0)
    third.cast(1, 0)
    services.plebiscite_close(commission=third.plebiscite.commission, plebiscite=third.plebiscite,
                              at=CLOSES)
    third.plebiscite.refresh_from_db()
    from openpeace.plebiscites.selectors import board_of

    for index in (1, 2):
        _, partial = core.partial_decrypt(third.election, third.trustees.keys[index],
                                          board_of(third.plebiscite))
        response = client.post(f"/api/plebiscites/{third.plebiscite.pk}/decryptions",
                               json.dumps(partial.to_json()), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {third.token_of(index)}")
        assert response.status_code == 201, response.content
    assert response.json()["result"] == {"counts": [2, 0], "ballots": 2}
    assert response.json()["status"] == "decided"
    plebiscite = Plebiscite.objects.get(pk=third.plebiscite.pk)
    why = ("the finns already decided otherwise on 1918-01-10: decisions on one day contradict "
           "each other (russia and a separate state); record which decision stands, not both")
    assert plebiscite.decision is None and plebiscite.decision_withheld == why
    assert Decision.objects.count() == 2
    entry = Entry.objects.get(kind="plebiscite.result",
                              subject=f"plebiscite:{plebiscite.election_id}")
    content = json.loads(bytes(entry.body))["content"]
    assert content["result"] == {"counts": [2, 0], "ballots": 2}
    assert content["decided"] == "separate_state" and content["decision_withheld"] == why
    page = client.get(f"/plebiscites/{plebiscite.pk}/").content.decode()
    assert "Not recorded as the nationality's decision:" in page
    assert "the finns already decided otherwise on 1918-01-10" in page and "<td>2</td>" in page
    report = core.verify_record(record_of(plebiscite).to_bytes())  # type: ignore[union-attr]
    assert report.ok and report.counts == (2, 0), report.failures
    first_entry = Entry.objects.get(kind="plebiscite.result",
                                    subject=f"plebiscite:{first.plebiscite.election_id}")
    assert json.loads(bytes(first_entry.body))["content"]["decision_withheld"] is None


def test_a_contradiction_is_found_even_behind_a_later_decision(loaded: Situation) -> None:
    """Results are recorded in the order of their decryptions, not of their days: a decision of
    10 January must be checked against every free decision of that day, not only against the
    latest one (20 January), or the register would hold two and refuse to be built."""
    from openpeace.selfdetermination.selectors import terms_register

    tenth = start("finns", ["russia"])
    twentieth = start("finns", ["russia"], closes=CLOSES + dt.timedelta(days=10))
    late = start("finns", ["russia"])
    for running, choice in ((tenth, 1), (twentieth, 0), (late, 0)):
        running.cast(0, choice)
        running.finish()
    assert late.plebiscite.decision is None
    assert "already decided otherwise on 1918-01-10" in late.plebiscite.decision_withheld
    assert Decision.objects.count() == 2
    register = terms_register()
    free = register.free_decision("finns")
    assert free is not None and free.taken_on == dt.date(1918, 1, 20)


def test_a_tie_is_published_but_decides_nothing(finns: Running) -> None:
    finns.cast(0, 0)
    finns.cast(1, 1)
    plebiscite = finns.finish()
    assert plebiscite.result == {"counts": [1, 1], "ballots": 2}
    assert plebiscite.decision is None and not Decision.objects.exists()


def test_any_two_of_three_trustees_give_the_result(finns: Running) -> None:
    finns.cast(0, 1)
    assert finns.finish(trustees=(3, 2)).result == {"counts": [0, 1], "ballots": 1}


@pytest.mark.parametrize("at, reason", [
    (OPENS - dt.timedelta(seconds=1), "voting opens at"),
    (CLOSES, "voting closed at"),
])
def test_a_ballot_outside_the_period_is_refused(finns: Running, at: dt.datetime,
                                                reason: str) -> None:
    before = state()
    with pytest.raises(services.PlebisciteRefused, match=reason):
        services.ballot_cast(plebiscite=finns.plebiscite, data=finns.ballot(0, 0), at=at)
    assert state() == before


def test_a_replayed_or_audited_ballot_is_refused(finns: Running) -> None:
    data = finns.ballot(0, 0)
    services.ballot_cast(plebiscite=finns.plebiscite, data=data, at=finns.during)
    before = state()
    with pytest.raises(services.PlebisciteRefused, match="reuses a ciphertext of ballot 0"):
        services.ballot_cast(plebiscite=finns.plebiscite, data=data, at=finns.during)
    prepared = core.encrypt_ballot(finns.election, finns.credentials[1], 1)
    services.ballot_audit(plebiscite=finns.plebiscite, audited=prepared.reveal(),
                          at=finns.during)
    with pytest.raises(services.PlebisciteRefused, match=r"audited \(audit 0\)"):
        services.ballot_cast(plebiscite=finns.plebiscite, data=prepared.data, at=finns.during)
    assert state()[1] == before[1]


def test_a_lying_audit_is_refused(finns: Running) -> None:
    prepared = core.encrypt_ballot(finns.election, finns.credentials[0], 0)
    lie = core.AuditedBallot(prepared.data, 1, prepared.randomness)
    with pytest.raises(services.PlebisciteRefused, match="the audit:"):
        services.ballot_audit(plebiscite=finns.plebiscite, audited=lie, at=finns.during)


def test_a_bad_decryption_is_refused_and_a_trustee_decrypts_once(finns: Running) -> None:
    finns.cast(0, 0)
    services.plebiscite_close(commission=finns.plebiscite.commission, plebiscite=finns.plebiscite,
                              at=CLOSES)
    from openpeace.plebiscites.selectors import board_of

    _, partial = core.partial_decrypt(finns.election, finns.trustees.keys[1],
                                      board_of(finns.plebiscite))
    forged = core.PartialDecryption(partial.trustee, partial.shares[::-1], partial.proofs)
    one = finns.trustee(1)
    with pytest.raises(services.PlebisciteRefused, match="trustee 1: the proof of decryption"):
        services.decryption_submit(trustee=one, plebiscite=finns.plebiscite, partial=forged)
    services.decryption_submit(trustee=one, plebiscite=finns.plebiscite, partial=partial)
    with pytest.raises(services.PlebisciteRefused, match="already decrypted"):
        services.decryption_submit(trustee=one, plebiscite=finns.plebiscite, partial=partial)
    assert Plebiscite.objects.get().result is None


def test_nothing_out_of_order(finns: Running) -> None:
    with pytest.raises(services.PlebisciteRefused, match="voting is open until"):
        services.plebiscite_close(commission=finns.plebiscite.commission,
                                  plebiscite=finns.plebiscite, at=finns.during)
    with pytest.raises(services.PlebisciteRefused, match="after the tally"):
        services.decryption_submit(trustee=finns.trustee(1), plebiscite=finns.plebiscite,
                                   partial=core.PartialDecryption(1, (), ()))
    with pytest.raises(services.PlebisciteRefused, match="recorded once"):
        services.plebiscite_ceremony_record(commission=finns.plebiscite.commission,
                                            plebiscite=finns.plebiscite)


def test_creation_rules(loaded: Situation) -> None:
    commission = commission_issue(nationality=Nationality.objects.get(key="armenians"),
                                  label="x").commission
    russia = State.objects.get(key="russia")
    entries = Entry.objects.count()
    args = {"commission": commission, "nationality": commission.nationality,
            "question": "Q?", "language": "hy", "opens_at": OPENS, "closes_at": CLOSES,
            "trustees": 3, "threshold": 2}
    with pytest.raises(services.PlebisciteRefused, match="add ottoman-empire"):
        services.plebiscite_create(joins=[russia], **args)  # type: ignore[arg-type]
    with pytest.raises(services.NotYourNationality):
        services.plebiscite_create(**{**args, "nationality": Nationality.objects.get(
            key="finns")}, joins=[russia])  # type: ignore[arg-type]
    with pytest.raises(services.PlebisciteRefused, match="close after it opens"):
        services.plebiscite_create(**{**args, "closes_at": OPENS},  # type: ignore[arg-type]
                                   joins=[russia, State.objects.get(key="ottoman-empire")])
    assert not Plebiscite.objects.exists() and Entry.objects.count() == entries


def _create(at: dt.datetime, opens: dt.datetime = OPENS, closes: dt.datetime = CLOSES,
            question: str = "A state of our own, or Russia?") -> Plebiscite:
    commission = commission_issue(nationality=Nationality.objects.get(key="finns"),
                                  label="x").commission
    return services.plebiscite_create(
        commission=commission, nationality=commission.nationality, question=question,
        language="fi", joins=[State.objects.get(key="russia")], opens_at=opens,
        closes_at=closes, trustees=3, threshold=2, at=at)


@pytest.mark.parametrize("at", [CLOSES, CLOSES + dt.timedelta(microseconds=1),
                                dt.datetime(2026, 1, 1, tzinfo=dt.UTC)])
def test_a_plebiscite_whose_vote_is_over_is_refused_and_writes_nothing(
    loaded: Situation, at: dt.datetime
) -> None:
    entries = Entry.objects.count()
    with pytest.raises(services.PlebisciteRefused, match=(
            r"the voting period closes at 1918-01-10T00:00:00\+00:00, and it is .* already: a "
            r"plebiscite is called before its vote is over")):
        _create(at=at)
    assert not Plebiscite.objects.exists() and Entry.objects.count() == entries


def test_a_plebiscite_is_called_by_the_time_of_its_act_not_the_clock(loaded: Situation) -> None:
    """The 1918 demo calls its plebiscites in 1918: one whose vote is still to come, or under
    way, then."""
    assert _create(at=CLOSES - dt.timedelta(microseconds=1)).status == "created"
    assert _create(at=OPENS - dt.timedelta(days=1)).status == "created"


@pytest.mark.parametrize(("opens", "day"), [
    (dt.datetime(1, 1, 1, tzinfo=dt.UTC), "00010101"),
    (dt.datetime(999, 12, 31, tzinfo=dt.UTC), "09991231"),
    (dt.datetime(1918, 1, 1, tzinfo=dt.UTC), "19180101"),
    (dt.datetime(9999, 12, 30, tzinfo=dt.UTC), "99991230"),
])
def test_an_election_id_writes_its_day_in_eight_digits(loaded: Situation, opens: dt.datetime,
                                                       day: str) -> None:
    plebiscite = _create(at=opens - dt.timedelta(days=1) if opens.year > 1 else opens,
                         opens=opens, closes=opens + dt.timedelta(days=1))
    assert plebiscite.election_id == f"finns-{day}-1"
    logged = json.loads(bytes(Entry.objects.get(kind="plebiscite.created").body))
    assert logged["subject"] == f"plebiscite:finns-{day}-1"


@pytest.mark.parametrize(("question", "message"), [
    ("\u200b\u200b", "the question cannot be blank: it has no visible character"),
    ("\u202e", "the question cannot be blank: it has no visible character"),
    ("Q?\u0001", "the question cannot contain the control character U+0001"),
    ("Q?\x00", "the question cannot contain a NUL character"),
])
def test_a_hidden_question_is_refused_and_writes_nothing(loaded: Situation, question: str,
                                                         message: str) -> None:
    entries = Entry.objects.count()
    with pytest.raises(services.PlebisciteRefused, match=re.escape(message)):
        _create(at=OPENS, question=question)
    assert not Plebiscite.objects.exists() and Entry.objects.count() == entries


def test_the_question_is_put_in_a_language_of_the_nationality(finns: Running) -> None:
    """The call logs the question's language, and the parameters (so the election hash) carry
    it; a tag in another letter case names the same language."""
    plebiscite = finns.plebiscite
    assert plebiscite.language.tag == "fi"
    created = Entry.objects.get(kind="plebiscite.created")
    assert json.loads(bytes(created.body))["content"]["language"] == "fi"
    assert finns.election.parameters.context["language"] == "fi"
    armenians = start("armenians", ["russia", "ottoman-empire"], language="HY").plebiscite
    assert armenians.language.tag == "hy"


@pytest.mark.parametrize("language, says", [
    ("ru", "the question is put to the Armenians in one of their own languages (hy), not in "
           "Russian (ru)"),
    ("sw", "no language 'sw' in the register: give the BCP 47 tag of a language of the "
           "Armenians (hy)"),
    ("armenian", "no language 'armenian' in the register"),
    ("hy\x00", "no language 'hy\\x00' in the register"),
    ("", "no language '' in the register"),
])
def test_a_question_in_another_language_is_refused(loaded: Situation, language: str,
                                                   says: str) -> None:
    commission = commission_issue(nationality=Nationality.objects.get(key="armenians"),
                                  label="x").commission
    entries = Entry.objects.count()
    with pytest.raises(services.LanguageRefused) as refused:
        services.plebiscite_create(
            commission=commission, nationality=commission.nationality, question="Q?",
            language=language, joins=list(State.objects.filter(
                key__in=["russia", "ottoman-empire"])),
            opens_at=OPENS, closes_at=CLOSES, trustees=3, threshold=2)
    assert str(refused.value).startswith(says)
    assert not Plebiscite.objects.exists() and Entry.objects.count() == entries


def test_the_log_carries_every_ballot(finns: Running) -> None:
    finns.cast(0, 0)
    entry = Entry.objects.get(kind="plebiscite.ballot_cast")
    content = json.loads(bytes(entry.body))["content"]
    ballot = CastBallot.objects.get()
    assert core.tracker(bytes(ballot.data)).hex() == content["tracker"] == ballot.tracker
    assert entry.subject == f"plebiscite:{finns.plebiscite.election_id}"
