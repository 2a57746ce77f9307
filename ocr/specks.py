"""Erase isolated specks (scanner dust) from the OCR copy.

Tesseract reads a lone dark dot as ``.``, ``'`` or ``_`` and glues it to the nearest line.
A speck is a dot-sized mark with no text near it. The marks that belong to text are dot-sized
too — the tittle of i, tone marks (stacked ones: the hook of ổ sits on the circumflex, which
sits on the o), the dấu nặng, a list dash, a full stop — but each is part of a cluster of ink
that holds a letter: marks chain to their letter and dashes and stops sit a word space from
the next word. So a dot-sized mark is kept when a letter's box lies within a full stop's gap
sideways or a tone mark's height up or down of it, or a mark so kept does (marks chain to their
letter);
a dash-shaped mark is also kept when a letter stands within a word space beside it. The rest is
dust.

Marks are judged whole: on worn print a threshold breaks a thin stroke into pieces a pixel apart (a
list dash into two dots, the end of a T's bar off its stem, leaving the comma after it a full
stop's gap away from the stem's box), so pieces within :data:`JOIN_INCH` of each other are judged
as the mark they make: a letter's box takes in the pieces broken off it, and a dash broken in two
is a dash. Pieces that are all dust stay dust (specks left by a lifted seal, a pixel apart, are
no letter).
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_INCH = 0.04
"""Largest speck, width and height (a 3-pixel-radius dot at 200 dpi is 0.035 inch)."""
NEAR_X_INCH = 0.04
"""A round mark this close sideways to a letter belongs to its word (a full stop, a comma)."""
NEAR_Y_INCH = 0.05
"""A mark this close above or below a letter belongs to it (tone marks, dấu nặng; a stacked
mark chains through the one under it)."""
STOP_X_HEIGHTS = 1.5
"""A monospaced face centres a full stop or colon in its letter cell, up to an x-height from the letters
either side (0.07 inch from the bracket of ``(in hoa):`` at 12 points): a colon is kept this many
x-heights beside a letter, a full stop this far between two. A lone dot that far after a word is most
often a leader's last dot and goes."""
DASH_X_INCH = 0.12
"""A dash this close sideways to a letter is a list dash or a hyphen (a word space is ~0.05 inch)."""
JOIN_INCH = 1 / 150
"""Ink this close is one mark: two pixels at 300 dpi, one at 150-299 dpi, the break a threshold makes
in a stroke two or more pixels wide. Under 150 dpi nothing is joined: a pixel is then a real gap (the
dots of a leader at 70-100 dpi stand a pixel apart; joined, they made a long thin mark beside a word,
a "dash" kept and read as '.....')."""
MAX_SHARE = 0.05
"""Dust is a small share of a page's ink; more than this means the marks are text at a scale
misjudged, and nothing is erased."""


def _boxes(stats: np.ndarray, idx: np.ndarray, shape: tuple[int, ...], rx: int | np.ndarray,
           ry: int | np.ndarray) -> tuple[np.ndarray, ...]:
    """Boxes (x0, y0, x1, y1) of components ``idx`` grown by ``rx`` sideways and ``ry`` up and down."""
    rows, cols = shape
    left, top = stats[idx, cv2.CC_STAT_LEFT], stats[idx, cv2.CC_STAT_TOP]
    return (np.clip(left - rx, 0, cols), np.clip(top - ry, 0, rows),
            np.clip(left + stats[idx, cv2.CC_STAT_WIDTH] + rx, 0, cols),
            np.clip(top + stats[idx, cv2.CC_STAT_HEIGHT] + ry, 0, rows))


def _ink_in(area: np.ndarray, box: tuple[np.ndarray, ...]) -> np.ndarray:
    """Ink counted in each box of an integral image."""
    x0, y0, x1, y1 = box
    return area[y1, x1] - area[y0, x1] - area[y1, x0] + area[y0, x0]


def _paint(mask: np.ndarray, stats: np.ndarray, idx: np.ndarray, value: int, margin: int = 0) -> None:
    for i in idx:
        x, y, w, h = (int(v) for v in stats[i, :4])
        mask[max(0, y - margin):y + h + margin, max(0, x - margin):x + w + margin] = value


def _joined(binary: np.ndarray, *, gap: int) -> np.ndarray:
    """``binary`` with gaps of up to ``gap`` pixels between its ink closed, nothing moved: the (gap+1)-square
    is anchored at opposite corners for the dilation and the erosion (an even kernel anchored alike
    both times moves ink by a pixel: on a 200-dpi bilevel test page the dust kept changed)."""
    if gap < 1:
        return binary
    square = np.ones((gap + 1, gap + 1), np.uint8)
    padded = cv2.copyMakeBorder(binary, gap, gap, gap, gap, cv2.BORDER_CONSTANT, value=0)  # no ink beyond the page
    closed = cv2.erode(cv2.dilate(padded, square, anchor=(0, 0)), square, anchor=(gap, gap))
    return closed[gap:-gap, gap:-gap]


def _wholes(binary: np.ndarray, labels: np.ndarray, count: int, *, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """For each component of ``labels``, the stats of the whole mark it is a piece of (the pieces
    within :data:`JOIN_INCH` joined), and the whole mark's index."""
    _, joined, whole, _ = cv2.connectedComponentsWithStats(_joined(binary, gap=int(JOIN_INCH * dpi + 1e-6)),
                                                           connectivity=8)
    of = np.zeros(count, np.int64)
    ink = labels > 0
    of[labels[ink]] = joined[ink]
    return whole[of], of


def dust_components(binary: np.ndarray, *, dpi: float, x_height: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Component stats of a 0/1 ink image and the indices of its dust."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    size = max(2, round(SPECK_INCH * dpi))
    if x_height:
        size = min(size, max(2, round(0.6 * x_height)))  # never as big as the page's own letters
    small = (stats[:, cv2.CC_STAT_WIDTH] <= size) & (stats[:, cv2.CC_STAT_HEIGHT] <= size)
    small[0] = False
    candidates = np.flatnonzero(small)
    if len(candidates) == 0:
        return stats, candidates
    whole, of = _wholes(binary, labels, count, dpi=dpi)
    # The letters' boxes, each with the pieces a threshold broke off it: a comma after a T lies beside
    # the T's box (its whole bar), far from its stem's ink.
    letters = np.zeros_like(binary)
    pieces = np.flatnonzero(~small[1:]) + 1
    _paint(letters, whole, pieces[np.unique(of[pieces], return_index=True)[1]], 1)
    area = cv2.integral(letters)
    rx, ry = max(1, round(NEAR_X_INCH * dpi)), max(1, round(NEAR_Y_INCH * dpi))
    near = _ink_in(area, _boxes(stats, candidates, binary.shape, rx, ry)) > 0
    # A mark near a mark that is near a letter belongs to it too (the hook on the circumflex on the o).
    marks = np.zeros_like(binary)
    _paint(marks, stats, candidates[near], 1)
    rest = candidates[~near]
    chained = _ink_in(cv2.integral(marks), _boxes(stats, rest, binary.shape, rx, ry)) > 0
    dust = rest[~chained]
    if x_height and len(dust):
        dust = dust[~_in_text(stats, dust, area, binary.shape, x_height)]
    # A dash with a letter within a word space beside it: a list dash or a hyphen (judged whole).
    w, h = whole[dust, cv2.CC_STAT_WIDTH], whole[dust, cv2.CC_STAT_HEIGHT]
    dash = w >= 2 * h
    if dash.any():
        reach = max(1, round(DASH_X_INCH * dpi))
        beside = _ink_in(area, _boxes(whole, dust[dash], binary.shape, reach, 3 * h[dash])) > 0
        dust = np.concatenate([dust[~dash], dust[dash][~beside]])
    return stats, dust


def _in_text(stats: np.ndarray, dust: np.ndarray, letters: np.ndarray, shape: tuple[int, ...],
             x_height: float) -> np.ndarray:
    """Which of ``dust`` are a monospaced face's stops: a colon (another dust mark right above or below
    within an x-height) with a letter beside it, or a full stop between two letters (``17.03.1988``),
    within :data:`STOP_X_HEIGHTS` (integral image ``letters``)."""
    marks = np.zeros(shape, np.uint8)
    _paint(marks, stats, dust, 1)
    own = stats[dust, cv2.CC_STAT_WIDTH] * stats[dust, cv2.CC_STAT_HEIGHT]
    stacked = _ink_in(cv2.integral(marks), _boxes(stats, dust, shape, 0, max(1, round(x_height)))) > own
    reach = max(1, round(STOP_X_HEIGHTS * x_height))
    x0, y0, x1, y1 = _boxes(stats, dust, shape, 0, 0)
    left = _ink_in(letters, (np.clip(x0 - reach, 0, shape[1]), y0, x0, y1)) > 0
    right = _ink_in(letters, (x1, y0, np.clip(x1 + reach, 0, shape[1]), y1)) > 0
    return stacked & (left | right) | left & right


def erase_specks(gray: np.ndarray, *, dpi: float, x_height: float | None = None,
                 binary: np.ndarray | None = None) -> np.ndarray:
    """Return a copy of ``gray`` with isolated dot-sized marks painted white (``gray`` itself when none)."""
    if binary is None:
        _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    stats, dust = dust_components(binary, dpi=dpi, x_height=x_height)
    removed = int(stats[dust, cv2.CC_STAT_AREA].sum())
    if removed == 0 or removed > MAX_SHARE * max(1, int(binary.sum())):
        return gray
    out = gray.copy()
    _paint(out, stats, dust, 255, margin=1)
    return out
