"""Erase the dot inside a dotted zero on the OCR copy.

Some monospaced faces (Liberation Mono, the form filled on a typewriter-like face) print the zero
with a dot in its counter to tell it from the letter O. Tesseract's ``vie`` model reads that zero as
``6``, ``9`` or ``8``, or drops it (``0831526249`` read ``831526249``, ``120.000.000`` read
``129.906.600``): every figure of a CCCD number, a phone number, a date or a sum can go. With the dot
painted white the zero is a plain oval, read as ``0``.

A dot is erased when it is the only ink inside a letter's counter (a hole in a mark's ink) that is
the size of a figure's counter and taller than wide (a zero's, not a box's or a table cell's), and
is small beside that counter. Nothing else of the page has such a mark: the tone marks and the dot
of ``ạ`` lie outside their letter, and a box or a cell holds a whole figure or word.
"""

from __future__ import annotations

import cv2
import numpy as np

COUNTER_INCH = 0.12
"""Highest counter holding a dot that is erased: a 12-point zero's counter is about 0.08 inch high, a
box or a table cell's is higher."""
COUNTER_TALL = 1.2
"""A zero's counter is at least this many times as high as it is wide (a box's is square or wide)."""
DOT_SHARE = 0.5
"""The dot is at most this share of the counter's width and height (a figure in a box fills more)."""
DOT_INCH = 0.01
"""… and at least this wide and high (Liberation Mono's is 0.02 inch): a pixel of dust inside an ``o``
or a ``d`` is left to Tesseract, which reads past it."""


def _depths(parents: np.ndarray) -> np.ndarray:
    """Depth of each contour in the tree (0: an outer edge of ink, 1: a hole in it, 2: ink in a hole …)."""
    depth = np.full(len(parents), -1, np.int64)
    for start in range(len(parents)):
        chain, node = [], start
        while node >= 0 and depth[node] < 0:
            chain.append(node)
            node = parents[node]
        base = depth[node] if node >= 0 else -1
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item] = base + offset
    return depth


Outlines = tuple[tuple[np.ndarray, ...], np.ndarray | None]
"""A 0/1 ink image's contours and their tree (OpenCV's hierarchy; None when the image has no ink)."""


def outlines(binary: np.ndarray) -> Outlines:
    """The contours of a 0/1 ink image with their tree, found once for both kinds of dotted zero."""
    contours, hierarchy = cv2.findContours(binary.astype(np.uint8), cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    return tuple(contours), (hierarchy[0] if hierarchy is not None else None)


def counter_dots(binary: np.ndarray, *, dpi: float, found: Outlines | None = None) -> list[np.ndarray]:
    """Contours of the dots standing alone in a figure's counter (see the module) of a 0/1 ink image
    (``found``: its :func:`outlines`, when already made)."""
    contours, tree = found or outlines(binary)
    if tree is None:
        return []
    depth = _depths(tree[:, 3])
    dots, smallest = [], max(2, round(DOT_INCH * dpi))
    for index, (after, before, _, hole) in enumerate(tree):
        if depth[index] < 2 or depth[index] % 2 or after >= 0 or before >= 0:
            continue  # a hole, or not the only ink inside its hole
        _, _, w, h = cv2.boundingRect(contours[index])
        _, _, hole_w, hole_h = cv2.boundingRect(contours[hole])
        if hole_h <= COUNTER_INCH * dpi and hole_h >= COUNTER_TALL * hole_w \
                and smallest <= min(w, h) and w <= DOT_SHARE * hole_w and h <= DOT_SHARE * hole_h:
            dots.append(contours[index])
    return dots


def erase_counter_dots(gray: np.ndarray, *, dpi: float, binary: np.ndarray | None = None) -> np.ndarray:
    """Return a copy of ``gray`` with the dots of dotted zeros painted white (``gray`` itself when none).

    Args:
        gray: The OCR copy of a page (ink dark on white).
        dpi: Its resolution.
        binary: Its ink as a 0/1 image, when already made.

    Returns:
        The page without the dots.
    """
    if binary is None:
        _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    found = outlines(binary)
    dots, bridged = counter_dots(binary, dpi=dpi, found=found), bridged_counters(binary, dpi=dpi, found=found)
    if not dots and not bridged:
        return gray
    out = gray.copy()
    cv2.drawContours(out, dots, -1, 255, thickness=-1)
    cv2.drawContours(out, dots, -1, 255, thickness=2)  # its grey rim, which a threshold might keep
    cv2.drawContours(out, bridged, -1, 255, thickness=-1)  # the counter's hull: the dot and its bridges
    return out


WAIST_SHARE = 0.95
"""A zero's outline is widest across its middle: its width over the rows between its two halves is at
least this share of its widest row (an ``8``'s or a ``B``'s waist is narrower: 0.90 at most in the
faces of the generator, thickened as a photocopy does)."""
SOLID_SHARE = 0.95
"""… and its outline is convex: its area at least this share of its hull's (a ``&``, ``$``, ``%`` less)."""
GLYPH_TALL = 1.25
"""A zero's outline is at least this many times as high as wide (a small letter's is about square)."""
HALF_AREA = 0.6
"""The dot sits at the counter's middle: its two halves mirror each other, the smaller at least this
share of the larger's area and height (an ``e`` whose opening closed has an eye over a sliver)."""
HALF_SHARE = 0.6
"""Each half of the split counter spans at least this share of the counter's width (stacked halves, not
the two sides of a slashed ``Ø``)."""


def bridged_counters(binary: np.ndarray, *, dpi: float, found: Outlines | None = None) -> list[np.ndarray]:
    """Hulls of zeros' counters cut in two by a dot grown into the ring (a photocopy thickens the dot
    until it touches the ring: no dot stands alone, and the zero reads 8). The glyph is one convex
    outline of figure size with two holes stacked one above the other — the halves of a tall counter —
    and maybe slivers beside the dot between them; its middle is its widest part (an ``8``'s and a
    ``B``'s is their waist). Painting the hull of its holes white leaves a plain ring. ``found``: the
    image's :func:`outlines`, when already made."""
    contours, tree = found or outlines(binary)
    if tree is None:
        return []
    holes: dict[int, list[int]] = {}
    for index, (_, _, _, parent) in enumerate(tree):
        if parent >= 0 and tree[parent][3] < 0:
            holes.setdefault(parent, []).append(index)
    out = []
    for outer, inner in holes.items():
        if len(inner) >= 2:
            hull = _bridged(contours, outer, inner, dpi=dpi)
            if hull is not None:
                out.append(hull)
    return out


def _bridged(contours, outer: int, inner: list[int], *, dpi: float) -> np.ndarray | None:
    boxes = {i: cv2.boundingRect(contours[i]) for i in inner}
    areas = {i: cv2.contourArea(contours[i]) for i in inner}
    big = sorted((i for i in inner if areas[i] >= max(areas.values()) / 3), key=lambda i: boxes[i][1])
    if len(big) != 2:
        return None
    (tx, ty, tw, th), (bx, by, bw, bh) = boxes[big[0]], boxes[big[1]]
    left, right = min(tx, bx), max(tx + tw, bx + bw)
    top, bottom = ty, by + bh
    width, height = right - left, bottom - top
    if by < ty + th or height > COUNTER_INCH * dpi or height < COUNTER_TALL * width \
            or min(tw, bw) < HALF_SHARE * width:
        return None
    halves = sorted(areas[i] for i in big)
    middle = (ty + th + by) / 2 - (top + bottom) / 2
    if halves[0] < HALF_AREA * halves[1] or min(th, bh) < HALF_AREA * max(th, bh) or abs(middle) > height / 6:
        return None  # halves unlike each other, or cut off-centre: an ``e`` whose opening closed, a ``9``
    if any(not ty + th / 2 < boxes[i][1] + boxes[i][3] / 2 < by + bh / 2 for i in inner if i not in big):
        return None  # another hole above or below the dot (slivers beside it lie between the halves' middles)
    x, y, w, h = cv2.boundingRect(contours[outer])
    if h < GLYPH_TALL * w:
        return None  # a figure is tall; an ``e`` whose opening closed is as wide as high
    filled = np.zeros((h, w), np.uint8)
    cv2.drawContours(filled, [contours[outer]], -1, 1, thickness=-1, offset=(-x, -y))
    rows = filled.sum(axis=1)
    waist = rows[ty + th - y:by - y]
    hull_area = cv2.contourArea(cv2.convexHull(contours[outer]))
    if waist.size == 0 or waist.min() < WAIST_SHARE * rows.max() \
            or cv2.contourArea(contours[outer]) < SOLID_SHARE * max(hull_area, 1):
        return None
    return cv2.convexHull(np.concatenate([contours[i] for i in inner]))
