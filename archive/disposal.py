"""Disposition (TT 05/2025 Chương VII): the "Xem xét hủy" list, holds, and approved disposals.

Nothing is ever deleted on a schedule. :func:`due_list` puts the dossiers whose retention term has
ended on the list for the appraisal council (Hội đồng xác định giá trị tài liệu) and gives them the
status "Xem xét hủy"; :func:`write_due_xlsx` writes it as the "Danh mục hồ sơ, tài liệu hết giá
trị" archivists use (STT, mã hồ sơ, tiêu đề, ngày bắt đầu and kết thúc, số tờ, thời hạn bảo quản,
lý do hủy, ghi chú; the internal id only in a last column for IT). Titles come from the catalog row
(the package's EAD title), never from a table here.

A dossier can be kept back from disposal while an inspection, a complaint or a case needs it:
"giữ lại, tạm dừng hủy" — the appraisal vocabulary for records kept out of a destruction (the
council's "mục lục hồ sơ, tài liệu giữ lại" in the destruction procedure, Công văn
879/VTLTNN-NVĐP), with its reason; "phong tỏa" is not an archivist's word for it.

:func:`dispose` carries out a council's decision: it refuses without the decision number or the
council, for a dossier kept back, not yet expired or unknown, and checks every listed dossier
before it touches any. It then removes the content (the PDF/A documents, OCR text, fields and
record) from every version of the package, keeps the metadata (METS, EAD, PREMIS), the catalog row
and a disposal record — decision number and date, council, time, operator and the SHA-256 of every
destroyed file — in the catalog and as a read-only JSON file under ``disposals/``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path, PurePosixPath

from archive._catalog_harvest import read_ead
from archive._catalog_schema import STATUS_ACTIVE, STATUS_REVIEW
from archive._xml import remove_tree, seal_tree, unseal_dirs, write_bytes
from archive.audit import AGENT
from archive.catalog import Catalog
from archive.catalog_health import open_checked
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from sohoa.errors import ArchiveError, ConfigError

MAINTENANCE_VI = {"01": "Vĩnh viễn", "02": "70 năm", "03": "50 năm", "04": "30 năm", "05": "20 năm",
                  "06": "10 năm", "07": "Khác"}
DUE_HEADER = ("STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Ngày bắt đầu", "Ngày kết thúc", "Số tờ", "Thời hạn bảo quản",
              "Lý do hủy", "Ghi chú")
IT_HEADER = ("Mã nội bộ (CNTT)", "Gói lưu trữ (CNTT)")
CODE_COLUMN = "Mã hồ sơ"
HOLD_VI = "Giữ lại, tạm dừng hủy"
REVIEW_STATUS_VI = "Xem xét hủy"


def _destroyed(path: str) -> bool:
    """True for a package file that is content (documents, OCR text, fields), not metadata."""
    parts = PurePosixPath(path).parts
    return len(parts) > 3 and parts[0] == "representations" and (
        parts[2] == "data" or parts[2:4] == ("metadata", "other"))


def due_list(archive_root: Path, as_of: date, *, catalog_url: str | None = None, operator: str = "") -> list[dict]:
    """The dossiers whose retention ended before ``as_of``, marked "Xem xét hủy" (deletes nothing).

    Returns:
        The catalog rows, oldest term first, each with its ``title`` filled (from the package's EAD
        when the row has none).
    """
    with open_checked(archive_root, catalog_url) as catalog:
        rows = catalog.expired(as_of)
        event = PremisEvent("disposal review", now_vn(), "success",
                            f"retention ended before {as_of.isoformat()}: put on the \"{REVIEW_STATUS_VI}\" list "
                            f"for the appraisal council{f' by {operator}' if operator else ''}", AGENT)
        catalog.mark_review([r["dossier_id"] for r in rows if r["status"] == STATUS_ACTIVE], event=event)
    for row in rows:
        if not row.get("title") and row.get("package"):
            row["title"] = read_ead(archive_root / row["package"]).get("title")
    return rows


def write_due_xlsx(rows: Sequence[dict], as_of: date, out: Path) -> None:
    """Write the "Xem xét hủy" list as the archivists' "Danh mục hồ sơ, tài liệu hết giá trị" (XLSX).

    No personal data: codes, titles (form names), dates, sheet counts and retention only.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = REVIEW_STATUS_VI
    sheet.append(["DANH MỤC HỒ SƠ, TÀI LIỆU HẾT GIÁ TRỊ (ĐỀ NGHỊ XEM XÉT HỦY)"])
    sheet.append([(f"Tính đến ngày {as_of:%d/%m/%Y}; số hồ sơ: {len(rows)}. Danh mục này không hủy tài liệu nào; "
                   "việc hủy chỉ thực hiện theo quyết định của người có thẩm quyền, sau khi Hội đồng xác định giá "
                   "trị tài liệu xem xét.")])
    sheet.append([*DUE_HEADER, *IT_HEADER])
    for cell in (sheet["A1"], *sheet[3]):
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        sheet.append([n, row.get("code") or row["dossier_id"], row.get("title") or row.get("form_type") or "",
                      _dmy(row.get("start_date")), _dmy(row.get("end_date")), row.get("sheets"),
                      _period(row), _reason(row), _notes(row), row["dossier_id"], row.get("package")])
    widths = (6, 28, 40, 13, 13, 7, 16, 36, 50, 22, 50)
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    os.chmod(out, 0o640)


def _dmy(value: object) -> str:
    """An ISO date (or year-month, or year) as archivists write it: DD/MM/YYYY, MM/YYYY or YYYY."""
    text = str(value or "")
    parts = text.split("-")
    return "/".join(reversed(parts)) if text else ""


def _period(row: dict) -> str:
    """Thời hạn bảo quản: the code's words, and the years for code 07."""
    words = MAINTENANCE_VI.get(row.get("maintenance") or "", row.get("maintenance") or "")
    if row.get("maintenance") == "07" and row.get("retention_years"):
        words = f"{row['retention_years']} năm"
    return words


def _reason(row: dict) -> str:
    """Lý do hủy: the term ended (with the day it ended)."""
    ended = date.fromisoformat(row["retention_end"]).strftime("%d/%m/%Y") if row.get("retention_end") else "?"
    return f"Hết thời hạn bảo quản (hết ngày {ended})"


def _notes(row: dict) -> str:
    """Ghi chú: a hold, an unconfirmed term, dates taken from the scan, the legal basis."""
    notes = []
    if row.get("hold"):
        notes.append(f"{HOLD_VI}: {row.get('hold_reason') or ''}".rstrip(": "))
    if not row.get("retention_confirmed"):
        notes.append("Thời hạn bảo quản chưa được xác nhận")
    dates = (row.get("record") or {}).get("dates") or {}
    if isinstance(dates, dict) and dates.get("fallback"):
        notes.append("Ngày của hồ sơ lấy theo ngày số hóa (cần kiểm tra)")
    if row.get("retention_basis"):
        notes.append(f"Căn cứ: {row['retention_basis']}")
    return "; ".join(notes)


def read_list(path: Path) -> list[str]:
    """Dossier codes from an approved list: the XLSX of :func:`write_due_xlsx` (column "Mã hồ sơ")
    or a text file with one code per line (``#`` comments allowed)."""
    try:
        if path.suffix.lower() == ".xlsx":
            return _codes_from_xlsx(path)
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the disposal list ({exc.strerror})",
                          message_vi="Không đọc được danh mục hồ sơ hủy.") from exc
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def _codes_from_xlsx(path: Path) -> list[str]:
    """The "Mã hồ sơ" column below its header row."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).active
    codes, column = [], None
    for row in sheet.iter_rows(values_only=True):
        if column is None:
            column = row.index(CODE_COLUMN) if CODE_COLUMN in row else None
        elif column < len(row) and row[column]:
            codes.append(str(row[column]).strip())
    if column is None:
        raise ConfigError("the disposal list has no 'Mã hồ sơ' column",
                          message_vi="Danh mục hủy không có cột 'Mã hồ sơ'.")
    return codes


def set_hold(archive_root: Path, codes: Iterable[str], *, held: bool, reason: str, operator: str,
             catalog_url: str | None = None) -> int:
    """Keep dossiers back from disposal ("giữ lại, tạm dừng hủy"), or lift it; returns how many.

    Args:
        codes: Dossier codes (mã hồ sơ), or internal ids.
        reason: Why (an inspection, a complaint, a case); required.
    """
    if not reason.strip():
        raise ConfigError("a reason is required to keep a dossier back from disposal or to lift it",
                          message_vi="Cần ghi lý do giữ lại (tạm dừng hủy) hoặc bỏ giữ lại.")
    kind = "disposal hold" if held else "disposal hold release"
    count = 0
    with open_checked(archive_root, catalog_url) as catalog:
        ids = [catalog.resolve(code) for code in codes]  # every code checked before any change
        for dossier_id in dict.fromkeys(ids):
            event = PremisEvent(kind, now_vn(), "success", f"{kind} by {operator}: {reason}", AGENT)
            catalog.set_hold(dossier_id, held=held, reason=reason, event=event)
            count += 1
    return count


def dispose(archive_root: Path, *, decision: str | None, dossier_ids: Sequence[str], operator: str,
            council: str | None = None, decision_date: date | None = None, today: date | None = None,
            catalog_url: str | None = None) -> Path:
    """Carry out an approved disposal of the listed dossiers; return the disposal record file.

    Args:
        decision: Number of the approving decision (e.g. ``12/QĐ-UBND``); required.
        dossier_ids: Dossier codes (mã hồ sơ) or internal ids, from the approved list.
        council: The appraisal council that reviewed the list (Hội đồng xác định giá trị tài
            liệu: who, set up by which decision); required.
        decision_date: The decision's date, when known.

    Raises:
        ConfigError: No decision number, no council, or an empty list.
        ArchiveError: A dossier is unknown, kept back, not yet expired or already disposed
            (nothing is destroyed then), or a file cannot be removed.
    """
    if not decision or not decision.strip():
        raise ConfigError("a disposal needs the number of the approving decision (--decision)",
                          message_vi="Cần số quyết định hủy tài liệu (--decision); không hủy hồ sơ nào.")
    if not council or not council.strip():
        raise ConfigError("a disposal needs the appraisal council that reviewed the list (--council)",
                          message_vi="Cần ghi Hội đồng xác định giá trị tài liệu đã xem xét danh mục (--council); "
                                     "không hủy hồ sơ nào.")
    if not dossier_ids:
        raise ConfigError("the disposal list is empty", message_vi="Danh mục hủy không có hồ sơ nào.")
    today = today or now_vn().date()
    with open_checked(archive_root, catalog_url) as catalog:
        rows = [_check_disposable(catalog, code, today) for code in dict.fromkeys(dossier_ids)]
        entries = [_dispose_one(archive_root, catalog, row, decision.strip(), operator) for row in rows]
        path, executed = _write_record(archive_root, decision.strip(), operator, council.strip(), decision_date,
                                       entries)
        catalog.record_decision(decision=decision.strip(), decision_date=decision_date.isoformat() if decision_date
                                else None, council=council.strip(), operator=operator, executed_at=executed,
                                dossiers=len(entries))
    return path


def _check_disposable(catalog: Catalog, code: str, today: date) -> dict:
    """The dossier's row, or the refusal naming the rule it breaks (the code is an identifier, not personal data)."""
    try:
        row = catalog.dossier(catalog.resolve(code))
    except ArchiveError:
        row = None
    refusal = None
    if row is None:
        refusal = ("is not in the catalog", "không có trong danh mục")
    elif row["hold"]:
        refusal = ("is kept back from disposal (hold)", f"đang được giữ lại, tạm dừng hủy ({row['hold_reason']})")
    elif row["status"] not in (STATUS_ACTIVE, STATUS_REVIEW):
        refusal = ("was already disposed of", "đã được hủy trước đây")
    elif not row["retention_end"] or date.fromisoformat(row["retention_end"]) >= today:
        refusal = ("has not reached the end of its retention term", "chưa hết thời hạn lưu trữ")
    if refusal:
        raise ArchiveError(f"disposal refused: dossier {code} {refusal[0]}; nothing was destroyed",
                           reason="disposal_refused",
                           message_vi=f"Từ chối hủy: hồ sơ {code} {refusal[1]}; không hủy hồ sơ nào.")
    return row


def _dispose_one(archive_root: Path, catalog: Catalog, row: dict, decision: str, operator: str) -> dict:
    """Remove the content of every package version of one dossier and record it."""
    dossier_id, destroyed = row["dossier_id"], []
    for package in catalog.packages(dossier_id):
        folder = archive_root / package["path"]
        doomed = [f for f in catalog.package_files(package["objid"]) if _destroyed(f["path"])]
        if folder.is_dir():
            unseal_dirs(folder)
            for item in doomed:
                (folder / item["path"]).unlink(missing_ok=True)
            seal_tree(folder)
        destroyed += [{**item, "objid": package["objid"]} for item in doomed]
    remove_tree(archive_root / ".work" / dossier_id)
    stripped = _strip(row["record"], decision)
    rewrite_export_record(archive_root, dossier_id, stripped)
    event = PremisEvent("deletion", now_vn(), "success",
                        f"content destroyed by decision {decision}, operator {operator}: "
                        f"{len(destroyed)} file(s); metadata kept", AGENT)
    catalog.record_disposal(dossier_id, decision=decision, operator=operator, destroyed=destroyed,
                            stripped_record=stripped, event=event)
    return {"dossier_id": dossier_id, "code": row.get("code") or dossier_id, "form_type": row["form_type"],
            "maintenance": row["maintenance"], "retention_end": row["retention_end"], "destroyed": destroyed}


def _strip(record: dict, decision: str) -> dict:
    """The export record without content: no OCR text, no field values; marked disposed."""
    pages = [{**page, "text": ""} for page in record.get("pages", []) if isinstance(page, dict)]
    return {**record, "pages": pages, "fields": {}, "disposed": {"decision": decision, "time": iso_vn(now_vn())}}


def rewrite_export_record(archive_root: Path, dossier_id: str, stripped: dict) -> None:
    """Replace ``records/<id>.json`` by the record the catalog now holds (after a disposal, the stripped
    one, which still marks the dossier as done; after a code change, the one with the new code)."""
    path = archive_root / "records" / f"{dossier_id}.json"
    if path.exists():
        tmp = path.with_name(f".{path.name}.tmp")
        write_bytes(tmp, json.dumps(stripped, ensure_ascii=False, indent=1).encode())
        os.replace(tmp, path)


def _write_record(archive_root: Path, decision: str, operator: str, council: str, decision_date: date | None,
                  entries: list[dict]) -> tuple[Path, str]:
    """Write the read-only disposal record file ``disposals/<decision>-<time>.json``; return it and the time."""
    executed = iso_vn(now_vn())
    body = {"decision": decision, "decision_date": decision_date.isoformat() if decision_date else None,
            "council": council, "executed_at": executed, "operator": operator, "agent": AGENT, "dossiers": entries}
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", decision).strip("_")[:60] or "decision"
    path = archive_root / "disposals" / f"{slug}-{executed.replace(':', '')[:17]}.json"
    write_bytes(path, json.dumps(body, ensure_ascii=False, indent=1).encode())
    os.chmod(path, 0o440)
    return path, executed
