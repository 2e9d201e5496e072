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
from openpeace.treaties.selectors import TreatyFilters

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
    sql = ["t.status IN ('published', 'repudiated')"]
    params: list[Any] = []
    if filters.status:
        sql.append("t.status = %s")
        params.append(filters.status)
    if filters.party:
        sql.append(
            "t.id IN (SELECT p.treaty_id FROM treaties_treaty_parties p "
            "JOIN world_state s ON s.id = p.state_id WHERE s.key = %s)"
        )
        params.append(filters.party)
    if filters.signed_from:
        sql.append("t.signed_on >= %s")
        params.append(filters.signed_from)
    if filters.signed_to:
        sql.append("t.signed_on <= %s")
        params.append(filters.signed_to)
    if filters.clause_type:
        sql.append("t.id IN (SELECT treaty_id FROM treaties_clause WHERE type = %s)")
        params.append(filters.clause_type)
    if filters.flagged is not None:
        flagged = "IN" if filters.flagged else "NOT IN"
        sql.append(f"t.id {flagged} (SELECT treaty_id FROM treaties_clause WHERE flagged)")
    return " AND ".join(sql), params


_SELECT = """t.key, t.short_name, t.status, d.language, d.title, c.code"""
_JOINS = """JOIN treaties_treaty t ON t.id = d.treaty_id
    LEFT JOIN treaties_clause c ON c.id = d.clause_id"""


def _sqlite(node: q.Node, where: str, params: list[Any], limit: int, offset: int) -> str:
    params[:0] = [START, STOP, q.to_fts5(node)]
    params += [limit, offset]
    return f"""
        SELECT {_SELECT}, snippet(treaties_search, -1, %s, %s, '…', 24),
               bm25(treaties_search, 4.0, 1.0) AS rank
        FROM treaties_search JOIN treaties_searchdocument d ON d.id = treaties_search.rowid
        {_JOINS}
        WHERE treaties_search MATCH %s AND {where}
        ORDER BY rank LIMIT %s OFFSET %s"""


def _tsquery(node: q.Node, configs: list[str], params: list[Any]) -> str:
    """The query as a PostgreSQL tsquery expression: each word under every configuration in use
    (its stem in each language, and the exact word under `simple`)."""
    match node:
        case q.Term(word=word, prefix=True):
            params.extend([word + ":*"] * len(configs))
            return "(" + " || ".join(f"to_tsquery('{c}', %s)" for c in configs) + ")"
        case q.Term(word=word):
            params.extend([word] * len(configs))
            return "(" + " || ".join(f"plainto_tsquery('{c}', %s)" for c in configs) + ")"
        case q.Phrase(words=words):
            params.extend([" ".join(words)] * len(configs))
            return "(" + " || ".join(f"phraseto_tsquery('{c}', %s)" for c in configs) + ")"
        case q.Not(item=item):
            return "(!! " + _tsquery(item, configs, params) + ")"
        case q.And(items=items):
            return "(" + " && ".join(_tsquery(i, configs, params) for i in items) + ")"
        case q.Or(items=items):
            return "(" + " || ".join(_tsquery(i, configs, params) for i in items) + ")"
    raise AssertionError(node)


def _configs_in_use() -> list[str]:
    tags = TreatyText.objects.filter(current=True).values_list("language__tag", flat=True)
    return sorted({"simple", config_for("en")} | {config_for(t) for t in tags.distinct()})


def _postgresql(node: q.Node, where: str, params: list[Any], limit: int, offset: int) -> str:
    query_params: list[Any] = []
    tsquery = _tsquery(node, _configs_in_use(), query_params)
    options = f'StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=8, MaxFragments=2'
    params[:0] = query_params
    params += [limit, offset, options]
    return f"""
        WITH query AS (SELECT {tsquery} AS tsq),
        hits AS (
            SELECT {_SELECT}, d.config, d.body, ts_rank_cd(d.vector, query.tsq) AS rank
            FROM treaties_searchdocument d CROSS JOIN query
            {_JOINS}
            WHERE d.vector @@ query.tsq AND {where}
            ORDER BY rank DESC, d.id LIMIT %s OFFSET %s
        )
        SELECT key, short_name, status, language, title, code,
               ts_headline(config::regconfig, body, query.tsq, %s), rank
        FROM hits CROSS JOIN query ORDER BY rank DESC"""


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
