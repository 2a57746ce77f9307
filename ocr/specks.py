"""Erase isolated specks (scanner dust) from the OCR copy.

Tesseract reads a lone dark dot as ``.``, ``'`` or ``_`` and glues it to the nearest line.
A speck is a dot-sized mark with no text near it. The marks that belong to text are dot-sized
too — the tittle of i, tone marks (stacked ones: the hook of ổ sits on the circumflex, which
sits on the o), the dấu nặng, a list dash, a full stop — but each is part of a cluster of ink
that holds a letter: marks chain to their letter and dashes and stops sit a word space from
the next word. So the ink is grouped into clusters (ink grown by a word space sideways and a
line gap's fraction up and down), and only clusters made of dot-sized marks alone are dust.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_INCH = 0.04
"""Largest speck, width and height (a 3-pixel-radius dot at 200 dpi is 0.035 inch)."""
NEAR_X_INCH = 0.1
"""A mark this close sideways to a letter belongs to its text (a word space is ~0.05 inch)."""
NEAR_Y_INCH = 0.05
"""A mark this close above or below a letter belongs to it (tone marks, dấu nặng)."""
MAX_SHARE = 0.05
"""Dust is a small share of a page's ink; more than this means the marks are text at a scale
misjudged, and nothing is erased."""


def speck_mask(binary: np.ndarray, *, dpi: float, x_height: float | None = None) -> np.ndarray:
    """The dust pixels (bool) of a 0/1 ink image."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2, round(SPECK_INCH * dpi))
    if x_height:
        size = min(size, max(2, round(0.45 * x_height)))  # never as big as the page's own letters
    small = (stats[:, cv2.CC_STAT_WIDTH] <= size) & (stats[:, cv2.CC_STAT_HEIGHT] <= size)
    small[0] = False
    if not small[1:].any():
        return np.zeros(binary.shape, dtype=bool)
    rx, ry = max(1, round(NEAR_X_INCH * dpi)), max(1, round(NEAR_Y_INCH * dpi))
    grown = cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rx + 1, 2 * ry + 1)))
    _, clusters = cv2.connectedComponents(grown, connectivity=8)
    # The cluster of each component: every pixel of a component lies in the same cluster.
    ink = labels > 0
    cluster_of = np.zeros(count, dtype=np.int32)
    cluster_of[labels[ink]] = clusters[ink]
    big = ~small
    big[0] = False
    with_letter = np.zeros(int(clusters.max()) + 1, dtype=bool)
    with_letter[cluster_of[big]] = True
    dust = small & ~with_letter[cluster_of]
    dust[0] = False
    return dust[labels]


def erase_specks(gray: np.ndarray, *, dpi: float, x_height: float | None = None,
                 binary: np.ndarray | None = None) -> np.ndarray:
    """Return a copy of ``gray`` with isolated dot-sized marks painted white (``gray`` itself when none)."""
    if binary is None:
        _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dust = speck_mask(binary, dpi=dpi, x_height=x_height)
    removed = int(dust.sum())
    if removed == 0 or removed > MAX_SHARE * max(1, int(binary.sum())):
        return gray
    out = gray.copy()
    out[cv2.dilate(dust.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)] = 255
    return out
