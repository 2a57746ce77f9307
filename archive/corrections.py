"""What a clerk's decision on a flagged field does to the archive: the correction becomes the record.

A decision is one of ``correct`` (a new value), ``confirm`` (the value read is right) or ``absent``
(the field is not on the form). Each one:

- writes a new package version (:func:`derive_version`): the fields JSON (and the package's
  ``record.json`` when it has one) carry the decision, the EAD carries a changed dossier code or
  matter dates, and PREMIS gains a ``metadata modification`` event naming the person, the time,
  the field, the old value and the new one; the signed PDF/A is the same bytes, never re-signed,
  and the replaced version is left as it was;
- updates the export record (``records/<dossier>.json``) and the catalog (record, search index,
  package version, and the same event in the dossier's audit trail), so ``sohoa export``,
  ``sohoa search`` and the EAD show the corrected value.

Each field records how it stands — ``status`` ``ocr`` | ``confirmed`` | ``corrected``, with
``reviewed_by`` and ``reviewed_at`` — and a dossier whose flags are all resolved gets
``review_state: "checked"`` (đã kiểm tra). The field key ``code`` stands for the dossier code: a
generated temporary code (``SOHOA-TAM-…``) is replaced by the real one with the same audit, and
codes stay unique.

A stale view is refused: a decision carries the revision of the field it was made on
(:func:`field_rev`), and a field that changed since is not overwritten. The caller serialises
decisions on one dossier (the review station holds a per-dossier lock in its database).

Values appear in the package's PREMIS event and the catalog's audit trail (both not
world-readable), never in an error message or a log line.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from lxml import etree
from sqlalchemy import text

import sohoa
from archive._xml import parse, to_bytes
from archive.catalog import Catalog
from archive.corrections_version import ReviewEvent, derive_version
from archive.dates import SCAN_DATE, matter_dates
from archive.model import iso_vn, now_vn
from archive.package import REP_BASE
from archive.retention import RetentionSchedule, load_schedule, retention_for
from sohoa.errors import ArchiveError, ExitCode
from sohoa.files import write_text_atomic

CODE_FIELD = "code"
"""The key that stands for the dossier code in the review queue and the API."""
ACTIONS = ("correct", "confirm", "absent")
STATUSES = ("ocr", "confirmed", "corrected")
EVENT_TYPE = "metadata modification"
AGENT = f"sohoa {sohoa.__version__} (verification station)"
FIELDS_JSON = f"{REP_BASE}metadata/other/fields/fields.json"
RECORD_JSON = f"{REP_BASE}metadata/other/record.json"
DOSSIER_EAD = "metadata/descriptive/EAD.xml"
MAX_VALUE = 1000
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ReviewConflict(ArchiveError):
    """The decision cannot be applied as asked: a stale view, a taken code (HTTP 409)."""

    exit_code = ExitCode.CONFIG
    reason = "review_conflict"
    message_vi = "Không lưu được: dữ liệu đã thay đổi."


@dataclass(frozen=True)
class Decision:
    """One clerk's decision on one field.

    Attributes:
        field: The field key, or ``code`` for the dossier code.
        action: ``correct``, ``confirm`` or ``absent``.
        value: The new value (``correct`` only).
        rev: The field revision the decision was made on (:func:`field_rev`); None when the
            client did not say: then only a field nobody else has resolved may change.
        person: The account name of the person deciding.
    """

    field: str
    action: str
    value: str | None
    rev: str | None
    person: str


def field_rev(state: Mapping[str, object] | None) -> str:
    """A short revision of a field's state: it changes whenever the field's value or status does."""
    state = state or {}
    raw = json.dumps([state.get("value"), state.get("status") or "ocr", state.get("reviewed_by"),
                      state.get("reviewed_at")], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def code_state(record: Mapping[str, object]) -> dict[str, object]:
    """The dossier code as a reviewable field: its value, whether it awaits review, and its status."""
    done = record.get("code_review") if isinstance(record.get("code_review"), Mapping) else {}
    generated = bool(record.get("code_generated"))
    return {"value": record.get("code") or record.get("dossier_id"), "needs_review": generated and not done,
            **({"reason": "code_generated"} if generated and not done else {}), "status": "ocr", **done}


def review_state(record: Mapping[str, object]) -> str:
    """``checked`` (đã kiểm tra) when no field or code flag awaits a person, else ``pending``."""
    fields = record.get("fields") or {}
    waiting = any(isinstance(f, Mapping) and f.get("needs_review") for f in fields.values())
    return "pending" if waiting or code_state(record)["needs_review"] else "checked"


# -- C6 stand-in ------------------------------------------------------------------------------------

def resolve_code(catalog: Catalog, code_or_id: str) -> str:
    """The internal ``dossier_id`` of a dossier code or id (stand-in for C6 ``Catalog.resolve``).

    Raises:
        ArchiveError: reason ``not_in_catalog`` when no dossier has that code or id.
    """
    found = dossiers_with_code(catalog, code_or_id)
    if found:
        return found[0]
    if catalog.dossier(code_or_id) is not None:
        return code_or_id
    raise ArchiveError("no dossier with this code in the archive catalog", reason="not_in_catalog",
                       message_vi="Không có hồ sơ mang mã này trong danh mục lưu trữ.")


def dossiers_with_code(catalog: Catalog, code: str) -> list[str]:
    """Every dossier whose record carries ``code`` as its dossier code (a pre-filter, then exact)."""
    pattern = "%" + json.dumps(code, ensure_ascii=False).replace("\\", "\\\\").replace("%", "\\%") + "%"
    with catalog.snapshot() as db:
        rows = db.execute(text("SELECT dossier_id, record_json FROM dossiers WHERE record_json LIKE :p ESCAPE '\\' "
                               "ORDER BY dossier_id"), {"p": pattern}).all()
    return [d for d, raw in rows if json.loads(raw).get("code") == code]


# -- the decision ----------------------------------------------------------------------------------

def apply_decision(archive_root: Path, catalog: Catalog, dossier_id: str, decision: Decision, *,
                   date_keys: tuple[Sequence[str], Sequence[str]] = ((), ()),
                   schedule: RetentionSchedule | None = None) -> dict:
    """Apply one decision: new package version, record file, catalog and audit trail.

    Args:
        archive_root: The archive folder.
        catalog: The archive's open catalog.
        dossier_id: The dossier (internal id).
        decision: What the person decided.
        date_keys: (start, end) date fields of the dossier's form template (``dossier-dates``);
            a decision on one of them re-dates the matter (EAD dates, retention).
        schedule: The retention schedule (default ``configs/retention.yaml``).

    Returns:
        The new export record.

    Raises:
        ReviewConflict: A stale view (reason ``stale_view``), a code already used by another dossier
            (``code_taken``), a dossier no longer active (``not_active``).
        ArchiveError: An invalid action or value, or the archive cannot be written.
    """
    row = catalog.dossier(dossier_id)
    if row is None:
        raise ArchiveError("no such dossier in the archive catalog", reason="not_in_catalog")
    if row.get("status", "active") != "active":
        raise ReviewConflict("the dossier is no longer active (disposed)", reason="not_active",
                             message_vi="Hồ sơ này không còn trong kho (đã hủy).")
    record = row["record"]
    at = now_vn()
    new_record, old, new = decide(record, decision, at=at)
    if decision.field == CODE_FIELD and new != old and (others := dossiers_with_code(catalog, str(new))):
        if others != [dossier_id]:
            raise ReviewConflict("this dossier code is already used by another dossier", reason="code_taken",
                                 message_vi="Mã hồ sơ này đã được dùng cho hồ sơ khác.")
    dates = _redated(new_record, record, date_keys, _scan_date(catalog, dossier_id, record))
    if dates is not None:
        new_record["dates"] = dates.as_record()
    detail = "verification station: " + json.dumps(
        {"field": decision.field, "action": decision.action, "old": old, "new": new, "person": decision.person},
        ensure_ascii=False)
    event = ReviewEvent(EVENT_TYPE, at, "success", detail, AGENT, person=decision.person)
    package = archive_root / str(record["package"])
    replace = _replaced_files(package, record, new_record, decision, dates)
    new_code = str(new) if decision.field == CODE_FIELD and new != old else None
    version = derive_version(archive_root, package, replace=replace, events=[event], new_code=new_code)
    new_record["package"] = version.relative_to(archive_root).as_posix()
    new_record["pdf"] = min((version / REP_BASE / "data").glob("*.pdf")).relative_to(archive_root).as_posix()
    retention = None
    if dates is not None:
        retention = retention_for(schedule or load_schedule(), str(new_record.get("form_type")), dates.end.year)
    write_text_atomic(archive_root / "records" / f"{dossier_id}.json",
                      json.dumps(new_record, ensure_ascii=False, indent=1))
    with catalog.transaction():
        catalog.upsert_dossier(new_record, retention=retention)
        catalog.add_event(dossier_id, ReviewEvent(EVENT_TYPE, at, "success", detail, agent=decision.person))
    return new_record


def decide(record: Mapping[str, object], decision: Decision, *, at: datetime) -> tuple[dict, object, object]:
    """The record after ``decision`` (a pure function), with the old and the new value.

    Raises:
        ReviewConflict: The field changed since the person saw it (reason ``stale_view``).
        ArchiveError: Unknown field or action, or an invalid value (reason ``invalid_value``).
    """
    if decision.action not in ACTIONS:
        raise ArchiveError("the action must be correct, confirm or absent", reason="invalid_action",
                           message_vi="Thao tác phải là correct, confirm hoặc absent.")
    record = json.loads(json.dumps(record, ensure_ascii=False))
    fields = record.setdefault("fields", {})
    current = code_state(record) if decision.field == CODE_FIELD else fields.get(decision.field)
    if current is None:
        raise ArchiveError("the dossier has no such field", reason="unknown_field",
                           message_vi="Hồ sơ không có trường này.")
    _check_fresh(current, decision)
    old = current.get("value")
    new = _new_value(decision, old)
    status = "confirmed" if decision.action == "confirm" or new == old else "corrected"
    stamp = {"status": status, "reviewed_by": decision.person, "reviewed_at": iso_vn(at)}
    if decision.field == CODE_FIELD:
        _decide_code(record, old, new, stamp)
    else:
        fields[decision.field] = reviewed_field(current, new, stamp, absent=decision.action == "absent")
    for state in fields.values():
        if isinstance(state, dict):
            state.setdefault("status", "ocr")
    record["review_state"] = review_state(record)
    return record, old, new


def reviewed_field(current: Mapping[str, object], value: object, stamp: Mapping[str, str], *,
                   absent: bool) -> dict:
    """A field after a decision: the value, ``needs_review`` false, the status stamp; the value and
    reason the OCR gave are kept as ``ocr_value`` / ``ocr_reason``."""
    state = dict(current)
    if stamp["status"] == "corrected" and "ocr_value" not in state:
        state["ocr_value"] = current.get("value")
    reason = state.pop("reason", None)
    if reason and "ocr_reason" not in state:
        state["ocr_reason"] = reason
    state.pop("absent", None)
    state.update(value=value, needs_review=False, **stamp, **({"absent": True} if absent else {}))
    return state


def _decide_code(record: dict, old: object, new: object, stamp: Mapping[str, str]) -> None:
    """Record a decision on the dossier code."""
    previous = record.get("code_review") if isinstance(record.get("code_review"), Mapping) else {}
    review = {**stamp, **({"ocr_value": previous.get("ocr_value", old)} if new != old else {})}
    if "ocr_value" in previous:
        review["ocr_value"] = previous["ocr_value"]
    record["code"], record["code_review"] = new, review
    if new != old:
        record["code_generated"] = False
        record["review"] = [r for r in record.get("review") or [] if r != "code_generated"]


def _check_fresh(current: Mapping[str, object], decision: Decision) -> None:
    """Refuse a decision made on a view of the field that is no longer current."""
    if decision.rev is not None:
        if decision.rev != field_rev(current):
            raise _stale()
        return
    if current.get("status", "ocr") != "ocr" and current.get("reviewed_by") != decision.person:
        raise _stale()


def _stale() -> ReviewConflict:
    return ReviewConflict("the field changed since it was shown (someone else saved it first); reload it",
                          reason="stale_view",
                          message_vi="Trường này đã được người khác sửa sau khi bạn mở; "
                                     "hãy tải lại để xem giá trị mới.")


def _new_value(decision: Decision, old: object) -> object:
    """The value a decision leaves: the old one, the empty one, or the new one cleaned (NFC, spaces)."""
    if decision.action == "confirm":
        return old
    if decision.action == "absent":
        if decision.field == CODE_FIELD:
            raise ArchiveError("a dossier code cannot be absent", reason="invalid_value",
                               message_vi="Mã hồ sơ không thể để trống.")
        return ""
    value = " ".join(unicodedata.normalize("NFC", str(decision.value or "")).split())
    if not value or len(value) > MAX_VALUE or _CONTROL.search(value):
        raise ArchiveError(f"the new value must be 1-{MAX_VALUE} characters without control characters",
                           reason="invalid_value",
                           message_vi=f"Giá trị mới phải có từ 1 đến {MAX_VALUE} ký tự (nếu trường không có "
                                      "trên tờ khai, chọn \"không có trên tờ khai\").")
    if decision.field == CODE_FIELD and not _CODE_RE.fullmatch(value):
        raise ArchiveError("a dossier code is 1-100 letters, digits, '.', '_' or '-'", reason="invalid_value",
                           message_vi="Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang.")
    return value


# -- dates and files -------------------------------------------------------------------------------

def _scan_date(catalog: Catalog, dossier_id: str, record: Mapping[str, object]) -> date:
    """When the paper was digitized: the record's fallback date, else the catalog's transfer event."""
    dates = record.get("dates") if isinstance(record.get("dates"), Mapping) else {}
    for key in ("end", "start"):
        if dates.get(f"{key}_from") == SCAN_DATE:
            return date.fromisoformat(str(dates[key]))
    for event in catalog.events(dossier_id):
        if event["event_type"] == "transfer":
            return datetime.fromisoformat(event["time"]).date()
    return now_vn().date()


def _redated(new: Mapping[str, object], old: Mapping[str, object], date_keys: tuple[Sequence[str], Sequence[str]],
             scan_date: date):  # noqa: ANN202 - archive.dates.MatterDates | None
    """The matter's dates after the decision, or None when they do not change."""
    start_keys, end_keys = date_keys
    if not (start_keys or end_keys):
        return None
    dates = matter_dates(new.get("fields") or {}, start_keys=start_keys, end_keys=end_keys, scan_date=scan_date)
    return None if dates.as_record() == old.get("dates") else dates


def _replaced_files(package: Path, old: Mapping[str, object], new: Mapping[str, object], decision: Decision,
                    dates) -> dict[str, bytes]:  # noqa: ANN001 - archive.dates.MatterDates | None
    """Package-relative path → new bytes of every metadata file the decision changes."""
    out: dict[str, bytes] = {}
    fields_json = package / FIELDS_JSON
    if fields_json.is_file() and decision.field != CODE_FIELD:
        data = json.loads(fields_json.read_text(encoding="utf-8"))
        if isinstance(data.get("fields"), dict) and decision.field in data["fields"]:
            data["fields"][decision.field] = {**data["fields"][decision.field],
                                              **new["fields"][decision.field]}
            for key in ("reason", "ocr_value", "ocr_reason", "absent"):
                if key not in new["fields"][decision.field]:
                    data["fields"][decision.field].pop(key, None)
            out[FIELDS_JSON] = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
    if (package / RECORD_JSON).is_file():
        kept = {k: v for k, v in new.items() if k not in ("package", "pdf")}
        out[RECORD_JSON] = (json.dumps(kept, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    changes: dict[str, str | None] = {}
    if decision.field == CODE_FIELD and new.get("code") != old.get("code"):
        changes["arcFileCode"] = str(new["code"])
        if _ead_text(package / DOSSIER_EAD, "paperFileCode") == old.get("code"):
            changes["paperFileCode"] = str(new["code"])
    if dates is not None:
        changes.update(startDate=dates.start.strftime("%d/%m/%Y"), endDate=dates.end.strftime("%d/%m/%Y"),
                       description=dates.note_vi())
    if changes:
        out[DOSSIER_EAD] = patch_ead((package / DOSSIER_EAD).read_bytes(), changes)
    if "arcFileCode" in changes:
        for doc in sorted((package / REP_BASE / "metadata" / "descriptive").glob("EAD_doc_*.xml")):
            out[doc.relative_to(package).as_posix()] = _recoded_doc(doc.read_bytes(), str(old.get("code")),
                                                                    str(new["code"]))
    return out


def patch_ead(xml: bytes, changes: Mapping[str, str | None]) -> bytes:
    """The EAD with some elements' text replaced (None removes one; a missing one is appended).

    Every other element is kept as it was, so a correction never drops metadata it does not touch.
    """
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True))
    for tag, value in changes.items():
        node = root.find(tag)
        if value is None:
            if node is not None:
                root.remove(node)
            continue
        if node is None:
            node = etree.SubElement(root, tag)
        node.text = value
    return to_bytes(root)


def _recoded_doc(xml: bytes, old_code: str, new_code: str) -> bytes:
    """A document EAD under the new dossier code (``arcFileCode`` and the ``docCode`` prefix)."""
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True))
    changes: dict[str, str | None] = {"arcFileCode": new_code}
    doc_code = root.findtext("docCode")
    if doc_code and doc_code.startswith(old_code):
        changes["docCode"] = new_code + doc_code[len(old_code):]
    return patch_ead(xml, changes)


def _ead_text(path: Path, tag: str) -> str | None:
    """The text of one element of an EAD file, or None."""
    return parse(path).getroot().findtext(tag) if path.is_file() else None
