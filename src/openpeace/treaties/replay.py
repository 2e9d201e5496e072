"""The secret treaties in the 1917 replay: published and repudiated as the Soviet government did.

The documents appeared in Izvestia and Pravda from 23 November 1917; the Russo-Japanese
convention of 1916 in Pravda on 19 December 1917 (shared/research/history-1917.md §4). Each is
repudiated the day it is published, as the Decree on Peace of 8 November had announced for every
secret treaty; the statement is written for this project, not quoted from a translation. Only a
party can repudiate a treaty: the agreement of Saint-Jean-de-Maurienne, made without Russia and
subject to a consent it never gave, bound Russia to nothing, so it is published, not repudiated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from openpeace.core.treaty_status import Status
from openpeace.treaties.models import Treaty
from openpeace.treaties.services import treaty_publish, treaty_repudiate
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.models import State

PETROGRAD = dt.timezone(dt.timedelta(hours=3))
PUBLISHED_ON = {"russo-japanese-convention-1916": dt.date(1917, 12, 19)}
FIRST_PUBLICATION = dt.date(1917, 11, 23)
STATEMENT = (
    "The Workers' and Peasants' Government of Russia publishes this treaty, concluded in secret "
    "by the governments of the tsar and of the bourgeoisie, and declares it annulled, fully and "
    "at once: the peoples are bound by no promise of annexation made behind their backs. So the "
    "Decree on Peace of 8 November 1917 announced for every secret treaty. (Statement written "
    "for openpeace, summarising the Decree on Peace and the People's Commissariat for Foreign "
    "Affairs' statement of 22 November 1917.)"
)


@transaction.atomic
def treaties_replay_1917(say: Callable[[str], None] = print) -> list[Treaty]:
    """Import the default treaties if they are not yet in the register, then publish each
    secret one at its historical date and repudiate those Russia was a party to."""
    if not Treaty.objects.exists():
        treaties_import(settings.OPENPEACE_DEFAULT_TREATIES)
    russia = State.objects.get(key="russia")
    done = []
    for treaty in Treaty.objects.filter(status=Status.SECRET).order_by("signed_on"):
        day = PUBLISHED_ON.get(treaty.key, FIRST_PUBLICATION)
        noon = dt.datetime.combine(day, dt.time(12), PETROGRAD)
        treaty_publish(treaty=treaty, at=noon)
        if treaty.parties.filter(pk=russia.pk).exists():
            treaty_repudiate(treaty=treaty, statement=STATEMENT, on=day, by=russia,
                             at=noon + dt.timedelta(hours=1))
            say(f"published and repudiated {treaty.short_name} on {day}")
        else:
            say(f"published {treaty.short_name} on {day} (Russia was no party to repudiate it)")
        done.append(treaty)
    return done
