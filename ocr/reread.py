"""The net under a page's first reading: read again another way when it is suspicious, then say so.

A page with ink that reads as nothing, as far less than its ink promises, or poorly
(:func:`ocr.quality.suspicious_reading`) is read again: the original image in the OCR copy's
frame (turned, deskewed, resampled, but neither evened out nor cleaned: when the cleaned copy
reads worse, the original's reading wins), the cleaned copy as sparse text (Tesseract's page
mode 11 finds a signature block or a lone page number that the column mode 4 passes over),
and the original binarised locally. The best reading by :func:`ocr.quality.assess` is kept with
its text layer. A page still without words is flagged ``page_without_text``, one still poor
``low_text_quality``: no page with ink leaves without text and without a flag.

Only suspicious pages pay for re-reading; a page read well the first time is read once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ocr.model import PageText
from ocr.preprocess import GLYPHS_KEY
from ocr.quality import Assessment, assess, suspicious_reading
from ocr.recognize import recognize

SPARSE_PSM = 11
"""Tesseract's "sparse text" page mode: as much text as possible, in no particular order."""


@dataclass(frozen=True)
class _Way:
    name: str
    psm: int
    original: bool
    binarise: bool = False


def _ways(psm: int) -> tuple[_Way, ...]:
    return (_Way("original", psm, True), _Way("sparse", SPARSE_PSM, False), _Way("binarised", psm, True, True))


def glyphs_of(clean_png: Path) -> int | None:
    """The glyphs the OCR copy's ink holds, as preprocessing noted them (None for an older copy)."""
    with Image.open(clean_png) as im:
        value = im.info.get(GLYPHS_KEY)
    return int(value) if value is not None and str(value).isdigit() else None


def binarise(gray: np.ndarray, *, dpi: float) -> np.ndarray:
    """A local (adaptive) threshold: each pixel against the paper within a quarter inch."""
    block = max(3, round(0.25 * dpi) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def read_page(clean_png: Path, layer_dest: Path, *, original: Callable[[], np.ndarray], languages: str,
              psm: int, timeout: float, source_page: int, low_quality: float, expect_text: bool = True) -> PageText:
    """Read one page's OCR copy, again other ways when suspicious; the best reading, with its
    ``quality`` and flags, and its text layer at ``layer_dest``.

    Args:
        clean_png: the cleaned OCR copy.
        layer_dest: where the chosen reading's text-only PDF layer goes.
        original: makes the original image in the OCR copy's frame (called at most once).
        languages, psm, timeout: as :func:`ocr.recognize.recognize`.
        source_page: the 1-based page number.
        low_quality: readings under this quality are flagged ``low_text_quality``.
        expect_text: False for a page kept as ``blank_uncertain``: read once, never flagged.
    """
    glyphs = glyphs_of(clean_png)
    best = recognize(clean_png, languages=languages, psm=psm, timeout=timeout, source_page=source_page,
                     text_pdf_dest=layer_dest)
    best_result = assess(best, glyphs=glyphs)
    if not expect_text:
        return replace(best, quality=best_result.quality)
    if suspicious_reading(best_result, low_quality=low_quality):
        best, best_result = _read_again(clean_png, layer_dest, best, best_result, original=original,
                                        languages=languages, psm=psm, timeout=timeout, source_page=source_page,
                                        glyphs=glyphs, low_quality=low_quality)
    flags = ("page_without_text",) if best_result.words == 0 else \
        ("low_text_quality",) if best_result.quality < low_quality else ()
    return replace(best, quality=best_result.quality, flags=flags)


def _better(a: Assessment, b: Assessment) -> bool:
    return (a.quality, a.words) > (b.quality, b.words)


def _read_again(clean_png: Path, layer_dest: Path, best: PageText, best_result: Assessment, *,
                original: Callable[[], np.ndarray], languages: str, psm: int, timeout: float, source_page: int,
                glyphs: int | None, low_quality: float) -> tuple[PageText, Assessment]:
    with Image.open(clean_png) as im:
        dpi = float(im.info.get("dpi", (300, 300))[0] or 300)
    made: np.ndarray | None = None
    with tempfile.TemporaryDirectory(prefix=".sohoa-reread-", dir=layer_dest.parent) as tmp:
        for way in _ways(psm):
            image = clean_png
            if way.original:
                made = original() if made is None else made
                image = Path(tmp) / f"{way.name}.png"
                Image.fromarray(binarise(made, dpi=dpi) if way.binarise else made).save(
                    image, dpi=(dpi, dpi), compress_level=1)
            layer = Path(tmp) / f"{way.name}.pdf"
            page = recognize(image, languages=languages, psm=way.psm, timeout=timeout, source_page=source_page,
                             text_pdf_dest=layer)
            result = assess(page, glyphs=glyphs)
            if _better(result, best_result):
                best, best_result = page, result
                layer.replace(layer_dest)
            if not suspicious_reading(best_result, low_quality=low_quality):
                break
    return best, best_result
