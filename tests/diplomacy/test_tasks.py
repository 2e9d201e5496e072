"""Notices to envoys: background work enqueued with the release, sent once, by a real worker."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core import mail

from openpeace.diplomacy.models import Notice, Offer
from openpeace.diplomacy.services import envoy_issue, envoy_revoke, offer_release
from openpeace.diplomacy.tasks import notify_envoys
from openpeace.world.models import State
from tests.conftest import OPENPEACE, run


def test_every_active_envoy_is_notified_once(complete_offer: Offer) -> None:
    germany, ottoman = State.objects.get(key="germany"), State.objects.get(key="ottoman-empire")
    envoy_issue(state=germany, label="Ambassador", email="envoy@germany.example")
    envoy_issue(state=ottoman, label="No address")
    recalled = envoy_issue(state=ottoman, label="Recalled", email="old@ottoman.example")
    envoy_revoke(envoy=recalled.envoy)
    envoy_issue(state=State.objects.get(key="france"), label="Not addressed",
                email="envoy@france.example")
    offer_release(offer=complete_offer)

    assert notify_envoys.call("peace-1917") == 1
    (message,) = mail.outbox
    assert message.to == ["envoy@germany.example"]
    assert "/offers/peace-1917/replies/germany/" in message.body
    assert message.extra_headers["Message-ID"].startswith("<peace-1917.")
    assert notify_envoys.call("peace-1917") == 0  # a retry sends nothing twice
    assert len(mail.outbox) == 1 and Notice.objects.count() == 1


PREPARE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "openpeace.settings"
django.setup()
from openpeace.core.situation_file import read_situation
from openpeace.world.services import situation_load
from tests.conftest import MINI
situation_load(read_situation(MINI))
from tests.diplomacy.conftest import write_texts
from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.world.models import State
from django.utils import timezone
import datetime as dt
offer = Offer.objects.create(key="peace-1917", title="Peace",
    proposing_state=State.objects.get(key="russia"),
    reply_deadline=timezone.now() + dt.timedelta(days=3), terms={"armistice": {"term_days": 90}})
offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
write_texts(offer)
envoy_issue(state=State.objects.get(key="germany"), label="A", email="a@germany.example")
"""
"""A process's own Django on the environment's database: an offer ready for release."""
SCRIPT = PREPARE + "offer_release(offer=offer)\n"


def test_a_real_worker_sends_the_notices_the_release_enqueued(
    environment: dict[str, str],
) -> None:
    run(environment, sys.executable, "-c", SCRIPT)
    outbox = Path(environment["OPENPEACE_DATA_DIR"]) / "outbox"
    assert not outbox.exists()  # nothing is sent in the release's own request
    run(environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")
    sent = list(outbox.iterdir())
    assert len(sent) == 1 and "a@germany.example" in sent[0].read_text()
    run(environment, OPENPEACE, "db_worker", "--batch", "--no-startup-delay")
    assert len(list(outbox.iterdir())) == 1
