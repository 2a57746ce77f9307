"""The catalog's care rows: retention review ("Xem xét hủy"), holds, disposal records, backup copies.

A mixin of :class:`archive.catalog.Catalog` (it needs the store's transactions and the search
index). Holds, review marks and archive events are journaled (:mod:`archive._catalog_journal`);
disposal records also live in the archive's ``disposals/`` files; backup copies are counted here
and re-counted by every backup run, so none of them is lost with the catalog for good.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from sqlalchemy import text

from archive import _catalog_journal as journal
from archive._catalog_schema import STATUS_ACTIVE, STATUS_DISPOSED, STATUS_REVIEW
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from sohoa.errors import ArchiveError

_REVIEW_COLUMNS = ("dossier_id", "code", "form_type", "package", "maintenance", "retention_years",
                   "retention_basis", "retention_confirmed", "review_year")
_DUE_COLUMNS = (*_REVIEW_COLUMNS, "title", "source", "start_date", "end_date", "sheets", "end_year",
                "retention_end", "hold", "hold_reason", "status", "record_json")
_ADD_EVENT = ("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at) "
              "VALUES (:d, :type, :time, :outcome, :detail, :agent, :at)")


class CareRows:
    """Retention, hold, disposal and backup-copy rows (mixed into the catalog)."""

    # -- retention -------------------------------------------------------------------------

    def due_for_review(self, year: int) -> list[dict]:
        """Dossiers whose retention runs out by ``year`` (planning view; permanent ones never appear)."""
        rows = self._rows(f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM dossiers WHERE review_year IS NOT NULL "
                          "AND review_year <= :y ORDER BY review_year, dossier_id", y=year)
        return [{**row, "retention_confirmed": bool(row["retention_confirmed"])} for row in rows]

    def expired(self, as_of: date) -> list[dict]:
        """Dossiers not disposed of whose retention term ended before ``as_of`` (held ones included, marked)."""
        rows = self._rows(f"SELECT {', '.join(_DUE_COLUMNS)} FROM dossiers WHERE status <> :disposed AND "
                          "retention_end IS NOT NULL AND retention_end < :d ORDER BY retention_end, code, dossier_id",
                          d=as_of.isoformat(), disposed=STATUS_DISPOSED)
        return [{**{k: v for k, v in row.items() if k != "record_json"}, "record": json.loads(row["record_json"]),
                 "retention_confirmed": bool(row["retention_confirmed"]), "hold": bool(row["hold"])}
                for row in rows]

    def mark_review(self, dossier_ids: list[str], *, event: PremisEvent, journaled: bool = True) -> int:
        """Give expired, still active dossiers the status "Xem xét hủy" (``review``), with an audit event each.

        Returns:
            How many were marked now (those marked before are left as they are).
        """
        marked = 0
        with self.transaction() as db:
            for dossier_id in dossier_ids:
                cur = db.execute(text("UPDATE dossiers SET status = :review, updated_at = :t "
                                      "WHERE dossier_id = :d AND status = :active"),
                                 {"review": STATUS_REVIEW, "active": STATUS_ACTIVE, "d": dossier_id,
                                  "t": iso_vn(now_vn())})
                if cur.rowcount:
                    db.execute(text(_ADD_EVENT), event_params(dossier_id, event))
                    marked += 1
            if marked and journaled:
                journal.append(self.archive_root, "review", dossier_ids=[d for d in dossier_ids],
                               event=event_json(event))
        return marked

    def set_hold(self, dossier_id: str, *, held: bool, reason: str, event: PremisEvent,
                 journaled: bool = True) -> None:
        """Keep a dossier back from disposal ("giữ lại, tạm dừng hủy") or lift it, with its audit event.

        Raises:
            ArchiveError: The dossier is not in the catalog.
        """
        with self.transaction() as db:
            cur = db.execute(text("UPDATE dossiers SET hold = :h, hold_reason = :r WHERE dossier_id = :d"),
                             {"h": int(held), "r": reason if held else None, "d": dossier_id})
            if cur.rowcount == 0:
                raise ArchiveError("the dossier is not in the archive catalog", reason="not_in_catalog",
                                   message_vi="Không có hồ sơ với mã này trong danh mục lưu trữ.")
            db.execute(text(_ADD_EVENT), event_params(dossier_id, event))
            if journaled:
                journal.append(self.archive_root, "hold", dossier_id=dossier_id, held=held, reason=reason,
                               event=event_json(event))

    # -- disposal --------------------------------------------------------------------------

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
            db.execute(text("UPDATE dossiers SET status = :s, updated_at = :at, record_json = :r "
                            "WHERE dossier_id = :d"),
                       {"s": STATUS_DISPOSED, "at": now, "d": dossier_id,
                        "r": json.dumps(stripped_record, ensure_ascii=False, sort_keys=True)})
            db.execute(text("UPDATE packages SET status = 'disposed' WHERE dossier_id = :d"), {"d": dossier_id})
            code = db.execute(text("SELECT code FROM dossiers WHERE dossier_id = :d"), {"d": dossier_id}).scalar()
            rows = [(None, "dossier_id", dossier_id)] + ([(None, "code", code)] if code and code != dossier_id else [])
            self._search.replace(db, dossier_id, rows)
            db.execute(text(_ADD_EVENT), {**event_params(dossier_id, event), "at": now})

    def record_decision(self, *, decision: str, decision_date: str | None, council: str, operator: str,
                        executed_at: str, dossiers: int) -> None:
        """Record the approving decision of an executed disposal: its number and date, the council."""
        with self.transaction() as db:
            db.execute(text("INSERT INTO disposal_decisions (decision, decision_date, council, operator, "
                            "executed_at, dossiers) VALUES (:n, :d, :c, :o, :t, :k)"),
                       {"n": decision, "d": decision_date, "c": council, "o": operator, "t": executed_at,
                        "k": dossiers})

    def disposals(self, dossier_id: str | None = None) -> list[dict]:
        """Disposal records (every destroyed file with its checksum), oldest first."""
        where = " WHERE dossier_id = :d" if dossier_id else ""
        return self._rows(f"SELECT * FROM disposals{where} ORDER BY seq", d=dossier_id)

    def decisions(self) -> list[dict]:
        """The disposal decisions carried out, oldest first."""
        return self._rows("SELECT decision, decision_date, council, operator, executed_at, dossiers "
                          "FROM disposal_decisions ORDER BY seq")

    # -- backup copies ---------------------------------------------------------------------

    def record_backup(self, *, target_id: str, path: str, device: str, verified: list[str], outcome: str) -> None:
        """Remember a backup target and which package versions it holds, verified now.

        Copies the target held before but did not verify this time stop counting.
        """
        now = iso_vn(now_vn())
        with self.transaction() as db:
            known = db.execute(text("SELECT 1 FROM backup_targets WHERE target_id = :t"), {"t": target_id}).first()
            if known is None:
                db.execute(text("INSERT INTO backup_targets (target_id, path, device, first_seen) "
                                "VALUES (:t, :p, :dev, :n)"), {"t": target_id, "p": path, "dev": device, "n": now})
            db.execute(text("UPDATE backup_targets SET path = :p, device = :dev, last_verified_at = :n, "
                            "last_outcome = :o WHERE target_id = :t"),
                       {"t": target_id, "p": path, "dev": device, "n": now, "o": outcome})
            db.execute(text("DELETE FROM backup_copies WHERE target_id = :t"), {"t": target_id})
            if verified:
                db.execute(text("INSERT INTO backup_copies (target_id, objid, verified_at) VALUES (:t, :o, :n)"),
                           [{"t": target_id, "o": objid, "n": now} for objid in verified])

    def copy_counts(self) -> dict[str, int]:
        """OBJID → verified backup copies, for every registered package version (0 when none)."""
        rows = self._rows("SELECT p.objid, COUNT(c.target_id) AS copies FROM packages p "
                          "LEFT JOIN backup_copies c ON c.objid = p.objid GROUP BY p.objid")
        return {r["objid"]: int(r["copies"]) for r in rows}

    def backup_targets(self) -> list[dict]:
        """Known backup targets with their last verification and how many package versions they hold."""
        return self._rows("SELECT t.target_id, t.path, t.device, t.first_seen, t.last_verified_at, t.last_outcome, "
                          "(SELECT COUNT(*) FROM backup_copies c WHERE c.target_id = t.target_id) AS packages "
                          "FROM backup_targets t ORDER BY t.first_seen, t.target_id")


def event_params(dossier_id: str | None, event: PremisEvent) -> dict[str, object]:
    """The bound values of an event row."""
    return {"d": dossier_id, "type": event.event_type, "time": event.time_iso, "outcome": event.outcome,
            "detail": event.detail, "agent": event.agent, "at": iso_vn(now_vn())}


def event_json(event: PremisEvent) -> dict[str, str]:
    """An event as the journal keeps it (and a rebuild reads it back)."""
    return {"type": event.event_type, "time": event.time_iso, "outcome": event.outcome, "detail": event.detail,
            "agent": event.agent}


def _pick(item: Mapping[str, object]) -> dict[str, object]:
    """The disposal columns of one destroyed file."""
    return {"objid": item["objid"], "path": item["path"], "size": item["size"], "sha256": item["sha256"]}
