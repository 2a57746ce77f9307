"""Disposition (TT 05/2025 Chương VII): the "Xem xét hủy" list, legal holds, and approved disposals.

Nothing is ever deleted on a schedule. :func:`write_due_xlsx` only lists, for the appraisal
council (Hội đồng xác định giá trị tài liệu), the dossiers whose retention term has ended.
:func:`dispose` carries out a council's decision: it refuses without a decision number, for a
held dossier, for a dossier not yet expired or unknown, and checks every listed dossier before it
touches any. It then removes the content (the PDF/A documents, OCR text and fields) from every
version of the package, keeps the metadata (METS, EAD, PREMIS), the catalog row and a disposal
record — decision, time, operator and the SHA-256 of every destroyed file — in the catalog and as
a read-only JSON file under ``disposals/``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path, PurePosixPath

from archive._xml import remove_tree, seal_tree, unseal_dirs, write_bytes
from archive.audit import AGENT
from archive.catalog import Catalog
from archive.model import PremisEvent, iso_vn, now_vn
from sohoa.errors import ArchiveError, ConfigError

FORM_NAMES_VI = {"khai_sinh": "Đăng ký khai sinh", "ket_hon": "Đăng ký kết hôn", "ct01": "Cư trú (CT01)",
                 "ho_kinh_doanh": "Đăng ký hộ kinh doanh", "unknown": "Chưa phân loại"}
MAINTENANCE_VI = {"01": "Vĩnh viễn", "02": "70 năm", "03": "50 năm", "04": "30 năm", "05": "20 năm",
                  "06": "10 năm", "07": "Khác"}
DUE_HEADER = ("STT", "Mã hồ sơ", "Loại hồ sơ", "Thời hạn lưu trữ", "Số năm", "Năm kết thúc công việc",
              "Hết hạn lưu trữ ngày", "Căn cứ", "Thời hạn đã xác nhận", "Đang phong tỏa", "Gói lưu trữ")
CODE_COLUMN = "Mã hồ sơ"


def _destroyed(path: str) -> bool:
    """True for a package file that is content (documents, OCR text, fields), not metadata."""
    parts = PurePosixPath(path).parts
    return len(parts) > 3 and parts[0] == "representations" and (
        parts[2] == "data" or parts[2:4] == ("metadata", "other"))


def write_due_xlsx(rows: Sequence[dict], as_of: date, out: Path) -> None:
    """Write the "Xem xét hủy" list as an XLSX workbook in Vietnamese (no personal data: codes only)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Xem xét hủy"
    sheet.append(["DANH MỤC HỒ SƠ HẾT THỜI HẠN LƯU TRỮ — ĐỀ NGHỊ XEM XÉT HỦY"])
    sheet.append([(f"Tính đến ngày {as_of:%d/%m/%Y}; số hồ sơ: {len(rows)}. Danh mục này không hủy tài liệu nào; "
                   "việc hủy chỉ thực hiện theo quyết định của người có thẩm quyền.")])
    sheet.append(list(DUE_HEADER))
    for cell in (sheet["A1"], *sheet[3]):
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        sheet.append([n, row["dossier_id"], FORM_NAMES_VI.get(row["form_type"], row["form_type"]),
                      MAINTENANCE_VI.get(row["maintenance"], row["maintenance"]), row["retention_years"],
                      row["end_year"], date.fromisoformat(row["retention_end"]).strftime("%d/%m/%Y"),
                      row["retention_basis"], "Đã xác nhận" if row["retention_confirmed"] else "CHƯA XÁC NHẬN",
                      f"Có: {row['hold_reason']}" if row["hold"] else "Không", row["package"]])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    os.chmod(out, 0o640)


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


def set_hold(archive_root: Path, dossier_ids: Iterable[str], *, held: bool, reason: str, operator: str,
             catalog_url: str | None = None) -> int:
    """Place (``held``) or lift a legal hold on dossiers; returns how many. A reason is required."""
    if not reason.strip():
        raise ConfigError("a reason is required for a legal hold or its release",
                          message_vi="Cần ghi lý do phong tỏa hoặc gỡ phong tỏa.")
    kind = "legal hold" if held else "legal hold release"
    count = 0
    with Catalog.for_archive(archive_root, catalog_url) as catalog:
        for dossier_id in dossier_ids:
            event = PremisEvent(kind, now_vn(), "success", f"{kind} by {operator}: {reason}", AGENT)
            catalog.set_hold(dossier_id, held=held, reason=reason, event=event)
            count += 1
    return count


def dispose(archive_root: Path, *, decision: str | None, dossier_ids: Sequence[str], operator: str,
            today: date | None = None, catalog_url: str | None = None) -> Path:
    """Carry out an approved disposal of ``dossier_ids``; return the disposal record file.

    Raises:
        ConfigError: No decision number, or an empty list.
        ArchiveError: A dossier is unknown, held, not yet expired or already disposed (nothing is
            destroyed then), or a file cannot be removed.
    """
    if not decision or not decision.strip():
        raise ConfigError("a disposal needs the number of the approving decision (--decision)",
                          message_vi="Cần số quyết định hủy tài liệu (--decision); không hủy hồ sơ nào.")
    if not dossier_ids:
        raise ConfigError("the disposal list is empty", message_vi="Danh mục hủy không có hồ sơ nào.")
    today = today or now_vn().date()
    with Catalog.for_archive(archive_root, catalog_url) as catalog:
        rows = [_check_disposable(catalog, code, today) for code in dict.fromkeys(dossier_ids)]
        entries = [_dispose_one(archive_root, catalog, row, decision.strip(), operator) for row in rows]
    return _write_record(archive_root, decision.strip(), operator, entries)


def _check_disposable(catalog: Catalog, dossier_id: str, today: date) -> dict:
    """The dossier's row, or the refusal naming the rule it breaks (the code is an identifier, not personal data)."""
    row = catalog.dossier(dossier_id)
    refusal = None
    if row is None:
        refusal = ("is not in the catalog", "không có trong danh mục")
    elif row["hold"]:
        refusal = ("is under legal hold", "đang bị phong tỏa (legal hold)")
    elif row["status"] != "active":
        refusal = ("was already disposed of", "đã được hủy trước đây")
    elif not row["retention_end"] or date.fromisoformat(row["retention_end"]) >= today:
        refusal = ("has not reached the end of its retention term", "chưa hết thời hạn lưu trữ")
    if refusal:
        raise ArchiveError(f"disposal refused: dossier {dossier_id} {refusal[0]}; nothing was destroyed",
                           reason="disposal_refused",
                           message_vi=f"Từ chối hủy: hồ sơ {dossier_id} {refusal[1]}; không hủy hồ sơ nào.")
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
    _rewrite_export_record(archive_root, dossier_id, stripped)
    event = PremisEvent("deletion", now_vn(), "success",
                        f"content destroyed by decision {decision}, operator {operator}: "
                        f"{len(destroyed)} file(s); metadata kept", AGENT)
    catalog.record_disposal(dossier_id, decision=decision, operator=operator, destroyed=destroyed,
                            stripped_record=stripped, event=event)
    return {"dossier_id": dossier_id, "form_type": row["form_type"], "maintenance": row["maintenance"],
            "retention_end": row["retention_end"], "destroyed": destroyed}


def _strip(record: dict, decision: str) -> dict:
    """The export record without content: no OCR text, no field values; marked disposed."""
    pages = [{**page, "text": ""} for page in record.get("pages", []) if isinstance(page, dict)]
    return {**record, "pages": pages, "fields": {}, "disposed": {"decision": decision, "time": iso_vn(now_vn())}}


def _rewrite_export_record(archive_root: Path, dossier_id: str, stripped: dict) -> None:
    """Replace ``records/<id>.json`` by the stripped record (it still marks the dossier as done)."""
    path = archive_root / "records" / f"{dossier_id}.json"
    if path.exists():
        tmp = path.with_name(f".{path.name}.tmp")
        write_bytes(tmp, json.dumps(stripped, ensure_ascii=False, indent=1).encode())
        os.replace(tmp, path)


def _write_record(archive_root: Path, decision: str, operator: str, entries: list[dict]) -> Path:
    """Write the read-only disposal record file ``disposals/<decision>-<time>.json``."""
    executed = iso_vn(now_vn())
    body = {"decision": decision, "executed_at": executed, "operator": operator, "agent": AGENT,
            "dossiers": entries}
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", decision).strip("_")[:60] or "decision"
    path = archive_root / "disposals" / f"{slug}-{executed.replace(':', '')[:17]}.json"
    write_bytes(path, json.dumps(body, ensure_ascii=False, indent=1).encode())
    os.chmod(path, 0o440)
    return path

