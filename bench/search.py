"""Benchmark: treaty full-text search over 100,000 clauses, beside naive LIKE scans.

    .venv/bin/python bench/search.py [--database-url URL] [--rounds 3] [--only sqlite|postgresql]

A seeded corpus is generated and indexed through the real path (`bulk_create` of
`SearchDocument` rows; the database's triggers index them as they are written): 2,000 published
treaties with 50 coded clauses each (100,000 clause descriptions) and 200 treaty texts in four
languages, plus 200 secret treaties (2,000 more clauses, in the index but never found). The words
come from a Zipf-distributed vocabulary of 4,000 words: function words, treaty words, place
names, English words and pronounceable fillers, so that some query words are in a third of the
documents and some in a few dozen; set collocations ("sphere of influence", "left bank") are
mixed in so that phrases have something to find.

A fixed set of 240 queries, 30 in each class (one rare word, one common word, two words, a
"quoted phrase", a prefix*, OR, a word with -exclusion, a word with one of the register's
filters), runs through the real `treaty_search(...)` with limit=20. The peer is the same queries
as naive LIKE scans: every word a `lower(...) LIKE '%word%'` over the title and the body, ANDed,
ORed and NOT-ed as the query says, with the same status and filter conditions, LIMIT 20 and no
ranking and no snippet (both would only make the peer slower: with no ORDER BY it may stop at
its twentieth match).

Every query is run once to warm up, then `--rounds` times, openpeace and the peer
interleaved; p50/p95/max are over the queries, each query's time the median of its runs. Every
openpeace hit is checked against its document (each word looked for present, as a prefix,
stemming aside; no excluded word present), so the figures are not those of empty answers.
Target: p95 under 50 ms on SQLite and on PostgreSQL (PostgreSQL with --database-url or
DATABASE_URL: the bench creates a database of its own there and drops it at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import child_database, machine  # noqa: E402
from situation_load import generate  # noqa: E402

SEED = 1917
PUBLISHED, SECRET = 2_000, 200
CLAUSES, SECRET_CLAUSES = 50, 10
TEXT_LANGUAGES = ["en"] * 120 + ["fr"] * 40 + ["de"] * 20 + ["ru"] * 20
STATES = 40
TARGET_MS = 50.0
PER_CLASS = 30


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION = _words("the of and to in shall be by for with on its or as such which")
TREATY = _words("""
territory treaty government parties article contracting high powers frontier rights
agreement provisions sovereignty cede recognise zone influence sphere straits navigation troops
commission protectorate annexation ports railway coast bank river military financial loan
concession occupation evacuation guarantee independence autonomy boundary district province
islands sea free neutral withdrawal indemnity reparations customs tariff trade consular
administration population inhabitants plebiscite mandate fortifications garrison fleet naval arms
ammunition secret ratification signature annex protocol convention alliance mutual assistance
declaration possession ceded transfer receive undertake renounce claims delimitation demarcation
hinterland coaling station sanjak vilayet""")
PLACES = _words("""
Constantinople Dardanelles Bosphorus Trieste Fiume Dalmatia Trentino Alsace Lorraine
Persia Syria Cilicia Mesopotamia Palestine Armenia Erzurum Smyrna Albania Valona Macedonia Thrace
Galicia Bessarabia Bukovina Transylvania Banat Finland Courland Lithuania Poland Serbia Montenegro
Rhine Saar Adriatic Aegean Tyrol Istria Gorizia Zara Sebenico Dodecanese Rhodes Cyprus Crete
Salonika Adrianople Baghdad Basra Mosul Aleppo Damascus Beirut Jerusalem Haifa Acre Alexandretta
Mersina Adana Trebizond Kars Batum Tiflis Baku Tabriz Teheran Kabul Tibet Manchuria Korea
Shantung Kiaochow Tsingtao Mongolia Siam Morocco Tangier Tripoli Cyrenaica Egypt Sudan Abyssinia
Eritrea Somaliland Zanzibar Angola Mozambique Congo Cameroon Togo Samoa Carolines Marianas
Marshall Yap Heligoland Schleswig Memel Danzig Posen Silesia Teschen Vilna Riga Reval Odessa
Kiev Crimea Caucasus Ukraine Moldavia Wallachia Dobruja Varna Sofia Bucharest Belgrade Sarajevo
Herzegovina Bosnia Scutari Durazzo Corfu Epirus Janina Kavala Drama Serres Monastir Ochrida
Uskub Nish Pirot Vidin Ruse Galatz Braila Tulcea Ismail Kishinev Chernovtsy Lemberg Cracow
Przemysl""")
ENGLISH = _words("""
whereas hereby thereof therein herein party state states person persons property
goods vessels ships flag war peace time period year years months days date day entry force
effect manner purpose purposes measures means case cases event events condition conditions
obligation obligations interest interests nationals subjects citizens authority authorities
law laws order public private right question questions matter matters dispute disputes
settlement arbitration tribunal court judge member members council assembly delegate delegates
representative representatives minister ministers ambassador envoy note notes exchange letter
letters text texts copy copies language languages french english german russian italian turkish
arabic persian greek armenian latin original duplicate seal sealed signed done city town
village villages road roads line lines point points north south east west northern southern
eastern western upper lower central interior exterior maritime inland coastal mountain
mountains valley valleys plain plains lake lakes island gulf bay harbour harbours canal
canals bridge bridges station stations telegraph post postal mail money gold silver currency
bank banks debt debts interest payment payments annual sum sums francs pounds roubles marks
lire crowns piastres rate rates duty duties import export goods merchandise produce wheat grain
oil coal iron copper cotton wool silk tobacco salt sugar""")
COLLOCATIONS = [
    "left bank", "sphere of influence", "high contracting parties", "straits of constantinople",
    "free navigation", "right of passage", "status quo", "customs union", "most favoured nation",
    "neutral zone", "war indemnity", "mutual assistance", "frontier rectification",
    "territorial integrity", "open door", "free port", "demilitarised zone", "right bank",
    "naval base", "secret annex",
]
CLAUSE_TYPES = ["other"] * 50 + ["territorial_transfer"] * 20 + ["military"] * 12 + [
    "financial"] * 12 + ["sphere_of_influence"] * 5 + ["secrecy"]


def vocabulary(rng: random.Random, size: int = 4_000) -> list[str]:
    """Words from the most to the least frequent: function words, treaty words, then places,
    English words and fillers shuffled together, then the rest of the fillers (the rarest)."""
    syllables = ["ka", "ro", "ten", "mi", "sal", "ver", "dor", "an", "el", "pra", "lu", "ost",
                 "gar", "ne", "vil", "tra", "is", "cor", "bel", "un", "sha", "mon", "der", "qua"]
    taken = {w.lower() for w in FUNCTION + TREATY + PLACES + ENGLISH}
    fillers: list[str] = []
    while len(fillers) < size - len(taken):
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in taken:
            taken.add(word)
            fillers.append(word)
    middle = PLACES + ENGLISH + fillers[:800]
    rng.shuffle(middle)
    return FUNCTION + TREATY + middle + fillers[800:]


class Corpus:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        zipf = [1 / (rank ** 1.0) for rank in range(1, len(self.words) + 1)]
        self.cum = list(itertools.accumulate(zipf))
        self.df: Counter[str] = Counter()
        self.docs = 0
        self.sample: list[list[str]] = []  # token lists of some documents, to draw queries from

    def sentence(self, length: int) -> list[str]:
        tokens = self.rng.choices(self.words, cum_weights=self.cum, k=length)
        if self.rng.random() < 0.15:
            at = self.rng.randrange(len(tokens))
            tokens[at:at] = self.rng.choice(COLLOCATIONS).split()
        return tokens

    def document(self, length: int) -> str:
        tokens: list[str] = []
        while len(tokens) < length:
            tokens += self.sentence(min(length - len(tokens), self.rng.randint(12, 30)))
            tokens[-1] += "."
        lowered = [t.rstrip(".").lower() for t in tokens]
        self.df.update(set(lowered))
        self.docs += 1
        if self.rng.random() < 0.02:
            self.sample.append(lowered)
        text = " ".join(tokens)
        return text[0].upper() + text[1:]


def build(corpus: Corpus) -> dict[str, float]:
    """The register, the treaties and the index; seconds per step."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from openpeace.core import situation as core
    from openpeace.treaties.models import Clause, SearchDocument, Treaty, TreatyText
    from openpeace.treaties.services import index_clauses, index_texts, text_sha256
    from openpeace.world.models import Language, State
    from openpeace.world.services import situation_load

    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    situation_load(core.situation_from_document(generate(STATES, 100, 200)))
    states = list(State.objects.order_by("key"))
    languages = {lang.tag: lang for lang in Language.objects.all()}
    rng = corpus.rng
    started = time.perf_counter()
    rows = clauses_indexed = 0
    generating = 0.0
    indexing = 0.0
    with transaction.atomic():
        now = timezone.now()
        for batch in range(0, PUBLISHED + SECRET, 100):
            mark = time.perf_counter()
            treaties = []
            for i in range(batch, min(batch + 100, PUBLISHED + SECRET)):
                signed = dt.date(1815, 1, 1) + dt.timedelta(days=rng.randrange(103 * 365))
                published = i < PUBLISHED
                treaties.append(Treaty(
                    key=f"treaty-{i}", title=f"Treaty {i} between the powers",
                    short_name=f"Treaty {i}", signed_on=signed, signed_dates=[signed.isoformat()],
                    place=rng.choice(PLACES), status="published" if published else "secret",
                    published_at=now if published else None,
                ))
            Treaty.objects.bulk_create(treaties)
            parties = Treaty.parties.through
            parties.objects.bulk_create(
                parties(treaty_id=t.pk, state_id=s.pk)
                for t in treaties for s in rng.sample(states, rng.randint(2, 4))
            )
            clauses = []
            for t in treaties:
                for n in range(CLAUSES if t.status == "published" else SECRET_CLAUSES):
                    kind = rng.choice(CLAUSE_TYPES)
                    clauses.append(Clause(
                        treaty=t, position=n, code=f"art-{n + 1}", type=kind,
                        description=corpus.document(rng.randint(12, 40)),
                        flagged=kind == "territorial_transfer" and rng.random() < 0.1,
                    ))
            Clause.objects.bulk_create(clauses)
            texts = []
            for t in treaties:
                i = int(t.key.split("-")[1])
                if i % 10 == 0 and i < PUBLISHED:
                    tag = TEXT_LANGUAGES[(i // 10) % len(TEXT_LANGUAGES)]
                    body = corpus.document(rng.randint(600, 1_500))
                    texts.append(TreatyText(
                        treaty=t, language=languages[tag], title=f"Treaty {i} ({tag})",
                        text=body, source="generated", sha256=text_sha256(body),
                    ))
            TreatyText.objects.bulk_create(texts)
            generating += time.perf_counter() - mark
            mark = time.perf_counter()
            index_clauses(clauses)
            index_texts(texts)
            indexing += time.perf_counter() - mark
            rows += len(clauses) + len(texts)
            clauses_indexed += len(clauses)
    timings["build"] = time.perf_counter() - started
    timings["generate"] = generating
    timings["index"] = indexing
    timings["documents"] = rows
    timings["clauses"] = clauses_indexed
    assert SearchDocument.objects.count() == rows
    if connection.vendor == "postgresql":
        mark = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        timings["vacuum"] = time.perf_counter() - mark
    return timings


@dataclass
class Query:
    kind: str
    text: str
    filters: Any  # TreatyFilters


def queries(corpus: Corpus) -> list[Query]:
    """240 queries, 30 per class, drawn (seeded) from the words and documents generated."""
    from openpeace.treaties.selectors import TreatyFilters

    rng = random.Random(SEED + 1)
    df = corpus.df
    content = [w for w in df if w not in FUNCTION]

    def band(low: int, high: int) -> list[str]:
        return sorted(w for w in content if low <= df[w] <= high)

    rare, mid, common = band(20, 300), band(300, 5_000), band(5_000, 45_000)
    upper = band(1_000, 30_000)
    out: list[Query] = []
    none = TreatyFilters()
    for word in rng.sample(rare, PER_CLASS):
        out.append(Query("rare word", word, none))
    for word in rng.sample(common, min(PER_CLASS, len(common))):
        out.append(Query("common word", word, none))
    while sum(q.kind == "common word" for q in out) < PER_CLASS:
        out.append(Query("common word", rng.choice(common), none))
    for _ in range(PER_CLASS):
        out.append(Query("two words", f"{rng.choice(upper)} {rng.choice(mid)}", none))
    phrases = [f'"{c}"' for c in COLLOCATIONS]
    while len(phrases) < PER_CLASS:
        doc = rng.choice(corpus.sample)
        at = rng.randrange(len(doc) - 1)
        if doc[at] not in FUNCTION and doc[at + 1] not in FUNCTION:
            phrases.append(f'"{doc[at]} {doc[at + 1]}"')
    out += [Query("phrase", p, none) for p in phrases]
    prefixes: set[str] = set()
    pool = band(100, 45_000)
    while len(prefixes) < PER_CLASS:
        word = rng.choice(pool)
        if len(word) >= 5:
            prefixes.add(word[: rng.randint(3, min(6, len(word) - 1))])
    out += [Query("prefix*", f"{p}*", none) for p in sorted(prefixes)]
    for i in range(PER_CLASS):
        alternatives = rng.sample(mid + rare, 3 if i % 3 == 0 else 2)
        if i % 5 == 0:
            alternatives[0] = rng.choice(common)
        out.append(Query("OR", " OR ".join(alternatives), none))
    for _ in range(PER_CLASS):
        out.append(Query("-exclusion", f"{rng.choice(upper)} -{rng.choice(mid)}", none))
    states = [f"s{i}" for i in range(STATES)]
    for i in range(PER_CLASS):
        word = rng.choice(upper if i % 2 else common)
        match i % 5:
            case 0:
                filters = TreatyFilters(party=rng.choice(states))
            case 1:
                filters = TreatyFilters(clause_type=rng.choice(sorted(set(CLAUSE_TYPES))))
            case 2:
                filters = TreatyFilters(flagged=bool(rng.getrandbits(1)))
            case 3:
                start = dt.date(rng.randrange(1815, 1905), 1, 1)
                filters = TreatyFilters(signed_from=start,
                                        signed_to=start + dt.timedelta(days=365 * 12))
            case _:
                filters = TreatyFilters(party=rng.choice(states), clause_type="military")
        out.append(Query("filtered", word, filters))
    return out


# --- the peer: naive LIKE scans -------------------------------------------------------------

def _like(node: Any, params: list[Any]) -> str:
    from openpeace.core import search_query as q

    match node:
        case q.Term(word=word):
            params += [f"%{word}%"] * 2
            return "(lower(d.body) LIKE %s OR lower(d.title) LIKE %s)"
        case q.Phrase(words=words):
            params += ["%" + " ".join(words) + "%"] * 2
            return "(lower(d.body) LIKE %s OR lower(d.title) LIKE %s)"
        case q.Not(item=item):
            return "NOT " + _like(item, params)
        case q.And(items=items):
            return "(" + " AND ".join(_like(i, params) for i in items) + ")"
        case q.Or(items=items):
            return "(" + " OR ".join(_like(i, params) for i in items) + ")"
    raise AssertionError(node)


def peer_search(text: str, filters: Any, limit: int = 20) -> list[tuple]:
    from django.db import connection

    from openpeace.core import search_query as q
    from openpeace.treaties import search

    where, params = search._filters(filters)
    like_params: list[Any] = []
    like = _like(q.parse(text), like_params)
    sql = f"""SELECT {search._SELECT}, d.title, substr(d.body, 1, 160)
        FROM treaties_searchdocument d {search._JOINS}
        WHERE {like} AND {where} LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, like_params + params + [limit])
        return cursor.fetchall()


# --- checks and counts ----------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def _stem(word: str) -> str:
    """A prefix that the word's stem keeps (Porter: 'monquaelis' is 'monqua', 'annexation'
    is 'annex', 'duty' is 'duti'), so that a hit is checked for the word, stemming aside."""
    return word[: max(3, len(word) - 5)]


def _holds(node: Any, tokens: list[str], present: set[str]) -> bool:
    from openpeace.core import search_query as q

    match node:
        case q.Term(word=word, prefix=True):
            return any(t.startswith(word) for t in present)
        case q.Term(word=word):
            return any(t.startswith(_stem(word)) for t in present)
        case q.Phrase(words=words):
            return all(any(t.startswith(_stem(w)) for t in present) for w in words)
        case q.Not(item=q.Term(word=word, prefix=False)):
            return word not in present
        case q.Not():
            return True  # a stemmed exclusion is the engine's to judge
        case q.And(items=items):
            return all(_holds(i, tokens, present) for i in items)
        case q.Or(items=items):
            return any(_holds(i, tokens, present) for i in items)
    raise AssertionError(node)


def check(query: Query, hits: list[Any]) -> list[str]:
    """What is wrong with the hits: each one's document must hold the query's words."""
    from openpeace.core import search_query as q
    from openpeace.treaties.models import SearchDocument

    node = q.parse(query.text)
    wrong = []
    for hit in hits:
        docs = SearchDocument.objects.filter(treaty__key=hit.treaty)
        doc = (docs.get(clause__code=hit.clause) if hit.clause
               else docs.get(clause=None, language=hit.language))
        tokens = _WORD.findall(f"{doc.title} {doc.body}".lower())
        if not _holds(node, tokens, set(tokens)):
            wrong.append(f"{query.text!r}: {hit.treaty} {hit.clause or hit.language}")
    return wrong


def count(query: Query) -> int:
    """How many published documents match (what the engine has to rank)."""
    from django.db import connection

    from openpeace.core import search_query as q
    from openpeace.treaties import search

    node = q.parse(query.text)
    where, params = search._filters(query.filters)
    if connection.vendor == "postgresql":
        leaves = search._Leaves(search._configs_in_use())
        shape = search._tsquery(node, leaves)
        tsq_params: list[Any] = []
        tsq = search._render(shape, leaves.compute(), tsq_params)
        sql = f"""SELECT count(*) FROM treaties_searchdocument d {search._JOINS}
            WHERE d.vector @@ {tsq} AND {where}"""
        params = tsq_params + params
    else:
        sql = f"""SELECT count(*) FROM treaties_search
            JOIN treaties_searchdocument d ON d.id = treaties_search.rowid {search._JOINS}
            WHERE treaties_search MATCH %s AND {where}"""
        params = [q.to_fts5(node), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _run(sql: str, params: list[Any]) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- timing ---------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return (time.perf_counter() - started) * 1000, result


def measure(
    qs: list[Query], engines: dict[str, Callable[[Query], Any]], rounds: int
) -> dict[str, list[list[float]]]:
    """ms per query per engine: one warm-up run, then `rounds` runs, engines interleaved."""
    times: dict[str, list[list[float]]] = {name: [[] for _ in qs] for name in engines}
    for r in range(rounds + 1):
        for i, query in enumerate(qs):
            for name, run in engines.items():
                ms, _ = timed(lambda run=run, query=query: run(query))
                if r:
                    times[name][i].append(ms)
    return times


def summary(samples: list[float]) -> str:
    return (f"{statistics.median(samples):7.1f} {percentile(samples, 95):7.1f} "
            f"{max(samples):7.1f}")


def child(vendor: str, database_url: str | None, rounds: int) -> None:
    with child_database(vendor, database_url):
        from django.db import connection

        from openpeace.treaties.search import treaty_search

        corpus = Corpus()
        t = build(corpus)
        vendor = connection.vendor
        version = _run("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version",
                       [])[0][0]
        print(f"\n== {vendor} {version}: {t['documents']:,} documents ({t['clauses']:,} clauses, "
              f"{t['documents'] - t['clauses']:,} texts) of {PUBLISHED + SECRET:,} treaties "
              f"({SECRET} secret, {SECRET * SECRET_CLAUSES:,} of the clauses)")
        print(f"  build {t['build']:.1f} s: generating and writing treaties, clauses, texts "
              f"{t['generate']:.1f} s; bulk_create of the SearchDocuments, indexed by the "
              f"triggers {t['index']:.1f} s"
              + (f"; then VACUUM ANALYZE {t['vacuum']:.1f} s" if "vacuum" in t else ""))
        qs = queries(corpus)
        engines: dict[str, Callable[[Query], Any]] = {
            "openpeace": lambda query: treaty_search(query.text, query.filters, limit=20),
            "peer": lambda query: peer_search(query.text, query.filters, limit=20),
        }
        times = measure(qs, engines, rounds)

        # Checks: every hit holds the words; what each class finds; what the variants return.
        wrong: list[str] = []
        hits_n, peer_n, matches = [], [], []
        for query in qs:
            hits = treaty_search(query.text, query.filters, limit=20)
            wrong += check(query, hits)
            hits_n.append(len(hits))
            peer_n.append(len(peer_search(query.text, query.filters)))
            matches.append(count(query))
        print(f"  {len(qs)} queries, {rounds} timed runs each after one warm-up (a query's time: "
              f"the median of its runs); every hit of "
              f"every query checked against its document: {len(wrong)} wrong"
              + (f" ({wrong[:3]})" if wrong else ""))
        print(f"  mean hits per query: openpeace {statistics.mean(hits_n):.1f}, peer "
              f"{statistics.mean(peer_n):.1f} (of at most 20); queries with no hit: "
              f"{sum(n == 0 for n in hits_n)}")
        print(f"  {'class':<12} {'matches: median   max':>22}  {'openpeace p50   p95   max':>26}"
              f"  {'peer p50   p95   max':>26}  peer/op p95")
        classes = [*dict.fromkeys(q.kind for q in qs), "all"]

        def samples(name: str, kind: str) -> list[float]:
            """Each query's median time over its runs (a run disturbed by another process on
            the machine counts once, not as a query's time)."""
            return [statistics.median(times[name][i]) for i, q in enumerate(qs)
                    if kind in ("all", q.kind)]

        for kind in classes:
            m = [matches[i] for i, q in enumerate(qs) if kind in ("all", q.kind)]
            ours, peer = samples("openpeace", kind), samples("peer", kind)
            print(f"  {kind:<12} {statistics.median(m):>14,.0f} {max(m):>7,}  "
                  f"{summary(ours):>26}  {summary(peer):>26}  "
                  f"{percentile(peer, 95) / percentile(ours, 95):8.1f}x")
        p95 = percentile(samples("openpeace", "all"), 95)
        print(f"  target p95 < {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'NOT MET'} "
              f"({p95:.1f} ms)")
        slow = sorted(range(len(qs)), key=lambda i: -statistics.median(times["openpeace"][i]))[:8]
        print("  slowest queries (median ms, matches):")
        for i in slow:
            print(f"    {statistics.median(times['openpeace'][i]):7.1f} ms  {matches[i]:>7,}  "
                  f"{qs[i].kind:<12} {qs[i].text}  {_filters_text(qs[i].filters)}")


def _filters_text(filters: Any) -> str:
    fields = {k: v for k, v in vars(filters).items() if v is not None}
    return " ".join(f"{k}={v}" for k, v in fields.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.rounds)
        return
    print(machine())
    print(f"treaty search: {PUBLISHED:,} published treaties x {CLAUSES} clauses + texts; "
          f"{8 * PER_CLASS} queries, limit 20; peer: naive LIKE scans, no ranking")
    run = [sys.executable, __file__, "--rounds", str(args.rounds)]
    if args.only != "postgresql":
        subprocess.run([*run, "--child", "sqlite"], check=True)
    if args.only != "sqlite":
        if args.database_url:
            subprocess.run([*run, "--child", "postgresql", "--database-url",
                            args.database_url], check=True)
        else:
            print("\n== postgresql skipped: give --database-url or set DATABASE_URL")


if __name__ == "__main__":
    main()
