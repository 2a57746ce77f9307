"""The archive catalog: one SQLite file indexing dossiers, their packages, retention and audit trail.

SQLite in WAL mode with a busy timeout lets several pipeline workers write at once. Triggers make
the audit trail append-only and forbid deleting a dossier row: disposition happens outside this
code, after a council decision, and this catalog only lists what is due for review. The file is
created with mode 0640 (it holds personal data: the whole export record is kept).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from archive.model import PremisEvent, iso_vn, now_vn
from archive.retention import RetentionInfo
from sohoa.errors import ArchiveError

_SCHEMA = """
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
"""

_UPSERT = """
INSERT INTO dossiers (dossier_id, form_type, package, pdf, maintenance, retention_years,
    retention_basis, retention_confirmed, review_year, record_json, created_at, updated_at)
VALUES (:dossier_id, :form_type, :package, :pdf, :maintenance, :years, :basis, :confirmed,
    :review_year, :record_json, :now, :now)
ON CONFLICT(dossier_id) DO UPDATE SET
    form_type = excluded.form_type, package = excluded.package, pdf = excluded.pdf,
    record_json = excluded.record_json, updated_at = excluded.updated_at,
    maintenance = CASE WHEN :has_retention THEN excluded.maintenance ELSE maintenance END,
    retention_years = CASE WHEN :has_retention THEN excluded.retention_years ELSE retention_years END,
    retention_basis = CASE WHEN :has_retention THEN excluded.retention_basis ELSE retention_basis END,
    retention_confirmed = CASE WHEN :has_retention THEN excluded.retention_confirmed
                               ELSE retention_confirmed END,
    review_year = CASE WHEN :has_retention THEN excluded.review_year ELSE review_year END
"""

_REVIEW_COLUMNS = ("dossier_id", "form_type", "package", "maintenance", "retention_years",
                   "retention_basis", "retention_confirmed", "review_year")


class Catalog:
    """The SQLite catalog of archived dossiers (use as a context manager, or call :meth:`close`)."""

    def __init__(self, path: Path) -> None:
        """Open (creating if needed) the catalog at ``path``.

        Raises:
            ArchiveError: The database cannot be created or opened.
        """
        try:
            _create_private(path)
            self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open the archive catalog ({type(exc).__name__})",
                               reason="catalog_failed") from exc

    def upsert_dossier(self, record: Mapping[str, object], *, retention: RetentionInfo | None = None) -> None:
        """Insert or update one dossier from its export record.

        Args:
            record: The export JSON object; must hold ``dossier_id``. Stored whole as JSON.
            retention: The dossier's retention; when None an existing row keeps its retention.
        """
        dossier_id = record.get("dossier_id")
        if not isinstance(dossier_id, str) or not dossier_id:
            raise ArchiveError("catalog record has no dossier_id", reason="catalog_record_invalid")
        params = {
            "dossier_id": dossier_id, "form_type": _text(record.get("form_type")),
            "package": _text(record.get("package")), "pdf": _text(record.get("pdf")),
            "record_json": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
            "now": iso_vn(now_vn()), "has_retention": retention is not None,
            **_retention_params(retention),
        }
        self._write(_UPSERT, params)

    def records(self) -> list[dict]:
        """All stored export records, in ``dossier_id`` order."""
        rows = self._db.execute("SELECT record_json FROM dossiers ORDER BY dossier_id").fetchall()
        return [json.loads(row["record_json"]) for row in rows]

    def add_event(self, dossier_id: str, event: PremisEvent) -> None:
        """Append one event to the dossier's audit trail."""
        self._write(
            "INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (dossier_id, event.event_type, event.time_iso, event.outcome, event.detail, event.agent,
             iso_vn(now_vn())),
        )

    def events(self, dossier_id: str) -> list[dict]:
        """The dossier's audit trail, oldest first."""
        rows = self._db.execute(
            "SELECT event_type, time, outcome, detail, agent, recorded_at FROM events "
            "WHERE dossier_id = ? ORDER BY seq", (dossier_id,)).fetchall()
        return [dict(row) for row in rows]

    def due_for_review(self, year: int) -> list[dict]:
        """Dossiers whose retention has run out by ``year``: the disposal-review ("Xem xét hủy") list.

        Permanent dossiers never appear. Nothing is deleted or changed.

        Returns:
            Rows with dossier_id, form_type, package, maintenance, retention_years, retention_basis,
            retention_confirmed and review_year, by review year then dossier_id.
        """
        rows = self._db.execute(
            f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM dossiers "
            "WHERE review_year IS NOT NULL AND review_year <= ? ORDER BY review_year, dossier_id",
            (year,)).fetchall()
        return [{**dict(row), "retention_confirmed": bool(row["retention_confirmed"])} for row in rows]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Catalog:
        """Use the catalog in a ``with`` block."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the catalog at the end of the ``with`` block."""
        self.close()

    def _write(self, sql: str, params: Mapping[str, object] | tuple[object, ...]) -> None:
        """Run one write in its own immediate transaction."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot write the archive catalog ({type(exc).__name__}: {exc})",
                               reason="catalog_failed") from exc


def _create_private(path: Path) -> None:
    """Create the database file with mode 0640 if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o640)
    try:
        if os.fstat(fd).st_size == 0:
            os.fchmod(fd, 0o640)
    finally:
        os.close(fd)


def _text(value: object) -> str | None:
    """A column value: the text of ``value``, or None."""
    return None if value is None else str(value)


def _retention_params(retention: RetentionInfo | None) -> dict[str, object]:
    """The retention columns of an upsert."""
    if retention is None:
        return {"maintenance": None, "years": None, "basis": None, "confirmed": None, "review_year": None}
    return {"maintenance": retention.maintenance, "years": retention.years, "basis": retention.basis,
            "confirmed": int(retention.confirmed), "review_year": retention.review_year}
