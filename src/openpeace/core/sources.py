"""A cited source, as every file of openpeace cites one (a situation, its evacuation plans, its
demands, its treaties): a title, an optional address, and the optional BCP 47 tag of the
language the title is written in (and, most often, the page it links).

The language is what lets a page mark a Russian decree's title as Russian (`lang`, `dir`, and
`hreflang` on its link), so that a screen reader reads it in Russian and not as English with
the wrong voice. It is optional: most sources cited are English, and a title that mixes two
languages is better left unmarked than marked wrongly.

The address is judged once for them all, and for a decision's source too (`url_problem`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from openpeace.core.documents import Problem
from openpeace.core.languages import is_valid_tag
from openpeace.core.text import text_problem


def language_problem(language: object) -> str | None:
    """What is wrong with a source's `language`, or None (absent, or a BCP 47 tag)."""
    if language is None or (isinstance(language, str) and is_valid_tag(language)):
        return None
    return f"{language!r} is not a valid BCP 47 tag"


URL_MAX = 500
"""The longest source address kept: the register's URL columns hold 500 characters."""

URL_SCHEMES = frozenset({"http", "https"})
"""A source is cited for its readers to follow: a link they can open in a browser, not an
`ftp:` one, nor a `javascript:` one, which a page would run, nor a relative one, which would
resolve against the site and not against the source."""

_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def _not_a_host(host: str) -> bool:
    """Whether `host` (as `urlsplit` gives it, lower-cased and without its brackets) is neither
    an IP address nor a public domain name: two labels at least, separated by dots, each of
    letters, digits and inner hyphens, the last not all digits. A name in another script is
    judged in its IDNA form, as a browser sends it."""
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        pass
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return True
    labels = ascii_host.split(".")
    return (len(ascii_host) > 253 or len(labels) < 2 or labels[-1].isdigit()
            or not all(_LABEL.fullmatch(label) for label in labels))


def url_problem(url: str, what: str = "a source's url", *, limit: int = URL_MAX) -> str | None:
    """What is wrong with the address of a cited source, named `what`, or None: it may be left
    out (empty), else it is a public text (`core.text`: no NUL, no control character) of at
    most `limit` characters, an absolute http or https URL with a host and no white space.

    The one check of every source URL a reader is meant to follow: a decision's, a demand's and
    its steps', an evacuation plan's and its reports', a treaty's and the situation's. In the
    core, in plain Python, so that the situation file is held to it as the Django apps are, and
    as strict as Django's URLValidator on what a reader meets: the scheme, the host, the port."""
    if not url:
        return None
    if problem := text_problem(url, what):
        return problem
    if len(url) > limit:
        return f"{what} has at most {limit} characters, not {len(url)}"
    refused = f"{what} must be an absolute http or https URL, not {url[:80]!r}"
    if any(character.isspace() for character in url):
        return f"{refused}: it holds white space"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not one
    except ValueError:
        return refused
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        return refused
    if _not_a_host(parts.hostname):
        return f"{refused}: {parts.hostname!r} is not a host name"
    return None


def sources_problems(path: str, sources: Sequence[Mapping[str, Any]]) -> Iterator[Problem]:
    """Every source of `sources` (at `path`) whose url is not one to follow (`url_problem`) or
    whose language is not a BCP 47 tag, each at its path: a file is judged whole before a row
    of it is written."""
    for i, source in enumerate(sources):
        if problem := url_problem(source.get("url") or ""):
            yield Problem(f"{path}[{i}].url", problem)
        if problem := language_problem(source.get("language")):
            yield Problem(f"{path}[{i}].language", problem)
