"""What `describe` says of an act keeps each name it joins in apart (segments), so that a mail's
HTML can isolate it in `<bdi>`, and still says, as plain text, exactly what it said before: the
sentence formatted (`_format` is `%` with a mapping), the summary on one line and shortened
(`_shorten`), character for character, whatever the text and wherever the names fall.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from openpeace.log.models import Entry
from openpeace.log.services import canonical_json
from openpeace.publicity.feeds.acts import (
    _NOT_XML,
    Segment,
    Segments,
    _format,
    _joined,
    _shorten,
    describe,
)
from openpeace.publicity.feeds.register import Register, TreatyFacts

# White space of every kind, what XML cannot carry, markup, "%", and two scripts.
TEXT = st.text(st.sampled_from(" \t\n\x00\x0b\x1c\xa0\u2028\ufffeab%<&عد"), max_size=12)
WORDS = st.lists(st.text(st.sampled_from("ab<&عد"), min_size=1), min_size=1, max_size=3)
SEGMENTS = st.lists(st.builds(Segment, TEXT, st.booleans()), max_size=6).map(tuple)


def shortened(text: str, limit: int) -> str:
    """The plain text the feeds have always given: on one line, cut at a word."""
    text = _NOT_XML.sub("", " ".join(text.split()))
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def names(segments: Segments) -> list[str]:
    return [segment.text for segment in segments if segment.name]


@given(SEGMENTS, st.integers(0, 30))
def test_a_shortened_text_is_the_plain_text_it_always_was(segments: Segments,
                                                          limit: int) -> None:
    result = _shorten(segments, limit)
    assert _joined(result) == shortened(_joined(segments), limit)
    assert all(segment.text for segment in result)
    if len(_joined(result)) > limit:
        assert result[-1] == Segment("…")  # the ellipsis is not part of a name


@given(st.lists(st.one_of(TEXT.map(Segment), WORDS.map(" ".join).map(
    lambda name: Segment(name, name=True))), max_size=6).map(tuple))
def test_each_name_stays_a_segment_of_its_own_when_nothing_is_cut(segments: Segments) -> None:
    """Names one after the other stay two names; white space around a name is not the name's."""
    result = _shorten(segments, 10_000)
    assert names(result) == names(segments)


@given(st.lists(st.one_of(
    st.text(st.sampled_from("ab <&عد")),
    st.just("%%"),
    st.sampled_from(["%(plain)s", "%(name)s", "%(names)s", "%(number)s", "%(number)d"]),
), max_size=8).map("".join), TEXT, TEXT, st.integers(-5, 5))
def test_a_sentence_formatted_is_the_text_percent_gave_with_its_names_apart(
    template: str, plain: str, name: str, number: int,
) -> None:
    both = (Segment(name, name=True), Segment(", "), Segment(plain, name=True))
    result = _format(template, plain=plain, name=(Segment(name, name=True),), names=both,
                     number=number)
    assert _joined(result) == template % {"plain": plain, "name": name,
                                          "names": _joined(both), "number": number}
    named = {"name": [name], "names": [name, plain]}
    conversions = re.findall(r"%%|%\((\w+)\)", template)  # as `%` reads it, left to right
    assert names(result) == [text for key in conversions for text in named.get(key, [])]


def entry(kind: str, subject: str, content: dict[str, Any]) -> Entry:
    return Entry(kind=kind, subject=subject, index=1, body=canonical_json(
        {"v": 1, "kind": kind, "subject": subject, "time": "x", "content": content}))


def register() -> Register:
    """The names `describe` reads, without a database."""
    from openpeace.world.models import State

    known = Register()
    known.__dict__.update(
        publisher="Council of People's Commissars", armistices={}, offers={},
        states={"germany": State(key="germany", name="Germany"),
                "ottoman-empire": State(key="ottoman-empire", name="دولت علیه عثمانیه")},
        nationalities={"armenians": "Armenians"},
        treaties={"straits": TreatyFacts("straits", "Straits & <Erzurum>", frozenset())})
    return known


def test_a_list_of_states_and_a_shortened_summary_keep_their_names_apart() -> None:
    armistice = describe(entry("armistice.recorded", "offer:peace-1917", {
        "parties": ["germany", "ottoman-empire"], "signed_on": "1917-12-15",
        "effective_on": "1917-12-17"}), register())
    assert armistice.summary.text == (
        "Parties: Germany, دولت علیه عثمانیه. In force from 17 December 1917.")
    assert names(armistice.summary.segments) == ["Germany", "دولت علیه عثمانیه"]

    findings = describe(entry("treaty.findings_changed", "treaty:straits", {
        "decision": {"nationality": "armenians", "taken_on": "1917-12-01"},
        "clauses": [{"id": "art-1", "findings": ["annexation.decision_not_free"],
                     "previous": ["annexation.no_decision"]}]}), register())
    assert findings.title.text == "Findings on the clauses changed: Straits & <Erzurum>"
    assert names(findings.title.segments) == ["Straits & <Erzurum>"]
    assert findings.summary.text == (
        "The clauses were judged again after the decision of the Armenians taken on "
        "1 December 1917. Clause art-1: annexation.decision_not_free (before: "
        "annexation.no_decision).")
    assert names(findings.summary.segments) == ["Armenians"]
    # the page's title, which an act of a kind not worded yet is named by, keeps it too
    (page,) = findings.pages
    assert (page.title, names(page.heading)) == ("Straits & <Erzurum>", ["Straits & <Erzurum>"])
