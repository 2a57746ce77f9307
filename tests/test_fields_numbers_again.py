"""CCCD numbers read with the wrong count of figures, read again from their own box
(``fields.numbers_again``), and labels wrapped over two lines of a narrow cell (``fields.labels``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from fields import extract, load_templates
from fields.extract import extract_with
from fields.labels import build_labels, find_labels
from fields.locate import prepare
from fields.numbers_again import read_numbers_again
from fields.reread import seal_free_reader
from fields.text import Token, document_lines, fold
from fields.values import RawValue
from ocr.model import BBox, PageText
from tests.test_fields import KET_HON_OCR, _page, _replace

FONT = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"
NUMBER = "079191238833"
AT = (600, 750)


def figures_page(folder: Path, text: str, font_path: str, size: int) -> tuple[Path, BBox]:
    """A 200-dpi A4 page with ``text`` printed at :data:`AT`, and the box its figures cover."""
    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (1654, 2339), 255)
    ImageDraw.Draw(image).text(AT, text, font=font, fill=0)
    left, top, right, bottom = font.getbbox(text)
    path = folder / "page-0001.png"
    image.save(path, dpi=(200, 200))
    return path, BBox(AT[0] + left, AT[1] + top, right - left, bottom - top)


@pytest.fixture(scope="module")
def number_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BBox]:
    """A page with a CCCD number, and the box its figures cover."""
    return figures_page(tmp_path_factory.mktemp("numbers"), NUMBER, FONT, 36)


def _raw(text: str, box: BBox, confidence: float = 0.37) -> RawValue:
    token = Token(text, fold(text), box, confidence, 0, 0)
    return RawValue(text, confidence, tokens=(token,))


def _ct01_raws(box: BBox, *, sex: str | None) -> dict:
    raws: dict = {"ngay_sinh": RawValue("23/09/1991", 0.95), "so_cccd": _raw("07919123833", box)}
    if sex:
        raws["gioi_tinh"] = RawValue(sex, 0.95)
    return raws


def _reader(path: Path):
    reread = seal_free_reader({1: path}, {1: PageText(1, 1654, 2339, 200)})
    return lambda page, box: reread(page, box, psm=7, whiten=False, leaders=True)


def test_a_number_missing_a_figure_is_read_again_and_kept_when_every_check_agrees(number_page) -> None:
    path, box = number_page
    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    page = PageText(1, 1654, 2339, 200)
    doc = prepare([[Token("x", "x", BBox(100, 100, 20, 20), 0.9, 0, 0)]], ct01)
    got = read_numbers_again(ct01, doc, _ct01_raws(box, sex="Nữ"), [page], _reader(path))["so_cccd"]
    assert (got.text, got.substituted) == ("079191238833", False)   # fresh reading; birth year, sex agree
    # without the holder's sex only the province code and birth year vouch for it: it goes to review
    got = read_numbers_again(ct01, doc, _ct01_raws(box, sex=None), [page], _reader(path))["so_cccd"]
    assert (got.text, got.substituted) == ("079191238833", True)


def test_a_number_read_wrong_again_is_read_other_ways_and_goes_to_review(number_page, tmp_path: Path) -> None:
    path, box = number_page
    blank = tmp_path / "page-0001.png"
    Image.new("L", (1654, 2339), 255).save(blank, dpi=(200, 200))   # the first way reads nothing
    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    doc = prepare([[Token("x", "x", BBox(100, 100, 20, 20), 0.9, 0, 0)]], ct01)
    page = PageText(1, 1654, 2339, 200)
    more = seal_free_reader({1: path}, {1: page})
    ways = (lambda p, b: more(p, b, psm=7, whiten=False),)   # another way that reads this page right
    got = read_numbers_again(ct01, doc, _ct01_raws(box, sex="Nữ"), [page], _reader(blank), more=ways)["so_cccd"]
    assert (got.text, got.substituted) == ("079191238833", True)   # read so only another way: reviewed
    got = read_numbers_again(ct01, doc, _ct01_raws(box, sex="Nữ"), [page], _reader(blank))["so_cccd"]
    assert got.text == "07919123833"                                 # without them: as read


def test_a_reading_that_fails_the_checks_is_not_taken(number_page) -> None:
    path, box = number_page
    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    doc = prepare([[Token("x", "x", BBox(100, 100, 20, 20), 0.9, 0, 0)]], ct01)
    raws = _ct01_raws(box, sex="Nam")   # the number's 1 says a woman: no agreement
    got = read_numbers_again(ct01, doc, raws, [PageText(1, 1654, 2339, 200)], _reader(path))["so_cccd"]
    assert got.text == "07919123833"


def test_two_side_cells_read_as_one_word_give_each_side_its_own_number(tmp_path: Path) -> None:
    """``CCCD số031187776317_CCCD số 048085063608`` all fell in the bride's cell; the box read again
    holds nothing better (a blank image), so each side takes the one run of twelve figures of the row
    that passes its own birth year and sex; mended, both go to review."""
    lines = _replace(KET_HON_OCR, "Giấy tờ tùy thân",
                     "Giấy tờ tùy thân (3) || CCCD số031187776317_CCCD số 048085063608")
    page = _page(lines, columns=(100, 700, 1500))
    blank = tmp_path / "page-0001.png"
    Image.new("L", (page.width, page.height), 255).save(blank, dpi=(200, 200))
    ket_hon = next(t for t in load_templates() if t.form_type == "ket_hon")
    got = extract_with([page], ket_hon, reread=seal_free_reader({1: blank}, {1: page}))
    assert (got["nu_so_cccd"].value, got["nu_so_cccd"].needs_review) == ("031187776317", True)
    assert (got["nam_so_cccd"].value, got["nam_so_cccd"].needs_review) == ("048085063608", True)


def test_a_label_wrapped_in_a_narrow_cell_is_found() -> None:
    lines = _replace(KET_HON_OCR, "Giấy tờ tùy thân", "Giấy tờ tùy || CCCD số 031187776317 || CCCD số 048185063608")
    index = lines.index("Giấy tờ tùy || CCCD số 031187776317 || CCCD số 048185063608")
    lines = lines[:index + 1] + ["thân (3)"] + lines[index + 1:]
    got = extract([_page(lines, columns=(100, 700, 1500))], load_templates()).fields
    assert (got["nu_so_cccd"].value, got["nam_so_cccd"].value) == ("031187776317", "048185063608")


def test_a_wrapped_value_and_the_next_line_do_not_make_a_short_label() -> None:
    """``Tôn, Phường …`` / ``Tỉnh Khánh Hòa`` join into letters close to ``Thông tin`` (two words): a
    wrapped label needs three words and a close match."""
    page = _page(["Tôn, Phường Nha Trang,", "Tỉnh Khánh Hòa"])
    labels = build_labels([("info", "Thông tin"), ("id", "Giấy tờ tùy thân")])
    assert find_labels(document_lines([page]), labels) == [[], []]


def test_a_wrapped_label_wins_over_a_weaker_match_of_its_first_line() -> None:
    """``Họ, chữ đệm, tên người`` / ``yêu cầu :`` with the name right of the first line: read alone,
    the first line is ``… tên người mẹ`` at 0.94; joined to the line below it is the applicant's label."""
    page = _page(["Họ, chữ đệm, tên người Đặng Mai Hương", "yêu cầu :"])
    labels = build_labels([("nyc", "Họ, chữ đệm, tên người yêu cầu"), ("me", "Họ, chữ đệm, tên người mẹ")])
    lines = document_lines([page])
    got = find_labels(lines, labels)
    assert [(sorted(m.label.owners), m.start, m.end) for m in got[0]] == [(["nyc"], 0, 5)] and got[1] == []
    assert " ".join(t.text for t in lines[0][5:]) == "Đặng Mai Hương"


def test_a_reading_a_figure_too_long_is_no_run_to_pick_from(tmp_path: Path) -> None:
    """``0311877763177``: one figure doubled. Which twelve are right no check tells (only the first six
    are checked), so no run is picked from it, nor from the row around it: left as read, for review."""
    lines = _replace(KET_HON_OCR, "Giấy tờ tùy thân",
                     "Giấy tờ tùy thân (3) || CCCD số 0311877763177 || CCCD số 048085063608")
    page = _page(lines, columns=(100, 700, 1500))
    blank = tmp_path / "page-0001.png"
    Image.new("L", (page.width, page.height), 255).save(blank, dpi=(200, 200))
    ket_hon = next(t for t in load_templates() if t.form_type == "ket_hon")
    got = extract_with([page], ket_hon, reread=seal_free_reader({1: blank}, {1: page}))
    assert (got["nu_so_cccd"].value, got["nu_so_cccd"].reason) == ("0311877763177", "cccd_length")
    assert got["nam_so_cccd"].value == "048085063608"
