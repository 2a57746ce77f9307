"""Erase isolated specks (scanner dust) from the OCR copy.

Tesseract reads a lone dark dot as ``.``, ``'`` or ``_`` and glues it to the nearest line.
A speck is a dot-sized mark with no other ink around it; the dots that belong to Vietnamese
letters (the tittle of i, tone marks, the dấu nặng) always sit next to their letter, so they
stay.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_INCH = 0.04
"""Largest speck, width and height (a 3-pixel-radius dot at 200 dpi is 0.035 inch)."""
ALONE_INCH = 0.05
"""A speck with no other ink this close is dust; a tone mark sits nearer its letter."""


def erase_specks(gray: np.ndarray, *, dpi: float) -> np.ndarray:
    """Return a copy of ``gray`` with isolated dot-sized marks painted white."""
    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2, round(SPECK_INCH * dpi))
    small = (stats[:, cv2.CC_STAT_WIDTH] <= size) & (stats[:, cv2.CC_STAT_HEIGHT] <= size)
    small[0] = False
    if not small[1:].any():
        return gray
    big = ((labels > 0) & ~small[labels]).astype(np.uint8)
    radius = max(1, round(ALONE_INCH * dpi))
    near = cv2.dilate(big, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1)))
    out = gray
    for i in np.flatnonzero(small):
        x, y, w, h = stats[i, :4]
        if not near[y:y + h, x:x + w].any():  # nothing bigger around: dust, not a tone mark
            if out is gray:
                out = gray.copy()
            out[max(0, y - 1):y + h + 1, max(0, x - 1):x + w + 1] = 255
    return out
