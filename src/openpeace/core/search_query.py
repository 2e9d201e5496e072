"""The search query language, one grammar for every database: parsed once, rendered per engine.

People type what they type in any search box: words (all must match), `"quoted phrases"`,
`OR`, `-word` or `NOT word` to exclude, `word*` for a prefix, parentheses. The query is parsed
here into a small tree and rendered by each engine (SQLite FTS5 below; PostgreSQL's tsquery in
the treaties app), so the same query means the same thing on both, and an engine never sees
raw user syntax: a malformed query is refused here with a message saying what and where,
never passed on to fail as a database error.

Words are runs of letters and digits (Unicode; not `_`), as the engines' tokenisers split them;
`Saint-Jean` is the phrase `"saint jean"`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_WORDS = 32
MARK_START, MARK_STOP = "\ue000", "\ue001"
"""Private-use characters an engine puts around matched words in a snippet. They become <mark>
only after the snippet is escaped, so no text of a document is ever read as HTML."""


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the person who typed it."""


_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'\s+|\(|\)|"[^"]*"?|-|[^\s()"]+')


@dataclass(frozen=True)
class _Token:
    text: str
    at: int


def _tokens(query: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(query):
        text = match.group()
        if text.isspace():
            continue
        if text.startswith('"') and (len(text) == 1 or not text.endswith('"')):
            raise QueryError(f"the quote opened at character {match.start() + 1} is never closed")
        tokens.append(_Token(text, match.start() + 1))
    return tokens


class _Parser:
    """Recursive descent over: or := and (OR and)* ; and := unary ((AND)? unary)* ;
    unary := (- | NOT) unary | atom ; atom := ( or ) | "phrase" | word[*]."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at_operand_end(self) -> bool:
        """Whether no operand follows: the end, a closing parenthesis or another operator."""
        t = self.peek()
        return t is None or t.text in {")", "OR", "AND"}

    def or_(self) -> Node:
        items = [self.and_()]
        while (t := self.peek()) is not None and t.text == "OR":
            self.take()
            if self.at_operand_end():
                raise QueryError(f"OR at character {t.at} has nothing after it")
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Node:
        items = [self.unary()]
        while (t := self.peek()) is not None and t.text not in {")", "OR"}:
            if t.text == "AND":
                self.take()
                if self.at_operand_end():
                    raise QueryError(f"AND at character {t.at} has nothing after it")
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        t = self.peek()
        if t is None:
            raise QueryError("the query ends where a word was expected")
        if t.text in {"-", "NOT"}:
            self.take()
            if self.peek() is None:
                raise QueryError(f"{t.text} at character {t.at} has nothing after it to exclude")
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        t = self.take()
        if t.text == "(":
            if (inner := self.peek()) is not None and inner.text == ")":
                raise QueryError(f"the parentheses at character {t.at} are empty")
            node = self.or_()
            close = self.peek()
            if close is None or close.text != ")":
                raise QueryError(f"the parenthesis opened at character {t.at} is never closed")
            self.take()
            return node
        if t.text == ")":
            raise QueryError(f"the parenthesis at character {t.at} closes nothing")
        if t.text in {"OR", "AND"}:
            raise QueryError(f"{t.text} at character {t.at} has nothing before it")
        if t.text.startswith('"'):
            words = tuple(w.lower() for w in _WORD.findall(t.text))
            if not words:
                raise QueryError(f"the quotes at character {t.at} hold no word")
            return Phrase(words) if len(words) > 1 else Term(words[0])
        prefix = t.text.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(t.text))
        if not words:
            raise QueryError(f"{t.text!r} at character {t.at} is not a word")
        if len(words) > 1:
            if prefix:
                raise QueryError(f"{t.text!r} at character {t.at}: a prefix* is one word")
            return Phrase(words)
        return Term(words[0], prefix)


def parse(query: str) -> Node:
    """The query's tree, or `QueryError` saying what is wrong and at which character."""
    if len(query) > MAX_LENGTH:
        raise QueryError(f"the query is {len(query)} characters long; at most {MAX_LENGTH}")
    tokens = _tokens(query)
    if not tokens:
        raise QueryError("type at least one word to search for")
    parser = _Parser(tokens)
    node = parser.or_()
    if parser.peek() is not None:
        rest = parser.take()
        raise QueryError(f"the parenthesis at character {rest.at} closes nothing")
    if len(words(node)) > MAX_WORDS:
        raise QueryError(f"the query has more than {MAX_WORDS} words")
    _check_positive(node)
    return node


def words(node: Node) -> list[str]:
    """Every word the query looks for or excludes, in order."""
    match node:
        case Term(word=word):
            return [word]
        case Phrase(words=ws):
            return list(ws)
        case Not(item=item):
            return words(item)
        case And(items=items) | Or(items=items):
            return [w for item in items for w in words(item)]
    raise AssertionError(node)


def positive(node: Node) -> Node:
    """The query without its exclusions: what a result is ranked by (an exclusion decides
    whether a document matches, never how well)."""
    match node:
        case And(items=items):
            kept = [positive(i) for i in items if not isinstance(i, Not)]
            return kept[0] if len(kept) == 1 else And(tuple(kept))
        case Or(items=items):
            return Or(tuple(positive(i) for i in items))
    return node


def _check_positive(node: Node) -> None:
    """Every engine needs something to find before it can exclude: `-treaty` alone, or
    `london OR -secret`, cannot be answered without listing everything."""
    match node:
        case Not():
            raise QueryError("a query cannot only exclude: add a word to look for")
        case Or(items=items):
            for item in items:
                if isinstance(item, Not):
                    raise QueryError("OR cannot join an exclusion: add a word to look for")
                _check_positive(item)
        case And(items=items):
            positives = [item for item in items if not isinstance(item, Not)]
            if not positives:
                raise QueryError("a query cannot only exclude: add a word to look for")
            for item in positives:
                _check_positive(item)
            for item in items:
                if isinstance(item, Not):
                    _check_positive_inside(item.item)


def _check_positive_inside(node: Node) -> None:
    if isinstance(node, Not):
        raise QueryError("a double exclusion is not a query: remove one of the minus signs")
    if not isinstance(node, Term | Phrase):
        _check_positive(node)


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_fts5(node: Node) -> str:
    """The query in SQLite FTS5's MATCH syntax; every word is a quoted string, so no user text
    is ever read as FTS5 syntax (sqlite.org/fts5.html, section 3)."""
    match node:
        case Term(word=word, prefix=prefix):
            return _fts5_string(word) + (" *" if prefix else "")
        case Phrase(words=ws):
            return _fts5_string(" ".join(ws))
        case Or(items=items):
            return "(" + " OR ".join(to_fts5(item) for item in items) + ")"
        case And(items=items):
            positive = " AND ".join(to_fts5(i) for i in items if not isinstance(i, Not))
            negative = "".join(f" NOT {to_fts5(i.item)}" for i in items if isinstance(i, Not))
            return f"(({positive}){negative})" if negative else f"({positive})"
    raise AssertionError(f"cannot render {node!r}: exclusions are checked by parse()")
