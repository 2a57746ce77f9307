"""Lines the page's OCR garbled or dropped, read again with their leaders erased (``fields.relines``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from fields.relines import read_again
from fields.reread import seal_free_reader
from fields.text import document_lines
from ocr.model import BBox, PageText, Word

FONT = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"
ADDRESS = "Địa chỉ: Số 28 đường Lê Hoàn, Thành phố"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PageText]:
    """A form page whose address wraps onto ``Hà Nội`` followed by a leader of large dots (7×8 px at
    200 dpi, as some typefaces print them), and its OCR reading by Tesseract."""
    from ocr.recognize import recognize

    font = ImageFont.truetype(FONT, 36)
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    draw.text((220, 500), ADDRESS, font=font, fill=0)
    draw.text((220, 557), "Hà Nội", font=font, fill=0)
    for x in range(370, 1100, 11):
        draw.rectangle((x, 582, x + 6, 589), fill=0)
    draw.text((220, 680), "Điện thoại: 0912345678", font=font, fill=0)
    path = tmp_path_factory.mktemp("relines") / "page-0001.png"
    image.save(path, dpi=(200, 200))
    return path, recognize(path, psm=4)


def _reader(path: Path, read: PageText, calls: list | None = None):
    reread = seal_free_reader({1: path}, {1: read})

    def reader(source_page: int, box: tuple[float, float, float, float]):
        if calls is not None:
            calls.append(box)
        return reread(source_page, box, psm=11, whiten=False, leaders=True)
    return reader


def _wrapped_line(read: PageText) -> int:
    return next(w.line for w in read.words if w.bbox.top > 540 and w.bbox.top < 620)


def _text(lines) -> list[str]:
    return [" ".join(t.text for t in line) for line in lines]


def test_large_leader_dots_are_erased_before_the_band_is_read(page) -> None:
    path, read = page
    reread = seal_free_reader({1: path}, {1: read})
    band = (0.1, 545 / 2339, 0.95, 605 / 2339)
    lines = reread(1, band, psm=11, whiten=False, leaders=True)
    assert "Hà Nội" in " ".join(t.text for line in lines for t in line)


def test_a_dropped_wrapped_line_is_read_again_and_put_in(page) -> None:
    """The address runs to the margin and no line follows within a line's pitch: the band below is
    read again, and its line goes in after the address (line indices renumbered)."""
    path, read = page
    dropped = replace(read, words=tuple(w for w in read.words if w.line != _wrapped_line(read)))
    lines = document_lines([dropped])
    assert len(lines) == 2
    got = read_again(lines, [dropped], _reader(path, dropped))
    assert len(got) == 3 and _text(got)[1].startswith("Hà Nội")
    assert [t.line for t in got[2]] == [2] * len(got[2]) and all(t.page == 0 for line in got for t in line)


def test_a_garbled_line_is_replaced_by_a_surer_reading(page) -> None:
    path, read = page
    wrapped = _wrapped_line(read)
    garbled = [Word("=E“=", BBox(223, 561, 136, 24), 0.0, wrapped), Word("/Šằ", BBox(592, 580, 29, 5), 0.0, wrapped),
               Word("ẰằẰ", BBox(630, 557, 20, 38), 0.01, wrapped)]
    spoilt = replace(read, words=tuple(w for w in read.words if w.line != wrapped) + tuple(garbled))
    got = read_again(document_lines([spoilt]), [spoilt], _reader(path, spoilt))
    assert _text(got)[1].startswith("Hà Nội")


def test_lines_read_surely_are_not_read_again(body_page) -> None:
    """Nothing garbled, nothing dropped, no line cut short: no band is read again."""
    path, read = body_page
    calls: list = []
    lines = document_lines([read])
    got = read_again(lines, [read], _reader(path, read, calls))
    assert _text(got) == _text(lines) and not calls


BODY = ["1. Họ và tên: Lê Ngọc Mai", "2. Ngày sinh: 27/05/1992", "3. Dân tộc: Kinh        Quốc tịch: Việt Nam",
        "4. Số điện thoại: 0912345678", "5. Quê quán: Hà Nội"]


@pytest.fixture(scope="module")
def body_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PageText]:
    """A form's body: five lines at the text's left edge, one pitch apart, and Tesseract's reading."""
    from ocr.recognize import recognize

    font = ImageFont.truetype(FONT, 36)
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    for n, text in enumerate(BODY):
        draw.text((220, 500 + 57 * n), text, font=font, fill=0)
    path = tmp_path_factory.mktemp("relines") / "page-0001.png"
    image.save(path, dpi=(200, 200))
    return path, recognize(path, psm=4)


def _line_of(read: PageText, top: int) -> int:
    return next(w.line for w in read.words if abs(w.bbox.top - top) < 25)


def test_a_body_line_not_read_between_two_others_is_read_and_put_in(body_page) -> None:
    path, read = body_page
    dropped = replace(read, words=tuple(w for w in read.words if w.line != _line_of(read, 500 + 57 * 2)))
    got = read_again(document_lines([dropped]), [dropped], _reader(path, dropped))
    assert len(got) == 5 and "Dân tộc : Kinh Quốc tịch : Việt Nam" in _text(got)[2]


def test_a_body_line_whose_start_was_lost_is_read_again_from_the_left(body_page) -> None:
    """``Dân tộc: Kinh   Quốc tịch: Việt Nam`` read from ``Quốc tịch`` only, far right of the lines
    around it: the band is read again and the reading that starts further left replaces it."""
    path, read = body_page
    third = _line_of(read, 500 + 57 * 2)
    start = next(w.bbox.left for w in read.words if w.line == third and w.text.startswith("Quốc"))
    cut = replace(read, words=tuple(w for w in read.words if w.line != third or w.bbox.left >= start))
    lines = document_lines([cut])
    assert _text(lines)[2].startswith("Quốc")
    got = read_again(lines, [cut], _reader(path, cut))
    assert "Dân tộc : Kinh Quốc tịch : Việt Nam" in _text(got)[2]
