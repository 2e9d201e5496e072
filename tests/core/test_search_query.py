"""The search query language: what people type, parsed once, rendered for SQLite FTS5.

The FTS5 rendering is checked against a real FTS5 table: whatever a person types either gets a
clear `QueryError` or becomes a MATCH expression SQLite accepts, never an SQL error.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.search_query import (
    And,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    parse,
    to_fts5,
    words,
)


@pytest.mark.parametrize("query,tree", [
    ("Constantinople", Term("constantinople")),
    ('"left bank" Rhine', And((Phrase(("left", "bank")), Term("rhine")))),
    ("Saint-Jean-de-Maurienne", Phrase(("saint", "jean", "de", "maurienne"))),
    ("Dalmat*", Term("dalmat", prefix=True)),
    ("trieste OR fiume", Or((Term("trieste"), Term("fiume")))),
    ("straits -persia", And((Term("straits"), Not(Term("persia"))))),
    ("straits NOT persia", And((Term("straits"), Not(Term("persia"))))),
    ("a AND b", And((Term("a"), Term("b")))),
    ("(syria OR cilicia) france", And((Or((Term("syria"), Term("cilicia"))), Term("france")))),
    ("Константинополь", Term("константинополь")),
    ('"Trieste"', Term("trieste")),
])
def test_queries_people_type(query: str, tree: object) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize("query,message", [
    ("", "type at least one word"),
    ("   ", "type at least one word"),
    ('"left bank', "the quote opened at character 1 is never closed"),
    ("trieste OR", "OR at character 9 has nothing after it"),
    ("OR trieste", "OR at character 1 has nothing before it"),
    ("(trieste", "the parenthesis opened at character 1 is never closed"),
    ("trieste)", "the parenthesis at character 8 closes nothing"),
    ("()", "the parentheses at character 1 are empty"),
    ("-persia", "a query cannot only exclude"),
    ("a OR -b", "OR cannot join an exclusion"),
    ("a --b", "a double exclusion"),
    ('""', "the quotes at character 1 hold no word"),
    ("!!!", "'!!!' at character 1 is not a word"),
    ("saint-jean*", "a prefix* is one word"),
    ("x" * 501, "at most 500"),
    (" ".join(["w"] * 33), "more than 32 words"),
])
def test_malformed_queries_are_refused_with_what_and_where(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace("*", r"\*")):
        parse(query)


@pytest.fixture(scope="module")
def fts5() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(body) VALUES (?)", [
        ("Russia receives Constantinople and the Straits",),
        ("Italy receives Trieste, Istria and Dalmatia",),
        ("France receives Syria and Cilicia; the left bank of the Rhine",),
    ])
    return db


def _match(db: sqlite3.Connection, query: str) -> list[int]:
    rows = db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                      (to_fts5(parse(query)),))
    return [r for (r,) in rows]


@pytest.mark.parametrize("query,rows", [
    ("receives", [1, 2, 3]),
    ("receives -italy", [1, 3]),
    ('"left bank"', [3]),
    ('"bank left"', []),
    ("trieste OR syria", [2, 3]),
    ("Dalm*", [2]),
    ("(trieste OR syria) rhine", [3]),
    ("straits", [1]),  # the stemmer: Straits -> strait
    ("constantinople AND NOT straits", []),
])
def test_the_fts5_rendering_means_what_it_says(fts5: sqlite3.Connection, query: str,
                                                rows: list[int]) -> None:
    assert _match(fts5, query) == rows


_alphabet = st.sampled_from([*'abcé ж"()-*_\'\\:^+.', "OR", "AND", "NOT", " "])


@given(st.lists(_alphabet, max_size=25).map("".join) | st.text(max_size=40))
def test_any_input_is_refused_clearly_or_accepted_by_fts5(fts5: sqlite3.Connection,
                                                          query: str) -> None:
    try:
        node = parse(query)
    except QueryError as error:
        assert str(error)
        return
    assert words(node)
    fts5.execute("SELECT count(*) FROM t WHERE t MATCH ?", (to_fts5(node),)).fetchone()


@pytest.mark.parametrize("query,ranked", [
    ("straits -persia", Term("straits")),
    ("a b -c", And((Term("a"), Term("b")))),
    ("(a -b) OR c", Or((Term("a"), Term("c")))),
    ('"left bank"', Phrase(("left", "bank"))),
])
def test_results_are_ranked_by_the_words_looked_for(query: str, ranked: object) -> None:
    from openpeace.core.search_query import positive

    assert positive(parse(query)) == ranked
