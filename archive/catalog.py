"""The archive catalog: one database indexing dossiers, package versions, checksums, retention,
legal holds, search text, disposal records and the audit trail.

The database is the archive's own SQLite file by default, or any SQLite or PostgreSQL URL
(:mod:`archive._catalog_db` says how an archive finds it); the queries are SQLAlchemy Core and the
same on both. Several pipeline workers write at once: SQLite runs in WAL mode and each write takes
the lock up front (``BEGIN IMMEDIATE``); PostgreSQL serialises the writers of one dossier on its
row. Triggers make the audit trails append-only and forbid deleting a dossier or package row
(``archive._catalog_schema``). A SQLite file is created with mode 0640 (it holds personal data:
the export record and the OCR text). Indexing a dossier whose record names a package also
registers that package version — its OBJID, the SHA-256 of its root ``METS.xml`` (the anchor of
every fixity check) and the files it lists — and marks earlier versions superseded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from archive import search as _search
from archive._catalog_db import bind_new, resolve_url
from archive._catalog_store import CatalogStore, catalog_ok
from archive._xml import parse
from archive.fixity import ROOT_METS, listed_files
from archive.model import PremisEvent, iso_vn, now_vn
from archive.retention import RetentionInfo
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file

__all__ = ["Catalog", "catalog_ok"]

_UPSERT = """
INSERT INTO dossiers (dossier_id, form_type, package, pdf, maintenance, retention_years,
    retention_basis, retention_confirmed, review_year, end_year, retention_end, record_json,
    created_at, updated_at)
VALUES (:dossier_id, :form_type, :package, :pdf, :maintenance, :years, :basis, :confirmed,
    :review_year, :end_year, :retention_end, :record_json, :now, :now)
ON CONFLICT (dossier_id) DO UPDATE SET
    form_type = excluded.form_type, package = excluded.package, pdf = excluded.pdf,
    record_json = excluded.record_json, updated_at = excluded.updated_at,
    maintenance = CASE WHEN :has_retention THEN excluded.maintenance ELSE dossiers.maintenance END,
    retention_years = CASE WHEN :has_retention THEN excluded.retention_years ELSE dossiers.retention_years END,
    retention_basis = CASE WHEN :has_retention THEN excluded.retention_basis ELSE dossiers.retention_basis END,
    retention_confirmed = CASE WHEN :has_retention THEN excluded.retention_confirmed
                               ELSE dossiers.retention_confirmed END,
    review_year = CASE WHEN :has_retention THEN excluded.review_year ELSE dossiers.review_year END,
    end_year = CASE WHEN :has_retention THEN excluded.end_year ELSE dossiers.end_year END,
    retention_end = CASE WHEN :has_retention THEN excluded.retention_end ELSE dossiers.retention_end END
"""
_ADD_EVENT = ("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
              "VALUES (:d, :type, :time, :outcome, :detail, :agent, :at)")

_REVIEW_COLUMNS = ("dossier_id", "form_type", "package", "maintenance", "retention_years",
                   "retention_basis", "retention_confirmed", "review_year")
_DUE_COLUMNS = (*_REVIEW_COLUMNS, "end_year", "retention_end", "hold", "hold_reason", "status")


class Catalog(CatalogStore):
    """The catalog of an archive (use as a context manager, or call :meth:`close`).

    Open an archive's catalog with :meth:`for_archive`; ``Catalog(path)`` opens a SQLite file
    directly (a backup copy's, a test's) and ``Catalog(url, archive_root=...)`` any database.
    """

    @classmethod
    def for_archive(cls, archive_root: Path, url: str | URL | None = None) -> Catalog:
        """Open the catalog of ``archive_root``: ``url`` if given (bound on first use), else the
        one its ``catalog.url`` names, else its own ``catalog.sqlite`` (see :mod:`archive._catalog_db`)."""
        resolved = resolve_url(archive_root, url)
        catalog = cls(resolved, archive_root=archive_root)
        try:
            bind_new(archive_root, resolved)  # only a catalog that opened binds the archive
        except BaseException:
            catalog.close()
            raise
        return catalog

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
            db.execute(text(_UPSERT), params)  # in PostgreSQL this also locks the dossier's row
            self._search.replace(db, dossier_id, [(None, "dossier_id", dossier_id), *_search.index_rows(record)])
            if package is not None:
                self._register_package(db, dossier_id, *package)

    def dossier(self, dossier_id: str) -> dict | None:
        """The catalog row of one dossier (with its record decoded), or None."""
        rows = self._rows("SELECT * FROM dossiers WHERE dossier_id = :d", d=dossier_id)
        return {**rows[0], "record": json.loads(rows[0]["record_json"])} if rows else None

    def records(self) -> list[dict]:
        """All stored export records, in ``dossier_id`` order."""
        return [json.loads(row["record_json"]) for row in
                self._rows("SELECT record_json FROM dossiers ORDER BY dossier_id")]

    # -- packages --------------------------------------------------------------------------

    def packages(self, dossier_id: str | None = None) -> list[dict]:
        """Registered package versions (all, or one dossier's), by dossier then version."""
        where = " WHERE dossier_id = :d" if dossier_id else ""
        return self._rows(f"SELECT * FROM packages{where} ORDER BY dossier_id, version", d=dossier_id)

    def package_by_path(self, rel_path: str) -> dict | None:
        """The package row whose folder is ``rel_path`` (relative to the archive), or None."""
        rows = self._rows("SELECT * FROM packages WHERE path = :p", p=rel_path)
        return rows[0] if rows else None

    def package_files(self, objid: str) -> list[dict]:
        """(path, size, sha256) of every file a package held at ingest, by path."""
        return self._rows("SELECT path, size, sha256 FROM package_files WHERE objid = :o ORDER BY path", o=objid)

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

    @staticmethod
    def _register_package(db: Connection, dossier_id: str, rel: str, objid: str, mets_sha: str,
                          entries: list) -> None:
        """Record a package version (once) and make it the dossier's current one."""
        if db.execute(text("SELECT 1 FROM packages WHERE objid = :o"), {"o": objid}).first() is None:
            version = db.execute(text("SELECT COUNT(*) FROM packages WHERE dossier_id = :d"),
                                 {"d": dossier_id}).scalar_one() + 1
            db.execute(text("INSERT INTO packages (objid, dossier_id, version, path, mets_sha256, status, "
                            "created_at) VALUES (:o, :d, :v, :p, :m, 'current', :t) ON CONFLICT DO NOTHING"),
                       {"o": objid, "d": dossier_id, "v": version, "p": rel, "m": mets_sha, "t": iso_vn(now_vn())})
            if entries:
                db.execute(text("INSERT INTO package_files (objid, path, size, sha256) VALUES (:o, :p, :s, :h) "
                                "ON CONFLICT DO NOTHING"),
                           [{"o": objid, "p": e.path, "s": e.size, "h": e.sha256} for e in entries])
        db.execute(text("UPDATE packages SET status = 'superseded' WHERE dossier_id = :d AND objid <> :o "
                        "AND status = 'current'"), {"d": dossier_id, "o": objid})
        db.execute(text("UPDATE packages SET status = 'current' WHERE objid = :o AND status = 'superseded'"),
                   {"o": objid})

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[dict]:
        """Find dossiers by name (with or without diacritics), CCCD number, dossier code or any OCR text.

        Returns:
            Up to ``limit`` hits, best first: dossier_id, page (None for a field), field (None for
            page text) and a snippet of the original text around the match.
        """
        rows = self._read(lambda db: self._search.query(db, query, limit))
        return [{"dossier_id": r["dossier_id"], "page": r["page"], "field": r["field"],
                 "snippet": _search.snippet(r["text"], query)} for r in rows]

    # -- events ----------------------------------------------------------------------------

    def add_event(self, dossier_id: str, event: PremisEvent) -> None:
        """Append one event to the dossier's audit trail."""
        with self.transaction() as db:
            db.execute(text(_ADD_EVENT), _event_params(dossier_id, event))

    def events(self, dossier_id: str) -> list[dict]:
        """The dossier's audit trail, oldest first."""
        return self._rows("SELECT event_type, time, outcome, detail, agent, recorded_at FROM events "
                          "WHERE dossier_id = :d ORDER BY seq", d=dossier_id)

    def add_archive_event(self, event: PremisEvent) -> None:
        """Append an event about the whole archive (fixity audit, backup, restore, review list)."""
        with self.transaction() as db:
            db.execute(text("INSERT INTO archive_events (event_type, time, outcome, detail, agent) "
                            "VALUES (:type, :time, :outcome, :detail, :agent)"), _event_params(None, event))

    def archive_events(self) -> list[dict]:
        """Archive-wide events, oldest first."""
        return self._rows("SELECT event_type, time, outcome, detail, agent FROM archive_events ORDER BY seq")

    # -- retention, hold, disposal ---------------------------------------------------------

    def due_for_review(self, year: int) -> list[dict]:
        """Dossiers whose retention runs out by ``year`` (planning view; permanent ones never appear)."""
        rows = self._rows(f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM dossiers WHERE review_year IS NOT NULL "
                          "AND review_year <= :y ORDER BY review_year, dossier_id", y=year)
        return [{**row, "retention_confirmed": bool(row["retention_confirmed"])} for row in rows]

    def expired(self, as_of: date) -> list[dict]:
        """Active dossiers whose retention term ended before ``as_of`` (held ones included, marked)."""
        rows = self._rows(f"SELECT {', '.join(_DUE_COLUMNS)} FROM dossiers WHERE status = 'active' AND "
                          "retention_end IS NOT NULL AND retention_end < :d ORDER BY retention_end, dossier_id",
                          d=as_of.isoformat())
        return [{**row, "retention_confirmed": bool(row["retention_confirmed"]), "hold": bool(row["hold"])}
                for row in rows]

    def set_hold(self, dossier_id: str, *, held: bool, reason: str, event: PremisEvent) -> None:
        """Place or lift a legal hold, with its audit event.

        Raises:
            ArchiveError: The dossier is not in the catalog.
        """
        with self.transaction() as db:
            cur = db.execute(text("UPDATE dossiers SET hold = :h, hold_reason = :r WHERE dossier_id = :d"),
                             {"h": int(held), "r": reason if held else None, "d": dossier_id})
            if cur.rowcount == 0:
                raise _unknown_dossier()
            db.execute(text(_ADD_EVENT), _event_params(dossier_id, event))

    def record_disposal(self, dossier_id: str, *, decision: str, operator: str, destroyed: list[dict],
                        stripped_record: Mapping[str, object], event: PremisEvent) -> None:
        """Record an executed disposal: what was destroyed (with checksums), and strip the record.

        The dossier row, its retention and package rows stay; its text leaves the search index.
        """
        now = iso_vn(now_vn())
        with self.transaction() as db:
            if destroyed:
                db.execute(text("INSERT INTO disposals (decision, executed_at, operator, dossier_id, objid, path, "
                                "size, sha256) VALUES (:decision, :at, :op, :d, :objid, :path, :size, :sha256)"),
                           [{"decision": decision, "at": now, "op": operator, "d": dossier_id, **_pick(item)}
                            for item in destroyed])
            db.execute(text("UPDATE dossiers SET status = 'disposed', updated_at = :at, record_json = :r "
                            "WHERE dossier_id = :d"),
                       {"at": now, "d": dossier_id,
                        "r": json.dumps(stripped_record, ensure_ascii=False, sort_keys=True)})
            db.execute(text("UPDATE packages SET status = 'disposed' WHERE dossier_id = :d"), {"d": dossier_id})
            self._search.replace(db, dossier_id, [(None, "dossier_id", dossier_id)])
            db.execute(text(_ADD_EVENT), {**_event_params(dossier_id, event), "at": now})

    def disposals(self, dossier_id: str | None = None) -> list[dict]:
        """Disposal records (every destroyed file with its checksum), oldest first."""
        where = " WHERE dossier_id = :d" if dossier_id else ""
        return self._rows(f"SELECT * FROM disposals{where} ORDER BY seq", d=dossier_id)


def _unknown_dossier() -> ArchiveError:
    """The error for a dossier code the catalog does not hold (the code is not quoted)."""
    return ArchiveError("the dossier is not in the archive catalog", reason="unknown_dossier",
                        message_vi="Không có hồ sơ này trong danh mục lưu trữ.")


def _event_params(dossier_id: str | None, event: PremisEvent) -> dict[str, object]:
    """The bound values of an event row."""
    return {"d": dossier_id, "type": event.event_type, "time": event.time_iso, "outcome": event.outcome,
            "detail": event.detail, "agent": event.agent, "at": iso_vn(now_vn())}


def _pick(item: Mapping[str, object]) -> dict[str, object]:
    """The disposal columns of one destroyed file."""
    return {"objid": item["objid"], "path": item["path"], "size": item["size"], "sha256": item["sha256"]}


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
