"""The shipped default: the world of 8 November 1917, as the issue and the source text ask."""

from __future__ import annotations

import pytest
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.core.situation_file import read_situation
from openpeace.world import models as m
from openpeace.world.services import situation_load
from tests.conftest import DEFAULT_1917


@pytest.fixture(scope="module")
def world() -> Situation:
    return read_situation(DEFAULT_1917)


def test_the_default_is_the_day_of_the_decree_on_peace(world: Situation) -> None:
    assert str(world.as_of) == "1917-11-08"
    assert world.proposing_state == "russia"


def test_at_least_twenty_belligerents_on_both_sides(world: Situation) -> None:
    sides = [s.side for s in world.states if s.side]
    assert len(sides) >= 20
    assert sides.count("central-powers") == 4
    central = {s.key for s in world.states if s.side == "central-powers"}
    assert central == {"germany", "austria-hungary", "ottoman-empire", "bulgaria"}


def test_russia_is_at_war_with_each_central_power(world: Situation) -> None:
    russia_wars = {
        b.opponent if b.state == "russia" else b.state
        for b in world.belligerencies
        if "russia" in (b.state, b.opponent)
    }
    assert russia_wars == {"germany", "austria-hungary", "ottoman-empire", "bulgaria"}


def test_no_war_that_began_after_the_date(world: Situation) -> None:
    """The United States declared war on Austria-Hungary only on 7 December 1917."""
    pairs = {frozenset((b.state, b.opponent)) for b in world.belligerencies}
    assert frozenset(("united-states", "austria-hungary")) not in pairs
    assert frozenset(("united-states", "germany")) in pairs


def test_sixty_nationalities_of_which_twenty_colonial(world: Situation) -> None:
    assert len(world.nationalities) >= 60
    assert sum(n.standing == "colonial" for n in world.nationalities) >= 20
    rulers = {r for n in world.nationalities if n.standing == "colonial" for r in n.ruled_by}
    # The colonies of every imperial power, not only of the enemy's.
    assert {"united-kingdom", "france", "italy", "portugal", "belgium", "japan",
            "united-states", "germany", "russia"} <= rulers


@pytest.mark.parametrize(
    "key",
    ["ukrainians", "finns", "poles", "lithuanians", "latvians", "estonians", "georgians",
     "armenians", "czechs", "slovaks", "croats", "slovenes", "arabs-of-syria",
     "arabs-of-mesopotamia", "kurds", "irish", "indians", "egyptians", "algerians",
     "vietnamese", "koreans"],
)
def test_the_nationalities_the_issue_names(world: Situation, key: str) -> None:
    assert key in {n.key for n in world.nationalities}


@pytest.mark.parametrize(
    ("territory", "occupier"),
    [
        ("erzurum-vilayet", "russia"), ("trebizond-vilayet", "russia"),
        ("van-vilayet", "russia"), ("bitlis-vilayet", "russia"),
        ("warsaw-gg", "germany"), ("lublin-mgg", "austria-hungary"),
        ("lithuania", "germany"), ("courland", "germany"),
        ("belgium-occupied", "germany"), ("north-east-france", "germany"),
        ("serbia-ah-zone", "austria-hungary"), ("wallachia", "germany"),
        ("friuli-venetia", "austria-hungary"),
        ("baghdad-vilayet", "united-kingdom"), ("basra-vilayet", "united-kingdom"),
        ("gaza", "united-kingdom"),
    ],
)
def test_the_occupations_the_issue_names(world: Situation, territory: str, occupier: str) -> None:
    assert (territory, occupier) in {(o.territory, o.occupier) for o in world.occupations}


def test_every_fact_cites_a_source(world: Situation) -> None:
    # A printed text (the programme itself) may have no address; most sources are online.
    assert all(s.url.startswith(("http://", "https://")) for s in world.sources if s.url)
    assert sum(bool(s.url) for s in world.sources) >= 0.9 * len(world.sources)
    for facts in (world.states, world.territories, world.nationalities,
                  world.belligerencies, world.occupations):
        assert all(fact.sources for fact in facts)


def test_every_state_and_territory_has_a_point_on_the_map(world: Situation) -> None:
    """The tally's map places each at its capital or chief town, from the gazetteer cited."""
    for place in (*world.states, *world.territories):
        geometry = place.geometry
        assert geometry is not None and geometry["type"] == "Point", place.key
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -60 <= lat <= 75, place.key  # inhabited latitudes
        assert (round(lon, 1), round(lat, 1)) == (lon, lat), place.key  # 0.1°, as the file says
        assert "geonames" in place.sources, place.key


@pytest.mark.parametrize(
    ("key", "lon", "lat"),
    [("russia", 30.3, 59.9), ("united-states", -77.0, 38.9), ("brazil", -43.2, -22.9),
     ("new-zealand", 174.8, -41.3), ("german-samoa", -171.8, -13.8), ("ukraine", 30.5, 50.5)],
)
def test_the_points_are_in_the_right_hemispheres(world: Situation, key: str, lon: float,
                                                 lat: float) -> None:
    """Longitude first (GeoJSON): a swapped or unsigned pair would put Petrograd in the Arctic
    Ocean, Washington in Asia and Rio de Janeiro in the northern hemisphere."""
    places = {p.key: p.geometry for p in (*world.states, *world.territories)}
    assert places[key] == {"type": "Point", "coordinates": [lon, lat]}


def test_ottoman_turkish_is_written_right_to_left(world: Situation) -> None:
    assert {x.tag: x.direction for x in world.languages}["ota"] == "rtl"


def test_the_default_loads_and_serves_its_pages(
    db: None, client: Client, world: Situation
) -> None:
    situation_load(world)
    assert m.Nationality.objects.filter(standing="colonial").count() >= 20
    germany = client.get("/states/germany/")
    assert germany.status_code == 200
    assert "Deutsches Reich" in germany.content.decode()
    ottoman = client.get("/states/ottoman-empire/").content.decode()
    assert 'lang="ota" dir="rtl"' in ottoman
    assert client.get("/api/nationalities?standing=colonial").json()["count"] >= 20
    assert client.get("/api/states/germany").json()["geometry"] == {
        "type": "Point", "coordinates": [13.4, 52.5]}
