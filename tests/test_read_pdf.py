"""PDF inputs read as the source shows them: page sizes kept, images taken as they are when they can be,
rendered by the real poppler when they cannot, JBIG2 through the real jbig2dec, encryption and signatures."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from inputs import caption_image, huge_image_pdf, image_pdf, jbig2_pdf
from PIL import Image, ImageDraw

from scanners.discover import dossier_id_for
from scanners.model import Dossier, SourcePage
from scanners.read import read_pages, read_source
from sohoa.errors import EncryptedPdfError, InputFileError


def _read(path: Path, tmp_path: Path) -> list[SourcePage]:
    out = tmp_path / "pages"
    out.mkdir(exist_ok=True)
    return read_pages(Dossier(dossier_id_for(path.name), path, path.name, "pdf"), out)


def _size_pt(page: SourcePage) -> tuple[float, float]:
    """The physical size the page image stands for, in points (what the PDF/A page box becomes)."""
    with Image.open(page.path) as im:
        return im.width / page.dpi * 72, im.height / page.dpi * 72


def _dark(page: SourcePage) -> np.ndarray:
    with Image.open(page.path) as im:
        return np.asarray(im.convert("L")) < 128


def test_a_jbig2_page_is_decoded_by_jbig2dec_to_exactly_its_pixels(tmp_path: Path) -> None:
    bitmap = caption_image((850, 1100), "JBIG2 trang 1").point(lambda v: 255 if v > 128 else 0).convert("1")
    path = jbig2_pdf(tmp_path / "jb.pdf", bitmap, page_pt=(612, 792))
    (page,) = _read(path, tmp_path)
    assert (page.extraction, page.mode, page.dpi) == ("decoded", "1", 100.0)
    with Image.open(page.path) as im:
        assert np.array_equal(np.asarray(im), np.asarray(bitmap))
    assert _size_pt(page) == pytest.approx((612, 792))
    # a viewer (poppler) shows the same black where we read black: the polarity is the PDF's
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-singlefile", str(path), str(tmp_path / "view")], check=True)
    with Image.open(tmp_path / "view.pgm") as view:
        shown = np.asarray(view) < 128
    assert (shown == _dark(page)).mean() > 0.99 and _dark(page).mean() > 0.01


def test_a_jbig2_stream_jbig2dec_cannot_decode_is_rendered_by_poppler_instead(tmp_path: Path) -> None:
    bitmap = Image.new("1", (850, 1100), 1)
    path = jbig2_pdf(tmp_path / "bad.pdf", bitmap, page_pt=(612, 792), data=b"\x00\x00\x00\x00garbage" * 40)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and _size_pt(page) == pytest.approx((612, 792), abs=0.5)


@pytest.mark.parametrize("side", [20_000, 35_000])
def test_a_huge_image_inside_a_pdf_is_refused_before_it_is_decoded(tmp_path: Path, side: int) -> None:
    path = huge_image_pdf(tmp_path / "bomb.pdf", side, side)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path)
    assert info.value.reason == "image_too_large"
    assert not list((tmp_path / "pages").iterdir())


def test_a_pdf_without_pages_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    with pikepdf.new() as pdf:
        pdf.save(path)
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path)
    assert info.value.reason == "no_pages" and info.value.message_vi


def test_non_square_pixels_in_a_pdf_keep_the_page_shape(tmp_path: Path) -> None:
    """A 400×200-pixel image over a 144×144 pt page: 200 dpi across, 100 dpi down."""
    square = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(square).ellipse((50, 50, 350, 350), fill=0)
    path = image_pdf(tmp_path / "aspect.pdf", square.resize((400, 200)), page_pt=(144, 144))
    (page,) = _read(path, tmp_path)
    assert page.extraction == "resampled" and page.dpi == 200
    assert _size_pt(page) == pytest.approx((144, 144))
    rows, cols = np.nonzero(_dark(page))
    assert (rows.max() - rows.min()) == pytest.approx(cols.max() - cols.min(), rel=0.03)  # still a circle


def test_an_image_not_filling_its_page_is_rendered_at_the_page_size(tmp_path: Path) -> None:
    im = caption_image((400, 200))
    path = image_pdf(tmp_path / "small.pdf", im, page_pt=(595, 842), place=(100, 500, 200, 100))
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and page.dpi == 144  # the image's own resolution
    assert _size_pt(page) == pytest.approx((595, 842), abs=0.5)
    rows, cols = np.nonzero(_dark(page))
    scale = page.dpi / 72
    assert cols.min() >= 100 * scale - 2 and cols.max() <= 300 * scale + 2  # where the source draws it
    assert rows.min() >= (842 - 600) * scale - 2 and rows.max() <= (842 - 500) * scale + 2


@pytest.mark.parametrize(("page_pt", "pixels"), [((120, 86), (4000, 2867)), ((144, 144), (2, 2))],
                         ids=["2400dpi", "1dpi"])
def test_an_implausible_resolution_keeps_the_page_size(tmp_path: Path, page_pt: tuple, pixels: tuple) -> None:
    path = image_pdf(tmp_path / "dpi.pdf", caption_image(pixels) if min(pixels) > 16 else Image.new("L", pixels, 90),
                     page_pt=page_pt)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and page.dpi_known and 72 <= page.dpi <= 600
    assert _size_pt(page) == pytest.approx(page_pt, abs=0.5)


def test_a_soft_mask_is_composited_onto_white_not_dropped(tmp_path: Path) -> None:
    """The caption is the mask's opaque part over a black image: shown as dark text on white, not a black bar."""
    caption = caption_image((600, 300))
    mask = caption.point(lambda v: 255 if v < 128 else 0)
    path = image_pdf(tmp_path / "mask.pdf", Image.new("RGB", (600, 300), 0), page_pt=(432, 216), smask=mask)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and _size_pt(page) == pytest.approx((432, 216), abs=0.5)
    dark = _dark(page)
    assert 0.002 < dark.mean() < 0.2  # the caption only
    with Image.open(page.path) as im:
        resized = np.asarray(im.convert("L").resize(caption.size)) < 128
    assert (resized == (np.asarray(caption) < 128)).mean() > 0.97


def test_a_turned_page_is_rendered_as_shown(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "turned.pdf", caption_image((850, 550)), page_pt=(612, 396))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(path)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and _size_pt(page) == pytest.approx((396, 612), abs=0.5)


def test_a_signed_text_bearing_page_with_an_invisible_signature_gives_its_jpeg_directly(tmp_path: Path) -> None:
    """A signed e-copy: one scan image, an invisible OCR layer, a signature with no stamp; no rendering."""
    path = image_pdf(tmp_path / "signed.pdf", caption_image((1240, 1754), mode="RGB"), page_pt=(595.2, 841.92),
                     jpeg=True, text_layer=True, signed=True)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Annots[0].Rect = [0, 0, 0, 0]  # an invisible signature
        pdf.save(path)
    out = tmp_path / "pages"
    out.mkdir()
    read = read_source(Dossier("signed", path, path.name, "pdf"), out)
    (page,) = read.pages
    assert (page.extraction, page.mode, page.dpi) == ("jpeg", "RGB", 150.0)
    with pikepdf.open(path) as pdf:
        raw = pdf.pages[0].obj.Resources.XObject.Im0.read_raw_bytes()
    kept = page.path.read_bytes()
    assert kept[kept.index(b"\xff\xda"):] == raw[raw.index(b"\xff\xda"):]
    assert read.facts["signatures"] == [{"signer": "UBND tinh Thu nghiem", "time": "2024-11-26T10:40:48"}]
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_signature_stamp_on_the_page_is_kept_in_the_archived_image(tmp_path: Path) -> None:
    """A visible signature stamp is part of what the page shows: the page is rendered with it, at its size."""
    path = image_pdf(tmp_path / "signed.pdf", caption_image((1240, 1754), mode="RGB"), page_pt=(595.2, 841.92),
                     jpeg=True, text_layer=True, signed=True)
    out = tmp_path / "pages"
    out.mkdir()
    read = read_source(Dossier("signed", path, path.name, "pdf"), out)
    (page,) = read.pages
    assert page.extraction == "render" and _size_pt(page) == pytest.approx((595.2, 841.92), abs=0.5)
    with Image.open(page.path) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
    w, h = rgb.shape[1], rgb.shape[0]
    corner = rgb[int(h * 8 / 841.92):int(h * 34 / 841.92), w - int(w * 100 / 595.2):w - int(w * 10 / 595.2)]
    blue = (corner[..., 2] > 150) & (corner[..., 0] < 100) & (corner[..., 1] < 100)
    assert blue.mean() > 0.5  # the stamp's blue box (tests/inputs.py) is on the archived page
    assert read.facts["signatures"] == [{"signer": "UBND tinh Thu nghiem", "time": "2024-11-26T10:40:48"}]


def test_a_pdf_encrypted_for_permissions_only_is_read_and_left_as_it_came(tmp_path: Path) -> None:
    plain = image_pdf(tmp_path / "plain.pdf", caption_image((850, 1100)), page_pt=(612, 792))
    locked = tmp_path / "sealed.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="chu-so-huu", user="",
                                                       allow=pikepdf.Permissions(extract=False, modify_other=False)))
    before = hashlib.sha256(locked.read_bytes()).hexdigest()
    out = tmp_path / "pages"
    out.mkdir()
    read = read_source(Dossier("sealed", locked, locked.name, "pdf"), out)
    assert read.facts["encryption"] == "permissions-only" and len(read.pages) == 1
    with Image.open(read.pages[0].path) as im, Image.open(plain) if False else pikepdf.open(plain) as pdf:
        original = pikepdf.PdfImage(pdf.pages[0].obj.Resources.XObject.Im0).as_pil_image()
        assert im.tobytes() == original.tobytes()
    assert hashlib.sha256(locked.read_bytes()).hexdigest() == before == read.sha256


def test_a_pdf_that_needs_a_password_is_refused(tmp_path: Path) -> None:
    plain = image_pdf(tmp_path / "plain.pdf", caption_image((85, 110)), page_pt=(61, 79))
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="mat-khau"))
    with pytest.raises(EncryptedPdfError) as info:
        _read(locked, tmp_path)
    assert info.value.reason == "encrypted_pdf" and "mật khẩu" in info.value.message_vi


def test_a_crop_box_is_what_is_read(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "crop.pdf", caption_image((850, 1100)), page_pt=(612, 792))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.CropBox = [36, 36, 576, 756]
        pdf.save(path)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "render" and _size_pt(page) == pytest.approx((540, 720), abs=0.5)


def test_pages_taken_directly_after_a_rendered_page_read_their_own_bytes(tmp_path: Path) -> None:
    """Rendering copies the file for poppler while pikepdf still reads it: each keeps its own place."""
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 256, (1100, 850), dtype=np.uint8))
    rendered = image_pdf(tmp_path / "a.pdf", caption_image((850, 1100)), page_pt=(612, 792), place=(10, 10, 300, 300))
    direct = image_pdf(tmp_path / "b.pdf", noise, page_pt=(612, 792))
    with pikepdf.new() as mixed:
        for part in (rendered, direct, rendered, direct):
            with pikepdf.open(part) as src:
                mixed.pages.extend(src.pages)
        mixed.save(tmp_path / "mixed.pdf")
    pages = _read(tmp_path / "mixed.pdf", tmp_path)
    assert [p.extraction for p in pages] == ["render", "decoded", "render", "decoded"]
    for page in pages[1::2]:
        with Image.open(page.path) as im:
            assert np.array_equal(np.asarray(im), np.asarray(noise))
