"""The situation format: every rule reports its path and reason; valid ones round-trip."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import given

from openpeace.core.documents import Problem
from openpeace.core.situation import (
    SituationError,
    geometry_problems,
    situation_from_document,
    situation_to_document,
)
from openpeace.core.situation_file import parse_text
from tests.source_urls import ABSOLUTE, GOOD_URL, TOO_LONG
from tests.strategies import situations

Doc = dict[str, Any]


def problems_of(document: object) -> list[str]:
    with pytest.raises(SituationError) as caught:
        situation_from_document(document)
    return [str(p) for p in caught.value.problems]


def test_the_mini_situation_is_valid(mini_document: Doc) -> None:
    situation = situation_from_document(mini_document)
    assert [s.key for s in situation.states] == ["russia", "france", "germany", "ottoman-empire"]
    assert {x.tag: x.direction for x in situation.languages}["ota"] == "rtl"
    assert situation.nationalities[2].standing == "colonial"


def _set(path: list[str | int], value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _append(collection: str, item: Doc) -> Callable[[Doc], None]:
    return lambda doc: doc[collection].append(item)


BAD: list[tuple[str, Callable[[Doc], None], str]] = [
    (
        "unknown state",
        _set(["nationalities", 2, "ruled_by"], ["atlantis"]),
        "nationalities[2].ruled_by[0]: unknown state 'atlantis': no state has this key",
    ),
    (
        "duplicate key",
        _append("states", {"key": "russia", "name": "Russia again",
                           "government": {"name": "x"},
                           "peoples": [{"key": "other", "name": "x", "languages": ["ru"]}],
                           "sources": ["test"]}),
        "states[4].key: duplicate state key 'russia': already used above",
    ),
    (
        "bad language tag",
        _set(["languages", 0, "tag"], "xx-yy-zz"),
        "languages[0].tag: 'xx-yy-zz' is not a valid BCP 47 tag",
    ),
    (
        "date after the situation's date",
        _set(["occupations", 0, "since"], "1918-03-03"),
        "occupations[0].since: date out of order: 1918-03-03 is after the situation's date "
        "(as_of 1917-11-08)",
    ),
    (
        "belligerency before a party entered the war",
        _set(["belligerencies", 1, "since"], "1914-08-02"),
        "belligerencies[1].since: date out of order: 1914-08-02 is before 'france' entered "
        "the war (1914-08-03)",
    ),
    (
        "colonial nationality with no ruling state",
        _set(["nationalities", 2, "ruled_by"], []),
        "nationalities[2].ruled_by: a colonial nationality must name the state or states "
        "ruling it",
    ),
    (
        "belligerency between a state and itself",
        _set(["belligerencies", 0, "opponent"], "germany"),
        "belligerencies[0].opponent: a state cannot be at war with itself ('germany')",
    ),
    (
        "belligerency within one side",
        _append("belligerencies", {"state": "russia", "opponent": "france",
                                   "since": "1915-01-01", "sources": ["test"]}),
        "belligerencies[3]: 'russia' and 'france' are both on side 'allies': a belligerency "
        "joins opposite sides",
    ),
    (
        "the same war twice",
        _append("belligerencies", {"state": "russia", "opponent": "germany",
                                   "since": "1915-01-01", "sources": ["test"]}),
        "belligerencies[3]: duplicate belligerency: 'russia' and 'germany' are already at war "
        "in belligerencies[0]",
    ),
    (
        "a source's language that is no tag",
        _set(["sources", 0, "language"], "Russian"),
        "sources[0].language: 'Russian' is not a valid BCP 47 tag",
    ),
    (
        "impossible calendar date",
        _set(["states", 0, "entered_war"], "1914-02-30"),
        "states[0].entered_war: '1914-02-30' is not a date in the calendar",
    ),
    (
        "missing required field",
        lambda doc: doc["states"][1].pop("government"),
        "states[1]: \"government\" is a required property",
    ),
    (
        "unknown standing",
        _set(["nationalities", 0, "standing"], "dominion"),
        "nationalities[0].standing: \"dominion\" is not one of \"metropolitan\" or \"colonial\"",
    ),
    (
        "undeclared language",
        _set(["states", 2, "peoples", 0, "languages"], ["de", "pl"]),
        "states[2].peoples[0].languages[1]: unknown language 'pl': no language has this key",
    ),
    (
        "a state occupying its own land",
        _set(["occupations", 0, "occupier"], "ottoman-empire"),
        "occupations[0].occupier: 'ottoman-empire' holds 'erzurum': a state cannot occupy its "
        "own territory",
    ),
    (
        "unknown source",
        _set(["territories", 1, "sources"], ["hansard"]),
        "territories[1].sources[0]: unknown source 'hansard': no source has this key",
    ),
    (
        "malformed key",
        _set(["territories", 1, "key"], "Erzurum Vilayet"),
        "territories[1].key: \"Erzurum Vilayet\" does not match",
    ),
    (
        "a point off the Earth's longitudes",
        _set(["states", 0, "geometry"], {"type": "Point", "coordinates": [200.0, 59.9]}),
        "states[0].geometry.coordinates[0]: 200.0 is greater than the maximum of 180",
    ),
    (
        "a point off the Earth's latitudes",
        _set(["territories", 1, "geometry"], {"type": "Point", "coordinates": [41.3, -91]}),
        "territories[1].geometry.coordinates[1]: -91 is less than the minimum of -90",
    ),
    (
        "latitude and longitude swapped beyond the pole",
        _set(["territories", 0, "geometry"], {"type": "Point", "coordinates": [60.2, 124.9]}),
        "territories[0].geometry.coordinates[1]: 124.9 is greater than the maximum of 90",
    ),
    (
        "a geometry a map cannot place",
        _set(["territories", 0, "geometry"],
             {"type": "LineString", "coordinates": [[24.9, 60.2], [30.3, 59.9]]}),
        "territories[0].geometry.type: \"LineString\" is not one of \"Point\", \"Polygon\" or "
        "\"MultiPolygon\"",
    ),
    (
        "a polygon's corner off the Earth",
        _set(["states", 2, "geometry"], {"type": "MultiPolygon", "coordinates": [
            [[[6.0, 47.0], [15.0, 47.0], [15.0, 55.0], [6.0, 95.0], [6.0, 47.0]]]]}),
        "states[2].geometry.coordinates[0][0][3][1]: 95.0 is greater than the maximum of 90",
    ),
    (
        "an open ring",
        _set(["states", 2, "geometry"], {"type": "Polygon", "coordinates": [
            [[6.0, 47.0], [15.0, 47.0], [15.0, 55.0], [6.0, 55.0]]]}),
        "states[2].geometry.coordinates[0]: a ring must end where it begins",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BAD],
                         ids=[name for name, _, _ in BAD])
def test_each_malformed_variant_fails_with_its_specific_message(
    mini_document: Doc, change: Callable[[Doc], None], expected: str
) -> None:
    change(mini_document)
    problems = problems_of(mini_document)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_not_only_the_first(mini_document: Doc) -> None:
    _set(["nationalities", 2, "ruled_by"], ["atlantis"])(mini_document)
    _set(["languages", 0, "tag"], "xx-yy-zz")(mini_document)
    assert len(problems_of(mini_document)) >= 2


def test_the_error_names_the_file_and_every_problem() -> None:
    error = SituationError(
        [Problem("states[0]", "bad"), Problem("languages[1].tag", "worse")], "x.yaml"
    )
    assert str(error) == "x.yaml: states[0]: bad\nx.yaml: languages[1].tag: worse"


def test_a_repeated_yaml_key_is_refused_with_its_line() -> None:
    with pytest.raises(SituationError) as caught:
        parse_text("key: a\ntitle: b\nkey: c\n", is_json=False)
    assert str(caught.value.problems[0]) == "line 3, column 1: duplicate key 'key' in one mapping"


def test_a_repeated_json_key_is_refused() -> None:
    with pytest.raises(SituationError, match="duplicate key 'key'"):
        parse_text('{"key": "a", "key": "b"}', is_json=True)


def test_yaml_dates_stay_text_so_the_schema_checks_them() -> None:
    assert parse_text("as_of: 1917-11-08\n", is_json=False) == {"as_of": "1917-11-08"}


@pytest.mark.parametrize("text", ["key: [unclosed", "{{{", "- a\nb: c"])
def test_text_that_is_not_yaml_is_reported_not_raised(text: str) -> None:
    with pytest.raises(SituationError, match="not YAML"):
        parse_text(text, is_json=False)


@given(situations())
def test_every_valid_situation_round_trips_through_its_document(situation: Any) -> None:
    assert situation_from_document(situation_to_document(situation)) == situation


@pytest.mark.parametrize(("geometry", "problem"), [
    ({"type": "Point"}, "geometry: \"coordinates\" is a required property"),
    ({"type": "Point", "coordinates": [30.3, 95]},
     "geometry.coordinates[1]: 95 is greater than the maximum of 90"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
     "geometry.coordinates[0]: a ring must end where it begins"),
    ("Berlin", 'geometry: "Berlin" is not of types "null", "object"'),
])
def test_a_geometry_edited_alone_is_held_to_the_same_rules(geometry: object,
                                                           problem: str) -> None:
    problems = [str(p) for p in geometry_problems(geometry)]
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize("geometry", [
    None, {"type": "Point", "coordinates": [13.4, 52.5]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
])
def test_a_sound_geometry_has_no_problem(geometry: object) -> None:
    assert geometry_problems(geometry) == []


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["states", 1, "name"], "Fran\ud800ce",
     "(document): a situation cannot contain the surrogate U+D800 on its own, which is not a "
     "character, at states[1].name"),
    (["description"], "A war\x00", "(document): a situation cannot contain a NUL character "
                                   "(U+0000), at description"),
    (["languages", 0, "endonym"], "ру\x1bсский",
     "(document): a situation cannot contain the control character U+001B: tab, line feed and "
     "carriage return are the only ones a text holds, at languages[0].endonym"),
])
def test_a_character_no_text_may_hold_is_refused_at_its_path_before_the_schema(
    mini_document: Doc, path: list[str | int], value: str, problem: str
) -> None:
    """JSON writes a lone surrogate (`"\\ud800"`), which the schema's validator cannot even read
    (it raised UnicodeEncodeError): the file is refused first, saying where, and only that."""
    _set(path, value)(mini_document)
    document = parse_text(json.dumps(mini_document), is_json=True)
    assert problems_of(document) == [problem]


def test_a_lone_surrogate_escaped_in_yaml_is_not_yaml() -> None:
    """libyaml refuses the escape itself, at its line and column; the document never exists."""
    with pytest.raises(SituationError, match=r"line 2, column 11: not YAML: found invalid "
                                             r"Unicode character escape code"):
        parse_text('key: a\ntitle: "\\ud800"\n', is_json=False)


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["title"], "\u200b", "title: the situation's title cannot be blank: it has no visible "
                          "character, only white space, format characters or combining marks "
                          "(U+200B ZERO WIDTH SPACE)"),
    (["description"], "  ", "description: the situation's description cannot be blank: it is "
                            "only white space"),
    (["sources", 0, "title"], "\u2060", "sources[0].title: the title of source 'test' cannot "
                                        "be blank"),
    (["languages", 2, "endonym"], "\u200f", "languages[2].endonym: the endonym of language "
                                            "'ota' cannot be blank"),
    (["sides", 1, "name"], "\u3164", "sides[1].name: the name of side 'central-powers' cannot "
                                     "be blank"),
    (["states", 0, "name"], " ", "states[0].name: the name of state 'russia' cannot be blank"),
    (["states", 2, "government", "head"], "\u0301",
     "states[2].government.head: the head of the government of 'germany' cannot be blank"),
    (["states", 1, "government", "name"], "\u00a0",
     "states[1].government.name: the name of the government of 'france' cannot be blank"),
    (["states", 1, "peoples", 0, "name"], "\ufeff",
     "states[1].peoples[0].name: the name of people 'france-people' cannot be blank"),
    (["territories", 0, "name"], "\u200d", "territories[0].name: the name of territory"),
    (["nationalities", 1, "endonym"], "\u202e", "nationalities[1].endonym: the endonym of "
                                                "nationality"),
])
def test_a_text_that_shows_nothing_is_refused_at_its_path(
    mini_document: Doc, path: list[str | int], value: str, problem: str
) -> None:
    """The schema asks a name for one character; a zero-width space is one, and would have been
    published as the register's word. The rule of public texts (`core.text`) judges each."""
    _set(path, value)(mini_document)
    problems = problems_of(mini_document)
    assert [p for p in problems if p.startswith(problem)] and len(problems) == 1, problems


def test_an_empty_optional_text_is_not_given(mini_document: Doc) -> None:
    """A government's head or seat, a description, may be empty: not given, not blank."""
    mini_document["description"] = ""
    mini_document["states"][0]["government"]["head"] = ""
    assert situation_from_document(mini_document).states[0].government.head == ""


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://archive.example/decree.txt", "does not match"),
    ("javascript:alert(1)", "does not match"),
    ("/decrees/peace", "does not match"),
    (TOO_LONG, "a source's url has at most 500 characters, not 524"),
    ("https:///decree", ABSOLUTE),
])
def test_a_source_url_is_one_to_follow(mini_document: Doc, url: str, message: str) -> None:
    """The schema's `^https?://` first, then the check of every source URL
    (`core.sources.url_problem`): the register's column holds 500 characters."""
    mini_document["sources"][0]["url"] = url
    assert any(p.startswith("sources[0].url: ") and message in p
               for p in problems_of(mini_document))


def test_a_source_url_may_be_a_web_address(mini_document: Doc) -> None:
    mini_document["sources"][0]["url"] = GOOD_URL
    assert situation_from_document(mini_document).sources[0].url == GOOD_URL


def test_a_yaml_alias_repeats_its_value_as_pyyaml_writes_it() -> None:
    listed = ["a", "b"]
    text = yaml.safe_dump({"key": listed, "title": listed})
    assert "*id" in text  # PyYAML writes the second use as an alias
    assert parse_text(text, is_json=False) == {"key": ["a", "b"], "title": ["a", "b"]}


def test_a_billion_laughs_is_refused_before_anything_walks_it() -> None:
    """Ten lines whose aliases nest nine deep would make 9**10 values for the checks."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(SituationError) as caught:
        parse_text("\n".join(lines), is_json=False)
    assert str(caught.value.problems[0]) == (
        "line 7, column 5: aliases (*name) make this value more than 1,000,000 values: write "
        "it without them")


def test_an_alias_inside_its_own_value_is_refused() -> None:
    with pytest.raises(SituationError) as caught:
        parse_text("key: &k [a, *k]\n", is_json=False)
    assert str(caught.value.problems[0]) == (
        "line 1, column 6: this value (&name) contains an alias to itself (*name), which never "
        "ends")


@pytest.mark.parametrize(("text", "is_json", "where"), [
    ("key: " + "[" * 500 + "]" * 500, False, "line 1, column 37"),  # PyYAML recursed to death
    ('{"key": ' + "[" * 100_000 + "]" * 100_000 + "}", True, "(document)"),  # and json too
])
def test_a_document_nested_past_the_parsers_stack_is_refused_not_crashed(
        text: str, is_json: bool, where: str) -> None:
    with pytest.raises(SituationError) as caught:
        parse_text(text, is_json=is_json)
    assert str(caught.value.problems[0]) == (
        f"{where}: objects and arrays nest more than 32 levels deep, which no document here "
        "does")
