"""The verification station's work, apart from HTTP: queue, dossier views, decisions, page images.

Every response that shows a dossier's data is a view of that dossier and goes into its audit trail
(one ``access`` event per dossier per response, naming the person); every decision goes there as a
``metadata modification`` event (:mod:`archive.corrections`). Values are never logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from archive.catalog import Catalog
from archive.catalog_codes import code_owner
from archive.corrections import apply_decision
from archive.decisions import CODE_FIELD, Decision, ReviewConflict, code_state, field_rev, review_state
from archive.dossier_lock import dossier_lock
from archive.model import PremisEvent
from sohoa.clock import now_vn
from archive.retention import load_schedule
from configs.review_schema import ReviewSettings
from review import pages, queue
from review.accounts import User
from review.fieldinfo import FormInfo, check_value, context
from review.store import Store
from sohoa.errors import ArchiveError

log = logging.getLogger("sohoa.review")
ACCESS_EVENT = "access"
AGENT = "sohoa verification station"


class LeaseConflict(ReviewConflict):
    """The field is being checked by someone else."""

    reason = "field_leased"


@dataclass
class Station:
    """One archive's verification station (shared by the web workers' threads)."""

    archive_root: Path
    store: Store
    settings: ReviewSettings
    reasons_vi: Mapping[str, str]
    catalog_url: str | None = None
    forms: FormInfo | None = None
    retention_file: Path | None = None

    def __post_init__(self) -> None:
        """Prepare the page cache, the templates and one catalog connection per thread."""
        self.forms = self.forms or FormInfo()
        self.cache = pages.prepare_cache(self.settings.cache_dir or self.archive_root / ".review-cache")
        self._local = threading.local()
        self._viewed: dict[str, set[str]] = {}
        self._synced = 0.0
        self._schedule = load_schedule(self.retention_file) if self.retention_file else load_schedule()

    @property
    def catalog(self) -> Catalog:
        """This thread's connection to the archive's catalog."""
        catalog = getattr(self._local, "catalog", None)
        if catalog is None:
            catalog = self._local.catalog = Catalog.for_archive(self.archive_root, self.catalog_url)
        return catalog

    def sync(self, *, force: bool = False) -> None:
        """Bring the review index up to date (at most every 2 seconds unless forced)."""
        if force or time.monotonic() - self._synced > 2.0:
            queue.sync(self.store, self.catalog)
            self._synced = time.monotonic()

    # -- views ---------------------------------------------------------------------------------

    def review_queue(self, user: User, filters: queue.Filters, *, limit: int, session: str) -> list[dict]:
        """The next fields for ``user`` (leased to them), with values; one audit row per dossier shown."""
        self.sync()
        rows = queue.pending(self.store, user.name, filters, limit=limit * 2)
        taken = queue.take(self.store, user.name, [(r["dossier_id"], r["field"]) for r in rows],
                           seconds=self.settings.lease_minutes * 60)
        rows = [r for r in rows if (r["dossier_id"], r["field"]) in taken][:limit]
        queue.release_others(self.store, user.name, taken - {(r["dossier_id"], r["field"]) for r in rows})
        records = {d: self.catalog.dossier(d) for d in dict.fromkeys(r["dossier_id"] for r in rows)}
        out = [item for r in rows if (item := self._item(r, records[r["dossier_id"]])) is not None]
        self._audit_views(user, {i["dossier_id"] for i in out}, session, "review queue")
        return out

    def _item(self, row: Mapping[str, object], catalog_row: dict | None) -> dict | None:
        """One queue item as the API shows it."""
        if catalog_row is None:
            return None
        record = catalog_row["record"]
        key = str(row["field"])
        state = code_state(record) if key == CODE_FIELD else (record.get("fields") or {}).get(key)
        if not isinstance(state, Mapping) or state.get("status", "ocr") != "ocr":
            return None
        info = self.forms.field(record.get("form_type"), key)
        return {"code": record.get("code") or record["dossier_id"], "dossier_id": record["dossier_id"], "field": key,
                "value": state.get("value"), "reason": row["reason"], "form_type": record.get("form_type"),
                "page": row["page"], "box": json.loads(row["box"]) if row["box"] else None,
                "source": record.get("source"), "label": info.label, "check": info.check,
                "reason_vi": self.reasons_vi.get(str(row["reason"] or ""), row["reason"]),
                "form_title": self.forms.title(record.get("form_type")), "run": row["run"],
                "rev": field_rev(state), "context": context(info, record.get("fields") or {}),
                "pages": pages.page_count(record)}

    def dossier(self, user: User, code: str, *, session: str) -> dict:
        """The current record of a dossier (each field with its status and revision); audited as a view."""
        dossier_id = self.resolve(code)
        row = self.catalog.dossier(dossier_id)
        record = json.loads(json.dumps(row["record"], ensure_ascii=False))
        for key, state in (record.get("fields") or {}).items():
            if isinstance(state, dict):
                state["rev"] = field_rev(state)  # of the state as stored: what a decision is checked against
                state.setdefault("status", "ocr")
                state["label"] = self.forms.label(record.get("form_type"), key)
        record["code_state"] = {**code_state(row["record"]), "rev": field_rev(code_state(row["record"]))}
        record["review_state"] = review_state(record)
        self._audit_views(user, {dossier_id}, session, "dossier record")
        return record

    def resolve(self, code: str) -> str:
        """The dossier id of a code (or id): :meth:`Catalog.resolve`; ArchiveError ``not_in_catalog`` otherwise."""
        return self.catalog.resolve(code)

    def _audit_views(self, user: User, dossier_ids: set[str], session: str, what: str) -> None:
        """One ``access`` event per dossier shown, naming the person (no values)."""
        if not dossier_ids:
            return
        seen = self._viewed.setdefault(session, set())
        seen.update(dossier_ids)
        at = now_vn()
        with self.catalog.transaction():
            for dossier_id in sorted(dossier_ids):
                self.catalog.add_event(dossier_id, PremisEvent(
                    ACCESS_EVENT, at, "success", f"viewed in the verification station ({what}) by {user.name}",
                    user.name))

    def page_image(self, session: str, code: str, page: int) -> Path:
        """The rendered page of a dossier the session has been shown (else ``not_viewed``)."""
        dossier_id = self.resolve(code)
        if dossier_id not in self._viewed.get(session, set()):
            raise ArchiveError("open the dossier before its pages", reason="not_viewed",
                               message_vi="Hãy mở hồ sơ trước khi xem trang.")
        record = self.catalog.dossier(dossier_id)["record"]
        number = pages.pdf_page_number(record, page)
        if number is None:
            raise ArchiveError("the dossier has no such page", reason="no_such_page",
                               message_vi="Hồ sơ không có trang này.")
        return pages.page_image(self.cache, self.archive_root / str(record["pdf"]), number)

    def record_access(self, event_type: str, outcome: str, detail: str, person: str) -> None:
        """An archive-wide audit event about access (login, logout, accounts), naming the person."""
        self.catalog.add_archive_event(PremisEvent(event_type, now_vn(), outcome, detail, person or "-"))

    def forget_session(self, session: str) -> None:
        """Drop what a closed session had been shown."""
        self._viewed.pop(session, None)

    # -- decisions -----------------------------------------------------------------------------

    def decide(self, user: User, code: str, field: str, *, action: str, value: str | None,
               rev: str | None) -> dict:
        """Apply a decision on one field (a new package version); returns the field as now recorded.

        Raises:
            LeaseConflict: Someone else holds the field.
            ReviewConflict: A stale view, a taken code, a busy dossier.
        """
        dossier_id = self.resolve(code)
        other = queue.holder(self.store, dossier_id, field)
        if other is not None and other != user.name:
            raise LeaseConflict("someone else is checking this field", reason="field_leased",
                                message_vi=f"Trường này đang được {other} kiểm tra.")
        queue.take(self.store, user.name, [(dossier_id, field)], seconds=self.settings.lease_minutes * 60)
        form_type = (self.catalog.dossier(dossier_id) or {}).get("form_type")
        decision = Decision(field, action, value, rev, user.name)
        try:
            record = decide_locked(self, dossier_id, decision, owner=f"{user.name}:{time.monotonic_ns()}",
                                   form_type=form_type)
        finally:  # decided, or refused (the page reloads it): either way the field is free again
            queue.release(self.store, dossier_id, field)
        log.info("decision recorded: %s on a field of dossier %s by %s", action, dossier_id, user.name)
        state = code_state(record) if field == CODE_FIELD else record["fields"][field]
        return {"code": record.get("code"), "dossier_id": dossier_id, "field": field, **state,
                "rev": field_rev(state), "review_state": record.get("review_state"),
                "package": record.get("package")}

    # -- checks and progress -------------------------------------------------------------------

    def check(self, kind: str, value: str, *, birth_date: str | None, sex: str | None,
              dossier: str | None) -> dict:
        """A check while typing; for a code, also whether another dossier already has it."""
        answer = check_value(kind, value, birth_date=birth_date, sex=sex, reasons_vi=self.reasons_vi)
        if kind == "code" and answer["ok"]:
            owner = code_owner(self.catalog, str(answer["normalised"]))
            mine = self.resolve(dossier) if dossier else None
            if owner is not None and owner != mine:
                answer = check_value("code", "", reasons_vi=self.reasons_vi) | {
                    "reason": "code_taken", "message": "Mã hồ sơ này đã được dùng cho hồ sơ khác."}
        return answer

    def progress(self) -> dict:
        """Review progress per run and per clerk."""
        self.sync(force=True)
        return queue.progress(self.store)

    def choices(self) -> dict:
        """The filter values (runs, form types with their names, reasons in Vietnamese)."""
        self.sync()
        found = queue.choices(self.store)
        return {"runs": found["run"],
                "form_types": [{"key": f, "name": self.forms.title(f)} for f in found["form_type"]],
                "reasons": [{"key": r, "name": self.reasons_vi.get(r, r)} for r in found["reason"]]}


def decide_locked(station: Station, dossier_id: str, decision: Decision, *, owner: str,
                  form_type: str | None) -> dict:
    """Apply a decision holding the dossier's lock (:mod:`archive.dossier_lock`), then update the review index.

    Two dossiers are never given one code: the code is set in the catalog's transaction that
    publishes its package version, and the catalog's unique ``code`` column refuses the second.
    """
    catalog = station.catalog
    with dossier_lock(catalog, dossier_id, owner):
        record = apply_decision(station.archive_root, catalog, dossier_id, decision,
                                date_keys=station.forms.date_keys(form_type), schedule=station._schedule)  # noqa: SLF001
        created = catalog.dossier(dossier_id)["created_at"]
        queue.index_dossier(station.store, dossier_id, record, ingested_at=created)
    return record
