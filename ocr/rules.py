"""Erase printed rules and cell lines (CCCD digit boxes, table borders) from the OCR copy.

Tesseract reads a digit between two printed cell walls as ``|0[1|5|…`` and a table border as
``|`` or ``_`` glued to the next word (shared/notes/ocr-engines.md). Lines are found by
opening the ink with long, thin kernels: a rule or a cell wall is far longer than any stroke of
a letter at body size, so letters stay. Only the OCR copy is cleaned; the archival image keeps
its lines.

A printed rule is also thin. A long run of ink that is thick is something else: a row of text
that a threshold merged into a band (a shadow on a photo), a black title bar; it is left alone.
"""

from __future__ import annotations

import cv2
import numpy as np

H_LINE_INCH = 0.25
"""Shortest horizontal run taken as a rule (a 12.5 pt letter's longest bar is ~0.1 inch)."""
V_LINE_INCH = 0.16
"""Shortest vertical run taken as a cell wall (a CCCD box is ~0.18 inch tall, an ascender ~0.12)."""
MAX_THICK_INCH = 0.025
"""Thickest line taken as a printed rule (a 2-pt rule is 0.028 inch; body strokes 0.01)."""


def _thin(mask: np.ndarray, across: np.ndarray) -> np.ndarray:
    """``mask`` without its thick parts: what an opening with the ``across`` bar keeps (ink at least
    that thick across the line), grown by a pixel, is taken out."""
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, across)
    if not thick.any():
        return mask
    return mask & ~cv2.dilate(thick, np.ones((3, 3), np.uint8))


def line_mask(binary: np.ndarray, *, dpi: float) -> np.ndarray:
    """Pixels (uint8 0/1) of long, thin horizontal and vertical straight lines in a 0/1 ink image."""
    h_len, v_len = max(3, round(H_LINE_INCH * dpi)), max(3, round(V_LINE_INCH * dpi))
    thick = max(3, round(MAX_THICK_INCH * dpi) + 1)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    return _thin(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick))) | \
        _thin(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (thick, 1)))


def erase_rules(gray: np.ndarray, *, dpi: float, binary: np.ndarray | None = None) -> np.ndarray:
    """Return a copy of ``gray`` (upright, deskewed) with printed lines painted white."""
    if binary is None:
        _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    lines = line_mask(binary, dpi=dpi)
    if not lines.any():
        return gray
    # Grow by a pixel so the anti-aliased fringe of a line goes too.
    grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    out = gray.copy()
    out[grown.astype(bool)] = 255
    return out
