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
    # Ink of bigger marks inside each small mark's box, from the integral image: none means dust.
    area = cv2.integral(near)
    idx = np.flatnonzero(small)
    x, y, w, h = (stats[idx, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    inked = area[y + h, x + w] - area[y, x + w] - area[y + h, x] + area[y, x]
    dust = inked == 0
    if not dust.any():
        return gray
    out = gray.copy()
    for left, top, width, height in zip(x[dust], y[dust], w[dust], h[dust], strict=True):
        out[max(0, top - 1):top + height + 1, max(0, left - 1):left + width + 1] = 255
    return out
