"""The digitization-rates report as an XLSX workbook, in the shape the provinces report it.

Sheet "Tổng hợp": the report's title and period, the three-level table (Cấp tỉnh, Cấp huyện, Cấp
xã, Tổng cộng) and the two-level one (from 1 July 2025), with the columns of the provincial
reports (received, components digitized, tỷ lệ số hóa thành phần hồ sơ, with a result, results
digitized, tỷ lệ số hóa kết quả giải quyết TTHC). Then a sheet per month, procedure and agency, and
the two lists: received but never digitized, digitized but not on the list. Rates are numbers
formatted as percentages with two decimals (a Vietnamese Excel shows the decimal comma), so they
can be summed, charted and checked; counts are numbers. Dossier codes only: no personal data.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from archive.kpi import Counts, KpiReport, month_vi
from archive.kpi_html import HEAD
from archive.kpi_received import LEVELS_VI

TITLE = "BÁO CÁO KẾT QUẢ SỐ HÓA HỒ SƠ, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
_WIDTHS = (6, 44, 14, 18, 16, 18, 18, 18)


def write_kpi_xlsx(report: KpiReport, out: Path) -> None:
    """Write the workbook to ``out`` (mode 0640, like the archive's other reports)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Kỳ báo cáo: hồ sơ tiếp nhận từ ngày {report.start:%d/%m/%Y} đến ngày {report.end:%d/%m/%Y} "
                  f"(theo ngày tiếp nhận); danh sách tiếp nhận {report.source}."])
    sheet.append([])
    sheet.append(["I. Cơ cấu ba cấp (tỉnh, huyện, xã)"])
    _table(sheet, [(LEVELS_VI[k], c) for k, c in report.by_level.items()], report.total)
    sheet.append([])
    sheet.append(["II. Cơ cấu hai cấp từ ngày 01/7/2025 (hồ sơ ghi cấp huyện tính vào cấp xã)"])
    _table(sheet, [("Cấp tỉnh", report.by_level_2025["tinh"]), ("Cấp xã", report.by_level_2025["xa"])],
           report.total)
    sheet.append([])
    sheet.append([f"Hồ sơ tiếp nhận nhưng chưa số hóa: {len(report.not_digitized)}; hồ sơ đã số hóa nhưng không có "
                  f"trong danh sách: {len(report.not_on_list)} (xem các trang tính cùng tên)."])
    for problem in [*report.bad_rows, *report.warnings][:50]:
        sheet.append([f"Lưu ý: {problem.vi()}"])
    _widths(sheet)
    for title, rows in (("Theo tháng", [(month_vi(k), c) for k, c in report.by_month.items()]),
                        ("Theo thủ tục", [(f"{k or '(không rõ)'} {report.procedure_names.get(k, '')}".strip(), c)
                                          for k, c in report.by_procedure.items()]),
                        ("Theo cơ quan", [(k or "(không rõ)", c) for k, c in report.by_agency.items()])):
        extra = book.create_sheet(title)
        extra.append([f"{TITLE} — {title.upper()}"])
        extra["A1"].font = Font(bold=True)
        _table(extra, rows, report.total)
        _widths(extra)
    missing = book.create_sheet("Chưa số hóa")
    missing.append(["STT", "Mã hồ sơ", "Ngày tiếp nhận", "Cấp", "Mã thủ tục", "Cơ quan", "Ngày có kết quả",
                    "Dòng trong danh sách"])
    for n, r in enumerate(report.not_digitized, start=1):
        missing.append([n, r.code, r.received, LEVELS_VI[r.level], r.procedure, r.agency, r.resolved, r.line])
    _bold(missing, 1)
    _dates(missing, ("C", "G"))
    extra_rows = book.create_sheet("Không có trong danh sách")
    extra_rows.append(["STT", "Mã hồ sơ", "Ngày bắt đầu", "Loại hồ sơ", "Có thành phần hồ sơ", "Có kết quả"])
    for n, r in enumerate(report.not_on_list, start=1):
        extra_rows.append([n, r["code"], r["start_date"], r["form_type"], "có" if r["components"] else "không",
                           "có" if r["results"] else "không"])
    _bold(extra_rows, 1)
    for ws in (missing, extra_rows):
        for column, width in zip("ABCDEFGH", (6, 30, 14, 12, 20, 30, 14, 12), strict=False):
            ws.column_dimensions[column].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    os.chmod(out, 0o640)


def _table(sheet, rows: Sequence[tuple[str, Counts]], total: Counts) -> None:  # noqa: ANN001 - a worksheet
    """The provinces' table at the sheet's next row."""
    from openpyxl.styles import Alignment, Font

    sheet.append(list(HEAD))
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, (name, counts) in enumerate(rows, start=1):
        sheet.append(_cells(n, name, counts))
    sheet.append(_cells("", "Tổng cộng", total))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=header + 1, max_row=sheet.max_row):
        for index in (4, 7):
            line[index].number_format = "0.00%"
        for index in (2, 3, 5, 6):
            line[index].number_format = "#,##0"


def _cells(number: object, name: str, c: Counts) -> list:
    return [number, name, c.received, c.components_digitized, c.components_rate, c.results_due, c.results_digitized,
            c.results_rate]


def _widths(sheet) -> None:  # noqa: ANN001
    for column, width in zip("ABCDEFGH", _WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width


def _bold(sheet, row: int) -> None:  # noqa: ANN001
    from openpyxl.styles import Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)


def _dates(sheet, columns: Sequence[str]) -> None:  # noqa: ANN001
    for column in columns:
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
