"""The catalog's SQLite schema, and the in-place upgrade of catalogs made by earlier versions.

Triggers keep the audit trails (dossier events, archive events, disposal records) append-only and
forbid deleting a dossier or a package row: the catalog remembers everything that was ever archived.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS dossiers (
    dossier_id TEXT PRIMARY KEY,
    form_type TEXT,
    package TEXT,
    pdf TEXT,
    maintenance TEXT,
    retention_years INTEGER,
    retention_basis TEXT,
    retention_confirmed INTEGER,
    review_year INTEGER,
    record_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dossiers_form_type ON dossiers(form_type);
CREATE INDEX IF NOT EXISTS dossiers_review_year ON dossiers(review_year);
CREATE INDEX IF NOT EXISTS dossiers_package ON dossiers(package);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    time TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    agent TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_dossier ON events(dossier_id, seq);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS dossiers_no_delete BEFORE DELETE ON dossiers
BEGIN SELECT RAISE(ABORT, 'the catalog never deletes a dossier'); END;

CREATE TABLE IF NOT EXISTS packages (
    objid TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL UNIQUE,
    mets_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS packages_dossier ON packages(dossier_id, version);
CREATE TRIGGER IF NOT EXISTS packages_no_delete BEFORE DELETE ON packages
BEGIN SELECT RAISE(ABORT, 'the catalog never deletes a package'); END;
CREATE TABLE IF NOT EXISTS package_files (
    objid TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT,
    PRIMARY KEY (objid, path)
);

CREATE TABLE IF NOT EXISTS search_text (
    id INTEGER PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    page INTEGER,
    field TEXT,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_text_dossier ON search_text(dossier_id);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE IF NOT EXISTS disposals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    decision TEXT NOT NULL,
    executed_at TEXT NOT NULL,
    operator TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    objid TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    sha256 TEXT
);
CREATE INDEX IF NOT EXISTS disposals_dossier ON disposals(dossier_id);
CREATE TRIGGER IF NOT EXISTS disposals_no_update BEFORE UPDATE ON disposals
BEGIN SELECT RAISE(ABORT, 'disposal records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS disposals_no_delete BEFORE DELETE ON disposals
BEGIN SELECT RAISE(ABORT, 'disposal records are append-only'); END;

CREATE TABLE IF NOT EXISTS archive_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type TEXT NOT NULL,
    time TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    agent TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS archive_events_no_update BEFORE UPDATE ON archive_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS archive_events_no_delete BEFORE DELETE ON archive_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

ADDED_DOSSIER_COLUMNS = (
    ("end_year", "INTEGER"),
    ("retention_end", "TEXT"),
    ("hold", "INTEGER NOT NULL DEFAULT 0"),
    ("hold_reason", "TEXT"),
    ("status", "TEXT NOT NULL DEFAULT 'active'"),
)
"""Columns added after the first release; :func:`upgrade` adds them to an older catalog."""


def upgrade(db: sqlite3.Connection) -> None:
    """Create missing tables and add missing columns, statement by statement inside the caller's transaction."""
    for statement in _statements(SCHEMA):
        db.execute(statement)
    present = {row[1] for row in db.execute("PRAGMA table_info(dossiers)")}
    for name, decl in ADDED_DOSSIER_COLUMNS:
        if name not in present:
            db.execute(f"ALTER TABLE dossiers ADD COLUMN {name} {decl}")
    db.execute("CREATE INDEX IF NOT EXISTS dossiers_retention_end ON dossiers(retention_end)")


def _statements(script: str) -> list[str]:
    """Split the schema into statements (triggers hold ``;`` inside ``BEGIN … END``)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]
