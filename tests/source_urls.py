"""The source URLs every entry point must refuse, and one it takes: one list for the tests of
each caller of `core.sources.url_problem`, so that they all hold the same addresses to it."""

from __future__ import annotations

import pytest

ABSOLUTE = "must be an absolute http or https URL"
GOOD_URL = "https://archive.example/decree-on-peace"
TOO_LONG = "https://archive.example/" + "a" * 500

REFUSED_URLS = [
    pytest.param("ftp://archive.example/decree.txt", ABSOLUTE, id="ftp"),
    pytest.param("javascript:alert(1)", ABSOLUTE, id="javascript"),
    pytest.param("/decrees/peace", ABSOLUTE, id="relative"),
    pytest.param(TOO_LONG, "has at most 500 characters, not 524", id="too-long"),
]
"""As a service refuses them (the message is `url_problem`'s)."""

IN_FILE_REFUSED_URLS = [
    pytest.param("ftp://archive.example/decree.txt", "does not match", id="ftp"),
    pytest.param("javascript:alert(1)", "does not match", id="javascript"),
    pytest.param("/decrees/peace", "does not match", id="relative"),
    pytest.param(TOO_LONG, "is longer than 500 characters", id="too-long"),
    pytest.param("https:///decree", ABSOLUTE, id="no-host"),
]
"""As a file's check refuses them: its schema's `^https?://` and `maxLength` first, then
`url_problem` for what the pattern lets through (no host)."""
