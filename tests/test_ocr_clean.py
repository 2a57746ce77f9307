"""Do no harm (issue #16): each cleaning step of the OCR copy keeps the text it should keep."""

from __future__ import annotations

import cv2
import numpy as np
from conftest import FONT
from PIL import Image, ImageDraw, ImageFont

from ocr.background import flatten_light
from ocr.clean import clean_copy, ink_removed
from ocr.leaders import erase_leaders
from ocr.rules import erase_rules, line_mask
from ocr.scale import text_x_height
from ocr.specks import erase_specks


def _lines(lines: list[str], *, dpi: int, pt: float = 12, size: tuple[float, float] = (6.0, 3.0),
           paper: int = 248) -> np.ndarray:
    im = Image.new("L", (round(size[0] * dpi), round(size[1] * dpi)), paper)
    font = ImageFont.truetype(str(FONT), round(pt / 72 * dpi))
    for n, line in enumerate(lines):
        ImageDraw.Draw(im).text((round(0.3 * dpi), round((0.3 + 0.3 * n) * dpi)), line, font=font, fill=20)
    return np.asarray(im).copy()


def _ink(gray: np.ndarray) -> np.ndarray:
    return gray < 128


def test_specks_keep_list_dashes_commas_and_stacked_tone_marks_at_300_dpi() -> None:
    page = _lines(["- Như trên;", "- CT, PCT UBND tỉnh; Lưu: VT, P.KTTH.",
                   "Luật Tổ chức chính quyền, sửa đổi, bổ sung một số điều"], dpi=300, pt=11)
    before = page.copy()
    page[40:46, 1500:1506] = 30  # dust in the margin
    page[700:705, 900:905] = 30  # and between lines
    cleaned = erase_specks(page, dpi=300)
    assert cleaned[40:46, 1500:1506].min() > 200 and cleaned[700:705, 900:905].min() > 200
    assert np.array_equal(_ink(cleaned) & _ink(before), _ink(before))  # every mark of the text is kept


def test_specks_back_off_when_the_dots_are_the_page_s_letters() -> None:
    tiny = _lines(["Họ và tên: Nguyễn Văn An, sinh năm 1990"] * 6, dpi=72, pt=12)  # read as if 300 dpi
    assert ink_removed(tiny, erase_specks(tiny, dpi=300)) < 0.02
    x_height = text_x_height(_ink(tiny).astype(np.uint8))
    assert x_height is not None and x_height < 8
    assert ink_removed(tiny, erase_specks(tiny, dpi=300, x_height=x_height)) < 0.02


def test_leaders_go_but_letters_at_a_misjudged_scale_stay() -> None:
    form = _lines(["Họ, chữ đệm, tên: " + "." * 60, "Ngày sinh: " + "." * 70], dpi=200)
    cleaned = erase_leaders(form, dpi=200)
    assert ink_removed(form, cleaned) > 0.1  # the dots went
    assert cleaned[60:160, 60:400].min() < 100  # the labels stayed
    tiny = _lines(["minh mini mimi nini iiiii ....."] * 5, dpi=72, pt=12)
    x_height = text_x_height(_ink(tiny).astype(np.uint8))
    kept = erase_leaders(tiny, dpi=300, x_height=x_height)
    assert ink_removed(tiny, kept) < 0.03


def test_rules_never_take_a_text_row_a_shadow_turned_into_a_band() -> None:
    band = np.zeros((600, 1200), np.uint8)
    band[200:260, 50:1150] = 1  # a row of text that a global threshold merged under a shadow
    band[400:403, 50:1150] = 1  # and a printed rule
    lines = line_mask(band, dpi=200)
    assert lines[400:403, 60:1140].all() and not lines[210:250].any()


def test_under_uneven_light_the_cleaned_copy_keeps_every_text_row() -> None:
    page = _lines(["Họ, chữ đệm, tên người yêu cầu: Trần Thị Mai", "Nơi cư trú: Số 5 đường Lê Lợi",
                   "Quê quán: Tỉnh Nghệ An", "Ngày, tháng, năm sinh: 01/02/1990"], dpi=200).astype(np.float32)
    ys, xs = np.mgrid[0:page.shape[0], 0:page.shape[1]]
    light = 1.0 - 0.55 * (cv2.GaussianBlur((xs > page.shape[1] * 0.55).astype(np.float32), (0, 0), 40))
    shaded = (page * light).clip(0, 255).astype(np.uint8)  # a phone's shadow over the right half
    ImageDraw.Draw(im := Image.fromarray(shaded)).line([(60, 560), (1100, 560)], fill=30, width=3)
    shaded = np.asarray(im)
    text = _ink(page.astype(np.uint8))
    cleaned = clean_copy(flatten_light(shaded, dpi=200), dpi=200)
    kept = (cleaned < 160) & text
    assert kept.sum() >= 0.97 * text.sum()
    assert cleaned[555:566, 100:1000].min() > 200  # the rule went


def test_printed_table_borders_still_go_on_an_even_page() -> None:
    page = _lines(["Số định danh cá nhân: 001203004567"], dpi=200)
    ImageDraw.Draw(im := Image.fromarray(page)).rectangle([40, 40, 1150, 130], outline=0, width=2)
    cleaned = erase_rules(np.asarray(im), dpi=200)
    assert cleaned[40:43, 300:900].min() > 200 and cleaned[60:110, 40:43].min() > 200
    assert _ink(cleaned)[55:120, 60:1100].sum() >= 0.95 * _ink(page)[55:120, 60:1100].sum()



def _list_with_broken_dashes() -> np.ndarray:
    """A "Nơi nhận" list at 300 dpi, 12 pt, each list dash broken in two a pixel apart (a worn dash
    through a threshold: two dot-sized pieces, neither dash-shaped, as on a real provincial scan)."""
    page = _lines(["- Như trên;", "- CT, PCT UBND tỉnh;", "- Lưu: VT, P.KTTH."], dpi=300, pt=12)
    _, _, stats, _ = cv2.connectedComponentsWithStats(_ink(page).astype(np.uint8), connectivity=8)
    dashes = [s for s in stats[1:] if s[2] >= 2 * s[3] and s[0] < 0.4 * 300]
    assert len(dashes) == 3
    for x, _, w, _, _ in dashes:
        page[:, x + w // 2] = 255
    return page


def test_specks_judge_a_mark_broken_a_pixel_apart_whole() -> None:
    page = _list_with_broken_dashes()
    before = page.copy()
    page[40:46, 1500:1506] = 30  # dust in the margin still goes
    cleaned = erase_specks(page, dpi=300)
    assert cleaned[40:46, 1500:1506].min() > 200
    assert np.array_equal(_ink(cleaned) & _ink(before), _ink(before))  # both halves of every dash kept


def test_a_list_with_broken_dashes_still_reads_its_dashes(tmp_path) -> None:  # noqa: ANN001
    from ocr.recognize import recognize

    path = tmp_path / "list.png"
    Image.fromarray(clean_copy(_list_with_broken_dashes(), dpi=300)).save(path, dpi=(300, 300))
    words = [w.text for w in recognize(path).words]
    assert words == ["-", "Như", "trên;", "-", "CT,", "PCT", "UBND", "tỉnh;", "-", "Lưu:", "VT,", "P.KTTH."]


def test_under_150_dpi_dust_a_pixel_apart_is_not_joined_into_a_mark() -> None:
    page = _lines(["Quốc tịch: Việt Nam", "Dân tộc: Kinh", "Họ và tên: Nguyễn Văn An", "Nơi cư trú: Số 5 đường Lê Lợi",
                   "Quê quán: Tỉnh Nghệ An"], dpi=75, pt=12)
    ink = _ink(page)
    right = int(np.flatnonzero(ink[18:34].any(axis=0)).max()) + 6  # a word space after "Việt Nam"
    rows = np.flatnonzero(ink[:, 40:120].any(axis=1))
    base = int(rows[rows < 40].max()) + 1
    x = right
    for _ in range(12):  # dots a pixel apart on the line (a leader the leader step left, dust)
        page[base - 2:base, x:x + 2] = 40
        x += 3
    cleaned = erase_specks(page, dpi=75)
    assert _ink(cleaned)[base - 6:base + 2, right:x].sum() == 0  # every dot went: at 75 dpi a pixel is a gap,
    # not a break in a dash (joined, the dots were a dash beside a word and stayed)
    assert np.array_equal(_ink(cleaned)[:, :right - 4], ink[:, :right - 4])  # the text stayed


def test_at_200_dpi_joining_moves_no_dust_off_its_place() -> None:
    page = _lines(["Số định danh cá nhân: 079178232245"], dpi=200)
    before = page.copy()
    for y, x in [(20, 1000), (300, 150), (450, 1100)]:  # lone dust pixels, one on the page's edge
        page[y, x] = 0
    page[0, 600:602] = 0
    cleaned = erase_specks(page, dpi=200)
    assert np.array_equal(_ink(cleaned), _ink(before))  # each went, where it was; the text stayed


def test_joining_closes_gaps_of_its_width_and_moves_nothing() -> None:
    from ocr.specks import _joined

    ink = np.zeros((7, 14), np.uint8)
    ink[3, [2, 5, 6, 8]] = 1  # a 2-pixel gap, then a 1-pixel gap
    ink[0, 13] = ink[6, 0] = 1  # lone pixels on the edges
    one = _joined(ink, gap=1)  # 150-299 dpi
    assert one[3].tolist() == [0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert one[0, 13] == one[6, 0] == 1 and one.sum() == ink.sum() + 1  # nothing else grew or moved
    two = _joined(ink, gap=2)  # 300 dpi
    assert two[3].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0] and two.sum() == ink.sum() + 3
    assert _joined(ink, gap=0) is ink  # under 150 dpi


def test_specks_a_pixel_apart_that_are_all_dust_stay_dust(tmp_path) -> None:  # noqa: ANN001
    from ocr.recognize import recognize

    page = _lines(["Đăng ký hộ kinh doanh do tôi là chủ hộ"], dpi=300, pt=12)
    ink = _ink(page)
    right, top = int(np.flatnonzero(ink.any(axis=0)).max()), int(np.flatnonzero(ink.any(axis=1)).min())
    x0, y0 = right + 18, top + 2  # what a lifted seal leaves: specks a pixel apart, a letter's size in all
    for r in range(9):
        for c in range(7):
            page[y0 + 3 * r:y0 + 3 * r + 2, x0 + 3 * c:x0 + 3 * c + 2] = 60
    cleaned = erase_specks(page, dpi=300)
    assert _ink(cleaned)[y0:y0 + 27, x0:x0 + 21].sum() == 0  # joined they are no letter: all of it goes
    assert np.array_equal(_ink(cleaned)[:, :right + 5], ink[:, :right + 5])
    path = tmp_path / "line.png"
    Image.fromarray(clean_copy(page, dpi=300)).save(path, dpi=(300, 300))
    assert recognize(path).text == "Đăng ký hộ kinh doanh do tôi là chủ hộ"


_MONO = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"
"""A face whose zero has a dot in its counter (a form filled on a typewriter-like face)."""


def _typed(lines: list[str], font: str, *, dpi: int = 200) -> np.ndarray:
    im = Image.new("L", (round(7.5 * dpi), round(0.3 * dpi * (len(lines) + 1))), 248)
    face = ImageFont.truetype(font, round(12 / 72 * dpi))
    for n, line in enumerate(lines):
        ImageDraw.Draw(im).text((round(0.3 * dpi), round((0.2 + 0.3 * n) * dpi)), line, font=face, fill=20)
    return np.asarray(im).copy()


def test_dotted_zeros_lose_their_dot_and_read_as_zeros(tmp_path) -> None:  # noqa: ANN001
    """Tesseract reads a dotted zero as 6 or 9 (``691094444642``, ``120.000.6000``, ``2060``): without
    its dot it reads ``0``. Nothing else is erased: not a box round a figure, not the tone marks."""
    from ocr.counters import erase_counter_dots
    from ocr.recognize import recognize

    lines = ["4. Vốn kinh doanh (bằng số; VNĐ): 120.000.000", "Số định danh cá nhân: 001094444642",
             "Sinh năm: 2000", "Tôi là: HỒ THỊ ÔN, ngõ 10 Lê Lợi"]
    page = _typed(lines, _MONO)
    cleaned = clean_copy(page, dpi=200, x_height=text_x_height(_ink(page).astype(np.uint8)))
    path = tmp_path / "mono.png"
    Image.fromarray(cleaned).save(path, dpi=(200, 200))
    assert " ".join(w.text for w in recognize(path).words) == " ".join(lines)
    assert 0 < ink_removed(page, erase_counter_dots(page, dpi=200)) < 0.05    # the dots, a little of the ink
    serif = _typed(lines, str(FONT))
    boxed = serif.copy()
    cv2.rectangle(boxed, (1200, 40), (1240, 100), 20, 2)                      # a box round a figure
    ImageDraw.Draw(im := Image.fromarray(boxed)).text((1208, 48), "0", font=ImageFont.truetype(_MONO, 33), fill=20)
    boxed = np.asarray(im)
    kept = erase_counter_dots(boxed, dpi=200)
    assert np.array_equal(erase_counter_dots(serif, dpi=200), serif)          # no dotted zero: nothing goes
    assert ink_removed(boxed, kept) < 0.002 and (kept[40:101, 1200:1241] < 128).sum() > 200


def test_dotted_zeros_whose_dot_touches_the_ring_read_as_zeros(tmp_path) -> None:  # noqa: ANN001
    """A photocopy thickens a dotted zero's dot until it joins the ring: the counter is cut in two, no
    dot stands alone, and Tesseract reads the zero as 6 or 8 (``536.666.666``, ``6356255639``). The
    hull of the two halves painted white leaves a ring, read ``0``; an ``8``, a ``B`` and an ``e``
    thickened the same way are left alone."""
    from ocr.counters import bridged_counters
    from ocr.recognize import recognize

    lines = ["Vốn kinh doanh (bằng số; VNĐ): 530.000.000", "Điện thoại: 0356255039", "Sinh năm: 2000, Bé 88 đê"]
    for font in ("/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
                 "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"):
        page = cv2.erode(_typed(lines, font), np.ones((2, 2), np.uint8), iterations=2)   # a copy of a copy
        cleaned = clean_copy(page, dpi=200, x_height=text_x_height(_ink(page).astype(np.uint8)))
        path = tmp_path / "copied.png"
        Image.fromarray(cleaned).save(path, dpi=(200, 200))
        words = [w.text for w in recognize(path).words]
        assert "530.000.000" in " ".join(words).replace(" ", "") or "530000000" in "".join(words)
        assert {"0356255039", "2000,", "88"} <= set(words)
    for font in (str(FONT), "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
                 "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"):
        thick = cv2.erode(_typed(["Bé 88 BB 8.888 đê eee 0369 ôê"], font), np.ones((2, 2), np.uint8), iterations=2)
        assert bridged_counters(_ink(thick).astype(np.uint8), dpi=200) == []
