"""What a clerk reads: the run summary in Vietnamese, the HTML batch report, and exports of the records.

The text and HTML reports and the XLSX export are clerk-facing and live in the archive (not
world-readable); the XLSX and HTML may show field values. Nothing here logs a value.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import datetime
from functools import cache
from pathlib import Path

from pipeline.outcome import Outcome
from pipeline.records import FORM_TITLES, VN_TZ
from sohoa.files import write_text_atomic

STATUS_VI = {"archived": "đã lưu trữ", "quarantined": "cách ly (tệp lỗi)", "failed": "lỗi xử lý",
             "pending": "chưa xử lý xong", "awaiting_signature": "chờ ký số"}
REASON_VI = {
    "low_confidence": "độ tin cậy thấp", "not_found": "không tìm thấy trên tờ khai",
    "empty": "để trống", "truncated": "dòng tiếp theo không đọc được",
    "ocr_digits_guessed": "chữ số đọc không rõ (đã đoán)",
    "invalid_date": "ngày không hợp lệ", "invalid_date_words": "ngày viết bằng chữ không hợp lệ",
    "date_words_mismatch": "ngày viết bằng chữ không khớp với ngày viết bằng số",
    "invalid_cccd": "số CCCD không hợp lệ", "cccd_not_digits": "số CCCD có ký tự không phải chữ số",
    "cccd_length": "số CCCD không đủ 12 chữ số", "cccd_province": "mã tỉnh trong số CCCD không tồn tại",
    "cccd_century": "mã thế kỷ trong số CCCD không khớp năm sinh",
    "cccd_sex": "mã giới tính trong số CCCD không khớp giới tính",
    "cccd_birth_year": "năm sinh trong số CCCD không khớp ngày sinh",
    "invalid_name": "họ tên không hợp lệ", "name_case": "họ tên viết hoa không đúng",
    "invalid_phone": "số điện thoại không hợp lệ", "invalid_email": "địa chỉ email không hợp lệ",
    "unknown_province": "tỉnh/thành phố không có trong danh mục",
    "unknown_admin_unit": "đơn vị hành chính không có trong danh mục",
    "incomplete_admin_unit": "thiếu tên đơn vị hành chính",
    "admin_unit_spelling": "tên đơn vị hành chính sai dấu",
    "address_incomplete": "địa chỉ thiếu phần cuối (tỉnh/thành phố)",
    "invalid_choice": "giá trị không thuộc danh sách cho phép", "invalid_address": "địa chỉ không hợp lệ",
    "invalid_chars": "có ký tự lạ (lỗi nhận dạng)", "glued_words": "các từ bị dính nhau",
    # page flags (ocr): pages[].flags of the export record
    "page_without_text": "trang có nội dung nhưng không nhận dạng được chữ (cần xem ảnh trang)",
    "low_text_quality": "chữ trên trang nhận dạng kém, cần kiểm tra",
    "photo": "trang được chụp bằng máy ảnh/điện thoại, không phải máy quét",
    "dpi_estimated": "độ phân giải được ước lượng từ cỡ chữ (tệp không ghi hoặc ghi sai)",
    "blank_uncertain": "trang gần như trắng (dấu mộc thấm qua, số trang…), đã giữ lại để xem",
    "degenerate_page": "ảnh trang quá nhỏ (vài điểm ảnh), không phải trang quét",
}
DOSSIER_COLUMNS_VI = {"dossier_id": "Mã hồ sơ", "source": "Tệp nguồn", "form_type": "Loại hồ sơ",
                      "pages": "Số trang", "pdf": "Tệp PDF đã ký", "package": "Gói lưu trữ",
                      "fields_needing_review": "Số trường cần kiểm tra"}
REVIEW_COLUMNS_VI = ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Trường", "Mã trường", "Giá trị đọc được",
                     "Độ tin cậy", "Lý do", "Mã lý do")


def reason_vi(reason: str | None) -> str:
    """The Vietnamese text of a review reason key (the key itself when it is new)."""
    return REASON_VI.get(reason or "low_confidence", reason or "")


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
    if counts["awaiting_signature"]:
        lines.append(f"Hồ sơ chờ ký số: {counts['awaiting_signature']}")
    if below:
        lines.append(f"Trang chưa đạt chuẩn số hóa (dưới 200 dpi, đen trắng hoặc thang xám): {below}")
    no_text = [(o.relative, p["source_page"]) for o in archived for p in o.detail.get("pages", []) if p.get("ocr_error")]
    if no_text:
        lines.append(f"Trang không nhận dạng được chữ (lỗi OCR, đã lưu dạng ảnh): {len(no_text)}")
        lines.extend(f"  - {relative}: trang {page}" for relative, page in no_text)
    coded = sum(1 for o in archived if o.detail.get("code_generated"))
    if coded:
        lines.append(f"Hồ sơ chưa có mã hồ sơ (đã cấp mã tạm SOHOA-TAM-…, cần kiểm tra): {coded}")
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
        lines.append(f"  {dossier}: {key} — {reason_vi(reason)}")
    path = archive / "reports" / f"run-{stamp}.txt"
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path


def write_html_report(archive: Path, outcomes: list[Outcome], *, growing: int = 0,
                      beside: Path | None = None) -> Path:
    """Write the HTML batch report (Vietnamese, with charts) into ``archive/reports``.

    Args:
        archive: The archive folder.
        outcomes: What became of each dossier of the run.
        growing: Inbox entries left for the next run.
        beside: The text report of the same run; the HTML file takes its name with ``.html``.

    Returns:
        The path of the HTML file.
    """
    path = beside.with_suffix(".html") if beside is not None else \
        archive / "reports" / f"run-{datetime.now(VN_TZ).strftime('%Y%m%d-%H%M%S')}.html"
    write_text_atomic(path, render_html(outcomes, growing=growing, generated=datetime.now(VN_TZ)))
    return path


def load_records(archive: Path) -> list[dict]:
    """Every archived dossier's export record, in dossier order."""
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((archive / "records").glob("*.json"))]


@cache
def _field_labels() -> dict[str, str]:
    """Field key → printed label of the first template that has it (``Họ, chữ đệm, tên``)."""
    from fields.templates import load_templates

    labels: dict[str, str] = {}
    for template in load_templates():
        columns = {c.id: c.labels[0] for t in template.tables for c in t.columns}
        for spec in template.fields:
            if spec.labels and spec.where != "table-column":
                text = spec.labels[0]
            else:
                text = columns.get(spec.column or "", spec.key)
                text += f" (thành viên {spec.row})" if spec.row else f" ({columns.get(spec.column or '', '')})"
            labels.setdefault(spec.key, text.split(". ", 1)[-1] if text[:1].isdigit() else text)
    return labels


def field_label_vi(key: str) -> str:
    """The Vietnamese column header of a field: its printed label and its key (``Dân tộc [dan_toc]``)."""
    return f"{_field_labels().get(key, key)} [{key}]"


def records_table(records: list[dict], *, vietnamese: bool = False):
    """One row per dossier with its fields as columns (for CSV and XLSX).

    Args:
        records: Export records.
        vietnamese: Vietnamese column headers and form names (the XLSX); keys otherwise (the CSV).
    """
    import pandas as pd

    rows = []
    for r in records:
        row = {"dossier_id": r["dossier_id"], "source": r["source"], "form_type": r["form_type"],
               "pages": len(r["pages"]), "pdf": r["pdf"], "package": r["package"],
               "fields_needing_review": sum(f["needs_review"] for f in r["fields"].values())}
        if vietnamese:
            row["form_type"] = FORM_TITLES.get(r["form_type"], r["form_type"])
        row.update({k: f["value"] for k, f in r["fields"].items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    if vietnamese:
        table = table.rename(columns=lambda c: DOSSIER_COLUMNS_VI.get(c) or field_label_vi(c))
    return table


def review_table(records: list[dict]):
    """One row per field needing review, with the value read and the reason in Vietnamese."""
    import pandas as pd

    rows = [(r["dossier_id"], r["source"], FORM_TITLES.get(r["form_type"], r["form_type"]),
             _field_labels().get(key, key), key, f["value"], round(float(f["confidence"]), 2),
             reason_vi(f.get("reason")), f.get("reason") or "low_confidence")
            for r in records for key, f in r["fields"].items() if f["needs_review"]]
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS_VI))


def write_xlsx(records: list[dict], out) -> None:
    """The clerks' workbook: sheet ``Hồ sơ`` (one row per dossier) and ``Cần kiểm tra`` (one row per
    field needing review, with the reason in Vietnamese)."""
    import pandas as pd

    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, table in (("Hồ sơ", records_table(records, vietnamese=True)),
                            ("Cần kiểm tra", review_table(records))):
            table.to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in cells[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(60, max(10, width + 2))


def export(archive: Path, fmt: str, out) -> None:
    """Write the archive's records to ``out`` as ``jsonl``, ``csv`` or ``xlsx``."""
    records = load_records(archive)
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        records_table(records).to_csv(out, index=False)
    elif fmt == "xlsx":
        write_xlsx(records, out)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


# --------------------------------------------------------------------------- HTML batch report

_CSS = ("body{font-family:'Liberation Serif','Times New Roman',serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.25em .6em}"
        "th{background:#eee}td.n{text-align:right}h2{margin-top:1.6em}")


def _e(text: object) -> str:
    return html.escape(str(text))


def _bars(rows: list[tuple[str, float, str]], *, title: str, width: int = 640, scale: float = 1.0) -> str:
    """A horizontal bar chart as inline SVG: (label, value in [0, scale], text shown after the bar)."""
    height, left, bar_w = 22, 260, width - 260 - 80
    svg = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height * len(rows) + 30}" '
            f'role="img" aria-label="{_e(title)}"><text x="0" y="14" font-size="14">{_e(title)}</text>')]
    for i, (label, value, shown) in enumerate(rows):
        y = 24 + i * height
        w = 0 if scale <= 0 else max(0.0, min(1.0, value / scale)) * bar_w
        svg.append(f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end">{_e(label)}</text>'
                   f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{height - 6}" fill="#4a7ab5"/>'
                   f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="12">{_e(shown)}</text>')
    svg.append("</svg>")
    return "".join(svg)


def _table(head: tuple[str, ...], rows: list[tuple]) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{_e(c)}</td>' if isinstance(c, int | float) else
                                    f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _rate(part: int, whole: int) -> str:
    """A percentage written the Vietnamese way (decimal comma): ``33,3 %``."""
    return f"{100 * part / whole:.1f} %".replace(".", ",") if whole else "–"


def review_rates(records: list[dict]) -> tuple[dict[str, tuple[int, int, int]], dict[tuple[str, str], tuple[int, int]]]:
    """Per form: (dossiers, fields, fields needing review); per (form, field): (seen, needing review)."""
    forms: dict[str, list[int]] = {}
    fields: dict[tuple[str, str], list[int]] = {}
    for r in records:
        f = forms.setdefault(r["form_type"], [0, 0, 0])
        f[0] += 1
        for key, value in r["fields"].items():
            f[1] += 1
            f[2] += bool(value["needs_review"])
            c = fields.setdefault((r["form_type"], key), [0, 0])
            c[0] += 1
            c[1] += bool(value["needs_review"])
    return ({k: tuple(v) for k, v in forms.items()}, {k: tuple(v) for k, v in fields.items()})


def render_html(outcomes: list[Outcome], *, growing: int = 0, generated: datetime | None = None) -> str:
    """The HTML batch report of one run: counts, review rates per form and per field, two charts, and
    the list of fields to check (with the value read: the report stays in the archive)."""
    counts = Counter(o.status for o in outcomes)
    records = [o.detail for o in outcomes if o.status == "archived"]
    forms, per_field = review_rates(records)
    total_fields = sum(f[1] for f in forms.values())
    total_review = sum(f[2] for f in forms.values())
    when = (generated or datetime.now(VN_TZ)).strftime("%d/%m/%Y %H:%M")
    parts = [(f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo số hóa {when}'
              f"</title><style>{_CSS}</style></head><body><h1>Báo cáo lần chạy số hóa</h1><p>Lập lúc {when}.</p>"),
             "<h2>Tổng quan</h2>",
             _table(("Chỉ tiêu", "Số lượng"), [
                 ("Hồ sơ trong lần chạy", len(outcomes)), ("Đã lưu trữ", counts["archived"]),
                 ("Cách ly (tệp lỗi)", counts["quarantined"]), ("Chờ ký số", counts["awaiting_signature"]),
                 ("Lỗi xử lý", counts["failed"] + counts["pending"]), ("Tệp đang được ghi (để lần sau)", growing),
                 ("Số trang", sum(len(r.get("pages", [])) for r in records)),
                 ("Trường đã trích xuất", total_fields), ("Trường cần kiểm tra", total_review),
                 ("Tỷ lệ trường cần kiểm tra", _rate(total_review, total_fields))]),
             "<h2>Theo loại hồ sơ</h2>",
             _table(("Loại hồ sơ", "Số hồ sơ", "Số trường", "Cần kiểm tra", "Tỷ lệ cần kiểm tra"),
                    [(FORM_TITLES.get(k, k), d, n, r, _rate(r, n)) for k, (d, n, r) in sorted(forms.items())]),
             _bars([(FORM_TITLES.get(k, k), r / n if n else 0.0, _rate(r, n))
                    for k, (d, n, r) in sorted(forms.items())], title="Tỷ lệ trường cần kiểm tra theo loại hồ sơ"),
             ("<h2>Theo trường</h2><p>Tỷ lệ cần kiểm tra của từng trường: trường có tỷ lệ cao cho biết chỗ "
              "nhận dạng hay sai hoặc mẫu tờ khai cần điều chỉnh.</p>")]
    worst = sorted(per_field.items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))[:15]
    parts.append(_bars([(f"{_field_labels().get(key, key)} ({form})", r / n, f"{r}/{n}")
                        for (form, key), (n, r) in worst if r], title="Các trường cần kiểm tra nhiều nhất"))
    parts.append(_table(("Loại hồ sơ", "Trường", "Mã trường", "Số lần", "Cần kiểm tra", "Tỷ lệ"),
                        [(FORM_TITLES.get(form, form), _field_labels().get(key, key), key, n, r, _rate(r, n))
                         for (form, key), (n, r) in sorted(per_field.items())]))
    reasons = Counter(v.get("reason") or "low_confidence" for r in records for v in r["fields"].values()
                      if v["needs_review"])
    parts += ["<h2>Lý do cần kiểm tra</h2>",
              _table(("Lý do", "Số trường"), [(reason_vi(k), n) for k, n in reasons.most_common()]),
              "<h2>Danh sách trường cần kiểm tra</h2>",
              _table(("Hồ sơ", "Trường", "Giá trị đọc được", "Độ tin cậy", "Lý do"),
                     [(r["dossier_id"], _field_labels().get(k, k), v["value"], round(float(v["confidence"]), 2),
                       reason_vi(v.get("reason"))) for r in records for k, v in r["fields"].items()
                      if v["needs_review"]])]
    problems = [(o.relative, STATUS_VI.get(o.status, o.status), o.detail.get("message_vi") or o.detail.get("reason", ""))
                for o in outcomes if o.status != "archived"]
    if problems:
        parts += ["<h2>Hồ sơ chưa lưu trữ</h2>", _table(("Tệp nguồn", "Tình trạng", "Lý do"), problems)]
    parts.append("</body></html>")
    return "\n".join(parts)
