"""Follows mailed by a real worker process: `openpeace follows run` fans the acts out and queues
the mails, `db_worker` sends them (to the data directory's outbox, the default e-mail backend),
and running both again mails nothing twice."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import OPENPEACE, run
from tests.publicity.test_webhooks_workers import ACTS

FOLLOW = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpeace.settings")
import django
django.setup()
from openpeace.core.situation_file import read_situation
from openpeace.log.services import log_integrate
from openpeace.publicity.follows import services
from openpeace.world.services import situation_load
from tests.conftest import MINI
situation_load(read_situation(MINI))
log_integrate()
follow = services.follow_submit(contact="reader@example.org", target="state", key="germany",
                                frequency="immediate")
services.follow_confirm(token=services.confirm_token(follow.ref))
"""
"""The small situation, and a confirmed follow of Germany's acts (the acts' subject: state:x…)."""


def mails(outbox: Path) -> list[str]:
    """Every mail the file backend wrote (it separates them with a line of dashes)."""
    if not outbox.exists():
        return []
    return [m for path in sorted(outbox.iterdir())
            for m in path.read_text().split("-" * 79) if "Message-ID: <act." in m]


def test_a_real_db_worker_mails_each_act_once(environment: dict[str, str]) -> None:
    outbox = Path(environment["OPENPEACE_DATA_DIR"]) / "outbox"
    run(environment, sys.executable, "-c", FOLLOW)
    run(environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")  # the opt-in mail
    run(environment, sys.executable, "-c", ACTS.replace("state:x", "state:germany"), "3")
    run(environment, OPENPEACE, "follows", "run")
    assert mails(outbox) == []  # queued, not sent by the fan-out itself
    run(environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")
    sent = mails(outbox)
    assert len(sent) == 3
    assert all("List-Unsubscribe-Post: List-Unsubscribe=One-Click" in m for m in sent)
    run(environment, OPENPEACE, "follows", "run")
    run(environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")
    assert len(mails(outbox)) == 3
