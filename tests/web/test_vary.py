"""Only pages and feeds vary with the reader's language; the data does not, and says so, so
that a shared cache keeps one copy of it, not one per Accept-Language header."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from openpeace.core.situation import Situation

DATA = ["/api/states", "/api/openapi.json", "/data/offers.json", "/data/offers.csv"]
PAGES = ["/", "/data/", "/states/", "/feeds/"]
ACCEPT = ["de-CH,de;q=0.9,en;q=0.5", "ar-EG,ar;q=0.9", "en-GB"]


@pytest.mark.parametrize("path", DATA)
def test_data_does_not_vary_with_language(loaded: Situation, client: Client, path: str) -> None:
    answers = [client.get(path, headers={"accept-language": a}) for a in ACCEPT]
    assert {a.status_code for a in answers} == {200}
    # (an export says when it was generated: that is not the language)
    bodies = {re.sub(rb'"generated_at": "[^"]*"', b"", a.getvalue()) for a in answers}
    assert len(bodies) == 1, "the data reads differently by language"
    for answer in answers:
        assert "accept-language" not in answer.get("Vary", "").lower()
        assert not answer.has_header("Content-Language")


@pytest.mark.parametrize("path", PAGES)
def test_pages_and_feeds_still_vary_with_language(
    loaded: Situation, client: Client, path: str
) -> None:
    answer = client.get(path, headers={"accept-language": ACCEPT[0]})
    assert answer.status_code == 200
    assert "accept-language" in answer["Vary"].lower()
    assert answer["Content-Language"] == "en"
