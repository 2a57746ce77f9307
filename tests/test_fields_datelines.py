"""A dateline whose ``ngày`` lost or changed a letter (``hgày``, ``nöày``): the words after it tell."""

from __future__ import annotations

from datetime import date

import pytest

from fields import extract, load_templates
from fields.dates import parse_date
from tests.test_fields_units import DECISION, _page


@pytest.mark.parametrize(("text", "expected"), [
    ("Nghĩa Đô, hgày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Nghĩa Đô, gày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Quan Hoa, nöày 06 tháng 12 năm 2023", date(2023, 12, 6)),     # a letter inside changed
    ("Quan Hoa, ngy 06 tháng 12 năm 2023", date(2023, 12, 6)),      # … or lost
    ("Hà Nội, ngày 5 tháng 3 năm 2024", date(2024, 3, 5)),
    ("Hà Nội, hgày 5 năm 2024", None),                  # no month: no date
])
def test_dateline_with_its_first_letter_misread(text: str, expected: date | None) -> None:
    got = parse_date(text)
    assert (got[0] if got else None) == expected


def test_decision_dated_through_a_misread_ngay() -> None:
    lines = [line.replace("ngày 2O tháng 8", "hgày 20 tháng 8") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["issued"] == "2025-08-20"


def test_signer_name_with_a_speck_after_it() -> None:
    lines = [line.replace("|| Nguyễn Văn Bình", "|| Nguyễn Văn Bình-") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["signer"] == "Nguyễn Văn Bình" and "signer" not in decision.reasons


@pytest.mark.parametrize(("name", "cut"), [
    ("Lê Thị", True), ("Trần Văn", True), ("Lê Thị Uyên", False), ("Nguyễn Thị Văn", False), ("Lê Uyên", False),
])
def test_a_name_that_stops_at_its_middle_name_is_doubted(name: str, cut: bool) -> None:
    from fields.names import ends_at_middle

    assert ends_at_middle(name) is cut
    lines = [line.replace("|| Nguyễn Văn Bình", f"|| {name}") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["signer"] == name and (decision.reasons.get("signer") == "low_confidence") is cut


def test_a_form_name_that_stops_at_its_middle_name_is_flagged() -> None:
    from tests.test_fields import KHAI_SINH_OCR, _replace
    from tests.test_fields import _page as _form_page

    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên: Vũ", "Họ, chữ đệm, tên: Vũ Thị ...........")
    got = extract([_form_page(lines)], load_templates()).fields["ho_ten"]
    assert (got.value, got.needs_review, got.reason) == ("Vũ Thị", True, "invalid_name")


@pytest.mark.parametrize("dateline", ["Kênh, ngày 03 tháng 01 hăm 2021", "Kênh, ngày 03 táng 01 năm 2021"])
def test_ct01_dated_through_a_misread_thang_or_nam_and_its_figures_kept_out_of_the_table(dateline: str) -> None:
    """``hăm`` for ``năm``, ``táng`` for ``tháng``: still the form's date line, so it is read as the
    form's date and its figures do not run on into the last member's ID number above it."""
    from tests.test_fields import CT01_TABLE
    from tests.test_fields import _page as table_page

    lines = CT01_TABLE[:-1] + [f"|| || || || {dateline}", CT01_TABLE[-1]]
    got = extract([table_page(lines)], load_templates()).fields
    assert got["ngay_lap"].value == "03/01/2021"
    assert got["tv2_so_cccd"].value == "079220073662"


@pytest.mark.parametrize(("words", "expected"), [
    (["03", "táng", "01", "hăm", "2021"], ["03", "tháng", "01", "năm", "2021"]),
    (["hgày", "03"], ["ngày", "03"]),
    (["Việt", "Ham", "2021"], ["Việt", "Ham", "2021"]),      # no figure before it: no date word
    (["tháng", "năm", "sinh"], ["tháng", "năm", "sinh"]),     # a label, no figures
])
def test_date_words_mended(words: list[str], expected: list[str]) -> None:
    from fields.locate import date_words_mended
    from fields.text import Token, fold
    from ocr.model import BBox

    line = [Token(w, fold(w), BBox(100 * i, 100, 80, 40), 0.9, 0, 0) for i, w in enumerate(words)]
    assert [t.text for t in date_words_mended(line)] == expected


def test_a_place_read_as_a_label_on_the_date_line_is_no_label() -> None:
    """``Vinh, ngày 17 tháng 3 năm 2024`` above the values matches ``Sinh ngày`` loosely: the form's date
    was taken for the birth date, and the date line lost its ``ngày``. A label read whole stays."""
    from tests.test_fields import _page as form_page

    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
             "Vinh, ngày 17 tháng 3 năm 2024", "Kính gửi: Phòng Tài chính - Kế hoạch thành phố Vinh",
             "Tôi là: LÊ THU HẠNH", "Giới tính: Nữ || Sinh ngày: 11/10/1993", "Dân tộc: Kinh || Quốc tịch: Việt Nam"]
    got = extract([form_page(lines)], load_templates())
    assert (got.form_type, got.fields["ngay_sinh"].value, got.fields["ngay_lap"].value) == \
        ("ho_kinh_doanh", "11/10/1993", "17/03/2024")
    lines[6] = "Giới tính: Nữ || Sinh ngày: ngày 11 tháng 10 năm 1993"           # a birth date in words
    assert extract([form_page(lines)], load_templates()).fields["ngay_sinh"].value == "11/10/1993"


def test_a_speck_after_the_year_of_the_date_line_read_as_a_short_word_is_dropped() -> None:
    """``Bình Thạnh, ngày 26 tháng 6 năm 2020 vở``: the speck made the form's date no date."""
    from tests.test_fields import CT01_TABLE
    from tests.test_fields import _page as table_page

    lines = CT01_TABLE[:-1] + ["|| || || || Kênh, ngày 03 tháng 01 năm 2021 vở", CT01_TABLE[-1]]
    assert extract([table_page(lines)], load_templates()).fields["ngay_lap"].value == "03/01/2021"
