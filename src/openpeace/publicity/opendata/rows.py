"""Where each dataset's rows come from: every read goes through the owning app's public
selector, the same door its pages and API go through, so an export shows exactly what they
show (a secret treaty, an offer not yet released, an entry not yet integrated: nothing).

Each source gives its rows lazily (querysets read in chunks), as dicts keyed by the columns of
`schema.py` in Python values; `render.py` writes them as JSON or CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from openpeace.diplomacy import selectors as diplomacy
from openpeace.diplomacy.services import note_sha256, proclamation_sha256
from openpeace.log import selectors as log
from openpeace.log.models import Entry
from openpeace.plebiscites import selectors as plebiscites
from openpeace.plebiscites.models import Plebiscite
from openpeace.publicity import selectors as publicity
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.models import TallySnapshot
from openpeace.publicity.opendata.schema import BY_NAME
from openpeace.selfdetermination import selectors as selfdetermination
from openpeace.treaties import export as treaty_export
from openpeace.treaties import selectors as treaties
from openpeace.world import selectors as world

Row = dict[str, Any]
CHUNK = 500


class Links:
    """Absolute addresses, from the site's root as the request reached it."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")
        # The log can hold millions of entries: its three addresses are formatted, not reversed.
        self._entry = self._pattern("log:entry")
        self._body = self._pattern("log:entry-body")
        self._proof = self._pattern("log:entry-proof")

    def _pattern(self, name: str) -> tuple[str, str]:
        prefix, suffix = reverse(name, args=[987654321]).split("987654321")
        return self.root + prefix, suffix

    def url(self, name: str, *args: object, anchor: str = "") -> str:
        return self.root + reverse(name, args=args) + (f"#{anchor}" if anchor else "")

    def entry(self, index: int | None) -> str | None:
        return None if index is None else f"{self._entry[0]}{index}{self._entry[1]}"

    def body(self, index: int) -> str:
        return f"{self._body[0]}{index}{self._body[1]}"

    def proof(self, index: int) -> str:
        return f"{self._proof[0]}{index}{self._proof[1]}"


def _index(entry: Entry | None) -> int | None:
    return None if entry is None else entry.index


def _logged(links: Links, entry: Entry | None) -> Row:
    index = _index(entry)
    return {"log_index": index, "log_entry_url": links.entry(index)}


def _light(rows: QuerySet[Any], *entries: str) -> QuerySet[Any]:
    """`rows` without the bodies of the log entries they join: a row needs an entry's index,
    not its bytes (a treaty's publication carries every text in full)."""
    return rows.defer(*(f"{entry}__body" for entry in entries))


def _keys(related: Any) -> list[str]:
    return sorted(x.key for x in related.all())


# Offers ------------------------------------------------------------------------------------


def _offers() -> Any:
    return _light(diplomacy.offer_list_public(), "release_entry").prefetch_related(
        "addressees"
    ).order_by("released_at", "key")


def offer_rows(links: Links) -> Iterator[Row]:
    for offer in _offers().iterator(chunk_size=CHUNK):
        yield {
            "key": offer.key, "title": offer.title,
            "proposing_state": offer.proposing_state.key,
            "addressees": _keys(offer.addressees), "reply_deadline": offer.reply_deadline,
            "released_at": offer.released_at, "status": offer.status, "terms": offer.terms,
            "sources": offer.sources,
            **_logged(links, offer.release_entry),
            "page_url": links.url("diplomacy:offer-detail", offer.key),
        }


def note_rows(links: Links) -> Iterator[Row]:
    for note in _light(diplomacy.notes_public(), "offer__release_entry").iterator(CHUNK):
        yield {
            "offer": note.offer.key, "state": note.state.key,
            "government": note.state.government.name, "language": note.language.tag,
            "text": note.text, "sha256": note_sha256(note),
            **_logged(links, note.offer.release_entry),
            "page_url": links.url("diplomacy:note", note.offer.key, note.state.key,
                                  note.language.tag),
        }


def proclamation_rows(links: Links) -> Iterator[Row]:
    for p in _light(diplomacy.proclamations_public(), "offer__release_entry").iterator(CHUNK):
        yield {
            "offer": p.offer.key, "people": p.people.key, "state": p.people.state.key,
            "language": p.language.tag, "direction": p.language.direction,
            "title": p.title, "text": p.text, "sha256": proclamation_sha256(p),
            **_logged(links, p.offer.release_entry),
            "page_url": links.url("diplomacy:proclamation", p.offer.key, p.people.key,
                                  p.language.tag),
        }


def reply_rows(links: Links) -> Iterator[Row]:
    for reply in _light(diplomacy.replies_public(), "entry").iterator(CHUNK):
        yield {
            "id": reply.pk, "offer": reply.offer.key, "state": reply.state.key,
            "kind": reply.kind, "text": reply.text, "language": reply.language.tag,
            "replied_at": reply.replied_at,
            "terms": reply.terms, "findings": reply.findings,
            **_logged(links, reply.entry),
            "page_url": links.url("diplomacy:offer-detail", reply.offer.key,
                                  anchor=f"reply-{reply.pk}"),
        }


def armistice_rows(links: Links) -> Iterator[Row]:
    for a in _light(diplomacy.armistices_public(), "entry").iterator(CHUNK):
        yield {
            "id": a.pk, "offer": a.offer.key, "parties": _keys(a.parties),
            "signed_on": a.signed_on, "effective_on": a.effective_on,
            "term_count": a.term_count, "term_unit": a.term_unit, "renewal": a.renewal,
            "renewal_count": a.renewal_count, "renewal_unit": a.renewal_unit or None,
            "notice_days": a.notice_days, "demarcation": a.demarcation,
            "demarcation_geojson_url": links.url("diplomacy:armistice-demarcation",
                                                 a.offer.key, a.pk)
            if a.demarcation_geometry is not None else None,
            **_logged(links, a.entry),
            "page_url": links.url("diplomacy:armistice", a.offer.key, a.pk),
        }


def session_rows(links: Links) -> Iterator[Row]:
    for s in _light(diplomacy.sessions_public(), "entry").iterator(CHUNK):
        yield {
            "id": s.pk, "offer": s.offer.key, "place": s.place, "opened_on": s.opened_on,
            "closed_on": s.closed_on, "delegations": s.delegations, "record": s.record,
            **_logged(links, s.entry),
            "page_url": links.url("diplomacy:session", s.offer.key, s.pk),
        }


# Treaties ----------------------------------------------------------------------------------

# The PA-X export writes absent values as "" and lists space-separated: as typed values here.
_PAX = [c for c in BY_NAME["treaties"].columns if c.name in treaty_export.CSV_COLUMNS]
_TREATY_NULLABLE = [c.name for c in _PAX if c.nullable]
_TREATY_LISTS = [c.name for c in _PAX if c.kind.is_list]


def treaty_rows(links: Links) -> Iterator[Row]:
    exported = _light(treaties.treaties_export(), "publication_entry", "repudiation_entry")
    for treaty in exported.iterator(CHUNK):
        row = treaty_export.csv_row(treaty)
        for name in _TREATY_NULLABLE:
            if row[name] == "":
                row[name] = None
        for name in _TREATY_LISTS:
            row[name] = row[name].split()
        yield {
            **row,
            "log_entry_url": links.entry(row["publication_log_index"]),
            "page_url": links.url("treaties:treaty-detail", treaty.key),
        }


def treaty_text_rows(links: Links) -> Iterator[Row]:
    for t in _light(treaties.treaty_texts_public(), "entry").iterator(CHUNK):
        yield {
            "treaty": t.treaty.key, "language": t.language.tag, "revision": t.revision,
            "current": t.current, "title": t.title, "text": t.text, "source": t.source,
            "sha256": t.sha256, "reason": t.reason,
            **_logged(links, t.entry),
            "page_url": links.url("treaties:treaty-detail", t.treaty.key,
                                  anchor=f"text-{t.language.tag}"),
        }


def _findings_entries() -> dict[tuple[str, str], Entry]:
    """The latest `treaty.findings_changed` entry naming each clause, by (treaty, clause id):
    the entry that set the clause's current findings. A clause none names still has the
    findings its treaty's publication logged. Read whole, as they are few (one per change of a
    public treaty's findings, by a decision or an official) and small (rules, not texts)."""
    latest: dict[tuple[str, str], Entry] = {}
    for entry in treaties.findings_changes().iterator(CHUNK):
        content = content_of(entry) or {}
        for clause in content.get("clauses", []):
            latest[(str(content.get("treaty")), str(clause.get("id")))] = entry
    return latest


def clause_rows(links: Links) -> Iterator[Row]:
    """Each clause with the log entry of its current findings (`_findings_entries`), which the
    page shows: the findings row for row as that entry logged them."""
    changes = _findings_entries()
    for c in _light(treaties.clauses_public(), "treaty__publication_entry").iterator(CHUNK):
        yield {
            "treaty": c.treaty.key, "id": c.code, "position": c.position, "type": c.type,
            "description": c.description,
            "territory": c.territory.key if c.territory else None,
            "from": c.from_state.key if c.from_state else None,
            "to": c.to or None, "kind": c.kind or None,
            "nationalities": _keys(c.nationalities), "flagged": c.flagged,
            "findings": c.findings,
            **_logged(links, changes.get((c.treaty.key, c.code), c.treaty.publication_entry)),
            "page_url": links.url("treaties:treaty-detail", c.treaty.key,
                                  anchor=f"clause-{c.code}"),
        }


# Nationalities, demands, plebiscites --------------------------------------------------------


def _situation_entry() -> Entry | None:
    record = world.situation_record()
    return None if record is None else log.entry_for("situation.loaded", f"situation:{record.key}")


def nationality_rows(links: Links) -> Iterator[Row]:
    logged = _logged(links, _situation_entry())
    for n in world.nationality_list().order_by("key").iterator(chunk_size=CHUNK):
        yield {
            "key": n.key, "name": n.name, "endonym": n.endonym or None,
            "endonym_language": n.endonym_language.tag if n.endonym_language else None,
            "languages": sorted(x.tag for x in n.languages.all()), "standing": n.standing,
            "ruled_by": _keys(n.ruled_by), "territories": _keys(n.territories), **logged,
        }


def demand_rows(links: Links) -> Iterator[Row]:
    for d in selfdetermination.demands_public().order_by("filed_at", "pk").iterator(
        chunk_size=CHUNK
    ):
        steps = list(d.steps.all())
        filing = next((s for s in steps if s.status == "filed"), None)
        if d.satisfied_by_decision is not None:
            satisfied = _index(d.satisfied_by_decision.entry)
        else:
            satisfied = _index(d.satisfied_by_entry)
        yield {
            "id": d.pk, "nationality": d.nationality.key, "commission": d.commission.label,
            "kind": d.kind, "text": d.text, "acts_asked": d.acts_asked,
            "language": d.language, "status": d.status,
            "filed_at": d.filed_at, "refusal_reasons": d.refusal_reasons or None,
            "satisfied_by_log_index": satisfied,
            "status_log_index": _index(steps[-1].entry) if steps else None,
            **_logged(links, filing.entry if filing else None),
            "page_url": links.url("selfdetermination:nationality-demands", d.nationality.key,
                                  anchor=f"demand-{d.pk}"),
        }


def _results() -> list[Plebiscite]:
    """Plebiscites whose result is published; none of the others' counts exist anywhere."""
    return [p for p in plebiscites.plebiscites_public().order_by("pk")
            if p.status == Plebiscite.Status.DECIDED and p.result is not None]


def plebiscite_result_rows(links: Links) -> Iterator[Row]:
    for p in _results():
        result = p.result
        assert result is not None  # `_results` keeps only the plebiscites with a result
        counts = list(result["counts"])
        decision = p.decision
        winner = counts.index(max(counts)) if decision is not None and counts else None
        result_entry = log.entry_for("plebiscite.result", f"plebiscite:{p.election_id}")
        for i, (option, count) in enumerate(zip(p.options, counts, strict=True)):
            yield {
                "plebiscite": p.pk, "election_id": p.election_id,
                "nationality": p.nationality.key, "question": p.question,
                "language": p.language.tag, "option": option["id"],
                "label": option["label"], "joins": p.joins[i],
                "votes": count, "ballots": result["ballots"], "decided": i == winner,
                "decision_free": decision.free if decision is not None else None,
                "decision_log_index": _index(decision.entry) if decision is not None else None,
                **_logged(links, result_entry),
                "page_url": links.url("plebiscites:detail", p.pk),
            }


def _plebiscite_result_count() -> int:
    return sum(len(p.options) for p in _results())


# Endorsement tallies ------------------------------------------------------------------------


def _snapshots() -> Iterator[TallySnapshot]:
    """Every published snapshot of every released offer, as the offers' tally pages show them."""
    for offer in _offers():
        snapshots = publicity.snapshots_over_time(offer).select_related("offer", "entry")
        yield from _light(snapshots, "entry").iterator(CHUNK)


def _places(snapshot: TallySnapshot) -> list[tuple[str | None, str | None, int]]:
    """(country, region, count), sorted; a snapshot that counts nobody gives one empty row."""
    places = [(country, region or None, count)
              for country, regions in sorted(snapshot.counts.items())
              for region, count in sorted(regions.items())]
    return places or [(None, None, 0)]


def tally_snapshot_rows(links: Links) -> Iterator[Row]:
    for snapshot in _snapshots():
        common = {
            "snapshot": snapshot.pk, "offer": snapshot.offer.key, "kind": snapshot.kind,
            "window_end": snapshot.window_end, "taken_at": snapshot.taken_at,
            "total": snapshot.total,
        }
        logged = _logged(links, snapshot.entry)
        page = links.url("publicity:tally", snapshot.offer.key)
        for country, region, count in _places(snapshot):
            yield {**common, "country": country, "region": region, "count": count,
                   "matches": snapshot.matches, **logged, "page_url": page}


def _tally_snapshot_count() -> int:
    """The number of snapshots, not of rows: counting rows would read every snapshot's counts
    (one a minute while endorsements come in), on every view of the page."""
    return sum(publicity.snapshots_over_time(offer).count() for offer in _offers())


# The log ---------------------------------------------------------------------------------


def log_rows(links: Links) -> Iterator[Row]:
    entries = log.entries_integrated().values_list("index", "kind", "subject", "recorded_at")
    for index, kind, subject, recorded_at in entries.iterator(chunk_size=5000):
        assert index is not None  # `entries_integrated` reads only the integrated entries
        yield {
            "index": index, "kind": kind, "subject": subject, "recorded_at": recorded_at,
            "entry_url": links.entry(index), "body_url": links.body(index),
            "proof_url": links.proof(index),
        }


# The registry's other half ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A dataset's rows, and how many there are (`unit`: what `count` counts, when it cannot
    cheaply count rows)."""

    rows: Callable[[Links], Iterator[Row]]
    count: Callable[[], int]
    unit: str = "rows"


SOURCES: dict[str, Source] = {
    "offers": Source(offer_rows, lambda: _offers().count()),
    "notes": Source(note_rows, lambda: diplomacy.notes_public().count()),
    "proclamations": Source(proclamation_rows, lambda: diplomacy.proclamations_public().count()),
    "replies": Source(reply_rows, lambda: diplomacy.replies_public().count()),
    "armistices": Source(armistice_rows, lambda: diplomacy.armistices_public().count()),
    "sessions": Source(session_rows, lambda: diplomacy.sessions_public().count()),
    "treaties": Source(treaty_rows, lambda: treaties.treaties_public().count()),
    "treaty-texts": Source(treaty_text_rows, lambda: treaties.treaty_texts_public().count()),
    "clauses": Source(clause_rows, lambda: treaties.clauses_public().count()),
    "nationalities": Source(nationality_rows, lambda: world.nationality_list().count()),
    "demands": Source(demand_rows, lambda: selfdetermination.demands_public().count()),
    "plebiscite-results": Source(plebiscite_result_rows, _plebiscite_result_count),
    "tally-snapshots": Source(tally_snapshot_rows, _tally_snapshot_count, unit="snapshots"),
    "log": Source(log_rows, lambda: log.entries_integrated().count()),
}


def generated_at() -> dt.datetime:
    return timezone.now()
