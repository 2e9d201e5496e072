"""Exports of the public register: JSON (every field) and CSV (one row per treaty).

The CSV's first columns carry PA-X names (the Peace Agreements Database, University of
Edinburgh, codebook v8) where a field has a PA-X counterpart, so that historians can put the
1917 treaties beside PA-X's agreements; the rest are openpeace's own (docs/treaties-format.md
has the mapping). Secret treaties are never exported: both read `treaties_export()`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpeace.log.models import Entry
from openpeace.treaties.models import Clause, Treaty
from openpeace.treaties.selectors import treaties_export

EXPORT_FORMAT = "openpeace-treaties-export/1"

CSV_COLUMNS = [
    # PA-X names
    "AgtId", "Agt", "Dat", "Con", "Part", "Agtp",
    # openpeace's own
    "short_name", "signed_dates", "place", "languages", "status", "published_at",
    "publication_log_index", "repudiated_on", "repudiated_by", "repudiation_log_index",
    "clauses", "territorial_clauses", "flagged_clauses", "flagged_territories",
    "annexation_findings", "texts_sha256",
]


def _index(entry: Entry | None) -> int | None:
    return entry.index if entry is not None else None


def _clause(clause: Clause) -> dict[str, Any]:
    return {
        "id": clause.code,
        "type": clause.type,
        "description": clause.description,
        "territory": clause.territory.key if clause.territory else None,
        "from": clause.from_state.key if clause.from_state else None,
        "to": clause.to or None,
        "kind": clause.kind or None,
        "nationalities": sorted(n.key for n in clause.nationalities.all()),
        "flagged": clause.flagged,
        "findings": clause.findings,
    }


def treaty_document(treaty: Treaty, *, revisions: bool = False) -> dict[str, Any]:
    """A public treaty as the JSON export gives it (current texts), or as the API does
    (`revisions`: every revision, with why it was made and its log entry)."""
    return {
        "key": treaty.key,
        "title": treaty.title,
        "short_name": treaty.short_name,
        "signed": treaty.signed_dates,
        "place": treaty.place,
        "parties": sorted(p.key for p in treaty.parties.all()),
        "languages": sorted(lang.tag for lang in treaty.languages.all()),
        "sources": treaty.sources,
        "status": treaty.status,
        "published_at": treaty.published_at.isoformat() if treaty.published_at else None,
        "publication_log_index": _index(treaty.publication_entry),
        "repudiation": None if treaty.repudiated_on is None else {
            "on": treaty.repudiated_on.isoformat(),
            "by": treaty.repudiated_by.key if treaty.repudiated_by else None,
            "statement": treaty.repudiation_statement,
            "log_index": _index(treaty.repudiation_entry),
        },
        "texts": [
            {"language": t.language.tag, "revision": t.revision, "title": t.title,
             "text": t.text, "source": t.source, "sha256": t.sha256}
            | ({"current": t.current, "reason": t.reason, "log_index": _index(t.entry)}
               if revisions else {})
            for t in treaty.texts.all() if revisions or t.current
        ],
        "clauses": [_clause(c) for c in treaty.clauses.all()],
    }


def export_json() -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "treaties": [treaty_document(t) for t in treaties_export()]}


def csv_row(treaty: Treaty) -> dict[str, Any]:
    parties = sorted(treaty.parties.all(), key=lambda s: s.name)
    clauses = list(treaty.clauses.all())
    flagged = [c for c in clauses if c.flagged]
    return {
        "AgtId": treaty.key,
        "Agt": treaty.title,
        "Dat": treaty.signed_dates[-1],  # PA-X: the last date of a range
        "Con": "/".join(p.name for p in parties),
        "Part": "; ".join(p.government.name if hasattr(p, "government") else p.name
                          for p in parties),
        "Agtp": "Inter",
        "short_name": treaty.short_name,
        "signed_dates": " ".join(treaty.signed_dates),
        "place": treaty.place,
        "languages": " ".join(sorted(lang.tag for lang in treaty.languages.all())),
        "status": treaty.status,
        "published_at": treaty.published_at.isoformat() if treaty.published_at else "",
        "publication_log_index": _index(treaty.publication_entry),
        "repudiated_on": treaty.repudiated_on.isoformat() if treaty.repudiated_on else "",
        "repudiated_by": treaty.repudiated_by.key if treaty.repudiated_by else "",
        "repudiation_log_index": _index(treaty.repudiation_entry),
        "clauses": len(clauses),
        "territorial_clauses": sum(1 for c in clauses if c.territory_id is not None),
        "flagged_clauses": len(flagged),
        "flagged_territories": " ".join(f"{c.territory.key}>{c.to}" for c in flagged
                                        if c.territory),
        "annexation_findings": " | ".join(
            f"{c.code}: {f['message']}" for c in flagged for f in c.findings
        ),
        "texts_sha256": " ".join(f"{t.language.tag}:{t.sha256}" for t in treaty.texts.all()
                                 if t.current),
    }


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for treaty in treaties_export().select_related("repudiated_by"):
        writer.writerow(csv_row(treaty))
    return out.getvalue()
