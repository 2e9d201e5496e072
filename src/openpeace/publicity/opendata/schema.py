"""The open data's schema, in one place: every dataset, what a row of it is, and each column's
name, type and meaning.

Everything else is derived from this registry: the `/data/` page, the JSON Schema served at
`/data/<name>.schema.json`, the column order of the CSV files, and the dataset reference in
docs/open-data.md (`python -m openpeace.publicity.opendata.schema docs/open-data.md` rewrites
it; a test fails when it is stale). It imports nothing from Django, so it can be read alone.

A column's type says how its values are written (see `TYPES`): in JSON with their JSON type
(`null` when absent); in CSV as text, absent values and `null` as an empty field, lists
space-separated, JSON values as JSON text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "openpeace-open-data/1"
FORMATS = ("json", "csv")

KEY = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
LANGUAGE = {"type": "string", "pattern": "^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8})*$"}


@dataclass(frozen=True)
class Type:
    """A column type: its JSON Schema, how the page and the docs name it, and whether it is a
    list (space-separated in CSV)."""

    json_schema: dict[str, Any]
    label: str
    is_list: bool = False


TYPES: dict[str, Type] = {
    "text": Type({"type": "string"}, "text"),
    "integer": Type({"type": "integer"}, "integer"),
    "count": Type({"type": "integer", "minimum": 0}, "integer ≥ 0"),
    "boolean": Type({"type": "boolean"}, "boolean (CSV: true or false)"),
    "date": Type({"type": "string", "format": "date"}, "date (ISO 8601, YYYY-MM-DD)"),
    "datetime": Type({"type": "string", "format": "date-time"}, "date and time (RFC 3339)"),
    "key": Type(KEY, "key (a slug: a-z, 0-9, -)"),
    "language": Type(LANGUAGE, "language tag (BCP 47)"),
    "sha256": Type({"type": "string", "pattern": "^[0-9a-f]{64}$"}, "SHA-256, hex"),
    "url": Type({"type": "string", "format": "uri"}, "URL"),
    "log_index": Type({"type": "integer", "minimum": 0}, "log index"),
    "json": Type({}, "JSON (CSV: JSON text)"),
    "keys": Type({"type": "array", "items": KEY}, "list of keys (CSV: space-separated)", True),
    "languages": Type({"type": "array", "items": LANGUAGE},
                      "list of language tags (CSV: space-separated)", True),
    "tokens": Type({"type": "array", "items": {"type": "string", "pattern": "^\\S+$"}},
                   "list of words without spaces (CSV: space-separated)", True),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str
    nullable: bool = False
    enum: tuple[str, ...] = ()

    @property
    def kind(self) -> Type:
        return TYPES[self.type]

    def json_schema(self) -> dict[str, Any]:
        schema = dict(self.kind.json_schema)
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        return {**schema, "description": self.meaning}

    @property
    def type_label(self) -> str:
        label = self.kind.label
        if self.enum:
            label += ": " + ", ".join(self.enum)
        return label + (", or null" if self.nullable else "")


@dataclass(frozen=True)
class Dataset:
    """A dataset: its name (in its addresses), title, what one row is, its columns in order,
    and a plain-text note."""

    name: str
    title: str
    row: str
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# Columns that several datasets share: every act links to its log entry and to its page.


def log_index(what: str = "the act") -> Column:
    return Column("log_index", "log_index", f"the index of the log entry of {what}; null until "
                  "the log integrates it (seconds)", nullable=True)


def log_entry_url(what: str = "the act") -> Column:
    return Column("log_entry_url", "url", f"the page of the log entry of {what}, with its "
                  "inclusion proof; null until the log integrates it", nullable=True)


def page_url(what: str) -> Column:
    return Column("page_url", "url", f"the public page of {what}")


REPLY_KINDS = ("accepts_armistice", "accepts_negotiations", "counter_proposal", "rejects")
CLAUSE_FINDINGS_ENTRY = ("the act that set its current findings: the treaty's publication, or "
                         "the latest treaty.findings_changed naming this clause")
CLAUSE_TYPES = ("territorial_transfer", "sphere_of_influence", "military", "financial",
                "secrecy", "other")
DEMAND_KINDS = ("autonomy", "language_rights", "land", "release_of_prisoners", "secession",
                "recognition_of_declaration", "other")
DEMAND_STATUSES = ("filed", "acknowledged", "in_progress", "satisfied", "refused")
UNITS = ("days", "months")

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "offers", "Offers of peace", "a released offer of peace",
        (
            Column("key", "key", "the offer's key"),
            Column("title", "text", "its title"),
            Column("proposing_state", "key", "the state that offers peace"),
            Column("addressees", "keys", "every state it is addressed to"),
            Column("reply_deadline", "datetime", "replies are awaited until then"),
            Column("released_at", "datetime", "the one instant every note and proclamation "
                   "was released"),
            Column("status", "text", "the overall status, as last logged", enum=(
                "open", "truce", "negotiations", "peace", "defence")),
            Column("terms", "json", "the terms of peace as structured data "
                   "(docs/terms-format.md)"),
            Column("sources", "json", "where the offer comes from, as its release logged "
                   "them (a list, each {\"key\", \"title\"} and, when given, \"url\" and "
                   "\"language\")"),
            log_index("the release"),
            log_entry_url("the release"),
            page_url("the offer"),
        ),
        note="Its texts are in notes and proclamations, one row per language.",
    ),
    Dataset(
        "notes", "Notes to the governments",
        "the note of a released offer to one addressed government, in one language",
        (
            Column("offer", "key", "the offer"),
            Column("state", "key", "the addressed state"),
            Column("government", "text", "the name of its government, the note's addressee"),
            Column("language", "language", "the language of this text"),
            Column("text", "text", "the note"),
            Column("sha256", "sha256", "SHA-256 of the UTF-8 text, as the release committed "
                   "to it"),
            log_index("the release"),
            log_entry_url("the release"),
            page_url("the note in this language"),
        ),
    ),
    Dataset(
        "proclamations", "Proclamations to the peoples",
        "the proclamation of a released offer to one people, in one of its languages",
        (
            Column("offer", "key", "the offer"),
            Column("people", "key", "the people it is addressed to"),
            Column("state", "key", "that people's state"),
            Column("language", "language", "the language of this text"),
            Column("direction", "text", "the writing direction of that language",
                   enum=("ltr", "rtl")),
            Column("title", "text", "the proclamation's title"),
            Column("text", "text", "the proclamation"),
            Column("sha256", "sha256", "SHA-256 of the canonical JSON {text, title}, as the "
                   "release committed to it"),
            log_index("the release"),
            log_entry_url("the release"),
            page_url("the proclamation in this language"),
        ),
    ),
    Dataset(
        "replies", "Replies", "a government's reply to a released offer",
        (
            Column("id", "integer", "the reply's number"),
            Column("offer", "key", "the offer"),
            Column("state", "key", "the state whose government replied"),
            Column("kind", "text", "what it replied", enum=REPLY_KINDS),
            Column("text", "text", "the reply as sent"),
            Column("language", "language", "the language it was sent in"),
            Column("replied_at", "datetime", "when it was recorded"),
            Column("terms", "json", "a counter-proposal's terms", nullable=True),
            Column("findings", "json", "the terms validator's findings on those terms (a list)"),
            log_index("the reply"),
            log_entry_url("the reply"),
            page_url("the offer, at this reply"),
        ),
    ),
    Dataset(
        "armistices", "Armistices", "an armistice agreement under a released offer",
        (
            Column("id", "integer", "the armistice's number (in its page's address)"),
            Column("offer", "key", "the offer it follows"),
            Column("parties", "keys", "the states party to it"),
            Column("signed_on", "date", "when it was signed"),
            Column("effective_on", "date", "when it took effect"),
            Column("term_count", "count", "its term, in `term_unit`"),
            Column("term_unit", "text", "the unit of its term", enum=UNITS),
            Column("renewal", "text", "what happens at the end of its term",
                   enum=("none", "renewed_for", "continued_until_denounced")),
            Column("renewal_count", "count", "the renewed term, in `renewal_unit`",
                   nullable=True),
            Column("renewal_unit", "text", "the unit of the renewed term", nullable=True,
                   enum=UNITS),
            Column("notice_days", "count", "the notice a denunciation needs, in days",
                   nullable=True),
            Column("demarcation", "text", "the demarcation line, in words"),
            Column("demarcation_geojson_url", "url", "the demarcation line as GeoJSON",
                   nullable=True),
            log_index("the armistice"),
            log_entry_url("the armistice"),
            page_url("the armistice"),
        ),
    ),
    Dataset(
        "sessions", "Negotiation sessions",
        "a session of the peace negotiations under a released offer, with its published record",
        (
            Column("id", "integer", "the session's number (in its page's address)"),
            Column("offer", "key", "the offer it follows"),
            Column("place", "text", "where it was held"),
            Column("opened_on", "date", "when it opened"),
            Column("closed_on", "date", "when it closed", nullable=True),
            Column("delegations", "json", "the delegations as recorded (a list, each "
                   "{\"state\": a state's key, \"members\": [their names]})"),
            Column("record", "text", "the published record of the session"),
            log_index("the session"),
            log_entry_url("the session"),
            page_url("the session"),
        ),
    ),
    Dataset(
        "treaties", "Treaties",
        "a published or repudiated treaty: the columns of the PA-X compatible export",
        (
            Column("AgtId", "key", "PA-X agreement identifier: the treaty's key"),
            Column("Agt", "text", "PA-X agreement name: the title"),
            Column("Dat", "date", "PA-X date signed: the last date of signature"),
            Column("Con", "text", "PA-X country/entity: the parties' names joined by /"),
            Column("Part", "text", "PA-X signing parties: the parties' governments, joined "
                   "by ; "),
            Column("Agtp", "text", "PA-X agreement type: every treaty here is between states",
                   enum=("Inter",)),
            Column("short_name", "text", "its usual name"),
            Column("signed_dates", "tokens", "every date of signature, ISO 8601"),
            Column("place", "text", "where it was concluded"),
            Column("languages", "languages", "the languages it was concluded in"),
            Column("status", "text", "where it stands", enum=("published", "repudiated")),
            Column("published_at", "datetime", "when it was published"),
            Column("publication_log_index", "log_index", "the log entry of its publication, "
                   "which carries every text in full", nullable=True),
            Column("repudiated_on", "date", "when it was repudiated", nullable=True),
            Column("repudiated_by", "key", "the state that repudiated it", nullable=True),
            Column("repudiation_log_index", "log_index", "the log entry of its repudiation",
                   nullable=True),
            Column("clauses", "count", "its coded clauses"),
            Column("territorial_clauses", "count", "of which name a territory"),
            Column("flagged_clauses", "count", "of which are promises of annexation"),
            Column("flagged_territories", "tokens", "each promise of annexation as "
                   "territory>recipient"),
            Column("annexation_findings", "text", "the terms validator's findings on them, "
                   "clause: message, joined by |"),
            Column("texts_sha256", "tokens", "each current text as language:SHA-256"),
            log_entry_url("its publication"),
            page_url("the treaty"),
        ),
        note="The first 22 columns are exactly those of /treaties/export.csv (and of "
             "openpeace treaties export --format csv), the PA-X names first "
             "(docs/treaties-format.md); the texts are in treaty-texts, the clauses in clauses.",
    ),
    Dataset(
        "treaty-texts", "Texts of the treaties",
        "one revision of a public treaty's text in one language",
        (
            Column("treaty", "key", "the treaty"),
            Column("language", "language", "the language of this text"),
            Column("revision", "count", "1 for the text as published, then each correction"),
            Column("current", "boolean", "whether this is the text in force"),
            Column("title", "text", "the title in this language"),
            Column("text", "text", "the full text"),
            Column("source", "text", "where this text comes from"),
            Column("sha256", "sha256", "SHA-256 of the UTF-8 text"),
            Column("reason", "text", "why this revision corrects the last one (empty for the "
                   "first)"),
            log_index("the publication of this revision"),
            log_entry_url("the publication of this revision"),
            page_url("the treaty, at this text"),
        ),
    ),
    Dataset(
        "clauses", "Clauses of the treaties", "a coded clause of a public treaty",
        (
            Column("treaty", "key", "the treaty"),
            Column("id", "text", "the clause's id within its treaty"),
            Column("position", "count", "its place in the treaty"),
            Column("type", "text", "its coding", enum=CLAUSE_TYPES),
            Column("description", "text", "what it provides"),
            Column("territory", "key", "the territory it disposes of", nullable=True),
            Column("from", "key", "the state that holds that territory", nullable=True),
            Column("to", "text", "who is to receive it: a state's key, or separate_state",
                   nullable=True),
            Column("kind", "text", "the terms validator's kind of clause", nullable=True),
            Column("nationalities", "keys", "the nationalities living there"),
            Column("flagged", "boolean", "a promise of annexation"),
            Column("findings", "json", "the terms validator's findings (a list, each with its "
                   "rule, message and the source text's sentences)"),
            log_index(CLAUSE_FINDINGS_ENTRY),
            log_entry_url(CLAUSE_FINDINGS_ENTRY),
            page_url("the treaty, at this clause"),
        ),
    ),
    Dataset(
        "nationalities", "Nationalities",
        "a nationality of the register, metropolitan or colonial",
        (
            Column("key", "key", "the nationality's key"),
            Column("name", "text", "its name"),
            Column("endonym", "text", "its own name for itself", nullable=True),
            Column("endonym_language", "language", "the language of that name",
                   nullable=True),
            Column("languages", "languages", "the languages it speaks"),
            Column("standing", "text", "colonial nationalities are listed like any other",
                   enum=("metropolitan", "colonial")),
            Column("ruled_by", "keys", "the states that rule it"),
            Column("territories", "keys", "the territories it lives in"),
            log_index("the loading of the situation that registered it"),
            log_entry_url("the loading of the situation"),
        ),
        note="Their demands are in demands, their plebiscites in plebiscite-results; "
             "/coverage.csv says which have had their choice.",
    ),
    Dataset(
        "demands", "Demands of the nationalities",
        "a demand of a nationality, filed by its commission",
        (
            Column("id", "integer", "the demand's number"),
            Column("nationality", "key", "the nationality"),
            Column("commission", "text", "the body that filed it"),
            Column("kind", "text", "what it demands", enum=DEMAND_KINDS),
            Column("text", "text", "the demand, as filed"),
            Column("acts_asked", "text", "the acts it asks for"),
            Column("language", "language", "the language of the text and the acts asked"),
            Column("status", "text", "where it stands", enum=DEMAND_STATUSES),
            Column("filed_at", "datetime", "when it was filed"),
            Column("refusal_reasons", "text", "the reasons published with a refusal",
                   nullable=True),
            Column("satisfied_by_log_index", "log_index", "the log entry of the act that "
                   "satisfied it (a decision's, if a decision)", nullable=True),
            Column("status_log_index", "log_index", "the log entry of its latest step",
                   nullable=True),
            log_index("its filing"),
            log_entry_url("its filing"),
            page_url("the demand"),
        ),
    ),
    Dataset(
        "plebiscite-results", "Plebiscite results",
        "one option of a plebiscite whose result is published, with its count",
        (
            Column("plebiscite", "integer", "the plebiscite's number"),
            Column("election_id", "text", "its election identifier"),
            Column("nationality", "key", "the nationality that voted"),
            Column("question", "text", "the question put to it"),
            Column("language", "language", "the language of the question"),
            Column("option", "text", "the option's id"),
            Column("label", "text", "the option as the ballot shows it"),
            Column("joins", "key", "the state this option joins; null: a separate state",
                   nullable=True),
            Column("votes", "count", "the votes for this option"),
            Column("ballots", "count", "the ballots counted in all (the last of each voter)"),
            Column("decided", "boolean", "whether this option became the nationality's "
                   "decision (a tie decides nothing)"),
            Column("decision_free", "boolean", "whether that decision is free (not taken "
                   "under occupation); null when nothing was decided", nullable=True),
            Column("decision_log_index", "log_index", "the log entry of the decision",
                   nullable=True),
            log_index("the result"),
            log_entry_url("the result"),
            page_url("the plebiscite, with its proofs"),
        ),
    ),
    Dataset(
        "tally-snapshots", "Endorsement tallies",
        "one country and region of a published tally of a released offer's endorsements",
        (
            Column("snapshot", "integer", "the snapshot's number"),
            Column("offer", "key", "the offer endorsed"),
            Column("kind", "text", "the periodic tally, or the daily full recount",
                   enum=("tally", "recount")),
            Column("window_end", "datetime", "endorsements confirmed before it are counted"),
            Column("taken_at", "datetime", "when the snapshot was published"),
            Column("total", "count", "the snapshot's total, every country together"),
            Column("country", "key", "the endorsers' country (a state's key); null only in "
                   "the one row of a snapshot that counts nobody", nullable=True),
            Column("region", "key", "their region (a territory's key); null when none was "
                   "given", nullable=True),
            Column("count", "count", "the endorsements counted from that country and region"),
            Column("matches", "boolean", "a recount: whether it matched the tally; null for "
                   "a tally", nullable=True),
            log_index("the snapshot"),
            log_entry_url("the snapshot"),
            page_url("the offer's endorsements"),
        ),
        note="Counts only, never who endorsed. A snapshot is never revised: a later one, "
             "also in the log, supersedes it. The /data/ page gives the number of snapshots, "
             "not of rows.",
    ),
    Dataset(
        "log", "The transparency log", "an integrated entry of the transparency log",
        (
            Column("index", "log_index", "its index in the log"),
            Column("kind", "text", "the kind of act, e.g. offer.released"),
            Column("subject", "text", "what the act is about, e.g. treaty:straits-pact"),
            Column("recorded_at", "datetime", "when the act was recorded"),
            Column("entry_url", "url", "its page, with its inclusion proof"),
            Column("body_url", "url", "the entry's bytes exactly as logged"),
            Column("proof_url", "url", "its inclusion proof as a .tlog-proof file"),
        ),
        note="An entry appears once the log integrates it (seconds). The log's checkpoint, "
             "tiles and key are under /log/.",
    ),
)

BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}


def json_schema(dataset: Dataset, schema_id: str | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the dataset's JSON file."""
    row = {
        "type": "object",
        "additionalProperties": False,
        "required": dataset.column_names,
        "properties": {c.name: c.json_schema() for c in dataset.columns},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **({"$id": schema_id} if schema_id else {}),
        "title": f"openpeace open data: {dataset.name}",
        "description": f"{dataset.title}: one row is {dataset.row}. See docs/open-data.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["dataset", "format", "schema", "generated_at", "rows"],
        "properties": {
            "dataset": {"const": dataset.name},
            "format": {"const": FORMAT},
            "schema": {"type": "string", "format": "uri",
                       "description": "the address of this JSON Schema"},
            "generated_at": {"type": "string", "format": "date-time"},
            "rows": {"type": "array", "items": {"$ref": "#/$defs/row"}},
        },
        "$defs": {"row": row},
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The dataset reference of docs/open-data.md."""
    out: list[str] = []
    for d in DATASETS:
        out += [f"### `{d.name}`: {d.title}", "",
                f"One row is {d.row}. `/data/{d.name}.json`, `/data/{d.name}.csv`, "
                f"`/data/{d.name}.schema.json`.", ""]
        if d.note:
            out += [d.note, ""]
        out += ["| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c.name}` | {_cell(c.type_label)} | {_cell(c.meaning)} |"
                for c in d.columns]
        out.append("")
    return "\n".join(out)


BEGIN = "<!-- BEGIN datasets: generated from src/openpeace/publicity/opendata/schema.py -->"
END = "<!-- END datasets -->"


def docs_with_reference(text: str) -> str:
    """`text` (docs/open-data.md) with its generated section replaced by `markdown()`."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n\n{markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """`python -m openpeace.publicity.opendata.schema docs/open-data.md` rewrites its reference."""
    if len(argv) != 1:
        print("usage: python -m openpeace.publicity.opendata.schema docs/open-data.md",
              file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(docs_with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
