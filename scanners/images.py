"""Image files (JPEG, PNG, TIFF) and decoded PDF images → page images a PDF/A page can hold.

A page keeps its physical size and its look: JPEG pages keep the scanner's JPEG data (image
segments only, :mod:`scanners.jpeg`), JPEG-compressed TIFF frames keep theirs
(:mod:`scanners.tiff_jpeg`), anything else is decoded once into lossless PNG. What a PDF/A
page cannot hold is turned into what the source shows: 16-bit and floating-point greys scaled
to 8 bits, transparency composited onto white paper (a transparent caption must not become a
black bar), non-square pixels (a fax's 200×100 dpi) made square at the finer resolution so the
page is not squashed. A page too small to hold anything (under 16 pixels a side) is refused.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from scanners.budget import Budget, too_large
from scanners.jpeg import clean_jpeg, provenance, with_jfif_dpi
from scanners.model import SourcePage
from scanners.source import OpenedFile
from scanners.tiff_jpeg import standalone_jpeg
from sohoa.errors import InputFileError

DEFAULT_DPI = 300.0
MIN_PLAUSIBLE_DPI, MAX_PLAUSIBLE_DPI = 50.0, 1200.0
"""A resolution tag outside this range is a scanner's mistake: the page counts as dpi unknown."""
MIN_SIDE = 16
"""Pixels: a page image narrower or lower than this holds no readable mark (a 1×1 TIFF page)."""
JPEG_READ_LIMIT = 256 * 2**20
"""Bytes of a JPEG file held to find its end of image; a JPEG whose EOI lies further (gigabytes
appended) is decoded from the file instead, within the pixel budget."""
SQUARE_TOLERANCE = 0.01
"""Horizontal and vertical resolutions closer than this (relative) are the same: pixels are square."""

# The only compression a non-JPEG page gets: the PDF/A embeds these PNG bytes as they are.
# On scanned paper zlib level 3 writes 3-5x faster than the default 6, within ~11 % of its size on
# greyscale and smaller on noisy colour pages; bilevel pages are small and fast at 6.
_PNG_LEVEL = {"L": 3, "RGB": 3}
_ALPHA_MODES = {"LA", "La", "PA", "RGBA", "RGBa"}


def corrupt(exc: BaseException, what: str = "the image") -> InputFileError:
    return InputFileError(f"{what} cannot be decoded ({type(exc).__name__})", reason="corrupt_image",
                          message_vi="Ảnh bị hỏng hoặc bị cắt cụt, không đọc được.")


def check_size(width: int, height: int, budget: Budget) -> None:
    """Charge one page image to the budget; refuse a degenerate one."""
    if min(width, height) < MIN_SIDE:
        raise InputFileError(f"a page image of {width}×{height} pixels is too small to be a page",
                             reason="degenerate_page",
                             message_vi="Trang ảnh quá nhỏ (dưới 16 điểm ảnh mỗi chiều), không phải trang quét.")
    budget.charge_pixels(width, height)


def density(im: Image.Image) -> tuple[float, float] | None:
    """The image's (horizontal, vertical) resolution as tagged (dpi, or a unitless aspect), if any."""
    value = im.info.get("dpi") or im.info.get("resolution")
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return (x, y) if x > 0 and y > 0 else None


def dpi_of(im: Image.Image) -> tuple[float, bool]:
    """The resolution to use for the page, and whether the file stated a plausible one."""
    tagged = im.info.get("dpi")
    try:
        dpi = max(float(v) for v in tagged) if tagged else 0.0
    except (TypeError, ValueError):
        dpi = 0.0
    if MIN_PLAUSIBLE_DPI <= dpi <= MAX_PLAUSIBLE_DPI:
        return round(dpi, 1), True  # PNG stores pixels per metre: 150 dpi reads 150.0124
    return DEFAULT_DPI, False


def _to_8bit(array: np.ndarray) -> np.ndarray:
    """Greys of any depth (16-bit either byte order, 32-bit, float) scaled to 0-255."""
    values = array.astype(np.float64)
    top = float(values.max(initial=0.0))
    if array.dtype.kind == "f" and top <= 1.0:
        values = values * 255.0
    elif array.dtype.itemsize == 2 or 255 < top <= 65535:
        values = values / 257.0
    elif top > 65535:
        values = values * (255.0 / top)
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _on_white(frame: Image.Image) -> Image.Image:
    """A transparent image as it shows on white paper (``L`` for grey sources, else ``RGB``)."""
    grey = frame.mode in {"LA", "La"} or (frame.mode == "PA" and frame.palette is not None
                                          and frame.palette.mode == "L")
    rgba = np.asarray(frame.convert("RGBA"), dtype=np.uint16)
    alpha = rgba[..., 3:4]
    shown = ((rgba[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)
    image = Image.fromarray(shown, "RGB")
    return image.convert("L") if grey else image


def normalise(frame: Image.Image) -> Image.Image:
    """The frame in a mode a PDF/A page holds (``1``, ``L``, ``RGB``), as the source shows it."""
    mode = frame.mode
    if mode in {"1", "L", "RGB"}:
        return frame
    if mode in _ALPHA_MODES or (mode == "P" and "transparency" in frame.info):
        return _on_white(frame)
    if mode.startswith("I") or mode == "F":
        return Image.fromarray(_to_8bit(np.asarray(frame)), "L")
    if mode == "P" and frame.palette is not None and frame.palette.mode == "L":
        return frame.convert("L")
    return frame.convert("RGB")


def _square(page: Image.Image, aspect: tuple[float, float] | None) -> tuple[Image.Image, float | None]:
    """Non-square pixels made square at the finer of the two resolutions (the page's shape kept).

    Returns the image and the factor the resolution was multiplied by (None: already square).
    """
    if aspect is None:
        return page, None
    x, y = aspect
    finer = max(x, y)
    if abs(x - y) / finer <= SQUARE_TOLERANCE:
        return page, None
    size = (max(1, round(page.width * finer / x)), max(1, round(page.height * finer / y)))
    method = Image.Resampling.NEAREST if page.mode == "1" else Image.Resampling.LANCZOS
    return page.resize(size, method), finer / min(x, y)


def save_frame(frame: Image.Image, dest: Path, index: int, budget: Budget, *,
               resolution: tuple[float, float] | None = None, facts: dict[str, str] | None = None) -> SourcePage:
    """Store one decoded page as lossless PNG and describe it.

    Args:
        frame: the page as decoded (any mode); its ``dpi`` info is used unless ``resolution`` is given.
        resolution: the page's known (horizontal, vertical) resolution (a PDF image over its page box).
    """
    mode = frame.mode
    if resolution is not None:
        known, aspect, dpi = True, resolution, round(max(resolution), 2)
    else:
        (dpi, known), aspect = dpi_of(frame), density(frame)
    page, factor = _square(normalise(frame), aspect)
    if factor is None and resolution is not None:
        dpi = round(sum(resolution) / 2, 2)
    facts = dict(facts or {})
    extraction = "decoded"
    if factor is not None:
        check_size(page.width, page.height, budget)
        facts["pixel_aspect"] = f"{aspect[0]:g}x{aspect[1]:g}"
        extraction = "resampled"
    path = dest / f"page-{index:04d}.png"
    page.save(path, dpi=(dpi, dpi), optimize=False, compress_level=_PNG_LEVEL.get(page.mode, 6))
    return SourcePage(index=index, path=path, dpi=dpi, mode=mode, dpi_known=known, extraction=extraction,
                      provenance=facts)


def open_image(stream: BinaryIO, budget: Budget) -> Image.Image:
    """Open an image for reading, refusing one over the budget before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            # the budget below is the limit, not Pillow's process-wide default
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            ceiling, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                im = Image.open(stream)
            finally:
                Image.MAX_IMAGE_PIXELS = ceiling
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise corrupt(exc) from exc
    check_size(im.width, im.height, budget)
    return im


def jpeg_page(data: bytes, im: Image.Image, dest: Path, index: int, budget: Budget, *,
              dpi: float | None = None, facts: dict[str, str] | None = None) -> SourcePage:
    """A JPEG page as the scan's own JPEG data, image segments only (decoded instead when that fails).

    ``im`` is the JPEG opened (not decoded) from ``data``; ``dpi`` a resolution known from elsewhere.
    """
    given = dpi
    if dpi is not None:  # known from elsewhere (a PDF's page box), which also says the pixels are square
        known, aspect = True, None
    else:
        (dpi, known), aspect = dpi_of(im), density(im)
    square = aspect is None or abs(aspect[0] - aspect[1]) / max(aspect) <= SQUARE_TOLERANCE
    cleaned = clean_jpeg(data) if square and im.mode in {"L", "RGB"} else None
    if cleaned is not None:
        try:
            with Image.open(io.BytesIO(cleaned)) as check:
                same = check.size == im.size and check.mode == im.mode
        except (OSError, SyntaxError, ValueError) as exc:
            raise corrupt(exc) from exc
        if same:
            if known:
                cleaned = with_jfif_dpi(cleaned, dpi)
            target = dest / f"page-{index:04d}.jpg"
            target.write_bytes(cleaned)
            return SourcePage(index=index, path=target, dpi=dpi, mode=im.mode, dpi_known=known,
                              extraction="jpeg", provenance=dict(facts or {}))
    try:
        im.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise corrupt(exc) from exc
    return save_frame(im, dest, index, budget, resolution=(given, given) if given else None, facts=facts)


def _tiff_jpeg_page(source: OpenedFile, frame: Image.Image, dest: Path, index: int) -> SourcePage | None:
    """A JPEG-compressed TIFF frame stored as the scanner's own JPEG data (see :mod:`scanners.tiff_jpeg`)."""
    if frame.info.get("compression") != "jpeg":
        return None
    aspect = density(frame)
    if aspect is not None and abs(aspect[0] - aspect[1]) / max(aspect) > SQUARE_TOLERANCE:
        return None
    dpi, known = dpi_of(frame)
    data = standalone_jpeg(source.read_at, frame, dpi if known else None)
    if data is None:
        return None
    target = dest / f"page-{index:04d}.jpg"
    target.write_bytes(data)
    return SourcePage(index=index, path=target, dpi=dpi, mode=frame.mode, dpi_known=known, extraction="jpeg",
                      provenance=provenance(frame))


def image_pages(source: OpenedFile, kind: str, dest: Path, first_index: int, budget: Budget) -> list[SourcePage]:
    """The pages of one image file (a TIFF may hold many), numbered from ``first_index``."""
    with source.stream() as stream:
        im = open_image(stream, budget)
        if kind == "jpeg":
            budget.charge_pages(1)
            data = source.read_at(0, min(source.size, JPEG_READ_LIMIT))
            return [jpeg_page(data, im, dest, first_index, budget, facts=provenance(im))]
        try:
            count = getattr(im, "n_frames", 1)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise corrupt(exc) from exc
        budget.charge_pages(count)
        pages = []
        try:
            for offset, frame in enumerate(ImageSequence.Iterator(im)):
                budget.check_time()
                if offset:
                    check_size(frame.width, frame.height, budget)
                frame.load()
                jpeg = _tiff_jpeg_page(source, frame, dest, first_index + offset) if kind == "tiff" else None
                pages.append(jpeg or save_frame(frame, dest, first_index + offset, budget, facts=provenance(frame)))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_large() from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise corrupt(exc, "a page of the image") from exc
        return pages
