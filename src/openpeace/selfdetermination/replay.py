"""Self-determination in the 1917 replay: what the nationalities decided, as it happened.

Finland's parliament declared independence on 6 December 1917; the Council of People's
Commissars recognised it on 31 December 1917 (shared/research/history-1917.md). The source
text asked to "satisfy the demands of the Ukrainians and the Finns"; this is the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.services import decision_record
from openpeace.world.models import Nationality, State

PETROGRAD = dt.timezone(dt.timedelta(hours=3))


@transaction.atomic
def decisions_replay_1917(say: Callable[[str], None] = print) -> list[Decision]:
    russia = State.objects.get(key="russia")
    finland = decision_record(
        nationality=Nationality.objects.get(key="finns"), joins=None,
        via=Decision.Via.DECLARATION, taken_on=dt.date(1917, 12, 6),
        recognised_on=dt.date(1917, 12, 31), recognised_by=russia,
        source="Declaration of Independence of the Parliament of Finland, 6 December 1917; "
        "recognised by the Council of People's Commissars of the Russian Soviet Republic, "
        "31 December 1917",
        source_url="https://en.wikipedia.org/wiki/Finnish_Declaration_of_Independence",
        at=dt.datetime(1917, 12, 31, 23, 0, tzinfo=PETROGRAD),
    )
    say("Finland's declaration of independence of 6 December is recognised on 31 December 1917")
    return [finland]
