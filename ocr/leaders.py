"""Erase dotted leader lines (``Họ và tên: ..........``) from the OCR copy.

Tesseract reads leaders as junk characters and, worse, lets them pull neighbouring words into
garbage (shared/notes/ocr-engines.md). A leader is a long, level, evenly spaced run of small,
solid, alike dots with nothing above or below them. Each of those tests keeps a Vietnamese
letter's dots:

* a run needs at least ``min_run`` dots: a full stop, a decimal point or the ``...`` of
  ``Số: .../QĐ-`` stands alone or in threes;
* a dot has no ink right above or right below it within about half an x-height: the dấu nặng
  under ạ/ộ/ự has its letter above it, the dot of i/j its stem below, a colon its other dot;
* a run is regular — dots of one size at an even pitch — as printed leaders are and a line's
  diacritic dots are not.

Dot size and pitch are measured against the dots themselves (a monospaced face puts its full stops
four dot-widths apart), not a fixed size at the page's dpi: typefaces and scans print leader dots
from 0.3 to over 1 mm. A dot is never larger than half the page's x-height, so letters of a page
whose scale was misjudged (a 72-dpi image read as 300 dpi) are not taken for dots.
"""

from __future__ import annotations

import cv2
import numpy as np

DOT_MM = 1.3
"""Largest leader dot when the page's x-height is unknown (a bold 14-point face's full stop, blurred)."""
PITCH_DOTS = 6.0
"""Largest pitch of a leader, in dot widths (a monospaced face's full stops stand about four apart)."""
ROUND = 1.5
"""A leader dot is round: its box no longer than this many times its width, plus a pixel (a comma
after the last word before a leader is twice as tall as wide, and must not join the run)."""
ABOVE, BELOW = 0.7, 0.45
"""A leader dot has no other ink this many x-heights above it or below it, over its own width."""


def _dots(binary: np.ndarray, dpi: float, x_height: float | None = None) -> np.ndarray:
    """Centres and boxes of solid, dot-sized components standing alone: rows of (cx, cy, x, y, w, h)."""
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2.0, 0.5 * x_height) if x_height else max(2.0, dpi / 25.4 * DOT_MM)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    keep = (w <= size) & (h <= size) & (area >= 2) & (np.maximum(w, h) <= ROUND * np.minimum(w, h) + 1) & \
        (area >= 0.4 * w * h)
    if not keep.any():
        return np.empty((0, 6))
    boxes = stats[1:][keep][:, :4]
    alone = _alone(binary, boxes, stats[1:, cv2.CC_STAT_AREA][keep], x_height)
    return np.column_stack([centroids[1:][keep], boxes])[alone]


def _alone(binary: np.ndarray, boxes: np.ndarray, areas: np.ndarray, x_height: float | None) -> np.ndarray:
    """Whether each dot has no other ink above or below it, over its own width (an integral image)."""
    total = cv2.integral(binary.astype(np.uint8))
    rows, cols = binary.shape
    x, y, w, h = (boxes[:, i].astype(np.int64) for i in range(4))
    reach = np.full(len(boxes), float(x_height)) if x_height else 2.5 * np.maximum(w, h)
    top = np.clip(y - np.ceil(ABOVE * reach).astype(np.int64), 0, rows)
    bottom = np.clip(y + h + np.ceil(BELOW * reach).astype(np.int64), 0, rows)
    left, right = np.clip(x, 0, cols), np.clip(x + w, 0, cols)
    ink = total[bottom, right] - total[top, right] - total[bottom, left] + total[top, left]
    return (ink - areas) <= np.maximum(1, 0.25 * areas)


def _runs(dots: np.ndarray, dpi: float, min_run: int) -> list[np.ndarray]:
    """Chains of dots that continue each other along a level line, left to right."""
    order = np.argsort(dots[:, 0], kind="stable")
    sizes = np.maximum(dots[:, 4], dots[:, 5])
    max_dy = np.maximum(dpi / 300 * 3, 0.5 * sizes)
    max_gap = np.maximum(dpi / 300 * 30, PITCH_DOTS * sizes)
    open_chains: list[list[int]] = []
    done: list[list[int]] = []
    for b in order:
        bx, by = dots[b, 0], dots[b, 1]
        still, best, best_dy = [], None, None
        for chain in open_chains:
            a = chain[-1]
            dx = bx - dots[a, 0]
            if dx > max_gap[a]:
                done.append(chain)
                continue
            still.append(chain)
            dy = abs(by - dots[a, 1])
            if 0 < dx and dy <= max_dy[a] and (best_dy is None or dy < best_dy):
                best, best_dy = chain, dy
        open_chains = still
        if best is not None:
            best.append(b)
        else:
            open_chains.append([b])
    done.extend(open_chains)
    return [run for chain in done if len(chain) >= min_run and len(run := _alike(dots[chain])) >= min_run and _regular(run)]


def _alike(run: np.ndarray) -> np.ndarray:
    """The run without dots much taller or wider than its own (a full stop or comma ending the text
    before the leader, at the leader's pitch in a monospaced face)."""
    w, h = np.median(run[:, 4]), np.median(run[:, 5])
    return run[(run[:, 4] <= 1.25 * w + 1) & (run[:, 5] <= 1.25 * h + 1)]


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
    runs = _runs(dots, dpi, min_run)
    if not runs:
        return gray
    out = gray.copy()
    pad = max(1, round(dpi / 300))
    for run in runs:
        for _, _, x, y, w, h in run.astype(int):
            out[max(0, y - pad): y + h + pad, max(0, x - pad): x + w + pad] = 255
    return out
