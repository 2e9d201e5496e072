"""`openpeace plebiscite trustee`, each trustee's own client, against a live server: a 2-of-3
ceremony with a share damaged in transit, then the decryption; and every bad input named."""

from __future__ import annotations

import json
import os
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import scalar_hex, unhex_scalar
from openpeace.core.plebiscite.group import L
from openpeace.core.situation import Situation
from openpeace.log.models import Entry
from openpeace.plebiscites import services
from openpeace.plebiscites.client import fetch
from openpeace.plebiscites.models import Plebiscite, Trustee
from tests.conftest import OPENPEACE
from tests.plebiscites.conftest import CLOSES, DURING, Called, call


@pytest.fixture
def server(transactional_db: None, live_server: Any, mini: Situation) -> str:
    from openpeace.world.services import situation_load

    situation_load(mini)
    return str(live_server.url)


class Desk:
    """One trustee's machine: its token file, its state file, its outbox of share files."""

    def __init__(self, root: Path, index: int, token: str) -> None:
        self.index = index
        self.token = root / f"token-{index}"
        self.token.write_text(token + "\n")
        self.state = root / f"state-{index}.json"
        self.outbox = root / f"outbox-{index}"

    def __call__(self, act: str, *args: str | Path) -> str:
        out = StringIO()
        call_command("plebiscite", "trustee", act, "--token-file", str(self.token),
                     "--state", str(self.state), *map(str, args), stdout=out)
        return out.getvalue()

    def share_for(self, recipient: int) -> Path:
        return self.outbox / f"share-{self.index}-for-{recipient}.json"


def desks(called: Called, root: Path) -> dict[int, Desk]:
    """The commission appoints the three trustees; each keeps its token on its own desk."""
    commission = called.plebiscite.commission
    return {
        n: Desk(root, n, services.trustee_appoint(commission=commission,
                                                  plebiscite=called.plebiscite,
                                                  name=f"Trustee {n}").token)
        for n in (1, 2, 3)
    }


def damaged(share_file: Path) -> str:
    """The share file with its share changed, as if damaged on the way."""
    share = json.loads(share_file.read_text())
    share["share"] = scalar_hex((unhex_scalar(share["share"], "share") + 1) % L)
    return json.dumps(share)


def test_three_trustees_deal_complain_answer_and_decrypt_from_their_own_machines(
    server: str, tmp_path: Path
) -> None:
    called = call("finns", ["russia"])
    desk = desks(called, tmp_path)
    # Trustee 1 runs in a process of its own whose database does not exist: none is needed.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
           "OPENPEACE_DATA_DIR": str(tmp_path / "var")}
    dealt = subprocess.run(
        [OPENPEACE, "plebiscite", "trustee", "deal", "--url", server, "--token-file",
         str(desk[1].token), "--state", str(desk[1].state), "--shares-out", str(desk[1].outbox)],
        env=env, capture_output=True, text=True, check=False)
    assert dealt.returncode == 0, dealt.stderr
    assert "dealing of trustee 1 posted" in dealt.stdout
    for n in (2, 3):
        out = desk[n]("deal", "--url", server, "--shares-out", desk[n].outbox)
        assert f"hand {desk[n].share_for(1)} to trustee 1, and to no one else" in out
    for n in (1, 2, 3):
        assert desk[n].state.stat().st_mode & 0o777 == 0o600
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in desk[n].outbox.iterdir())
    # Trustee 2's share for trustee 3 is damaged on the way.
    desk[2].share_for(3).write_text(damaged(desk[2].share_for(3)))

    def received(n: int) -> list[Path]:
        return [desk[d].share_for(n) for d in (1, 2, 3) if d != n]

    assert "2 shares received match" in desk[1]("key", *received(1))
    out = desk[3]("key", *received(3))
    assert ("the share from trustee 2 does not match its commitments: complaint posted" in out
            and "1 shares received match" in out and "run `key` again" in out)
    assert "complained of already" in desk[3]("key", *received(3))
    assert desk[1]("answer") == "no complaint against this trustee awaits an answer\n"
    assert "answered trustee 3's complaint" in desk[2]("answer")
    services.plebiscite_ceremony_record(commission=called.plebiscite.commission,
                                        plebiscite=called.plebiscite)
    for n in (1, 2, 3):
        assert (f"key share of trustee {n} computed from the shares of trustees 1, 2, 3"
                in desk[n]("key", *received(n)))

    plebiscite = Plebiscite.objects.get()
    election = core.Election(core.ElectionParameters.from_json(
        json.loads(bytes(plebiscite.parameters))))
    for voter, choice in [(0, 1), (1, 1), (2, 0)]:
        services.ballot_cast(plebiscite=plebiscite, at=DURING, data=core.encrypt_ballot(
            election, called.credentials[voter], choice).data)
    services.plebiscite_close(commission=plebiscite.commission, plebiscite=plebiscite,
                              at=CLOSES)
    assert "the tally of 3 ballots" in desk[3]("decrypt")
    assert "partial decryption of trustee 1 posted" in desk[1]("decrypt", "--processes", "2")
    plebiscite.refresh_from_db()
    assert plebiscite.result == {"counts": [1, 2], "ballots": 3}
    assert core.verify_record(fetch(server, f"plebiscites/{plebiscite.pk}/record", "it")).ok
    with pytest.raises(CommandError, match="refused \\(422: decryptions are taken after the "
                                           "tally, before the result\\)"):
        desk[2]("decrypt")

    # The server saw the one share that had to become public, and no other secret.
    seen = b"".join(bytes(e.body) for e in Entry.objects.all()).decode()
    states = {n: json.loads(desk[n].state.read_text()) for n in (1, 2, 3)}
    assert states[2]["dealt"][2] in seen
    secrets = [states[n]["key"] for n in (1, 2, 3)] + [
        share for n in (1, 2, 3) for r, share in enumerate(states[n]["dealt"], 1)
        if (n, r) != (2, 3)]
    assert not any(secret in seen for secret in secrets)


def test_the_trustee_s_client_names_every_bad_input(server: str, tmp_path: Path) -> None:
    called = call("finns", ["russia"])
    desk = desks(called, tmp_path)
    nowhere = tmp_path / "nowhere"

    def refused(message: str, run: Any, *args: Any) -> None:
        with pytest.raises(CommandError, match=message):
            run(*args)

    def as_(desk: Desk, token: str | None = None, state: Path | None = None) -> Desk:
        """The same desk with another token or another state file."""
        other = Desk(tmp_path / "other", desk.index, token or desk.token.read_text().strip())
        other.state = state or desk.state
        return other

    (tmp_path / "other").mkdir()
    refused("cannot read the token file", call_command, "plebiscite", "trustee", "answer",
            "--token-file", str(nowhere), "--state", str(desk[1].state))
    refused("is empty: it should hold the trustee's token", as_(desk[1], " "), "answer")
    refused("401: the server does not know this token, or it has been revoked",
            as_(desk[1], "op_unknown"), "deal", "--url", server, "--shares-out", nowhere)
    refused("is not a URL", desk[1], "deal", "--url", "nowhere", "--shares-out", nowhere)
    refused("cannot reach http://127.0.0.1:9", desk[1], "deal", "--url", "http://127.0.0.1:9",
            "--shares-out", nowhere)
    assert not desk[1].state.exists() and not nowhere.exists()
    refused("cannot read the trustee's state file", desk[1], "key")

    for n in (1, 2, 3):
        desk[n]("deal", "--url", server, "--shares-out", desk[n].outbox)
    out = desk[2]("deal", "--url", server, "--shares-out", desk[2].outbox)
    assert "taking it up again" in out and "posted" not in out
    refused(f"{desk[2].state} is the state of trustee 2 of {called.plebiscite.election_id} "
            r"\(plebiscite \d+\), but the token is trustee 3's", as_(desk[3], state=desk[2].state),
            "key")
    broken = tmp_path / "broken-state.json"
    for text, message in [("not json", "it is not JSON"),
                          ('{"format": "x"}', "not of the format openpeace-trustee-state-v1")]:
        broken.write_text(text)
        refused(f"is not a trustee's state file: {message}", as_(desk[3], state=broken),
                "answer")

    refused("cannot read the share file", desk[3], "key", nowhere)
    refused("is a share for trustee 2, not for this trustee \\(3\\)", desk[3], "key",
            desk[1].share_for(2))
    refused("two share files from trustee 1", desk[3], "key", desk[1].share_for(3),
            desk[1].share_for(3))
    bad = tmp_path / "bad-share.json"
    for change, message in [
        ({"election_id": "another"}, "is a share of the election 'another'"),
        ({"dealer": 3}, "is a share from trustee 3: this trustee receives shares from "
                        "trustees 1..3 but itself"),
        ({"share": "zz"}, "is not a share file: share: not 64 lowercase"),
        ({"format": "x"}, "is not a share file: not of the format"),
    ]:
        bad.write_text(json.dumps({**json.loads(desk[1].share_for(3).read_text()), **change}))
        refused(message, desk[3], "key", bad)
    bad.write_text("[1, 2")
    refused("is not a share file: it is not JSON", desk[3], "key", bad)
    refused("holds no key share yet", desk[3], "decrypt")

    # Trustee 2's share never reaches trustee 3, who complains; trustee 2 does not answer.
    out = desk[3]("key", desk[1].share_for(3))
    assert "the share from trustee 2 never came: give its file, or complain" in out
    out = desk[3]("key", desk[1].share_for(3), "--complain-missing")
    assert "the share from trustee 2 never came: complaint posted" in out
    services.plebiscite_ceremony_record(commission=called.plebiscite.commission,
                                        plebiscite=called.plebiscite)
    refused("refused \\(422: complaints are answered only before the key ceremony is recorded",
            desk[2], "answer")
    refused("the key ceremony is recorded: it is too late to deal",
            as_(desk[2], state=tmp_path / "new-state.json"), "deal", "--url", server,
            "--shares-out", nowhere)
    refused("the dealing of trustee 2 did not qualify: it takes no further part", desk[2], "key")
    refused("no share from trustee 1: give its share file", desk[3], "key")
    bad.write_text(damaged(desk[1].share_for(3)))
    refused("trustee 1: the share for trustee 3 does not match its commitments, and it was not "
            "complained of before the ceremony", desk[3], "key", bad)
    assert "key share of trustee 3 computed from the shares of trustees 1, 3" in desk[3](
        "key", desk[1].share_for(3))
    refused("the tally is not published yet: the commission closes the voting first", desk[3],
            "decrypt")
    services.trustee_revoke(trustee=Trustee.objects.get(index=3))
    refused("401: the server does not know this token, or it has been revoked", desk[3],
            "decrypt")
