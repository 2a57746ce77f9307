"""A CCCD number whose 0s were read as 6, 8 or 9 where its checks look (province code, century and
sex, birth year): mended when one fewest change passes them, still sent to a clerk."""

from __future__ import annotations

import pytest

from fields import extract, load_templates
from fields.zeros import mend_cccd
from tests.test_fields import CT01_TABLE, KET_HON_OCR, KHAI_SINH_OCR, _page, _replace


@pytest.mark.parametrize(("digits", "reason", "birth", "sex", "expected"), [
    # no province code starts with 9 or 6: the first figure was a 0
    ("931183411861", "cccd_province", "1983", "Nữ", (False, "ocr_digits_guessed", "031183411861")),
    ("648084599823", "cccd_province", "03/07/1984", "Nam", (False, "ocr_digits_guessed", "048084599823")),
    # the year figure mended too: the birth date read elsewhere stays in doubt (reason kept)
    ("631362975656", "cccd_province", "12/04/2002", "Nữ", (False, "cccd_province", "031302975656")),
    ("031361337057", "cccd_birth_year", "12/04/2001", "Nữ", (False, "cccd_birth_year", "031301337057")),
    # nothing a 0 explains: left as read
    ("131183411861", "cccd_province", "1983", "Nữ", (False, "cccd_province", "131183411861")),
    ("031175411861", "cccd_birth_year", "1983", "Nữ", (False, "cccd_birth_year", "031175411861")),
    ("93118341186", "cccd_length", None, None, (False, "cccd_length", "93118341186")),
    # the fewest change wins: 091 is a province code (Kiên Giang), so one 9 read for 0 is enough
    ("991185669074", "cccd_province", "1985", "Nữ", (False, "ocr_digits_guessed", "091185669074")),
])
def test_mend_cccd(digits: str, reason: str, birth: str | None, sex: str | None,
                   expected: tuple[bool, str | None, str]) -> None:
    assert mend_cccd(digits, reason, birth, sex) == expected


def test_mended_number_on_a_form_goes_to_review_with_the_page_s_other_nines() -> None:
    lines = _replace(KHAI_SINH_OCR, "Giấy tờ tùy thân", "Giấy tờ tùy thân: (3) Căn cước công dân số 901185669074...")
    got = extract([_page(lines)], load_templates()).fields
    assert (got["nyc_so_cccd"].value, got["nyc_so_cccd"].reason) == ("001185669074", "ocr_digits_guessed")
    assert got["nyc_so_cccd"].needs_review and got["nyc_so_cccd"].confidence < 0.75
    assert (got["nyc_noi_cu_tru"].needs_review, got["nyc_noi_cu_tru"].reason) == (True, "zero_lookalike")


def test_member_number_is_checked_against_the_birth_date_it_stands_for() -> None:
    """``27/06/2062`` is no birth date on a form of 2025; ``2002`` is the date it stands for: a number
    read ``…362…`` agrees with the misreading, not with the member, and is mended, both go to review."""
    lines = [line.replace("27/06/2002", "27/06/2062").replace("001302415868", "001362415868")
             for line in CT01_TABLE]
    lines.insert(-1, "Hà Nội, ngày 12 tháng 8 năm 2025")
    got = extract([_page(lines)], load_templates()).fields
    assert (got["tv1_ngay_sinh"].value, got["tv1_ngay_sinh"].reason) == ("27/06/2002", "ocr_digits_guessed")
    assert (got["tv1_so_cccd"].value, got["tv1_so_cccd"].reason) == ("001302415868", "cccd_birth_year")
    assert got["tv1_so_cccd"].needs_review and got["tv1_ngay_sinh"].needs_review


def test_number_agreeing_with_the_form_is_not_reviewed_for_its_score_alone() -> None:
    """Tesseract scores digit strings low in some faces; a number whose province, century, sex and
    birth year agree with the form is scored like a checked date (``DATE_FLOOR``)."""
    from fields.extract import DATE_FLOOR

    lines = [line.replace("CCCD số 031187776317", "CCCD số 031187776317@0.3") for line in KET_HON_OCR]
    got = extract([_page(lines, columns=(100, 700, 1500))], load_templates()).fields["nu_so_cccd"]
    assert (got.value, got.needs_review, got.confidence) == ("031187776317", False, DATE_FLOOR)
    # the same number disagreeing with the birth date read (1988): both reviewed
    lines = [line.replace("24/08/1987", "24/08/1988") for line in lines]
    got = extract([_page(lines, columns=(100, 700, 1500))], load_templates()).fields
    assert (got["nu_so_cccd"].needs_review, got["nu_so_cccd"].reason) == (True, "cccd_birth_year")
    assert got["nu_ngay_sinh"].needs_review


def test_number_with_no_birth_date_to_agree_with_keeps_its_score() -> None:
    lines = [line.replace("001302415868", "001302415868@0.3") for line in CT01_TABLE]
    got = extract([_page(lines)], load_templates()).fields
    assert (got["tv1_so_cccd"].needs_review, got["tv1_so_cccd"].confidence) == (False, 0.85)
    lines = [line.replace("27/06/2002", "") for line in lines]                 # no birth date read
    got = extract([_page(lines)], load_templates()).fields
    assert (got["tv1_so_cccd"].needs_review, got["tv1_so_cccd"].reason) == (True, "low_confidence")


CT01_BOXED = [*CT01_TABLE[:CT01_TABLE.index("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ") + 1],
              "2. Ngày, tháng, năm sinh: 28/03/1986", "3. Giới tính: Nữ",
              "4. Số định danh cá nhân: |9|0|1|1|8|6|0|8|0|6|3|6|", "5. Số điện thoại liên hệ: 0912345698",
              "9. Số định danh cá nhân của chủ hộ: |0|0|1|0|8|6|0|8|0|6|3|9|",
              *CT01_TABLE[CT01_TABLE.index("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ") + 1:]]


def test_a_boxed_zero_read_as_nine_sends_only_the_other_boxed_figures_to_review() -> None:
    got = extract([_page(CT01_BOXED)], load_templates()).fields
    assert (got["so_cccd"].value, got["so_cccd"].reason) == ("001186080636", "ocr_digits_guessed")
    assert (got["chu_ho_so_cccd"].needs_review, got["chu_ho_so_cccd"].reason) == (True, "zero_lookalike")
    assert not got["dien_thoai"].needs_review                     # typed, not boxed: its 9 and 8 stand
    assert not got["tv1_so_cccd"].needs_review
    # a date whose 0 was read as 9 outside the boxes tells about the type face: the page's figures
    typed = [line.replace("28/03/1986", "28/93/1986") for line in CT01_BOXED]
    got = extract([_page(typed)], load_templates()).fields
    assert (got["dien_thoai"].needs_review, got["dien_thoai"].reason) == (True, "zero_lookalike")


def test_a_number_right_as_read_is_no_sign_of_misread_zeros() -> None:
    """Read with a letter for a digit (``O``): mended by ``clean_digits``, flagged, but it tells
    nothing about 0s read as 6, 8 or 9 on the page."""
    lines = [line.replace("|9|0|1|1|8|6|0|8|0|6|3|6|", "|O|0|1|1|8|6|0|8|0|6|3|6|") for line in CT01_BOXED]
    got = extract([_page(lines)], load_templates()).fields
    assert (got["so_cccd"].value, got["so_cccd"].reason) == ("001186080636", "ocr_digits_guessed")
    assert not got["chu_ho_so_cccd"].needs_review and not got["dien_thoai"].needs_review


def test_a_phone_number_of_a_network_is_not_reviewed_for_its_score_alone() -> None:
    from fields.extract import DATE_FLOOR

    lines = [line.replace("0912345698", "0912345678@0.2").replace("|9|0|1|1|", "|0|0|1|1|") for line in CT01_BOXED]
    got = extract([_page(lines)], load_templates()).fields["dien_thoai"]
    assert (got.value, got.needs_review, got.confidence) == ("0912345678", False, DATE_FLOOR)
    lines = [line.replace("0912345678@0.2", "0012345678@0.2") for line in lines]   # no network's prefix
    got = extract([_page(lines)], load_templates()).fields["dien_thoai"]
    assert (got.needs_review, got.reason) == (True, "invalid_phone")
