"""Tests of the closed lists (ethnic groups, nationalities, years of birth, phone prefixes) and of how
extraction scores a value read into one: its diacritics put back from the list, and not sent to review
for Tesseract's confidence alone."""

from __future__ import annotations


import pytest

from fields import check_phone, extract, load_templates
from fields.closed_lists import check_ethnicity, check_nationality, check_year
from fields.extract import CLOSED_LIST_FLOOR, DATE_FLOOR
from tests.test_fields import KHAI_SINH_OCR, _page, _replace


@pytest.mark.parametrize(("text", "ok", "value"), [
    ("Kinh", True, "Kinh"), ("KÍnh", True, "Kinh"), ("KINH", True, "Kinh"), ("Tảy", True, "Tày"),
    ("Khmer", True, "Khmer"), ("Khơ-me", True, "Khơ-me"), ("Ê Đê", True, "Ê Đê"), ("ede", True, "Ê Đê"),
    ("H'Mông", True, "H'Mông"), ("Kinhh", False, "Kinh"), ("v¡at", False, "v¡at"),
    ("Tàầy", False, "Tày"),                 # one letter off one group: put back, still for a clerk to confirm
    ("Ta", False, "Ta"),                    # too short to tell
])
def test_ethnic_groups(text: str, ok: bool, value: str) -> None:
    assert check_ethnicity(text)[0] is ok and check_ethnicity(text)[2] == value
    assert check_ethnicity(text)[1] == (None if ok else "invalid_choice")


@pytest.mark.parametrize(("text", "ok", "value"), [
    ("Việt Nam", True, "Việt Nam"), ("Việt Nạm", True, "Việt Nam"), ("VIỆT NAM", True, "Việt Nam"),
    ("ViệtNam", True, "Việt Nam"), ("Hàn Quốc", True, "Hàn Quốc"), ("Việt Wam", False, "Việt Nam"),
    ("Việt Nai", False, "Việt Nam"), ("Việt Nga", False, "Việt Nga"),
    ("Viiit Nam", False, "Việt Nam"), ("Việt Narh", False, "Việt Nam"),   # two off, a word no syllable: asked
])
def test_nationalities(text: str, ok: bool, value: str) -> None:
    assert check_nationality(text)[:1] == (ok,) and check_nationality(text)[2] == value


@pytest.mark.parametrize(("text", "latest", "expected"), [
    ("1985", 2100, (True, None, "1985", False)), ("l985", 2100, (True, None, "1985", True)),
    ("2092", 2024, (False, "invalid_date", "2092", False)),      # a 0 read as 9: later than the form
    ("20090", 2100, (False, "invalid_date", "20090", False)), ("1899", 2100, (False, "invalid_date", "1899", False)),
    ("19 85.", 2100, (True, None, "1985", False)), ("năm", 2100, (False, "invalid_date", "năm", False)),
])
def test_year_of_birth(text: str, latest: int, expected: tuple) -> None:
    assert check_year(text, latest=latest) == expected


@pytest.mark.parametrize(("text", "ok"), [
    ("0912345678", True), ("0243 826 1234", True), ("0312345678", True), ("0412345678", False),
    ("0612345678", False), ("9833708601", False), ("0112345678", False),
])
def test_phone_numbers_start_with_a_network_prefix(text: str, ok: bool) -> None:
    assert check_phone(text)[0] is ok


def test_listed_values_read_unsurely_are_not_sent_to_review() -> None:
    """A dân tộc, quốc tịch or choice read at a low score but with the letters of a listed name is
    that name; a year of birth later than the form's date is a misreading and goes to review."""
    lines = _replace(KHAI_SINH_OCR, "Giới tính:",
                     "Giới tính: Nam@0.5 ......... Dân tộc: KÍnh@0.4 ....... Quốc tịch: Việt@0.6 Nạm@0.3 ......")
    lines = _replace(lines, "Năm sinh: (5) 1985", "Năm sinh: (5) 1985@0.5 ........ Dân tộc: Kinhh ... Quốc tịch: Việt Nam...")
    lines = _replace(lines, "Năm sinh: (5) 1980", "Năm sinh: (5) 2092 ........ Dân tộc: Tày ... Quốc tịch: Việt Nam...")
    lines += ["Phường Cầu Giấy, ngày 20 tháng 6 năm 2025"]
    f = extract([_page(lines)], load_templates()).fields
    assert (f["gioi_tinh"].value, f["gioi_tinh"].needs_review, f["gioi_tinh"].confidence) == ("Nam", False, CLOSED_LIST_FLOOR)
    assert (f["dan_toc"].value, f["dan_toc"].needs_review) == ("Kinh", False)
    assert (f["quoc_tich"].value, f["quoc_tich"].needs_review) == ("Việt Nam", False)
    assert (f["me_nam_sinh"].value, f["me_nam_sinh"].needs_review, f["me_nam_sinh"].confidence) == ("1985", False, DATE_FLOOR)
    assert (f["me_dan_toc"].value, f["me_dan_toc"].reason) == ("Kinh", "invalid_choice")  # put back, confirmed
    assert f["me_dan_toc"].needs_review
    assert (f["cha_nam_sinh"].value, f["cha_nam_sinh"].reason) == ("2092", "invalid_date")
    assert f["ngay_lap"].value == "20/06/2025"  # the form's date bounds the years of birth


def test_name_of_listed_syllables_read_fairly_surely_is_not_sent_to_review() -> None:
    from fields.names import listed_name

    assert listed_name("NGÔ BẢO LINH") and listed_name("Trần Thị Thu Trang")
    assert not listed_name("Võ Lế Minh Thư") and not listed_name("HỒ THỦ GIANG")   # a syllable no name has
    assert not listed_name("Ngô Bảo Trần") and listed_name("Lê Trần Anh")   # a family name as given name: misread
    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên người mẹ", "Họ, chữ đệm, tên người mẹ: Hồ Thu@0.55 Thảo ....")
    lines = _replace(lines, "Họ, chữ đệm, tên người cha", "Họ, chữ đệm, tên người cha: Vũ Hữu@0.3 Sơn .....")
    f = extract([_page(lines)], load_templates()).fields
    assert (f["me_ho_ten"].needs_review, f["me_ho_ten"].confidence) == (False, CLOSED_LIST_FLOOR)
    assert f["cha_ho_ten"].needs_review and f["cha_ho_ten"].reason == "low_confidence"   # too unsure: looked at


def test_country_of_residence_is_checked_against_the_list() -> None:
    """``Quốc gia`` (where the household lives) names a country: read into the list like a nationality,
    its marks put back and, listed, not sent to review for Tesseract's confidence alone."""
    hkd = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    assert next(s for s in hkd.fields if s.key == "tt_quoc_gia").type == "nationality"
    assert check_nationality("Việt Nạm") == (True, None, "Việt Nam")


@pytest.mark.parametrize(("address", "sure"), [
    ("phamngoctrang75@gmail.com", True),      # a name run together, two figures, a provider's domain
    ("lythanhha@yahoo.com", True),
    ("huynhngochuohg66@yahoo.com", False),    # 'huohg': a piece no name has (a misread)
    ("phanphuongthao9@yahoo.com", False),     # one figure: one was likely dropped
    ("phamngoctrang75@congty.vn", False),     # a domain of its own: nothing to check it against
    ("abc.xyz@gmail.com", False),
])
def test_an_email_made_of_a_name_is_checked_by_its_pieces(address: str, sure: bool) -> None:
    from fields.names import name_mail
    from fields.validators import MAIL_DOMAINS

    assert name_mail(address, MAIL_DOMAINS) is sure
