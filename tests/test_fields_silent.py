"""Tests of classes of wrong values that used to pass unflagged on held-out forms: each is read right
or sent to a clerk."""

from __future__ import annotations

from fields import extract, load_templates
from tests.test_fields import KHAI_SINH_OCR, _replace
from tests.test_fields import _page as _form_page


def _field(lines: list[str], key: str):
    return extract([_form_page(lines)], load_templates()).fields[key]


def test_a_value_that_stops_at_a_house_number_of_several_figures_is_incomplete() -> None:
    from fields.address_words import ends_with_province

    assert not ends_with_province("Đăng ký thường trú tại Số 28/5")      # its street and units not read
    assert not ends_with_province("Số 195")
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 195", "Nơi cư trú: (2) Số 28/5 .......")
    got = _field(lines, "nyc_noi_cu_tru")
    assert (got.value, got.needs_review) == ("Số 28/5", True) and got.reason in ("address_incomplete", "truncated")
