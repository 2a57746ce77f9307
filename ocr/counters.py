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


def counter_dots(binary: np.ndarray, *, dpi: float) -> list[np.ndarray]:
    """Contours of the dots standing alone in a figure's counter (see the module) of a 0/1 ink image."""
    contours, hierarchy = cv2.findContours(binary.astype(np.uint8), cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    tree = hierarchy[0]
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
    dots = counter_dots(binary, dpi=dpi)
    if not dots:
        return gray
    out = gray.copy()
    cv2.drawContours(out, dots, -1, 255, thickness=-1)
    cv2.drawContours(out, dots, -1, 255, thickness=2)  # its grey rim, which a threshold might keep
    return out
