"""A syllable misread inside a common word of free text is put back (fields.terms)."""

from __future__ import annotations

import pytest

from fields.terms import TERMS, mend_terms
from tests.test_fields_layout import HKD, _hkd


@pytest.mark.parametrize(("read", "meant"), [
    ("Bán lẻ điện thoại đi động và phụ kiến", "Bán lẻ điện thoại di động và phụ kiện"),   # marks misread
    ("Kinh doanh cà phô, giải khát", "Kinh doanh cà phê, giải khát"),                      # a letter off
    ("HỘ KINH DOANH ĐIỆN THOẠT NGỌC", "HỘ KINH DOANH ĐIỆN THOẠI NGỌC"),   # in capitals; KINH DOANH no hộ sinh
    ("Bệnh viện Trung ượng Huế", "Bệnh viện Trung ương Huế"),                              # in title case
    ("Bệnh viện Phạ sản Hà Nội", "Bệnh viện Phụ sản Hà Nội"),
    ("Dịch vụ ăn uống (quán Cơm bình dân)", "Dịch vụ ăn uống (quán cơm bình dân)"),        # one word, one case
])
def test_a_misread_syllable_of_a_common_word_is_put_back(read: str, meant: str) -> None:
    assert mend_terms(read) == meant


@pytest.mark.parametrize("text", [
    "Bán lẻ hàng tạp hóa", "Cắt tóc, gội đầu", "Bệnh viện Phụ sản - Nhi Đà Nẵng",
    "Bán lẻ điện thoại đi kèm",           # no common word the two read as: left
    "Bán cà, phô mai",                    # a comma between: two words of a list
    "Trạm y tế xã", "Bệnh viện Từ Dã",    # a syllable of one or two letters is mended by its marks only
    "QUÁN CƠM", "Quán Cơm",
    "HỘ KINH DOANH TẠP HÓA HẢI SƠN",      # a name's syllable is no misread ``hải sản``
    "Quận Bình Tân", "Huyện Gia Lâm",     # nor a place's (addresses are not mended here at all)
])
def test_text_that_is_no_misread_common_word_is_left_as_read(text: str) -> None:
    assert mend_terms(text) == text


def test_the_list_holds_words_of_two_syllables_in_small_letters() -> None:
    assert all(len(t.split()) == 2 and t == t.lower() for t in TERMS) and "điện thoại" in TERMS


def test_a_business_line_read_with_a_wrong_mark_is_mended_on_the_form() -> None:
    lines = [line.replace("điện thoại di động", "điện thoại đi động và phụ kiến") for line in HKD]
    assert _hkd(lines)["nganh_nghe"].value == "Bán lẻ điện thoại di động và phụ kiện"
