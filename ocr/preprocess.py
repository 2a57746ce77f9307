"""One source page → its geometry (blank, rotation, skew, capture, resolution) and a cleaned copy for OCR.

The archival image is never touched here: the PDF/A places the original pixels with the
rotation and deskew as a transform. Only the OCR copy is turned, deskewed, evened out, cleaned
and, outside 200-400 dpi, resampled to 300 dpi, on the same page area, so OCR word boxes line up
with the archival image. A phone photo's OCR copy is the sheet seen square-on; the map back to the
photo is kept in the geometry (:mod:`ocr.photo`).

In order: the sheet in a photo is found and rectified; the paper is evened out
(:mod:`ocr.background`) before any threshold; the resolution is taken from the file's tag or
measured from the text (:mod:`ocr.scale`); blank backs, way up and skew come from the ink
(:mod:`ocr.geometry`), and on pages with little text or little of their ink in letters (a
signature block, "Last page", a chart, a seal seen through the paper) from what Tesseract reads
(:mod:`ocr.orientation`): such a page is turned only on clear evidence, and when nothing reads
either way it is a blank back (a few marks) or kept as it came and flagged ``blank_uncertain``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, PngImagePlugin

from ocr.background import flatten_light
from ocr.clean import clean_copy
from ocr.geometry import content_mask, detect_rotation, glyph_evidence
from ocr.imaging import border_mask, downscale, ink_mask, load_gray, rotate_bound_same, turn_clockwise
from ocr.model import PageGeometry
from ocr.orientation import MIN_SCORE, SURE_TURN, WEAK_VOTE, both_ways, clearly_better
from ocr.photo import (
    camera_exif,
    find_sheet,
    has_perspective,
    rectify_transform,
    scale_matrix,
    skew_matrix,
    turn_matrix,
)
from ocr.scale import A4_LONG_INCH, SCREEN_DPI, page_resolution, tag_believable, text_x_height
from ocr.seals import load_ocr_gray
from sohoa.errors import InputFileError

OCR_DPI = 300.0
"""Resolution of the OCR copy of a page scanned below :data:`OCR_NATIVE_DPI` or above its upper end."""
OCR_NATIVE_DPI = (200.0, 400.0)
"""Scans in this range are OCR'd at their own resolution: Tesseract reads 200-dpi office scans as
well as their 300-dpi upscale (``bench/ocr.py``) in about 20 % less time."""
MIN_STANDARD_DPI = 200.0
"""NĐ 30/2020 Phụ lục I and TT 05/2025: scans of administrative documents at 200 dpi or more."""
MIN_PAGE_PX = 16
"""A page image narrower or lower than this is no page (a 1×1 TIFF frame, a one-pixel strip)."""
BLANK_GLYPHS = 1
"""A page with at most this many glyphs standing in words is blank without asking Tesseract."""
SPARSE_GLYPHS = 40
"""Fewer glyphs than this (a few short lines): way up and blankness come from what Tesseract reads."""
TEXT_SHARE = 0.35
"""Under this share of its ink in letters a page is a picture, chart or seal (also decided by reading),
and keeps its skew: graphics stay as they came."""
MAX_OCR_PIXELS = 3508 * 4961
"""The largest OCR copy: an A3 page at 300 dpi (a resolution misjudged low must not make a giant)."""
GLYPHS_KEY = "sohoa-glyphs"
"""PNG text key of the OCR copy: glyphs its ink holds, for the reading's expected length."""


def scan_standard_issues(*, dpi: float, mode: str, dpi_known: bool = True) -> tuple[str, ...]:
    """Why a scan misses the digitization standard: ``low_dpi``, ``bilevel``, ``greyscale``, ``dpi_unknown``."""
    issues = []
    if dpi < MIN_STANDARD_DPI:
        issues.append("low_dpi")
    if mode == "1":
        issues.append("bilevel")
    elif mode in {"L", "I;16", "I;16B", "I;16L", "I", "LA"}:
        issues.append("greyscale")
    if not dpi_known:
        issues.append("dpi_unknown")
    return tuple(issues)


def ocr_dpi(dpi: float) -> float:
    """The resolution the OCR copy of a page scanned at ``dpi`` gets."""
    low, high = OCR_NATIVE_DPI
    return dpi if low <= dpi <= high else OCR_DPI


def check_page_size(gray: np.ndarray) -> None:
    """Refuse a degenerate page image with a clear :class:`InputFileError` (never an OpenCV crash)."""
    if gray.ndim != 2 or min(gray.shape) < MIN_PAGE_PX:
        raise InputFileError(f"the page image is {gray.shape[-1]}×{gray.shape[0]} pixels: too small to be a page",
                             reason="degenerate_page",
                             message_vi="Ảnh trang quá nhỏ (vài điểm ảnh), không phải trang quét.")


def _whiten_borders(gray: np.ndarray) -> np.ndarray:
    top, bottom, left, right = border_mask(gray)
    out = gray.copy()
    h, w = out.shape
    out[:top, :] = 255
    out[h - bottom:, :] = 255
    out[:, :left] = 255
    out[:, w - right:] = 255
    return out


def _flatten_paper(gray: np.ndarray) -> np.ndarray:
    """Paper texture and faint noise → pure white, ink and its anti-aliased edges kept.

    Tesseract binarises with Otsu anyway; a flat background also makes the PNG several
    times faster to write.
    """
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = float(np.median(gray[::8, ::8]))
    cut = (threshold + paper) / 2.0
    out = gray.copy()
    out[gray >= cut] = 255
    return out


def geometric_copy(image: np.ndarray, *, rotation: int, skew: float, dpi: float,
                   interpolation: int = cv2.INTER_CUBIC) -> np.ndarray:
    """``image`` turned, deskewed (paper-white fill) and brought to :func:`ocr_dpi`: the OCR copy's frame."""
    level = rotate_bound_same(turn_clockwise(image, rotation), skew, border=255, interpolation=interpolation)
    return _resample(level, dpi)


def original_copy(src: Path, geometry: PageGeometry, size: tuple[int, int]) -> np.ndarray:
    """The stored image in its OCR copy's frame (``size``: width, height), neither evened out nor
    cleaned: what a re-reading compares the cleaned copy with (:mod:`ocr.reread`)."""
    gray = load_gray(src)
    if geometry.warp:
        matrix = np.array(geometry.warp, dtype=np.float64).reshape(3, 3)
        return cv2.warpPerspective(turn_clockwise(gray, geometry.rotation), matrix, size, flags=cv2.INTER_CUBIC,
                                   borderMode=cv2.BORDER_REPLICATE)
    copy = geometric_copy(gray, rotation=geometry.rotation, skew=geometry.skew, dpi=geometry.dpi)
    if (copy.shape[1], copy.shape[0]) != size:
        copy = cv2.resize(copy, size, interpolation=cv2.INTER_AREA)
    return copy


def ocr_scale(dpi: float, shape: tuple[int, ...]) -> float:
    """The resampling of a page to :func:`ocr_dpi`, never past :data:`MAX_OCR_PIXELS`."""
    scale = ocr_dpi(dpi) / dpi
    pixels = shape[0] * shape[1] * scale * scale
    return scale if pixels <= MAX_OCR_PIXELS else (MAX_OCR_PIXELS / (shape[0] * shape[1])) ** 0.5


def _resample(level: np.ndarray, dpi: float) -> np.ndarray:
    scale = ocr_scale(dpi, level.shape)
    if abs(scale - 1) <= 0.01:
        return level
    h, w = level.shape
    return cv2.resize(level, (max(1, round(w * scale)), max(1, round(h * scale))),
                      interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)


def clean_for_ocr(flat: np.ndarray, *, rotation: int, skew: float, dpi: float,
                  x_height: float | None = None, photo: bool = False) -> np.ndarray:
    """The OCR copy of an evened-out page: upright, deskewed, borders, leaders, printed lines and
    dust whitened, at :func:`ocr_dpi`, same page area.

    Leaders and lines are found at the scan's own resolution (fewer pixels, same shapes) and
    the result is resampled, if at all, last.
    """
    upright = _whiten_borders(turn_clockwise(flat, rotation))
    level = rotate_bound_same(upright, skew, border=255, interpolation=cv2.INTER_CUBIC)
    return _flatten_paper(_resample(clean_copy(level, dpi=dpi, x_height=x_height, rules=not photo), dpi))


@dataclass(frozen=True)
class _Sheet:
    """The image the analyses work on: the page itself, or the sheet in a photo seen square-on."""

    image: np.ndarray
    capture: str
    rectify: np.ndarray | None
    """Photo → rectified sheet homography, when the sheet had perspective to undo."""


def _sheet(src: Path, gray: np.ndarray) -> _Sheet:
    camera = camera_exif(src)
    corners = find_sheet(gray)
    if corners is not None and has_perspective(corners):
        matrix, size = rectify_transform(corners)
        rectified = cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if min(rectified.shape) >= MIN_PAGE_PX:
            return _Sheet(rectified, "photo", matrix)
    return _Sheet(gray, "photo" if camera else "scan", None)


def preprocess_page(src: Path, ocr_dst: Path, *, source_page: int, dpi: float, mode: str,
                    dpi_known: bool = True, max_skew: float = 10.0, min_glyphs: int = 8,
                    languages: str = "vie", timeout: float = 60.0) -> PageGeometry:
    """Analyse one page and write its OCR copy (skipped for a blank page).

    Args:
        src: the stored page image (never modified).
        ocr_dst: where the cleaned PNG for OCR goes.
        source_page: 1-based page number in the source.
        dpi: the page's resolution as the file states it (or intake's default).
        mode: the Pillow mode the scanner delivered (for the scan-standard check).
        dpi_known: whether the file stated its resolution.
        max_skew: largest skew searched, in degrees.
        min_glyphs: a page with fewer glyphs standing in words, on which Tesseract reads no word,
            is a blank back; with more, it is kept and flagged ``blank_uncertain``.
        languages: Tesseract languages for the readings that settle sparse pages.
        timeout: seconds for each of those readings.

    Raises:
        InputFileError: the image is degenerate (``degenerate_page``).
    """
    gray = load_ocr_gray(src, dpi=dpi if dpi_known and dpi not in SCREEN_DPI else None)
    check_page_size(gray)
    height, width = gray.shape
    sheet = _sheet(src, gray)
    guess = dpi if tag_believable(dpi, known=dpi_known, long_side_px=max(gray.shape)) else \
        max(sheet.image.shape) / A4_LONG_INCH
    flat = flatten_light(sheet.image, dpi=guess)
    page_dpi, dpi_source = page_resolution(flat, dpi=dpi, known=dpi_known, photo=sheet.capture == "photo")
    flags = tuple(f for f, on in (("photo", sheet.capture == "photo"), ("dpi_estimated", dpi_source == "estimated"))
                  if on)
    geometry = PageGeometry(source_page, True, 0, 0.0, width, height, page_dpi,
                            scan_standard_issues(dpi=page_dpi, mode=mode, dpi_known=dpi_known), flags,
                            sheet.capture, dpi_source)
    small = downscale(flat, page_dpi)
    small_dpi = page_dpi * small.shape[1] / flat.shape[1]
    mask = ink_mask(small)
    content = content_mask(mask, small)
    glyphs, text_share = glyph_evidence(content, dpi=small_dpi)
    if glyphs <= BLANK_GLYPHS:
        return geometry
    x_small = text_x_height(content)
    x_height = x_small * page_dpi / small_dpi if x_small else None
    clean = functools.partial(clean_for_ocr, flat, dpi=page_dpi, x_height=x_height,
                              photo=sheet.capture == "photo")
    decision = _decide(clean, mask, glyphs=glyphs, text_share=text_share, dpi=page_dpi, max_skew=max_skew,
                       min_glyphs=min_glyphs, languages=languages, timeout=timeout, workdir=ocr_dst.parent)
    if decision is None:
        return geometry
    rotation, skew, level, extra = decision
    _save_ocr_copy(level, ocr_dst, dpi=page_dpi * ocr_scale(page_dpi, flat.shape), glyphs=glyphs)
    if sheet.rectify is not None:
        # The photo is displayed turned only; the rectification and deskew live in the warp.
        return replace(geometry, blank=False, rotation=rotation, skew=0.0, flags=flags + extra,
                       width=height if rotation in (90, 270) else width,
                       height=width if rotation in (90, 270) else height,
                       warp=_photo_warp(sheet, rotation=rotation, skew=skew, dpi=page_dpi, source=(width, height)))
    if rotation in (90, 270):
        width, height = height, width
    return replace(geometry, blank=False, rotation=rotation, skew=skew, width=width, height=height,
                   flags=flags + extra)


def _decide(clean: Callable[..., np.ndarray], mask: np.ndarray, *, glyphs: int, text_share: float, dpi: float,
            max_skew: float, min_glyphs: int, languages: str, timeout: float,
            workdir: Path) -> tuple[int, float, np.ndarray, tuple[str, ...]] | None:
    """(rotation, skew, OCR copy, extra flags) of a page with ink, or None for a blank back.

    ``clean(rotation=, skew=)`` makes the OCR copy at a rotation and skew.
    """
    orient = detect_rotation(mask, max_skew=max_skew)
    sparse = glyphs < SPARSE_GLYPHS or text_share < TEXT_SHARE
    if not sparse:
        rotation, skew = orient.rotation, orient.skew
        level = clean(rotation=rotation, skew=skew)
        if orient.certainty < WEAK_VOTE or (orient.rotation == 180 and orient.certainty < SURE_TURN):
            as_is, turned = both_ways(level, dpi=ocr_dpi(dpi), languages=languages, timeout=timeout, workdir=workdir)
            if clearly_better(turned, as_is):
                return (rotation + 180) % 360, skew, np.ascontiguousarray(level[::-1, ::-1]), ()
        return rotation, skew, level, ()
    # Little text, or little of the ink in letters: turned only on what reads clearly better.
    rotation = 90 if orient.sideways else 0
    skew = _sparse_skew(mask, rotation=rotation, text_share=text_share, max_skew=max_skew)
    level = clean(rotation=rotation, skew=skew)
    as_is, turned = both_ways(level, dpi=ocr_dpi(dpi), languages=languages, timeout=timeout, workdir=workdir)
    if clearly_better(turned, as_is):
        return (rotation + 180) % 360, skew, np.ascontiguousarray(level[::-1, ::-1]), ()
    if as_is.score >= MIN_SCORE:
        return rotation, skew, level, ()
    if glyphs < min_glyphs:
        return None
    if rotation or skew:
        level = clean(rotation=0, skew=0.0)
    return 0, 0.0, level, ("blank_uncertain",)


def _sparse_skew(mask: np.ndarray, *, rotation: int, text_share: float, max_skew: float) -> float:
    """The skew of a sparse page of text; none for a picture or chart (graphics stay as they came)."""
    if text_share < TEXT_SHARE:
        return 0.0
    from ocr.geometry import estimate_skew

    skew, _ = estimate_skew(turn_clockwise(mask, rotation), max_degrees=max_skew)
    return skew


def _photo_warp(sheet: _Sheet, *, rotation: int, skew: float, dpi: float, source: tuple[int, int]) -> tuple[float, ...]:
    """The homography from the displayed photo (turned by ``rotation``) to its OCR copy."""
    sw, sh = source
    rw, rh = sheet.image.shape[1], sheet.image.shape[0]
    tw, th = (rh, rw) if rotation in (90, 270) else (rw, rh)
    to_copy = scale_matrix(ocr_scale(dpi, (th, tw))) @ skew_matrix(skew, tw, th) @ turn_matrix(rotation, rw, rh) @ \
        sheet.rectify
    from_displayed = np.linalg.inv(turn_matrix(rotation, sw, sh))
    matrix = to_copy @ from_displayed
    return tuple(float(v) for v in (matrix / matrix[2, 2]).ravel())


def _save_ocr_copy(level: np.ndarray, dst: Path, *, dpi: float, glyphs: int) -> None:
    """A PNG at the OCR resolution, with fast compression (it is a work file), noting the glyphs
    its ink holds (the reading's expected length, :mod:`ocr.quality`)."""
    info = PngImagePlugin.PngInfo()
    info.add_text(GLYPHS_KEY, str(glyphs))
    Image.fromarray(level).save(dst, dpi=(dpi, dpi), compress_level=1, pnginfo=info)
