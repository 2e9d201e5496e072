"""A public text: what, if anything, is wrong with one.

Every text the site takes in to publish (a reply, a demand, a plebiscite's question, a treaty,
a session's record, an evacuation report…) is logged for good, so one rule judges them all: a
text shows its reader what it says, and hides nothing from them. It is judged character by
character by the Unicode general categories (The Unicode Standard, §4.5; UAX #44, §5.7.1):

* Cc, the control characters (U+0000–U+001F, U+007F–U+009F), are refused, all but the three
  that lay a text out: tab, line feed and carriage return. NUL above all, which PostgreSQL
  stores neither in text nor in jsonb.
* Cs, a surrogate code point on its own (a JSON `"\\ud800"`), is refused: it is not a
  character, and no UTF-8 text (the log's, the database's) can hold it.
* At least one character must be visible. These are not: white space (the Zs, Zl and Zp
  separators, and the three layout controls); format characters (Cf: the zero-width space,
  non-joiner and joiner U+200B–U+200D, the word joiner U+2060, the byte order mark U+FEFF, the
  bidirectional marks and overrides); combining marks (Mn, Mc, Me), which show only on a base
  letter; and the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, letters by category but
  default-ignorable (DerivedCoreProperties.txt), drawn as nothing.

Format characters and marks are refused only when they are all there is: a right-to-left mark
in Arabic, a zero-width non-joiner in Persian, a zero-width joiner in an Indic conjunct or an
emoji sequence belong to the text. A code point this Python's Unicode database leaves
unassigned (Cn) counts as visible: it may be a character of a later version (a new emoji), and
a text is never refused for being newer than the server.

A JSON document (a counter-proposal's terms) is judged by the first two rules in each of its
keys and strings, wherever they are; whether a value may be empty is its schema's business.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

LAYOUT_CONTROLS = frozenset("\t\n\r")
"""The control characters a text may hold: they lay it out."""

INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Mc", "Me"})
"""The general categories whose characters show nothing on their own."""

HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Letters (Lo) that Unicode makes default-ignorable: they show nothing."""


def _code_point(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that no public text may hold, described to its writer
    ("the control character U+0007"), or None if there is none."""
    for character in text:
        category = unicodedata.category(character)
        if character == "\x00":
            return "a NUL character (U+0000)"
        if category == "Cc" and character not in LAYOUT_CONTROLS:
            return (f"the control character U+{ord(character):04X}: tab, line feed and "
                    "carriage return are the only ones a text holds")
        if category == "Cs":
            return f"the surrogate U+{ord(character):04X} on its own, which is not a character"
    return None


def _visible(character: str) -> bool:
    """Whether `character` shows something on its own."""
    return (unicodedata.category(character) not in INVISIBLE_CATEGORIES
            and character not in HANGUL_FILLERS)


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: it is empty, or no character of it is visible."""
    return not any(map(_visible, text))


def _unseen(text: str) -> str:
    """Why a text that is not empty shows nothing, naming what it holds."""
    if text.isspace():
        return "it is only white space"
    hidden = next(c for c in text if not c.isspace())
    return (f"it has no visible character, only white space, format characters or combining "
            f"marks ({_code_point(hidden)})")


def text_problem(text: str, what: str, *, required: bool = True, blank: str = "") -> str | None:
    """What is wrong with `text` as a public text, as a sentence about `what` (such as "the
    question"), or None if nothing is.

    A text that is not `required` may be empty (not given), but not blank. `blank` is the
    caller's own words for a text that shows nothing, when its rule has them ("a progress report
    says what happened"); what the text holds instead is said after them.
    """
    if (character := forbidden_character(text)) is not None:
        return f"{what} cannot contain {character}"
    if not text:
        return (blank or f"{what} cannot be empty") if required else None
    if is_blank(text):
        return f"{blank} ({_unseen(text)})" if blank else f"{what} cannot be blank: {_unseen(text)}"
    return None


def _strings(document: object) -> Iterator[tuple[str, str]]:
    """Every key and string of a JSON document, in the document's order, each with where it is
    ("at clauses[0].id", "in a key of clauses[0]"; nothing for a document that is one string);
    without recursion, however deep the document."""
    waiting: list[tuple[str, object]] = [("", document)]
    while waiting:
        path, value = waiting.pop()
        if isinstance(value, str):
            yield (f"at {path}" if path else ""), value
        elif isinstance(value, dict):
            for key in value:
                if isinstance(key, str):
                    yield f"in a key of {path or 'the top level'}", key
            waiting.extend(reversed([(f"{path}.{key}" if path else str(key), member)
                                     for key, member in value.items()]))
        elif isinstance(value, list):
            waiting.extend(reversed([(f"{path}[{i}]", member)
                                     for i, member in enumerate(value)]))


def document_problem(document: object, what: str) -> str | None:
    """What is wrong with a JSON document's characters, as a sentence about `what` (such as
    "the terms") that says where, or None: none of its keys and strings may hold a character
    that no public text may hold."""
    for where, string in _strings(document):
        if (character := forbidden_character(string)) is not None:
            return f"{what} cannot contain {character}" + (f", {where}" if where else "")
    return None


def isolated(text: str) -> str:
    """`text` between Unicode's first-strong isolate and its pop (U+2068, U+2069; UAX #9, §2.7):
    `<bdi>` for plain text, where no element can be, such as a page's or a mail's `<title>`. A
    right-to-left name then keeps its punctuation in place and does not reorder the words
    around it."""
    return f"\u2068{text}\u2069" if text else ""
