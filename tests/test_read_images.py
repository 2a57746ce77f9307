"""Image inputs read as they show: every depth and transparency, non-square pixels, degenerate and huge
pages, and JPEG pages carried without what is not the scan (EXIF, comments, appended data)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from inputs import caption_image, png_header
from PIL import Image

from scanners.discover import dossier_id_for
from scanners.jpeg import clean_jpeg
from scanners.model import Dossier, SourcePage
from scanners.read import read_pages
from sohoa.errors import InputFileError


def _read(path: Path, tmp_path: Path, shape: str = "image") -> list[SourcePage]:
    out = tmp_path / "pages"
    out.mkdir(exist_ok=True)
    return read_pages(Dossier(dossier_id_for(path.name), path, path.name, shape), out)


def _pixels(page: SourcePage) -> np.ndarray:
    with Image.open(page.path) as im:
        return np.asarray(im)


def test_a_16_bit_big_endian_grey_tiff_is_read_not_called_damaged(tmp_path: Path) -> None:
    grey = np.asarray(caption_image((400, 300)), dtype=np.uint16) * 257
    path = tmp_path / "be16.tif"
    Image.frombuffer("I;16B", (400, 300), grey.astype(">u2").tobytes(), "raw", "I;16B", 0, 1).save(path, dpi=(300, 300))
    with Image.open(path) as check:
        assert check.mode == "I;16B"
    (page,) = _read(path, tmp_path, "tiff")
    assert (page.mode, page.dpi, page.extraction) == ("I;16B", 300, "decoded")
    assert np.array_equal(_pixels(page), np.asarray(caption_image((400, 300))))


@pytest.mark.parametrize(("mode", "suffix"), [("LA", ".tif"), ("RGBA", ".png"), ("PA", ".png")])
def test_transparency_is_composited_onto_white_not_dropped(tmp_path: Path, mode: str, suffix: str) -> None:
    """A caption drawn on a transparent (black underneath) background: dark text on white, not a black bar."""
    caption = np.asarray(caption_image((400, 200)))
    ink = caption < 128
    alpha = np.where(ink, 255, 0).astype(np.uint8)
    if mode == "PA":
        im = Image.fromarray(np.zeros((200, 400), np.uint8), "L").convert("P")
        im.info["transparency"] = 0
        im = Image.fromarray(np.where(ink, 1, 0).astype(np.uint8), "P")
        im.putpalette([0, 0, 0, 10, 10, 10])
        im.info["transparency"] = 0
    elif mode == "LA":
        im = Image.fromarray(np.dstack([np.zeros_like(alpha), alpha]), "LA")
    else:
        im = Image.fromarray(np.dstack([np.zeros((200, 400, 3), np.uint8), alpha]), "RGBA")
    path = tmp_path / f"alpha{suffix}"
    im.save(path, dpi=(200, 200), **({"transparency": 0} if mode == "PA" else {}))
    (page,) = _read(path, tmp_path)
    shown = np.asarray(Image.fromarray(_pixels(page)).convert("L")) < 128
    assert np.array_equal(shown, ink)
    assert 0.002 < shown.mean() < 0.2


def test_float_and_32_bit_greys_are_scaled_to_8_bits(tmp_path: Path) -> None:
    grey = np.asarray(caption_image((300, 200)), dtype=np.float32) / 255
    path = tmp_path / "float.tif"
    Image.fromarray(grey, "F").save(path)
    (page,) = _read(path, tmp_path, "tiff")
    assert page.mode == "F"
    assert np.abs(_pixels(page).astype(int) - np.asarray(caption_image((300, 200)), dtype=int)).max() <= 1


@pytest.mark.parametrize("mode", ["1", "L"])
def test_non_square_pixels_are_made_square_keeping_the_page_shape(tmp_path: Path, mode: str) -> None:
    """A fax-like page at 200×100 dpi: every row is doubled, the page keeps its size in inches."""
    square = caption_image((800, 800), mode="L")
    squashed = square.resize((800, 400), Image.Resampling.NEAREST)
    path = tmp_path / "fax.tif"
    (squashed.point(lambda v: 255 if v > 128 else 0).convert("1") if mode == "1" else squashed).save(
        path, dpi=(200, 100), compression="group4" if mode == "1" else "tiff_lzw")
    (page,) = _read(path, tmp_path, "tiff")
    assert (page.dpi, page.extraction, page.provenance["pixel_aspect"]) == (200, "resampled", "200x100")
    with Image.open(page.path) as im:
        assert im.size == (800, 800) and im.info["dpi"][0] == pytest.approx(200, abs=0.1)
        if mode == "1":  # nearest neighbour: each source row twice, exactly
            rows = np.asarray(im)
            assert np.array_equal(rows[0::2], rows[1::2])


def test_a_jpeg_with_non_square_density_is_decoded_and_made_square(tmp_path: Path) -> None:
    path = tmp_path / "wide.jpg"
    caption_image((600, 300), mode="RGB").save(path, dpi=(300, 150), quality=90)
    (page,) = _read(path, tmp_path)
    assert page.extraction == "resampled" and page.path.suffix == ".png"
    with Image.open(page.path) as im:
        assert im.size == (600, 600)


@pytest.mark.parametrize("size", [(1, 1), (15, 2000), (3000, 8)])
def test_a_degenerate_page_is_refused_with_its_reason(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "tiny.tif"
    Image.new("L", size, 0).save(path)
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path, "tiff")
    assert info.value.reason == "degenerate_page" and info.value.message_vi


def test_a_degenerate_page_inside_a_multipage_tiff_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.tif"
    caption_image((400, 300)).save(path, save_all=True, append_images=[Image.new("L", (1, 1), 0)])
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path, "tiff")
    assert info.value.reason == "degenerate_page"


@pytest.mark.parametrize("colour_type", [0, 2])
def test_a_35000_pixel_square_image_is_refused_without_decoding_it(tmp_path: Path, colour_type: int) -> None:
    path = png_header(tmp_path / "bomb.png", 35_000, 35_000, colour_type=colour_type)
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path)
    assert info.value.reason == "image_too_large"


def _jpeg_with_baggage(tmp_path: Path) -> tuple[Path, bytes]:
    """A scanner JPEG carrying EXIF (make, model, date, GPS, a serial number), a comment and a ZIP after its end."""
    exif = Image.Exif()
    exif[271], exif[272], exif[305] = "Canon", "DR-C225 II", "CaptureOnTouch"
    exif[306] = "2025:03:04 08:09:10"
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-7C3F9912"  # BodySerialNumber
    exif.get_ifd(0x8825)[2] = (21.0, 1.0, 30.0)  # GPSLatitude
    buffer = io.BytesIO()
    caption_image((600, 800), mode="RGB").save(buffer, "JPEG", quality=85, dpi=(200, 200), exif=exif,
                                               comment=b"may-quet-phong-1 nguoi-quet: Tran Van B")
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("ghi-chu.txt", "MA-DOC-HAI trong tep dinh kem")
    path = tmp_path / "scan.jpg"
    path.write_bytes(buffer.getvalue() + payload.getvalue())
    return path, buffer.getvalue()


def test_a_jpeg_page_keeps_only_its_scan_and_records_its_provenance(tmp_path: Path) -> None:
    path, image_only = _jpeg_with_baggage(tmp_path)
    (page,) = _read(path, tmp_path)
    kept = page.path.read_bytes()
    assert page.extraction == "jpeg" and kept.endswith(b"\xff\xd9") and kept.startswith(b"\xff\xd8")
    for foreign in (b"PK\x03\x04", b"MA-DOC-HAI", b"SERIAL-7C3F9912", b"Tran Van B", b"Exif\x00\x00", b"GPS"):
        assert foreign not in kept
    # the scan's entropy-coded data and tables, byte for byte: not re-encoded
    assert kept[kept.index(b"\xff\xda"):] == image_only[image_only.index(b"\xff\xda"):]
    with Image.open(page.path) as cleaned, Image.open(io.BytesIO(image_only)) as original:
        assert cleaned.tobytes() == original.tobytes() and cleaned.info["dpi"] == (200, 200)
    assert page.provenance == {"make": "Canon", "model": "DR-C225 II", "software": "CaptureOnTouch",
                               "captured": "2025-03-04T08:09:10"}


def test_clean_jpeg_keeps_progressive_and_restart_coded_scans_exactly(tmp_path: Path) -> None:
    im = caption_image((333, 257), mode="RGB")
    for options in ({"progressive": True}, {"optimize": True}, {"subsampling": 0, "quality": 95}):
        buffer = io.BytesIO()
        im.save(buffer, "JPEG", comment=b"note", **options)
        cleaned = clean_jpeg(buffer.getvalue() + b"\xff\xd8 trailing junk")
        assert cleaned is not None and b"note" not in cleaned
        with Image.open(io.BytesIO(cleaned)) as a, Image.open(buffer) as b:
            assert a.tobytes() == b.tobytes()
    assert clean_jpeg(buffer.getvalue()[:500]) is None  # cut short: no end of image to keep


def test_a_truncated_jpeg_with_no_end_is_decoded_or_called_damaged(tmp_path: Path) -> None:
    full = io.BytesIO()
    caption_image((600, 800), mode="RGB").save(full, "JPEG", quality=85)
    path = tmp_path / "cut.jpg"
    path.write_bytes(full.getvalue()[: len(full.getvalue()) // 3])
    with pytest.raises(InputFileError) as info:
        _read(path, tmp_path)
    assert info.value.reason == "corrupt_image"


def test_tiff_capture_tags_become_provenance(tmp_path: Path) -> None:
    path = tmp_path / "tags.tif"
    caption_image((400, 300)).save(path, dpi=(300, 300), tiffinfo={271: "Fujitsu", 272: "fi-7160",
                                                                    306: "2024:12:01 14:00:00"})
    (page,) = _read(path, tmp_path, "tiff")
    assert page.provenance == {"make": "Fujitsu", "model": "fi-7160", "captured": "2024-12-01T14:00:00"}
