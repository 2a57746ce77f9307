"""Tests of ``pipeline.report``: the Vietnamese run reports (text and HTML) and the exports.

Records are built by hand in the shape of the output contract (README, ``pipeline/export.schema.json``);
the files are written and read back with the real pandas, openpyxl and the standard HTML parser.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from pipeline import report
from pipeline.outcome import Outcome

FIELDS_DIR = Path(__file__).resolve().parent.parent / "fields"


def _field(value: str, review: bool = False, reason: str | None = None, confidence: float = 0.95) -> dict:
    return {"value": value, "confidence": confidence, "needs_review": review,
            **({"reason": reason} if reason else {})}


def _record(dossier_id: str, form_type: str, fields: dict) -> dict:
    return {"dossier_id": dossier_id, "source": f"{dossier_id}.tif", "form_type": form_type,
            "pages": [{"source_page": 1, "blank": False, "rotation": 0, "skew": 0.0, "text": "…",
                       "confidence": 0.9, "dpi": 300.0, "below_standard": []}],
            "fields": fields, "pdf": f"packages/{dossier_id}/x.pdf", "package": f"packages/{dossier_id}"}


RECORDS = [
    _record("ks-1", "khai_sinh", {"ho_ten": _field("Vũ Thành Khoa"),
                                  "ngay_sinh": _field("31/02/2025", True, "invalid_date", 0.5),
                                  "dan_toc": _field("Kinh")}),
    _record("kh-1", "ket_hon", {"nu_ho_ten": _field("<b>Lý Kim Ngọc</b>", True, "name_case", 0.3),
                                "nam_ho_ten": _field("Bùi Thành Sơn")}),
]


def _outcomes() -> list[Outcome]:
    return [Outcome(r["dossier_id"], r["source"], "archived", r) for r in RECORDS] + [
        Outcome("bad-1", "bad.tif", "quarantined", {"message_vi": "Tệp ảnh bị hỏng.", "reason": "unreadable_image"})]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "records").mkdir()
    for r in RECORDS:
        (tmp_path / "records" / f"{r['dossier_id']}.json").write_text(json.dumps(r, ensure_ascii=False),
                                                                      encoding="utf-8")
    return tmp_path


def test_xlsx_has_dossier_and_review_sheets_in_vietnamese(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "ho_so.xlsx"
    with out.open("wb") as stream:
        report.export(archive, "xlsx", stream)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Hồ sơ", "Cần kiểm tra"]
    dossiers = list(book["Hồ sơ"].values)
    assert dossiers[0][:7] == ("Mã hồ sơ", "Tệp nguồn", "Loại hồ sơ", "Số trang", "Tệp PDF đã ký",
                               "Gói lưu trữ", "Số trường cần kiểm tra")
    assert "Họ, chữ đệm và tên [ho_ten]" in dossiers[0] and "Dân tộc [dan_toc]" in dossiers[0]
    by_id = {row[0]: dict(zip(dossiers[0], row, strict=True)) for row in dossiers[1:]}
    assert by_id["kh-1"]["Loại hồ sơ"] == "Tờ khai đăng ký kết hôn"       # sorted by file name: kh before ks
    assert by_id["ks-1"]["Số trường cần kiểm tra"] == 1
    review = list(book["Cần kiểm tra"].values)
    assert review[0] == report.REVIEW_COLUMNS_VI
    assert sorted((row[0], row[4], row[5], row[7]) for row in review[1:]) == [
        ("kh-1", "nu_ho_ten", "<b>Lý Kim Ngọc</b>", "họ tên viết hoa không đúng"),
        ("ks-1", "ngay_sinh", "31/02/2025", "ngày không hợp lệ")]


def test_csv_and_jsonl_keep_the_keys(archive: Path) -> None:
    text = io.StringIO()
    report.export(archive, "csv", text)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert {r["dossier_id"] for r in rows} == {"ks-1", "kh-1"} and "ho_ten" in rows[0]
    lines = io.StringIO()
    report.export(archive, "jsonl", lines)
    assert [json.loads(line)["dossier_id"] for line in lines.getvalue().splitlines()] == ["kh-1", "ks-1"]
    with pytest.raises(ValueError, match="unknown export format"):
        report.export(archive, "pdf", io.StringIO())


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_beside_the_text_report(tmp_path: Path) -> None:
    text_report = report.write_run_report(tmp_path, _outcomes())
    page = report.write_html_report(tmp_path, _outcomes(), growing=1, beside=text_report)
    assert page == text_report.with_suffix(".html") and page.parent == tmp_path / "reports"
    source = page.read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(source)
    words = " ".join(parsed.text)
    assert '<html lang="vi">' in source and parsed.tags.count("svg") == 2 and "rect" in parsed.tags
    assert "Báo cáo lần chạy số hóa" in words and "Tỷ lệ trường cần kiểm tra" in words
    assert "Tờ khai đăng ký khai sinh" in words and "Tờ khai đăng ký kết hôn" in words
    assert "33,3 %" in words and "50,0 %" in words            # per-form review rates: 1/3 and 1/2
    assert "40,0 %" in words                                   # overall: 2 of 5 fields
    assert "họ tên viết hoa không đúng" in words and "Tệp ảnh bị hỏng." in words
    assert "&lt;b&gt;Lý Kim Ngọc&lt;/b&gt;" in source and "<b>Lý" not in source   # values are escaped


def test_text_report_and_summary_show_no_values(tmp_path: Path) -> None:
    outcomes = _outcomes()
    text = report.write_run_report(tmp_path, outcomes).read_text(encoding="utf-8")
    assert "Trường cần kiểm tra lại: 2" in report.summary_vi(outcomes)
    assert "ks-1: ngay_sinh — ngày không hợp lệ" in text
    assert not any(v["value"] in text for r in RECORDS for v in r["fields"].values())
    assert report.review_items(outcomes) == [("ks-1", "ngay_sinh", "invalid_date"),
                                             ("kh-1", "nu_ho_ten", "name_case")]


def test_every_review_reason_of_fields_has_vietnamese_text() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in FIELDS_DIR.glob("*.py"))
    keys = set(re.findall(r'return False, "([a-z_]+)"', source))
    keys |= set(re.findall(r'reason(?: or)? = [^\n]*?"([a-z_]+)"', source))
    keys |= set(re.findall(r'return "([a-z_]+)"', source))
    keys |= set(re.findall(r'FieldValue\("", 0\.0, [^,]+, "([a-z_]+)"\)', source))
    assert {"invalid_date", "date_words_mismatch", "cccd_sex", "unknown_admin_unit", "not_found"} <= keys
    assert sorted(k for k in keys if k not in report.REASON_VI) == []
