"""The plebiscites API: commissions by token for their own nationality; voters by credential.
The trustees' part is in test_trustees.py."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.ballot import ballot_problem
from openpeace.core.plebiscite.encoding import b64
from openpeace.core.situation import Situation
from openpeace.log.models import Entry
from openpeace.plebiscites.models import AuditedBallot, CastBallot, Ciphertext, Plebiscite, Trustee
from openpeace.selfdetermination.services import commission_issue
from openpeace.world.models import Nationality
from tests.core.plebiscite.test_ballot import forge
from tests.plebiscites.conftest import Running, start

# Called now, through the API, a plebiscite's vote is still to come (a vote already over is
# refused): in 2999.
CREATE = {"nationality": "finns", "question": "A state of our own, or Russia?",
          "language": "fi", "joins": ["russia"], "opens_at": "2999-01-01T00:00:00Z",
          "closes_at": "2999-01-10T00:00:00Z", "trustees": 3, "threshold": 2}


def post(client: Client, url: str, body: Any, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def token(nationality: str) -> str:
    return commission_issue(nationality=Nationality.objects.get(key=nationality),
                            label="c").token


def counts() -> tuple[int, int, int]:
    return Plebiscite.objects.count(), CastBallot.objects.count(), Entry.objects.count()


def test_a_commission_creates_a_plebiscite_for_its_nationality(loaded: Situation,
                                                                client: Client) -> None:
    response = post(client, "/api/plebiscites", CREATE, token("finns"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [o["id"] for o in body["options"]] == ["separate_state", "join:russia"]
    assert body["status"] == "created" and body["ballots_cast"] == 0
    assert body["language"] == "fi"
    assert client.get(f"/api/plebiscites/{body['id']}").json()["language"] == "fi"
    assert Plebiscite.objects.get().language.tag == "fi"


@pytest.mark.parametrize("language, says", [
    ("ru", "the question is put to the Finns in one of their own languages (fi), not in "
           "Russian (ru)"),
    ("sw", "no language 'sw' in the register: give the BCP 47 tag of a language of the Finns "
           "(fi)"),
    ("finnish", "no language 'finnish' in the register"),
    ("fi\x00", "no language 'fi\\x00' in the register"),
    ("", "at least 1 character"),
    (None, "Field required"),
])
def test_a_question_in_another_language_is_422_at_language(
    loaded: Situation, client: Client, language: str | None, says: str
) -> None:
    before = counts()
    body = {k: v for k, v in CREATE.items() if k != "language"}
    if language is not None:
        body["language"] = language
    response = post(client, "/api/plebiscites", body, token("finns"))
    assert response.status_code == 422, response.content
    (problem,) = response.json()["problems"]
    assert problem["location"] == "body.payload.language"
    assert says in problem["message"], problem
    assert counts() == before


def test_another_nationality_s_commission_is_403_and_the_public_401(
    loaded: Situation, client: Client
) -> None:
    before = counts()
    response = post(client, "/api/plebiscites", CREATE, token("armenians"))
    assert response.status_code == 403
    assert response.json() == {"detail": "this commission acts for armenians, not for 'finns'"}
    assert post(client, "/api/plebiscites", CREATE).status_code == 401
    assert post(client, "/api/plebiscites", CREATE, "op_nonsense").status_code == 401
    assert counts() == before


def test_another_commission_cannot_run_a_plebiscite(open_now: Running, client: Client) -> None:
    other = token("armenians")
    pk = open_now.plebiscite.pk
    before = counts()
    for what, body in [("credentials", {"credentials": ["00" * 32]}), ("close", {}),
                       ("ceremony", {}), ("trustees", {"name": "X"})]:
        response = post(client, f"/api/plebiscites/{pk}/{what}", body, other)
        assert response.status_code == 403, (what, response.content)
        assert response.json() == {"detail": "this commission acts for armenians, not for "
                                             "'finns'"}
        assert post(client, f"/api/plebiscites/{pk}/{what}", body).status_code == 401
    assert counts() == before


def test_only_the_calling_commission_runs_its_plebiscite(loaded: Situation,
                                                         client: Client) -> None:
    """Two commissions of one nationality: B, issued after A called plebiscite, can neither
    publish its electorate, appoint its trustees (who would hold the election key), record its
    ceremony nor close it; A still can, and every act A logs names A."""
    finns = Nationality.objects.get(key="finns")
    a = commission_issue(nationality=finns, label="Finnish Senate").token
    b = commission_issue(nationality=finns, label="Helsinki Workers' Council").token
    created = post(client, "/api/plebiscites", CREATE, a)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    _, public = core.issue(3)
    credentials = {"credentials": [c.hex() for c in public]}
    refusal = {"detail": f"plebiscite {pk} was called by 'Finnish Senate': only that commission "
                         "runs it, not \"Helsinki Workers' Council\""}

    def b_is_refused() -> None:
        before = counts(), Trustee.objects.count()
        for what, body in [("credentials", credentials), ("trustees", {"name": "X"}),
                           ("ceremony", {}), ("close", {})]:
            response = post(client, f"/api/plebiscites/{pk}/{what}", body, b)
            assert response.status_code == 403, (what, response.content)
            assert response.json() == refusal, what
        assert (counts(), Trustee.objects.count()) == before

    b_is_refused()
    assert post(client, f"/api/plebiscites/{pk}/credentials", credentials, a).status_code == 201
    for name in ("T1", "T2", "T3"):
        assert post(client, f"/api/plebiscites/{pk}/trustees", {"name": name},
                    a).status_code == 201
    b_is_refused()
    plebiscite = Plebiscite.objects.get(pk=pk)
    assert plebiscite.status == "credentials" and plebiscite.credentials == sorted(
        credentials["credentials"])
    assert client.get(f"/api/plebiscites/{pk}").json()["commission"] == "Finnish Senate"
    logged = [json.loads(bytes(e.body))["content"] for e in Entry.objects.filter(
        subject=f"plebiscite:{plebiscite.election_id}").order_by("pk")]
    assert len(logged) == 5
    assert {c.get("commission") for c in logged} == {"Finnish Senate"}


@pytest.mark.parametrize("change, message", [
    ({"joins": ["nowhere"]}, "no state 'nowhere'"),
    ({"joins": []}, "add russia"),
    ({"closes_at": "1917-01-01T00:00:00Z"}, "close after it opens"),
    ({"threshold": 4}, "threshold"),
    ({"trustees": 0}, "greater than or equal to 1"),
    ({"question": " "}, "the question cannot be blank: it is only white space"),
    ({"question": "a\x00b"}, "NUL"),
    ({"opens_at": "1918-01-01T00:00:00"}, "time zone"),
    ({"opens_at": "yesterday"}, "datetime"),
])
def test_bad_plebiscites_are_422_naming_what(loaded: Situation, client: Client,
                                             change: dict[str, Any], message: str) -> None:
    before = counts()
    response = post(client, "/api/plebiscites", {**CREATE, **change}, token("finns"))
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
    assert counts() == before


def test_a_plebiscite_whose_vote_is_over_is_422_and_changes_nothing(loaded: Situation,
                                                                    client: Client) -> None:
    """The audit's: a vote in January 1900, called today, could never take a ballot."""
    before = counts()
    response = post(client, "/api/plebiscites", {
        **CREATE, "opens_at": "1900-01-01T00:00:00Z", "closes_at": "1900-01-02T00:00:00Z"},
        token("finns"))
    assert response.status_code == 422, response.content
    [problem] = response.json()["problems"]
    assert problem["message"].startswith("the voting period closes at 1900-01-02T00:00:00+00:00, "
                                         "and it is ")
    assert problem["message"].endswith(" already: a plebiscite is called before its vote is "
                                       "over")
    assert counts() == before


@pytest.mark.parametrize(("question", "message"), [
    ("\u200b\u200b", "the question cannot be blank: it has no visible character, only white "
                     "space, format characters or combining marks (U+200B ZERO WIDTH SPACE)"),
    ("\u0001", "the question cannot contain the control character U+0001: tab, line feed and "
               "carriage return are the only ones a text holds"),
    ("\u202e", "the question cannot be blank: it has no visible character, only white space, "
               "format characters or combining marks (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("Q?\x00", "the question cannot contain a NUL character (U+0000)"),
])
def test_a_hidden_question_is_422_at_its_field_and_changes_nothing(
    loaded: Situation, client: Client, question: str, message: str
) -> None:
    before = counts()
    response = post(client, "/api/plebiscites", {**CREATE, "question": question},
                    token("finns"))
    assert response.status_code == 422, response.content
    assert response.json()["problems"] == [{"location": "body.payload.question",
                                            "message": f"Value error, {message}"}]
    assert counts() == before


def test_a_question_that_needs_format_characters_is_put_as_written(loaded: Situation,
                                                                   client: Client) -> None:
    question = "\u200fدولة مستقلة، أم الانضمام إلى فرنسا؟"  # Arabic, opened by a right-to-left mark
    response = post(client, "/api/plebiscites", {
        **CREATE, "nationality": "algerians", "language": "ar", "joins": ["france"],
        "question": question}, token("algerians"))
    assert response.status_code == 201, response.content
    assert response.json()["question"] == Plebiscite.objects.get().question == question


@pytest.mark.parametrize("field, moment", [
    ("opens_at", "0001-01-01T00:00:00+05:00"),  # the year 0 in UTC
    ("closes_at", "9999-12-31T23:59:59-05:00"),  # the year 10000 in UTC
])
def test_a_moment_no_time_here_can_hold_is_422_at_its_field(
    loaded: Situation, client: Client, field: str, moment: str
) -> None:
    before = counts()
    response = post(client, "/api/plebiscites", {**CREATE, field: moment}, token("finns"))
    assert response.status_code == 422, response.content
    assert response.json()["problems"] == [{
        "location": f"body.payload.{field}",
        "message": "Value error, it is not between the years 1 and 9999 in UTC, as every time "
                   "here must be"}]
    assert counts() == before


def test_fields_a_plebiscite_does_not_have_are_422_naming_each(loaded: Situation,
                                                               client: Client) -> None:
    """A status or a result sent with the call is refused, not dropped while the call is made."""
    before = counts()
    response = post(client, "/api/plebiscites",
                    {**CREATE, "status": "decided", "result": {"counts": [9, 0]}}, token("finns"))
    assert response.status_code == 422, response.content
    assert [p["location"] for p in response.json()["problems"]] == [
        "body.payload.status", "body.payload.result"]
    assert "an unknown field is refused, not ignored" in response.json()["detail"]
    assert counts() == before


def test_ballots_from_the_python_client_are_accepted_and_tracked(open_now: Running,
                                                                  client: Client) -> None:
    from openpeace.plebiscites.client import parameters_read, vote

    pk = open_now.plebiscite.pk
    parameters = client.get(f"/api/plebiscites/{pk}/parameters")
    assert parameters.status_code == 200
    election = parameters_read(parameters.content, open_now.plebiscite.election_hash)
    made = vote(election, open_now.credentials[0].to_text(), "join:russia")
    response = post(client, f"/api/plebiscites/{pk}/ballots", made.body)
    assert response.status_code == 201, response.content
    assert response.json()["tracker_text"] == made.tracker_text
    assert response.json()["position"] == 0
    board = client.get(f"/api/plebiscites/{pk}/board").json()["items"]
    assert [b["tracker"] for b in board] == [made.prepared.tracker.hex()]
    mine = client.get(f"/api/plebiscites/{pk}/board?credential={board[0]['credential']}")
    assert [b["tracker"] for b in mine.json()["items"]] == [made.prepared.tracker.hex()]
    assert client.get(f"/api/plebiscites/{pk}/board?credential={'0' * 64}").json()["count"] == 0
    refused = client.get(f"/api/plebiscites/{pk}/board?credential=XYZ")
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["location"] == "query.credential"
    detail = client.get(f"/api/plebiscites/{pk}").json()
    assert detail["ballots_cast"] == 1 and "counts" not in json.dumps(detail)


def _flip(data: bytes, at: int) -> bytes:
    at %= len(data)
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


@pytest.mark.parametrize("make, reason", [
    (lambda r: "not base64!", "not standard base64"),
    (lambda r: base64.b64encode(b"OPB1" + bytes(80)).decode(), "wrong length"),
    (lambda r: base64.b64encode(b"junk" * 20).decode(), "not a ballot of this format"),
    (lambda r: base64.b64encode(_flip(r.ballot(0, 0), -1)).decode(),
     "its signature does not verify"),
    (lambda r: base64.b64encode(_flip(r.ballot(0, 0), 10)).decode(), "for another election"),
    (lambda r: base64.b64encode(_flip(r.ballot(0, 0), 100)).decode(), "signature"),
])
def test_a_bad_ballot_is_422_naming_what_failed_and_nothing_is_stored(
    open_now: Running, client: Client, make: Any, reason: str
) -> None:
    before = counts()
    response = post(client, f"/api/plebiscites/{open_now.plebiscite.pk}/ballots",
                    {"ballot": make(open_now)})
    assert response.status_code == 422, response.content
    assert reason in response.json()["detail"]
    assert response.json()["problems"][0]["location"] == "body.payload.ballot"
    assert counts() == before


def test_a_ballot_repeating_its_randomness_is_422_naming_the_ciphertext(
    loaded: Situation, client: Client
) -> None:
    """r0 = r1 = r2: a 3-option ballot that verifies on its own, but whose options share a
    ciphertext (spec §11.2); cast or audited, it is refused by name, as JSON, and nothing is
    stored."""
    now = timezone.now()
    running = start("armenians", ["russia", "ottoman-empire"], opens=now - dt.timedelta(hours=1),
                    closes=now + dt.timedelta(hours=1))
    election = running.election
    r = core.group.random_scalar()
    data = forge(election, running.credentials[0], [0, 0, 1], [r, r, r])
    assert ballot_problem(election, data) is None
    a = core.Ballot.from_bytes(data).ciphertexts[0].a.hex()
    why = f"repeats a ciphertext: options 0 and 1 share the ciphertext A = {a}"
    pk = running.plebiscite.pk
    before = counts(), Ciphertext.objects.count(), AuditedBallot.objects.count()
    cast = post(client, f"/api/plebiscites/{pk}/ballots", {"ballot": b64(data)})
    assert cast.status_code == 422, cast.content
    assert cast.json()["detail"] == f"invalid request: body.payload.ballot: the ballot {why}"
    audit = post(client, f"/api/plebiscites/{pk}/audits",
                 core.AuditedBallot(data, 2, (r, r, r)).to_json())
    assert audit.status_code == 422, audit.content
    assert audit.json()["detail"] == f"invalid request: body.payload: the audited ballot {why}"
    assert (counts(), Ciphertext.objects.count(), AuditedBallot.objects.count()) == before


def test_a_ballot_signed_with_an_unlisted_credential_is_refused(open_now: Running,
                                                                client: Client) -> None:
    stranger = core.PrivateCredential(bytes(range(32)))
    election = open_now.election
    fake = core.Election(core.ElectionParameters(**{
        **{f: getattr(election.parameters, f) for f in (
            "election_id", "question", "options", "threshold", "trustees", "public_key",
            "context")},
        "credentials": tuple(sorted([*election.parameters.credentials, stranger.public])),
    }))
    data = core.encrypt_ballot(fake, stranger, 0).data
    response = post(client, f"/api/plebiscites/{open_now.plebiscite.pk}/ballots",
                    {"ballot": base64.b64encode(data).decode()})
    assert response.status_code == 422 and "another election" in response.json()["detail"]


def test_bad_input_on_the_other_write_paths(open_now: Running, client: Client) -> None:
    pk, tok = open_now.plebiscite.pk, open_now.token
    before = counts()
    cases = [
        ("audits", {"ballot": "AAAA", "choice": 0, "randomness": ["zz"]}, None, "randomness"),
        ("audits", {"ballot": "AAAA", "choice": 99, "randomness": ["00" * 32]}, None,
         "less than or equal"),
        ("ballots", {"ballot": 5}, None, "string"),
        ("ballots", {}, None, "ballot"),
        ("credentials", {"credentials": ["nothex"]}, tok, "credential 0"),
        ("credentials", {"credentials": ["00" * 32]}, tok, "published once"),
        ("ceremony", {}, tok, "recorded once"),
        ("close", {}, tok, "voting is open until"),
        ("decryptions", {"trustee": 1, "shares": ["00" * 32], "proofs": [["00" * 32] * 2]},
         open_now.token_of(1), "after the tally"),
    ]
    for what, body, auth, message in cases:
        response = post(client, f"/api/plebiscites/{pk}/{what}", body, auth)
        assert response.status_code == 422, (what, response.content)
        assert message in response.json()["detail"], (what, response.json())
    assert counts() == before
    assert client.get("/api/plebiscites/999999").status_code == 404
    assert post(client, "/api/plebiscites/999999/ballots", {"ballot": "AAAA"}).status_code == 404


def test_the_whole_flow_through_the_api(open_now: Running, client: Client) -> None:
    pk = open_now.plebiscite.pk
    for voter, choice in [(0, 0), (1, 0), (2, 1)]:
        data = open_now.ballot(voter, choice)
        assert post(client, f"/api/plebiscites/{pk}/ballots",
                    {"ballot": base64.b64encode(data).decode()}).status_code == 201
    prepared = core.encrypt_ballot(open_now.election, open_now.credentials[3], 1)
    audit = post(client, f"/api/plebiscites/{pk}/audits", prepared.reveal().to_json())
    assert audit.status_code == 201, audit.content
    from openpeace.plebiscites import services
    from openpeace.plebiscites.selectors import board_of

    services.plebiscite_close(commission=open_now.plebiscite.commission,
                              plebiscite=open_now.plebiscite, at=open_now.plebiscite.closes_at)
    for index in (2, 3):
        _, partial = core.partial_decrypt(open_now.election, open_now.trustees.keys[index],
                                          board_of(open_now.plebiscite))
        response = post(client, f"/api/plebiscites/{pk}/decryptions", partial.to_json(),
                        open_now.token_of(index))
        assert response.status_code == 201, response.content
    assert response.json()["result"] == {"counts": [2, 1], "ballots": 3}
    record = client.get(f"/api/plebiscites/{pk}/record")
    assert core.verify_record(record.content).ok
