"""One source page → its geometry (blank, rotation, skew) and a cleaned copy for OCR.

The archival image is never touched here: the PDF/A places the original pixels with the
rotation and deskew as a transform. Only the OCR copy is turned, deskewed, cleaned of dark
scanner borders and, outside 200-400 dpi, resampled to 300 dpi, on the same page area, so OCR word boxes line up
with the archival image.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ocr.geometry import detect_rotation, is_blank
from ocr.imaging import border_mask, downscale, ink_mask, load_gray, rotate_bound_same, turn_clockwise
from ocr.leaders import erase_leaders
from ocr.model import PageGeometry
from ocr.orientation import WEAK_VOTE, upside_down
from ocr.rules import erase_rules
from ocr.specks import erase_specks

OCR_DPI = 300.0
"""Resolution of the OCR copy of a page scanned below :data:`OCR_NATIVE_DPI` or above its upper end."""
OCR_NATIVE_DPI = (200.0, 400.0)
"""Scans in this range are OCR'd at their own resolution: Tesseract reads 200-dpi office scans as
well as their 300-dpi upscale (``bench/ocr.py``) in about 20 % less time."""
MIN_STANDARD_DPI = 200.0
"""NĐ 30/2020 Phụ lục I and TT 05/2025: scans of administrative documents at 200 dpi or more."""


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


def _whiten_borders(gray: np.ndarray) -> np.ndarray:
    top, bottom, left, right = border_mask(gray)
    out = gray.copy()
    h, w = out.shape
    out[:top, :] = 255
    out[h - bottom:, :] = 255
    out[:, :left] = 255
    out[:, w - right:] = 255
    return out


def ocr_dpi(dpi: float) -> float:
    """The resolution the OCR copy of a page scanned at ``dpi`` gets."""
    low, high = OCR_NATIVE_DPI
    return dpi if low <= dpi <= high else OCR_DPI


def clean_for_ocr(gray: np.ndarray, *, rotation: int, skew: float, dpi: float) -> np.ndarray:
    """The OCR copy: upright, deskewed, borders, leaders and printed lines whitened, at :func:`ocr_dpi`,
    same page area.

    Leaders and lines are found at the scan's own resolution (fewer pixels, same shapes) and
    the result is resampled, if at all, last.
    """
    upright = _whiten_borders(turn_clockwise(gray, rotation))
    level = rotate_bound_same(upright, skew, border=255, interpolation=cv2.INTER_CUBIC)
    level = erase_specks(erase_rules(erase_leaders(level, dpi=dpi), dpi=dpi), dpi=dpi)
    scale = ocr_dpi(dpi) / dpi
    if abs(scale - 1) > 0.01:
        level = cv2.resize(level, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    return _flatten_paper(level)


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


def _save_ocr_copy(level: np.ndarray, dst: Path, *, dpi: float) -> None:
    """A PNG at the OCR resolution, with fast compression: it is a work file."""
    Image.fromarray(level).save(dst, dpi=(dpi, dpi), compress_level=1)


def write_ocr_image(gray: np.ndarray, dst: Path, *, rotation: int, skew: float, dpi: float) -> None:
    """Write :func:`clean_for_ocr`'s copy of a page whose geometry is already known."""
    _save_ocr_copy(clean_for_ocr(gray, rotation=rotation, skew=skew, dpi=dpi), dst, dpi=ocr_dpi(dpi))


def preprocess_page(src: Path, ocr_dst: Path, *, source_page: int, dpi: float, mode: str,
                    dpi_known: bool = True, max_skew: float = 10.0, min_glyphs: int = 8) -> PageGeometry:
    """Analyse one page and write its OCR copy (skipped for a blank page).

    Args:
        src: the stored page image (never modified).
        ocr_dst: where the cleaned PNG for OCR goes.
        source_page: 1-based page number in the source.
        dpi: the page's resolution.
        mode: the Pillow mode the scanner delivered (for the scan-standard check).
        dpi_known: whether the file stated its resolution.
        max_skew: largest skew searched, in degrees.
        min_glyphs: a page with fewer glyphs that have a neighbouring glyph is a blank back.

    Orientation comes from the text lines' shape and an ink vote; when that vote is weak (a
    page of one or two short lines) Tesseract reads the text both ways up and the surer way wins.
    """
    gray = load_gray(src)
    small = downscale(gray, dpi)
    small_dpi = dpi * small.shape[1] / gray.shape[1]
    mask = ink_mask(small)
    height, width = gray.shape
    issues = scan_standard_issues(dpi=dpi, mode=mode, dpi_known=dpi_known)
    if is_blank(mask, small, dpi=small_dpi, min_glyphs=min_glyphs):
        return PageGeometry(source_page, True, 0, 0.0, width, height, dpi, issues)
    rotation, skew, certainty = detect_rotation(mask, max_skew=max_skew)
    level = clean_for_ocr(gray, rotation=rotation, skew=skew, dpi=dpi)
    if certainty < WEAK_VOTE and upside_down(level, dpi=ocr_dpi(dpi)):
        # Turning the level copy by 180° is the copy of the page turned the other way, same skew.
        rotation = (rotation + 180) % 360
        level = np.ascontiguousarray(level[::-1, ::-1])
    _save_ocr_copy(level, ocr_dst, dpi=ocr_dpi(dpi))
    if rotation in (90, 270):
        width, height = height, width
    return PageGeometry(source_page, False, rotation, skew, width, height, dpi, issues)
