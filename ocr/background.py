"""Even out the paper before any threshold: uneven light, shadows, grey paper beside pure white.

A global threshold (Otsu, Tesseract's own binarisation, the cleaning steps' masks) splits a page
into two grey levels. On a page whose paper is not one level it splits the paper instead of the
ink: a phone photo darker at one edge loses whole text rows to the shadow, and a scan whose
deskew fill or over-exposed areas are pure white beside grey paper (226) reads the grey paper as
ink, so a sparse page reads as nothing (issue #15). Dividing the page by its own paper level
(estimated with a grey-level closing at low resolution, which erases text strokes) makes the
paper 255 everywhere and keeps each stroke's contrast against the paper around it.
"""

from __future__ import annotations

import cv2
import numpy as np

BACKGROUND_DPI = 25.0
"""Resolution the paper level is estimated at: it varies over inches, strokes over points."""
CLOSING_INCH = 0.4
"""Width of the grey-level closing that erases ink: wider than any stroke or letter, narrower than
the shadows and light gradients it must follow."""


UNEVEN = 12
"""Paper whose level varies by less than this over the page (5th to 95th percentile) is even:
it is left as it is, so a page that needs no evening out is not touched by it."""


def _paper_small(gray: np.ndarray, *, dpi: float) -> np.ndarray:
    """The paper's grey level at :data:`BACKGROUND_DPI`."""
    h, w = gray.shape
    scale = min(1.0, BACKGROUND_DPI / max(dpi, 1.0))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    k = max(3, round(CLOSING_INCH * dpi * scale) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)  # dark strokes narrower than k vanish
    # A median smooths the light's slow changes but keeps a step between grey paper and a pure-white
    # fill where it is: a blur would spread the white over the paper beside it.
    return cv2.medianBlur(paper, k)


def flatten_light(gray: np.ndarray, *, dpi: float) -> np.ndarray:
    """``gray`` divided by its paper level: paper 255 everywhere, each stroke's contrast kept.

    Pure-white areas (deskew fill, over-exposure) and grey paper both become 255, so no
    threshold afterwards can take either for ink. Even paper is returned as it is.
    """
    if min(gray.shape) < 2:
        return gray
    paper = _paper_small(gray, dpi=dpi)
    low, high = np.percentile(paper, (5, 95))
    if high - low < UNEVEN:
        return gray
    h, w = gray.shape
    if paper.shape != gray.shape:
        paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)
