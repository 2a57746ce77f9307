"""The archive catalog: one database indexing dossiers, package versions, checksums, retention,
legal holds, search text, disposal records, backup copies and the audit trail.

The database is the archive's own SQLite file by default, or any SQLite or PostgreSQL URL
(:mod:`archive._catalog_db` says how an archive finds it); the queries are SQLAlchemy Core and the
same on both. Several pipeline workers write at once: SQLite runs in WAL mode and each write takes
the lock up front (``BEGIN IMMEDIATE``); PostgreSQL serialises the writers of one dossier on its
row. Triggers make the audit trails append-only and forbid deleting a dossier or package row.
A SQLite file is created with mode 0640 (it holds personal data: the export record and the OCR text).

People name a dossier by its code (mã hồ sơ, unique in the catalog); the internal ``dossier_id``
stays internal. :meth:`Catalog.resolve` turns either into the id. Indexing a dossier whose record
names a package also registers that package version — its OBJID, the SHA-256 of its root
``METS.xml`` (the anchor of every fixity check), the files it lists and the title, dates and sheet
count of its EAD — and marks earlier versions superseded.

The packages are the truth: what only the catalog knows is also written to the catalog journal
(:mod:`archive._catalog_journal`), and ``sohoa catalog rebuild`` makes the catalog again from both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from archive import _catalog_journal as journal
from archive import kpi_index
from archive import search as _search
from archive._catalog_care import CareRows, event_json, event_params
from archive._catalog_db import bind_new, resolve_url
from archive._catalog_harvest import package_facts
from archive._catalog_store import CatalogStore, catalog_ok
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from archive.retention import RetentionInfo
from sohoa.errors import ArchiveError

__all__ = ["Catalog", "catalog_ok"]

_UPSERT = """
INSERT INTO dossiers (dossier_id, code, source, form_type, package, pdf, maintenance, retention_years,
    retention_basis, retention_confirmed, review_year, end_year, retention_end, record_json, title,
    start_date, end_date, sheets, created_at, updated_at)
VALUES (:dossier_id, :code, :source, :form_type, :package, :pdf, :maintenance, :years, :basis, :confirmed,
    :review_year, :end_year, :retention_end, :record_json, :title, :start_date, :end_date, :sheets, :now, :now)
ON CONFLICT (dossier_id) DO UPDATE SET
    form_type = excluded.form_type, package = excluded.package, pdf = excluded.pdf,
    record_json = excluded.record_json, updated_at = excluded.updated_at, source = excluded.source,
    code = COALESCE(dossiers.code, excluded.code),
    title = COALESCE(excluded.title, dossiers.title), sheets = COALESCE(excluded.sheets, dossiers.sheets),
    start_date = COALESCE(excluded.start_date, dossiers.start_date),
    end_date = COALESCE(excluded.end_date, dossiers.end_date),
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


class Catalog(CareRows, CatalogStore):
    """The catalog of an archive (use as a context manager, or call :meth:`close`).

    Open an archive's catalog with :meth:`for_archive`; ``Catalog(path)`` opens a SQLite file
    directly (a backup copy's, a test's) and ``Catalog(url, archive_root=...)`` any database.
    """

    @classmethod
    def for_archive(cls, archive_root: Path, url: str | URL | None = None, *, readonly: bool = False,
                    create: bool = True) -> Catalog:
        """Open the catalog of ``archive_root``: ``url`` if given (bound on first use), else the
        one its ``catalog.url`` names, else its own ``catalog.sqlite`` (see :mod:`archive._catalog_db`).

        ``readonly`` never creates, upgrades or writes; ``create=False`` refuses a missing catalog
        (``catalog_missing``) instead of making an empty one.
        """
        resolved = resolve_url(archive_root, url)
        catalog = cls(resolved, archive_root=archive_root, readonly=readonly, create=create)
        if readonly:
            return catalog
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
            record: The export JSON object; must hold ``dossier_id``; its ``code`` (else the id)
                becomes the dossier's code on first indexing. Stored whole as JSON.
            retention: The dossier's retention; when None an existing row keeps its retention.

        Raises:
            ArchiveError: No ``dossier_id`` (``catalog_record_invalid``), or the code belongs to
                another dossier (``duplicate_code``: nothing is written).
        """
        dossier_id = record.get("dossier_id")
        if not isinstance(dossier_id, str) or not dossier_id:
            raise ArchiveError("catalog record has no dossier_id", reason="catalog_record_invalid",
                               message_vi="Bản ghi hồ sơ không có mã nội bộ.")
        code = _text(record.get("code")) or dossier_id
        facts = package_facts(self.archive_root, record.get("package"))
        params = {
            "dossier_id": dossier_id, "code": code, "source": _text(record.get("source")),
            "form_type": _text(record.get("form_type")),
            "package": _text(record.get("package")), "pdf": _text(record.get("pdf")),
            "record_json": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
            "now": iso_vn(now_vn()), "has_retention": retention is not None,
            **_retention_params(retention), **_ead_params(record, facts),
        }
        try:
            with self.transaction() as db:
                owner = db.execute(text("SELECT dossier_id FROM dossiers WHERE code = :c"), {"c": code}).scalar()
                if owner is not None and owner != dossier_id:
                    raise duplicate_code_error()
                db.execute(text(_UPSERT), params)  # in PostgreSQL this also locks the dossier's row
                current = db.execute(text("SELECT code FROM dossiers WHERE dossier_id = :d"),
                                     {"d": dossier_id}).scalar()
                self._search.replace(db, dossier_id, index_rows(dossier_id, current, record))
                kpi_index.replace(db, dossier_id, record)  # its documents and CCCD numbers (sohoa kpi, person)
                if facts is not None:
                    self._register_package(db, dossier_id, facts)
        except ArchiveError as exc:
            if isinstance(exc.__cause__, IntegrityError) and "code" in str(exc.__cause__):
                raise duplicate_code_error() from exc  # a racing writer took the code first
            raise

    def dossier(self, dossier_id: str) -> dict | None:
        """The catalog row of one dossier (with its record decoded), or None."""
        rows = self._rows("SELECT * FROM dossiers WHERE dossier_id = :d", d=dossier_id)
        return {**rows[0], "record": json.loads(rows[0]["record_json"])} if rows else None

    def records(self) -> list[dict]:
        """All stored export records, in ``dossier_id`` order."""
        return [json.loads(row["record_json"]) for row in
                self._rows("SELECT record_json FROM dossiers ORDER BY dossier_id")]

    def resolve(self, code_or_id: str) -> str:
        """The internal ``dossier_id`` of a dossier code (mã hồ sơ) or of an id (contract C6).

        Raises:
            ArchiveError: Neither a code nor an id in the catalog (``not_in_catalog``; the text
                given is not quoted).
        """
        value = code_or_id.strip()
        rows = (self._rows("SELECT dossier_id FROM dossiers WHERE code = :v", v=value)
                or self._rows("SELECT dossier_id FROM dossiers WHERE dossier_id = :v", v=value))
        if not rows:
            raise unknown_dossier()
        return rows[0]["dossier_id"]

    def codes(self, dossier_ids: list[str]) -> dict[str, dict]:
        """``dossier_id`` → ``{"code", "source", "title"}`` of the given dossiers (those the catalog holds)."""
        wanted = sorted(set(dossier_ids))
        if not wanted:
            return {}
        query = text("SELECT dossier_id, code, source, title FROM dossiers WHERE dossier_id IN :ids").bindparams(
            bindparam("ids", expanding=True))
        rows = self._read(lambda db: [dict(r) for r in db.execute(query, {"ids": wanted}).mappings()])
        return {r["dossier_id"]: {**r, "code": r["code"] or r["dossier_id"]} for r in rows}

    def set_code(self, dossier_id: str, new_code: str, *, event: PremisEvent, journaled: bool = True) -> str:
        """Give a dossier a new code (a temporary ``SOHOA-TAM-…`` replaced by the real one); return the old.

        The stored record gets the new code (``code_generated`` false), the search index too, and
        the change is an audit event, journaled.

        Raises:
            ArchiveError: The code is another dossier's (``duplicate_code``), or the dossier is unknown.
        """
        with self.transaction() as db:
            row = db.execute(text("SELECT code, record_json FROM dossiers WHERE dossier_id = :d"),
                             {"d": dossier_id}).first()
            if row is None:
                raise unknown_dossier()
            owner = db.execute(text("SELECT dossier_id FROM dossiers WHERE code = :c"), {"c": new_code}).scalar()
            if owner is not None and owner != dossier_id:
                raise duplicate_code_error()
            record = {**json.loads(row.record_json), "code": new_code, "code_generated": False}
            db.execute(text("UPDATE dossiers SET code = :c, record_json = :r, updated_at = :t WHERE dossier_id = :d"),
                       {"c": new_code, "r": json.dumps(record, ensure_ascii=False, sort_keys=True, default=str),
                        "t": iso_vn(now_vn()), "d": dossier_id})
            self._search.replace(db, dossier_id, index_rows(dossier_id, new_code, record))
            db.execute(text(_ADD_EVENT), event_params(dossier_id, event))
            if journaled:
                journal.append(self.archive_root, "code", dossier_id=dossier_id, old=row.code, new=new_code,
                               event=event_json(event))
        return row.code or dossier_id

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

    def register_package(self, dossier_id: str, rel: str) -> None:
        """Register one package folder of a known dossier (a version found on disk, not indexed yet)."""
        facts = package_facts(self.archive_root, rel)
        if facts is None:
            raise ArchiveError("not a package folder", reason="not_a_package",
                               message_vi="Thư mục không phải gói lưu trữ.")
        with self.transaction() as db:
            self._register_package(db, dossier_id, facts, make_current=False)

    @staticmethod
    def _register_package(db: Connection, dossier_id: str, facts: object, *, make_current: bool = True) -> None:
        """Record a package version (once) and, by default, make it the dossier's current one."""
        rel, objid, mets_sha = facts.rel, facts.objid, facts.mets_sha256  # type: ignore[attr-defined]
        if db.execute(text("SELECT 1 FROM packages WHERE objid = :o"), {"o": objid}).first() is None:
            version = db.execute(text("SELECT COUNT(*) FROM packages WHERE dossier_id = :d"),
                                 {"d": dossier_id}).scalar_one() + 1
            db.execute(text("INSERT INTO packages (objid, dossier_id, version, path, mets_sha256, status, "
                            "created_at) VALUES (:o, :d, :v, :p, :m, :s, :t) ON CONFLICT DO NOTHING"),
                       {"o": objid, "d": dossier_id, "v": version, "p": rel, "m": mets_sha,
                        "s": "current" if make_current else "superseded", "t": iso_vn(now_vn())})
            if facts.files:  # type: ignore[attr-defined]
                db.execute(text("INSERT INTO package_files (objid, path, size, sha256) VALUES (:o, :p, :s, :h) "
                                "ON CONFLICT DO NOTHING"),
                           [{"o": objid, "p": e.path, "s": e.size, "h": e.sha256}
                            for e in facts.files])  # type: ignore[attr-defined]
        if not make_current:
            return
        db.execute(text("UPDATE packages SET status = 'superseded' WHERE dossier_id = :d AND objid <> :o "
                        "AND status = 'current'"), {"d": dossier_id, "o": objid})
        db.execute(text("UPDATE packages SET status = 'current' WHERE objid = :o AND status = 'superseded'"),
                   {"o": objid})

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[dict]:
        """Find dossiers by name (with or without diacritics), CCCD number, dossier code or any OCR text.

        Returns:
            Up to ``limit`` hits, best first: dossier_id, code, source, page (None for a field),
            field (None for page text) and a snippet of the original text around the match. A
            query that is exactly a dossier's code puts that dossier first.
        """
        rows = self._read(lambda db: self._search.query(db, query, limit))
        exact = self._rows("SELECT dossier_id FROM dossiers WHERE code = :q", q=query.strip())
        info = self.codes([r["dossier_id"] for r in rows])
        hits = [{"dossier_id": r["dossier_id"], "code": info.get(r["dossier_id"], {}).get("code", r["dossier_id"]),
                 "source": info.get(r["dossier_id"], {}).get("source"), "page": r["page"], "field": r["field"],
                 "snippet": _search.snippet(r["text"], query)} for r in rows]
        if exact:
            first = exact[0]["dossier_id"]
            hits.sort(key=lambda h: (h["dossier_id"] != first, h["field"] != "code"))
        return hits

    # -- events ----------------------------------------------------------------------------

    def add_event(self, dossier_id: str, event: PremisEvent, *, journaled: bool = False) -> None:
        """Append one event to the dossier's audit trail (and to the journal when only the catalog
        would keep it: ingest events are in the package's PREMIS, fixity events in ``audits/``)."""
        with self.transaction() as db:
            db.execute(text(_ADD_EVENT), event_params(dossier_id, event))
            if journaled:
                journal.append(self.archive_root, "event", dossier_id=dossier_id, event=event_json(event))

    def events(self, dossier_id: str) -> list[dict]:
        """The dossier's audit trail, oldest first."""
        return self._rows("SELECT event_type, time, outcome, detail, agent, recorded_at FROM events "
                          "WHERE dossier_id = :d ORDER BY seq", d=dossier_id)

    def add_archive_event(self, event: PremisEvent, *, journaled: bool = True) -> None:
        """Append an event about the whole archive (fixity audit, backup, restore, review list), journaled."""
        with self.transaction() as db:
            db.execute(text("INSERT INTO archive_events (event_type, time, outcome, detail, agent) "
                            "VALUES (:type, :time, :outcome, :detail, :agent)"), event_params(None, event))
            if journaled:
                journal.append(self.archive_root, "archive_event", event=event_json(event))

    def archive_events(self) -> list[dict]:
        """Archive-wide events, oldest first."""
        return self._rows("SELECT event_type, time, outcome, detail, agent FROM archive_events ORDER BY seq")


def index_rows(dossier_id: str, code: str | None, record: Mapping[str, object]) -> list:
    """The search rows of one dossier: its id, its code, then its text and fields."""
    rows = [(None, "dossier_id", dossier_id)]
    if code and code != dossier_id:
        rows.append((None, "code", code))
    return [*rows, *_search.index_rows(record)]


def unknown_dossier() -> ArchiveError:
    """The error for a dossier code the catalog does not hold (the code is not quoted)."""
    return ArchiveError("the dossier is not in the archive catalog (give its code, mã hồ sơ)",
                        reason="not_in_catalog", message_vi="Không có hồ sơ với mã này trong danh mục lưu trữ.")


def duplicate_code_error() -> ArchiveError:
    """The refusal of a code another dossier already has (codes are unique)."""
    return ArchiveError("the dossier code belongs to another dossier in the catalog; nothing was changed",
                        reason="duplicate_code",
                        message_vi="Mã hồ sơ này đã thuộc về một hồ sơ khác trong danh mục; không thay đổi gì.")


def _text(value: object) -> str | None:
    """A column value: the text of ``value``, or None."""
    return None if value is None or value == "" else str(value)


def _ead_params(record: Mapping[str, object], facts: object | None) -> dict[str, object]:
    """Title, dates and sheet count: from the package's EAD, else from the record."""
    dates = record.get("dates") if isinstance(record.get("dates"), Mapping) else {}
    return {"title": getattr(facts, "title", None) or _text(record.get("title")),
            "start_date": getattr(facts, "start_date", None) or _text(dates.get("start")),  # type: ignore[union-attr]
            "end_date": getattr(facts, "end_date", None) or _text(dates.get("end")),  # type: ignore[union-attr]
            "sheets": getattr(facts, "sheets", None)}


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
