"""``sohoa export``: the archive's records as JSON lines, CSV or the clerks' XLSX workbook.

JSON lines carry the records as they are (the output contract, ``pipeline/export.schema.json``);
CSV has one row per dossier with keys as column names; the XLSX is for clerks: Vietnamese headers
("Mã hồ sơ" is the dossier code, fields headed by their unambiguous label and key), a sheet of
the fields still to check, a sheet of what the verification station decided and a sheet of the
pages to look at. Values appear here: the files stay with the archive's group.

How each field stands after the verification station (``sohoa review``) is in both: the CSV has,
after each field's value, ``<key>.status`` (``ocr`` | ``confirmed`` | ``corrected``),
``<key>.reviewed_by`` and ``<key>.reviewed_at`` (the dossier code's as ``code.…``) and the dossier's
``review_state`` (``pending`` | ``checked``); the XLSX says it in Vietnamese ("Tình trạng kiểm tra" per
dossier, and the sheet "Kết quả kiểm tra": who confirmed or corrected which field, when, and what the
OCR had read).
"""

from __future__ import annotations

from pathlib import Path

from archive.decisions import CODE_FIELD, code_state, review_state
from pipeline.labels import field_label, form_title
from pipeline.report import load_records, page_problems, reason_vi, review_state_vi, status_vi

DOSSIER_COLUMNS_VI = {"code": "Mã hồ sơ", "source": "Tệp nguồn", "form_type": "Loại hồ sơ",
                      "pages": "Số trang", "pdf": "Tệp PDF đã ký", "package": "Gói lưu trữ",
                      "fields_needing_review": "Số trường cần kiểm tra", "review_state": "Tình trạng kiểm tra",
                      "dossier_id": "Mã nội bộ (CNTT)"}
REVIEW_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Trường", "Mã trường", "Giá trị đọc được",
                     "Độ tin cậy", "Lý do", "Mã lý do")
DECIDED_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Trường", "Mã trường", "Giá trị", "Giá trị OCR đã đọc",
                      "Tình trạng", "Người kiểm tra", "Thời điểm kiểm tra", "Lý do cần kiểm tra (OCR)")
PAGE_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Trang", "Vấn đề", "Mã vấn đề")
STATUS_KEYS = ("status", "reviewed_by", "reviewed_at")
"""What the CSV says of each field after its value: ``<key>.status``, ``<key>.reviewed_by``, ``<key>.reviewed_at``."""


def _code(record: dict) -> str:
    return record.get("code") or record["dossier_id"]


def _stands(state: dict) -> dict[str, object]:
    """A field's (or the code's) status columns: ``ocr`` until a person decided, then who and when."""
    return {"status": state.get("status") or "ocr", "reviewed_by": state.get("reviewed_by"),
            "reviewed_at": state.get("reviewed_at")}


def _review_state(record: dict) -> str:
    """The dossier's ``review_state``: the station's, else as it would say (``pending`` while a flag waits)."""
    return str(record.get("review_state") or review_state(record))


def records_table(records: list[dict], *, vietnamese: bool = False, forms_dir: Path | None = None):  # noqa: ANN201
    """One row per dossier with its fields as columns (for CSV and XLSX).

    Args:
        records: Export records.
        vietnamese: Vietnamese column headers, form names and review state (the XLSX: field values
            only; how each field stands is on the sheet of decisions); keys and, after each field,
            its status columns otherwise (the CSV).
        forms_dir: The site's form templates, for the field labels.
    """
    import pandas as pd

    rows, labels = [], {}
    for r in records:
        row = {"code": _code(r), "source": r["source"], "form_type": r["form_type"],
               "pages": len(r["pages"]), "pdf": r["pdf"], "package": r["package"],
               "fields_needing_review": sum(bool(f.get("needs_review")) for f in r["fields"].values()),
               "review_state": _review_state(r), "dossier_id": r["dossier_id"]}
        if vietnamese:
            row["form_type"] = form_title(r["form_type"], forms_dir=forms_dir)
            row["review_state"] = review_state_vi(r)
        else:
            row.update({f"{CODE_FIELD}.{k}": v for k, v in _stands(code_state(r)).items()})
        for key, field in r["fields"].items():
            row[key] = field["value"]
            labels.setdefault(key, field_label(r["form_type"], key, forms_dir=forms_dir))
            if not vietnamese:
                row.update({f"{key}.{k}": v for k, v in _stands(field).items()})
        rows.append(row)
    columns = list(DOSSIER_COLUMNS_VI)
    if not vietnamese:
        at = columns.index("review_state") + 1
        columns = columns[:at] + [f"{CODE_FIELD}.{k}" for k in STATUS_KEYS] + columns[at:]
    columns += [c for key in labels for c in ([key] if vietnamese else [key, *(f"{key}.{k}" for k in STATUS_KEYS)])]
    table = pd.DataFrame(rows, columns=columns)
    if not vietnamese:
        for key in labels:
            table[f"{key}.status"] = table[f"{key}.status"].fillna("ocr")
    if vietnamese:
        table = table.rename(columns=lambda c: DOSSIER_COLUMNS_VI.get(c) or f"{labels[c]} [{c}]")
    return table


def review_table(records: list[dict], *, forms_dir: Path | None = None):  # noqa: ANN201
    """One row per field needing review, with the value read and the reason in Vietnamese."""
    import pandas as pd

    rows = [(_code(r), r["source"], form_title(r["form_type"], forms_dir=forms_dir),
             field_label(r["form_type"], key, forms_dir=forms_dir), key, f["value"], round(float(f["confidence"]), 2),
             reason_vi(f.get("reason")), f.get("reason") or "low_confidence")
            for r in records for key, f in r["fields"].items() if f.get("needs_review")]
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS_VI))


def decided_table(records: list[dict], *, forms_dir: Path | None = None):  # noqa: ANN201
    """One row per field (and dossier code) a person decided in the verification station: the value now
    recorded, what the OCR had read, confirmed or corrected, by whom and when (Vietnamese)."""
    import pandas as pd

    rows = []
    for r in records:
        title = form_title(r["form_type"], forms_dir=forms_dir)
        states = [(CODE_FIELD, "Mã hồ sơ", code_state(r))] + [
            (key, field_label(r["form_type"], key, forms_dir=forms_dir), f) for key, f in r["fields"].items()]
        for key, label, state in states:
            if (state.get("status") or "ocr") == "ocr":
                continue
            read = state.get("ocr_value", state.get("value"))
            rows.append((_code(r), r["source"], title, label, key, state.get("value"), read, status_vi(state),
                         state.get("reviewed_by"), _when(state.get("reviewed_at")),
                         reason_vi(state.get("ocr_reason")) if state.get("ocr_reason") else ""))
    return pd.DataFrame(rows, columns=list(DECIDED_COLUMNS_VI))


def _when(iso: object) -> str:
    """``2026-01-05T09:30:00.000+07:00`` → ``05/01/2026 09:30`` (Vietnam time, as the station wrote it)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(iso)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(iso or "")


def pages_table(records: list[dict]):  # noqa: ANN201
    """One row per page with something to look at: the standard it misses (with the rule), its flags."""
    import pandas as pd

    rows = [(_code(r), r["source"], p["source_page"], "; ".join(reason_vi(k) for k in keys), ", ".join(keys))
            for r in records for p in r["pages"] if not p.get("blank") and (keys := page_problems(p))]
    return pd.DataFrame(rows, columns=list(PAGE_COLUMNS_VI))


def write_xlsx(records: list[dict], out, *, forms_dir: Path | None = None) -> None:  # noqa: ANN001 - a binary stream
    """The clerks' workbook: ``Hồ sơ`` (one row per dossier, with its review state), ``Cần kiểm tra``
    (one row per field still needing review, with the reason in Vietnamese), ``Kết quả kiểm tra``
    (the verification station's decisions) and ``Trang cần xem`` (pages with a problem)."""
    import pandas as pd

    sheets = (("Hồ sơ", records_table(records, vietnamese=True, forms_dir=forms_dir)),
              ("Cần kiểm tra", review_table(records, forms_dir=forms_dir)),
              ("Kết quả kiểm tra", decided_table(records, forms_dir=forms_dir)), ("Trang cần xem", pages_table(records)))
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, table in sheets:
            table.to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in cells[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(60, max(10, width + 2))


def export(archive: Path, fmt: str, out, *, forms_dir: Path | None = None) -> int:  # noqa: ANN001 - a stream
    """Write the archive's records to ``out`` as ``jsonl``, ``csv`` or ``xlsx``; return how many.

    Raises:
        sohoa.errors.ArchiveError: ``archive`` is not a sohoa archive.
        ValueError: An unknown format.
    """
    import json

    from pipeline.archive_dir import require_archive

    require_archive(archive)
    records = load_records(archive)
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        records_table(records, forms_dir=forms_dir).to_csv(out, index=False)
    elif fmt == "xlsx":
        write_xlsx(records, out, forms_dir=forms_dir)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return len(records)

