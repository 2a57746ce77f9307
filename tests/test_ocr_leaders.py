"""Dotted leaders of any typeface and size are erased; the dots of Vietnamese letters never are.

Lines are rendered in the sample forms' font families — the held-out ones too (FreeFont, DejaVu Sans
Condensed) — at the body sizes and scan resolutions the generator draws, and erased as the OCR step
does, with the x-height of the text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from fields.text import edits
from ocr.leaders import erase_leaders
from ocr.recognize import recognize
from ocr.scale import text_x_height
from sample_docs._render import font, leaders as draw_leaders

FAMILIES = ("liberation-serif", "liberation-mono", "dejavu-sans", "free-serif", "free-sans", "free-mono",
            "dejavu-condensed")
LABELS = ("Họ và tên: Nguyễn Thị Ngọc Diệp", "Nơi cư trú: Số 12 ngõ 7 phố Đội Cấn", "Quốc tịch: Việt Nam",
          "Ngày sinh: 01.02.1990")
DOTTED = ("Họ tên Đặng Thị Lựu, ở Phường Định Công, Quận Hoàng Mai, Thành phố Hà Nội.",
          "Bộ Tư pháp Cộng hòa xã hội chủ nghĩa Việt Nam: Độc lập - Tự do - Hạnh phúc.",
          "Số: .../QĐ-UBND. Mức phạt 1.250.000 đồng; ngày 01.02.2020; đội ngũ Ngụy Lịch Mộc.",
          "Nội dung: Trịnh Ngọc Bịch, Lục Ngạn, Bắc Giang; ỷ lại, ỉu xìu, kịp thời, cụ thể, ặc ặc.")


def _page(lines: tuple[str, ...], family: str, pt: float, dpi: int, *, leaders: bool) -> np.ndarray:
    px = round(pt / 72 * dpi)
    f = font("regular", px, family)
    im = Image.new("L", (round(7.5 * dpi), round((0.5 + 0.28 * len(lines)) * dpi)), 255)
    d = ImageDraw.Draw(im)
    x, base = round(0.3 * dpi), round(0.4 * dpi)
    for text in lines:
        d.text((x, base), text, font=f, fill=0, anchor="ls")
        if leaders:
            draw_leaders(d, x + f.getlength(text), round(7.2 * dpi), base, f)
        base += round(px * 1.5)
    return np.asarray(im).copy()


def _x_height(page: np.ndarray) -> float | None:
    return text_x_height((page < 128).astype(np.uint8))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("pt", "dpi"), [(11.5, 200), (13.5, 200), (11.5, 300), (13.5, 300)])
def test_leaders_of_every_face_and_size_go(family: str, pt: float, dpi: int) -> None:
    bare = _page(LABELS, family, pt, dpi, leaders=False)
    form = _page(LABELS, family, pt, dpi, leaders=True)
    cleaned = erase_leaders(form, dpi=dpi, x_height=_x_height(bare))
    dots = (form < 128) & (bare >= 128)
    text = bare < 128
    assert (cleaned[dots] >= 128).mean() > 0.97  # the leaders went
    assert (cleaned[text] < 128).all()  # every mark of the labels stayed, colons and full stops too


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("pt", "dpi"), [(11.5, 200), (13.5, 300), (10.0, 150)])
def test_the_dots_of_vietnamese_letters_stay(family: str, pt: float, dpi: int) -> None:
    page = _page(DOTTED, family, pt, dpi, leaders=False)
    for x_height in (_x_height(page), None):
        assert erase_leaders(page, dpi=dpi, x_height=x_height) is page  # nothing to erase


def _read(page: np.ndarray, dpi: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        Image.fromarray(page).save(path, dpi=(dpi, dpi))
        return " ".join(w.text for w in recognize(path).words)


@pytest.mark.parametrize("family", ["free-mono", "free-serif"])
def test_tesseract_reads_the_labels_and_not_the_leaders(family: str) -> None:
    dpi = 200
    bare = _page(LABELS, family, 13.5, dpi, leaders=False)
    form = _page(LABELS, family, 13.5, dpi, leaders=True)
    truth = " ".join(" ".join(LABELS).split())
    cleaned = erase_leaders(form, dpi=dpi, x_height=_x_height(bare))
    before, after = _read(form, dpi), _read(cleaned, dpi)
    assert "..." not in after and "…" not in after
    assert edits(after, truth) <= edits(before, truth)
    assert edits(after, truth) <= 0.03 * len(truth)


@pytest.mark.parametrize("diameter", [3, 5, 7, 9])
@pytest.mark.parametrize("pitch", [2.0, 3.0, 4.5])
def test_leader_dots_of_any_realistic_size_and_pitch_go(diameter: int, pitch: float) -> None:
    dpi = 300  # a 13-point face: x-height about 28 px; dots of 0.25-0.75 mm, 2-4.5 dot widths apart
    bare = _page(LABELS, "free-serif", 13.0, dpi, leaders=False)
    form = Image.fromarray(bare)
    d = ImageDraw.Draw(form)
    f = font("regular", round(13.0 / 72 * dpi), "free-serif")
    base = round(0.4 * dpi)
    for text in LABELS:
        x = round(0.3 * dpi) + f.getlength(text) + f.getlength(" ")
        while x + diameter < 7.2 * dpi:
            d.ellipse((x, base - diameter, x + diameter - 1, base - 1), fill=0)
            x += pitch * diameter + 1
        base += round(f.size * 1.5)
    form_ink = np.asarray(form)
    cleaned = erase_leaders(form_ink, dpi=dpi, x_height=_x_height(bare))
    dots = (form_ink < 128) & (bare >= 128)
    assert (cleaned[dots] >= 128).mean() > 0.97
    assert (cleaned[bare < 128] < 128).all()
