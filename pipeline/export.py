"""``sohoa export``: the archive's records as JSON lines, CSV or the clerks' XLSX workbook.

JSON lines carry the records as they are (the output contract, ``pipeline/export.schema.json``);
CSV has one row per dossier with keys as column names; the XLSX is for clerks: Vietnamese headers
("Mã hồ sơ" is the dossier code, fields headed by their unambiguous label and key), a sheet of
the fields to check and a sheet of the pages to look at. Values appear here: the files stay with
the archive's group.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.labels import field_label, form_title
from pipeline.report import load_records, page_problems, reason_vi

DOSSIER_COLUMNS_VI = {"code": "Mã hồ sơ", "source": "Tệp nguồn", "form_type": "Loại hồ sơ",
                      "pages": "Số trang", "pdf": "Tệp PDF đã ký", "package": "Gói lưu trữ",
                      "fields_needing_review": "Số trường cần kiểm tra", "dossier_id": "Mã nội bộ (CNTT)"}
REVIEW_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Trường", "Mã trường", "Giá trị đọc được",
                     "Độ tin cậy", "Lý do", "Mã lý do")
PAGE_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Trang", "Vấn đề", "Mã vấn đề")


def _code(record: dict) -> str:
    return record.get("code") or record["dossier_id"]


def records_table(records: list[dict], *, vietnamese: bool = False, forms_dir: Path | None = None):  # noqa: ANN201
    """One row per dossier with its fields as columns (for CSV and XLSX).

    Args:
        records: Export records.
        vietnamese: Vietnamese column headers and form names (the XLSX); keys otherwise (the CSV).
        forms_dir: The site's form templates, for the field labels.
    """
    import pandas as pd

    rows, labels = [], {}
    for r in records:
        row = {"code": _code(r), "source": r["source"], "form_type": r["form_type"],
               "pages": len(r["pages"]), "pdf": r["pdf"], "package": r["package"],
               "fields_needing_review": sum(f["needs_review"] for f in r["fields"].values()),
               "dossier_id": r["dossier_id"]}
        if vietnamese:
            row["form_type"] = form_title(r["form_type"], forms_dir=forms_dir)
        for key, field in r["fields"].items():
            row[key] = field["value"]
            labels.setdefault(key, field_label(r["form_type"], key, forms_dir=forms_dir))
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(DOSSIER_COLUMNS_VI) + list(labels))
    if vietnamese:
        table = table.rename(columns=lambda c: DOSSIER_COLUMNS_VI.get(c) or f"{labels[c]} [{c}]")
    return table


def review_table(records: list[dict], *, forms_dir: Path | None = None):  # noqa: ANN201
    """One row per field needing review, with the value read and the reason in Vietnamese."""
    import pandas as pd

    rows = [(_code(r), r["source"], form_title(r["form_type"], forms_dir=forms_dir),
             field_label(r["form_type"], key, forms_dir=forms_dir), key, f["value"], round(float(f["confidence"]), 2),
             reason_vi(f.get("reason")), f.get("reason") or "low_confidence")
            for r in records for key, f in r["fields"].items() if f["needs_review"]]
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS_VI))


def pages_table(records: list[dict]):  # noqa: ANN201
    """One row per page with something to look at: the standard it misses (with the rule), its flags."""
    import pandas as pd

    rows = [(_code(r), r["source"], p["source_page"], "; ".join(reason_vi(k) for k in keys), ", ".join(keys))
            for r in records for p in r["pages"] if not p.get("blank") and (keys := page_problems(p))]
    return pd.DataFrame(rows, columns=list(PAGE_COLUMNS_VI))


def write_xlsx(records: list[dict], out, *, forms_dir: Path | None = None) -> None:  # noqa: ANN001 - a binary stream
    """The clerks' workbook: ``Hồ sơ`` (one row per dossier), ``Cần kiểm tra`` (one row per field
    needing review, with the reason in Vietnamese) and ``Trang cần xem`` (pages with a problem)."""
    import pandas as pd

    sheets = (("Hồ sơ", records_table(records, vietnamese=True, forms_dir=forms_dir)),
              ("Cần kiểm tra", review_table(records, forms_dir=forms_dir)), ("Trang cần xem", pages_table(records)))
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

