"""No page with ink leaves without text and without a flag: the evened-out background, the re-reading
net under the first reading, and Tesseract's files on any filesystem (issue #15 items 2 and 3)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import FONT, render_text_page
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

import ocr.reread
from ocr.background import flatten_light
from ocr.dossier import recognize_dossier
from ocr.model import PageGeometry
from ocr.preprocess import GLYPHS_KEY, preprocess_page
from ocr.quality import assess
from ocr.recognize import recognize
from ocr.reread import read_page
from scanners.model import SourcePage
from sohoa.errors import ToolError

SIGNATURE = ["CHỦ HỘ KINH DOANH", "(Ký và ghi họ tên)", "", "", "Nguyễn Văn Bình"]


def _signature_page(dpi: int = 200) -> np.ndarray:
    """A sparse signature page on grey paper (226), its right part pure white as a deskew fill or
    an over-exposed scan leaves it: the case that read as nothing (issue #15)."""
    page = np.asarray(render_text_page(dpi=dpi, color=False, lines=[""] * 6 + SIGNATURE)).astype(np.int16)
    page = np.where(page > 200, 226, page)
    page[:, int(page.shape[1] * 0.72):] = 255
    page[: int(page.shape[0] * 0.12), :] = 255
    return page.astype(np.uint8)


def _save(gray: np.ndarray, path: Path, *, dpi: int = 200, glyphs: int | None = None) -> Path:
    info = PngImagePlugin.PngInfo()
    if glyphs is not None:
        info.add_text(GLYPHS_KEY, str(glyphs))
    Image.fromarray(gray).save(path, dpi=(dpi, dpi), pnginfo=info)
    return path


def test_pure_white_beside_grey_paper_is_paper_after_evening_out() -> None:
    import cv2

    page = _signature_page()
    flat = flatten_light(page, dpi=200)
    ink = page < 128
    # grey paper is paper, but for a seam of a few pixels along the white (the estimate's step)
    grey = cv2.erode((page < 250).astype(np.uint8), np.ones((25, 25), np.uint8)).astype(bool)
    assert np.percentile(flat[grey & ~ink & (page == 226)], 0.1) >= 245
    assert flat[page == 255].min() >= 250  # so is the white fill
    assert np.median(flat[ink]) < 100  # and the ink stays ink


def test_a_sparse_signature_page_on_grey_paper_beside_white_reads_all_its_lines(tmp_path: Path) -> None:
    src = _save(_signature_page(), tmp_path / "page.png")
    geo = preprocess_page(src, tmp_path / "ocr.png", source_page=2, dpi=200, mode="L")
    assert not geo.blank and geo.rotation == 0
    page = read_page(tmp_path / "ocr.png", tmp_path / "layer.pdf", original=lambda: _signature_page(),
                     languages="vie", psm=4, timeout=60, source_page=2, low_quality=0.5)
    text = page.text
    for expected in ("CHỦ HỘ KINH DOANH", "Ký và ghi họ tên", "Nguyễn Văn Bình"):
        assert expected in text, text
    assert "page_without_text" not in page.flags


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The page segmentation modes of every Tesseract reading :func:`read_page` makes (real readings)."""
    modes: list[int] = []

    def counting(image: Path, **kwargs):  # noqa: ANN003, ANN202 - pass-through to the real recognize
        modes.append(kwargs["psm"])
        return recognize(image, **kwargs)

    monkeypatch.setattr(ocr.reread, "recognize", counting)
    return modes


def _text_image(lines: list[str], *, size: tuple[int, int] = (1100, 420), dpi: int = 200) -> np.ndarray:
    im = Image.new("L", size, 255)
    font = ImageFont.truetype(str(FONT), int(13 / 72 * dpi))
    for n, line in enumerate(lines):
        ImageDraw.Draw(im).text((40, 40 + n * int(0.42 * dpi)), line, font=font, fill=20)
    return np.asarray(im)


LINES = ["Họ, chữ đệm, tên: Trần Gia Bảo", "Nơi cư trú: Số 12 đường Lê Lợi", "Quê quán: Tỉnh Nghệ An"]


def test_a_page_read_well_is_read_once(tmp_path: Path, counted_reads: list[int]) -> None:
    clean = _save(_text_image(LINES), tmp_path / "c.png", glyphs=60)
    page = read_page(clean, tmp_path / "l.pdf", original=lambda: pytest.fail("no re-reading"), languages="vie",
                     psm=4, timeout=60, source_page=1, low_quality=0.5)
    assert counted_reads == [4]
    assert "Trần Gia Bảo" in page.text and page.flags == () and page.quality > 0.7
    assert (tmp_path / "l.pdf").exists()


def test_when_the_cleaned_copy_reads_nothing_the_original_is_read_and_wins(tmp_path: Path,
                                                                           counted_reads: list[int]) -> None:
    original = _text_image(LINES)
    spoiled = original.copy()
    spoiled[spoiled < 200] = 255  # a cleaning that took every letter
    spoiled[200:203, 30:1000] = 0  # and left a rule
    clean = _save(spoiled, tmp_path / "c.png", glyphs=60)
    page = read_page(clean, tmp_path / "l.pdf", original=lambda: original, languages="vie", psm=4, timeout=60,
                     source_page=1, low_quality=0.5)
    assert counted_reads[:2] == [4, 4]  # first the cleaned copy, then the original
    assert "Trần Gia Bảo" in page.text and page.flags == ()
    layer = subprocess.run(["pdftotext", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Bảo" in layer  # the text layer is the winning reading's


def test_a_page_with_ink_that_never_reads_is_flagged_page_without_text(tmp_path: Path,
                                                                      counted_reads: list[int]) -> None:
    rng = np.random.default_rng(3)
    blots = np.full((420, 1100), 255, np.uint8)
    for _ in range(40):  # ink, but no letters: blots of a torn or stained page
        y, x = rng.integers(20, 380), rng.integers(20, 1060)
        blots[y:y + rng.integers(3, 30), x:x + rng.integers(3, 30)] = 0
    clean = _save(blots, tmp_path / "c.png", glyphs=30)
    page = read_page(clean, tmp_path / "l.pdf", original=lambda: blots, languages="vie", psm=4, timeout=60,
                     source_page=1, low_quality=0.5)
    assert counted_reads == [4, 4, 11, 4]  # every other way was tried
    assert not assess(page, glyphs=30).words
    assert page.flags == ("page_without_text",)


def test_a_reading_far_shorter_than_its_ink_is_read_again_and_flagged_low_quality(
        tmp_path: Path, counted_reads: list[int]) -> None:
    image = _text_image(LINES[:1])
    clean = _save(image, tmp_path / "c.png", glyphs=900)  # the ink promised a full page
    page = read_page(clean, tmp_path / "l.pdf", original=lambda: image, languages="vie", psm=4, timeout=60,
                     source_page=1, low_quality=0.5)
    assert len(counted_reads) == 4
    assert "Trần Gia Bảo" in page.text
    assert page.flags == ("low_text_quality",) and page.quality < 0.5


def test_a_near_blank_page_kept_as_blank_uncertain_is_read_once_and_never_flagged(
        tmp_path: Path, counted_reads: list[int]) -> None:
    clean = _save(np.full((300, 300), 255, np.uint8), tmp_path / "c.png", glyphs=12)
    page = read_page(clean, tmp_path / "l.pdf", original=lambda: pytest.fail("no re-reading"), languages="vie",
                     psm=4, timeout=60, source_page=1, low_quality=0.5, expect_text=False)
    assert counted_reads == [4] and page.flags == ()


def test_a_page_tesseract_fails_on_is_kept_without_text_and_flagged(tmp_path: Path) -> None:
    src = _save(_text_image(LINES), tmp_path / "p.png")
    clean_dir, ocr_dir = tmp_path / "clean", tmp_path / "ocr"
    clean_dir.mkdir()
    geo = preprocess_page(src, clean_dir / "page-0001.png", source_page=1, dpi=200, mode="L")
    texts = recognize_dossier([SourcePage(1, src, 200.0, "L")], [geo], clean_dir, ocr_dir, languages="vie", psm=4,
                              timeout=0.01)  # Tesseract cannot finish in time
    assert texts[0].error == "tool_timeout" and texts[0].flags == ("page_without_text",) and not texts[0].words


@pytest.fixture
def other_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of its own, mounted by the test (root) or under /dev/shm; unmounted after."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                                                   capture_output=True).returncode == 0
    if not mounted:
        mount = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        assert os.stat(mount).st_dev != os.stat(tmp_path).st_dev
        yield mount
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=True)
        else:
            subprocess.run(["rm", "-rf", str(mount)], check=True)


def test_ocr_works_with_the_work_folder_on_another_filesystem_than_the_temporary_folder(
        tmp_path: Path, other_filesystem: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))  # /tmp on the disk, the work folder on tmpfs
    work = other_filesystem / "work"
    (work / "clean").mkdir(parents=True)
    src = _save(_text_image(LINES), work / "page.png")
    geometry = [preprocess_page(src, work / "clean" / "page-0001.png", source_page=1, dpi=200, mode="L")]
    texts = recognize_dossier([SourcePage(1, src, 200.0, "L")], geometry, work / "clean", work / "ocr",
                              languages="vie", psm=4, timeout=60)
    assert "Trần Gia Bảo" in texts[0].text
    assert (work / "ocr" / "page-0001.pdf").exists()
    assert not list(system_tmp.iterdir()) and not list((work / "ocr").glob(".sohoa-*"))


def test_a_timed_out_reading_is_a_tool_error(tmp_path: Path) -> None:
    clean = _save(_text_image(LINES), tmp_path / "c.png", glyphs=60)
    with pytest.raises(ToolError):
        read_page(clean, tmp_path / "l.pdf", original=lambda: np.zeros((1, 1), np.uint8), languages="vie", psm=4,
                  timeout=0.01, source_page=1, low_quality=0.5)


def test_page_flags_are_the_sorted_union_of_geometry_and_reading() -> None:
    from ocr.model import PageText, page_flags

    geo = PageGeometry(1, False, 0, 0.0, 10, 10, 72.0, flags=("photo", "dpi_estimated"), capture="photo",
                       dpi_source="estimated")
    assert page_flags(geo, PageText(1, 10, 10, 72.0, flags=("low_text_quality",))) == [
        "dpi_estimated", "low_text_quality", "photo"]
    assert page_flags(geo, None) == ["dpi_estimated", "photo"]
