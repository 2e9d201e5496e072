"""A public text: a character of every general category alone and beside a letter, texts made
of them, the scripts that need format characters and marks, and JSON documents at any depth."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.text import (
    HANGUL_FILLERS,
    LAYOUT_CONTROLS,
    document_problem,
    forbidden_character,
    is_blank,
    isolated,
    text_problem,
)

# Every general category (UAX #44, table 12), and what a character of it is in a public text.
VISIBLE = ["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf",
           "Po", "Sm", "Sc", "Sk", "So", "Co", "Cn"]
SHOWS_NOTHING = ["Zs", "Zl", "Zp", "Cf", "Mn", "Mc", "Me"]
FORBIDDEN = ["Cc", "Cs"]
assert len({*VISIBLE, *SHOWS_NOTHING, *FORBIDDEN}) == 30


def of(category: str) -> st.SearchStrategy[str]:
    """A character of `category`, as this Python's Unicode database has it."""
    characters = st.characters(categories=[category])
    return characters.filter(lambda c: c not in HANGUL_FILLERS and c not in LAYOUT_CONTROLS)


invisible = st.one_of(*map(of, SHOWS_NOTHING), st.sampled_from(sorted(LAYOUT_CONTROLS)),
                      st.sampled_from(sorted(HANGUL_FILLERS)))
visible = st.one_of(*map(of, VISIBLE))
forbidden = st.one_of(*map(of, FORBIDDEN))


@pytest.mark.parametrize("category", VISIBLE)
@given(data=st.data())
def test_a_visible_character_is_a_text_alone(category: str, data: st.DataObject) -> None:
    character = data.draw(of(category))
    assert text_problem(character, "it") is None
    assert text_problem(f"{character}\n", "it") is None


@pytest.mark.parametrize("category", SHOWS_NOTHING)
@given(data=st.data())
def test_a_character_that_shows_nothing_is_blank_alone_and_fine_beside_a_letter(
    category: str, data: st.DataObject
) -> None:
    character = data.draw(of(category))
    assert is_blank(character) and is_blank(character * 3)
    assert (text_problem(character, "the question") or "").startswith(
        "the question cannot be blank")
    assert text_problem(f"a{character}b", "the question") is None


@pytest.mark.parametrize("category", FORBIDDEN)
@given(data=st.data(), before=st.text(visible), after=st.text(visible))
def test_a_control_character_or_a_lone_surrogate_is_refused_anywhere(
    category: str, data: st.DataObject, before: str, after: str
) -> None:
    character = data.draw(of(category))
    code = f"U+{ord(character):04X}"
    assert code in (forbidden_character(f"{before}{character}{after}") or "")
    problem = text_problem(f"{before}{character}{after}", "the text", required=False)
    assert problem is not None and problem.startswith("the text cannot contain") and code in problem


@pytest.mark.parametrize("control", sorted(LAYOUT_CONTROLS))
def test_tab_line_feed_and_carriage_return_lay_a_text_out(control: str) -> None:
    assert text_problem(f"Article 1.{control}Article 2.", "it") is None
    assert text_problem(control, "it") == "it cannot be blank: it is only white space"


@pytest.mark.parametrize("filler", sorted(HANGUL_FILLERS))
def test_a_hangul_filler_is_a_letter_that_shows_nothing(filler: str) -> None:
    assert unicodedata.category(filler) == "Lo"
    assert text_problem(filler, "a name") == (
        f"a name cannot be blank: it has no visible character, only white space, format "
        f"characters or combining marks (U+{ord(filler):04X} {unicodedata.name(filler)})")
    assert text_problem(f"한{filler}", "a name") is None


@given(st.text(invisible, min_size=1))
def test_a_text_of_characters_that_show_nothing_is_blank_required_or_not(text: str) -> None:
    for required in (True, False):
        problem = text_problem(text, "the text", required=required)
        assert problem is not None and problem.startswith("the text cannot be blank")


@given(st.lists(st.one_of(visible, invisible), min_size=1).filter(
    lambda cs: any(not is_blank(c) for c in cs)).map("".join))
def test_a_text_with_a_visible_character_and_no_forbidden_one_is_a_text(text: str) -> None:
    assert forbidden_character(text) is None and not is_blank(text)
    assert text_problem(text, "it") is None


@given(st.text(st.one_of(visible, invisible)), forbidden, st.text(st.one_of(visible, invisible)))
def test_the_first_forbidden_character_is_named(before: str, bad: str, after: str) -> None:
    assert f"U+{ord(bad):04X}" in (forbidden_character(before + bad + after) or "")


@pytest.mark.parametrize(("text", "problem"), [
    ("", "the text cannot be empty"),
    ("   ", "the text cannot be blank: it is only white space"),
    ("\u00a0\u3000", "the text cannot be blank: it is only white space"),
    ("\u200b\u200b", "the text cannot be blank: it has no visible character, only white space, "
                     "format characters or combining marks (U+200B ZERO WIDTH SPACE)"),
    (" \u2060\ufeff", "the text cannot be blank: it has no visible character, only white space, "
                      "format characters or combining marks (U+2060 WORD JOINER)"),
    ("\u202e", "the text cannot be blank: it has no visible character, only white space, format "
               "characters or combining marks (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("\u0301\u0301", "the text cannot be blank: it has no visible character, only white space, "
                     "format characters or combining marks (U+0301 COMBINING ACUTE ACCENT)"),
    ("a\x00b", "the text cannot contain a NUL character (U+0000)"),
    ("\u0001", "the text cannot contain the control character U+0001: tab, line feed and "
               "carriage return are the only ones a text holds"),
    ("ok\x7f", "the text cannot contain the control character U+007F: tab, line feed and "
               "carriage return are the only ones a text holds"),
    ("\x85", "the text cannot contain the control character U+0085: tab, line feed and "
             "carriage return are the only ones a text holds"),
    ("\ud800", "the text cannot contain the surrogate U+D800 on its own, which is not a "
               "character"),
])
def test_what_is_wrong_is_said(text: str, problem: str) -> None:
    assert text_problem(text, "the text") == problem


@pytest.mark.parametrize("text", [
    "می\u200cخواهم",  # Persian: a zero-width non-joiner inside a word
    "\u200fمرحبا بالسلام",  # Arabic, opened by a right-to-left mark
    "שלום\u200e (1917)",  # Hebrew, a left-to-right mark before Latin digits
    "क्\u200dष",  # Devanagari: a zero-width joiner in a conjunct
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # an emoji sequence joined by ZWJs
    "e\u0301",  # a combining accent on its base
    "\ufeffA text saved with a byte order mark.",
    "\U0001fae8",  # Unicode 15's shaking face: a character, assigned or not in this database
    "\ue000",  # private use
    "\tindented\r\nand on two lines",
])
def test_real_texts_need_format_characters_and_marks(text: str) -> None:
    assert text_problem(text, "it") is None


def test_an_optional_text_may_be_empty_but_not_blank() -> None:
    assert text_problem("", "a note", required=False) is None
    assert text_problem("", "a note") == "a note cannot be empty"
    assert text_problem(" \u200b", "a note", required=False) is not None


def test_the_callers_own_words_for_a_text_that_shows_nothing() -> None:
    says = "a progress report says what happened"
    assert text_problem("", "a report", blank=says) == says
    assert text_problem("\u200b", "a report", blank=says) == (
        f"{says} (it has no visible character, only white space, format characters or combining "
        "marks (U+200B ZERO WIDTH SPACE))")
    assert text_problem(" ", "a report", blank=says) == f"{says} (it is only white space)"
    assert text_problem("\x07", "a report", blank=says) == (
        "a report cannot contain the control character U+0007: tab, line feed and carriage "
        "return are the only ones a text holds")


# JSON documents -------------------------------------------------------------------------------

json_strings = st.text(st.one_of(visible, invisible), max_size=8)
documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_strings, inner, max_size=3),
    max_leaves=12,
)


@given(documents)
def test_a_document_without_forbidden_characters_passes(document: Any) -> None:
    assert document_problem(document, "the terms") is None


@given(documents, forbidden, st.sampled_from(["key", "value"]))
def test_a_forbidden_character_in_any_key_or_string_is_found_where_it_is(
    document: Any, bad: str, where: str
) -> None:
    placed = {"clauses": [{"id": "a", "text": f"x{bad}y", "rest": document}]} if where == "value" \
        else {"clauses": [{"id": "a", f"x{bad}": document}]}
    problem = document_problem(placed, "the terms")
    assert problem is not None and f"U+{ord(bad):04X}" in problem
    assert problem.endswith("at clauses[0].text" if where == "value"
                            else "in a key of clauses[0]")


@pytest.mark.parametrize(("document", "problem"), [
    ({"a\x00": 1}, "the terms cannot contain a NUL character (U+0000), in a key of the top level"),
    ([1, ["ok", "\x1b"]], "the terms cannot contain the control character U+001B: tab, line "
                          "feed and carriage return are the only ones a text holds, at [1][1]"),
    ("\x00", "the terms cannot contain a NUL character (U+0000)"),
    ({"a": "\x01", "b": "\x02"}, "the terms cannot contain the control character U+0001: tab, "
                                 "line feed and carriage return are the only ones a text holds, "
                                 "at a"),
])
def test_the_first_bad_character_in_document_order_is_named(document: object,
                                                            problem: str) -> None:
    assert document_problem(document, "the terms") == problem


def test_an_escaped_nul_is_six_characters_and_a_deep_document_is_no_recursion() -> None:
    assert document_problem(json.loads('{"text": "\\\\u0000"}'), "the terms") is None
    deep: object = "\x00"
    for _ in range(3_000):  # deeper than Python's recursion limit
        deep = [deep]
    assert (document_problem(deep, "it") or "").endswith("at " + "[0]" * 3_000)
    assert document_problem({"blank": "", "spaces": "  ", "tab": "\t"}, "it") is None


@given(st.text(min_size=1))
def test_isolated_puts_a_text_between_first_strong_isolate_and_its_pop(text: str) -> None:
    """UAX #9 §2.7: FSI opens the isolate, PDI closes it; the text inside is unchanged."""
    shown = isolated(text)
    assert unicodedata.name(shown[0]) == "FIRST STRONG ISOLATE"
    assert unicodedata.name(shown[-1]) == "POP DIRECTIONAL ISOLATE"
    assert shown[1:-1] == text


def test_nothing_isolated_is_nothing() -> None:
    assert isolated("") == ""  # no empty isolate left in a title
