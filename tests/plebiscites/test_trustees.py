"""The trustees as a role, from outside: the commission appoints them; each, by its own token and
for its own index only, deals, complains, answers and decrypts; refused acts write nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import scalar_hex
from openpeace.core.plebiscite.group import L
from openpeace.log.models import Entry
from openpeace.plebiscites import services
from openpeace.plebiscites.models import Complaint, Dealing, Decryption, Plebiscite, Trustee
from openpeace.plebiscites.selectors import board_of
from tests.plebiscites.conftest import Called, Running, call
from tests.plebiscites.test_api import post, token


def written() -> tuple[int, ...]:
    """Everything a trustee's act or an appointment could write."""
    return (Entry.objects.count(), Trustee.objects.count(), Dealing.objects.count(),
            Complaint.objects.count(), Complaint.objects.exclude(answer="").count(),
            Decryption.objects.count(), Plebiscite.objects.filter(status="ready").count())


def appoint(client: Client, called: Called, name: str) -> Any:
    return post(client, f"/api/plebiscites/{called.plebiscite.pk}/trustees", {"name": name},
                called.token)


def appointed(client: Client, called: Called, count: int = 3) -> dict[int, str]:
    """Appoint `count` trustees through the API: their tokens by index."""
    tokens = {}
    for n in range(count):
        response = appoint(client, called, f"Trustee {n + 1}")
        assert response.status_code == 201, response.content
        tokens[response.json()["index"]] = response.json()["token"]
    return tokens


def dealt(called: Called, index: int, election_id: str | None = None
          ) -> tuple[core.Dealing, dict[int, core.Share]]:
    plebiscite = called.plebiscite
    return core.deal(core.Ceremony(election_id or plebiscite.election_id, plebiscite.threshold,
                                   plebiscite.trustees), index)


def ceremony(client: Client, called: Called) -> Any:
    response = client.get(f"/api/plebiscites/{called.plebiscite.pk}/ceremony")
    assert response.status_code == 200
    return response.json()


def test_the_commission_appoints_up_to_n_trustees_and_sees_each_token_once(
    called: Called, client: Client
) -> None:
    tokens = appointed(client, called)
    assert sorted(tokens) == [1, 2, 3] and all(t.startswith("op_") for t in tokens.values())
    public = ceremony(client, called)
    assert [(t["index"], t["name"], t["dealing"]) for t in public["appointed"]] == [
        (1, "Trustee 1", None), (2, "Trustee 2", None), (3, "Trustee 3", None)]
    assert public["recorded"] is False and public["complaints"] == []
    entries = Entry.objects.filter(kind="plebiscite.trustee_appointed")
    assert entries.count() == 3
    logged = b"".join(bytes(e.body) for e in Entry.objects.all())
    assert not any(t.encode() in logged for t in tokens.values())
    assert not any(t in json.dumps(public) for t in tokens.values())
    before = written()
    response = appoint(client, called, "Trustee 4")
    assert response.status_code == 422
    assert "all 3 trustees are appointed" in response.json()["detail"]
    assert written() == before



@pytest.mark.parametrize(("name", "message"), [
    ("\u200b\u200b", "a trustee's name cannot be blank: it has no visible character, only white "
                     "space, format characters or combining marks (U+200B ZERO WIDTH SPACE)"),
    ("Trustee\x07", "a trustee's name cannot contain the control character U+0007: tab, line "
                    "feed and carriage return are the only ones a text holds"),
])
def test_a_hidden_name_is_422_at_its_field_and_appoints_no_one(
    called: Called, client: Client, name: str, message: str
) -> None:
    before = written()
    response = appoint(client, called, name)
    assert response.status_code == 422
    assert response.json()["problems"] == [{"location": "body.payload.name", "message": message}]
    assert written() == before


def test_no_cache_keeps_an_appointment_s_token(called: Called, client: Client) -> None:
    """RFC 9111 §5.2.2.5: the answer carries the trustee's bearer token; every write's answer,
    refusals included, is marked so."""
    appointed_now, refused = appoint(client, called, "Trustee 1"), appoint(client, called, "")
    assert (appointed_now.status_code, refused.status_code) == (201, 422)
    for response in (appointed_now, refused):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_only_the_nationality_s_commission_appoints(called: Called, client: Client) -> None:
    url = f"/api/plebiscites/{called.plebiscite.pk}/trustees"
    before = written()
    assert post(client, url, {"name": "X"}).status_code == 401
    assert post(client, url, {"name": "X"}, "op_nonsense").status_code == 401
    response = post(client, url, {"name": "X"}, token("armenians"))
    assert response.status_code == 403
    assert response.json() == {"detail": "this commission acts for armenians, not for 'finns'"}
    assert written() == before


def test_no_trustee_is_appointed_after_the_ceremony(finns: Running, client: Client) -> None:
    before = written()
    response = post(client, f"/api/plebiscites/{finns.plebiscite.pk}/trustees",
                    {"name": "Late"}, finns.token)
    assert response.status_code == 422
    assert "only before the key ceremony is recorded" in response.json()["detail"]
    assert written() == before


def test_a_trustee_deals_for_itself_only_and_once(called: Called, client: Client) -> None:
    tokens = appointed(client, called, 2)
    url = f"/api/plebiscites/{called.plebiscite.pk}/dealings"
    second = dealt(called, 2)[0].to_json()
    before = written()
    response = post(client, url, second, tokens[1])
    assert response.status_code == 403
    assert response.json() == {"detail": "this is trustee 1: it posts its dealing for itself "
                                         "only, not for trustee 2"}
    assert post(client, url, second).status_code == 401
    assert post(client, url, second, called.token).status_code == 401  # the commission
    elsewhere = call("finns", ["russia"])
    stranger = services.trustee_appoint(commission=elsewhere.plebiscite.commission,
                                        plebiscite=elsewhere.plebiscite, name="Elsewhere")
    before = written()
    response = post(client, url, dealt(called, 1)[0].to_json(), stranger.token)
    assert response.status_code == 403
    assert response.json()["detail"] == (f"this is a trustee of plebiscite "
                                         f"{elsewhere.plebiscite.pk}, not of plebiscite "
                                         f"{called.plebiscite.pk}")
    assert written() == before
    response = post(client, url, second, tokens[2])
    assert response.status_code == 201, response.content
    posted = response.json()["appointed"][1]["dealing"]
    assert posted["commitments"] == second["commitments"] and posted["qualified"] is None
    before = written()
    response = post(client, url, second, tokens[2])
    assert response.status_code == 422 and "trustee 2 has already dealt" in response.text
    assert written() == before
    logged = json.loads(bytes(Entry.objects.get(kind="plebiscite.dealing").body))["content"]
    assert logged["trustee"] == 2 and logged["commitments"] == second["commitments"]


def _tampered(dealing: dict[str, Any]) -> dict[str, Any]:
    proofs = [list(p) for p in dealing["proofs"]]
    proofs[1][1] = scalar_hex(1)
    return {**dealing, "proofs": proofs}


@pytest.mark.parametrize("make, message", [
    (lambda c: _tampered(dealt(c, 1)[0].to_json()),
     "trustee 1: the proof of knowledge of coefficient 1 does not verify"),
    (lambda c: dealt(c, 1, election_id="another-election")[0].to_json(),
     "trustee 1: the proof of knowledge of coefficient 0 does not verify"),
    (lambda c: {**dealt(c, 1)[0].to_json(),
                "commitments": dealt(c, 1)[0].to_json()["commitments"][:1]},
     "trustee 1: 2 commitments and proofs expected"),
    (lambda c: {**dealt(c, 1)[0].to_json(), "commitments": ["00" * 32] * 2},
     "trustee 1: a commitment is not a group element"),
    (lambda c: {**dealt(c, 1)[0].to_json(), "commitments": ["zz"] * 2},
     "the dealing commitment: not 64 lowercase hexadecimal digits"),
])
def test_a_bad_dealing_is_refused_and_writes_nothing(called: Called, client: Client,
                                                     make: Any, message: str) -> None:
    tokens = appointed(client, called, 1)
    before = written()
    response = post(client, f"/api/plebiscites/{called.plebiscite.pk}/dealings", make(called),
                    tokens[1])
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
    assert written() == before


def test_a_revoked_trustee_is_401(called: Called, client: Client) -> None:
    tokens = appointed(client, called, 1)
    me = client.get("/api/trustees/me", HTTP_AUTHORIZATION=f"Bearer {tokens[1]}")
    assert me.status_code == 200
    assert me.json() == {"plebiscite": called.plebiscite.pk, "index": 1, "name": "Trustee 1",
                         "election_id": called.plebiscite.election_id, "threshold": 2,
                         "trustees": 3, "status": "credentials"}
    services.trustee_revoke(trustee=Trustee.objects.get())
    before = written()
    assert client.get("/api/trustees/me",
                      HTTP_AUTHORIZATION=f"Bearer {tokens[1]}").status_code == 401
    response = post(client, f"/api/plebiscites/{called.plebiscite.pk}/dealings",
                    dealt(called, 1)[0].to_json(), tokens[1])
    assert response.status_code == 401
    assert written() == before
    with pytest.raises(services.PlebisciteRefused, match="has been revoked"):
        services.dealing_submit(trustee=Trustee.objects.get(), plebiscite=called.plebiscite,
                                dealing=dealt(called, 1)[0])


def test_the_ceremony_waits_for_k_qualified_dealings(called: Called, client: Client) -> None:
    tokens = appointed(client, called)
    pk = called.plebiscite.pk
    assert post(client, f"/api/plebiscites/{pk}/dealings", dealt(called, 1)[0].to_json(),
                tokens[1]).status_code == 201
    before = written()
    response = post(client, f"/api/plebiscites/{pk}/ceremony", {}, called.token)
    assert response.status_code == 422
    assert response.json()["detail"].endswith(
        "the key ceremony cannot be recorded yet: 1 of 3 trustees have dealt; only 1 dealers "
        "qualified, fewer than the threshold 2")
    assert written() == before
    assert post(client, f"/api/plebiscites/{pk}/dealings", dealt(called, 3)[0].to_json(),
                tokens[3]).status_code == 201
    response = post(client, f"/api/plebiscites/{pk}/ceremony", {}, called.token)
    assert response.status_code == 201 and response.json()["status"] == "ready"
    public = ceremony(client, called)
    assert public["recorded"] is True
    assert [t["dealing"] and t["dealing"]["qualified"] for t in public["appointed"]] == [
        True, None, True]
    parameters = json.loads(client.get(f"/api/plebiscites/{pk}/parameters").content)
    assert [(t["index"], t["name"]) for t in parameters["trustees"]] == [
        (1, "Trustee 1"), (3, "Trustee 3")]
    before = written()
    response = post(client, f"/api/plebiscites/{pk}/dealings", dealt(called, 2)[0].to_json(),
                    tokens[2])
    assert response.status_code == 422
    assert "dealings are posted only before the key ceremony is recorded" in response.text
    assert written() == before


def test_complaints_and_answers_decide_who_qualifies(called: Called, client: Client) -> None:
    """Trustee 1's complaint of trustee 2 is answered with a share that does not match (2 falls);
    trustee 3's of trustee 1 with the right share (dismissed); trustee 2's of trustee 3 is not
    answered (3 falls). One dealer is left, fewer than k: the ceremony is refused, naming why
    each fell, and writes nothing."""
    tokens = appointed(client, called)
    pk = called.plebiscite.pk
    deals = {i: dealt(called, i) for i in (1, 2, 3)}
    for i, (dealing, _) in deals.items():
        assert post(client, f"/api/plebiscites/{pk}/dealings", dealing.to_json(),
                    tokens[i]).status_code == 201
    for dealer, recipient in [(2, 1), (1, 3), (3, 2)]:
        response = post(client, f"/api/plebiscites/{pk}/complaints",
                        {"dealer": dealer, "recipient": recipient}, tokens[recipient])
        assert response.status_code == 201, response.content
    wrong = (deals[2][1][1].value + 1) % L
    assert post(client, f"/api/plebiscites/{pk}/answers",
                {"dealer": 2, "recipient": 1, "share": scalar_hex(wrong)},
                tokens[2]).status_code == 201
    right = deals[1][1][3].value
    assert post(client, f"/api/plebiscites/{pk}/answers",
                {"dealer": 1, "recipient": 3, "share": scalar_hex(right)},
                tokens[1]).status_code == 201
    public = ceremony(client, called)
    assert [(c["dealer"], c["recipient"], c["answer"]) for c in public["complaints"]] == [
        (1, 3, scalar_hex(right)), (2, 1, scalar_hex(wrong)), (3, 2, None)]
    complaints = Entry.objects.filter(kind__startswith="plebiscite.complaint").order_by("pk")
    assert [e.kind for e in complaints] == [
        "plebiscite.complaint"] * 3 + ["plebiscite.complaint_answered"] * 2
    before = written()
    response = post(client, f"/api/plebiscites/{pk}/ceremony", {}, called.token)
    assert response.status_code == 422
    assert ("trustee 2: its share for trustee 1 does not match its commitments; trustee 3: did "
            "not answer trustee 2's complaint; only 1 dealers qualified") in response.text
    assert written() == before


def test_a_dismissed_complaint_keeps_its_dealer_and_a_bad_answer_disqualifies(
    called: Called, client: Client
) -> None:
    tokens = appointed(client, called)
    pk = called.plebiscite.pk
    deals = {i: dealt(called, i) for i in (1, 2, 3)}
    for i, (dealing, _) in deals.items():
        post(client, f"/api/plebiscites/{pk}/dealings", dealing.to_json(), tokens[i])
    for dealer, recipient, share in [(1, 3, deals[1][1][3].value),
                                     (2, 1, (deals[2][1][1].value + 1) % L)]:
        post(client, f"/api/plebiscites/{pk}/complaints",
             {"dealer": dealer, "recipient": recipient}, tokens[recipient])
        post(client, f"/api/plebiscites/{pk}/answers",
             {"dealer": dealer, "recipient": recipient, "share": scalar_hex(share)},
             tokens[dealer])
    response = post(client, f"/api/plebiscites/{pk}/ceremony", {}, called.token)
    assert response.status_code == 201, response.content
    assert [t["dealing"]["qualified"] for t in ceremony(client, called)["appointed"]] == [
        True, False, True]
    logged = json.loads(bytes(Entry.objects.get(kind="plebiscite.key_ceremony").body))
    assert logged["content"]["findings"] == [
        "trustee 2: its share for trustee 1 does not match its commitments"]
    assert logged["content"]["complaints"] == [[1, 3], [2, 1]]
    election = core.Election(core.ElectionParameters.from_json(logged["content"]["parameters"]))
    assert sorted(election.verification_keys) == [1, 3]
    # Trustee 3 takes dealer 1's published share; its key share is the election's.
    qualified = [t.dealing for t in election.parameters.trustees]
    key = core.trustee_key(3, qualified, [deals[1][1][3], deals[3][1][3]])
    assert key.verification_key == election.verification_keys[3]


def test_complaints_and_answers_follow_the_rules(called: Called, client: Client) -> None:
    tokens = appointed(client, called)
    pk = called.plebiscite.pk
    post(client, f"/api/plebiscites/{pk}/dealings", dealt(called, 1)[0].to_json(), tokens[1])
    post(client, f"/api/plebiscites/{pk}/complaints", {"dealer": 1, "recipient": 2}, tokens[2])
    post(client, f"/api/plebiscites/{pk}/answers",
         {"dealer": 1, "recipient": 2, "share": scalar_hex(5)}, tokens[1])
    before = written()
    for what, body, who, status, message in [
        ("complaints", {"dealer": 1, "recipient": 3}, 2, 403,
         "this is trustee 2: it posts complaints for itself only, not for trustee 3"),
        ("complaints", {"dealer": 2, "recipient": 2}, 2, 422,
         "a trustee does not complain of its own share"),
        ("complaints", {"dealer": 3, "recipient": 2}, 2, 422,
         "trustee 3 has not dealt: there is no share of it to complain of"),
        ("complaints", {"dealer": 1, "recipient": 2}, 2, 422,
         "trustee 2 has already complained of trustee 1"),
        ("answers", {"dealer": 1, "recipient": 2, "share": scalar_hex(5)}, 2, 403,
         "this is trustee 2: it posts answers for itself only, not for trustee 1"),
        ("answers", {"dealer": 1, "recipient": 3, "share": scalar_hex(5)}, 1, 422,
         "trustee 3 has not complained of trustee 1"),
        ("answers", {"dealer": 1, "recipient": 2, "share": scalar_hex(6)}, 1, 422,
         "trustee 1 has already answered trustee 2"),
    ]:
        response = post(client, f"/api/plebiscites/{pk}/{what}", body, tokens[who])
        assert response.status_code == status, (what, body, response.content)
        assert message in response.json()["detail"], (what, response.json())
        assert post(client, f"/api/plebiscites/{pk}/{what}", body).status_code == 401
        assert post(client, f"/api/plebiscites/{pk}/{what}", body,
                    called.token).status_code == 401
    assert written() == before


def test_each_trustee_decrypts_for_itself_and_the_commission_no_more(
    finns: Running, client: Client
) -> None:
    finns.cast(0, 1)
    services.plebiscite_close(commission=finns.plebiscite.commission, plebiscite=finns.plebiscite,
                              at=finns.plebiscite.closes_at)
    url = f"/api/plebiscites/{finns.plebiscite.pk}/decryptions"
    _, second = core.partial_decrypt(finns.election, finns.trustees.keys[2],
                                     board_of(finns.plebiscite))
    before = written()
    assert post(client, url, second.to_json(), finns.token).status_code == 401
    assert post(client, url, second.to_json()).status_code == 401
    response = post(client, url, second.to_json(), finns.token_of(1))
    assert response.status_code == 403
    assert response.json() == {"detail": "this is trustee 1: it posts its decryption for "
                                         "itself only, not for trustee 2"}
    assert written() == before
    assert post(client, url, second.to_json(), finns.token_of(2)).status_code == 201
    _, third = core.partial_decrypt(finns.election, finns.trustees.keys[3],
                                    board_of(finns.plebiscite))
    response = post(client, url, third.to_json(), finns.token_of(3))
    assert response.status_code == 201
    assert response.json()["result"] == {"counts": [0, 1], "ballots": 1}


def test_bad_input_on_the_trustees_endpoints(called: Called, client: Client) -> None:
    tokens = appointed(client, called, 1)
    pk, commission = called.plebiscite.pk, called.token
    good = dealt(called, 1)[0].to_json()
    before = written()
    cases: list[tuple[str, Any, str, str]] = [
        ("trustees", {"name": ""}, commission, "at least 1 character"),
        ("trustees", {"name": "   "}, commission, "a trustee's name cannot be blank"),
        ("trustees", {"name": "a\x00b"}, commission, "should match pattern"),
        ("trustees", {"name": "x" * 201}, commission, "at most 200 characters"),
        ("trustees", {}, commission, "body.payload.name"),
        ("trustees", [], commission, "body.payload"),
        ("dealings", {**good, "trustee": 0}, tokens[1], "greater than or equal to 1"),
        ("dealings", {**good, "commitments": []}, tokens[1], "at least 1 item"),
        ("dealings", {**good, "proofs": [["00" * 32]] * 2}, tokens[1], "not a [c, z] pair"),
        ("dealings", {**good, "proofs": [["ff" * 32] * 2] * 2}, tokens[1],
         "not below the group order"),
        ("dealings", {"trustee": 1}, tokens[1], "body.payload.commitments"),
        ("complaints", {"dealer": "one", "recipient": 1}, tokens[1], "valid integer"),
        ("complaints", {"dealer": 256, "recipient": 1}, tokens[1], "less than or equal to 255"),
        ("answers", {"dealer": 1, "recipient": 2, "share": "zz"}, tokens[1],
         "the share: not 64 lowercase hexadecimal digits"),
        ("answers", {"dealer": 1, "recipient": 2, "share": scalar_hex(L)[:-2] + "ff"},
         tokens[1], "the share: a scalar is not below the group order"),
        ("answers", {"dealer": 1, "recipient": 2}, tokens[1], "body.payload.share"),
        ("decryptions", {"trustee": 1, "shares": ["00" * 32], "proofs": [["00" * 32] * 2]},
         tokens[1], "decryptions are taken after the tally"),
    ]
    for what, body, auth, message in cases:
        response = post(client, f"/api/plebiscites/{pk}/{what}", body, auth)
        assert response.status_code == 422, (what, body, response.content)
        assert message in response.json()["detail"], (what, body, response.json())
    assert written() == before
    for what, body, auth in [
        ("trustees", {"name": "X"}, commission), ("ceremony", {}, commission),
        ("dealings", good, tokens[1]), ("complaints", {"dealer": 2, "recipient": 1}, tokens[1]),
        ("answers", {"dealer": 1, "recipient": 2, "share": scalar_hex(5)}, tokens[1]),
        ("decryptions", cases[-1][1], tokens[1]),
    ]:
        response = post(client, f"/api/plebiscites/999999/{what}", body, auth)
        assert response.status_code == 404, (what, response.content)
    assert client.get("/api/plebiscites/999999/ceremony").status_code == 404
    assert client.get("/api/trustees/me").status_code == 401
    assert written() == before


def test_officials_see_trustees_but_never_a_token_and_can_revoke_one(
    called: Called, client: Client, admin_client: Client
) -> None:
    tokens = appointed(client, called, 1)
    trustee = Trustee.objects.get()
    page = admin_client.get(f"/admin/plebiscites/trustee/{trustee.pk}/change/").content.decode()
    assert "Trustee 1" in page and trustee.token_hash not in page
    assert 'name="name"' not in page  # nothing is edited here
    assert admin_client.get("/admin/plebiscites/trustee/add/").status_code == 403
    admin_client.post("/admin/plebiscites/trustee/", {
        "action": "revoke", "_selected_action": [trustee.pk]})
    assert services.trustee_authenticate(tokens[1]) is None
    assert admin_client.post(f"/admin/plebiscites/trustee/{trustee.pk}/delete/",
                             {"post": "yes"}).status_code == 403
