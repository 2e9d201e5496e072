"""The map of the endorsements: the projection keeps every circle in view, a circle's area is
its count, each endorsement is drawn once (a region at its point, the rest of a country at the
country's), small circles are drawn over big ones, names are escaped, and the tally page and
its JSON carry the map and the points."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from importlib import resources
from itertools import pairwise
from typing import Any

from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from openpeace.diplomacy.models import Offer
from openpeace.publicity import maps, services
from openpeace.world.models import State, Territory

BERLIN, STRASBOURG = [13.4, 52.5], [7.7, 48.6]

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)
points = st.lists(st.tuples(lons, lats), min_size=1, max_size=30)
counts = st.integers(1, 10**7)


def country(name: str, at: list[float] | None, *regions: tuple[str | None, str | None,
                                                               list[float] | None, int]
            ) -> dict[str, Any]:
    """A country of `tally_json`: regions as (key, name, at, count); key None: not given."""
    rows = [{"key": k, "name": n, "at": a, "count": c} for k, n, a, c in regions]
    return {"key": name.lower(), "name": name, "at": at,
            "total": sum(r["count"] for r in rows), "regions": rows}


def circles(svg: str) -> list[dict[str, str]]:
    return [dict(zip(("cx", "cy", "r", "title"), found, strict=True)) for found in re.findall(
        r'<circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)"><title>([^<]*)</title></circle>', svg)]


# ---------------------------------------------------------------- the projection and the sizes

@given(points, counts)
def test_every_circle_lies_inside_the_view(where: list[tuple[float, float]], largest: int
                                           ) -> None:
    view = maps.frame(where)
    assert maps.MIN_HEIGHT <= view.height <= maps.MAX_HEIGHT
    r = maps.radius(largest, largest)
    for at in where:
        x, y = view.xy(at)
        assert r <= x <= maps.WIDTH - r and r <= y <= view.height - r, (at, x, y)


@given(points)
def test_the_projection_keeps_north_up_and_east_right(where: list[tuple[float, float]]) -> None:
    view = maps.frame(where)
    for a in where:
        for b in where:
            (xa, ya), (xb, yb) = view.xy(a), view.xy(b)
            assert (a[0] <= b[0]) <= (xa <= xb) and (a[1] <= b[1]) <= (ya >= yb)


@given(points)
def test_one_scale_for_both_axes(where: list[tuple[float, float]]) -> None:
    """The plate carrée: a degree of latitude is as long as a degree of longitude."""
    view = maps.frame(where)
    (x0, y0), (x1, y1) = view.xy((0.0, 0.0)), view.xy((1.0, 1.0))
    assert math.isclose(x1 - x0, y0 - y1)


@given(counts, counts, counts)
def test_a_circles_area_is_proportional_to_its_count(a: int, b: int, extra: int) -> None:
    largest = max(a, b) + extra
    ra, rb = maps.radius(a, largest), maps.radius(b, largest)
    assert maps.radius(largest, largest) == maps.R_MAX
    assert (a <= b) <= (ra <= rb) and min(ra, rb) >= maps.R_MIN
    if min(ra, rb) > maps.R_MIN:  # above the floor that keeps the smallest visible
        assert math.isclose(ra**2 / rb**2, a / b, rel_tol=1e-9)


@given(st.lists(st.tuples(lons, lats, st.integers(1, 1000)), min_size=2, max_size=20))
def test_smaller_circles_are_drawn_over_bigger_ones(rows: list[tuple[float, float, int]]
                                                    ) -> None:
    tally = [country(f"C{i}", [lon, lat], (None, None, None, n))
             for i, (lon, lat, n) in enumerate(rows)]
    drawn = [float(c["r"]) for c in circles(maps.tally_map_svg(tally))]
    assert len(drawn) == len(rows) and drawn == sorted(drawn, reverse=True)


# ---------------------------------------------------------------- what a circle counts

def test_a_region_at_its_point_the_rest_of_its_country_at_the_countrys() -> None:
    tally = [country("Germany", BERLIN, (None, None, None, 5),
                     ("alsace", "Alsace-Lorraine", STRASBOURG, 3)),
             country("Ottoman Empire", None, (None, None, None, 2),
                     ("erzurum", "Erzurum", None, 1)),
             country("France", [2.3, 48.9], ("algeria", "Algeria", None, 4))]
    placed, unplaced = maps.marks(tally)
    assert [(m.label, m.count, m.at) for m in placed] == [
        ("\u2068Germany\u2069, region not given", 5, (13.4, 52.5)),
        ("\u2068Germany\u2069, \u2068Alsace-Lorraine\u2069", 3, (7.7, 48.6))]
    # A region without a point is not drawn at its country's capital (Algeria is not in Paris).
    assert unplaced == 2 + 1 + 4
    svg = maps.tally_map_svg(tally)
    assert "7 endorsements from places without a point on the map are in the table only" in svg


@given(st.lists(st.tuples(st.booleans(), st.lists(st.tuples(st.booleans(), st.integers(0, 50)),
                                                  min_size=1, max_size=4)), max_size=6))
def test_every_endorsement_is_counted_once(shape: list[tuple[bool, list[tuple[bool, int]]]]
                                           ) -> None:
    tally = [country(f"C{i}", [10.0, float(i)] if placed else None,
                     *[(f"r{i}-{j}" if j else None, f"R{j}", [20.0, float(j)] if has else None, n)
                       for j, (has, n) in enumerate(regions)])
             for i, (placed, regions) in enumerate(shape)]
    drawn, unplaced = maps.marks(tally)
    assert sum(m.count for m in drawn) + unplaced == sum(c["total"] for c in tally)
    assert all(m.count > 0 for m in drawn)


def test_no_point_no_map() -> None:
    assert maps.tally_map_svg([]) == ""
    assert maps.tally_map_svg([country("Ottoman Empire", None, (None, None, None, 2))]) == ""


# ---------------------------------------------------------------- the drawing

def test_the_svg_is_an_image_with_a_name_and_a_description() -> None:
    svg = maps.tally_map_svg([country("Germany", BERLIN, (None, None, None, 5))])
    assert svg.startswith('<svg class="map" viewBox="0 0 600 ')
    assert 'role="img" aria-labelledby="map-title map-desc" dir="ltr"' in svg
    assert '<title id="map-title">Endorsements on the map</title>' in svg
    assert "the largest stands for 5." in svg
    assert "<script" not in svg and "style=" not in svg


def test_the_description_says_when_small_circles_are_enlarged() -> None:
    def svg(small: int) -> str:
        return maps.tally_map_svg([country("Germany", BERLIN, (None, None, None, 1000),
                                           ("alsace", "Alsace", STRASBOURG, small))])

    enlarged = "The smallest circles are drawn larger than their counts"
    assert enlarged in svg(1) and float(circles(svg(1))[1]["r"]) == maps.R_MIN
    assert enlarged not in svg(250)


def test_hostile_names_are_escaped() -> None:
    hostile = '<script>alert("x")</script> & <b>'
    svg = maps.tally_map_svg([country(hostile, BERLIN, ("alsace", "</title><a href=x>",
                                                        STRASBOURG, 2))])
    title = circles(svg)[0]["title"]
    assert title == ("\u2068&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;"
                     "\u2069, \u2068&lt;/title&gt;&lt;a href=x&gt;\u2069: 2")
    assert "<script" not in svg and "<a " not in svg and "<b>" not in svg


def test_clipping_keeps_what_lies_in_the_box() -> None:
    box = (0.0, 0.0, 10.0, 10.0)
    inside = [(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 1.0)]
    assert maps.clip(inside, box) == inside
    assert maps.clip([(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], box) == []
    across = maps.clip([(-5.0, 5.0), (5.0, 5.0), (5.0, 15.0)], box)
    assert across and all(0 <= x <= 10 and 0 <= y <= 10 for x, y in across)
    assert (0.0, 5.0) in across and (5.0, 10.0) in across  # where the ring crosses the edges


def test_the_land_is_clipped_to_the_view() -> None:
    europe = maps.frame([(13.4, 52.5), (2.3, 48.9), (30.3, 59.9)])
    world = maps.frame([(-171.8, -13.8), (174.8, -41.3), (30.3, 59.9)])
    europe_land, world_land = maps.land_path(europe), maps.land_path(world)
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", europe_land)]
    assert numbers and min(numbers) >= 0 and max(numbers) <= maps.WIDTH
    assert 0 < len(europe_land) < len(world_land) < 40_000


def test_the_land_file_is_small_says_its_source_and_is_well_formed() -> None:
    text = resources.files("openpeace.publicity").joinpath("land-110m.geojson").read_text()
    assert len(text.encode()) < 60_000
    land = json.loads(text)
    assert "Natural Earth" in land["properties"]["source"]
    assert "public domain" in land["properties"]["licence"].lower()
    for polygon in land["geometry"]["coordinates"]:
        for ring in polygon:
            assert ring[0] == ring[-1] and len(ring) >= 4
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
            # No edge jumps across the antimeridian (it would be drawn across the whole map).
            assert all(abs(a[0] - b[0]) < 180 for a, b in pairwise(ring))


# ---------------------------------------------------------------- the tally page and its JSON

def endorse(offer: Offer, contact: str, country_key: str, region: str | None = None) -> None:
    """A confirmed endorsement."""
    submitted = services.endorsement_submit(
        offer=offer, contact=contact, country=State.objects.get(key=country_key),
        region=Territory.objects.get(key=region) if region else None)
    services.endorsement_confirm(token=services.confirmation_token(submitted.endorsement.ref))


def test_the_tally_page_shows_the_map_over_its_table(client: Client, endorsable: Offer) -> None:
    endorse(endorsable, "a@example.org", "germany")
    endorse(endorsable, "b@example.org", "germany", "alsace")
    endorse(endorsable, "c@example.org", "germany", "alsace")
    endorse(endorsable, "d@example.org", "ottoman-empire", "erzurum")  # no point in `mini`
    services.tally_run(offer=endorsable, lag=dt.timedelta(0))
    page = client.get(f"/offers/{endorsable.key}/endorsements/").content.decode()
    figure = page[page.index("<figure>"):page.index("</figure>")]
    assert '<svg class="map"' in figure and "<figcaption>" in figure
    assert "The table gives every figure" in figure
    assert page.index("</figure>") < page.index('<caption id="countries-caption">Endorsements per '
                                                'country and region')
    assert {c["title"] for c in circles(figure)} == {
        "\u2068Germany\u2069, \u2068Alsace-Lorraine\u2069: 2",
        "\u2068Germany\u2069, region not given: 1"}
    assert "1 endorsement from a place without a point on the map is in the table only" in figure

    data = client.get(f"/offers/{endorsable.key}/endorsements.json").json()
    places = {(c["key"], tuple(c["at"] or ())): {r["key"]: r["at"] for r in c["regions"]}
              for c in data["countries"]}
    assert places == {("germany", (13.4, 52.5)): {None: None, "alsace": STRASBOURG},
                      ("ottoman-empire", ()): {"erzurum": None}}


def test_names_on_the_map_are_escaped(client: Client, endorsable: Offer) -> None:
    State.objects.filter(key="germany").update(name='Germany <img src=x onerror="alert(1)">')
    endorse(endorsable, "a@example.org", "germany")
    services.tally_run(offer=endorsable, lag=dt.timedelta(0))
    page = client.get(f"/offers/{endorsable.key}/endorsements/").content.decode()
    assert "<img" not in page
    assert ("<title>\u2068Germany &lt;img src=x onerror=&quot;alert(1)&quot;&gt;\u2069, "
            "region not given: 1</title>") in page


def test_an_offer_with_no_tally_shows_no_map(client: Client, endorsable: Offer) -> None:
    page = client.get(f"/offers/{endorsable.key}/endorsements/").content.decode()
    assert "No tally has been published yet." in page
    assert "<svg" not in page and "<figure>" not in page
