"""Phone photos: the sheet found and seen square-on for OCR, the photo archived as it came, and its
text layer mapped back onto the photo so a search hit falls on the word (issue #16)."""

from __future__ import annotations

import random
import re
import subprocess
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from conftest import LINES, render_text_page
from PIL import Image

from ocr.dossier import recognize_dossier
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from ocr.preprocess import preprocess_page
from sample_docs._capture import photograph
from scanners.model import SourcePage
from sohoa.clock import VN_TZ

META = PdfMetadata(title="test", subject="test", creator_tool="sohoa tests",
                   created=datetime(2026, 1, 2, 9, 30, tzinfo=VN_TZ))


def _photo(path: Path, *, turn: int = 0, camera: bool = True, seed: int = 2) -> Path:
    page = np.asarray(render_text_page(dpi=200), dtype=np.float32)
    rng = random.Random(seed)
    frame, _ = photograph(page, rng, np.random.default_rng(seed), dpi=200, long_side=(1600, 1700))
    frame = np.ascontiguousarray(np.rot90(frame, k=turn // 90))
    exif = Image.Exif()
    if camera:
        exif[271], exif[272] = "Samsung", "SM-A525F"
    Image.fromarray(frame.clip(0, 255).astype(np.uint8)).save(path, dpi=(72, 72), quality=88, exif=exif)
    return path


@pytest.mark.parametrize(("turn", "camera"), [(0, True), (90, False)])
def test_a_phone_photo_is_rectified_read_and_its_text_layer_lies_on_the_photo(tmp_path: Path, turn: int,
                                                                             camera: bool) -> None:
    src = _photo(tmp_path / "photo.jpg", turn=turn, camera=camera)
    clean, ocr_dir = tmp_path / "clean", tmp_path / "ocr"
    clean.mkdir()
    geo = preprocess_page(src, clean / "page-0001.png", source_page=1, dpi=72, mode="RGB")
    assert geo.capture == "photo" and {"photo", "dpi_estimated"} <= set(geo.flags)
    assert len(geo.warp) == 9 and geo.skew == 0.0 and geo.rotation == turn
    assert 100 < geo.dpi < 300  # the text's real resolution, not the phone's 72
    with Image.open(src) as im:
        upright = im.size if turn % 180 == 0 else im.size[::-1]
    assert (geo.width, geo.height) == upright
    [page] = recognize_dossier([SourcePage(1, src, 72.0, "RGB")], [geo], clean, ocr_dir, languages="vie", psm=4,
                               timeout=120)
    truth = Counter(" ".join(LINES).split())
    assert sum((Counter(page.text.split()) & truth).values()) >= 0.8 * sum(truth.values())
    assert (page.width, page.height, page.dpi) == (geo.width, geo.height, geo.dpi)
    word = next(w for w in page.words if w.text in ("Nhung", "Nguyễn", "Bảo", "Nghé,"))
    assert 0 < word.bbox.left < geo.width and 0 < word.bbox.top < geo.height

    out = build_pdfa([PdfPage(src, geo, ocr_dir / "page-0001.pdf")], tmp_path / "out.pdf", metadata=META)
    with pikepdf.open(out) as pdf:  # the photo is archived as it came
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.read_raw_bytes() == src.read_bytes()
    html = unicodedata.normalize("NFC", subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True,
                                                       text=True, check=True).stdout)
    match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                      + re.escape(word.text) + "</word>", html)
    assert match, "the word is not in the text layer"
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(out), str(tmp_path / "render")], check=True)
    with Image.open(tmp_path / "render.png") as im:
        gray = np.asarray(im.convert("L")).astype(np.int16)
    box = [round(v) for v in (x0, y0, x1, y1)]
    area = gray[box[1]:box[3] + 1, box[0]:box[2] + 1]
    paper = np.median(gray[box[1]:box[3] + 1, box[2] + 3 * (box[2] - box[0]):box[2] + 4 * (box[2] - box[0])])
    assert (area < paper - 40).mean() > 0.05  # the word's box on the photo holds its ink


def test_a_scan_is_not_taken_for_a_photo(tmp_path: Path) -> None:
    src = tmp_path / "scan.jpg"
    render_text_page(dpi=200).save(src, dpi=(200, 200), quality=85)
    geo = preprocess_page(src, tmp_path / "o.png", source_page=1, dpi=200, mode="RGB")
    assert geo.capture == "scan" and geo.warp == () and geo.flags == () and geo.dpi_source == "tag"
