"""Rows written as JSON or CSV, in chunks, so a file of any size streams in flat memory.

JSON: one object, `{"dataset", "format", "schema", "generated_at", "rows": [...]}`, each row an
object with every column of the schema in order, values in their JSON types. CSV (RFC 4180):
UTF-8 without a byte-order mark, a header row of the column names, CRLF line ends, a field
quoted when it holds a comma, a quote or a line break (quotes doubled); null as an empty
field, lists space-separated, JSON values as JSON text, booleans as true and false.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from openpeace.publicity.opendata.schema import FORMAT, Column, Dataset

CHUNK = 64 * 1024


def json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.type == "json":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column.kind.is_list:
        return " ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def json_row(dataset: Dataset, row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: json_value(row[c.name]) for c in dataset.columns}


def csv_chunks(dataset: Dataset, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dataset.column_names)
    for row in rows:
        writer.writerow([csv_value(c, row[c.name]) for c in dataset.columns])
        if out.tell() >= CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def json_chunks(
    dataset: Dataset, rows: Iterable[dict[str, Any]], *, schema_url: str,
    generated_at: dt.datetime,
) -> Iterator[bytes]:
    head = json.dumps({"dataset": dataset.name, "format": FORMAT, "schema": schema_url,
                       "generated_at": generated_at.isoformat()}, ensure_ascii=False)
    parts = [head[:-1], ', "rows": [']
    size = 0
    separator = "\n"
    for row in rows:
        part = separator + json.dumps(json_row(dataset, row), ensure_ascii=False)
        separator = ",\n"
        parts.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")
