"""The log's signing key and origin.

The key is read from the `OPENPEACE_LOG_SIGNING_KEY` setting (a signed-note `PRIVATE+KEY+…`
string, for deployments that keep secrets elsewhere) or generated once into the data
directory, readable by the owner only. It is never printed or logged; only its verifier key
(`/log/key`) is published. The key name is the log's origin, as C2SP tlog-checkpoint advises.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.conf import settings

from openpeace.core.log.note import Signer, Verifier

KEY_FILE = "log-signing.key"


def _new_origin() -> str:
    """The origin of a new key: a setting, else the site's first host followed by `/log`."""
    configured: str = getattr(settings, "OPENPEACE_LOG_ORIGIN", "")
    if configured:
        return configured
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""} and not h.startswith(".")]
    host = hosts[0].strip("[]") if hosts else "localhost"
    return f"{host}/log"


@cache
def signer() -> Signer:
    """The log's signer; created on first use when no key is configured."""
    configured: str = getattr(settings, "OPENPEACE_LOG_SIGNING_KEY", "")
    if configured:
        return Signer.from_skey(configured)
    path = Path(settings.DATA_DIR) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = Signer.generate(_new_origin())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(fresh.to_skey() + "\n")
    return Signer.from_skey(path.read_text().strip())


def verifier() -> Verifier:
    return signer().verifier


def origin() -> str:
    """The log's origin: the name of its key, fixed when the key was made."""
    return signer().name
