"""Words no list checks in an address: a street's name in small letters (a capital misread), a full
stop after a house number (a speck), and the standard words of a residence request spelt as known."""

from __future__ import annotations

import pytest

from fields import extract, load_templates
from fields.address_words import name_broken
from fields.validators import tidy_punctuation
from tests.test_fields import CT01_TABLE, KHAI_SINH_OCR, _page, _replace


@pytest.mark.parametrize(("text", "broken"), [
    ("Số 124 đường Lê tợi, Phường Ngô Quyền, Thành phố Hải Phòng", True),    # L read t
    ("Số 12 Nguyễn văn Cừ, Phường 5", True),
    ("Số 142 đường Lê LỢI", True),                                             # a capital Ợ among small letters
    ("Số 124 đường Lê Lợi, Phường Ngô Quyền, Thành phố Hải Phòng", False),
    ("Số 81, ngõ 74 Tây Sơn, Phường Ngọc Hà, Quận Ba Đình, Thành phố Hà Nội", False),
    ("Số 12 đường 3 tháng 2, Phường 5, Quận 10, Thành phố Hồ Chí Minh", False),   # a street named after a date
    ("Số 5 Lê Lợi tổ 3, Thị trấn Đông Anh, Huyện Đông Anh, Thành phố Hà Nội", False),
    ("Ủy ban nhân dân phường Phú Nhuận, thành phố Huế, Tỉnh Thừa Thiên Huế", False),  # no street in it
    ("Đăng ký tạm trú tại Số 91, ngõ 95 Nguyễn Huệ, Phường Bình Thạnh, Thành phố Hồ Chí Minh", False),
    ("Bệnh viện Phụ sản Hải Phòng, Thành phố Hải Phòng", False),
    ("SỐ 7 ĐƯỜNG LÁNG, PHƯỜNG LÁNG", False),
])
def test_name_broken(text: str, broken: bool) -> None:
    assert name_broken(text) is broken


def test_street_name_in_small_letters_goes_to_review() -> None:
    templates = load_templates()
    plain = extract([_page(KHAI_SINH_OCR)], templates).fields["cha_noi_cu_tru"]
    assert plain.value == "Số 7 đường Láng, Phường Láng, Thành phố Hà Nội" and not plain.needs_review
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 7", "Nơi cư trú: (2) Số 7 đường Lê tợi, Phường Láng, "
                     "Thành phố Hà Nội ..............")
    got = extract([_page(lines)], templates).fields["cha_noi_cu_tru"]
    assert got.value == "Số 7 đường Lê tợi, Phường Láng, Thành phố Hà Nội"
    assert (got.needs_review, got.reason) == (True, "low_confidence") and got.confidence < plain.confidence


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 128. đường Tây Sơn", "Số 128 đường Tây Sơn"),   # a speck after the number
    ("Số 12. Phường 5", "Số 12. Phường 5"),               # a capital may start anything: left alone
])
def test_full_stop_after_a_number_before_small_letters_is_dropped(text: str, expected: str) -> None:
    assert tidy_punctuation(text) == (True, None, expected)


def test_residence_request_words_spelt_as_known() -> None:
    title = CT01_TABLE.index("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ") + 1
    lines = [*CT01_TABLE[:title], "10. Nội dung đề nghị: Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú,"
             " nơi ở hiện tải: Số 81, ngõ 74 Tây Sơn, Phường Ngọc Hà, Thành phố Hà Nội", *CT01_TABLE[title:]]
    got = extract([_page(lines)], load_templates()).fields["noi_dung"]
    assert got.value == ("Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú, nơi ở hiện tại: Số 81, "
                         "ngõ 74 Tây Sơn, Phường Ngọc Hà, Thành phố Hà Nội")


@pytest.mark.parametrize(("text", "broken"), [
    ("SỐ 192/30 Võ Văn Tần, Phường 15, Quận Bình Thạnh", True),     # a syllable in capitals among small letters
    ("Số 5, KĐT Linh Đàm, Phường Hoàng Liệt, TP Hà Nội", False),     # abbreviations have no vowel
])
def test_a_syllable_in_capitals_in_an_address(text: str, broken: bool) -> None:
    assert name_broken(text) is broken


@pytest.mark.parametrize(("text", "expected"), [
    ("Thànhphố Đà Nẵng", "Thành phố Đà Nẵng"),                       # a unit's type glued
    ("Số 181, ngõ: 118 Bến Nghé", "Số 181, ngõ 118 Bến Nghé"),        # a speck read as a colon
    ("nơi ở hiện tại: Số 81", "nơi ở hiện tại: Số 81"),               # a colon before the address stays
    ("Số 96/31 Đội Cấn , Phường Cống Vị", "Số 96/31 Đội Cấn, Phường Cống Vị"),
])
def test_tidy_punctuation_of_unit_words(text: str, expected: str) -> None:
    assert tidy_punctuation(text) == (True, None, expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 96/31 Đội Cấn Phường Cống Vị, Quận Ba Đình", "Số 96/31 Đội Cấn, Phường Cống Vị, Quận Ba Đình"),
    ("Phường 5 Quận 10 Thành phố Hồ Chí Minh", "Phường 5, Quận 10, Thành phố Hồ Chí Minh"),
    ("Số 5 đường Tỉnh lộ 10, Xã An Phú", "Số 5 đường Tỉnh lộ 10, Xã An Phú"),   # a road's name, no unit
])
def test_comma_lost_before_a_unit_is_put_back(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text) == expected


def test_glued_name_after_a_small_word_is_flagged() -> None:
    from fields.validators import glued_camel

    assert glued_camel("Ủy ban nhân dân nhườngCống Vị") and not glued_camel("Số 5 McDonald, iPhone")
    lines = _replace(KHAI_SINH_OCR, "Kính gửi", "Kính gửi: (1) Ủy ban nhân dân nhườngCầu Giấy, Thành phố Hà Nội ...")
    got = extract([_page(lines)], load_templates()).fields["co_quan"]
    assert (got.needs_review, got.reason) == (True, "glued_words")
