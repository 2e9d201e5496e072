"""The log is the spine: a publication killed before it commits leaves neither the published
treaty nor its log entry, and the act still works afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import MINI, OPENPEACE, ROOT, run
from tests.log.test_crash import kill_when
from tests.treaties.conftest import MINI_TREATIES


def _state(environment: dict[str, str]) -> dict[str, object]:
    out = run(environment, sys.executable, "-m", "tests.treaties.actor", "state", "straits-pact")
    return dict(json.loads(out))


def test_a_publication_killed_midway_leaves_neither_act_nor_entry(
    environment: dict[str, str],
) -> None:
    run(environment, OPENPEACE, "load-situation", str(MINI), "--quiet")
    run(environment, OPENPEACE, "treaties", "import", str(MINI_TREATIES))
    publisher = subprocess.Popen(
        [sys.executable, "-m", "tests.treaties.actor", "hang", "straits-pact"],
        env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert kill_when(publisher, "published, not yet committed"), "it ended before the kill"
    assert _state(environment) == {"status": "secret", "entries": 0, "texts_logged": 0}
    run(environment, OPENPEACE, "treaties", "publish", "straits-pact")
    assert _state(environment) == {"status": "published", "entries": 1, "texts_logged": 3}
