"""Search on whichever database the tests run on (the suite runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from openpeace.core.search_query import QueryError
from openpeace.treaties.models import Treaty
from openpeace.treaties.search import treaty_search
from openpeace.treaties.selectors import TreatyFilters
from openpeace.treaties.services import treaty_publish


def test_a_secret_treaty_is_never_found(published: Treaty) -> None:
    assert treaty_search("Anleihe") == []
    assert treaty_search("financial") == []
    assert {h.treaty for h in treaty_search("Russia OR Anleihe OR loan")} == {"straits-pact"}


def test_hits_come_from_texts_in_every_language_and_from_clauses(published: Treaty) -> None:
    hits = treaty_search("Erzurum")
    assert {(h.language, h.clause) for h in hits} == {("fr", None), ("en", "art-1")}
    assert [h.language for h in treaty_search("Эрзурум")] == ["ru"]
    assert [h.language for h in treaty_search("Константинополь")] == ["ru"]


def test_snippets_mark_the_words_found(published: Treaty) -> None:
    [hit] = treaty_search('"promised to Russia"')
    marked = [hit.plain[a:b] for a, b in hit.highlights]
    # FTS5 marks the phrase, PostgreSQL each of its words but the stop word "to".
    assert {"promised", "russia"} <= set(" ".join(marked).lower().split()) <= {
        "promised", "to", "russia"}


def test_operators_quotes_and_prefixes(published: Treaty) -> None:
    assert {h.clause for h in treaty_search("erzurum -russia")} == {None}
    assert {h.clause for h in treaty_search('"Alsace-Lorraine"')} == {"art-2"}
    assert {h.clause for h in treaty_search("Alsace* returned")} == {"art-2"}
    assert {h.clause for h in treaty_search("(secrecy OR returned) pact")} <= {"art-3", None}
    assert treaty_search('"France receives Erzurum"') == []


def test_ranking_puts_the_better_match_first(published: Treaty) -> None:
    hits = treaty_search("secret")
    assert hits[0].rank >= hits[-1].rank
    assert treaty_search("Pacte Détroits")[0].title == "Pacte secret des Détroits"


def test_filters(published: Treaty, secret: dict[str, Treaty]) -> None:
    assert treaty_search("Erzurum", TreatyFilters(party="germany")) == []
    assert treaty_search("Erzurum", TreatyFilters(party="france"))
    assert treaty_search("Erzurum", TreatyFilters(signed_from=dt.date(1916, 1, 1))) == []
    assert treaty_search("Erzurum", TreatyFilters(signed_to=dt.date(1915, 3, 4)))
    assert treaty_search("Erzurum", TreatyFilters(status="repudiated")) == []
    assert treaty_search("Erzurum", TreatyFilters(clause_type="military")) == []
    assert treaty_search("Erzurum", TreatyFilters(clause_type="secrecy"))
    assert treaty_search("Erzurum", TreatyFilters(flagged=False)) == []
    treaty_publish(treaty=secret["finnish-note"])
    assert {h.treaty for h in treaty_search("Anleihe", TreatyFilters(flagged=False))} == {
        "finnish-note"}


def test_a_malformed_query_is_a_clear_error(published: Treaty) -> None:
    with pytest.raises(QueryError, match="never closed"):
        treaty_search('"Erzurum')


def test_paging(published: Treaty) -> None:
    everything = treaty_search("Erzurum OR secret OR Alsace", limit=50)
    assert len(everything) >= 4
    assert treaty_search("Erzurum OR secret OR Alsace", limit=2, offset=2) == everything[2:4]


def test_a_phrase_keeps_its_words_even_where_one_is_a_stop_word(published: Treaty) -> None:
    """'war' is a German stop word; with a German text in the register, "war indemnity" must
    still need both words (PostgreSQL's German phrase would be 'indemnity' alone)."""
    from openpeace.treaties.services import treaty_clauses_refresh

    published.clauses.filter(code="art-2").update(description="A war indemnity is paid.")
    published.clauses.filter(code="art-3").update(description="An indemnity, not for war.")
    treaty_clauses_refresh(published)
    assert [h.clause for h in treaty_search('"war indemnity"')] == ["art-2"]


def test_a_word_an_engine_cannot_index_finds_nothing_and_breaks_nothing(
    published: Treaty,
) -> None:
    assert treaty_search("²") == []
    assert {h.treaty for h in treaty_search("Erzurum -²")} == {"straits-pact"}
    assert {h.treaty for h in treaty_search("Erzurum OR ²")} == {"straits-pact"}
