"""The coverage report as CSV: one row per nationality of the register, each exactly once."""

from __future__ import annotations

import csv
import io

from openpeace.core.coverage import Coverage

CSV_COLUMNS = ["nationality", "name", "standing", "ruled_by", "given", "choice", "via",
               "taken_on", "free", "pending"]


def coverage_csv(report: Coverage) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        d = row.decision
        writer.writerow([
            row.nationality.key, row.nationality.name, row.nationality.standing,
            " ".join(row.nationality.ruled_by), row.given,
            d.choice if d else "", d.via if d else "", d.taken_on.isoformat() if d else "",
            ("yes" if d.free else "no") if d else "", " | ".join(row.pending),
        ])
    return out.getvalue()
