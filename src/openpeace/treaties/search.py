"""Full-text search over published treaties: one interface, each database's own engine.

`treaty_search` takes what a person typed, parses it with the core's query language (a
malformed query is a `QueryError` with a message, never a database error), and runs it on SQLite
FTS5 (bm25 ranking, `snippet()`) or PostgreSQL full-text search (`ts_rank_cd`, `ts_headline`),
whichever the site runs on. Both see only published and repudiated treaties: a secret treaty's
rows are in the index (so that publishing is one commit) but the treaty-status condition sits in
the one query every search goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from openpeace.core import search_query as q
from openpeace.treaties.models import TreatyText
from openpeace.treaties.selectors import TreatyFilters, treaty_list_public

START, STOP = q.MARK_START, q.MARK_STOP

_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek",
    "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}


def config_for(language: str) -> str:
    """PostgreSQL's text search configuration for a language: its stemmer where PostgreSQL has
    one, else `simple` (exact words; every row is also indexed under `simple`)."""
    return _CONFIGS.get(language.split("-")[0].lower(), "simple")


@dataclass(frozen=True)
class Hit:
    treaty: str
    short_name: str
    status: str
    language: str
    title: str
    snippet: str
    """The matched passage, plain text, matched words between `START` and `STOP`."""
    clause: str | None
    rank: float

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """(start, end) of each matched word in `plain`."""
        spans, offset, start = [], 0, 0
        for i, char in enumerate(self.snippet):
            if char == START:
                start = i - offset
                offset += 1
            elif char == STOP:
                spans.append((start, i - offset))
                offset += 1
        return spans

    @property
    def plain(self) -> str:
        return self.snippet.replace(START, "").replace(STOP, "")


def _filters(filters: TreatyFilters) -> tuple[str, list[Any]]:
    """The treaties a search may find: the register's public list under the same filters
    (`selectors.treaty_list_public`), as a subquery, so that the search and the list can never
    disagree on what a filter means or on what is public."""
    ids = treaty_list_public(filters).order_by().values("pk")
    sql, params = ids.query.sql_with_params()
    return f"t.id IN ({sql})", list(params)


_SELECT = """t.key, t.short_name, t.status, d.language, d.title, c.code"""
_JOINS = """JOIN treaties_treaty t ON t.id = d.treaty_id
    LEFT JOIN treaties_clause c ON c.id = d.clause_id"""


def _sqlite(node: q.Node, where: str, params: list[Any], limit: int, offset: int) -> str:
    """FTS5's own `rank` column, set to bm25 with the title weighted 4 to 1: FTS5 hands the rows
    over sorted, so SQLite stops at the last row asked for (sqlite.org/fts5.html §5.4)."""
    params[:0] = [START, STOP, q.to_fts5(node)]
    params += [limit, offset]
    return f"""
        SELECT {_SELECT}, snippet(treaties_search, -1, %s, %s, '…', 24), treaties_search.rank
        FROM treaties_search JOIN treaties_searchdocument d ON d.id = treaties_search.rowid
        {_JOINS}
        WHERE treaties_search MATCH %s AND treaties_search.rank MATCH 'bm25(4.0, 1.0)'
          AND {where}
        ORDER BY treaties_search.rank LIMIT %s OFFSET %s"""


class _Leaves:
    """The words and phrases of a query as PostgreSQL tsqueries, computed in one round trip.

    Each is computed under every configuration in use and the repeats dropped ('treaty' is the
    same lexeme under simple, french and german: one operand, not three, for the ranking to
    walk). A phrase is kept under a configuration only if its first and last words survive
    there: `phraseto_tsquery('german', 'war indemnity')` is just 'indemnity' ('war' is a German
    stop word), which would match every text with the one word.
    """

    def __init__(self, configs: list[str]) -> None:
        self.configs = configs
        self.rows: list[str] = []
        self.params: list[Any] = []
        self.count = 0

    def add(self, function: str, value: str, first: str | None = None,
            last: str | None = None) -> int:
        for c in self.configs:
            guard = "TRUE"
            if first is not None:
                guard = f"plainto_tsquery('{c}', %s)::text <> '' AND " \
                        f"plainto_tsquery('{c}', %s)::text <> ''"
            self.rows.append(f"({self.count}, {function}('{c}', %s)::text, {guard})")
            self.params.append(value)
            if first is not None:
                self.params += [first, last]
        self.count += 1
        return self.count - 1

    def compute(self) -> dict[int, list[str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT i, x FROM (VALUES {', '.join(self.rows)}) v(i, x, ok) "
                "WHERE ok AND x <> '' ORDER BY i, x",
                self.params,
            )
            found: dict[int, list[str]] = {}
            for i, text in cursor.fetchall():
                found.setdefault(i, []).append(text)
        return found


def _tsquery(node: q.Node, leaves: _Leaves) -> Any:
    """The query's shape, with a numbered leaf for each word or phrase (see `_render`)."""
    match node:
        case q.Term(word=word, prefix=True):
            return leaves.add("to_tsquery", word + ":*")
        case q.Term(word=word):
            return leaves.add("plainto_tsquery", word)
        case q.Phrase(words=words):
            return leaves.add("phraseto_tsquery", " ".join(words), words[0], words[-1])
        case q.Not(item=item):
            return ("!!", _tsquery(item, leaves))
        case q.And(items=items):
            return ("&&", [_tsquery(i, leaves) for i in items])
        case q.Or(items=items):
            return ("||", [_tsquery(i, leaves) for i in items])
    raise AssertionError(node)


_NOTHING = "'\ue000'"
"""A tsquery no document matches: the one lexeme is the private-use highlight marker, which
PostgreSQL's parser never produces from a text."""


def _render(shape: Any, found: dict[int, list[str]], params: list[Any]) -> str:
    """A tsquery expression; each leaf is the OR of its distinct forms. A word PostgreSQL's
    parser does not read as one (a lone '²') has none, and matches nothing."""
    if isinstance(shape, int):
        texts = found.get(shape) or [_NOTHING]
        params.extend(texts)
        return "(" + " || ".join(["%s::tsquery"] * len(texts)) + ")"
    operator, inner = shape
    if operator == "!!":
        return "(!! " + _render(inner, found, params) + ")"
    return "(" + f" {operator} ".join(_render(i, found, params) for i in inner) + ")"


def _configs_in_use() -> list[str]:
    tags = TreatyText.objects.filter(current=True).values_list("language__tag", flat=True)
    return sorted({"simple", config_for("en")} | {config_for(t) for t in tags.distinct()})


def _postgresql(node: q.Node, where: str, params: list[Any], limit: int, offset: int) -> str:
    """Rank the matching documents alone (`ts_rank` by the words looked for: with an exclusion
    in it, the ranking would give every document the same score), keep the best, and only then
    join their clauses and make their headlines. The treaty conditions are a subquery kept apart
    (`OFFSET 0`): the planner cannot see how many documents the tsquery matches, and joined it
    would look the treaty up once per match."""
    leaves = _Leaves(_configs_in_use())
    shape, ranked = _tsquery(node, leaves), _tsquery(q.positive(node), leaves)
    found = leaves.compute()
    query_params: list[Any] = []
    tsquery = _render(shape, found, query_params)
    rank_by = _render(ranked, found, query_params)
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=8, MaxFragments=2"
    params[:0] = query_params
    params += [limit, offset, options]
    return f"""
        WITH query AS (SELECT {tsquery} AS tsq, {rank_by} AS ranked),
        top AS (
            SELECT d.id, ts_rank(d.vector, query.ranked) AS rank
            FROM treaties_searchdocument d CROSS JOIN query
            WHERE d.vector @@ query.tsq
              AND d.treaty_id IN (SELECT t.id FROM treaties_treaty t WHERE {where} OFFSET 0)
            ORDER BY rank DESC, d.id LIMIT %s OFFSET %s
        )
        SELECT {_SELECT}, ts_headline(d.config::regconfig, d.body, query.tsq, %s), top.rank
        FROM top JOIN treaties_searchdocument d ON d.id = top.id {_JOINS}
        CROSS JOIN query ORDER BY top.rank DESC, d.id"""


def treaty_search(
    text: str, filters: TreatyFilters | None = None, *, limit: int = 20, offset: int = 0
) -> list[Hit]:
    """Search published treaties' texts and clause descriptions, best first.

    Raises `search_query.QueryError` for a query that cannot be searched.
    """
    node = q.parse(text)
    where, params = _filters(filters or TreatyFilters())
    build = _postgresql if connection.vendor == "postgresql" else _sqlite
    sql = build(node, where, params, limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Hit(treaty=key, short_name=short, status=status, language=language, title=title,
            clause=code, snippet=snippet, rank=abs(float(rank)))
        for key, short, status, language, title, code, snippet, rank in rows
    ]
