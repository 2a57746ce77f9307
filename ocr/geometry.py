"""Page analyses on a small ink mask: blank backs, text orientation and skew.

Tesseract's own skew estimate reads ~0° beyond ~4° and its orientation detection is unsure
on sparse form pages (shared/notes/ocr-engines.md), so both are measured here from the
text lines themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.imaging import border_mask, rotate_bound_same, turn_clockwise


def content_mask(mask: np.ndarray, gray: np.ndarray, margin: float = 0.03) -> np.ndarray:
    """The ink of a page's content: the mask without scanner borders and a thin margin."""
    top, bottom, left, right = border_mask(gray)
    h, w = mask.shape
    my, mx = int(h * margin), int(w * margin)
    out = np.zeros_like(mask)
    y0, y1, x0, x1 = top + my, h - bottom - my, left + mx, w - right - mx
    if y1 > y0 and x1 > x0:
        out[y0:y1, x0:x1] = mask[y0:y1, x0:x1]
    return out


def _glyphs_in_words(mask: np.ndarray, *, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Component stats of glyph-sized ink and, per such glyph, whether another glyph stands next to it."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    scale = (dpi / 100.0) ** 2
    areas, heights = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    ok = (areas >= 6 * scale) & (areas <= 3000 * scale) & (heights >= 4 * dpi / 100) & (heights <= 60 * dpi / 100)
    if ok.sum() < 2:
        return stats[1:][ok], np.zeros(int(ok.sum()), dtype=bool)
    glyphs = np.concatenate([[False], ok])[labels].astype(np.uint8)
    # Wider than the space between letters; square, as the page may still lie on its side.
    gap = max(3, round(0.12 * dpi))
    words = cv2.dilate(glyphs, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, gap)))
    _, word_labels = cv2.connectedComponents(words, connectivity=8)
    # The word each glyph falls in (by its first pixel), then how many glyphs share it.
    ys, xs = stats[1:, cv2.CC_STAT_TOP][ok], stats[1:, cv2.CC_STAT_LEFT][ok]
    first = [np.flatnonzero(labels[y] == i + 1) for i, y in zip(np.flatnonzero(ok), ys)]
    owner = np.array([word_labels[y, f[0] if len(f) else x] for y, x, f in zip(ys, xs, first)])
    sizes = np.bincount(owner)
    return stats[1:][ok], sizes[owner] >= 2


def glyph_evidence(mask: np.ndarray, *, dpi: float) -> tuple[int, float]:
    """Glyph-sized ink components that have another glyph next to them, and their share of the ink.

    Dust and smudges are left out by size, and a lone speck of glyph size by having no
    neighbour: letters come in words, specks one by one. The share tells a page of text
    (most ink in letters) from a chart, a seal or a picture.
    """
    stats, paired = _glyphs_in_words(mask, dpi=dpi)
    total = int(mask.sum())
    ink = int(stats[paired, cv2.CC_STAT_AREA].sum()) if len(stats) else 0
    return int(paired.sum()), ink / total if total else 0.0


def _ink_points(mask: np.ndarray, max_points: int = 80_000) -> tuple[np.ndarray, np.ndarray]:
    """Ink pixel centres relative to the page centre (a regular subsample on very inky pages)."""
    ys, xs = np.nonzero(mask)
    step = max(1, len(xs) // max_points)
    h, w = mask.shape
    return xs[::step] - (w - 1) / 2.0, ys[::step] - (h - 1) / 2.0


def _profile_score(xs: np.ndarray, ys: np.ndarray, degrees: float) -> float:
    """Sharpness of the row profile of the ink points rotated counter-clockwise by ``degrees``.

    The points are rotated exactly and each is shared between its two nearest rows, so the
    score varies smoothly with the angle and is symmetric about the true one. (Resampling the
    mask, or rounding to whole rows, left flat ties that read level pages as -0.03..-0.05°.)
    """
    theta = np.deg2rad(degrees)
    rows = ys * np.cos(theta) - xs * np.sin(theta)
    rows -= rows.min()
    base = np.floor(rows).astype(np.int64)
    frac = rows - base
    size = int(base.max()) + 2
    profile = np.bincount(base, weights=1.0 - frac, minlength=size) + np.bincount(base + 1, weights=frac, minlength=size)
    return float(np.square(np.diff(profile)).sum())


def _peak(angles: np.ndarray, scores: list[float]) -> tuple[float, float]:
    """The best angle, refined between grid steps by a parabola through its neighbours."""
    i = int(np.argmax(scores))
    if 0 < i < len(scores) - 1:
        left, mid, right = scores[i - 1], scores[i], scores[i + 1]
        bend = left - 2 * mid + right
        if bend < 0:
            offset = 0.5 * (left - right) / bend
            return float(angles[i] + offset * (angles[1] - angles[0])), mid
    return float(angles[i]), scores[i]


def estimate_skew(mask: np.ndarray, *, max_degrees: float = 10.0) -> tuple[float, float]:
    """The counter-clockwise rotation (degrees) that makes text lines horizontal, and its score.

    Coarse search in 0.5° steps, then 0.05° steps around the best, refined by a parabola:
    text lines give the sharpest row profile when they are level.
    """
    xs, ys = _ink_points(mask)
    if len(xs) == 0:
        return 0.0, 0.0
    coarse = np.arange(-max_degrees, max_degrees + 1e-9, 0.5)
    best = float(coarse[int(np.argmax([_profile_score(xs, ys, a) for a in coarse]))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    angle, score = _peak(fine, [_profile_score(xs, ys, a) for a in fine])
    return round(angle, 2) + 0.0, score


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


SIDEWAYS_MARGIN = 0.35
"""A page is turned by 90° only when its ink forms horizontal lines that much better that way
(mean log aspect of the smeared lines): a seal or a chart is about as round one way as the other."""


@dataclass(frozen=True)
class Orientation:
    """What the ink says about a page's way up."""

    rotation: int
    """Clockwise turn (0/90/180/270) that makes the page upright."""
    skew: float
    """Counter-clockwise degrees that then level its lines."""
    certainty: float
    """In [0, 1]: how sure the up/down decision is (the ink vote)."""
    sideways: bool
    """The page lies on its side (base turn 90), by a clear margin."""


def detect_rotation(mask: np.ndarray, *, max_skew: float = 10.0) -> Orientation:
    """Clockwise turn (0/90/180/270) that makes the page upright, the skew after it, and how sure.

    A quarter turn needs its line-shape score to beat the page as it came by
    :data:`SIDEWAYS_MARGIN`; otherwise the page keeps its way and only up/down is decided.
    """
    candidates = {}
    for base in (0, 90):
        turned = turn_clockwise(mask, base)
        skew, _ = estimate_skew(turned, max_degrees=max_skew)
        level = rotate_bound_same(turned, skew, border=0, interpolation=cv2.INTER_NEAREST)
        candidates[base] = (line_shape_score(level), skew, level)
    sideways = candidates[90][0] > candidates[0][0] + SIDEWAYS_MARGIN
    base = 90 if sideways else 0
    _, skew, level = candidates[base]
    vote = upright_vote(level)
    rotation = base if vote >= 0 else (base + 180) % 360
    return Orientation(rotation, skew, min(1.0, abs(vote)), sideways)
