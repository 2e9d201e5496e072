"""The full-text index over `SearchDocument`, in each database's own engine.

SQLite: an external-content FTS5 table (sqlite.org/fts5.html §4.4.2) kept by triggers, with the
Porter stemmer over Unicode words, diacritics folded. PostgreSQL: a `tsvector` column kept by a
trigger, holding each row's words under its language's configuration (stems) and under `simple`
(exact words in any language), titles weighted above bodies, with a GIN index.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE treaties_search USING fts5(
        title, body, content='treaties_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER treaties_search_insert AFTER INSERT ON treaties_searchdocument BEGIN
        INSERT INTO treaties_search(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER treaties_search_delete AFTER DELETE ON treaties_searchdocument BEGIN
        INSERT INTO treaties_search(treaties_search, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER treaties_search_update AFTER UPDATE ON treaties_searchdocument BEGIN
        INSERT INTO treaties_search(treaties_search, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO treaties_search(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER treaties_search_update",
    "DROP TRIGGER treaties_search_delete",
    "DROP TRIGGER treaties_search_insert",
    "DROP TABLE treaties_search",
]

POSTGRESQL = [
    "ALTER TABLE treaties_searchdocument ADD COLUMN vector tsvector",
    """CREATE FUNCTION treaties_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector :=
            setweight(to_tsvector(NEW.config::regconfig, NEW.title), 'A')
            || setweight(to_tsvector(NEW.config::regconfig, NEW.body), 'B')
            || setweight(to_tsvector('simple', NEW.title), 'A')
            || setweight(to_tsvector('simple', NEW.body), 'B');
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER treaties_search_vector BEFORE INSERT OR UPDATE
        ON treaties_searchdocument FOR EACH ROW EXECUTE FUNCTION treaties_search_vector()""",
    "CREATE INDEX treaties_search_vector_gin ON treaties_searchdocument USING gin (vector)",
]
POSTGRESQL_UNDO = [
    "DROP INDEX treaties_search_vector_gin",
    "DROP TRIGGER treaties_search_vector ON treaties_searchdocument",
    "DROP FUNCTION treaties_search_vector()",
    "ALTER TABLE treaties_searchdocument DROP COLUMN vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("treaties", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        )
    ]
