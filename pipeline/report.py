"""What a clerk reads: the run's summary in Vietnamese, its text report, and the reason texts.

Every line names the dossier's code and its source file (the internal id stays internal) and
covers what this run did: new and resumed dossiers, what failed and why, what was set aside.
The HTML report (:mod:`pipeline.report_html`) and the exports (:mod:`pipeline.export`) use the
same texts. The text report shows no field values; the HTML and XLSX do (they stay in the archive,
readable by its group only). Nothing here logs a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pipeline import paths
from pipeline.labels import field_label, form_title
from pipeline.outcome import Outcome
from pipeline.summary import EXIT_MEANING, RunSummary, Skipped
from sohoa.clock import stamp
from sohoa.files import write_text_atomic

REPORT_PERMS = 0o640
"""Reports are read by the archive's group (clerks), like the logs and the catalog; never by others."""
REASON_VI = {
    # ops: pages below the digitization standard (ocr's below_standard keys), with the rule they miss
    "low_dpi": "độ phân giải dưới 200 dpi (NĐ 30/2020, TT 05/2025: tối thiểu 200 dpi)",
    "dpi_unknown": "không rõ độ phân giải của bản quét (tiêu chuẩn: tối thiểu 200 dpi)",
    "bilevel": "ảnh đen trắng 1 bit (tiêu chuẩn: ảnh màu, tối thiểu 24 bit)",
    "greyscale": "ảnh thang xám (tiêu chuẩn: ảnh màu, tối thiểu 24 bit)",
    "ocr_error": "không nhận dạng được chữ (chương trình OCR lỗi): trang được lưu dạng ảnh",
    # ops: inputs the run left alone, and why
    "previously_quarantined": "đã cách ly trước đó: không xử lý lại (dùng --retry-quarantined để thử lại)",
    "code_generated": "hồ sơ chưa có mã: đã cấp mã tạm SOHOA-TAM-…",
    "low_confidence": "đọc không chắc chắn — đối chiếu bản giấy",
    "not_found": "không tìm thấy trên tờ khai — nhập từ bản giấy",
    "empty": "để trống — kiểm tra bản giấy", "truncated": "phần sau của giá trị (dòng tiếp theo) không đọc được — đối chiếu bản giấy",
    "ocr_digits_guessed": "chữ số đọc không rõ (đã đoán) — đối chiếu bản giấy",
    "year_only": "chỉ đọc được năm (ngày, tháng chưa đọc được) — đối chiếu bản giấy",
    "day_unread": "chưa đọc được ngày (thường viết tay), lấy theo tháng và năm — đối chiếu bản giấy",
    "zero_lookalike": "chữ số 6/8/9 có thể là số 0 đọc nhầm — đối chiếu bản giấy",
    "signer_partly_read": "họ tên người ký có thể thiếu chữ đầu (dấu đỏ che) — đối chiếu bản giấy",
    "ink_on_figure": "chữ số bị vết mực chạm vào, có thể đọc nhầm — đối chiếu bản giấy",
    "invalid_date": "ngày không hợp lệ", "invalid_date_words": "ngày viết bằng chữ không hợp lệ",
    "date_words_mismatch": "ngày viết bằng chữ không khớp với ngày viết bằng số",
    "invalid_cccd": "số CCCD không hợp lệ", "cccd_not_digits": "số CCCD có ký tự không phải chữ số",
    "cccd_length": "số CCCD không đủ 12 chữ số", "cccd_province": "mã tỉnh trong số CCCD không tồn tại — đối chiếu 3 số đầu",
    "cccd_century": "mã thế kỷ trong số CCCD không khớp năm sinh",
    "cccd_sex": "mã giới tính trong số CCCD không khớp giới tính",
    "cccd_birth_year": "năm sinh trong số CCCD không khớp ngày sinh",
    "invalid_name": "họ tên không hợp lệ", "name_case": "họ tên viết hoa không đúng",
    "invalid_phone": "số điện thoại không hợp lệ", "invalid_email": "địa chỉ email không hợp lệ",
    "unknown_province": "tỉnh/thành phố không có trong danh mục",
    "unknown_admin_unit": "đơn vị hành chính không có trong danh mục của tỉnh vào ngày văn bản — kiểm tra tên",
    "incomplete_admin_unit": "thiếu tên đơn vị hành chính",
    "admin_unit_spelling": "tên đơn vị hành chính sai dấu",
    "admin_unit_one_off": "tên đơn vị hành chính đọc sai một, hai chữ, đã sửa theo danh mục — đối chiếu bản giấy",
    "address_incomplete": "địa chỉ thiếu phần cuối (tỉnh/thành phố)",
    "invalid_choice": "giá trị không thuộc danh sách cho phép", "invalid_address": "địa chỉ không hợp lệ",
    "address_mixed": "địa chỉ lẫn phần của địa chỉ bên cạnh (hai số nhà) — đối chiếu bản giấy",
    "address_start_lost": "đầu địa chỉ có thể bị thiếu (số nhà) — đối chiếu bản giấy",
    "invalid_chars": "có ký tự lạ (lỗi nhận dạng)", "glued_words": "các từ bị dính nhau",
    # catalog and archive care (archive/catalog*.py, backup.py, disposal.py)
    "catalog_missing": "không có danh mục lưu trữ (cần dựng lại: sohoa catalog rebuild)",
    "catalog_corrupt": "danh mục lưu trữ bị hỏng (cần dựng lại: sohoa catalog rebuild)",
    "catalog_out_of_step": "danh mục lưu trữ không khớp với các gói lưu trữ",
    "catalog_outdated": "danh mục lưu trữ cần nâng cấp cấu trúc (sohoa catalog upgrade)",
    "catalog_unreachable": "không mở được cơ sở dữ liệu danh mục",
    "catalog_busy": "danh mục lưu trữ bị tiến trình khác khóa quá lâu",
    "not_in_catalog": "không có hồ sơ với mã này trong danh mục",
    "backup_same_device": "thư mục sao lưu nằm trên cùng thiết bị với kho lưu trữ",
    # archiving (package helper): dossier-level review reasons and quarantine reasons
    "date_from_scan": "thời gian của hồ sơ lấy theo ngày số hóa (không đọc được ngày trên tài liệu)",
    "date_doubtful": "thời gian của hồ sơ lấy theo ngày ban hành đọc chưa chắc chắn: cần đối chiếu với bản giấy",
    "pages_below_standard": "có trang chưa đạt chuẩn số hóa (dưới 200 dpi, đen trắng hoặc thang xám)",
    "e_copy_not_certified": "chưa chứng thực bản sao điện tử (sao y) vì có trang chưa đạt chuẩn số hóa",
    "duplicate_code": "mã hồ sơ đã được dùng cho một hồ sơ khác trong kho lưu trữ",
    "already_archived": "bản quét này đã được lưu trữ (cùng mã hồ sơ, cùng nội dung)",
    # scanner intake: quarantine reasons, intake problems and skipped inbox entries
    "budget_exceeded": "tệp vượt quá giới hạn xử lý (số trang, kích thước ảnh hoặc thời gian)",
    "tool_timeout": "chương trình đọc tệp bị quá thời gian trên tệp này",
    "image_too_large": "ảnh quá lớn, không phải trang quét",
    "degenerate_page": "trang ảnh quá nhỏ, không phải trang quét",
    "no_pages": "tệp PDF không có trang nào", "corrupt_pdf": "tệp PDF bị hỏng", "corrupt_image": "ảnh bị hỏng",
    "encrypted_pdf": "tệp PDF cần mật khẩu để mở", "empty_file": "tệp rỗng (0 byte)",
    "wrong_extension": "phần mở rộng không khớp với nội dung", "unsupported_input": "không phải ảnh quét hoặc PDF",
    "unreadable_file": "không đọc được tệp", "not_a_file": "không phải tệp thông thường",
    "empty_folder": "thư mục không có ảnh trang", "nested_folder": "thư mục hồ sơ có thư mục con",
    "link_in_folder": "thư mục hồ sơ chứa liên kết (symlink)",
    "pdf_javascript": "tệp PDF có mã JavaScript", "pdf_launch": "tệp PDF có lệnh mở chương trình khác",
    "pdf_external_link": "tệp PDF có liên kết hoặc lệnh gửi ra ngoài", "pdf_attachments": "tệp PDF có tệp đính kèm",
    "invalid_code": "mã hồ sơ không hợp lệ (chỉ chữ không dấu, chữ số, . _ -)",
    "code_pattern_mismatch": "mã hồ sơ không đúng mẫu của máy quét",
    "code_conflict": "các nguồn cho mã hồ sơ khác nhau",
    "skipped_link": "bỏ qua: liên kết (symlink)",
    "skipped_special": "bỏ qua: không phải tệp hay thư mục (FIFO, socket)",
    "skipped_hidden": "bỏ qua: tệp ẩn (tên bắt đầu bằng dấu chấm)",
    "skipped_temporary": "bỏ qua: tệp tạm (tên bắt đầu bằng ~)",
    "shape_not_in_profile": "bỏ qua: loại tệp không thuộc cấu hình máy quét",
    "unreadable_stack": "không tách được tập quét (tệp sẽ được cách ly)", "unreadable_entry": "không đọc được mục này",
    "bad_manifest": "danh sách lô (manifest) không dùng được", "no_dossier_pages": "tập quét không có trang hồ sơ nào",
    "handwritten": "viết tay — cần nhập lại",
    "read_again_differs": "chữ số đọc lại lần hai cho kết quả khác — đối chiếu bản giấy",
    "mended_from_twin": "đọc lỗi, đã sửa theo giá trị giống nó ở mục khác của tờ khai — đối chiếu bản giấy",
    "name_syllable": "họ tên có âm tiết không phải tiếng Việt — đối chiếu bản giấy, sửa dấu/chữ",
    "admin_unit_abolished": "địa chỉ ghi cấp huyện nhưng văn bản lập từ 01/7/2025 (không còn cấp huyện) "
                            "— kiểm tra ngày văn bản hoặc địa chỉ",
    "province_merged": "tỉnh đã sáp nhập từ 01/7/2025 — kiểm tra ngày văn bản hoặc tên tỉnh",
    "admin_unit_other_province": "đơn vị hành chính thuộc tỉnh khác — kiểm tra tên xã/huyện và tỉnh",
    # rates and reuse (sohoa kpi, sohoa person, the station's report and look-up pages)
    "bad_received_list": "danh sách hồ sơ tiếp nhận không dùng được (dòng hoặc cột sai)",
    "invalid_purpose": "thiếu mục đích tra cứu (mã hồ sơ mới)",
    "bundle_exists": "thư mục nhận gói tài liệu đã có dữ liệu", "bundle_empty": "không có tệp PDF nào để chuyển",
    "not_allowed": "vai trò của tài khoản không được dùng chức năng này",
    "list_too_large": "danh sách quá lớn để tải lên trạm (dùng lệnh sohoa kpi)",
    "package_damaged": "gói lưu trữ bị hỏng (sai mã băm): chạy sohoa fixity",
    "invalid_notation": "ký hiệu văn bản không đúng dạng (ví dụ QĐ-UBND) — đối chiếu bản giấy",
    "unknown_type": "tài liệu chưa xác định được loại — cần phân loại",
    # page flags (ocr): pages[].flags of the export record
    "page_without_text": "trang có nội dung nhưng không nhận dạng được chữ (cần xem ảnh trang)",
    "low_text_quality": "chữ trên trang nhận dạng kém, cần kiểm tra",
    "photo": "trang được chụp bằng máy ảnh/điện thoại, không phải máy quét",
    "dpi_estimated": "độ phân giải được ước lượng từ cỡ chữ (tệp không ghi hoặc ghi sai)",
    "blank_uncertain": "trang gần như trắng (dấu mộc thấm qua, số trang…), đã giữ lại để xem",
}


FIELD_STATUS_VI = {"ocr": "chưa kiểm tra", "confirmed": "đã xác nhận", "corrected": "đã sửa"}
"""How a field stands after the verification station (``status`` of a field in the record)."""
REVIEW_STATE_VI = {"pending": "chờ kiểm tra", "checked": "đã kiểm tra", "none": "không có trường cần kiểm tra"}
"""A dossier's ``review_state``; ``none`` for a dossier nothing was ever flagged in."""
REVIEW_HINT_VI = "kiểm tra và sửa tại trạm kiểm tra dữ liệu: sohoa review"


def status_vi(state: dict) -> str:
    """How a field (or the dossier code) stands, in Vietnamese: "đã sửa", "không có trên tờ khai" …"""
    if state.get("absent"):
        return "không có trên tờ khai"
    return FIELD_STATUS_VI.get(str(state.get("status") or "ocr"), str(state.get("status")))


def review_state_vi(record: dict) -> str:
    """The dossier's review state, in Vietnamese (``checked`` with nothing ever flagged: nothing to check)."""
    from archive.decisions import code_state, review_state

    state = record.get("review_state") or review_state(record)
    states = [code_state(record), *(f for f in (record.get("fields") or {}).values() if isinstance(f, dict))]
    ever = any(s.get("needs_review") or s.get("ocr_reason") or (s.get("status") or "ocr") != "ocr" for s in states)
    return REVIEW_STATE_VI["none" if state == "checked" and not ever else str(state)]


def reason_vi(reason: str | None, default: str = "") -> str:
    """The Vietnamese text of a reason key (``default``, else the key itself, when it has none yet)."""
    return REASON_VI.get(reason or "low_confidence", default or reason or "")


def who(o: Outcome) -> str:
    """How a line names a dossier for a person: ``<code> — <source file>``."""
    return f"{o.shown_code} — {o.relative}"


def review_items(outcomes: list[Outcome]) -> list[tuple[Outcome, str, str]]:
    """(dossier, field key, reason) for every field of an archived dossier that needs a human look."""
    return [(o, key, field.get("reason") or "low_confidence") for o in outcomes if o.status == "archived"
            for key, field in o.detail.get("fields", {}).items() if field.get("needs_review")]


def page_problems(page: dict) -> list[str]:
    """Reason keys of what a person should know about a page: the standard it misses, its flags
    (contract C1), an OCR failure. Blank backs left out of the PDF are not listed."""
    keys = list(page.get("below_standard", [])) + [f for f in page.get("flags", []) if f not in page.get(
        "below_standard", [])]
    if page.get("ocr_error"):
        keys.append("ocr_error")
    return keys


def page_items(outcomes: list[Outcome]) -> list[tuple[Outcome, int, list[str]]]:
    """(dossier, source page, reason keys) for every page of an archived dossier with something to look at."""
    return [(o, p["source_page"], keys) for o in outcomes if o.status == "archived"
            for p in o.detail.get("pages", []) if not p.get("blank") and (keys := page_problems(p))]


def dossier_review_items(outcomes: list[Outcome]) -> list[tuple[Outcome, str]]:
    """(dossier, reason key) for dossier-level review reasons: a generated code, a code conflict …"""
    items = []
    for o in outcomes:
        if o.status != "archived":
            continue
        reasons = list(o.detail.get("review", []))
        if o.detail.get("code_generated") and "code_generated" not in reasons:
            reasons.insert(0, "code_generated")
        items.extend((o, r) for r in reasons)
    return items


def _limited(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return lines[:limit] + [f"      … và {len(lines) - limit} mục nữa (xem báo cáo đầy đủ)"]


def skipped_text(s: Skipped) -> str:
    """Why an input was left alone, in Vietnamese, with its detail (an earlier quarantine's reason,
    the manifest's problem) when there is one."""
    base = REASON_VI.get(s.reason)
    if base is None:
        return s.detail or s.reason
    return f"{base} — {s.detail}" if s.detail else base


def _skipped_line(s: Skipped) -> str:
    code = f"{s.code} — " if s.code else ""
    return f"  - {code}{s.relative}: {skipped_text(s)}"


def summary_vi(summary: RunSummary, *, limit: int | None = 20) -> str:
    """The run's summary: counts, then what to act on (IT staff's matters first, then the clerks'),
    each line naming the dossier code and the source file.

    Args:
        summary: What the run did.
        limit: Most lines per list (the console); None for all (the text report).
    """
    counts, archived = summary.counts, summary.archived
    resumed = sum(o.resumed for o in summary.outcomes)
    below = sum(1 for o in archived for p in o.detail.get("pages", []) if p.get("below_standard"))
    generated = sum(1 for o in archived if o.detail.get("code_generated"))
    code = summary.exit_code()
    lines = [
        f"=== Kết quả số hóa: lần chạy lúc {summary.started:%d/%m/%Y %H:%M} ===",
        f"Hồ sơ xử lý trong lần chạy: {len(summary.outcomes)} (mới {len(summary.outcomes) - resumed}, "
        f"làm tiếp từ lần trước {resumed})",
        f"Hồ sơ đã lưu trữ: {counts['archived']}/{len(summary.outcomes)}  (số trang: {summary.pages})",
        f"Trường cần kiểm tra lại: {len(review_items(summary.outcomes))}",
        f"Tệp bị cách ly: {counts['quarantined']}",
        f"Hồ sơ lỗi xử lý: {counts['failed'] + counts['pending']}",
    ]
    if counts["awaiting_signature"]:
        lines.append(f"Hồ sơ chờ ký số: {counts['awaiting_signature']}")
    if below:
        lines.append(f"Trang chưa đạt chuẩn số hóa (dưới 200 dpi, đen trắng hoặc thang xám): {below}")
    if generated:
        lines.append(f"Hồ sơ chưa có mã hồ sơ (đã cấp mã tạm SOHOA-TAM-…, cần kiểm tra): {generated}")
    if summary.archived_before:
        lines.append(f"Hồ sơ đã lưu trữ từ lần chạy trước (bỏ qua): {summary.archived_before}")
    if summary.previously_quarantined:
        lines.append(f"Tệp đã cách ly từ lần chạy trước (không xử lý lại): {len(summary.previously_quarantined)}")
    if summary.inbox_problems:
        lines.append(f"Mục trong thư mục nhận bị bỏ qua: {len(summary.inbox_problems)}")
    if summary.growing:
        lines.append(f"Tệp đang được ghi, để lại lần chạy sau: {summary.growing}")
    causes = summary.causes()
    if causes:
        lines.append("")
        lines.append("CẦN BỘ PHẬN CNTT XỬ LÝ (lỗi hệ thống, không do tệp quét):")
        for cause in causes:
            lines.append(f"  - {cause.line_vi()}")
            lines.extend(_limited([f"      • {who(o)}" for o in cause.dossiers], limit))
    clerk = [f"  - Cách ly: {who(o)}: {o.detail.get('message_vi', '')}" for o in summary.outcomes
             if o.status == "quarantined"]
    clerk += [_skipped_line(s) for s in summary.previously_quarantined]
    clerk += [_skipped_line(s) for s in summary.inbox_problems]
    no_text = [f"  - Trang không có chữ: {who(o)}: trang {page}" for o, page, keys in page_items(summary.outcomes)
               if {"ocr_error", "page_without_text"} & set(keys)]
    if clerk or no_text:
        lines.append("")
        lines.append("CẦN VĂN THƯ XEM:")
        lines.extend(_limited(clerk + no_text, limit))
    lines.append("")
    meaning = EXIT_MEANING[code][1] if summary.outcomes or code != code.OK else "Không có hồ sơ mới để xử lý."
    lines.append(f"Kết quả: {meaning} (mã thoát {int(code)})")
    return "\n".join(lines)


def report_lines(summary: RunSummary, *, forms_dir: Path | None = None) -> Iterator[str]:
    """The text report: the summary, then every field, page and dossier to look at (no values)."""
    yield summary_vi(summary, limit=None)
    yield ""
    yield f"=== Trường cần kiểm tra lại ({REVIEW_HINT_VI}) ==="
    for o, key, reason in review_items(summary.outcomes):
        label = field_label(o.detail.get("form_type", "unknown"), key, forms_dir=forms_dir)
        yield f"  {who(o)}: {label} [{key}] — {reason_vi(reason)} — {status_vi(o.detail['fields'][key])}"
    pages = page_items(summary.outcomes)
    if pages:
        yield ""
        yield "=== Trang cần xem ==="
        for o, page, keys in pages:
            yield f"  {who(o)}: trang {page} — " + "; ".join(reason_vi(k) for k in keys)
    dossiers = dossier_review_items(summary.outcomes)
    if dossiers:
        yield ""
        yield "=== Hồ sơ cần xem ==="
        for o, reason in dossiers:
            yield f"  {who(o)}: {reason_vi(reason)}"
    if summary.archived:
        yield ""
        yield "=== Hồ sơ đã lưu trữ trong lần chạy ==="
        for o in summary.archived:
            kind = form_title(o.detail.get("form_type", "unknown"), forms_dir=forms_dir)
            yield (f"  {who(o)}: {kind}, {len(o.detail.get('pages', []))} trang"
                   f"{' (làm tiếp từ lần trước)' if o.resumed else ''}")


def write_run_report(archive: Path, summary: RunSummary, *, forms_dir: Path | None = None) -> Path:
    """Write the text report (Vietnamese) into ``archive/reports``, readable by the archive's group."""
    path = paths.reports_dir(archive) / f"run-{stamp(summary.started)}.txt"
    write_text_atomic(path, "\n".join(report_lines(summary, forms_dir=forms_dir)) + "\n", perms=REPORT_PERMS)
    return path


def load_records(archive: Path) -> list[dict]:
    """Every archived dossier's export record, in dossier order."""
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(paths.records_dir(archive).glob("*.json"))]
