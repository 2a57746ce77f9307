"""Reading table cells by column header: CT01's household members, kết hôn's bên nữ / bên nam columns.

The header line is the line (after the table's anchor, if any) on which most column headers match.
Column bounds are the midpoints between neighbouring headers; a token belongs to the column its centre
falls in. A row is either numbered (its first cell is ``1``, ``2`` …) or starts with a row label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median_high

from fields.labels import Label, Match, build_labels, find_labels
from fields.text import Token, is_junk

_MAX_HEADER_SEARCH = 40
_BAND = 3
_GAP = 0.9
"""A gap wider than this many token heights separates two cells."""
_RULES = set("|[]!")
_DASHES = {"-", "–"}


@dataclass(frozen=True)
class Table:
    """A located table: its header line and each found column's horizontal bounds."""

    first_line: int
    """First line of the header (it may wrap over several lines)."""
    header_line: int
    """Last line of the header; data rows follow."""
    bounds: dict[str, tuple[float, float]]
    last_line: int


def _header_hits(line: Sequence[Token], index: int, labels: Sequence[Label]) -> dict[str, Match]:
    hits: dict[str, Match] = {}
    for match in find_labels([line], labels, anywhere=True)[0]:
        for owner in match.label.owners:
            hits.setdefault(owner, Match(match.label, index, match.start, match.end, match.score))
    return hits


def _band(lines: Sequence[Sequence[Token]], first: int, labels: Sequence[Label]) -> tuple[int, dict[str, Match]]:
    """Header hits of line ``first`` and of the next lines of a wrapped header; (last line, hits)."""
    hits = _header_hits(lines[first], first, labels)
    last = first
    for index in range(first + 1, min(len(lines), first + _BAND)):
        more = {k: m for k, m in _header_hits(lines[index], index, labels).items() if k not in hits}
        if not more:
            break
        hits |= more
        last = index
    return last, hits


def _split_words(words: list[Token], parts: int) -> list[list[Token]]:
    """Words cut into ``parts`` groups at the widest gaps between them (left to right)."""
    words = sorted(words, key=lambda t: t.bbox.left)
    gaps = sorted(range(1, len(words)), key=lambda i: words[i].bbox.left - words[i - 1].bbox.right)[-(parts - 1):] \
        if parts > 1 else []
    cuts = [0, *sorted(gaps), len(words)]
    return [words[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _leftover(lines: Sequence[Sequence[Token]], hits: dict[str, Match], order: list[str],
              header: int) -> dict[str, tuple[float, float]]:
    """Spans of columns whose header was misread (``Mối gn=m hệ``, ``Sểi định``): the header band's
    words that no column claimed, between two found columns (or before the first, after the last),
    cut into as many groups as columns are missing there, at their widest gaps."""
    band = [header]
    for index in range(header + 1, min(len(lines), header + _BAND)):
        if any(c.isdigit() for t in lines[index] for c in t.text):
            break
        band.append(index)
    claimed = {(m.line, i) for m in hits.values() for i in range(m.start, m.end)}
    free = [t for n in band for i, t in enumerate(lines[n]) if (n, i) not in claimed and len(t.folded) > 1]
    found = [c for c in order if c in hits]
    span = {c: (lines[hits[c].line][hits[c].start].bbox.left, lines[hits[c].line][hits[c].end - 1].bbox.right)
            for c in found}
    out: dict[str, tuple[float, float]] = {}
    bounds = [(float("-inf"), None)] + [(span[c][1], c) for c in found]
    for n, (left, after) in enumerate(bounds):
        right = span[found[n]][0] if n < len(found) else float("inf")
        first = order.index(after) + 1 if after else 0
        last = order.index(found[n]) if n < len(found) else len(order)
        missing = order[first:last]
        words = [t for t in free if left < t.bbox.left and t.bbox.right < right]
        if missing and len(words) >= len(missing):
            for column, group in zip(missing, _split_words(words, len(missing))):
                out[column] = (group[0].bbox.left, max(t.bbox.right for t in group))
    return out


def _bounds(lines: Sequence[Sequence[Token]], hits: dict[str, Match],
            order: list[str], header: int | None = None) -> dict[str, tuple[float, float]]:
    extra = _leftover(lines, hits, order, header) if header is not None else {}
    found = [c for c in order if c in hits or c in extra]
    spans = [extra[c] if c in extra else
             (lines[hits[c].line][hits[c].start].bbox.left, lines[hits[c].line][hits[c].end - 1].bbox.right)
             for c in found]
    bounds = {}
    for i, column in enumerate(found):
        lo = float("-inf") if i == 0 else (spans[i - 1][1] + spans[i][0]) / 2
        hi = float("inf") if i == len(found) - 1 else (spans[i][1] + spans[i + 1][0]) / 2
        bounds[column] = (lo, hi)
    return bounds


def locate_table(lines: Sequence[Sequence[Token]], columns: Sequence[tuple[str, tuple[str, ...]]],
                 *, start: int = 0, max_rows: int = 12) -> Table | None:
    """Find a table's header at or after line ``start``.

    Args:
        lines: Document lines.
        columns: (column id, header variants) pairs, left to right.
        start: First line to look at (the line after the table's anchor).
        max_rows: Lines below the header that may belong to the table.

    Returns:
        The table, or None when no line matches two column headers (a header may wrap over up to
        three lines; its first line must hold two).
    """
    labels = build_labels((cid, text) for cid, variants in columns for text in variants)
    order = [cid for cid, _ in columns]
    best: tuple[int, int, dict[str, Match]] | None = None
    for index in range(start, min(len(lines), start + _MAX_HEADER_SEARCH)):
        if len(_header_hits(lines[index], index, labels)) < 2:
            continue
        last, hits = _band(lines, index, labels)
        if len(hits) >= 2 and (best is None or len(hits) > len(best[2])):
            best = (index, last, hits)
    if best is None:
        return None
    first, last, hits = best
    return Table(first, last, _bounds(lines, hits, order, first), min(len(lines) - 1, last + max_rows))


MIN_LABELLED_ROWS = 3
"""A table whose header is lost is placed by this many rows labelled in its first column, or more."""


def table_from_rows(lines: Sequence[Sequence[Token]], rows: Sequence[tuple[int, int]], order: Sequence[str],
                    *, max_rows: int) -> Table | None:
    """A table whose header line was read as nothing (``t-2== tin 2= nữ Tiền nam``), placed by its rows
    labelled in the first column: each row's words after its label, cut at their widest gaps into the
    data columns; a boundary lies halfway between one column's median right edge and the next one's
    median left edge, over the rows that hold every column. None with fewer than
    :data:`MIN_LABELLED_ROWS` such rows.

    Args:
        lines: Document lines.
        rows: (line, end of its label) of each labelled row, top to bottom.
        order: The column ids, left to right; the first holds the labels.
        max_rows: Lines below the header that may belong to the table.
    """
    data = len(order) - 1
    edges: list[list[tuple[float, float]]] = [[] for _ in range(data)]
    for line, end in rows:
        words = [t for t in lines[line][end:] if not is_junk(t.text)]
        groups = _split_words(words, data)
        if len(groups) != data or any(_gap(a[-1], b[0]) <= _GAP for a, b in pairwise(groups)):
            continue
        for k, group in enumerate(groups):
            edges[k].append((group[0].bbox.left, group[-1].bbox.right))
    if data < 1 or len(edges[0]) < MIN_LABELLED_ROWS:
        return None

    lefts = [median_high(e[0] for e in column) for column in edges]
    rights = [median_high(e[1] for e in column) for column in edges]
    cuts = [lefts[0] - 1.0, *((rights[k] + lefts[k + 1]) / 2 for k in range(data - 1))]
    bounds = {order[0]: (float("-inf"), cuts[0])}
    for k in range(data):
        bounds[order[k + 1]] = (cuts[k], cuts[k + 1] if k + 1 < data else float("inf"))
    header = max(rows[0][0] - 1, 0)
    return Table(header, header, bounds, min(len(lines) - 1, header + max_rows))


def _gap(left: Token, right: Token) -> float:
    """The space between two words, in letter heights."""
    return (right.bbox.left - left.bbox.right) / max(min(left.bbox.height, right.bbox.height), 1)


def _segments(tokens: Sequence[Token]) -> list[list[Token]]:
    """Runs of tokens separated by a wide gap, a cell rule (``|``) or junk: the text of one cell each."""
    segments: list[list[Token]] = []
    for token in tokens:
        if set(token.text) <= _RULES or (is_junk(token.text) and token.text not in _DASHES):
            segments.append([])  # a rule, or a speck or leftover leader between two cells' text
            continue
        prev = segments[-1][-1] if segments and segments[-1] else None
        if prev is None or token.bbox.left - prev.bbox.right > _GAP * max(prev.bbox.height, 1):
            segments.append([])
        segments[-1].append(token)
    return [seg for seg in segments if seg]


def cell_tokens(line: Sequence[Token], bounds: tuple[float, float], skip_before: int = 0) -> list[Token]:
    """The tokens of ``line`` in a column: each cell-like run of tokens goes where its centre lies.

    Args:
        line: One document line.
        bounds: The column's (left, right) bounds.
        skip_before: Ignore tokens before this index (the row label).

    Returns:
        The tokens of the runs whose centre lies within ``bounds``.
    """
    lo, hi = bounds
    out: list[Token] = []
    for segment in _segments(line[skip_before:]):
        for piece in _split_at(segment, (lo, hi)):
            centre = (piece[0].bbox.left + piece[-1].bbox.right) / 2
            if lo <= centre < hi:
                out += piece
    return _straddling(list(line[skip_before:]), out, lo) + out


def _straddling(line: list[Token], out: list[Token], lo: float) -> list[Token]:
    """The word the column's left edge cuts through, when it sits nearer the column's first word than
    the word before it (``(2)   Số 160 đường``, the edge drawn through ``Số``): the cell's first word.
    Only the first word after the row's label (nothing but marks before it): between two columns of
    values, a word cut by the edge stays where its centre is (``Nữ`` beside an ID number)."""
    first = next((i for i, t in enumerate(line) if out and t is out[0]), None)
    if not first:
        return []
    word = line[first - 1]
    if _mark(word) or not all(_mark(t) for t in line[:first - 1]):
        return []
    gap_after = out[0].bbox.left - word.bbox.right
    gap_before = word.bbox.left - line[first - 2].bbox.right if first >= 2 else float("inf")
    cut = word.bbox.left < lo < word.bbox.right
    return [word] if cut and 0 <= gap_after < gap_before and gap_after <= word.bbox.height * 1.5 else []


def _mark(token: Token) -> bool:
    """A cell rule, a footnote mark or a speck: no word of a value."""
    return set(token.text) <= _RULES or is_junk(token.text)


def _split_at(segment: list[Token], edges: tuple[float, float]) -> list[list[Token]]:
    """Split a run of tokens where a column edge falls in the space between two words.

    Text of neighbouring cells can run close together (``… Hưng Đạo, Số 167 …``): the column edge
    between them says where one cell ends.
    """
    pieces = [[segment[0]]]
    for prev, token in pairwise(segment):
        if _figures_across(prev, token, edges):
            pieces.append([token])  # ``Khang 25.04.2014``: the date's cell starts left of its header
            continue
        clip = _CLIP * prev.bbox.height if _FIGURES.fullmatch(prev.text.strip(".,")) else 0.0
        if any(prev.bbox.right - clip <= edge <= token.bbox.left for edge in edges):
            if _starts_cell(pieces[-1][-2] if len(pieces[-1]) > 1 else None, prev, token):
                moved = pieces[-1].pop()  # ``(2) | Số 80 …``: the cell began a word earlier
                if not pieces[-1]:
                    pieces.pop()
                pieces.append([moved, token])
                continue
            pieces.append([])
        pieces[-1].append(token)
    return pieces


_CLIP = 0.5
"""A column edge that clips the end of a date or an ID number by up to this many letter heights still
falls between it and the next word (``25/12/2012. | Nam``: the date ran 2 px past the midpoint between
the headers); a word of letters clipped so stays with the next (``Thanh | Hương``: one name)."""
_FIGURES = re.compile(r"\d+[./-]\d+[./-]\d+|\d{6,}")


def _figures_across(prev: Token, token: Token, edges: tuple[float, float]) -> bool:
    """True when a column edge falls on a date or an ID number (mostly right of the edge) that follows
    a word of letters: the figures are the next cell's, whose values start left of the midpoint
    between the headers (a centred header over left-set values); no name or date holds both."""
    centre = (token.bbox.left + token.bbox.right) / 2
    return bool(_FIGURES.fullmatch(token.text.strip(".,"))) and not any(c.isdigit() for c in prev.text) \
        and any(prev.bbox.right <= edge < centre for edge in edges)


def _starts_cell(before: Token | None, prev: Token, token: Token) -> bool:
    """True when ``prev`` sits just left of a column edge but belongs to the cell on its right: the
    gap before it is wide (the cell's start; none: it starts the run), the gap after it a word space
    (the cell's left edge was drawn a little right of where the values start). A date or an ID number
    starts no cell of words (``21/09/2008 Nữ``: the date's cell ends at the edge)."""
    if _FIGURES.fullmatch(prev.text.strip(".,")) and not any(c.isdigit() for c in token.text):
        return False
    height = max(prev.bbox.height, 1)
    gap_after = token.bbox.left - prev.bbox.right
    gap_before = prev.bbox.left - before.bbox.right if before is not None else float("inf")
    return gap_before > 2 * max(gap_after, 1) and gap_before > height and gap_after < height
