"""Language tags (BCP 47, RFC 5646) and the writing direction of the script they imply.

A proclamation is addressed to a people *in its languages*; every page that shows a text in
another language must mark it with `lang` and `dir`. The direction is not stored by hand on
every text: it follows from the tag's script (explicit, as in `ku-Arab`, or the likely script
of the language, as CLDR's likely-subtags data gives it: `ota` → `Arab` → right to left).
"""

from __future__ import annotations

import re
from typing import Literal

import langcodes

Direction = Literal["ltr", "rtl"]

# ISO 15924 codes of the scripts written right to left (Unicode's bidi class R/AL scripts).
RTL_SCRIPTS = frozenset(
    {
        "Adlm", "Arab", "Aran", "Armi", "Avst", "Chrs", "Elym", "Hatr", "Hebr", "Hung", "Khar",
        "Lydi", "Mand", "Mani", "Mend", "Merc", "Mero", "Narb", "Nbat", "Nkoo", "Orkh", "Ougr",
        "Palm", "Phli", "Phlp", "Phnx", "Prti", "Rohg", "Samr", "Sarb", "Sogd", "Sogo", "Syrc",
        "Thaa", "Yezi",
    }
)  # fmt: skip


# RFC 5646 §2.1: subtags of letters and digits joined by hyphens (langcodes alone would
# also accept `en_GB`, which is a locale, not a language tag).
_TAG_SYNTAX = re.compile(r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def is_valid_tag(tag: str) -> bool:
    """Whether `tag` is a well-formed BCP 47 tag whose subtags are registered."""
    if not _TAG_SYNTAX.fullmatch(tag):
        return False
    try:
        return bool(langcodes.tag_is_valid(tag))
    except ValueError:  # langcodes.LanguageTagError is one
        return False


def script_of(tag: str) -> str | None:
    """The ISO 15924 script of `tag`: its script subtag, else the likely script of its language."""
    return langcodes.Language.get(tag).maximize().script


def direction_of(tag: str) -> Direction:
    """The writing direction of texts in `tag` (`rtl` for Arabic, Hebrew, Syriac... scripts)."""
    return "rtl" if script_of(tag) in RTL_SCRIPTS else "ltr"
