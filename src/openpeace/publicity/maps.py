"""The endorsements on a map: a small server-drawn SVG, no JavaScript, like the chart; the table
of countries and regions beside it carries every figure for those who cannot see it.

What a circle counts: one row of that table, so every endorsement is drawn exactly once. A
region's endorsers are at the region's point (its chief town), and a country's endorsers who
gave no region at the country's point (its capital). A circle for each country's total with
its regions' circles on top would draw every regional endorser twice and make a country that
has regions look bigger than it is; here a country's circles add up to its total, and all the
circles to the tally's. A row whose place has no point in the register is left off the map,
and the description says how many endorsements that is.

How it is drawn: a circle's area is proportional to its count (the radius grows as the square
root), the largest at `R_MAX`; one that would be smaller than `R_MIN` is drawn at `R_MIN`, so
it can still be seen and pointed at. Bigger circles go first and smaller ones on top, so none
hides another. The projection is the plate carrée (x is the longitude and y the latitude, at
one scale), fitted to the points with room for the largest circle at every edge: it distorts
the far north, but every reader can check a point against it, and its code and tests stay
small. Under the circles, for orientation only, the land: Natural Earth's 1:110m outline
(public domain; `land-110m.geojson` says where it comes from), clipped to the view.
`scripts/make-land-outline` makes that file from its source.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openpeace.core.geometry import Point
from openpeace.core.text import isolated

WIDTH, MIN_HEIGHT, MAX_HEIGHT = 600, 240, 520
R_MAX, R_MIN = 30.0, 3.0
PAD = R_MAX + 4
"""Room at every edge of the view for the largest circle."""
MIN_SPAN = 30.0
"""The fewest degrees of longitude a view shows, so that a few nearby places still show the
coasts and seas around them."""

Box = tuple[float, float, float, float]
"""West, south, east, north, in degrees."""


@dataclass(frozen=True)
class Mark:
    """One row of the tally's table with a place on the map: whose endorsements, how many,
    where."""

    label: str
    count: int
    at: Point


@dataclass(frozen=True)
class Frame:
    """The plate carrée of one view: its centre, its scale (SVG units per degree), its height."""

    centre: Point
    scale: float
    height: int

    def xy(self, at: Point) -> tuple[float, float]:
        return (WIDTH / 2 + (at[0] - self.centre[0]) * self.scale,
                self.height / 2 - (at[1] - self.centre[1]) * self.scale)

    def box(self) -> Box:
        half_width, half_height = WIDTH / 2 / self.scale, self.height / 2 / self.scale
        return (self.centre[0] - half_width, self.centre[1] - half_height,
                self.centre[0] + half_width, self.centre[1] + half_height)


def marks(countries: Sequence[Mapping[str, Any]]) -> tuple[list[Mark], int]:
    """The rows of a tally (`selectors.tally_json`'s countries) that have a point, biggest
    first, and how many endorsements the rows without one count."""
    placed: list[Mark] = []
    unplaced = 0
    for country in countries:
        for region in country["regions"]:
            at = region["at"] if region["key"] else country["at"]
            if region["count"] <= 0:
                continue
            if at is None:
                unplaced += region["count"]
            else:
                placed.append(Mark(_label(country, region), region["count"], (at[0], at[1])))
    placed.sort(key=lambda mark: -mark.count)
    return placed, unplaced


def _label(country: Mapping[str, Any], region: Mapping[str, Any]) -> str:
    """A row's name, each place isolated (U+2068…U+2069, the <bdi> of plain text) so that a
    right-to-left name cannot carry the punctuation and the count along with it."""
    where = {"country": isolated(country["name"]),
             "region": isolated(region["name"] or region["key"])}
    if region["key"]:
        return _("%(country)s, %(region)s") % where
    return _("%(country)s, region not given") % where


def frame(points: Sequence[Point]) -> Frame:
    """The view fitted to the points' box with `PAD` all round: a box too tall for
    `MAX_HEIGHT` is shown wider instead, and a flat one is given `MIN_HEIGHT`."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lon_span = max(max(lons) - min(lons), MIN_SPAN)
    lat_span = max(lats) - min(lats)
    scale = (WIDTH - 2 * PAD) / lon_span
    if lat_span * scale > MAX_HEIGHT - 2 * PAD:
        scale = (MAX_HEIGHT - 2 * PAD) / lat_span
    height = max(round(lat_span * scale + 2 * PAD), MIN_HEIGHT)
    return Frame(((max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2), scale, height)


def radius(count: int, largest: int) -> float:
    """A circle's radius: its area proportional to the count, the largest count's at `R_MAX`,
    none below `R_MIN`."""
    return max(_proportional(count, largest), R_MIN)


def _proportional(count: int, largest: int) -> float:
    return R_MAX * math.sqrt(count / largest)


@cache
def _land() -> list[list[list[list[float]]]]:
    """The land's polygons (each a list of rings of [lon, lat]), read once."""
    text = resources.files("openpeace.publicity").joinpath("land-110m.geojson").read_text()
    polygons: list[list[list[list[float]]]] = json.loads(text)["geometry"]["coordinates"]
    return polygons


def clip(ring: Sequence[Sequence[float]], box: Box) -> list[Point]:
    """The part of a ring inside the box (Sutherland–Hodgman, one edge of the box at a time);
    where the ring leaves the box, the result runs along the edge, outside the view."""
    west, south, east, north = box
    points: list[Point] = [(p[0], p[1]) for p in ring]
    for axis, limit, above in ((0, west, True), (0, east, False),
                               (1, south, True), (1, north, False)):
        kept: list[Point] = []
        for previous, current in zip(points[-1:] + points[:-1], points, strict=True):
            is_in = _inside(current, axis, limit, above)
            if is_in != _inside(previous, axis, limit, above):
                kept.append(_crossing(previous, current, axis, limit))
            if is_in:
                kept.append(current)
        points = kept
    return points


def _inside(p: Point, axis: int, limit: float, above: bool) -> bool:
    return p[axis] >= limit if above else p[axis] <= limit


def _crossing(a: Point, b: Point, axis: int, limit: float) -> Point:
    """Where the segment from a to b crosses the line `axis` = `limit`."""
    t = (limit - a[axis]) / (b[axis] - a[axis])
    crossed = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return (limit, crossed[1]) if axis == 0 else (crossed[0], limit)


def land_path(view: Frame) -> str:
    """The land inside the view as one SVG path, to the nearest unit (it is only a backdrop)."""
    box = view.box()
    rings = []
    for polygon in _land():
        for ring in polygon:
            drawn: list[str] = []
            for point in clip(ring, box):
                x, y = view.xy(point)
                step = f"{x:.0f},{y:.0f}"
                if not drawn or drawn[-1] != step:
                    drawn.append(step)
            if len(drawn) >= 3:
                rings.append("M" + " ".join(drawn) + "Z")
    return "".join(rings)


def _circle(mark: Mark, view: Frame, largest: int) -> tuple[str, str, str, str]:
    """A circle's centre, radius and title (its text, escaped by `format_html_join`)."""
    x, y = view.xy(mark.at)
    return (f"{x:.1f}", f"{y:.1f}", f"{radius(mark.count, largest):.1f}",
            f"{mark.label}: {mark.count}")


def tally_map_svg(countries: Sequence[Mapping[str, Any]]) -> SafeString:
    """The map of a tally's countries and regions; '' when none of them has a point."""
    placed, unplaced = marks(countries)
    if not placed:
        return mark_safe("")
    view = frame([mark.at for mark in placed])
    largest = placed[0].count
    circles = format_html_join(
        "", '<circle cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
        (_circle(mark, view, largest) for mark in placed),
    )
    description = _("One circle per row of the table of countries and regions, its area "
                    "proportional to the endorsements it counts; the largest stands for "
                    "%(largest)s.") % {"largest": largest}
    if _proportional(placed[-1].count, largest) < R_MIN:
        description += " " + _("The smallest circles are drawn larger than their counts, so "
                               "that they can be seen.")
    if unplaced:
        description += " " + ngettext(
            "%(n)s endorsement from a place without a point on the map is in the table only.",
            "%(n)s endorsements from places without a point on the map are in the table only.",
            unplaced) % {"n": unplaced}
    return format_html(
        '<svg class="map" viewBox="0 0 {w} {h}" role="img" aria-labelledby="map-title map-desc" '
        'dir="ltr"><title id="map-title">{title}</title><desc id="map-desc">{desc}</desc>'
        '<rect class="sea" width="{w}" height="{h}"/>'
        '<path class="land" fill-rule="evenodd" d="{land}"/>{circles}</svg>',
        w=WIDTH, h=view.height, title=_("Endorsements on the map"), desc=description,
        land=land_path(view), circles=circles,
    )
