"""The log browser: every entry reachable a page at a time, by kind and subject, without
JavaScript; a filter that cannot apply is refused at its field and lists nothing."""

from __future__ import annotations

import re

from django.test import Client

from openpeace.core.log.note import Verifier
from openpeace.log.services import log_integrate
from openpeace.publicity.log_pages import PAGE
from tests.html import dangling, described
from tests.log.conftest import append


def _indexes(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/log/entries/(\d+)">', page)]


def _older(page: str) -> str | None:
    found = re.search(r'<a href="(\?[^"]*)#entries" rel="next">', page)
    return found[1].replace("&amp;", "&") if found else None


def test_every_entry_is_reached_page_by_page_newest_first(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(PAGE * 2 + 3)
    log_integrate()
    seen: list[int] = []
    query: str | None = ""
    while query is not None:
        response = client.get(f"/log/{query}")
        assert response.status_code == 200
        page = response.content.decode()
        seen += _indexes(page)
        query = _older(page)
    assert seen == list(range(PAGE * 2 + 2, -1, -1))
    last = client.get(f"/log/?before={PAGE + 3}").content.decode()
    assert _indexes(last) == list(range(PAGE + 2, 2, -1)) and "Newest entries" in last
    assert f"<title>The transparency log, entries before {PAGE + 3} · " in last  # another page
    assert "<title>The transparency log · " in client.get("/log/").content.decode()


def test_entries_are_filtered_by_kind_and_subject_across_pages(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(PAGE + 5, kind="treaty.published")
    append(4, kind="treaty.repudiated")
    log_integrate()
    page = client.get("/log/?kind=treaty.repudiated").content.decode()
    assert _indexes(page) == [PAGE + 8, PAGE + 7, PAGE + 6, PAGE + 5] and _older(page) is None
    first = client.get("/log/?kind=treaty.published").content.decode()
    assert _indexes(first) == list(range(PAGE + 4, 4, -1))
    assert _older(first) == "?kind=treaty.published&before=5"
    rest = client.get(f"/log/{_older(first)}").content.decode()
    assert _indexes(rest) == [4, 3, 2, 1, 0]
    about = client.get("/log/?subject=act:2").content.decode()
    assert _indexes(about) == [PAGE + 7, 2]
    both = client.get("/log/?kind=treaty.repudiated&subject=act:2").content.decode()
    assert _indexes(both) == [PAGE + 7]
    none = client.get("/log/?subject=state:atlantis").content.decode()
    assert _indexes(none) == [] and "No entry matches." in none


def test_a_filter_that_cannot_apply_is_refused_at_its_field(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(3, kind="treaty.published")
    log_integrate()
    for query, message in [
        ("kind=treaty.publishd", "No public act is of the kind treaty.publishd."),
        ("before=ten", "before must be an entry&#x27;s index, a whole number."),
        ("before=0", "Ensure this value is greater than or equal to 1."),
        ("before=99999999999999999999", "Ensure this value is less than or equal to"),
        (f"subject={'s' * 201}", "Ensure this value has at most 200 characters"),
    ]:
        response = client.get(f"/log/?{query}")
        page = response.content.decode()
        assert response.status_code == 400, query
        assert message in page and 'role="alert"' in page, query
        assert _indexes(page) == [], query


def test_a_refused_kind_is_said_at_its_field_and_each_kind_reads_in_words(
    db: None, log_key: Verifier, client: Client
) -> None:
    """The Act select is described by its message (an element with that id); its options say
    each kind in words, the kind itself beside, as the log names it."""
    response = client.get("/log/?kind=nosuchkind")
    page = response.content.decode()
    assert response.status_code == 400 and dangling(page) == []
    assert described(page, "id_kind") == ["id_kind_error"]
    assert ('<strong class="error" id="id_kind_error">No public act is of the kind nosuchkind.'
            '</strong>') in page
    assert ('<option value="evacuation.plan_adopted">evacuation plan adopted '
            "(evacuation.plan_adopted)</option>") in client.get("/log/").content.decode()
