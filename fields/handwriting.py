"""Is a value handwritten? Its strokes lean, while the printed label beside it stands upright.

Type on a form stands upright (forms are not filled in italics); a hand leans. On the clean page
image OCR read, the
value's box is sheared until its strokes are sharpest (:func:`slant`): a value leaning 0.1–0.45
while its label on the same line stands upright is handwriting. Measured on the generator's tuning
set: typed values lean ≤ 0.05 at the 90th percentile, handwriting-like values ≥ 0.11 at the 5th
(``bench/fields.py``). A value found handwritten is not given Tesseract's guess at a confident
score: it is flagged ``handwritten`` ("viết tay — cần nhập lại").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from fields.text import Token
from ocr.model import PageText

SLANT = (0.1, 0.45)
"""A value leaning this much (x per y) while its printed label stands upright is handwriting."""
MIN_CHARS = 4
"""Shorter lines (``Nữ``, ``Con``) are not measured: too few strokes to tell."""


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


def slant(mask: np.ndarray) -> float | None:
    """The shear (x per y) that makes the strokes most upright: ~0 for upright type, 0.1–0.4 for a
    right-leaning hand. The sharpest column profile (largest variance) over candidate shears wins."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 30:
        return None
    height = mask.shape[0]
    best, best_var = 0.0, -1.0
    for shear in np.arange(-0.2, 0.51, 0.05):
        shifted = np.round(xs + shear * (ys - height / 2)).astype(int)
        profile = np.bincount(shifted - shifted.min())
        var = float(np.var(profile))
        if var > best_var:
            best, best_var = float(shear), var
    return best


def weighted_median(values: Sequence[tuple[float, int]]) -> float:
    """The median of ``(value, weight)`` pairs: the value at which half the weight is reached (two
    halves exactly: the mean of the values either side)."""
    ordered = sorted(values)
    total, reached = sum(w for _, w in ordered), 0
    for i, (value, weight) in enumerate(ordered):
        reached += weight
        if 2 * reached > total:
            return value
        if 2 * reached == total:
            return (value + ordered[i + 1][0]) / 2
    return ordered[-1][0]


def deslant(crop: np.ndarray, shear: float) -> np.ndarray:
    """``crop`` (greyscale, white paper) with strokes leaning ``shear`` (x per y, to the right) made
    upright, widened so nothing is cut; the middle row stays in place."""
    height, width = crop.shape
    pad = int(abs(shear) * height) + 2
    wide = Image.new("L", (width + 2 * pad, height), 255)
    wide.paste(Image.fromarray(crop), (pad, 0))
    return np.asarray(wide.transform(wide.size, Image.AFFINE, (1, -shear, shear * height / 2, 0, 1, 0),
                                     resample=Image.BICUBIC, fillcolor=255))


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

    def _crop(self, image: np.ndarray, tokens: Sequence[Token]) -> np.ndarray | None:
        page = self._pages[tokens[0].page]
        sy, sx = image.shape[0] / max(page.height, 1), image.shape[1] / max(page.width, 1)
        top, bottom = min(t.bbox.top for t in tokens), max(t.bbox.bottom for t in tokens)
        left, right = min(t.bbox.left for t in tokens), max(t.bbox.right for t in tokens)
        crop = image[max(0, int(top * sy)):int(bottom * sy) + 1, max(0, int(left * sx)):int(right * sx) + 1]
        return None if crop.size == 0 or crop.shape[0] < 6 else crop

    def _lines(self, tokens: Sequence[Token]) -> list[list[Token]]:
        lines: dict[int, list[Token]] = {}
        for token in tokens:
            lines.setdefault(token.line, []).append(token)
        return list(lines.values())

    def _slant(self, image: np.ndarray, tokens: Sequence[Token]) -> float | None:
        """The value's slant: the median over its text lines long enough to tell, each line weighing as
        many characters as it holds. A short line's few strokes can peak at any shear: an address's
        last line ``Nghệ An`` under a long typed line measured 0.5, and the plain median of the two
        lines (0.25) called the typed value handwritten (tuning seed 206)."""
        slants: list[tuple[float, int]] = []
        for line in self._lines(tokens):
            line = [t for t in line if not any(c in t.text for c in "/-\\")]  # a slash leans in print too
            chars = sum(len(t.text) for t in line)
            if chars < MIN_CHARS:
                continue
            crop = self._crop(image, line)
            found = slant(_binary(crop)) if crop is not None else None
            if found is not None:
                slants.append((found, chars))
        return weighted_median(slants) if slants else None

    def lean(self, page_index: int, tokens: Sequence[Token]) -> float | None:
        """How much the value's strokes lean (x per y), short values too; None when it cannot be told."""
        image = self._image(page_index)
        same_page = [t for t in tokens if t.page == page_index]
        crop = self._crop(image, same_page) if image is not None and same_page else None
        return slant(_binary(crop)) if crop is not None else None

    def __call__(self, page_index: int, tokens: Sequence[Token]) -> bool:
        image = self._image(page_index)
        same_page = [t for t in tokens if t.page == page_index]
        if image is None or not same_page:
            return False
        value = self._slant(image, same_page)
        if value is None or not SLANT[0] <= value <= SLANT[1]:
            return False
        label = self._label_tokens(same_page)
        reference = self._slant(image, label) if label else None
        return reference is None or abs(reference) < SLANT[0] / 2  # the print around it stands upright

    def _label_tokens(self, tokens: Sequence[Token]) -> list[Token]:
        """Printed words left of the value on its line (its label), from the page's words."""
        first = tokens[0]
        page = self._pages[first.page]
        words = [w for w in page.words if abs((w.bbox.top + w.bbox.height / 2) - (first.bbox.top + first.bbox.height / 2))
                 < first.bbox.height * 0.6 and w.bbox.right <= first.bbox.left and len(w.text) > 1]
        return [Token(w.text, "", w.bbox, w.confidence, first.page, first.line) for w in words]
