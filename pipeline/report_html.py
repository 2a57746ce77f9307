"""The HTML report of one run, in Vietnamese: what to act on first, then the statistics and charts.

It opens with the run's result and what needs a person, IT staff's matters before the clerks':
system failures with their cause, quarantined inputs, inputs set aside, fields to check (with the
value read), pages to look at (with the rule they miss), dossiers with a provisional code. Then
the statistics: counts, review rates per form and per field, reasons. Every row names the
dossier's code and source file. Values are escaped; the page stays in the archive.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from pipeline.labels import field_label, form_title
from pipeline import paths
from pipeline.report import (
    REASON_VI,
    REPORT_PERMS,
    REVIEW_STATE_VI,
    REVIEW_HINT_VI,
    dossier_review_items,
    page_items,
    reason_vi,
    review_items,
    review_state_vi,
    skipped_text,
    status_vi,
    who,
)
from pipeline.summary import EXIT_MEANING, RunSummary
from sohoa.clock import now_vn, stamp
from sohoa.errors import ExitCode
from sohoa.files import write_text_atomic

_CSS = ("body{font-family:'Liberation Serif','Times New Roman',serif;margin:2em;color:#222;max-width:80em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.25em .6em;"
        "vertical-align:top}th{background:#eee}td.n{text-align:right}td:first-child{white-space:nowrap}"
        "h2{margin-top:1.6em}"
        ".ok{background:#e6f4e6;padding:.6em}.warn{background:#fff4d6;padding:.6em}"
        ".bad{background:#fbe3e3;padding:.6em}svg text{font-family:'Liberation Sans',Arial,sans-serif}")
_CHAR_PX = 6.6
"""Average width of a character at the charts' 12 px sans-serif font, for sizing label columns."""


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(head: tuple[str, ...], rows: list[tuple]) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{_e(c)}</td>' if isinstance(c, int | float) else
                                    f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _rate(part: int, whole: int) -> str:
    """A percentage written the Vietnamese way (decimal comma): ``33,3 %``."""
    return f"{100 * part / whole:.1f} %".replace(".", ",") if whole else "–"


def bars(rows: list[tuple[str, float, str]], *, title: str, bar_width: int = 320, scale: float = 1.0) -> str:
    """A horizontal bar chart as inline SVG: (label, value in [0, scale], text after the bar).

    The label column is as wide as the longest label (up to 110 characters, longer ones are
    shortened with "…" and given in full as a tooltip), so no label is cut off.
    """
    height = 22
    shown = [(label if len(label) <= 110 else label[:109] + "…", label, value, text) for label, value, text in rows]
    left = int(max([len(s) for s, *_ in shown] + [len(title) // 2, 10]) * _CHAR_PX) + 16
    width = left + bar_width + 90
    svg = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height * len(rows) + 30}" '
            f'role="img" aria-label="{_e(title)}"><text x="0" y="14" font-size="14">{_e(title)}</text>')]
    for i, (short, full, value, text) in enumerate(shown):
        y = 24 + i * height
        w = 0 if scale <= 0 else max(0.0, min(1.0, value / scale)) * bar_width
        svg.append(f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end"><title>{_e(full)}</title>'
                   f'{_e(short)}</text><rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{height - 6}" '
                   f'fill="#4a7ab5"/><text x="{left + w + 4:.1f}" y="{y + 14}" font-size="12">{_e(text)}</text>')
    svg.append("</svg>")
    return "".join(svg)


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


def _act_on(summary: RunSummary, forms_dir: Path | None) -> list[str]:
    """The sections a person acts on, most urgent first; empty sections are left out."""
    parts: list[str] = []
    causes = summary.causes()
    if causes:
        rows = [(c.line_vi(), "; ".join(who(o) for o in c.dossiers)) for c in causes]
        parts += ["<h2>Cần bộ phận CNTT xử lý (lỗi hệ thống)</h2>", _table(("Nguyên nhân", "Hồ sơ"), rows)]
    quarantined = [(o.shown_code, o.relative, o.detail.get("message_vi", ""), o.detail.get("reason", ""))
                   for o in summary.outcomes if o.status == "quarantined"]
    if quarantined:
        parts += ["<h2>Tệp quét bị cách ly trong lần chạy</h2>",
                  _table(("Mã hồ sơ", "Tệp nguồn", "Lý do", "Mã lý do"), quarantined)]
    if summary.skipped:
        parts += ["<h2>Mục không xử lý trong lần chạy</h2>",
                  _table(("Mã hồ sơ", "Tệp nguồn", "Lý do"),
                         [(s.code, s.relative, skipped_text(s)) for s in summary.skipped])]
    fields = [(o.shown_code, o.relative, field_label(o.detail.get("form_type", "unknown"), key, forms_dir=forms_dir),
               o.detail["fields"][key].get("value", ""), round(float(o.detail["fields"][key].get("confidence", 0)), 2),
               reason_vi(reason), status_vi(o.detail["fields"][key])) for o, key, reason in review_items(summary.outcomes)]
    if fields:
        parts += [f"<h2>Trường cần kiểm tra lại</h2><p>{_e(REVIEW_HINT_VI[0].upper() + REVIEW_HINT_VI[1:])}.</p>",
                  _table(("Mã hồ sơ", "Tệp nguồn", "Trường", "Giá trị đọc được", "Độ tin cậy", "Lý do", "Tình trạng"),
                         fields)]
    pages = [(o.shown_code, o.relative, page, "; ".join(reason_vi(k) for k in keys))
             for o, page, keys in page_items(summary.outcomes)]
    if pages:
        parts += ["<h2>Trang cần xem</h2><p>Trang chưa đạt chuẩn số hóa (kèm quy định chưa đạt), trang không "
                  "nhận dạng được chữ và các trang được đánh dấu khác.</p>",
                  _table(("Mã hồ sơ", "Tệp nguồn", "Trang", "Vấn đề"), pages)]
    dossiers = [(o.shown_code, o.relative, reason_vi(reason)) for o, reason in dossier_review_items(summary.outcomes)]
    if dossiers:
        parts += ["<h2>Hồ sơ cần xem</h2>", _table(("Mã hồ sơ", "Tệp nguồn", "Lý do"), dossiers)]
    return parts


def _statistics(summary: RunSummary, forms_dir: Path | None) -> list[str]:
    counts, records = summary.counts, [o.detail for o in summary.archived]
    forms, per_field = review_rates(records)
    total_fields = sum(f[1] for f in forms.values())
    total_review = sum(f[2] for f in forms.values())
    below = sum(1 for r in records for p in r.get("pages", []) if p.get("below_standard"))
    flagged = sum(1 for _ in page_items(summary.outcomes))

    def title(form: str) -> str:
        return form_title(form, forms_dir=forms_dir)

    def label(form: str, key: str) -> str:
        return field_label(form, key, forms_dir=forms_dir)

    parts = ["<h2>Thống kê lần chạy</h2>",
             _table(("Chỉ tiêu", "Số lượng"), [
                 ("Hồ sơ xử lý trong lần chạy", len(summary.outcomes)),
                 ("  trong đó làm tiếp từ lần trước", sum(o.resumed for o in summary.outcomes)),
                 ("Đã lưu trữ", counts["archived"]), ("Cách ly (tệp lỗi)", counts["quarantined"]),
                 ("Chờ ký số", counts["awaiting_signature"]), ("Lỗi xử lý", counts["failed"] + counts["pending"]),
                 ("Đã lưu trữ từ lần trước (bỏ qua)", summary.archived_before),
                 ("Đã cách ly từ lần trước (bỏ qua)", len(summary.previously_quarantined)),
                 ("Mục bị bỏ qua trong thư mục nhận", len(summary.inbox_problems)),
                 ("Tệp đang được ghi (để lần sau)", summary.growing), ("Số trang", summary.pages),
                 ("Trang chưa đạt chuẩn số hóa", below), ("Trang cần xem", flagged),
                 ("Hồ sơ mang mã tạm (SOHOA-TAM-…)", sum(1 for r in records if r.get("code_generated"))),
                 ("Hồ sơ chờ kiểm tra (trạm kiểm tra dữ liệu)",
                  sum(1 for r in records if review_state_vi(r) == REVIEW_STATE_VI["pending"])),
                 ("Trường đã trích xuất", total_fields), ("Trường cần kiểm tra", total_review),
                 ("Tỷ lệ trường cần kiểm tra", _rate(total_review, total_fields))])]
    if forms:
        parts += ["<h3>Theo loại hồ sơ</h3>",
                  _table(("Loại hồ sơ", "Số hồ sơ", "Số trường", "Cần kiểm tra", "Tỷ lệ cần kiểm tra"),
                         [(title(k), d, n, r, _rate(r, n)) for k, (d, n, r) in sorted(forms.items())]),
                  bars([(title(k), r / n if n else 0.0, _rate(r, n)) for k, (d, n, r) in sorted(forms.items())],
                       title="Tỷ lệ trường cần kiểm tra theo loại hồ sơ")]
    worst = sorted(per_field.items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))[:15]
    if any(r for _, (_, r) in worst):
        parts += ["<h3>Theo trường</h3><p>Trường có tỷ lệ cần kiểm tra cao cho biết chỗ nhận dạng hay sai hoặc "
                  "mẫu tờ khai cần điều chỉnh.</p>",
                  bars([(f"{label(form, key)} — {title(form)}", r / n, f"{r}/{n}") for (form, key), (n, r) in worst if r],
                       title="Các trường cần kiểm tra nhiều nhất")]
    if per_field:
        parts.append(_table(("Loại hồ sơ", "Trường", "Mã trường", "Số lần", "Cần kiểm tra", "Tỷ lệ"),
                            [(title(form), label(form, key), key, n, r, _rate(r, n))
                             for (form, key), (n, r) in sorted(per_field.items())]))
    reasons = Counter(v.get("reason") or "low_confidence" for r in records for v in r["fields"].values()
                      if v["needs_review"])
    if reasons:
        parts += ["<h3>Lý do cần kiểm tra</h3>",
                  _table(("Lý do", "Số trường"), [(REASON_VI.get(k, k), n) for k, n in reasons.most_common()])]
    return parts


def render_html(summary: RunSummary, *, forms_dir: Path | None = None) -> str:
    """The HTML report of one run (see the module's docstring)."""
    code = summary.exit_code()
    when = summary.started.strftime("%d/%m/%Y %H:%M")
    made = now_vn().strftime("%d/%m/%Y %H:%M")
    tone = {ExitCode.OK: "ok", ExitCode.INCOMPLETE: "warn"}.get(code, "bad")
    act = _act_on(summary, forms_dir)
    parts = [(f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo số hóa {when}'
              f"</title><style>{_CSS}</style></head><body><h1>Báo cáo lần chạy số hóa</h1>"
              f"<p>Lần chạy bắt đầu lúc {when}; báo cáo lập lúc {made}.</p>"
              f'<p class="{tone}"><strong>{_e(EXIT_MEANING[code][1])}</strong> (mã thoát {int(code)}). '
              f"Đã lưu trữ {summary.counts['archived']}/{len(summary.outcomes)} hồ sơ của lần chạy.</p>")]
    parts += act or ["<p>Không có việc cần xử lý.</p>"]
    parts += _statistics(summary, forms_dir)
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html_report(archive: Path, summary: RunSummary, *, forms_dir: Path | None = None,
                      beside: Path | None = None) -> Path:
    """Write the HTML report (what to act on first, then statistics and charts) beside the text report."""
    path = beside.with_suffix(".html") if beside is not None else \
        paths.reports_dir(archive) / f"run-{stamp(summary.started)}.html"
    write_text_atomic(path, render_html(summary, forms_dir=forms_dir), perms=REPORT_PERMS)
    return path
