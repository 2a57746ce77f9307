"""A photo's words and invisible text layer, mapped back from the rectified OCR copy onto the photo.

The archive keeps a phone photo as it came (never resampled), shown upright by a quarter-turn
transform only, while Tesseract read the sheet seen square-on. So each word's box on the OCR copy
is taken back through the inverse of the page's homography (:attr:`ocr.model.PageGeometry.warp`):
its box in the export (and for the review station) is where the word lies on the photo, and the
invisible text is set word by word over the word's box on the photo, with Tesseract's glyph-less
font, so a search hit and a selection fall on the word as photographed. The words are set level
(not along the photo's slant): PDF readers join the letters of level text into words and lines,
but break up text set at arbitrary angles.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pikepdf

from ocr.model import BBox, PageGeometry, PageText
from ocr.photo import map_points

FONT = "/f-0-0"
"""The resource name of Tesseract's glyph-less font in its text-only PDF."""
GLYPH_WIDTH = 0.5
"""Advance of every glyph of that font, in em (its /DW is 500)."""


def _quads(page: PageText, warp: tuple[float, ...]) -> list[np.ndarray]:
    """Each word's corners (top-left, top-right, bottom-right, bottom-left) on the displayed photo."""
    inverse = np.linalg.inv(np.array(warp, dtype=np.float64).reshape(3, 3))
    corners = []
    for word in page.words:
        b = word.bbox
        corners.append([[b.left, b.top], [b.right, b.top], [b.right, b.bottom], [b.left, b.bottom]])
    if not corners:
        return []
    mapped = map_points(inverse, np.array(corners, dtype=np.float64).reshape(-1, 2))
    return list(mapped.reshape(-1, 4, 2))


def to_displayed(page: PageText, geometry: PageGeometry) -> PageText:
    """``page`` read on a photo's OCR copy, with its word boxes on the photo as displayed."""
    if not geometry.warp:
        return page
    words = []
    for word, quad in zip(page.words, _quads(page, geometry.warp), strict=True):
        x0, y0 = np.clip(quad.min(axis=0), 0, [geometry.width - 1, geometry.height - 1])
        x1, y1 = np.clip(quad.max(axis=0), 0, [geometry.width, geometry.height])
        words.append(replace(word, bbox=BBox(int(x0), int(y0), max(1, int(round(x1 - x0))),
                                             max(1, int(round(y1 - y0))))))
    return replace(page, width=geometry.width, height=geometry.height, dpi=geometry.dpi, words=tuple(words))


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" if ord(ch) <= 0xFFFF else "FFFD" for ch in text)


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def photo_layer(page: PageText, geometry: PageGeometry, tesseract_layer: Path, dst: Path) -> Path:
    """Write the invisible text layer of a photo page at ``dst``, sized as the displayed page.

    Args:
        page: the reading on the OCR copy (its boxes in OCR-copy pixels).
        geometry: the page's geometry, with its :attr:`~ocr.model.PageGeometry.warp`.
        tesseract_layer: Tesseract's layer for the OCR copy (its font is reused).
        dst: the layer to write (may be ``tesseract_layer`` itself).
    """
    dpi = geometry.dpi
    width_pt, height_pt = geometry.width / dpi * 72, geometry.height / dpi * 72
    ops = []
    for word, quad in zip(page.words, _quads(page, geometry.warp), strict=True):
        # Each word level, over its box on the photo: PDF readers join the letters of level text
        # into words, but not those of text set at the slant of a photo's lines.
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        size, length = (y1 - y0) / dpi * 72, (x1 - x0) / dpi * 72
        if size < 0.5 or length < 0.5:
            continue
        stretch = 100.0 * length / (max(1, len(word.text)) * GLYPH_WIDTH * size)
        ops.append(f"BT 3 Tr {FONT} {_num(size)} Tf {_num(stretch)} Tz 1 0 0 1 {_num(x0 / dpi * 72)} "
                   f"{_num(height_pt - y1 / dpi * 72)} Tm <{_hex(word.text + ' ')}> Tj ET")
    with pikepdf.open(tesseract_layer) as source:
        font = source.pages[0].Resources.Font[FONT]
        with pikepdf.new() as pdf:
            resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({FONT: pdf.copy_foreign(font)}))
            pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
                Type=pikepdf.Name.Page, MediaBox=[0, 0, round(width_pt, 3), round(height_pt, 3)],
                Resources=resources, Contents=pikepdf.Stream(pdf, "\n".join(ops).encode("ascii")))))
            tmp = dst.with_name(f".{dst.name}.tmp")
            pdf.save(tmp)
    tmp.replace(dst)
    return dst

