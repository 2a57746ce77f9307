"""Erase dotted leader lines (``Họ và tên: ..........``) from the OCR copy.

Tesseract reads leaders as junk characters and, worse, lets them pull neighbouring words into
garbage (shared/notes/ocr-engines.md). A leader is a long, level, evenly spaced run of small
dots; the dots of Vietnamese letters (i, the dấu nặng under ạ/ộ) stand alone or in pairs, so
only runs of at least ``min_run`` dots are erased. Letters of a page whose scale was misjudged
(a 72-dpi image read as 300 dpi) can look dot-sized too, so a dot is never larger than half the
page's x-height, and a run must be regular — dots of one size at an even pitch — as printed
leaders are and letters are not.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np


def _dots(binary: np.ndarray, dpi: float, x_height: float | None = None) -> np.ndarray:
    """Centres and boxes of dot-sized components: rows of (cx, cy, x, y, w, h)."""
    _, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2, round(dpi / 300 * 9))
    if x_height:
        size = min(size, max(2, round(0.5 * x_height)))
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    keep = (w <= size) & (h <= size) & (stats[1:, cv2.CC_STAT_AREA] >= 2)
    boxes = stats[1:][keep][:, :4]
    return np.column_stack([centroids[1:][keep], boxes]) if keep.any() else np.empty((0, 6))


def _runs(dots: np.ndarray, dpi: float, min_run: int) -> list[np.ndarray]:
    """Groups of dots that continue each other along a level line."""
    max_gap, max_dy = dpi / 300 * 30, dpi / 300 * 3
    order = np.lexsort((dots[:, 0], np.round(dots[:, 1] / max(1.0, max_dy * 2))))
    runs, current = [], [order[0]] if len(order) else []
    for a, b in pairwise(order):
        dx, dy = dots[b, 0] - dots[a, 0], abs(dots[b, 1] - dots[a, 1])
        if 0 < dx <= max_gap and dy <= max_dy:
            current.append(b)
        else:
            if len(current) >= min_run:
                runs.append(dots[current])
            current = [b]
    if len(current) >= min_run:
        runs.append(dots[current])
    return [run for run in runs if _regular(run)]


def _regular(run: np.ndarray) -> bool:
    """Printed leaders: dots of about one size at about one pitch (letters vary in both).

    Most, not all: JPEG noise changes a dot's size and a faint dot drops out of a run.
    """
    gaps = np.diff(run[:, 0])
    areas = run[:, 4] * run[:, 5]
    pitch, size = float(np.median(gaps)), float(np.median(areas))
    even = np.abs(gaps - pitch) <= 0.3 * pitch
    alike = (areas <= 3 * size) & (areas >= size / 3)
    return bool(even.mean() >= 0.75 and alike.mean() >= 0.75)


def erase_leaders(gray: np.ndarray, *, dpi: float, min_run: int = 5, x_height: float | None = None,
                  binary: np.ndarray | None = None) -> np.ndarray:
    """Return a copy of ``gray`` with dotted leader runs painted white."""
    if binary is None:
        _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dots = _dots(binary, dpi, x_height)
    if len(dots) < min_run:
        return gray
    out = gray.copy()
    pad = max(1, round(dpi / 300))
    for run in _runs(dots, dpi, min_run):
        for _, _, x, y, w, h in run.astype(int):
            out[max(0, y - pad): y + h + pad, max(0, x - pad): x + w + pad] = 255
    return out
