"""The evacuation of Turkish Armenia in the 1917 replay: the decree's plan, and what happened.

The Council of People's Commissars adopted the Decree on Turkish Armenia on 11 January 1918
(29 December 1917 OS); Pravda published it on 13 January. It promised the withdrawal of the
Russian troops as the first guarantee of a free referendum, with an Armenian militia, the return
of the refugees and deported, and an elected provisional government; a mixed commission was to
fix the date and ways of the withdrawal (the default file, 1917-11-evacuation.yaml, holds the
plan; its deadlines were chosen for openpeace, the decree set none).

What the record below says, and why:

- The withdrawal did happen, but not by the plan. Most soldiers of the Russian Caucasus Army had
  left the front for home since the armistice of Erzincan (18 December 1917), before any order;
  Armenian and Georgian units held the line when the Ottoman Third Army attacked near Erzincan on
  12 February 1918. No mixed commission, militia or elected government is recorded in the
  sources at hand. So no stage is recorded as completed: a completion would say the plan was
  carried out.
- Each occupation ends by a recorded act on the first day the sources fix when the Russian army
  was certainly gone: Trebizond on 24 February 1918, when Ottoman troops took the town; Erzurum,
  Bitlis and Van on 3 March 1918, when by Art. IV of the Treaty of Brest-Litovsk Russia undertook
  to evacuate the provinces of eastern Anatolia and return them to Turkey, its soldiers having
  for the most part already gone. Armenian units went on holding Erzurum until 12 March and Van
  until 6 April 1918 (some give 7 April); those are no longer Russia's occupation, and the
  register has no occupation for them (the Ottoman Empire holds these lands by right in it).
- The plans end *closed*, not completed, and the overdue flags of February 1918 are measured
  against openpeace's chosen deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from openpeace.world.evacuation import occupation_end, report_record
from openpeace.world.evacuation_file import DEFAULT_1917, evacuation_import
from openpeace.world.models import EvacuationPlan, Occupation

PETROGRAD = dt.timezone(dt.timedelta(hours=3))
VILAYETS = ["erzurum-vilayet", "trebizond-vilayet", "bitlis-vilayet", "van-vilayet"]

PUBLISHED = (
    "The decree is published in Pravda (31 December 1917 OS). It leaves the date and ways of "
    "the withdrawal to a mixed commission to be formed with the help of Stepan Shaumyan, "
    "Extraordinary Commissar for Caucasian Affairs."
)
PUBLISHED_SOURCE = ("This Week in Armenian History: Soviet Russia's Decree on Turkish Armenia, "
                    "December 29, 1917")
PUBLISHED_URL = (
    "http://thisweekinarmenianhistory.blogspot.com/2012/12/soviet-russias-decree-on-turkish.html"
)
OFFENSIVE = (
    "The Ottoman Third Army opens its offensive near Erzincan. Most soldiers of the Russian "
    "Caucasus Army have left the front for home since the armistice of Erzincan (18 December "
    "1917), many before any order to demobilise; Armenian and Georgian units, some 20,000 men on "
    "the whole front by one estimate, hold the line. The withdrawal the decree asked for is "
    "happening by the army's dissolution, without the mixed commission, the Armenian militia or "
    "the other guarantees it named."
)
OFFENSIVE_SOURCE = ("'Turkey Starts Offensive in the Caucasus', 12 February 1918 (after R. Ford, "
                    "Eden to Armageddon, and R. Kévorkian, The Armenian Genocide)")
OFFENSIVE_URL = "https://ww1.blogberth.com/2018/02/13/turkey-starts-offensive-in-the-caucasus-2/"
TRABZON = (
    "Ottoman troops of the Third Army take Trabzon. The Russian garrison had already gone; the "
    "town was held by the remnants left behind. Russia's occupation of the eastern Trebizond "
    "vilayet ends with the army's departure, not through the plan: no stage of it was carried "
    "out as the decree intended."
)
TRABZON_SOURCE = "Capture of Trabzon (1918), after the Wikipedia article of that name"
TRABZON_URL = "https://wikiland.org/fr/Capture_of_Trabzon_(1918)"
BREST = (
    "Treaty of Brest-Litovsk, Article IV: \"Russia will do all within her power to insure the "
    "immediate evacuation of the provinces of eastern Anatolia and their lawful return to "
    "Turkey.\" Russia gives up its occupation by treaty; its soldiers had for the most part "
    "already left. The province goes back to the Ottoman Empire, not to the free decision of its "
    "people that the Decree on Turkish Armenia had promised."
)
BREST_SOURCE = ("R. G. Hovannisian, Armenia on the Road to Independence, 1918 (1967), on the "
                "Brest-Litovsk settlement, quoting Article IV")
BREST_URL = "https://www.armenica.org/cgi-bin/armenica.cgi?36376657503755=1=1=385=25==1=3=A"


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), PETROGRAD)


@transaction.atomic
def evacuation_replay_1917(say: Callable[[str], None] = print) -> list[EvacuationPlan]:
    """Adopt the decree's plans (from the default file, unless already adopted) and record what
    happened to the four occupations until Russia's occupation of each had ended."""
    adopted_on = dt.date(1918, 1, 11)
    if not EvacuationPlan.objects.filter(occupation__territory__key__in=VILAYETS).exists():
        evacuation_import(DEFAULT_1917, at=_at(adopted_on))
    plans = {
        p.occupation.territory.key: p
        for p in EvacuationPlan.objects.select_related("occupation__territory").filter(
            occupation__territory__key__in=VILAYETS, occupation__occupier__key="russia"
        )
    }
    say("the Decree on Turkish Armenia adopts the evacuation of four vilayets on 11 January 1918")
    for key in VILAYETS:
        report_record(plan=plans[key], on=dt.date(1918, 1, 13), text=PUBLISHED,
                      source=PUBLISHED_SOURCE, source_url=PUBLISHED_URL,
                      at=_at(dt.date(1918, 1, 13)))
    for key in VILAYETS:
        report_record(plan=plans[key], on=dt.date(1918, 2, 12), text=OFFENSIVE,
                      source=OFFENSIVE_SOURCE, source_url=OFFENSIVE_URL,
                      at=_at(dt.date(1918, 2, 12), 18))
    occupation_end(occupation=_occupation("trebizond-vilayet"), on=dt.date(1918, 2, 24),
                   act=TRABZON, source=TRABZON_SOURCE, source_url=TRABZON_URL,
                   at=_at(dt.date(1918, 2, 24), 18))
    say("Russia's occupation of Trebizond is over on 24 February 1918, when Ottoman troops "
        "take the town")
    for key in ["erzurum-vilayet", "bitlis-vilayet", "van-vilayet"]:
        occupation_end(occupation=_occupation(key), on=dt.date(1918, 3, 3), act=BREST,
                       source=BREST_SOURCE, source_url=BREST_URL, at=_at(dt.date(1918, 3, 3), 18))
    say("by the Treaty of Brest-Litovsk (3 March 1918, Art. IV) Russia gives up its occupation of "
        "Erzurum, Bitlis and Van: the plans end closed, not completed")
    return [plans[k] for k in VILAYETS]


def _occupation(territory: str) -> Occupation:
    return Occupation.objects.get(territory__key=territory, occupier__key="russia")
