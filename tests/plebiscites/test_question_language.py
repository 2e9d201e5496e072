"""The question marked with the language it is written in wherever it is shown, for screen
readers to read it in that language and browsers to lay it out in its direction: the
plebiscite's page and the list of plebiscites (`lang` and `dir`), the booth (its page gives
the booth the tag and direction, which the booth sets on its legend: test_booth.py), the
feeds (`xml:lang`) and the open data (a `language` column)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from openpeace.core.situation import Situation
from openpeace.log.services import log_integrate
from tests.plebiscites.conftest import ARABIC_QUESTION, Running, start

FINNISH_QUESTION = "Oma valtio vai liittyminen Venäjään?"
"""A state of our own, or joining Russia?"""


@pytest.fixture(params=[("algerians", "france", "ar", ARABIC_QUESTION, "rtl"),
                        ("finns", "russia", "fi", FINNISH_QUESTION, "ltr")],
                ids=["arabic", "finnish"])
def voting(request: pytest.FixtureRequest, loaded: Situation) -> tuple[Running, str]:
    """A plebiscite voting now, its question in the nationality's language; and that
    language's direction."""
    nationality, ruler, language, question, direction = request.param
    now = timezone.now()
    running = start(nationality, [ruler], question=question, language=language,
                    opens=now - dt.timedelta(hours=1), closes=now + dt.timedelta(hours=1))
    return running, direction


def marking(client: Client, url: str, text: str) -> tuple[str | None, str | None]:
    """The `lang` and `dir` of the one element of the page at `url` that holds `text`."""
    response = client.get(url)
    assert response.status_code == 200
    (element,) = lxml.html.fromstring(response.content).xpath("//*[text()=$text]", text=text)
    return element.get("lang"), element.get("dir")


def test_the_pages_mark_the_question_with_its_language(voting: tuple[Running, str],
                                                       client: Client) -> None:
    running, direction = voting
    plebiscite = running.plebiscite
    marked = (plebiscite.language.tag, direction)
    assert marking(client, f"/plebiscites/{plebiscite.pk}/", plebiscite.question) == marked
    assert marking(client, "/plebiscites/", plebiscite.question) == marked


def test_the_booth_s_page_gives_it_the_question_s_language(voting: tuple[Running, str],
                                                          client: Client) -> None:
    running, direction = voting
    page = lxml.html.fromstring(client.get(f"/plebiscites/{running.plebiscite.pk}/booth/")
                                .content)
    (booth,) = page.xpath('//*[@id="booth"]')
    assert booth.get("data-question-language") == running.plebiscite.language.tag
    assert booth.get("data-question-direction") == direction


def test_the_feeds_give_the_question_s_language(voting: tuple[Running, str], log_key: None,
                                                client: Client) -> None:
    """A plebiscite's acts are described in the site's language; the question quoted in the
    summary of its call keeps its own."""
    running, _ = voting
    log_integrate()
    response = client.get("/feeds/languages/en.atom")
    assert response.status_code == 200
    atom = {"atom": "http://www.w3.org/2005/Atom"}
    (summary,) = etree.fromstring(response.content).xpath(
        "atom:entry[atom:category/@term='plebiscite.created']/atom:summary", namespaces=atom)
    assert summary.text == running.plebiscite.question
    assert summary.xpath("string(ancestor-or-self::*[@xml:lang][1]/@xml:lang)") == (
        running.plebiscite.language.tag)


def test_the_open_data_gives_the_question_s_language(voting: tuple[Running, str],
                                                     client: Client) -> None:
    running, _ = voting
    running.cast(0, 0)
    plebiscite = running.finish()
    tag = plebiscite.language.tag
    rows = json.loads(client.get("/data/plebiscite-results.json").getvalue())["rows"]
    assert [(r["question"], r["language"]) for r in rows] == [(plebiscite.question, tag)] * 2
    body = client.get("/data/plebiscite-results.csv").getvalue().decode("utf-8")
    table: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [(r["question"], r["language"]) for r in table] == [(plebiscite.question, tag)] * 2
