"""Where the e-copy stamp goes on page 1: on clear paper in the top right, never over the original.

An e-copy that hides part of the original is not a faithful copy, and a stamp with no background
printed over the national header or a form's corner note makes both unreadable. So page 1 is
rendered (poppler, 72 dpi: one pixel per point) and the stamp is placed where

- no ink of the page lies under its box (plus a 1 mm clearance), and
- no text row of the page shares its height (plus 1.5 mm): ``pdftotext``, with or without
  ``-layout``, joins words at the same height into one line ("…ThôngĐơn vị thử nghiệm sohoa"), so
  the stamp must have rows of its own to come out as its own lines.

The place sought is the top margin (above the page's first text row), nearest to 15 mm from the
top and right edges (NĐ 30/2020 Phụ lục I: top right of the first page), in the right three
quarters of the page. The layouts are tried in order — three lines (copy form / agency / time), four (the
agency on two lines), two, one: the font stays 10 pt, only the line breaks change. When no
layout fits, the page is widened by a margin strip above it and the stamp goes there: the
original keeps every mark, nothing is hidden (a white box would hide it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.errors import ToolError
from sohoa.tools._run import run

__all__ = ["PageInk", "Placement", "choose_placement", "page_ink", "usual_place"]

_MM = 72 / 25.4
_ANCHOR_MM = 15.0
"""The usual place: the stamp's top right corner 15 mm from the top and right edges."""
_EDGE_MM = 3.0
"""Nearest the stamp comes to an edge of the page (printers do not print the outermost mm)."""
_INK_CLEARANCE_MM = 1.0
_ROW_CLEARANCE_MM = 1.5
_STRIP_MARGIN_MM = 5.0
"""Least paper above and below the stamp in a margin strip (a whole number of inches high)."""
_TEXT_ROW_MIN_INK = 4
_TEXT_ROW_REACH_MM = 1.0
_RENDER_DPI = 72
_RENDER_TIMEOUT_S = 120


@dataclass(frozen=True)
class PageInk:
    """Page 1 as the placement sees it, in points with the origin at its top left.

    Attributes:
        ink: True where the page has ink (one cell per point), rows from the top.
        text_rows: True for every row holding text-like ink (isolated specks left out).
        box: The page's visible area (x1, y1, x2, y2) in PDF points (y up).
    """

    ink: np.ndarray
    text_rows: np.ndarray
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Placement:
    """Where the stamp goes and how its text is broken into lines.

    Attributes:
        lines: The stamp's lines, top to bottom.
        rect: The field rectangle (x1, y1, x2, y2) in PDF points.
        strip: Points added above page 1 for a margin strip (0: the page keeps its size).
    """

    lines: tuple[str, ...]
    rect: tuple[int, int, int, int]
    strip: float = 0.0


def page_ink(pdf: Path, *, media_box: tuple[float, float, float, float],
             visible_box: tuple[float, float, float, float]) -> PageInk:
    """Render page 1 of ``pdf`` and find its ink.

    Ink is any pixel clearly darker than the paper (the page's 90th-percentile grey level): by
    40 levels, or a fifth of the paper's level on bright paper. Faint show-through and shading
    stay paper; pencil, stamps and coloured pens are ink.

    Args:
        pdf: The PDF to sign.
        media_box: Page 1's MediaBox (what poppler renders), normalised.
        visible_box: Page 1's CropBox (else MediaBox), normalised: the area the stamp goes in.

    Raises:
        ToolError: pdftoppm failed or timed out (ToolMissingError: poppler is not installed).
    """
    grey = _crop_to(_render_grey(pdf), media_box, visible_box)
    paper = float(np.percentile(grey, 90)) if grey.size else 255.0
    ink = grey < paper - max(40.0, paper / 5)
    return PageInk(ink=ink, text_rows=_text_rows(ink), box=visible_box)


def _render_grey(pdf: Path) -> np.ndarray:
    """Page 1 of ``pdf`` in grey at 72 dpi (one pixel per point), from poppler's ``pdftoppm`` (PGM on stdout).

    pdftoppm is run directly, through the one chokepoint for external programs: pdf2image's
    wrapper (a ``pdfinfo`` call and a PNG round trip) took 30 times as long for one small page.
    """
    argv = ["pdftoppm", "-f", "1", "-l", "1", "-r", str(_RENDER_DPI), "-gray", str(pdf)]
    out = run(argv, timeout=_RENDER_TIMEOUT_S, apt_package="poppler-utils").stdout
    try:
        with Image.open(BytesIO(out)) as image:
            return np.asarray(image.convert("L"), dtype=np.int16)
    except OSError as exc:
        raise ToolError("pdftoppm gave no image of page 1", tool="pdftoppm") from exc


def _crop_to(grey: np.ndarray, media: tuple[float, ...], visible: tuple[float, ...]) -> np.ndarray:
    """The part of a MediaBox rendering (1 px per point) inside the visible box."""
    height, width = grey.shape
    left, top = round(visible[0] - media[0]), round(media[3] - visible[3])
    right, bottom = round(visible[2] - media[0]), round(media[3] - visible[1])
    return grey[max(0, top):min(height, bottom), max(0, left):min(width, right)]


def _text_rows(ink: np.ndarray) -> np.ndarray:
    """Rows of text lines: rows with some run of ink, widened by 1 mm for accents and descenders.

    A row counts when it holds at least 4 ink points (a line of 10 pt text holds dozens); a
    scanner speck or a dust mark (a few points) does not make a text line. Columns inked over a
    third of the page's height (a scanner's dark border, a vertical table rule) are left out: they
    are not text lines, and would otherwise fill every row.
    """
    vertical = ink.mean(axis=0) > 1 / 3 if ink.size else np.zeros(ink.shape[1], dtype=bool)
    ink = ink & ~np.convolve(vertical, np.ones(5), mode="same").astype(bool)[None, :]
    strong = ink.sum(axis=1) >= _TEXT_ROW_MIN_INK
    reach = round(_TEXT_ROW_REACH_MM * _MM)
    return np.convolve(strong, np.ones(2 * reach + 1), mode="same").astype(bool)


def choose_placement(layouts: Sequence[tuple[tuple[str, ...], float, float]], page: PageInk) -> Placement:
    """The first layout that fits on clear paper, nearest the usual place; else a margin strip.

    Args:
        layouts: (lines, width, height) of each way to set the stamp, preferred first.
        page: Page 1's ink.

    Returns:
        The lines, the field rectangle and the margin strip (if one is needed).
    """
    for lines, width, height in layouts:
        spot = _clear_spot(page, width, height)
        if spot is not None:
            return Placement(lines, spot)
    lines, width, height = layouts[0]
    # whole inches: rendered at any whole dpi, the original page keeps its pixel grid below the strip
    strip = 72.0 * np.ceil((height + 2 * _STRIP_MARGIN_MM * _MM) / 72)
    x1, y1, x2, y2 = page.box
    top = y2 + (strip + height) / 2  # the stamp in the middle of the strip
    right = x2 - _ANCHOR_MM * _MM
    return Placement(lines, (round(right - width), round(top - height), round(right), round(top)),
                     strip=float(strip))


def usual_place(width: float, height: float, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """The box's rectangle with its top right corner 15 mm from the top and right edges of ``box``."""
    right, top = box[2] - _ANCHOR_MM * _MM, box[3] - _ANCHOR_MM * _MM
    return round(right - width), round(top - height), round(right), round(top)


def _clear_spot(page: PageInk, width: float, height: float) -> tuple[int, int, int, int] | None:
    """The clear box of this size in the top margin, nearest the usual place, or None.

    The top margin is the paper above the page's first text row (rows within 3 mm of the edge,
    where a scanner's dark border lies, do not count as text).
    """
    x1, y1, x2, y2 = page.box
    page_w, page_h = page.ink.shape[1], page.ink.shape[0]
    w, h = int(np.ceil(width)), int(np.ceil(height))
    edge, ink_pad, row_pad = (round(v * _MM) for v in (_EDGE_MM, _INK_CLEARANCE_MM, _ROW_CLEARANCE_MM))
    text_rows = page.text_rows.copy()
    text_rows[:edge] = False
    first_text = int(np.argmax(text_rows)) if text_rows.any() else page_h
    # top-left corners (col, row) in page pixels: the box in the top margin, right three quarters
    cols = np.arange(max(edge, page_w // 4), page_w - edge - w + 1)
    rows = np.arange(edge, min(first_text - row_pad, page_h // 4, page_h - edge) - h + 1)
    free = _box_free(page.ink, w + 2 * ink_pad, h + 2 * ink_pad)  # indexed by the padded box's corner
    if cols.size == 0 or rows.size == 0 or free.size == 0:
        return None
    ok = free[np.ix_(rows - ink_pad, cols - ink_pad)]  # edge > ink_pad: never a negative index
    if not ok.any():
        return None
    anchor_col = page_w - round(_ANCHOR_MM * _MM) - w
    anchor_row = round(_ANCHOR_MM * _MM)
    cost = np.abs(rows - anchor_row)[:, None] + np.abs(cols - anchor_col)[None, :]
    cost = np.where(ok, cost, np.iinfo(np.int64).max)
    r, c = np.unravel_index(np.argmin(cost), cost.shape)
    left, top = x1 + cols[c], y2 - rows[r]
    return round(left), round(top - h), round(left + w), round(top)


def _box_free(ink: np.ndarray, w: int, h: int) -> np.ndarray:
    """For every top-left corner, True when the w×h box from it holds no ink (summed-area table)."""
    table = np.zeros((ink.shape[0] + 1, ink.shape[1] + 1), dtype=np.int32)
    table[1:, 1:] = ink.cumsum(axis=0).cumsum(axis=1)
    if h > ink.shape[0] or w > ink.shape[1]:
        return np.zeros((0, 0), dtype=bool)
    sums = table[h:, w:] - table[:-h, w:] - table[h:, :-w] + table[:-h, :-w]
    return sums == 0
