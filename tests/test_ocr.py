"""Preprocessing, Tesseract OCR and PDF/A assembly on rendered pages, with the real tools."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import page as pdfa_validator
import numpy as np
import pikepdf
import pytest
from PIL import Image

from conftest import blank_back, render_text_page, turn_and_skew
from ocr.model import PageGeometry
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from ocr.preprocess import preprocess_page, scan_standard_issues
from ocr.recognize import recognize
from sohoa.errors import ToolError

META = PdfMetadata(title="Tờ khai đăng ký khai sinh — test", subject="test", creator_tool="sohoa tests",
                   created=datetime(2026, 1, 2, 9, 30, tzinfo=timezone(timedelta(hours=7))))


def _save(im: Image.Image, path: Path, dpi: int = 200) -> Path:
    im.save(path, dpi=(dpi, dpi), quality=85)
    return path


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [-6.5, 0.0, 2.7])
def test_orientation_and_skew_are_undone(tmp_path: Path, text_page: Image.Image, turn: int, skew: float) -> None:
    src = _save(turn_and_skew(text_page, turn_ccw=turn, skew=skew), tmp_path / "p.jpg")
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    assert not geo.blank
    assert geo.rotation == turn  # turned counter-clockwise by `turn`: undone by `turn` clockwise
    assert abs(geo.skew + skew) <= 0.3
    with Image.open(tmp_path / "ocr.png") as ocr_copy:
        assert ocr_copy.info["dpi"][0] == pytest.approx(300, abs=1)
        assert ocr_copy.width < ocr_copy.height  # upright A4


def test_blank_back_with_bleed_through_is_blank_but_two_short_lines_are_not(tmp_path: Path) -> None:
    back = _save(blank_back(), tmp_path / "back.jpg")
    assert preprocess_page(back, tmp_path / "b.png", source_page=2, dpi=200, mode="RGB").blank
    short = _save(render_text_page(lines=["Ghi chú: đã nhận đủ hồ sơ", "Cán bộ tiếp nhận: Lê Văn Tâm"]),
                  tmp_path / "short.jpg")
    assert not preprocess_page(short, tmp_path / "s.png", source_page=1, dpi=200, mode="RGB").blank


def test_scan_standard_flags_low_dpi_and_bilevel() -> None:
    assert scan_standard_issues(dpi=300, mode="RGB") == ()
    assert scan_standard_issues(dpi=150, mode="1") == ("low_dpi", "bilevel")
    assert "greyscale" in scan_standard_issues(dpi=300, mode="L")


def test_tesseract_reads_vietnamese_in_nfc_with_boxes(tmp_path: Path, text_page: Image.Image) -> None:
    src = _save(text_page, tmp_path / "p.jpg")
    preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    page = recognize(tmp_path / "ocr.png")
    assert "Nguyễn Thị Hồng Nhung" in page.text
    assert unicodedata.is_normalized("NFC", page.text)
    assert 0.8 < page.confidence <= 1.0
    word = next(w for w in page.words if w.text == "Nhung")
    assert 0 < word.bbox.left < page.width and 0 < word.bbox.top < page.height


def test_tesseract_timeout_is_a_tool_error(tmp_path: Path, text_page: Image.Image) -> None:
    src = _save(text_page.resize((text_page.width * 3, text_page.height * 3)), tmp_path / "big.png")
    with pytest.raises(ToolError) as info:
        recognize(src, timeout=0.05)
    assert info.value.reason == "tool_timeout"


def _pdf_for(tmp_path: Path, im: Image.Image, *, turn: int = 0, skew: float = 0.0) -> tuple[Path, PageGeometry]:
    src = _save(turn_and_skew(im, turn_ccw=turn, skew=skew), tmp_path / "p.jpg")
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    recognize(tmp_path / "ocr.png", text_pdf_dest=tmp_path / "layer.pdf")
    out = build_pdfa([PdfPage(src, geo, tmp_path / "layer.pdf")], tmp_path / "out.pdf", metadata=META)
    return out, geo


def test_pdfa_is_valid_searchable_and_keeps_the_jpeg_bytes(tmp_path: Path, text_page: Image.Image) -> None:
    out, _ = _pdf_for(tmp_path, text_page, turn=90, skew=3.0)
    result = pdfa_validator.validate_pdf(str(out), profile="2b")
    assert result.is_compliant, [f.rule_id for f in result.failures]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Nguyễn Thị Hồng Nhung" in unicodedata.normalize("NFC", text)
    with pikepdf.open(out) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.read_raw_bytes() == (tmp_path / "p.jpg").read_bytes()
        assert str(pdf.open_metadata()["pdfaid:part"]) == "2"
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert width < height  # the turned scan is shown upright


def test_text_layer_lines_up_with_the_word_on_the_image(tmp_path: Path, text_page: Image.Image) -> None:
    out, _ = _pdf_for(tmp_path, text_page, turn=180, skew=-4.0)
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Nhung</word>', html)
    assert match, "the word is not in the text layer"
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    # Render the page: the word's box holds ink; the same box moved past the end of the line
    # ("Nhung" ends it) or one line gap down holds only paper.
    png = tmp_path / "render"
    subprocess.run(["pdftoppm", "-r", "144", "-png", "-singlefile", str(out), str(png)], check=True)
    with Image.open(f"{png}.png") as im:
        dark = np.asarray(im.convert("L")) < 128
    box = [round(v * 2) for v in (x0, y0, x1, y1)]

    def ink(dx: int = 0, dy: int = 0) -> float:
        return float(dark[box[1] + dy:box[3] + dy, box[0] + dx:box[2] + dx].mean())

    assert ink() > 0.1
    assert ink(dx=3 * (box[2] - box[0])) < 0.01
