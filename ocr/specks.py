"""Erase isolated specks (scanner dust) from the OCR copy.

Tesseract reads a lone dark dot as ``.``, ``'`` or ``_`` and glues it to the nearest line.
A speck is a dot-sized mark with no text near it. The marks that belong to text are dot-sized
too — the tittle of i, tone marks (stacked ones: the hook of ổ sits on the circumflex, which
sits on the o), the dấu nặng, a list dash, a full stop — but each is part of a cluster of ink
that holds a letter: marks chain to their letter and dashes and stops sit a word space from
the next word. So the ink is grouped into clusters (ink grown by a full stop's gap sideways and
a tone mark's height up and down), and only clusters made of dot-sized marks alone are dust; a
dash-shaped mark is also kept when a letter stands within a word space beside it.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_INCH = 0.04
"""Largest speck, width and height (a 3-pixel-radius dot at 200 dpi is 0.035 inch)."""
NEAR_X_INCH = 0.02
"""A round mark this close sideways to a letter belongs to its word (a full stop, a comma)."""
NEAR_Y_INCH = 0.025
"""A mark this close above or below a letter belongs to it (tone marks, dấu nặng; a stacked
mark chains through the one under it)."""
DASH_X_INCH = 0.12
"""A dash this close sideways to a letter is a list dash or a hyphen (a word space is ~0.05 inch)."""
MAX_SHARE = 0.05
"""Dust is a small share of a page's ink; more than this means the marks are text at a scale
misjudged, and nothing is erased."""


def speck_mask(binary: np.ndarray, *, dpi: float, x_height: float | None = None) -> np.ndarray:
    """The dust pixels (bool) of a 0/1 ink image."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2, round(SPECK_INCH * dpi))
    if x_height:
        size = min(size, max(2, round(0.6 * x_height)))  # never as big as the page's own letters
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
    dust &= ~_dash_beside_letter(stats, big, labels, dust, dpi=dpi)
    return dust[labels]


def _dash_beside_letter(stats: np.ndarray, big: np.ndarray, labels: np.ndarray, candidates: np.ndarray, *,
                        dpi: float) -> np.ndarray:
    """Per component: one of ``candidates`` that is dash-shaped, with a letter's ink within a word space beside it."""
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    dash = (w >= 2 * h) & candidates
    dash[0] = False
    if not dash.any():
        return dash
    letters = cv2.integral(big[labels].astype(np.uint8))
    reach = max(1, round(DASH_X_INCH * dpi))
    rows, cols = labels.shape
    idx = np.flatnonzero(dash)
    x0 = np.clip(stats[idx, cv2.CC_STAT_LEFT] - reach, 0, cols)
    x1 = np.clip(stats[idx, cv2.CC_STAT_LEFT] + w[idx] + reach, 0, cols)
    y0 = np.clip(stats[idx, cv2.CC_STAT_TOP] - h[idx] * 3, 0, rows)
    y1 = np.clip(stats[idx, cv2.CC_STAT_TOP] + h[idx] * 4, 0, rows)
    near = letters[y1, x1] - letters[y0, x1] - letters[y1, x0] + letters[y0, x0]
    out = np.zeros_like(dash)
    out[idx] = near > 0
    return out


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
