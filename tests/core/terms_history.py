"""Historical territorial clauses, 1915–1920, and a small register to judge them against.

The register is hand-built for these tests: its residents are the nationalities the clauses
touch (keys as in the 1917 default where it has them), not a census. Occupations and decisions
carry the dates the tests rely on. Each clause says which treaty it comes from, and what the
validator must find: one rule per nationality living in the territory, or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpeace.core.terms import (
    SEPARATE_STATE,
    ClauseKind,
    Decision,
    Destination,
    OccupationPeriod,
    Register,
    TerritorialClause,
)

TERRITORIES: dict[str, str] = {
    "trentino": "austria-hungary",
    "south-tyrol": "austria-hungary",
    "austrian-littoral": "austria-hungary",
    "dalmatia": "austria-hungary",
    "transylvania": "austria-hungary",
    "banat": "austria-hungary",
    "bukovina": "austria-hungary",
    "valona": "albania",
    "central-albania": "albania",
    "dodecanese": "ottoman-empire",
    "constantinople-and-the-straits": "ottoman-empire",
    "erzurum-vilayet": "ottoman-empire",
    "trebizond-vilayet": "ottoman-empire",
    "van-vilayet": "ottoman-empire",
    "bitlis-vilayet": "ottoman-empire",
    "syria": "ottoman-empire",
    "cilicia": "ottoman-empire",
    "baghdad-vilayet": "ottoman-empire",
    "basra-vilayet": "ottoman-empire",
    "mosul-vilayet": "ottoman-empire",
    "aidin-vilayet": "ottoman-empire",
    "alsace-lorraine": "germany",
    "upper-alsace-french-held": "germany",
    "left-bank-of-the-rhine": "germany",
    "north-schleswig": "germany",
    "courland": "russia",
    "lithuania": "russia",
    "warsaw-gg": "russia",
    "finland": "russia",
    "carpathian-passes": "romania",
    "southern-dobruja": "romania",
    "belgium-occupied": "belgium",
}

NATIONALITIES: dict[str, tuple[str, ...]] = {
    "italians-of-austria": ("trentino", "austrian-littoral", "dalmatia"),
    "germans-of-south-tyrol": ("south-tyrol",),
    "slovenes": ("austrian-littoral",),
    "croats": ("austrian-littoral", "dalmatia"),
    "serbs-of-austria-hungary": ("dalmatia", "banat"),
    "romanians-of-transylvania": ("transylvania", "banat"),
    "romanians-of-bukovina": ("bukovina",),
    "ukrainians": ("bukovina",),
    "albanians": ("valona", "central-albania"),
    "greeks-of-the-dodecanese": ("dodecanese",),
    "turks": ("constantinople-and-the-straits", "cilicia", "aidin-vilayet"),
    "greeks-of-constantinople": ("constantinople-and-the-straits",),
    "armenians": (
        "erzurum-vilayet", "trebizond-vilayet", "van-vilayet", "bitlis-vilayet", "cilicia",
    ),
    "kurds": ("erzurum-vilayet", "van-vilayet", "bitlis-vilayet", "mosul-vilayet"),
    "assyrians": ("van-vilayet", "mosul-vilayet"),
    "greeks-of-anatolia": ("trebizond-vilayet", "aidin-vilayet"),
    "arabs-of-syria": ("syria",),
    "arabs-of-mesopotamia": ("baghdad-vilayet", "basra-vilayet", "mosul-vilayet"),
    "alsace-lorrainers": ("alsace-lorraine", "upper-alsace-french-held"),
    "rhineland-germans": ("left-bank-of-the-rhine",),
    "danes-of-schleswig": ("north-schleswig",),
    "latvians": ("courland",),
    "lithuanians": ("lithuania",),
    "poles": ("warsaw-gg",),
    "finns": ("finland",),
    "romanians": ("carpathian-passes",),
    "flemings": ("belgium-occupied",),
}

OCCUPATIONS: tuple[OccupationPeriod, ...] = (
    # The dates of the 1917 default, and the Romanian entry into Czernowitz.
    OccupationPeriod("dodecanese", "italy", dt.date(1912, 5, 4)),
    OccupationPeriod("erzurum-vilayet", "russia", dt.date(1916, 2, 16)),
    OccupationPeriod("trebizond-vilayet", "russia", dt.date(1916, 4, 18)),
    OccupationPeriod("van-vilayet", "russia", dt.date(1915, 5, 19)),
    OccupationPeriod("bitlis-vilayet", "russia", dt.date(1916, 8, 24)),
    OccupationPeriod("basra-vilayet", "united-kingdom", dt.date(1914, 11, 6)),
    OccupationPeriod("baghdad-vilayet", "united-kingdom", dt.date(1917, 3, 11)),
    OccupationPeriod("upper-alsace-french-held", "france", dt.date(1914, 8, 7)),
    OccupationPeriod("courland", "germany", dt.date(1915, 5, 7)),
    OccupationPeriod("lithuania", "germany", dt.date(1915, 9, 19)),
    OccupationPeriod("warsaw-gg", "germany", dt.date(1915, 8, 5)),
    OccupationPeriod("belgium-occupied", "germany", dt.date(1914, 8, 4)),
    OccupationPeriod("bukovina", "romania", dt.date(1918, 11, 11)),
)

FINNISH_DECLARATION = Decision(
    "finns", SEPARATE_STATE, "declaration", dt.date(1917, 12, 6),
    "Declaration of Independence of Finland, 6 December 1917; recognised by the Council of "
    "People's Commissars on 31 December 1917",
)
SCHLESWIG_PLEBISCITE = Decision(
    "danes-of-schleswig", "denmark", "plebiscite", dt.date(1920, 2, 10),
    "Plebiscite in Zone I of Schleswig, 10 February 1920: 74.9 % for Denmark",
)
TARYBA_DECLARATION = Decision(
    "lithuanians", SEPARATE_STATE, "declaration", dt.date(1918, 2, 16),
    "Act of Independence of Lithuania, Council of Lithuania, 16 February 1918",
)
BUKOVINA_CONGRESS = Decision(
    "romanians-of-bukovina", "romania", "declaration", dt.date(1918, 11, 28),
    "General Congress of Bukovina, 28 November 1918: union with Romania",
)
DECISIONS = (FINNISH_DECLARATION, SCHLESWIG_PLEBISCITE, TARYBA_DECLARATION, BUKOVINA_CONGRESS)


def register(
    occupations: tuple[OccupationPeriod, ...] = OCCUPATIONS,
    decisions: tuple[Decision, ...] = DECISIONS,
) -> Register:
    return Register(
        territories=TERRITORIES,
        nationalities=NATIONALITIES,
        occupations=occupations,
        decisions=decisions,
    )


@dataclass(frozen=True)
class Historical:
    """A clause as a treaty wrote it, and the findings the validator owes it."""

    treaty: str
    year: int
    clause: TerritorialClause
    expected: tuple[tuple[str | None, str], ...]
    """(nationality, rule id) in nationality order; nationality None for the whole clause."""


def _h(
    treaty: str, year: int, key: str, territory: str, to: Destination, kind: ClauseKind,
    *expected: tuple[str | None, str],
) -> Historical:
    return Historical(treaty, year, TerritorialClause(key, territory, to, kind), expected)


def _all(rule: str, *nationalities: str) -> tuple[tuple[str | None, str], ...]:
    return tuple((n, f"annexation.{rule}") for n in nationalities)


LONDON = "Treaty of London"
SYKES_PICOT = "Sykes–Picot Agreement (with the Sazonov–Paléologue exchange)"
BUCHAREST_1916 = "Treaty of Bucharest (Romania and the Entente)"
FRANCO_RUSSIAN = "Franco-Russian exchange of notes (Doumergue agreement)"
BREST = "Treaty of Brest-Litovsk"
BUCHAREST_1918 = "Treaty of Bucharest (Romania and the Central Powers)"

HISTORY: tuple[Historical, ...] = (
    _h(LONDON, 1915, "london-art4-trentino", "trentino", "italy", "transfer",
       *_all("no_decision", "italians-of-austria")),
    _h(LONDON, 1915, "london-art4-south-tyrol", "south-tyrol", "italy", "transfer",
       *_all("no_decision", "germans-of-south-tyrol")),
    _h(LONDON, 1915, "london-art4-littoral", "austrian-littoral", "italy", "transfer",
       *_all("no_decision", "croats", "italians-of-austria", "slovenes")),
    _h(LONDON, 1915, "london-art5-dalmatia", "dalmatia", "italy", "transfer",
       *_all("no_decision", "croats", "italians-of-austria", "serbs-of-austria-hungary")),
    _h(LONDON, 1915, "london-art6-valona", "valona", "italy", "transfer",
       *_all("no_decision", "albanians")),
    _h(LONDON, 1915, "london-art7-albania", "central-albania", "italy", "protectorate",
       *_all("protectorate", "albanians")),
    _h(LONDON, 1915, "london-art8-dodecanese", "dodecanese", "italy", "transfer",
       *_all("no_decision", "greeks-of-the-dodecanese")),
    _h("Constantinople Agreement", 1915, "constantinople-straits",
       "constantinople-and-the-straits", "russia", "transfer",
       *_all("no_decision", "greeks-of-constantinople", "turks")),
    _h(SYKES_PICOT, 1916, "sykes-picot-erzurum", "erzurum-vilayet", "russia", "transfer",
       *_all("no_decision", "armenians", "kurds")),
    _h(SYKES_PICOT, 1916, "sykes-picot-trebizond", "trebizond-vilayet", "russia", "transfer",
       *_all("no_decision", "armenians", "greeks-of-anatolia")),
    _h(SYKES_PICOT, 1916, "sykes-picot-van", "van-vilayet", "russia", "transfer",
       *_all("no_decision", "armenians", "assyrians", "kurds")),
    _h(SYKES_PICOT, 1916, "sykes-picot-bitlis", "bitlis-vilayet", "russia", "transfer",
       *_all("no_decision", "armenians", "kurds")),
    _h(SYKES_PICOT, 1916, "sykes-picot-blue-syria", "syria", "france", "transfer",
       *_all("no_decision", "arabs-of-syria")),
    _h(SYKES_PICOT, 1916, "sykes-picot-blue-cilicia", "cilicia", "france", "transfer",
       *_all("no_decision", "armenians", "turks")),
    _h(SYKES_PICOT, 1916, "sykes-picot-red-baghdad", "baghdad-vilayet", "united-kingdom",
       "transfer", *_all("no_decision", "arabs-of-mesopotamia")),
    _h(SYKES_PICOT, 1916, "sykes-picot-red-basra", "basra-vilayet", "united-kingdom",
       "transfer", *_all("no_decision", "arabs-of-mesopotamia")),
    _h(SYKES_PICOT, 1916, "sykes-picot-area-a-mosul", "mosul-vilayet", "france",
       "protectorate", *_all("protectorate", "arabs-of-mesopotamia", "assyrians", "kurds")),
    _h(BUCHAREST_1916, 1916, "bucharest-1916-transylvania", "transylvania", "romania",
       "transfer", *_all("no_decision", "romanians-of-transylvania")),
    _h(BUCHAREST_1916, 1916, "bucharest-1916-banat", "banat", "romania", "transfer",
       *_all("no_decision", "romanians-of-transylvania", "serbs-of-austria-hungary")),
    # The General Congress of Bukovina voted for union with Romania seventeen days after the
    # Romanian army entered Czernowitz: the clause rests on a decision that was not free.
    _h(BUCHAREST_1916, 1916, "bucharest-1916-bukovina", "bukovina", "romania", "transfer",
       ("romanians-of-bukovina", "annexation.decision_not_free"),
       ("ukrainians", "annexation.no_decision")),
    _h("Agreement of Saint-Jean-de-Maurienne", 1917, "saint-jean-smyrna", "aidin-vilayet",
       "italy", "transfer", *_all("no_decision", "greeks-of-anatolia", "turks")),
    # France lost Alsace-Lorraine in 1871: getting it back is what the text calls the
    # incorrect sense of renouncing annexations.
    _h(FRANCO_RUSSIAN, 1917, "doumergue-alsace-lorraine", "alsace-lorraine", "france",
       "return_to_prewar_ruler", *_all("return_to_prewar_ruler", "alsace-lorrainers")),
    _h(FRANCO_RUSSIAN, 1917, "doumergue-left-bank", "left-bank-of-the-rhine", "france",
       "protectorate", *_all("protectorate", "rhineland-germans")),
    _h("Act of 5 November (Kingdom of Poland)", 1916, "act-of-5-november-poland", "warsaw-gg",
       "germany", "protectorate", *_all("protectorate", "poles")),
    # Art. 3: Russia renounces the territories west of the line; Germany and Austria-Hungary
    # are to determine their future status "in agreement with their population".
    _h(BREST, 1918, "brest-art3-courland", "courland", SEPARATE_STATE, "by_agreement",
       *_all("by_agreement", "latvians")),
    _h(BREST, 1918, "brest-art3-lithuania", "lithuania", SEPARATE_STATE, "by_agreement",
       *_all("decision_not_free", "lithuanians")),
    _h(BREST, 1918, "brest-art3-poland", "warsaw-gg", SEPARATE_STATE, "by_agreement",
       *_all("by_agreement", "poles")),
    _h(BUCHAREST_1918, 1918, "bucharest-1918-carpathians", "carpathian-passes",
       "austria-hungary", "border_rectification", *_all("border_rectification", "romanians")),
    # No nationality is registered in Southern Dobruja (as in the 1917 default).
    _h(BUCHAREST_1918, 1918, "bucharest-1918-southern-dobruja", "southern-dobruja", "bulgaria",
       "transfer", (None, "annexation.unknown_nationality")),
    # The Allies' reply to President Wilson demanded the restoration of Belgium: the state
    # getting back what it lost, with no decision of the Flemings.
    _h("Allied reply to President Wilson", 1917, "allied-note-belgium", "belgium-occupied",
       "belgium", "transfer", *_all("return_to_prewar_ruler", "flemings")),
    # Legitimate: they follow a free decision.
    _h("Decree of the Council of People's Commissars recognising Finland", 1917,
       "sovnarkom-finland", "finland", SEPARATE_STATE, "independence"),
    _h("Treaty of Versailles, Arts. 109–110", 1919, "versailles-north-schleswig",
       "north-schleswig", "denmark", "transfer"),
)
