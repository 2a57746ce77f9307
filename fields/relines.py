"""Lines the page's OCR garbled or dropped, read again one at a time with their leaders erased.

On some typefaces a form's dotted leaders are larger than the dots the OCR step erases, and Tesseract
then garbles the whole line (``Hóa, Tỉnh Thanh Hóa ……`` read ``;0.8WM. y0.``, ``3. Giới tính: Nữ ……``
read ``=E“= /Šằ ẰằẰ``) or drops it (a wrapped address's last line, ``Nội ……``). Two kinds of line are
read again, each from its own band of the clean page image (:mod:`fields.reread`, leaders erased):

* a line whose first words (where a label or a wrapped value starts) were read weakly; the new
  reading replaces it when Tesseract is surer of it;
* the band under a line that runs to the right margin when no line follows within a line's pitch
  (a value that wraps there, its last line not read); a reading found there is put in as a line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from statistics import median

from fields.text import Token, is_junk, until_leader
from ocr.model import PageText

LineReader = Callable[[int, tuple[float, float, float, float]], list[list[Token]]]
"""(source page, normalised box) → the lines read in that band (leaders erased)."""
WEAK = 0.5
"""A line whose first two words were read under this mean confidence is garbled: it is read again."""
SURER = 0.15
"""… and the new reading replaces it when its first words are surer by this much …"""
SURE = 0.6
"""… and at least this sure (so is a dropped line's reading, to be put in)."""
_MARGIN = 0.12
"""A line runs to the margin when it ends within this share of the text's width from its right edge."""
_MAX_RERUNS = 12
"""At most this many bands are read again per document (a page of garbage is no form to mend)."""


def _words(line: Sequence[Token]) -> list[Token]:
    return [t for t in line if not is_junk(t.text)]


def _first_sureness(line: Sequence[Token]) -> float:
    """Mean confidence of the line's first two words (0 when it has none)."""
    words = _words(line)[:2]
    return sum(t.confidence for t in words) / len(words) if words else 0.0


def _sure_line(line: Sequence[Token]) -> bool:
    words = _words(line)
    return bool(words) and min(t.confidence for t in words[:2]) >= 0.3 and \
        sum(t.confidence for t in words) / len(words) >= SURE


def _centre(line: Sequence[Token]) -> float:
    return median((t.bbox.top + t.bbox.bottom) / 2 for t in line)


class _Page:
    """A page's text geometry: the text's left and right edges, a letter's height, the line pitch."""

    def __init__(self, lines: Sequence[Sequence[Token]]) -> None:
        tokens = [t for line in lines for t in line if t.confidence >= SURE and not is_junk(t.text)]
        tokens = tokens or [t for line in lines for t in line]
        self.left = min(t.bbox.left for t in tokens)
        self.right = max(t.bbox.right for t in tokens)
        self.height = median(t.bbox.height for t in tokens)
        steps = [b - a for a, b in zip(map(_centre, lines), map(_centre, lines[1:]))
                 if 0.8 * self.height < b - a < 4 * self.height]
        self.pitch = median(steps) if steps else 2.4 * self.height

    def band(self, centre: float, page: PageText) -> tuple[float, float, float, float]:
        """The normalised box of one line's band around ``centre``."""
        w, h = max(page.width, 1), max(page.height, 1)
        pad = self.height
        top, bottom = centre - 0.55 * self.pitch, centre + 0.45 * self.pitch
        return (max(0.0, (self.left - pad) / w), max(0.0, top / h),
                min(1.0, (self.right + pad) / w), min(1.0, bottom / h))


def _nearest(read: list[list[Token]], centre: float, height: float) -> list[Token] | None:
    """The text of a band's reading that sits at ``centre`` (within half a letter's height): sparse
    text is read in pieces, put together left to right."""
    found = [t for line in read if line and abs(_centre(line) - centre) <= 0.6 * height for t in line]
    return sorted(found, key=lambda t: t.bbox.left) or None


def _runs_to_margin(line: Sequence[Token], page: _Page) -> bool:
    head, _ = until_leader(list(line))
    words = _words(head)
    return bool(words) and words[-1].bbox.right >= page.right - _MARGIN * (page.right - page.left)


def read_again(lines: list[list[Token]], pages: Sequence[PageText], reader: LineReader) -> list[list[Token]]:
    """The document's lines with garbled ones read again and dropped wrapped lines put in.

    Args:
        lines: Document lines (:func:`fields.text.document_lines` of ``pages``).
        pages: The pages they were read from (``Token.page`` indexes them).
        reader: Reads a band of a page again (leaders erased).

    Returns:
        The lines, ``Token.page`` and ``Token.line`` set as in :func:`fields.text.document_lines`.
    """
    geometry = {p: _Page([line for line in lines if line[0].page == p]) for p in {line[0].page for line in lines}}
    out: list[list[Token]] = []
    budget = _MAX_RERUNS
    for index, line in enumerate(lines):
        page_index = line[0].page
        page, geo = pages[page_index], geometry[page_index]
        if budget and _first_sureness(line) < WEAK:
            budget -= 1
            centre = _centre(_words(line) or line)
            again = _nearest(reader(page.source_page, geo.band(centre, page)), centre, geo.height)
            if again and _sure_line(again) and _first_sureness(again) >= _first_sureness(line) + SURER:
                line = [replace(t, page=page_index) for t in again]
        out.append(line)
        after = lines[index + 1] if index + 1 < len(lines) else None
        below = _centre(line) + geo.pitch
        gap = after is None or after[0].page != page_index or _centre(after) - _centre(line) > 1.6 * geo.pitch
        if budget and gap and _runs_to_margin(line, geo) and below + 0.5 * geo.pitch < page.height:
            budget -= 1
            again = _nearest(reader(page.source_page, geo.band(below, page)), below, geo.height)
            if again and _sure_line(again):
                out.append([replace(t, page=page_index) for t in again])
    return [[replace(t, line=i) if t.line != i else t for t in line] for i, line in enumerate(out)]
