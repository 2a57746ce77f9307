"""Page analyses on a small ink mask: blank backs, text orientation and skew.

Tesseract's own skew estimate reads ~0° beyond ~4° and its orientation detection is unsure
on sparse form pages (shared/notes/ocr-engines.md), so both are measured here from the
text lines themselves.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.imaging import border_mask, rotate_bound_same, turn_clockwise


def _content(mask: np.ndarray, gray: np.ndarray, margin: float = 0.03) -> np.ndarray:
    """The ink mask without scanner borders and a thin margin."""
    top, bottom, left, right = border_mask(gray)
    h, w = mask.shape
    my, mx = int(h * margin), int(w * margin)
    out = np.zeros_like(mask)
    y0, y1, x0, x1 = top + my, h - bottom - my, left + mx, w - right - mx
    if y1 > y0 and x1 > x0:
        out[y0:y1, x0:x1] = mask[y0:y1, x0:x1]
    return out


def glyph_count(mask: np.ndarray, *, dpi: float) -> int:
    """Connected ink components of glyph size (specks and big smudges left out)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    scale = (dpi / 100.0) ** 2
    areas, heights = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    ok = (areas >= 6 * scale) & (areas <= 3000 * scale) & (heights >= 4 * dpi / 100) & (heights <= 60 * dpi / 100)
    return int(ok.sum())


def is_blank(mask: np.ndarray, gray: np.ndarray, *, dpi: float, min_glyphs: int = 12) -> bool:
    """True when a page holds fewer than ``min_glyphs`` glyph-like marks (a duplex back)."""
    return glyph_count(_content(mask, gray), dpi=dpi) < min_glyphs


def _profile_score(mask: np.ndarray, degrees: float) -> float:
    rotated = rotate_bound_same(mask, degrees, border=0, interpolation=cv2.INTER_NEAREST)
    rows = rotated.sum(axis=1).astype(np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(mask: np.ndarray, *, max_degrees: float = 10.0) -> tuple[float, float]:
    """The counter-clockwise rotation (degrees) that makes text lines horizontal, and its score.

    Coarse search in 0.5° steps, then 0.05° steps around the best: text lines give the sharpest
    row profile when they are level.
    """
    coarse = np.arange(-max_degrees, max_degrees + 1e-9, 0.5)
    scores = [_profile_score(mask, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    fine_scores = [_profile_score(mask, a) for a in fine]
    i = int(np.argmax(fine_scores))
    return round(float(fine[i]), 2), float(fine_scores[i])


def _line_bands(mask: np.ndarray) -> list[tuple[int, int]]:
    rows = mask.sum(axis=1)
    on = rows > max(2, 0.02 * rows.max(initial=0))
    bands, start = [], None
    for y, flag in enumerate(on):
        if flag and start is None:
            start = y
        elif not flag and start is not None:
            if y - start >= 4:
                bands.append((start, y))
            start = None
    return bands


def upright_vote(mask: np.ndarray) -> float:
    """Evidence that level text is upright (>0) rather than upside down (<0), in [-1, 1].

    Above a line's x-height core sit ascenders, capitals and (in Vietnamese) tone marks;
    below it only descenders. So an upright line has more ink above its core than below.
    """
    total, weight = 0.0, 0.0
    for y0, y1 in _line_bands(mask):
        rows = mask[y0:y1].sum(axis=1).astype(np.float64)
        if rows.sum() < 20 or y1 - y0 > 80:
            continue
        core = np.flatnonzero(rows >= 0.5 * rows.max())
        above, below = rows[: core[0]].sum(), rows[core[-1] + 1:].sum()
        if above + below > 0:
            total += above - below
            weight += above + below
    return total / weight if weight else 0.0


def line_shape_score(level: np.ndarray) -> float:
    """How much the ink forms horizontal text lines: mean log aspect of smeared blobs.

    Closing the mask with a short horizontal bar joins the letters of a line into one long,
    flat blob; text that runs vertically gives tall or square blobs instead. Unlike profile
    sharpness, this is not fooled by labels aligned in a column.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    smeared = cv2.morphologyEx(level, cv2.MORPH_CLOSE, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    if count <= 1:
        return 0.0
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    area = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    keep = area >= 10
    if not keep.any():
        return 0.0
    return float((np.log(w[keep] / h[keep]) * area[keep]).sum() / area[keep].sum())


def detect_rotation(mask: np.ndarray, *, max_skew: float = 10.0) -> tuple[int, float, float]:
    """Clockwise turn (0/90/180/270) that makes the page upright, the skew after it, and how sure.

    Returns:
        (rotation, skew, certainty) — certainty in [0, 1] of the up/down decision.
    """
    candidates = []
    for base in (0, 90):
        turned = turn_clockwise(mask, base)
        skew, _ = estimate_skew(turned, max_degrees=max_skew)
        level = rotate_bound_same(turned, skew, border=0, interpolation=cv2.INTER_NEAREST)
        candidates.append((line_shape_score(level), base, skew, level))
    _, base, skew, level = max(candidates, key=lambda c: c[0])
    vote = upright_vote(level)
    rotation = base if vote >= 0 else (base + 180) % 360
    return rotation, skew, min(1.0, abs(vote))
