"""Replacing a dossier's code: a temporary ``SOHOA-TAM-…`` (or a wrong one) by the real mã hồ sơ.

One function, :func:`change_code`, does the whole change, whoever asks for it — ``sohoa code set``
(:func:`set_code`), the verification station's code field and its JSON API
(``POST /api/dossiers/{code}/fields/code``, through :func:`archive.corrections.apply_decision`):

- the new code is checked (letters, digits, ``.``, ``_``, ``-``; at most 100) and must be no other
  dossier's: the catalog's unique ``code`` column and :meth:`Catalog.resolve` decide;
- the package takes it in a new version (:func:`archive.versions.derive_version` with the package's
  own metadata under the new code): the documents are renamed ``<new code>.<n>.pdf`` (the same
  signed bytes, never re-signed), ``arcFileCode`` and every ``docCode`` follow, ``record.json``
  carries the decision, PREMIS gains a ``metadata modification`` event naming the person, the time,
  the old and the new code; the version becomes the first package of the new code and names the
  replaced one (``altRecordID``), which stays as it was;
- the catalog row takes the code, the record and the new version in one transaction, with the same
  event in the dossier's audit trail; then ``records/<id>.json`` is rewritten.

The record keeps who did it: ``code_review`` (``status``, ``reviewed_by``, ``reviewed_at``, the code
it replaced as ``ocr_value``), ``code_generated`` false, ``code_generated`` gone from ``review``. A
rebuilt catalog finds the new code in the package, so the change needs no journal line. The dossier
is locked while it changes (:mod:`archive.dossier_lock`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

import sohoa
from archive.catalog import Catalog
from archive.decisions import (
    CODE_FIELD,
    CODE_RE,
    Decision,
    ReviewConflict,
    code_state,
    decide,
    field_rev,
    invalid_code,
)
from archive.dossier_lock import dossier_lock
from archive.ead_read import read_metadata
from archive.model import PremisEvent
from archive.redating import description_with_dates, redate
from archive.retention import RetentionSchedule
from sohoa.clock import now_vn
from archive.package import RECORD_KEY, other_path
from archive.versions import derive_version, package_identity
from sohoa.errors import ArchiveError, ConfigError
from sohoa.files import write_text_atomic

EVENT_TYPE = "metadata modification"
"""The PREMIS event type of every correction, the dossier code's included."""
RECORD_JSON = other_path(RECORD_KEY)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeChange:
    """What :func:`set_code` did."""

    dossier_id: str
    old: str
    new: str
    package: str
    """The package version that now carries the code (relative to the archive)."""


def set_code(archive_root: Path, old: str, new: str, *, operator: str, reason: str,
             catalog_url: str | None = None,
             date_fields: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
             schedule: RetentionSchedule | None = None) -> CodeChange:
    """``sohoa code set``: give the dossier known as ``old`` (its code, or its id) the code ``new``.

    ``date_fields`` (form type → its template's start and end date fields) lets a dossier dated from
    its scan be dated by the intake date in its new code (see :func:`change_code`).

    Raises:
        ConfigError: No reason was given.
        archive.decisions.InvalidDecision: ``new`` is not a valid code (exit 4).
        ReviewConflict: ``new`` is another dossier's code (``code_taken``, exit 4), or the dossier
            is being changed by someone else (``dossier_busy``).
        ArchiveError: ``old`` is unknown (``not_in_catalog``), the catalog is not usable, or the
            package cannot be written; nothing changes then.
    """
    from archive.catalog_health import open_checked

    if not reason.strip():
        raise ConfigError("a reason is required to change a dossier code (--reason)",
                          message_vi="Cần ghi lý do đổi mã hồ sơ (--reason).")
    with open_checked(archive_root, catalog_url) as catalog:
        dossier_id = catalog.resolve(old)
        with dossier_lock(catalog, dossier_id, f"{operator}:{time.monotonic_ns()}"):
            row = active_row(catalog, dossier_id)  # read under the lock: the command acts on what is current
            before = str(row["code"] or dossier_id)
            keys = (date_fields or {}).get(str(row["record"].get("form_type")), ((), ()))
            record = change_code(archive_root, catalog, dossier_id, new, person=operator, reason=reason,
                                 rev=field_rev(code_state(row["record"])), where="sohoa code set",
                                 software=f"sohoa {sohoa.__version__} (sohoa code set)", date_keys=keys,
                                 schedule=schedule)
    return CodeChange(dossier_id, before, str(record["code"]), str(record["package"]))


def change_code(archive_root: Path, catalog: Catalog, dossier_id: str, new: str, *, person: str, reason: str = "",
                rev: str | None = None, where: str = "verification station", software: str = "",
                at: datetime | None = None, date_keys: tuple[Sequence[str], Sequence[str]] = ((), ()),
                schedule: RetentionSchedule | None = None) -> dict:
    """Give a dossier a new code: catalog, package version, audit trail and ``records/``; return the new record.

    The caller holds the dossier's lock (:func:`archive.dossier_lock.dossier_lock`).

    Args:
        archive_root: The archive folder.
        catalog: The archive's open catalog.
        dossier_id: The dossier (internal id).
        new: The new code.
        person: The account name of the person changing it (a PREMIS agent of type person).
        reason: Why, in the person's words (kept in the audit trail and PREMIS), if given.
        rev: The code's revision the person saw (:func:`archive.decisions.field_rev`), if any.
        where: What the change was made with, first in the event's detail.
        software: The software agent named in PREMIS.
        at: When (default: now).
        date_keys: (start, end) date fields of the dossier's form template: a dossier dated from its
            scan is dated again by the intake date a TT 01/2018 code carries (EAD dates, retention).
        schedule: The retention schedule (default ``configs/retention.yaml``).

    Raises:
        archive.decisions.InvalidDecision: Not a valid code.
        ReviewConflict: The code is another dossier's (``code_taken``), the view was stale
            (``stale_view``), the dossier is disposed (``not_active``), or it already has that code
            (``same_code``).
        ArchiveError: The dossier is unknown, or the package or catalog cannot be written.
    """
    new = " ".join(new.split())
    if not CODE_RE.fullmatch(new):
        raise invalid_code()
    row = active_row(catalog, dossier_id)
    at = at or now_vn()
    record, old, _ = decide(row["record"], Decision(CODE_FIELD, "correct", new, rev, person), at=at)
    if new == old:
        raise ReviewConflict("the dossier already has this code", reason="same_code",
                             message_vi="Hồ sơ đã mang mã này.")
    _check_free(catalog, dossier_id, new)
    package = archive_root / str(row["record"]["package"])
    agency, code = package_identity(package)
    read = read_metadata(package, row["record"], agency_code=agency, dossier_code=code)
    if not read.exact:
        log.warning("dossier %s: its EAD did not read back exactly; the new version's EAD is written from the "
                    "metadata read", dossier_id)
    meta = dataclasses.replace(read.meta, dossier_code=new)
    dates, retention = redate(record, row["record"], date_keys, catalog, dossier_id, schedule)
    if dates is not None:
        meta = dataclasses.replace(meta, start_date=dates.start, end_date=dates.end, description=description_with_dates(
            meta.description or "", row["record"].get("dates"), dates) or None)
    detail = correction_detail(where, field=CODE_FIELD, action="correct", old=old, new=new, person=person,
                               reason=reason)
    event = PremisEvent(EVENT_TYPE, at, "success", detail, software or f"sohoa {sohoa.__version__}", person=person)
    replace = {RECORD_JSON: packaged_record(record)} if (package / RECORD_JSON).is_file() else {}
    try:
        with catalog.transaction():  # the code is the dossier's from here: no one else can take it meanwhile
            catalog.set_code(dossier_id, new, event=dataclasses.replace(event, agent=person, person=""),
                             journaled=False)
            version = derive_version(archive_root, package, replace=replace, meta=meta, events=[event])
            record.update(current_files(archive_root, version))
            catalog.upsert_dossier(record, retention=retention)
    except ArchiveError as exc:
        if exc.reason in ("duplicate_code", "code_in_use") or isinstance(exc.__cause__, IntegrityError):
            raise _taken() from exc
        raise
    write_record(archive_root, record)
    return record


def active_row(catalog: Catalog, dossier_id: str) -> dict:
    """The catalog row of a dossier that may still change (not disposed).

    Raises:
        ArchiveError: Unknown dossier (``not_in_catalog``); ReviewConflict ``not_active`` when disposed.
    """
    row = catalog.dossier(dossier_id)
    if row is None:
        raise ArchiveError("no such dossier in the archive catalog", reason="not_in_catalog",
                           message_vi="Không có hồ sơ với mã này trong danh mục lưu trữ.")
    if row.get("status", "active") == "disposed":
        raise ReviewConflict("the dossier's content was destroyed by a disposal decision", reason="not_active",
                             message_vi="Hồ sơ này đã bị hủy theo quyết định hủy tài liệu.")
    return row


def code_owner(catalog: Catalog, code: str) -> str | None:
    """The dossier that has ``code`` as its code or its id (:meth:`Catalog.resolve`), or None."""
    try:
        return catalog.resolve(code)
    except ArchiveError as exc:
        if exc.reason == "not_in_catalog":
            return None
        raise


def _check_free(catalog: Catalog, dossier_id: str, code: str) -> None:
    """Refuse a code another dossier has (as its code, or as its internal id)."""
    owner = code_owner(catalog, code)
    if owner is not None and owner != dossier_id:
        raise _taken()


def _taken() -> ReviewConflict:
    return ReviewConflict("this dossier code is already used by another dossier; nothing was changed",
                          reason="code_taken", message_vi="Mã hồ sơ này đã được dùng cho hồ sơ khác; không thay đổi gì.")


def correction_detail(where: str, **facts: object) -> str:
    """The PREMIS and audit detail of a correction: where it was made, then its facts as JSON.

    Values appear here on purpose (the package's PREMIS and the catalog's audit trail are not
    world-readable); they never reach a log line.
    """
    return f"{where}: " + json.dumps({k: v for k, v in facts.items() if v != "" or k in ("old", "new")},
                                     ensure_ascii=False)


def packaged_record(record: dict) -> bytes:
    """``record.json`` as the package holds it: the export record without ``package`` and ``pdf``."""
    kept = {k: v for k, v in record.items() if k not in ("package", "pdf")}
    return json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8")


def current_files(archive_root: Path, version: Path) -> dict[str, str]:
    """``package`` and ``pdf`` of a record whose current version is ``version``."""
    pdf = min((version / "representations" / "rep1" / "data").glob("*.pdf"))
    return {"package": version.relative_to(archive_root).as_posix(), "pdf": pdf.relative_to(archive_root).as_posix()}


def write_record(archive_root: Path, record: dict) -> None:
    """Rewrite ``records/<id>.json``: the record the catalog now holds."""
    write_text_atomic(archive_root / "records" / f"{record['dossier_id']}.json",
                      json.dumps(record, ensure_ascii=False, indent=1))
