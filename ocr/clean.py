"""The cleaning steps of the OCR copy, in order, on one binarisation: leaders, printed lines, dust, the
dots of dotted zeros.

Each step finds what it would erase on the page's ink and keeps out of the text: leader dots and
specks are never larger than half the page's x-height, leaders must be regular, specks must
stand away from any letter, rules must be thin, and a step that would take a share of the ink
no real leader, line or dust takes leaves the page alone (:mod:`ocr.leaders`, :mod:`ocr.rules`,
:mod:`ocr.specks`); a dot alone in a zero's counter goes last (:mod:`ocr.counters`). The page is
evened out first (:mod:`ocr.background`), so the one Otsu threshold here splits ink from paper, not
light from shadow.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.counters import erase_counter_dots
from ocr.leaders import erase_leaders
from ocr.rules import erase_rules
from ocr.specks import erase_specks


def clean_copy(level: np.ndarray, *, dpi: float, x_height: float | None = None, rules: bool = True) -> np.ndarray:
    """``level`` (upright, deskewed, paper evened out) with leaders, printed lines (unless ``rules``
    is False) and dust painted white.

    A photo's lines are left: blur joins the feet of a word's letters into thin runs as long as a
    short rule, and erasing them took a fifth of a photographed page's ink.
    """
    _, binary = cv2.threshold(level, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    out = erase_leaders(level, dpi=dpi, x_height=x_height, binary=binary)
    binary = _still_ink(binary, out, level)
    cleaned = erase_rules(out, dpi=dpi, binary=binary) if rules else out
    binary = _still_ink(binary, cleaned, out)
    specks = erase_specks(cleaned, dpi=dpi, x_height=x_height, binary=binary)
    return erase_counter_dots(specks, dpi=dpi, binary=_still_ink(binary, specks, cleaned))


def _still_ink(binary: np.ndarray, after: np.ndarray, before: np.ndarray) -> np.ndarray:
    """The ink mask after a step (unchanged when the step erased nothing)."""
    if after is before:
        return binary
    out = binary.copy()
    out[after == 255] = 0
    return out


def ink_removed(before: np.ndarray, after: np.ndarray) -> float:
    """Share of the ink of ``before`` that ``after`` no longer has (what a cleaning took)."""
    _, ink = cv2.threshold(before, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    total = int(ink.sum())
    if total == 0:
        return 0.0
    return float(((after == 255) & (ink == 1)).sum()) / total
