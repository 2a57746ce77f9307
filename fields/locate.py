"""Where a field's value is on the page: the tokens right of its label, on the next line, or in a cell.

Works on the document's lines of tokens and the label matches of each line (``fields.labels``).
Returns tokens; cleaning and scoring happen in ``fields.values`` and ``fields.extract``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from configs.form_schema import FieldSpec, FormTemplate
from fields.datelines import DATELINE, cites, date_words_mended, drop_on_dateline, is_dateline, loose_dateline
from fields.labels import Label, Match, build_labels, find_labels, label_words
from fields.tables import Table, cell_tokens, locate_table, table_from_rows
from fields.text import GARBAGE_CONFIDENCE, Token, fold, is_junk, ratio, until_leader
from fields.values import drop_trailing_numbering

SECTION = "__section__:"
TABLE = "__table__:"
STOP = "__stop__"
COLUMN = "__column__"
_ROW_NUMBER = re.compile(r"^[.,'‘’`|Il!]?(\d{1,2})[._)|,:'‘’`]*$")
"""A row's number; a speck before it (``.1``), or the cell's rule read as a letter (``I1``, ``l1``)."""
_ROW_DATA = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{8,}")
_MAX_CONTINUATION = 3
_MAX_CELL_LINES = 5
"""A table cell's value goes on over at most this many more lines: an address in a narrow column
(kết hôn's bên nữ / bên nam) wraps over four or five; the next row, a label or the table's end stops it."""
_WRAP_ZONE = 0.12
_MAX_GAP = 1.6
"""A continuation line starts at most this many line heights below the previous one."""


@dataclass
class Document:
    """A dossier's lines and label matches, for one template."""

    lines: list[list[Token]]
    matches: list[list[Match]]
    tables: dict[str, Table | None] = field(default_factory=dict)
    truncated: set[str] = field(default_factory=set)
    """Keys of wrapped values whose next line could not be read."""
    header_lines: set[int] = field(default_factory=set)
    """Lines of table headers: their words are column titles, not field labels."""
    _extents: dict[int, tuple[int, int]] = field(default_factory=dict)

    def extent(self, page: int) -> tuple[int, int]:
        """Leftmost and rightmost x of the text on a page."""
        if page not in self._extents:
            tokens = [t for line in self.lines if line[0].page == page for t in line]
            self._extents[page] = (min(t.bbox.left for t in tokens), max(t.bbox.right for t in tokens))
        return self._extents[page]

    @property
    def flat(self) -> list[Match]:
        """All matches in reading order."""
        return [m for per_line in self.matches for m in per_line]


def template_labels(template: FormTemplate) -> tuple[Label, ...]:
    """Every printed text the template names, each owned by field keys or a marker."""
    owned: list[tuple[str, str]] = []
    for spec in template.fields:
        owned += [(spec.key, text) for text in spec.labels]
        if spec.section:
            owned.append((SECTION + spec.section, spec.section))
    owned += [(STOP, text) for text in template.stop_labels]
    for table in template.tables:
        owned += [(TABLE + table.id, text) for text in table.anchor]
        owned += [(COLUMN, text) for column in table.columns for text in column.labels
                   if len(label_words(text)) > 1]
    return build_labels(owned)


def prepare(lines: list[list[Token]], template: FormTemplate) -> Document:
    """Find the template's labels and tables."""
    doc = Document(lines, find_labels(lines, template_labels(template)))
    for table in template.tables:
        found = _table(doc, template, table.id)
        if found is not None:
            doc.header_lines |= set(range(found.first_line, _header_end(doc, found) + 1))
    _drop_stray(doc, template)
    _drop_in_title(doc, template)
    drop_on_dateline(doc.lines, doc.matches)
    return doc


TITLE_LINE = 0.8
"""A line whose letters are this close to the form's title is the title, misread or not."""


def _drop_in_title(doc: Document, template: FormTemplate) -> None:
    """Drop labels matched loosely in the form's title: ``GIẤY Đi NGHỊ ĐĂNG KỶ HỆ) KINH DOANH`` holds
    ``Ngành, nghề kinh doanh`` at 0.82, which then took the place of the real label further down."""
    titles = [fold(title) for title in template.titles]
    for index, line in enumerate(doc.lines):
        if not any(m.score < 1.0 for m in doc.matches[index]):
            continue
        folded = fold("".join(t.text for t in line))
        if any(ratio(folded, title) >= TITLE_LINE for title in titles):
            doc.matches[index] = [m for m in doc.matches[index] if m.score >= 1.0]


def _drop_stray(doc: Document, template: FormTemplate) -> None:
    """Drop a label matched loosely on a line under a line that runs to the margin, when no field takes
    it: the wrapped end of the value above (``Đình, Thành phố Hà Nội`` read as ``Tỉnh/Thành phố`` at
    0.92 under ``…, Quận Ba``; ``phố Nha Trang, Tỉnh Khánh Hòa`` holding ``Tỉnh Khánh`` at 0.83), not
    a label."""
    fields = {spec.key for spec in template.fields}
    kept = {spec.key for spec in template.fields if spec.where == "table-column"}
    used = {label_match(doc, spec) for spec in template.fields if spec.where != "table-column"}
    for index in range(1, len(doc.lines)):
        above, _ = until_leader(list(doc.lines[index - 1]))
        stray = [m for m in doc.matches[index] if m.score < 1.0 and m not in used
                 and m.label.owners <= fields and not m.label.owners & kept]
        if stray and _close_below(doc.lines[index - 1], doc.lines[index]) and _runs_to_margin(doc, above):
            doc.matches[index] = [m for m in doc.matches[index] if m not in stray]


def _header_end(doc: Document, table: Table) -> int:
    """The last header line, counting wrapped header words below it (lines before any digit)."""
    end = table.header_line
    for index in range(table.header_line + 1, min(len(doc.lines), table.header_line + 3)):
        if any(c.isdigit() for t in doc.lines[index] for c in t.text):
            break
        end = index
    return end


def _first(doc: Document, owner: str) -> Match | None:
    return next((m for m in doc.flat if owner in m.label.owners), None)


def _after(match: Match, anchor: Match) -> bool:
    return (match.line, match.start) > (anchor.line, anchor.start)


def label_match(doc: Document, spec: FieldSpec) -> Match | None:
    """The match of the field's label: the n-th occurrence, after its section anchor if any."""
    candidates = [m for m in doc.flat if spec.key in m.label.owners and m.line not in doc.header_lines]
    if spec.section:
        anchor = _first(doc, SECTION + spec.section)
        if anchor is None:
            n = spec.fallback_occurrence
            return candidates[n - 1] if n is not None and len(candidates) >= n else None
        candidates = [m for m in candidates if _after(m, anchor)]
    return candidates[spec.occurrence - 1] if len(candidates) >= spec.occurrence else None


def _right_of(doc: Document, match: Match) -> list[Token]:
    """Tokens right of a label up to the next label on the same line."""
    line = doc.lines[match.line]
    following = [m.start for m in doc.matches[match.line] if m.start >= match.end]
    tokens = list(line[match.end:min(following, default=len(line))])
    # the next label's item number (``4.``) is no part of this value; a value that ends its line may
    # be a small number itself (``Số lượng lao động: 3.``)
    return drop_trailing_numbering(tokens) if following else tokens


def _line_head(doc: Document, index: int) -> list[Token]:
    """Tokens of a line before its first label."""
    first = min((m.start for m in doc.matches[index]), default=len(doc.lines[index]))
    head = list(doc.lines[index][:first])
    return drop_trailing_numbering(head) if doc.matches[index] else head


def _close_below(upper: Sequence[Token], lower: Sequence[Token]) -> bool:
    if not upper or not lower or upper[0].page != lower[0].page:
        return False
    height = max(t.bbox.height for t in upper)
    return min(t.bbox.top for t in lower) - max(t.bbox.bottom for t in upper) < _MAX_GAP * height


def _meaningful(tokens: Sequence[Token]) -> bool:
    return any(not is_junk(t.text) for t in tokens)


def _continuation(doc: Document, line: int, pick, *, margin: bool = True,
                  limit: int = _MAX_CONTINUATION) -> list[Token]:
    """Tokens of following lines that continue a wrapped value.

    Lines are taken while they are close below the previous one and carry no label; a line with
    nothing for this value (a speck, the other column's wrap) is stepped over in a table. ``pick``
    returns a line's tokens for this value, or None where the value cannot go on (the next row).
    """
    extra: list[Token] = []
    previous = doc.lines[line]
    capitals = _in_capitals(until_leader(_line_head(doc, line) if not doc.matches[line] else
                                         doc.lines[line][max(m.end for m in doc.matches[line]):])[0])
    for index in range(line + 1, min(len(doc.lines), line + 1 + limit)):
        wrap = _capitals_wrap(doc, index) if capitals and doc.matches[index] else None
        if doc.matches[index] and wrap is None or not _close_below(previous, doc.lines[index]) \
                or is_dateline(doc.lines[index]):
            break
        picked = wrap or pick(index)
        if picked is None:
            break
        head, _ = until_leader(picked)
        previous = doc.lines[index]
        if not _meaningful(head):
            if margin:
                break
            continue
        extra += head
        if margin and not _runs_to_margin(doc, head):
            break
    return extra


def _in_capitals(tokens: Sequence[Token]) -> bool:
    letters = [c for t in tokens if not is_junk(t.text) for c in t.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _capitals_wrap(doc: Document, index: int) -> list[Token] | None:
    """A line in capitals, not numbered, below a value in capitals: the value's wrap, though its words
    are a label's (``HỘ KINH DOANH`` / ``ĐIỆN THOẠI NGỌC``: a phone shop's name, which the form asks for in
    capitals); the form prints its labels in small letters. Its words before the leader's garbage."""
    head, _ = until_leader(list(doc.lines[index]))
    end = next((i for i, t in enumerate(head) if t.confidence < GARBAGE_CONFIDENCE), len(head))
    head = head[:end]
    return head if head and _in_capitals(head) and not _ROW_NUMBER.match(head[0].text) else None


def _runs_to_margin(doc: Document, tokens: Sequence[Token]) -> bool:
    """True when the text reaches the last eighth of the page's text width (so it may wrap)."""
    if not tokens:
        return False
    left, right = doc.extent(tokens[-1].page)
    return tokens[-1].bbox.right >= right - (right - left) * _WRAP_ZONE


def _multiline(spec: FieldSpec) -> bool:
    return spec.multiline if spec.multiline is not None else spec.type == "address"


def near_label(doc: Document, spec: FieldSpec) -> list[Token] | None:
    """Value tokens of an ``after-label``, ``next-line`` or ``boxed-digits`` field, None if no label."""
    match = label_match(doc, spec)
    if match is None:
        return None
    line = match.line
    tokens, _ = until_leader([] if spec.where == "next-line" else _right_of(doc, match))
    below = line + 1
    if not _meaningful(tokens) and below < len(doc.lines) and _close_below(doc.lines[line], doc.lines[below]) \
            and not any(m.start == 0 for m in doc.matches[below]) and not is_dateline(doc.lines[below]):
        line = below
        tokens, _ = until_leader(_line_head(doc, line))
    if _multiline(spec) and _runs_to_margin(doc, tokens) and \
            (line != match.line or not _ends_at_label(doc, match)):
        more = _continuation(doc, line, lambda i: _line_head(doc, i))
        if not more:
            doc.truncated.add(spec.key)
        tokens += more
    elif _multiline(spec) and _meaningful(tokens) and not _ends_at_label(doc, match):
        tokens += _wrapped_short(doc, line)
    return tokens


_WRAP_LEFT = 0.02
"""A wrapped line starts at the text's left edge, within this share of its width."""
_WRAP_WORDS = 8


def _wrapped_short(doc: Document, line: int) -> list[Token]:
    """The rest of a value a long label pushed onto the next line (``Số nhà, ngách, … thôn: Số 66``
    / ``đường Láng Hạ``): a short line right below, at the left edge, with no label on it."""
    below = line + 1
    if below >= len(doc.lines) or doc.matches[below] or not _close_below(doc.lines[line], doc.lines[below]) \
            or is_dateline(doc.lines[below]):
        return []
    head, _ = until_leader(list(doc.lines[below]))
    left, right = doc.extent(head[0].page) if head else (0, 0)
    words = [t for t in head if not is_junk(t.text)]
    if not words or len(words) > _WRAP_WORDS or head[0].bbox.left - left > _WRAP_LEFT * (right - left):
        return []
    if all(c.isupper() for t in words for c in t.text if c.isalpha()):
        return []  # a heading in capitals, not the end of a value
    return head


def _ends_at_label(doc: Document, match: Match) -> bool:
    return any(m.start >= match.end for m in doc.matches[match.line])


def dateline(doc: Document) -> list[Token] | None:
    """The tokens of the form's own date line (``…, ngày 05 tháng 3 năm 2024``): the last line whose
    folded text holds a date in that worded shape with digits; after ``Làm tại:`` when printed."""
    for index in range(len(doc.lines) - 1, -1, -1):
        line = date_words_mended(doc.lines[index])
        folded = "".join(t.folded for t in line)
        match = DATELINE.search(folded)
        raw = " ".join(t.text for t in line)
        # "<place>, ngày …" or "Làm tại: <place>, ngày …" ends its line; a circular's note
        # ("… số 01/2021/TT-BKHĐT ngày 16 tháng 3 năm 2021 của …") names a numbered text first
        cited = cites(raw.split("ngày")[0] if "ngày" in raw else raw[: len(raw) // 2])
        if match and any(c.isdigit() for c in "".join(match.groups())) and not cited \
                and len(folded) - match.end() <= 2:
            labels = [m for m in doc.matches[index] if m.end < len(line)]
            start = max((m.end for m in labels), default=0)
            tokens = list(line[start:])
            while len(tokens) > 1 and len(tokens[-1].folded) <= 2 and not _has_figure(tokens[-1]):
                tokens.pop()  # ``… năm 2020 vở``: a speck after the year read as a short word
            return tokens
    return loose_dateline([date_words_mended(line) for line in doc.lines])


def _has_figure(token: Token) -> bool:
    return any(c.isdigit() for c in token.text)


def _table(doc: Document, template: FormTemplate, table_id: str) -> Table | None:
    if table_id not in doc.tables:
        spec = next(t for t in template.tables if t.id == table_id)
        anchor = _first(doc, TABLE + table_id)
        start = anchor.line + 1 if anchor else 0
        found = locate_table(doc.lines, [(c.id, c.labels) for c in spec.columns], start=start,
                             max_rows=spec.max_rows)
        rows = _labelled_rows(doc, template, table_id, start=start, max_rows=spec.max_rows)
        if rows and (found is None or found.header_line > rows[0][0]):
            # the header was read as nothing, and what matched two headers is below the rows (the
            # signatures' ``Bên nữ  Bên nam``): the rows place the table
            found = table_from_rows(doc.lines, rows, [c.id for c in spec.columns], max_rows=spec.max_rows)
        doc.tables[table_id] = found
    return doc.tables[table_id]


def _labelled_rows(doc: Document, template: FormTemplate, table_id: str, *, start: int,
                   max_rows: int) -> list[tuple[int, int]]:
    """(line, label end) of a table's rows labelled in its first column (kết hôn's), top to bottom;
    none for a table of numbered rows."""
    specs = [f for f in template.fields if f.where == "table-column" and f.table == table_id]
    if not specs or _numbered(template, table_id):
        return []
    keys = {f.key for f in specs}
    rows, seen = [], set()
    for index in range(start, min(len(doc.lines), start + max_rows)):
        opening = next((m for m in doc.matches[index] if m.start == 0 and m.label.owners & keys), None)
        if opening is not None and not opening.label.owners & seen:
            rows.append((index, opening.end))
            seen |= opening.label.owners
    return rows


def _numbered(template: FormTemplate, table_id: str) -> bool:
    """True for a table of numbered rows (CT01's members), whose fields name their row."""
    return any(f.table == table_id and f.row is not None for f in template.fields)


def _row_start(doc: Document, table: Table, spec: FieldSpec) -> tuple[int, int] | None:
    """(line, first token index) of the field's row."""
    if spec.row is not None:
        for index in range(table.header_line + 1, table.last_line + 1):
            if _row_number(doc.lines[index]) == spec.row:
                return index, 1
        # the row number was misread: the n-th line that holds a date or an ID number is row n
        rows = [i for i in range(table.header_line + 1, table.last_line + 1) if _starts_row(doc.lines[i])]
        return (rows[spec.row - 1], 0) if len(rows) >= spec.row else None
    rows = [m for m in doc.flat if spec.key in m.label.owners
            and table.header_line < m.line <= table.last_line]
    return (rows[0].line, rows[0].end) if rows else None


def _starts_row(line: Sequence[Token]) -> bool:
    """A line with a date or a long number: a member row starts here, it is not a wrapped line."""
    return any(_ROW_DATA.search(t.text) for t in line)


def _row_number(line: Sequence[Token]) -> int | None:
    first = next((t for t in line if t.folded), None)
    match = _ROW_NUMBER.match(first.text) if first else None
    return int(match.group(1)) if match else None


def _data_columns(line: Sequence[Token], table: Table) -> set[str]:
    """The columns of a table line that hold a date or a long number."""
    out = set()
    for token in line:
        if _ROW_DATA.search(token.text):
            middle = (token.bbox.left + token.bbox.right) / 2
            out |= {c for c, (a, b) in table.bounds.items() if a <= middle < b}
    return out


def in_table(doc: Document, template: FormTemplate, spec: FieldSpec) -> list[Token] | None:
    """Value tokens of a ``table-column`` field; None when the table or column is not found."""
    table = _table(doc, template, spec.table or "")
    if table is None or spec.column not in table.bounds:
        return None
    start = _row_start(doc, table, spec)
    if start is None:
        return []  # the table is there but has no such row: fewer members, not an unreadable form
    line, skip = start
    bounds = table.bounds[spec.column or ""]
    tokens = cell_tokens(doc.lines[line], bounds, skip)

    spec_table = next(t for t in template.tables if t.id == spec.table)
    first_column = table.bounds.get(spec_table.columns[0].id)

    own = _data_columns(doc.lines[line], table)

    def new_row(line: Sequence[Token]) -> bool:
        """A line with a date or an ID number starts a row when something sits in the first (number)
        column — its misread number — or when the row's own line had a date or number in the same
        column (a second birth date is the next member's); else it is the row's wrapped cells."""
        if own & _data_columns(line, table):
            return True
        if first_column is None:
            return False  # the number column is not known: rows start at their numbers only
        return _starts_row(line) and any(first_column[0] <= (t.bbox.left + t.bbox.right) / 2 < first_column[1]
                                         for t in line)

    # a cell's wrapped lines start at its left edge, which may lie left of the midpoint between the
    # headers (``Thơ`` under ``Thành phố Cần``, centred a pixel into the column before)
    wrap_bounds = (min(bounds[0], min(t.bbox.left for t in tokens) - max(t.bbox.height for t in tokens) / 2),
                   bounds[1]) if tokens else bounds

    # only a table of numbered rows (members) has row numbers: in kết hôn's, a wrapped address's
    # ``1, Thành phố Hồ Chí`` under ``Phường Bến Nghé, Quận`` is the address going on
    numbered = _numbered(template, spec.table or "")

    def pick(index: int) -> list[Token] | None:
        if doc.matches[index] or numbered and _row_number(doc.lines[index]) is not None or index > table.last_line \
                or (spec.row is not None and new_row(doc.lines[index])):
            return None
        return cell_tokens(doc.lines[index], wrap_bounds)

    return tokens + _continuation(doc, line, pick, margin=False, limit=_MAX_CELL_LINES)
