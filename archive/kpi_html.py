"""The digitization-rates report as HTML, in Vietnamese: the provinces' table and bar charts.

The table is the one the provincial reports use: per level (then per month, procedure, agency),
the dossiers received, those whose components were digitized and the rate (tỷ lệ số hóa thành phần
hồ sơ), those with a result, those whose result was digitized and the rate (tỷ lệ số hóa kết quả
giải quyết TTHC), then the total. Charts are inline SVG (no script, nothing fetched), so the page
works as a file and inside the web station under its content security policy. Every value is escaped.

:func:`kpi_fragment` is the body the station shows; :func:`render_kpi_html` the whole page
``sohoa kpi --html`` writes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from archive.kpi import Counts, KpiReport, month_vi, number_vi, percent_vi
from archive.kpi_received import LEVELS_VI

HEAD = ("STT", "Cấp / đơn vị", "Số hồ sơ tiếp nhận", "Số hồ sơ được số hóa thành phần hồ sơ",
        "Tỷ lệ số hóa thành phần hồ sơ", "Số hồ sơ đã có kết quả giải quyết", "Số kết quả giải quyết được số hóa",
        "Tỷ lệ số hóa kết quả giải quyết TTHC")
COLOURS = ("#3b6ea8", "#d9822b")
SHOWN_CODES = 200
_CSS = ("body{font-family:'Liberation Serif','Times New Roman',serif;margin:2em;color:#222;max-width:90em}"
        "table.kpi{border-collapse:collapse;margin:1em 0}table.kpi td,table.kpi th{border:1px solid #999;"
        "padding:.25em .6em;vertical-align:top}table.kpi th{background:#eee}table.kpi td.n{text-align:right}"
        "table.kpi tr.total td{font-weight:bold}table.kpi td:nth-child(2){min-width:14em}h1{font-size:1.4em}h2{margin-top:1.6em;font-size:1.15em}"
        "p.note{color:#555}svg text{font-family:'Liberation Sans',Arial,sans-serif}")


def _e(value: object) -> str:
    return html.escape(str(value))


def kpi_table(rows: Sequence[tuple[str, Counts]], total: Counts | None = None) -> str:
    """The provinces' table: one row per scope, the total last (bold)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in HEAD)
    body = [_row(str(n), name, counts) for n, (name, counts) in enumerate(rows, start=1)]
    if total is not None:
        body.append(_row("", "Tổng cộng", total, css=' class="total"'))
    return f'<table class="kpi"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _row(number: str, name: str, c: Counts, css: str = "") -> str:
    cells = [number, name, number_vi(c.received), number_vi(c.components_digitized), percent_vi(c.components_rate),
             number_vi(c.results_due), number_vi(c.results_digitized), percent_vi(c.results_rate)]
    return f"<tr{css}>" + "".join(f'<td class="n">{_e(v)}</td>' if i >= 2 else f"<td>{_e(v)}</td>"
                                  for i, v in enumerate(cells)) + "</tr>"


def rate_chart(rows: Sequence[tuple[str, Counts]], *, title: str, bar_width: int = 300) -> str:
    """Grouped horizontal bars as inline SVG: per scope, the components rate and the results rate (0–100 %)."""
    height, pair = 16, 40
    left = min(int(max([len(name) for name, _ in rows] + [12]) * 6.6) + 16, 380)
    width = left + bar_width + 80
    total_height = 44 + pair * len(rows)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_height}" role="img" '
           f'aria-label="{_e(title)}"><text x="0" y="14" font-size="14">{_e(title)}</text>']
    for i, (label, colour) in enumerate(zip(("Tỷ lệ số hóa thành phần hồ sơ", "Tỷ lệ số hóa kết quả giải quyết"),
                                            COLOURS, strict=True)):
        x = i * 240
        svg.append(f'<rect x="{x}" y="22" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="31" font-size="11">{_e(label)}</text>')
    for n, (name, counts) in enumerate(rows):
        y = 40 + n * pair
        short = name if len(name) <= 55 else name[:54] + "…"
        svg.append(f'<text x="{left - 6}" y="{y + height + 2}" font-size="12" text-anchor="end">'
                   f'<title>{_e(name)}</title>{_e(short)}</text>')
        for k, rate in enumerate((counts.components_rate, counts.results_rate)):
            w = (rate or 0.0) * bar_width
            top = y + k * (height + 1)
            svg.append(f'<rect x="{left}" y="{top}" width="{w:.1f}" height="{height}" fill="{COLOURS[k]}"/>'
                       f'<text x="{left + w + 4:.1f}" y="{top + 12}" font-size="11">{_e(percent_vi(rate))}</text>')
    svg.append("</svg>")
    return "".join(svg)


def kpi_fragment(report: KpiReport, groupings: Iterable[str] = ("level", "month", "procedure", "agency")) -> str:
    """The report's body: period, tables and charts per grouping, the two-level structure, the lists."""
    levels = [(LEVELS_VI[k], c) for k, c in report.by_level.items()]
    two = [("Cấp tỉnh", report.by_level_2025["tinh"]), ("Cấp xã (gồm cấp huyện trước 01/7/2025)",
                                                           report.by_level_2025["xa"])]
    parts = [f'<p class="note">Kỳ báo cáo: hồ sơ tiếp nhận từ ngày {report.start:%d/%m/%Y} đến ngày '
             f'{report.end:%d/%m/%Y} (theo ngày tiếp nhận). Danh sách tiếp nhận: {_e(report.source)} '
             f'({number_vi(report.listed)} hồ sơ, {number_vi(report.total.received)} trong kỳ).</p>']
    for by in dict.fromkeys(groupings):
        if by == "level":
            parts += ["<h2>Theo cấp (cơ cấu ba cấp)</h2>", kpi_table(levels, report.total),
                      rate_chart(levels, title="Tỷ lệ số hóa theo cấp"),
                      "<h2>Cơ cấu hai cấp (từ 01/7/2025: cấp tỉnh và cấp xã)</h2>", kpi_table(two, report.total),
                      '<p class="note">Từ ngày 01/7/2025 chính quyền địa phương có hai cấp; hồ sơ ghi cấp huyện được '
                      "tính vào cấp xã trong bảng này.</p>"]
        elif by == "month":
            months = [(month_vi(k), c) for k, c in report.by_month.items()]
            parts += ["<h2>Theo tháng</h2>", kpi_table(months, report.total),
                      rate_chart(months, title="Tỷ lệ số hóa theo tháng")]
        elif by == "procedure":
            rows = [(f"{k or '(không rõ)'} {report.procedure_names.get(k, '')}".strip(), c)
                    for k, c in report.by_procedure.items()]
            parts += ["<h2>Theo thủ tục hành chính</h2>", kpi_table(rows, report.total)]
        elif by == "agency":
            rows = [(k or "(không rõ)", c) for k, c in report.by_agency.items()]
            parts += ["<h2>Theo cơ quan giải quyết</h2>", kpi_table(rows, report.total)]
    parts.append(_codes("Hồ sơ tiếp nhận nhưng chưa số hóa", [r.code for r in report.not_digitized]))
    parts.append(_codes("Hồ sơ đã số hóa nhưng không có trong danh sách tiếp nhận",
                        [r["code"] for r in report.not_on_list]))
    if report.district_after_reform:
        parts.append(f'<p class="note">{len(report.district_after_reform)} dòng ghi cấp huyện nhưng tiếp nhận từ '
                     "01/7/2025: tính vào cấp huyện ở bảng ba cấp, vào cấp xã ở bảng hai cấp.</p>")
    notes = [p.vi() for p in [*report.bad_rows, *report.warnings]]
    if notes:
        parts.append("<h2>Lưu ý về danh sách</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes[:SHOWN_CODES])
                     + "</ul>")
    return "".join(parts)


def _codes(title: str, codes: list[str]) -> str:
    if not codes:
        return f"<h2>{_e(title)}</h2><p>Không có.</p>"
    more = f" … và {len(codes) - SHOWN_CODES} hồ sơ khác (đầy đủ trong tệp XLSX)" if len(codes) > SHOWN_CODES else ""
    return (f"<h2>{_e(title)}: {number_vi(len(codes))} hồ sơ</h2><p>"
            + ", ".join(_e(c) for c in codes[:SHOWN_CODES]) + f"{more}</p>")


def render_kpi_html(report: KpiReport) -> str:
    """The whole page ``sohoa kpi --html`` writes."""
    title = "Báo cáo tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{_e(title.upper())}</h1>{kpi_fragment(report)}</body></html>")
