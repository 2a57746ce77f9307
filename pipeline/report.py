"""What a clerk reads: the run summary in Vietnamese, and exports of the archived records."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

from pipeline.outcome import Outcome
from pipeline.records import VN_TZ
from sohoa.files import write_text_atomic

STATUS_VI = {"archived": "đã lưu trữ", "quarantined": "cách ly (tệp lỗi)", "failed": "lỗi xử lý",
             "pending": "chưa xử lý xong"}
REASON_VI = {"low_confidence": "độ tin cậy thấp", "not_found": "không tìm thấy",
             "invalid_date": "ngày không hợp lệ", "invalid_cccd": "số CCCD không hợp lệ"}


def review_items(outcomes: list[Outcome]) -> list[tuple[str, str, str]]:
    """(dossier, field key, reason) for every field that needs a human look. No values."""
    items = []
    for o in outcomes:
        if o.status != "archived":
            continue
        for key, field in o.detail.get("fields", {}).items():
            if field.get("needs_review"):
                items.append((o.dossier_id, key, field.get("reason") or "low_confidence"))
    return items


def summary_vi(outcomes: list[Outcome], *, growing: int = 0) -> str:
    """The short summary printed at the end of a run."""
    counts = Counter(o.status for o in outcomes)
    archived = [o for o in outcomes if o.status == "archived"]
    pages = sum(len(o.detail.get("pages", [])) for o in archived)
    below = sum(1 for o in archived for p in o.detail.get("pages", []) if p.get("below_standard"))
    lines = [
        "=== Kết quả số hóa ===",
        f"Hồ sơ đã lưu trữ: {counts['archived']}/{len(outcomes)}  (số trang: {pages})",
        f"Trường cần kiểm tra lại: {len(review_items(outcomes))}",
        f"Tệp bị cách ly: {counts['quarantined']}",
        f"Hồ sơ lỗi xử lý: {counts['failed'] + counts['pending']}",
    ]
    if below:
        lines.append(f"Trang chưa đạt chuẩn số hóa (dưới 200 dpi, đen trắng hoặc thang xám): {below}")
    if growing:
        lines.append(f"Tệp đang được ghi, để lại lần chạy sau: {growing}")
    for o in outcomes:
        if o.status == "quarantined":
            lines.append(f"  - Cách ly: {o.relative}: {o.detail.get('message_vi', '')}")
        elif o.status in {"failed", "pending"}:
            lines.append(f"  - Lỗi: {o.relative}: bước {o.detail.get('stage', '?')} ({o.detail.get('reason', '?')})")
    return "\n".join(lines)


def write_run_report(archive: Path, outcomes: list[Outcome], *, growing: int = 0) -> Path:
    """Write the run report (Vietnamese) into ``archive/reports`` and return its path."""
    stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M%S")
    lines = [summary_vi(outcomes, growing=growing), "", "=== Trường cần kiểm tra lại ==="]
    for dossier, key, reason in review_items(outcomes):
        lines.append(f"  {dossier}: {key} — {REASON_VI.get(reason, reason)}")
    path = archive / "reports" / f"run-{stamp}.txt"
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path


def load_records(archive: Path) -> list[dict]:
    """Every archived dossier's export record, in dossier order."""
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((archive / "records").glob("*.json"))]


def records_table(records: list[dict]):  # noqa: ANN201 - pandas.DataFrame
    """One row per dossier with its fields as columns (for CSV and XLSX)."""
    import pandas as pd

    rows = []
    for r in records:
        row = {"dossier_id": r["dossier_id"], "source": r["source"], "form_type": r["form_type"],
               "pages": len(r["pages"]), "pdf": r["pdf"], "package": r["package"],
               "fields_needing_review": sum(f["needs_review"] for f in r["fields"].values())}
        row.update({k: f["value"] for k, f in r["fields"].items()})
        rows.append(row)
    return pd.DataFrame(rows)


def export(archive: Path, fmt: str, out) -> None:  # noqa: ANN001 - a text or binary stream
    """Write the archive's records to ``out`` as ``jsonl``, ``csv`` or ``xlsx``."""
    records = load_records(archive)
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        records_table(records).to_csv(out, index=False)
    elif fmt == "xlsx":
        records_table(records).to_excel(out, index=False, sheet_name="ho_so")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
