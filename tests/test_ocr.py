"""Preprocessing, Tesseract OCR and PDF/A assembly on rendered pages, with the real tools."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import page as pdfa_validator
import pikepdf
import pytest
from conftest import blank_back, render_text_page, turn_and_skew
from PIL import Image

from ocr.model import BBox, PageGeometry, Word
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from ocr.preprocess import ocr_dpi, preprocess_page, scan_standard_issues
from ocr.recognize import judge_words, recognize
from ocr.rules import erase_rules
from ocr.specks import erase_specks
from ocr.syllables import suspicious
from sohoa.clock import VN_TZ
from sohoa.errors import ToolError

META = PdfMetadata(title="Tờ khai đăng ký khai sinh — test", subject="test", creator_tool="sohoa tests",
                   created=datetime(2026, 1, 2, 9, 30, tzinfo=VN_TZ))


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
        assert ocr_copy.info["dpi"][0] == pytest.approx(200, abs=1)  # read at the scan's own resolution
        assert ocr_copy.width < ocr_copy.height  # upright A4


def test_blank_back_with_bleed_through_is_blank_but_two_short_lines_are_not(tmp_path: Path) -> None:
    back = _save(blank_back(), tmp_path / "back.jpg")
    assert preprocess_page(back, tmp_path / "b.png", source_page=2, dpi=200, mode="RGB").blank
    short = _save(render_text_page(lines=["Ghi chú: đã nhận đủ hồ sơ", "Cán bộ tiếp nhận: Lê Văn Tâm"]),
                  tmp_path / "short.jpg")
    assert not preprocess_page(short, tmp_path / "s.png", source_page=1, dpi=200, mode="RGB").blank
    name = _save(render_text_page(lines=["TRẦN VĂN HÙNG"]), tmp_path / "name.jpg")  # 11 glyphs in one line
    assert not preprocess_page(name, tmp_path / "n.png", source_page=1, dpi=200, mode="RGB").blank


def test_ocr_copy_keeps_office_resolutions_and_brings_others_to_300_dpi() -> None:
    assert [ocr_dpi(d) for d in (150, 200, 300, 400, 600)] == [300, 200, 300, 400, 300]


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


def _ocr_worker_pids() -> list[int]:
    """This test process's Tesseract workers, found in /proc like any other process."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and (b"ocr_worker" in cmdline or b"sohoa-ocr-worker" in cmdline):  # module or script
            pids.append(int(entry.name))
    return pids


def test_a_crashed_or_hung_tesseract_worker_costs_one_page(tmp_path: Path, text_page: Image.Image) -> None:
    src = _save(text_page, tmp_path / "p.jpg")
    preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    assert "Nhung" in recognize(tmp_path / "ocr.png").text
    [pid] = _ocr_worker_pids()  # one worker, kept loaded between pages
    assert "Nhung" in recognize(tmp_path / "ocr.png").text and _ocr_worker_pids() == [pid]
    os.kill(pid, signal.SIGSTOP)  # the worker is busy with this page when Tesseract dies
    crashed: list[BaseException] = []

    def read() -> None:
        try:
            recognize(tmp_path / "ocr.png", timeout=30)
        except ToolError as exc:
            crashed.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)
    os.kill(pid, signal.SIGKILL)
    reader.join()
    assert [e.reason for e in crashed] == ["tool_crashed"]
    assert "Nhung" in recognize(tmp_path / "ocr.png").text  # the next page gets a new worker
    [pid] = _ocr_worker_pids()
    os.kill(pid, signal.SIGSTOP)  # Tesseract hangs on this page
    with pytest.raises(ToolError) as hung:
        recognize(tmp_path / "ocr.png", timeout=2)
    assert hung.value.reason == "tool_timeout"
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert "Nhung" in recognize(tmp_path / "ocr.png").text


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


@pytest.mark.parametrize("mode", ["RGB", "L", "1"])
def test_png_pages_are_embedded_without_recompression_and_decode_to_the_same_pixels(
        tmp_path: Path, text_page: Image.Image, mode: str) -> None:
    src = tmp_path / "p.png"
    text_page.convert(mode).save(src, dpi=(200, 200), compress_level=3)
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode=mode)
    out = build_pdfa([PdfPage(src, geo, None)], tmp_path / "out.pdf", metadata=META)
    result = pdfa_validator.validate_pdf(str(out), profile="2b")
    assert result.is_compliant, [f.rule_id for f in result.failures]
    with pikepdf.open(out) as pdf:
        stream = next(iter(pdf.pages[0].get_images().values()))
        assert stream.DecodeParms.Predictor == 15
        raw = stream.read_raw_bytes()
        embedded = pikepdf.PdfImage(stream).as_pil_image()
    png, pos, idat = src.read_bytes(), 8, b""
    while pos < len(png):  # the PNG's own zlib data, split over IDAT chunks
        length = int.from_bytes(png[pos:pos + 4], "big")
        if png[pos + 4:pos + 8] == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    assert raw == idat  # embedded as it is, not decoded and compressed again
    with Image.open(src) as original:
        assert np.array_equal(np.asarray(embedded.convert("L")), np.asarray(original.convert("L")))


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


@pytest.mark.parametrize("skew", [0.0, 8.0, -8.0])
def test_skew_up_to_eight_degrees_is_measured_without_bias(tmp_path: Path, text_page: Image.Image, skew: float) -> None:
    src = _save(turn_and_skew(text_page, turn_ccw=0, skew=skew), tmp_path / "p.jpg")
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    assert abs(geo.skew + skew) <= 0.1
    if skew == 0:
        assert abs(geo.skew) <= 0.02  # resampling the mask used to read a level page as -0.05°


@pytest.mark.parametrize(("turn", "skew"), [(0, 4.5), (180, -7.0), (90, 4.5)])
def test_a_one_line_page_is_not_blank_and_comes_out_upright(tmp_path: Path, turn: int, skew: float) -> None:
    # The ink vote alone read this page upside down at (0, 4.5) and (180, -7); a single line
    # of 11 glyphs used to count as a blank back.
    page = render_text_page(lines=["Hà Nội, ngày 12 tháng 3 năm 2024"])
    src = _save(turn_and_skew(page, turn_ccw=turn, skew=skew), tmp_path / "p.jpg")
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    assert not geo.blank
    assert geo.rotation == turn


def _boxed_digits_page(digits: str, dpi: int = 200) -> Image.Image:
    from conftest import FONT
    from PIL import ImageDraw, ImageFont

    page = render_text_page(lines=["Số định danh cá nhân:"])
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), int(13 / 72 * dpi))
    side, x, top = int(0.2 * dpi), int(3.2 * dpi), int(1.0 * dpi) - 4
    for digit in digits:
        draw.rectangle([x, top, x + side, top + side], outline=(20, 20, 20), width=2)
        draw.text((x + side // 4, top + 3), digit, font=font, fill=(20, 20, 20))
        x += side
    return page


def test_digits_in_printed_boxes_read_as_one_number(tmp_path: Path) -> None:
    src = _save(turn_and_skew(_boxed_digits_page("001203004567"), turn_ccw=0, skew=2.0), tmp_path / "p.jpg")
    preprocess_page(src, tmp_path / "ocr.png", source_page=1, dpi=200, mode="RGB")
    text = recognize(tmp_path / "ocr.png").text
    assert "001203004567" in text.replace(" ", "")
    assert not re.search(r"[|\[\]]", text)


def test_isolated_specks_go_but_dots_and_tone_marks_stay() -> None:
    page = np.asarray(render_text_page(color=False, lines=["Nguyễn Thị Hồng Nhung: ịạộ ở i. j; 1.000"])).copy()
    before = page.copy()
    for y, x in [(900, 300), (1200, 1000), (1500, 700), (1510, 712)]:
        page[y:y + 4, x:x + 4] = 30
    cleaned = erase_specks(page, dpi=200)
    assert cleaned[900:904, 300:304].min() > 200 and cleaned[1510:1514, 712:716].min() > 200
    assert np.array_equal(cleaned[:700], before[:700])  # the text line with its marks, untouched


def test_printed_lines_go_but_letters_stay() -> None:
    page = render_text_page(color=False, lines=["Họ và tên  Ngày sinh  Quê quán"])
    from PIL import ImageDraw

    ImageDraw.Draw(page).rectangle([150, 185, 1500, 260], outline=0, width=2)  # a table row around the line
    gray = np.asarray(page)
    cleaned = erase_rules(gray, dpi=200)
    assert cleaned[185:188, 400:1400].min() > 200 and cleaned[200:250, 150:153].min() > 200
    letters = gray[195:255, 170:1480] < 128
    kept = cleaned[195:255, 170:1480] < 128
    assert kept.sum() >= 0.95 * letters.sum()


def test_syllable_check_flags_impossible_words_only() -> None:
    for word in ("Nguyễn", "người", "quyết", "Quang", "giếng", "khuya", "UBND", "048083166304", "Email:",
                 "(Ký,", "TT-BKHĐT", "duong73@gmail.com", "Điện", "Biên"):
        assert not suspicious(word), word
    for word in ("Thôngg", "ngưòi", "tẩt", "tỉ|n", "Hu^ế"):
        assert suspicious(word), word


def test_recognition_drops_unsure_junk_and_lowers_confidence_of_non_syllables() -> None:
    box = BBox(0, 0, 10, 10)
    words = (Word("Nguyễn", box, 0.96, 0), Word("_", box, 0.41, 0), Word("-", box, 0.95, 0),
             Word("Thôngg", box, 0.9, 0))
    judged = judge_words(words)
    assert [w.text for w in judged] == ["Nguyễn", "-", "Thôngg"]
    assert judged[0].confidence == 0.96 and judged[2].confidence == pytest.approx(0.45)


def test_streams_ending_in_cr_are_recompressed_so_their_length_is_unambiguous(tmp_path: Path) -> None:
    import zlib

    from ocr.pdfa import reencode_cr_endings

    # a content stream whose Flate data ends with CR (as about one stream in 256 does)
    content = next(c for c in (f"q {n} 0 0 {n} 0 0 cm Q\n".encode() for n in range(1, 5000))
                   if zlib.compress(c).endswith(b"\r"))
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pikepdf.Stream(pdf, zlib.compress(content))
    pdf.pages[0].obj.Contents.Filter = pikepdf.Name.FlateDecode
    assert reencode_cr_endings(pdf)
    stream = pdf.pages[0].obj.Contents
    assert not stream.read_raw_bytes().endswith(b"\r") and stream.read_bytes() == content
    assert not reencode_cr_endings(pdf)
