"""A hand's letters put in the case its words are written in (``fields.hand_case``), a form's choice
read with a neighbour's text after it (``fields.hand_read.choice_head``), and a typed value not taken
for a hand (``fields.handwriting``)."""

from __future__ import annotations

import pytest

from fields import load_templates
from fields.hand_case import hand_case
from fields.hand_read import choice_head

SPECS = {(t.form_type, s.key): s for t in load_templates() for s in t.fields}


@pytest.mark.parametrize(("form", "key", "read", "written"), [
    # mixed case in a word: one case, as its value is written
    ("ho_kinh_doanh", "nganh_nghe", "Bán lẻ hàng tạp hÓa", "Bán lẻ hàng tạp hóa"),
    ("ho_kinh_doanh", "ten_ho_kinh_doanh", "Hộ kINH DOANH SỬA Xe DŨNG", "HỘ KINH DOANH SỬA XE DŨNG"),
    ("ho_kinh_doanh", "ten_ho_kinh_doanh", "HỘ KINH DoANH SỬA xe UYÊN", "HỘ KINH DOANH SỬA XE UYÊN"),
    ("ho_kinh_doanh", "tt_huyen", "Thành Phố Bắc Ninh", "Thành phố Bắc Ninh"),
    ("ho_kinh_doanh", "ts_huyen", "QUẬn Đống Đa", "Quận Đống Đa"),
    # an address: a name goes on after a type word or a house number, not before
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 112 đường Trần phú, Phường Giảng võ, Thành phố Hà Nội",
     "Số 112 đường Trần Phú, Phường Giảng Võ, Thành phố Hà Nội"),
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 19/5 Xô viết Nghệ Tĩnh, Tổ dân phố 3, Phường Đa Kao",
     "Số 19/5 Xô Viết Nghệ Tĩnh, Tổ dân phố 3, Phường Đa Kao"),
    ("khai_sinh", "noi_sinh", "Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh", "Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh"),
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 93, ngõ 71 Lê Lợi, Phư ờng 2, Quận 3",
     "Số 93, ngõ 71 Lê Lợi, Phư ờng 2, Quận 3"),  # a syllable broken in two is no name going on
    # an address's later units in the case most of them were read in; a tie as read
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 85 đường Đội Cấn, phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội",
     "Số 85 đường Đội Cấn, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội"),
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 5 đường Lê Lợi, phường 2, quận 3, Thành phố Hồ Chí Minh",
     "Số 5 đường Lê Lợi, phường 2, quận 3, thành phố Hồ Chí Minh"),
    ("ho_kinh_doanh", "dia_chi_lien_lac", "Số 5 đường Lê Lợi, phường 2, Quận 3", "Số 5 đường Lê Lợi, phường 2, Quận 3"),
    # an agency's units below its province are written small; the province's type as read
    ("ct01", "co_quan", "Công an Phường An Hải Bắc, qUận Sơn Trà, Thành phố Đà Nẵng",
     "Công an phường An Hải Bắc, quận Sơn Trà, Thành phố Đà Nẵng"),
    ("ct01", "co_quan", "Công an phường Ninh Xá, Thành phố Bắc Ninh, Tỉnh Bắc Ninh",
     "Công an phường Ninh Xá, thành phố Bắc Ninh, Tỉnh Bắc Ninh"),
    ("ho_kinh_doanh", "co_quan", "Phòng Tài chính - Kế hoạch Quận Sơn Trà", "Phòng Tài chính - Kế hoạch quận Sơn Trà"),
    ("ho_kinh_doanh", "co_quan", "Phòng Tài chính - Kế hoạch Thành phố Vinh", "Phòng Tài chính - Kế hoạch Thành phố Vinh"),
    # names: one capital a syllable, or all capitals
    ("ct01", "ho_ten", "HOàng phương", "Hoàng Phương"),
    ("ho_kinh_doanh", "ho_ten", "PHẠM HOàNG BẢO", "PHẠM HOÀNG BẢO"),
    # left as read: e-mail addresses, figures
    ("ct01", "email", "DoHuong87@Gmail.com", "DoHuong87@Gmail.com"),
    ("ct01", "so_cccd", "0791 85296747", "0791 85296747"),
])
def test_a_hands_case_is_set_by_what_the_words_are(form: str, key: str, read: str, written: str) -> None:
    assert hand_case(SPECS[form, key], read) == written


def test_a_choice_read_with_a_neighbours_text_after_it_is_that_choice() -> None:
    relations = SPECS["ct01", "tv3_quan_he"].choices
    assert choice_head("Con 10 năm 2g 9", relations) == "Con"  # the date line below read on
    assert choice_head("Con dâu Nguyễn", relations) == "Con dâu"  # the longest choice it begins with
    assert choice_head("Nữ An Hải Bắc", ["Nam", "Nữ"]) == "Nữ"
    assert choice_head("Nam Nam", ["Nam", "Nữ"]) == "Nam"
    assert choice_head("Con dầu", relations) is None  # a longer choice misread: not junk after "Con"
    assert choice_head("Nữ", ["Nam", "Nữ"]) is None  # nothing after it
    assert choice_head("Năm 2019", ["Nam", "Nữ"]) is None  # a choice's letters, other marks: another word
    assert choice_head("Nứ Giảng Võ", ["Nam", "Nữ"]) is None


def test_a_reading_whose_look_alike_figure_its_type_put_back_is_one_to_vote_with() -> None:
    """``2g23`` read for ``2023``: the date check puts the figure back (``ocr_digits_guessed``); for a
    handwritten value that reading votes (its figures are asked about anyway)."""
    from fields.extract import _validate
    from fields.hand_read import _checked

    spec = SPECS["ho_kinh_doanh", "ngay_lap"]
    check = lambda text: _validate(spec, text, {}, None)  # noqa: E731 - the field's own checks
    assert check("ngày 25 tháng 01 năm 2g23") == (False, "ocr_digits_guessed", "25/01/2023")
    assert _checked(spec, check, "ngày 25 tháng 01 năm 2g23") == (True, None, "25/01/2023")
    assert _checked(spec, check, "ngày 25 nắng 01 năm 2023")[0] is False  # no date: still no vote


def test_a_typed_value_with_a_short_leaning_last_line_is_not_handwriting(tmp_path) -> None:  # noqa: ANN001
    """An address's long typed line stands upright; its last line ``Nghệ An`` (few strokes) measures a
    lean. The lines weigh by their characters, so the value is print (a plain median of two lines
    called it handwritten: tuning seed 206)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from fields.handwriting import HandwritingCheck, deslant, weighted_median
    from fields.text import Token
    from ocr.model import BBox, PageText, Word

    assert weighted_median([(0.0, 50), (0.5, 7)]) == 0.0
    assert weighted_median([(0.2, 10), (0.3, 10)]) == 0.25
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf", 40)
    page = Image.new("L", (2000, 260), 255)
    draw = ImageDraw.Draw(page)
    label, first, last = "Nơi cư trú:", "Số 12 Quang Trung, Phường Lê Lợi, Thành phố Vinh, Tỉnh", "Nghệ An"
    draw.text((20, 40), label, font=font, fill=0)
    draw.text((300, 40), first, font=font, fill=0)
    line = Image.new("L", (400, 70), 255)
    ImageDraw.Draw(line).text((20, 10), last, font=font, fill=0)
    page.paste(Image.fromarray(deslant(np.asarray(line), -0.45)), (20, 150))  # made to lean
    path = tmp_path / "page.png"
    page.save(path)

    def word(text: str, x: int, y: int, n: int) -> Word:
        box = draw.textbbox((x, y), text, font=font)
        return Word(text, BBox(box[0], box[1], box[2] - box[0], box[3] - box[1]), 0.95, n)

    words = [word(label, 20, 40, 0), word(first, 300, 40, 0), word(last, 40, 160, 1)]
    pages = [PageText(source_page=1, width=2000, height=260, dpi=200, words=tuple(words))]
    tokens = [Token(w.text, w.text.lower(), w.bbox, w.confidence, 0, w.line) for w in words[1:]]
    check = HandwritingCheck(pages, {1: path})
    assert check._slant(check._image(0), tokens[1:]) >= 0.1  # the short line alone leans
    assert check(0, tokens) is False  # the value, weighed by its lines, stands upright
