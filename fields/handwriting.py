"""Is a value handwritten? Its letters wander off the line that print keeps.

Type sits on one baseline: the bottoms of its letters line up, bar the few descenders. A hand does
not: letters rise and sink, grow and shrink along the line. On the clean page image OCR read, the
value's box is cut into letter-like runs of inked columns; the spread of their bottoms (median
absolute deviation, in letter heights) is compared with the same measure of the printed label on
its line — the page's own reference for print at that scan's quality — and with a floor. A value
found handwritten is not given Tesseract's guess at a confident score: it is flagged
``handwritten`` ("viết tay — cần nhập lại").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from fields.text import Token
from ocr.model import PageText

WANDER_FLOOR = 0.04
"""Spread of letter bottoms (in letter heights) above which a value is handwriting, whatever its label."""
WANDER_RATIO = 2.2
"""… or this many times its printed label's spread, when the label's is known."""
_MIN_RUNS = 5


def _binary(crop: np.ndarray) -> np.ndarray:
    """Ink mask of a greyscale crop (Otsu's threshold on its histogram)."""
    hist = np.bincount(crop.ravel(), minlength=256).astype(float)
    total, best, threshold = hist.sum(), -1.0, 128
    cum, cum_mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    for t in range(1, 255):
        w0, w1 = cum[t], total - cum[t]
        if w0 == 0 or w1 == 0:
            continue
        between = w0 * w1 * (cum_mean[t] / w0 - (cum_mean[-1] - cum_mean[t]) / w1) ** 2
        if between > best:
            best, threshold = between, t
    return crop <= threshold


def wander(mask: np.ndarray) -> float | None:
    """Spread of the bottoms of letter-like runs in an ink mask, in median run heights; None if too few."""
    columns = mask.any(axis=0)
    runs, start = [], None
    for x, inked in enumerate(np.append(columns, False)):
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            runs.append((start, x))
            start = None
    bottoms, heights, centres = [], [], []
    for a, b in runs:
        rows = np.flatnonzero(mask[:, a:b].any(axis=1))
        if b - a < 2 or len(rows) < 3:
            continue
        bottoms.append(rows[-1])
        heights.append(rows[-1] - rows[0] + 1)
        centres.append((a + b) / 2)
    if len(bottoms) < _MIN_RUNS:
        return None
    height = float(np.median(heights))
    # off a straight line through the bottoms: a slightly sloped (residual skew) line of type is still a line
    slope, offset = np.polyfit(np.array(centres), np.array(bottoms, dtype=float), 1)
    residuals = np.array(bottoms) - (slope * np.array(centres) + offset)
    return float(np.median(np.abs(residuals - np.median(residuals)))) / max(height, 1.0)


class HandwritingCheck:
    """Tells, for a document's pages, whether a value's tokens are handwritten (a callable)."""

    def __init__(self, pages: Sequence[PageText], images: Mapping[int, Path]) -> None:
        self._pages = pages
        self._images = images
        self._cache: dict[int, np.ndarray | None] = {}

    def _image(self, index: int) -> np.ndarray | None:
        if index not in self._cache:
            path = self._images.get(self._pages[index].source_page)
            try:
                with Image.open(path) as img:  # type: ignore[arg-type]
                    self._cache[index] = np.asarray(img.convert("L"))
            except (OSError, TypeError, ValueError):
                self._cache[index] = None  # no image: handwriting is not checked on this page
        return self._cache[index]

    def _measure(self, image: np.ndarray, tokens: Sequence[Token]) -> float | None:
        page = self._pages[tokens[0].page]
        sy, sx = image.shape[0] / max(page.height, 1), image.shape[1] / max(page.width, 1)
        top = min(t.bbox.top for t in tokens)
        bottom = max(t.bbox.bottom for t in tokens)
        left, right = min(t.bbox.left for t in tokens), max(t.bbox.right for t in tokens)
        crop = image[max(0, int(top * sy)):int(bottom * sy) + 1, max(0, int(left * sx)):int(right * sx) + 1]
        if crop.size == 0 or crop.shape[0] < 6:
            return None
        return wander(_binary(crop))

    def __call__(self, page_index: int, tokens: Sequence[Token]) -> bool:
        image = self._image(page_index)
        same_page = [t for t in tokens if t.page == page_index]
        if image is None or not same_page:
            return False
        value = self._measure(image, same_page)
        if value is None:
            return False
        label = self._label_tokens(same_page)
        reference = self._measure(image, label) if label else None
        if reference is not None and reference > 0:
            return value > WANDER_FLOOR and value > WANDER_RATIO * reference
        return value > WANDER_FLOOR * 1.5

    def _label_tokens(self, tokens: Sequence[Token]) -> list[Token]:
        """Printed words left of the value on its line (its label), from the page's words."""
        first = tokens[0]
        page = self._pages[first.page]
        words = [w for w in page.words if abs((w.bbox.top + w.bbox.height / 2) - (first.bbox.top + first.bbox.height / 2))
                 < first.bbox.height * 0.6 and w.bbox.right <= first.bbox.left and len(w.text) > 1]
        return [Token(w.text, "", w.bbox, w.confidence, first.page, first.line) for w in words]
