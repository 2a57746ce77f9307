"""Lines the page's OCR garbled or dropped, read again one at a time with their leaders erased.

On some typefaces a form's dotted leaders are larger than the dots the OCR step erases, and Tesseract
then garbles the whole line (``Hóa, Tỉnh Thanh Hóa ……`` read ``;0.8WM. y0.``, ``3. Giới tính: Nữ ……``
read ``=E“= /Šằ ẰằẰ``) or drops it (a wrapped address's last line, ``Nội ……``). Two kinds of line are
read again, each from its own band of the clean page image (:mod:`fields.reread`, leaders erased):

* a line whose first words (where a label or a wrapped value starts) were read weakly; the new
  reading replaces it when Tesseract is surer of it;
* a line between two body lines (at the text's left edge) that starts far right of them: its start
  was lost; the new reading replaces it when it starts further left;
* the band under a line that runs to the right margin when no line follows within a line's pitch
  (a value that wraps there, its last line not read), and the band between two body lines two
  pitches apart (a line of the form not read); a reading found there is put in as a line.
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
        """The normalised box of one line's band around ``centre``, to the page's right edge (a line
        not read may be the widest)."""
        w, h = max(page.width, 1), max(page.height, 1)
        pad = self.height
        top, bottom = centre - 0.55 * self.pitch, centre + 0.45 * self.pitch
        return (max(0.0, (self.left - 2 * pad) / w), max(0.0, top / h), 1.0, min(1.0, bottom / h))


def _nearest(read: list[list[Token]], centre: float, height: float) -> list[Token] | None:
    """The text of a band's reading that sits at ``centre`` (within half a letter's height): sparse
    text is read in pieces, put together left to right."""
    found = [t for line in read if line and abs(_centre(line) - centre) <= 0.6 * height for t in line]
    return sorted(found, key=lambda t: t.bbox.left) or None


def _runs_to_margin(line: Sequence[Token], page: _Page) -> bool:
    head, _ = until_leader(list(line))
    words = _words(head)
    return bool(words) and words[-1].bbox.right >= page.right - _MARGIN * (page.right - page.left)


_LOST = 1.6
"""A line lies missing between two lines this many pitches apart or more …"""
_ONE_LOST = 2.6
"""… and, between two lines at the text's left edge (a form's body), one line is missing under this."""
_LEFT = 2.5
"""A line starts at the text's left edge within this many letter heights of it …"""
_CUT = 4.0
"""… and a line between two such lines that starts this many letter heights right of them lost its
start (``Dân tộc: Kinh  Quốc tịch: …`` read from ``Quốc tịch``); a reading that starts this many
letter heights further left replaces it."""


def _at_left(line: Sequence[Token], page: _Page) -> bool:
    return line[0].bbox.left <= page.left + _LEFT * page.height


def _left_cut(line: Sequence[Token], before: Sequence[Token] | None, after: Sequence[Token] | None,
              page: _Page) -> bool:
    return before is not None and after is not None and _at_left(before, page) and _at_left(after, page) and \
        line[0].bbox.left > page.left + _CUT * page.height


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
        before = lines[index - 1] if index and lines[index - 1][0].page == page_index else None
        after = lines[index + 1] if index + 1 < len(lines) and lines[index + 1][0].page == page_index else None
        cut = _left_cut(line, before, after, geo)
        if budget and (_first_sureness(line) < WEAK or cut):
            budget -= 1
            centre = _centre(_words(line) or line)
            again = _nearest(reader(page.source_page, geo.band(centre, page)), centre, geo.height)
            if again and _sure_line(again) and (_first_sureness(again) >= _first_sureness(line) + SURER or
                                                cut and again[0].bbox.left < line[0].bbox.left - _CUT * geo.height):
                line = [replace(t, page=page_index) for t in again]
        out.append(line)
        below = _centre(line) + geo.pitch
        step = _centre(after) - _centre(line) if after is not None else None
        wrap_lost = (step is None or step > _LOST * geo.pitch) and _runs_to_margin(line, geo)
        body_lost = step is not None and _LOST * geo.pitch < step < _ONE_LOST * geo.pitch and \
            _at_left(line, geo) and _at_left(after, geo)
        if budget and (wrap_lost or body_lost) and below + 0.5 * geo.pitch < page.height:
            budget -= 1
            again = _nearest(reader(page.source_page, geo.band(below, page)), below, geo.height)
            if again and _sure_line(again):
                out.append([replace(t, page=page_index) for t in again])
    return [[replace(t, line=i) if t.line != i else t for t in line] for i, line in enumerate(out)]
