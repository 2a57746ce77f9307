"""Tests of the run's reports (text, HTML), its summary and exit code, and the exports.

Records are built by hand in the shape of the output contract (README, ``pipeline/export.schema.json``);
the files are written and read back with the real pandas, openpyxl and the standard HTML parser.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from pipeline import report, report_html
from pipeline.export import DECIDED_COLUMNS_VI, REVIEW_COLUMNS_VI, export
from pipeline.outcome import Outcome
from pipeline.report_html import _CHAR_PX, bars
from pipeline.summary import RunSummary, Skipped
from sohoa.clock import VN_TZ
from sohoa.errors import ExitCode

FIELDS_DIR = Path(__file__).resolve().parent.parent / "fields"
STARTED = datetime(2026, 3, 2, 22, 30, tzinfo=VN_TZ)


def _field(value: str, review: bool = False, reason: str | None = None, confidence: float = 0.95) -> dict:
    return {"value": value, "confidence": confidence, "needs_review": review,
            **({"reason": reason} if reason else {})}


def _page(n: int, *, below: tuple[str, ...] = (), flags: tuple[str, ...] = ()) -> dict:
    return {"source_page": n, "blank": False, "rotation": 0, "skew": 0.0, "text": "…", "confidence": 0.9,
            "dpi": 150.0 if "low_dpi" in below else 300.0, "below_standard": list(below), "flags": list(flags)}


def _record(dossier_id: str, code: str, form_type: str, fields: dict, *, pages: list[dict] | None = None,
            generated: bool = False) -> dict:
    return {"dossier_id": dossier_id, "code": code, "code_generated": generated, "review": [],
            "source": f"{code}.tif", "form_type": form_type, "pages": pages or [_page(1)],
            "fields": fields, "pdf": f"packages/{dossier_id}/x.pdf", "package": f"packages/{dossier_id}"}


RECORDS = [
    _record("hs-ks1", "H49-0001", "khai_sinh", {"ho_ten": _field("Vũ Thành Khoa"),
                                                "ngay_sinh": _field("31/02/2025", True, "invalid_date", 0.5),
                                                "dan_toc": _field("Kinh"),
                                                "me_noi_cu_tru": _field("Xã An Bình", True, "unknown_admin_unit", 0.6)},
            pages=[_page(1), _page(2, below=("low_dpi", "greyscale"), flags=("page_without_text",))]),
    _record("hs-kh1", "SOHOA-TAM-0A1B2C", "ket_hon", {"nu_ho_ten": _field("<b>Lý Kim Ngọc</b>", True, "name_case", 0.3),
                                                      "nam_ho_ten": _field("Bùi Thành Sơn")}, generated=True),
]


def _outcomes() -> list[Outcome]:
    return [Outcome(r["dossier_id"], r["source"], "archived", r, code=r["code"]) for r in RECORDS] + [
        Outcome("hs-bad1", "hong.tif", "quarantined", {"message_vi": "Tệp ảnh bị hỏng.", "reason": "corrupt_image"},
                code="H49-0003")]


def _summary(**extra) -> RunSummary:
    return RunSummary(_outcomes(), started=STARTED, **extra)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "records").mkdir()
    (tmp_path / "packages").mkdir()
    for r in RECORDS:
        (tmp_path / "records" / f"{r['dossier_id']}.json").write_text(json.dumps(r, ensure_ascii=False),
                                                                      encoding="utf-8")
    return tmp_path


def test_xlsx_names_dossiers_by_code_and_fields_by_unambiguous_labels(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "ho_so.xlsx"
    with out.open("wb") as stream:
        export(archive, "xlsx", stream)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Hồ sơ", "Cần kiểm tra", "Kết quả kiểm tra", "Trang cần xem"]
    dossiers = list(book["Hồ sơ"].values)
    assert dossiers[0][:9] == ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Số trang", "Tệp PDF đã ký",
                               "Gói lưu trữ", "Số trường cần kiểm tra", "Tình trạng kiểm tra", "Mã nội bộ (CNTT)")
    headers = set(dossiers[0])
    assert {"Họ, chữ đệm, tên (bên nữ) [nu_ho_ten]", "Họ, chữ đệm, tên (bên nam) [nam_ho_ten]",
            "Nơi cư trú (mẹ) [me_noi_cu_tru]", "Dân tộc (người được khai sinh) [dan_toc]"} <= headers
    by_code = {row[0]: dict(zip(dossiers[0], row, strict=True)) for row in dossiers[1:]}
    assert by_code["SOHOA-TAM-0A1B2C"]["Loại hồ sơ"] == "Tờ khai đăng ký kết hôn"
    assert by_code["H49-0001"]["Số trường cần kiểm tra"] == 2 and by_code["H49-0001"]["Mã nội bộ (CNTT)"] == "hs-ks1"
    assert by_code["H49-0001"]["Tình trạng kiểm tra"] == "chờ kiểm tra"
    review = list(book["Cần kiểm tra"].values)
    assert review[0] == REVIEW_COLUMNS_VI
    assert sorted((row[0], row[3], row[5], row[7]) for row in review[1:]) == [
        ("H49-0001", "Ngày, tháng, năm sinh (người được khai sinh)", "31/02/2025", "ngày không hợp lệ"),
        ("H49-0001", "Nơi cư trú (mẹ)", "Xã An Bình",
         "đơn vị hành chính không có trong danh mục của tỉnh vào ngày văn bản — kiểm tra tên"),
        ("SOHOA-TAM-0A1B2C", "Họ, chữ đệm, tên (bên nữ)", "<b>Lý Kim Ngọc</b>", "họ tên viết hoa không đúng")]
    assert list(book["Kết quả kiểm tra"].values) == [DECIDED_COLUMNS_VI]  # nobody has decided anything yet
    pages = list(book["Trang cần xem"].values)
    assert len(pages) == 2 and pages[1][:3] == ("H49-0001", "H49-0001.tif", 2)
    assert "dưới 200 dpi" in pages[1][3] and "thang xám" in pages[1][3]
    assert pages[1][4] == "low_dpi, greyscale, page_without_text"


def _reviewed(archive: Path) -> None:
    """The records as the verification station leaves them: a date corrected, a name confirmed, the
    temporary code replaced; one dossier still has a field to check."""
    ks, kh = (json.loads((archive / "records" / f"{i}.json").read_text(encoding="utf-8")) for i in ("hs-ks1", "hs-kh1"))
    ks["fields"]["ngay_sinh"].update(value="28/02/2025", needs_review=False, status="corrected", reviewed_by="lan",
                                     reviewed_at="2026-03-03T08:15:00.000+07:00", ocr_value="31/02/2025",
                                     ocr_reason="invalid_date")
    del ks["fields"]["ngay_sinh"]["reason"]
    ks["review_state"] = "pending"
    kh["fields"]["nu_ho_ten"].update(value="Lý Kim Ngọc", needs_review=False, status="corrected", reviewed_by="binh",
                                     reviewed_at="2026-03-03T08:20:00.000+07:00", ocr_value="<b>Lý Kim Ngọc</b>",
                                     ocr_reason="name_case")
    kh["fields"]["nam_ho_ten"].update(status="confirmed", reviewed_by="binh", reviewed_at="2026-03-03T08:21:00.000+07:00")
    kh.update(code="H49-0002", code_generated=False, review_state="checked",
              code_review={"status": "corrected", "reviewed_by": "binh", "reviewed_at": "2026-03-03T08:22:00.000+07:00",
                           "ocr_value": "SOHOA-TAM-0A1B2C"})
    for record in (ks, kh):
        (archive / "records" / f"{record['dossier_id']}.json").write_text(json.dumps(record, ensure_ascii=False),
                                                                          encoding="utf-8")


def test_the_exports_say_how_each_field_stands_after_the_station(archive: Path, tmp_path: Path) -> None:
    _reviewed(archive)
    text = io.StringIO()
    export(archive, "csv", text)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text.getvalue()))}
    ks, kh = rows["H49-0001"], rows["H49-0002"]
    assert (ks["ngay_sinh"], ks["ngay_sinh.status"], ks["ngay_sinh.reviewed_by"]) == ("28/02/2025", "corrected", "lan")
    assert ks["ngay_sinh.reviewed_at"] == "2026-03-03T08:15:00.000+07:00"
    assert (ks["dan_toc.status"], ks["dan_toc.reviewed_by"], ks["review_state"]) == ("ocr", "", "pending")
    assert (kh["nam_ho_ten.status"], kh["review_state"], kh["code.status"], kh["code.reviewed_by"]) == (
        "confirmed", "checked", "corrected", "binh")
    header = next(csv.reader(io.StringIO(text.getvalue())))
    assert header[header.index("ngay_sinh"):header.index("ngay_sinh") + 4] == [
        "ngay_sinh", "ngay_sinh.status", "ngay_sinh.reviewed_by", "ngay_sinh.reviewed_at"]
    out = tmp_path / "ho_so.xlsx"
    with out.open("wb") as stream:
        export(archive, "xlsx", stream)
    book = openpyxl.load_workbook(out)
    dossiers = list(book["Hồ sơ"].values)
    states = {row[0]: row[dossiers[0].index("Tình trạng kiểm tra")] for row in dossiers[1:]}
    assert states == {"H49-0001": "chờ kiểm tra", "H49-0002": "đã kiểm tra"}
    decided = sorted(list(book["Kết quả kiểm tra"].values)[1:])
    assert decided == [
        ("H49-0001", "H49-0001.tif", "Tờ khai đăng ký khai sinh", "Ngày, tháng, năm sinh (người được khai sinh)",
         "ngay_sinh", "28/02/2025", "31/02/2025", "đã sửa", "lan", "03/03/2026 08:15", "ngày không hợp lệ"),
        ("H49-0002", "SOHOA-TAM-0A1B2C.tif", "Tờ khai đăng ký kết hôn", "Họ, chữ đệm, tên (bên nam)", "nam_ho_ten",
         "Bùi Thành Sơn", "Bùi Thành Sơn", "đã xác nhận", "binh", "03/03/2026 08:21", None),
        ("H49-0002", "SOHOA-TAM-0A1B2C.tif", "Tờ khai đăng ký kết hôn", "Họ, chữ đệm, tên (bên nữ)", "nu_ho_ten",
         "Lý Kim Ngọc", "<b>Lý Kim Ngọc</b>", "đã sửa", "binh", "03/03/2026 08:20", "họ tên viết hoa không đúng"),
        ("H49-0002", "SOHOA-TAM-0A1B2C.tif", "Tờ khai đăng ký kết hôn", "Mã hồ sơ", "code", "H49-0002",
         "SOHOA-TAM-0A1B2C", "đã sửa", "binh", "03/03/2026 08:22", None)]
    assert [r[0] for r in list(book["Cần kiểm tra"].values)[1:]] == ["H49-0001"]  # only what still waits


def test_csv_and_jsonl_keep_the_keys_and_carry_the_code(archive: Path) -> None:
    text = io.StringIO()
    export(archive, "csv", text)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert {r["code"] for r in rows} == {"H49-0001", "SOHOA-TAM-0A1B2C"} and "ho_ten" in rows[0]
    lines = io.StringIO()
    export(archive, "jsonl", lines)
    assert [json.loads(line)["dossier_id"] for line in lines.getvalue().splitlines()] == ["hs-kh1", "hs-ks1"]
    with pytest.raises(ValueError, match="unknown export format"):
        export(archive, "pdf", io.StringIO())


def test_exporting_a_folder_that_is_not_an_archive_is_an_error(tmp_path: Path) -> None:
    from sohoa.errors import ArchiveError

    with pytest.raises(ArchiveError, match="sohoa archive init"):
        export(tmp_path / "typo", "jsonl", io.StringIO())


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_opens_with_what_to_act_on_then_statistics(tmp_path: Path) -> None:
    summary = _summary(skipped=[Skipped("lien-ket.pdf", "symlink", "", "a symbolic link"),
                                Skipped("cu.tif", "previously_quarantined", "H49-0009", "Tệp PDF bị hỏng.")],
                       archived_before=5)
    text_report = report.write_run_report(tmp_path, summary)
    page = report_html.write_html_report(tmp_path, summary, beside=text_report)
    assert page == text_report.with_suffix(".html") and page.parent == tmp_path / "reports"
    assert stat.S_IMODE(page.stat().st_mode) == stat.S_IMODE(text_report.stat().st_mode) == 0o640
    source = page.read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(source)
    words = " ".join(parsed.text)
    order = [source.index(h) for h in ("Tệp quét bị cách ly", "Mục không xử lý", "Trường cần kiểm tra lại",
                                       "Trang cần xem", "Hồ sơ cần xem", "Thống kê lần chạy")]
    assert order == sorted(order)
    assert '<html lang="vi">' in source and parsed.tags.count("svg") == 2 and "rect" in parsed.tags
    assert "H49-0003" in words and "hong.tif" in words and "Tệp ảnh bị hỏng." in words
    assert "Nơi cư trú (mẹ)" in words and "Họ, chữ đệm, tên (bên nữ)" in words
    assert "dưới 200 dpi (NĐ 30/2020, TT 05/2025: tối thiểu 200 dpi)" in words
    assert "đã cách ly trước đó" in words and "lien-ket.pdf" in words
    for label, value in (("Trang chưa đạt chuẩn số hóa", "1"), ("Hồ sơ mang mã tạm (SOHOA-TAM-…)", "1"),
                         ("Đã lưu trữ từ lần trước (bỏ qua)", "5")):
        assert re.search(rf"<td>{re.escape(label)}</td><td class=\"n\">{value}</td>", source), label
    assert re.search(r"<td>Tỷ lệ trường cần kiểm tra</td><td>50,0 %</td>", source)   # 3 of 6 fields
    assert "&lt;b&gt;Lý Kim Ngọc&lt;/b&gt;" in source and "<b>Lý" not in source   # values are escaped
    assert "<th>Tình trạng</th>" in source and "<td>chưa kiểm tra</td>" in source  # where each field stands
    assert "sohoa review" in words  # and where it is checked
    assert re.search(r"<td>Hồ sơ chờ kiểm tra \(trạm kiểm tra dữ liệu\)</td><td class=\"n\">2</td>", source)


def test_chart_labels_are_never_cut_off() -> None:
    label = "Số nhà, ngách, hẻm, ngõ, đường phố/tổ/xóm/ấp/thôn (địa chỉ trụ sở hộ kinh doanh)"
    svg = bars([(label, 0.5, "1/2"), ("Dân tộc", 0.1, "1/10")], title="t")
    left = float(re.search(r'<text x="(\d+)" y="\d+" font-size="12" text-anchor="end">', svg).group(1))
    assert left >= len(label) * _CHAR_PX and f">{label}</text>" in svg


def test_text_report_and_summary_name_code_and_source_and_show_no_values(tmp_path: Path) -> None:
    summary = _summary()
    text = report.write_run_report(tmp_path, summary).read_text(encoding="utf-8")
    assert "Trường cần kiểm tra lại: 3" in report.summary_vi(summary)
    assert ("H49-0001 — H49-0001.tif: Ngày, tháng, năm sinh (người được khai sinh) [ngay_sinh] — ngày không hợp lệ"
            " — chưa kiểm tra") in text  # and where it is checked: the station
    assert "=== Trường cần kiểm tra lại (kiểm tra và sửa tại trạm kiểm tra dữ liệu: sohoa review) ===" in text
    assert "H49-0001 — H49-0001.tif: trang 2 — độ phân giải dưới 200 dpi" in text
    assert "SOHOA-TAM-0A1B2C — SOHOA-TAM-0A1B2C.tif: hồ sơ chưa có mã" in text
    assert "Cách ly: H49-0003 — hong.tif: Tệp ảnh bị hỏng." in text
    assert not any(v["value"] in text for r in RECORDS for v in r["fields"].values())
    assert "hs-" not in text


def _failed(dossier_id: str, *, stage: str = "sign") -> Outcome:
    detail = {"stage": stage, "reason": "signing_failed", "error": "SigningError",
              "message": "Cannot open the PKCS#12 file /etc/sohoa/agency.p12: wrong passphrase or damaged file",
              "message_vi": "Không mở được tệp khóa ký số: sai mật khẩu hoặc tệp hỏng."}
    return Outcome(dossier_id, f"{dossier_id}.pdf", "awaiting_signature", detail, code=f"C-{dossier_id}")


def test_exit_codes_separate_the_clerks_matters_from_it_staffs() -> None:
    archived = [o for o in _outcomes() if o.status == "archived"]
    quarantined = [o for o in _outcomes() if o.status == "quarantined"]
    assert RunSummary(archived, started=STARTED).exit_code() == ExitCode.OK
    assert RunSummary([], started=STARTED).exit_code() == ExitCode.OK   # nothing new
    assert RunSummary(archived + quarantined, started=STARTED).exit_code() == ExitCode.INCOMPLETE
    assert RunSummary([], started=STARTED, skipped=[Skipped("x.pdf", "previously_quarantined")]).exit_code() \
        == ExitCode.INCOMPLETE
    assert RunSummary(archived, started=STARTED, skipped=[Skipped(".x", "symlink")]).exit_code() == ExitCode.OK
    signing = RunSummary(archived + [_failed("a"), _failed("b")], started=STARTED)
    assert signing.exit_code() == ExitCode.FAILED
    [cause] = signing.causes()
    assert len(cause.dossiers) == 2 and "sai mật khẩu" in cause.line_vi() and "SigningError" in cause.line_vi()
    assert signing.as_json()["causes"] == [{"status": "awaiting_signature", "stage": "sign",
                                            "reason": "signing_failed", "error": "SigningError",
                                            "message": _failed("a").detail["message"], "count": 2}]
    text = report.summary_vi(signing)
    assert "CẦN BỘ PHẬN CNTT XỬ LÝ" in text and "• C-a — a.pdf" in text and "mã thoát 8" in text
    nothing = RunSummary(quarantined, started=STARTED)   # every input of the night quarantined
    assert nothing.exit_code() == ExitCode.FAILED and nothing.causes()[0].reason == "none_archived"
    pending = RunSummary([Outcome("p", "p.tif", "pending", {})], started=STARTED)
    assert pending.exit_code() == ExitCode.FAILED and "không chạy hết" in pending.causes()[0].message_vi


def test_every_review_reason_of_fields_has_vietnamese_text() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in FIELDS_DIR.glob("*.py"))
    keys = set(re.findall(r'return False, "([a-z_]+)"', source))
    keys |= set(re.findall(r'reason(?: or)? = [^\n]*?"([a-z_]+)"', source))
    keys |= set(re.findall(r'return "([a-z_]+)"', source))
    keys |= set(re.findall(r'FieldValue\("", 0\.0, [^,]+, "([a-z_]+)"\)', source))
    assert {"invalid_date", "date_words_mismatch", "cccd_sex", "unknown_admin_unit", "not_found"} <= keys
    assert sorted(k for k in keys if k not in report.REASON_VI) == []


def test_reports_name_forms_as_the_sites_own_templates_do(tmp_path: Path) -> None:
    """A site's forms folder (``fields.forms-dir``) names its forms in the text and HTML reports."""
    forms = tmp_path / "forms"
    forms.mkdir()
    for shipped in (FIELDS_DIR.parent / "configs" / "forms").glob("*.yaml"):
        text = shipped.read_text(encoding="utf-8")
        if shipped.name == "khai_sinh.yaml":
            text = re.sub(r"(?m)^title-vi: .*$", "title-vi: Tờ khai khai sinh (mẫu của tỉnh)", text)
        (forms / shipped.name).write_text(text, encoding="utf-8")
    summary = _summary()
    site = report.write_run_report(tmp_path / "site", summary, forms_dir=forms).read_text(encoding="utf-8")
    page = report_html.write_html_report(tmp_path / "site", summary, forms_dir=forms).read_text(encoding="utf-8")
    shipped = report.write_run_report(tmp_path / "shipped", summary).read_text(encoding="utf-8")
    assert "H49-0001 — H49-0001.tif: Tờ khai khai sinh (mẫu của tỉnh), 2 trang" in site
    assert "Tờ khai khai sinh (mẫu của tỉnh)" in page
    assert "H49-0001 — H49-0001.tif: Tờ khai đăng ký khai sinh, 2 trang" in shipped
