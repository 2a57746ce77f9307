"""A value the form gives twice mends the other reading where that one is garbled (fields.twins)."""

from __future__ import annotations

import pytest

from fields import load_templates
from fields.model import FieldValue
from fields.twins import mend_twins

ADDRESS = "Số 145 đường Ngô Quyền, Phường An Hải Bắc, Quận Sơn Trà, Thành phố Đà Nẵng"


def _form(form_type: str):
    return next(t for t in load_templates() if t.form_type == form_type)


def _v(value: str, review: bool = True, reason: str | None = "low_confidence") -> FieldValue:
    return FieldValue(value, 0.5 if review else 0.95, review, reason if review else None, 1, None)


def _mend(form_type: str, **values: FieldValue) -> dict[str, FieldValue]:
    return mend_twins(_form(form_type), dict(values))


def test_a_garbled_unit_word_is_taken_from_the_twin_read_without_a_doubt() -> None:
    got = _mend("khai_sinh", nyc_noi_cu_tru=_v(ADDRESS.replace("Quận", "Quậ1"), reason="admin_unit_one_off"),
                me_noi_cu_tru=_v(ADDRESS, review=False))
    mended = got["nyc_noi_cu_tru"]
    assert (mended.value, mended.needs_review, mended.reason) == (ADDRESS, True, "mended_from_twin")
    assert got["me_noi_cu_tru"].value == ADDRESS and not got["me_noi_cu_tru"].needs_review


@pytest.mark.parametrize(("garbled", "twin"), [
    ("Số 95 đường Nguyi Ýn Huệ, Phường Tân Định", "Số 95 đường Nguyễn Huệ, Phường Tân Định"),  # one word read as two
    ("Z Công an phường Máy Chai", "Công an phường Máy Chai"),                            # a speck read as a letter
    ("Số 8/2 Lê Lợi, Phường Dư Hàng Kênh, Quận Lê Chân, Thành phố Hải Phòng",
     "Số 8/2 Lê Lợi, Phường Dư Hàng Kênh, Quận Lê Chân, Thành phố Hải Phòng"),
    ("Tnh Thanh Hóa", "Tỉnh Thanh Hóa"),
])
def test_garbled_runs_of_an_address_take_the_twins_words(garbled: str, twin: str) -> None:
    got = _mend("khai_sinh", nyc_noi_cu_tru=_v(garbled), cha_noi_cu_tru=_v(twin, review=False))
    assert got["nyc_noi_cu_tru"].value == twin


def test_names_are_no_twins_a_child_s_is_not_the_father_s() -> None:
    got = _mend("khai_sinh", ho_ten=_v("Nguyễn Văn Hưnq", reason="name_syllable"), cha_ho_ten=_v("Nguyễn Văn Hùng", False))
    assert got["ho_ten"].value == "Nguyễn Văn Hưnq"


def test_a_house_number_s_slash_is_no_mere_stop() -> None:
    got = _mend("khai_sinh", nyc_noi_cu_tru=_v("Số 1/6 đường Láng, Phường Láng, Thành phố Hà Nội"),
                me_noi_cu_tru=_v("Số 16 đường Láng, Phường Láng, Thành phố Hà Nội", False))
    assert got["nyc_noi_cu_tru"].value == "Số 1/6 đường Láng, Phường Láng, Thành phố Hà Nội"


def test_sound_words_that_differ_are_two_people_s_and_stay() -> None:
    got = _mend("khai_sinh", me_noi_cu_tru=_v("Số 12 đường Láng, Phường Láng, Thành phố Hà Nội"),
                cha_noi_cu_tru=_v("Số 13 đường Láng, Phường Láng Hạ, Thành phố Hà Nội", False))
    assert got["me_noi_cu_tru"].value == "Số 12 đường Láng, Phường Láng, Thành phố Hà Nội"
    # a garbled word whose twin is no look-alike is left too (``Nộ1`` is not ``Phòng``)
    got = _mend("khai_sinh", me_noi_cu_tru=_v("Số 12 đường Láng, Thành phố Hà Nộ1"),
                cha_noi_cu_tru=_v("Số 12 đường Láng, Thành phố Hải Phòng", False))
    assert got["me_noi_cu_tru"].value == "Số 12 đường Láng, Thành phố Hà Nộ1"


def test_twins_that_would_mend_a_word_two_ways_leave_it_but_a_sure_twin_wins() -> None:
    garbled = "Số 48, ngõ 7ð Trần Hưng Đạo, Phường An Hòa, Quận Ninh Kiều, Thành phố Cần Thơ"
    got = _mend("khai_sinh", me_noi_cu_tru=_v(garbled, reason="invalid_chars"),
                nyc_noi_cu_tru=_v(garbled.replace("7ð", "79"), reason="zero_lookalike"),
                cha_noi_cu_tru=_v(garbled.replace("7ð", "70"), reason="zero_lookalike"))
    assert got["me_noi_cu_tru"].value == garbled
    got = _mend("khai_sinh", me_noi_cu_tru=_v(garbled, reason="invalid_chars"),
                nyc_noi_cu_tru=_v(garbled.replace("7ð", "79"), reason="zero_lookalike"),
                cha_noi_cu_tru=_v(garbled.replace("7ð", "70"), review=False))
    assert got["me_noi_cu_tru"].value == garbled.replace("7ð", "70")


def test_case_spacing_and_stops_are_taken_only_from_a_sure_twin() -> None:
    form = {"tt_huyen": _v("Thành phố, Thanh Hóa", reason="truncated")}
    assert _mend("ho_kinh_doanh", **form, ts_huyen=_v("Thành phố Thanh Hóa", False))["tt_huyen"].value == \
        "Thành phố Thanh Hóa"
    assert _mend("ho_kinh_doanh", **form, ts_huyen=_v("Thành phố Thanh Hóa"))["tt_huyen"].value == \
        "Thành phố, Thanh Hóa"
    # read the very same in two other places: sure too (a hand-filled form's three addresses)
    hand = "Số 16 7 đường Phan Chu Trinh, Phường Hạc Thành, Tỉnh Thanh Hóa"
    twin = "Số 167 đường Phan Chu Trinh, Phường Hạc Thành, Tỉnh Thanh Hóa"
    got = _mend("khai_sinh", nyc_noi_cu_tru=_v(hand, reason="handwritten"),
                me_noi_cu_tru=_v(twin, reason="handwritten"), cha_noi_cu_tru=_v(twin, reason="handwritten"))
    assert (got["nyc_noi_cu_tru"].value, got["nyc_noi_cu_tru"].reason) == (twin, "handwritten")


def test_a_value_read_without_a_doubt_and_other_types_are_never_changed() -> None:
    sure = _v(ADDRESS.replace("Quận", "Quậ1"), review=False)
    got = _mend("khai_sinh", nyc_noi_cu_tru=sure, me_noi_cu_tru=_v(ADDRESS, False))
    assert got["nyc_noi_cu_tru"] is sure
    years = _mend("khai_sinh", me_nam_sinh=_v("j5) 1993", reason="invalid_date"), cha_nam_sinh=_v("1993", False))
    assert years["me_nam_sinh"].value == "j5) 1993"
