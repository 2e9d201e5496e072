"""The Python voting client and the credential authority: the core alone, no Django, no database.

`openpeace plebiscite vote` fetches (or reads) an election's parameters, checks their hash,
encrypts a choice with the voter's private credential, and posts the ballot (or writes it to a
file); `openpeace plebiscite credentials` is the offline credential authority. The trustee's
client (`openpeace.plebiscites.trustee`) talks to the server through the same helpers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import b64, parse_canonical_json


class ClientError(RuntimeError):
    """What went wrong, for the voter."""


def credentials_write(count: int, directory: Path) -> tuple[Path, Path]:
    """Draw `count` credentials: the private ones (one a line, in issue order, to hand out) and
    the sorted public list (JSON, for the commission to publish). Nothing is kept."""
    if count < 1:
        raise ClientError("the count must be at least 1")
    directory.mkdir(parents=True, exist_ok=True)
    private, public = core.issue(count)
    private_path = directory / "private-credentials.txt"
    public_path = directory / "public-credentials.json"
    if private_path.exists() or public_path.exists():
        raise ClientError(f"{directory} already holds credentials: refusing to overwrite them")
    private_path.touch(mode=0o600)
    private_path.write_text("".join(f"{c.to_text()}\n" for c in private), encoding="ascii")
    public_path.write_text(json.dumps({"credentials": [c.hex() for c in public]}, indent=0) + "\n",
                           encoding="ascii")
    return private_path, public_path


def parameters_read(data: bytes, expected_hash: str | None = None) -> core.Election:
    """Parse canonical parameters, check them (and their hash, if one is expected)."""
    try:
        parameters = core.ElectionParameters.from_json(parse_canonical_json(data))
        election = core.Election(parameters)
    except (ValueError, core.ParameterError) as error:
        raise ClientError(f"the election parameters are not valid: {error}") from None
    if expected_hash is not None and election.hash.hex() != expected_hash:
        raise ClientError("the election parameters do not have the expected hash")
    return election


def option_number(election: core.Election, option: str) -> int:
    ids = [o.id for o in election.parameters.options]
    if option not in ids:
        raise ClientError(f"no option {option!r}; the options are {', '.join(ids)}")
    return ids.index(option)


@dataclass(frozen=True)
class Vote:
    prepared: core.PreparedBallot

    @property
    def body(self) -> dict[str, str]:
        return {"ballot": b64(self.prepared.data)}

    @property
    def tracker_text(self) -> str:
        return core.tracker_text(self.prepared.tracker)


def vote(election: core.Election, credential_text: str, option: str) -> Vote:
    try:
        credential = core.PrivateCredential.from_text(credential_text)
    except ValueError as error:
        raise ClientError(str(error)) from None
    if credential.public not in election.credentials:
        raise ClientError("this credential is not on the election's list (mistyped?)")
    return Vote(core.encrypt_ballot(election, credential, option_number(election, option)))


def _request(url: str, body: dict[str, object] | None = None, token: str | None = None
             ) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        request = urllib.request.Request(url, data=data, headers=headers)
    except ValueError:
        raise ClientError(f"{url} is not a URL (give the server as https://…)") from None
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError as error:
        raise ClientError(f"cannot reach {url}: {error.reason}") from None


def _refusal(status: int, data: bytes) -> str:
    """Why the server refused: its status and what it said (each problem of a 422 answer, else
    its `detail`)."""
    if status == 401:
        return "401: the server does not know this token, or it has been revoked"
    try:
        answer = json.loads(data)
        said = ("; ".join(p["message"] for p in answer["problems"]) if "problems" in answer
                else answer["detail"])
    except (ValueError, TypeError, KeyError):
        said = data[:300].decode(errors="replace")
    return f"{status}: {said}"


def fetch(base: str, path: str, what: str, token: str | None = None) -> bytes:
    """GET `path` (under /api/) from the server; `ClientError` with the server's reason if it
    does not answer 200."""
    status, data = _request(f"{base.rstrip('/')}/api/{path}", token=token)
    if status != 200:
        raise ClientError(f"{what} could not be fetched ({_refusal(status, data)})")
    return data


def fetch_parameters(base: str, plebiscite: int) -> core.Election:
    return parameters_read(fetch(base, f"plebiscites/{plebiscite}/parameters", "the parameters"))


def post(base: str, plebiscite: int, what: str, body: dict[str, object],
         token: str | None = None) -> dict[str, object]:
    status, data = _request(f"{base.rstrip('/')}/api/plebiscites/{plebiscite}/{what}", body,
                            token)
    if status != 201:
        raise ClientError(f"refused ({_refusal(status, data)})")
    return dict(json.loads(data))
