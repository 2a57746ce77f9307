"""The archive catalog: one SQLite file indexing dossiers, package versions, checksums, retention,
legal holds, search text, disposal records and the audit trail.

SQLite in WAL mode with a busy timeout lets several pipeline workers write at once. Triggers make
the audit trails append-only and forbid deleting a dossier or package row (``archive._catalog_schema``).
The file is created with mode 0640 (it holds personal data: the export record and the OCR text).
Indexing a dossier whose record names a package also registers that package version — its OBJID,
the SHA-256 of its root ``METS.xml`` (the anchor of every fixity check) and the files it lists —
and marks earlier versions superseded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from types import TracebackType

from archive import search as _search
from archive._catalog_schema import upgrade
from archive._xml import parse
from archive.fixity import ROOT_METS, listed_files
from archive.model import PremisEvent, iso_vn, now_vn
from archive.retention import RetentionInfo
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file

_UPSERT = """
INSERT INTO dossiers (dossier_id, form_type, package, pdf, maintenance, retention_years,
    retention_basis, retention_confirmed, review_year, end_year, retention_end, record_json,
    created_at, updated_at)
VALUES (:dossier_id, :form_type, :package, :pdf, :maintenance, :years, :basis, :confirmed,
    :review_year, :end_year, :retention_end, :record_json, :now, :now)
ON CONFLICT(dossier_id) DO UPDATE SET
    form_type = excluded.form_type, package = excluded.package, pdf = excluded.pdf,
    record_json = excluded.record_json, updated_at = excluded.updated_at,
    maintenance = CASE WHEN :has_retention THEN excluded.maintenance ELSE maintenance END,
    retention_years = CASE WHEN :has_retention THEN excluded.retention_years ELSE retention_years END,
    retention_basis = CASE WHEN :has_retention THEN excluded.retention_basis ELSE retention_basis END,
    retention_confirmed = CASE WHEN :has_retention THEN excluded.retention_confirmed
                               ELSE retention_confirmed END,
    review_year = CASE WHEN :has_retention THEN excluded.review_year ELSE review_year END,
    end_year = CASE WHEN :has_retention THEN excluded.end_year ELSE end_year END,
    retention_end = CASE WHEN :has_retention THEN excluded.retention_end ELSE retention_end END
"""

_REVIEW_COLUMNS = ("dossier_id", "form_type", "package", "maintenance", "retention_years",
                   "retention_basis", "retention_confirmed", "review_year")
_DUE_COLUMNS = (*_REVIEW_COLUMNS, "end_year", "retention_end", "hold", "hold_reason", "status")


class Catalog:
    """The SQLite catalog of an archive (use as a context manager, or call :meth:`close`)."""

    def __init__(self, path: Path, *, archive_root: Path | None = None) -> None:
        """Open (creating or upgrading if needed) the catalog at ``path``.

        Args:
            path: The SQLite file, normally ``<archive>/catalog.sqlite``.
            archive_root: The archive folder package paths are relative to; ``path``'s folder by default.

        Raises:
            ArchiveError: The database cannot be created or opened.
        """
        self.archive_root = archive_root or path.parent
        try:
            _create_private(path)
            self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            with self.transaction():
                upgrade(self._db)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open the archive catalog ({type(exc).__name__})",
                               reason="catalog_failed") from exc

    # -- dossiers --------------------------------------------------------------------------

    def upsert_dossier(self, record: Mapping[str, object], *, retention: RetentionInfo | None = None) -> None:
        """Insert or update one dossier from its export record, index its text and its package.

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
        package = self._package_info(record.get("package"))
        with self.transaction() as db:
            db.execute(_UPSERT, params)
            self._index_text(dossier_id, record)
            if package is not None:
                self._register_package(dossier_id, *package)

    def dossier(self, dossier_id: str) -> dict | None:
        """The catalog row of one dossier (with its record decoded), or None."""
        row = self._db.execute("SELECT * FROM dossiers WHERE dossier_id = ?", (dossier_id,)).fetchone()
        if row is None:
            return None
        return {**dict(row), "record": json.loads(row["record_json"])}

    def records(self) -> list[dict]:
        """All stored export records, in ``dossier_id`` order."""
        rows = self._db.execute("SELECT record_json FROM dossiers ORDER BY dossier_id").fetchall()
        return [json.loads(row["record_json"]) for row in rows]

    # -- packages --------------------------------------------------------------------------

    def packages(self, dossier_id: str | None = None) -> list[dict]:
        """Registered package versions (all, or one dossier's), by dossier then version."""
        sql = "SELECT * FROM packages" + (" WHERE dossier_id = ?" if dossier_id else "")
        rows = self._db.execute(sql + " ORDER BY dossier_id, version", (dossier_id,) if dossier_id else ())
        return [dict(row) for row in rows]

    def package_by_path(self, rel_path: str) -> dict | None:
        """The package row whose folder is ``rel_path`` (relative to the archive), or None."""
        row = self._db.execute("SELECT * FROM packages WHERE path = ?", (rel_path,)).fetchone()
        return dict(row) if row else None

    def package_files(self, objid: str) -> list[dict]:
        """(path, size, sha256) of every file a package held at ingest, by path."""
        rows = self._db.execute("SELECT path, size, sha256 FROM package_files WHERE objid = ? ORDER BY path",
                                (objid,))
        return [dict(row) for row in rows]

    def _package_info(self, rel: object) -> tuple[str, str, str, list] | None:
        """(relative path, OBJID, root METS SHA-256, listed files) of a package folder, read before writing."""
        if not isinstance(rel, str) or not rel:
            return None
        folder = self.archive_root / rel
        if not (folder / ROOT_METS).is_file():
            return None
        objid = parse(folder / ROOT_METS).getroot().get("OBJID") or folder.name
        entries, _problems = listed_files(folder)
        return Path(rel).as_posix(), objid, sha256_file(folder / ROOT_METS), entries

    def _register_package(self, dossier_id: str, rel: str, objid: str, mets_sha: str, entries: list) -> None:
        """Record a package version (once) and make it the dossier's current one."""
        if self._db.execute("SELECT 1 FROM packages WHERE objid = ?", (objid,)).fetchone() is None:
            version = self._db.execute("SELECT COUNT(*) FROM packages WHERE dossier_id = ?",
                                       (dossier_id,)).fetchone()[0] + 1
            self._db.execute("INSERT INTO packages VALUES (?, ?, ?, ?, ?, 'current', ?)",
                             (objid, dossier_id, version, rel, mets_sha, iso_vn(now_vn())))
            self._db.executemany("INSERT OR IGNORE INTO package_files VALUES (?, ?, ?, ?)",
                                 [(objid, e.path, e.size, e.sha256) for e in entries])
        self._db.execute("UPDATE packages SET status = 'superseded' WHERE dossier_id = ? AND objid != ? "
                         "AND status = 'current'", (dossier_id, objid))
        self._db.execute("UPDATE packages SET status = 'current' WHERE objid = ? AND status = 'superseded'",
                         (objid,))

    # -- search ----------------------------------------------------------------------------

    def _index_text(self, dossier_id: str, record: Mapping[str, object]) -> None:
        """Replace the dossier's search rows with its code, OCR text and field values."""
        old = [row[0] for row in self._db.execute("SELECT id FROM search_text WHERE dossier_id = ?",
                                                  (dossier_id,))]
        self._db.executemany("DELETE FROM search_fts WHERE rowid = ?", [(i,) for i in old])
        self._db.execute("DELETE FROM search_text WHERE dossier_id = ?", (dossier_id,))
        rows = [(None, "dossier_id", dossier_id), *_search.index_rows(record)]
        for page, field, text in rows:
            cur = self._db.execute("INSERT INTO search_text (dossier_id, page, field, text) VALUES (?, ?, ?, ?)",
                                   (dossier_id, page, field, text))
            self._db.execute("INSERT INTO search_fts (rowid, folded) VALUES (?, ?)",
                             (cur.lastrowid, _search.fold(text)))

    def search(self, query: str, *, limit: int = 20) -> list[dict]:
        """Find dossiers by name (with or without diacritics), CCCD number, dossier code or any OCR text.

        Returns:
            Up to ``limit`` hits, best first: dossier_id, page (None for a field), field (None for
            page text) and a snippet of the original text around the match.
        """
        expression = _search.fts_query(query)
        if expression is None:
            return []
        rows = self._db.execute(
            "SELECT t.dossier_id, t.page, t.field, t.text FROM search_fts JOIN search_text t "
            "ON t.id = search_fts.rowid WHERE search_fts MATCH ? ORDER BY bm25(search_fts), t.id LIMIT ?",
            (expression, limit)).fetchall()
        return [{"dossier_id": r["dossier_id"], "page": r["page"], "field": r["field"],
                 "snippet": _search.snippet(r["text"], query)} for r in rows]

    # -- events ----------------------------------------------------------------------------

    def add_event(self, dossier_id: str, event: PremisEvent) -> None:
        """Append one event to the dossier's audit trail."""
        with self.transaction() as db:
            db.execute("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (dossier_id, event.event_type, event.time_iso, event.outcome, event.detail,
                        event.agent, iso_vn(now_vn())))

    def events(self, dossier_id: str) -> list[dict]:
        """The dossier's audit trail, oldest first."""
        rows = self._db.execute(
            "SELECT event_type, time, outcome, detail, agent, recorded_at FROM events "
            "WHERE dossier_id = ? ORDER BY seq", (dossier_id,)).fetchall()
        return [dict(row) for row in rows]

    def add_archive_event(self, event: PremisEvent) -> None:
        """Append an event about the whole archive (fixity audit, backup, restore, review list)."""
        with self.transaction() as db:
            db.execute("INSERT INTO archive_events (event_type, time, outcome, detail, agent) VALUES (?, ?, ?, ?, ?)",
                       (event.event_type, event.time_iso, event.outcome, event.detail, event.agent))

    def archive_events(self) -> list[dict]:
        """Archive-wide events, oldest first."""
        rows = self._db.execute("SELECT event_type, time, outcome, detail, agent FROM archive_events ORDER BY seq")
        return [dict(row) for row in rows]

    # -- retention, hold, disposal ---------------------------------------------------------

    def due_for_review(self, year: int) -> list[dict]:
        """Dossiers whose retention runs out by ``year`` (planning view; permanent ones never appear)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM dossiers "
            "WHERE review_year IS NOT NULL AND review_year <= ? ORDER BY review_year, dossier_id",
            (year,)).fetchall()
        return [{**dict(row), "retention_confirmed": bool(row["retention_confirmed"])} for row in rows]

    def expired(self, as_of: date) -> list[dict]:
        """Active dossiers whose retention term ended before ``as_of`` (held ones included, marked)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_DUE_COLUMNS)} FROM dossiers WHERE status = 'active' AND "
            "retention_end IS NOT NULL AND retention_end < ? ORDER BY retention_end, dossier_id",
            (as_of.isoformat(),)).fetchall()
        return [{**dict(row), "retention_confirmed": bool(row["retention_confirmed"]),
                 "hold": bool(row["hold"])} for row in rows]

    def set_hold(self, dossier_id: str, *, held: bool, reason: str, event: PremisEvent) -> None:
        """Place or lift a legal hold, with its audit event.

        Raises:
            ArchiveError: The dossier is not in the catalog.
        """
        with self.transaction() as db:
            cur = db.execute("UPDATE dossiers SET hold = ?, hold_reason = ? WHERE dossier_id = ?",
                             (int(held), reason if held else None, dossier_id))
            if cur.rowcount == 0:
                raise _unknown_dossier()
            db.execute("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (dossier_id, event.event_type, event.time_iso,
                                                        event.outcome, event.detail, event.agent, iso_vn(now_vn())))

    def record_disposal(self, dossier_id: str, *, decision: str, operator: str, destroyed: list[dict],
                        stripped_record: Mapping[str, object], event: PremisEvent) -> None:
        """Record an executed disposal: what was destroyed (with checksums), and strip the record.

        The dossier row, its retention and package rows stay; its text leaves the search index.
        """
        now = iso_vn(now_vn())
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO disposals (decision, executed_at, operator, dossier_id, objid, path, size, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(decision, now, operator, dossier_id, d["objid"], d["path"], d["size"], d["sha256"])
                 for d in destroyed])
            db.execute("UPDATE dossiers SET status = 'disposed', updated_at = ?, record_json = ? "
                       "WHERE dossier_id = ?",
                       (now, json.dumps(stripped_record, ensure_ascii=False, sort_keys=True), dossier_id))
            db.execute("UPDATE packages SET status = 'disposed' WHERE dossier_id = ?", (dossier_id,))
            self._index_text(dossier_id, {})
            db.execute("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (dossier_id, event.event_type, event.time_iso,
                                                        event.outcome, event.detail, event.agent, now))

    def disposals(self, dossier_id: str | None = None) -> list[dict]:
        """Disposal records (every destroyed file with its checksum), oldest first."""
        sql = "SELECT * FROM disposals" + (" WHERE dossier_id = ?" if dossier_id else "") + " ORDER BY seq"
        return [dict(row) for row in self._db.execute(sql, (dossier_id,) if dossier_id else ())]

    # -- plumbing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One immediate (write-locking) transaction; SQLite errors become ArchiveError."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot write the archive catalog ({type(exc).__name__}: {exc})",
                               reason="catalog_failed") from exc

    def backup_to(self, path: Path) -> None:
        """Write a consistent copy of the catalog to ``path`` (SQLite online backup), mode 0640."""
        path.unlink(missing_ok=True)
        _create_private(path)
        target = sqlite3.connect(path)
        try:
            self._db.backup(target)
        finally:
            target.close()

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


def catalog_ok(path: Path) -> bool:
    """True when ``path`` is a readable SQLite catalog that passes ``PRAGMA integrity_check``."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return ok and db.execute("SELECT COUNT(*) FROM dossiers").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return False


def _unknown_dossier() -> ArchiveError:
    """The error for a dossier code the catalog does not hold (the code is not quoted)."""
    return ArchiveError("the dossier is not in the archive catalog", reason="unknown_dossier",
                        message_vi="Không có hồ sơ này trong danh mục lưu trữ.")


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
        return {"maintenance": None, "years": None, "basis": None, "confirmed": None, "review_year": None,
                "end_year": None, "retention_end": None}
    end_year = retention.end_year
    if end_year is None and retention.review_year is not None and retention.years is not None:
        end_year = retention.review_year - retention.years
    expires = retention.expires_on
    return {"maintenance": retention.maintenance, "years": retention.years, "basis": retention.basis,
            "confirmed": int(retention.confirmed), "review_year": retention.review_year,
            "end_year": end_year, "retention_end": expires.isoformat() if expires else None}
