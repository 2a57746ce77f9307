"""Erase printed rules and cell lines (CCCD digit boxes, table borders) from the OCR copy.

Tesseract reads a digit between two printed cell walls as ``|0[1|5|…`` and a table border as
``|`` or ``_`` glued to the next word (shared/notes/ocr-engines.md). Lines are found by
opening the ink with long, thin kernels: a rule or a cell wall is far longer than any stroke of
a letter at body size, so letters stay. Only the OCR copy is cleaned; the archival image keeps
its lines.
"""

from __future__ import annotations

import cv2
import numpy as np

H_LINE_INCH = 0.25
"""Shortest horizontal run taken as a rule (a 12.5 pt letter's longest bar is ~0.1 inch)."""
V_LINE_INCH = 0.16
"""Shortest vertical run taken as a cell wall (a CCCD box is ~0.18 inch tall, an ascender ~0.12)."""


def line_mask(binary: np.ndarray, *, dpi: float) -> np.ndarray:
    """Pixels (uint8 0/1) of long horizontal and vertical straight lines in a 0/1 ink image."""
    h_len, v_len = max(3, round(H_LINE_INCH * dpi)), max(3, round(V_LINE_INCH * dpi))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    return horizontal | vertical


def erase_rules(gray: np.ndarray, *, dpi: float) -> np.ndarray:
    """Return a copy of ``gray`` (upright, deskewed) with printed lines painted white."""
    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    lines = line_mask(binary, dpi=dpi)
    if not lines.any():
        return gray
    # Grow by a pixel so the anti-aliased fringe of a line goes too.
    grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    out = gray.copy()
    out[grown.astype(bool)] = 255
    return out
