"""A form's date line whose printed words a hand's figures garbled (``fields.datelines.loose_dateline``),
and what a line's ``ngày`` cites (``fields.datelines.cites``)."""

from __future__ import annotations

import pytest

from fields import extract, load_templates
from fields.datelines import cites, date_shape, loose_dateline
from fields.text import document_lines
from tests.test_fields_units import FORM, _page


def _found(*lines: str) -> str | None:
    got = loose_dateline(document_lines([_page(list(lines))]))
    return " ".join(t.text for t in got) if got is not None else None


@pytest.mark.parametrize(("line", "tokens"), [
    ("Hà Nội, ngày 25 nắng 01 năm 2023", "ngày 25 nắng 01 năm 2023"),           # tháng garbled
    ("Hòa Cường Bắc. ngày 11 thá'9 02 năm 223", "ngày 11 thá'9 02 năm 223"),    # … and the year
    ("Làm tại: Wghĩa Đô, ngày 07 tháng 092 năm 2024", "ngày 07 tháng 092 năm 2024"),
    ('Làm tại: Đống oa, "9à ý 27 tháng 01 năm 20286', '"9à ý 27 tháng 01 năm 20286'),  # ngày lost: after the comma
    ("Làm tại: /ạC Thành, ngây 23 th áng 9g năm 2022", "ngây 23 th áng 9g năm 2022"),  # a speck's slash cites nothing
])
def test_a_garbled_date_line_is_still_the_forms(line: str, tokens: str) -> None:
    assert _found("Tôi xin cam đoan những lời khai trên là đúng sự thật.", line, "NGƯỜI YÊU CẦU") == tokens


@pytest.mark.parametrize("line", [
    "Ngày, tháng, năm 20/04/1995 04/04/1992",                  # a label and its values: no figure between the words
    "Căn cứ Thông tư số 01/2021/TT-BKHĐT ngày 16 nắng 3 năm 2021",  # a numbered text's date
    "Ngày cấp: ngày 12 tháng 3 năm 2021",                     # an ID card's date
    "Sinh ngày 05 tháng 3 năm 1987",                            # a birth date
    "ngày 77 kim Mã, phường Giảng Võ, Thành phố Hà Nội",      # date words far apart: an address
    "Làm tại: Giảng Võ",                                        # no date word but làm (one off năm)
])
def test_lines_that_are_not_the_forms_date(line: str) -> None:
    assert _found(line) is None


def test_what_a_line_before_its_ngay_cites() -> None:
    assert cites("Căn cứ Thông tư số 01/2021/TT-BKHĐT")
    assert cites("Nghị định 30 / 2020")
    assert not cites("Làm tại: /ạC Thành,")  # a speck read as a slash
    assert not cites("Cầu Giấy,")


def test_a_form_dated_by_a_garbled_line_has_its_date_found_and_asked_about() -> None:
    lines = [line.replace("ngày 12 tháng 8 năm 2025", "ngày 12 nắng 8 năm 2025") for line in FORM]
    got = extract([_page(lines)], load_templates()).fields["ngay_lap"]
    assert got.reason != "not_found" and got.needs_review


@pytest.mark.parametrize(("reading", "shaped"), [
    ("ngày 25 nắng 01 năm 2023", "ngày 25 tháng 01 năm 2023"),      # tháng garbled by the figures beside it
    ("ngày 11 thán9 02 năm 2o23", "ngày 11 tháng 02 năm 2o23"),     # the year's look-alike left to the check
    ("9àý 27 tháng 01 năm 2026", "ngày 27 tháng 01 năm 2026"),      # ngày lost
    ("Cầu Giấy, ngày 12 tháng 8 năm 2025", "ngày 12 tháng 8 năm 2025"),
    ("ngày 23 th áng 9g năm 2022", "ngày 23 th áng 9g năm 2022"),    # the month no figure: as read
    ("Hà Nội, ngày 5/3/2024", "Hà Nội, ngày 5/3/2024"),
    ("Số 25 đường 3 tháng 2 Quận 10", "Số 25 đường 3 tháng 2 Quận 10"),  # no năm before a year: no date line
])
def test_a_date_line_read_again_takes_the_shape_its_printed_words_give(reading: str, shaped: str) -> None:
    assert date_shape(reading) == shaped
