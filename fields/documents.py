"""A dossier cut into its documents, each typed: a form the citizen filed, a result, or another paper.

A document starts on a page whose top carries the national header or a known title; a page with
neither continues the document before it (the second sheet of a form, a decision's last page).
Each document is typed by the template whose title its first page carries (``kind`` from the
template: ``component`` or ``result``); one with no known title is ``other`` / ``unknown`` and puts
the dossier-level review reason ``unknown_type`` on the dossier, so a clerk types it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from configs.form_schema import FormTemplate
from fields.classify import MIN_TITLE, label_share, title_score
from fields.dates import month_year
from fields.labels import label_words
from fields.nd30 import NATIONAL_LINES, is_national, notation_of, read_elements
from fields.nd30_number import notation_alone
from fields.model import Document
from fields.reread import Reread
from fields.templates import UNKNOWN_TITLE, UNKNOWN_TYPE_CODE
from fields.text import Token, document_lines, fold, ratio
from ocr.model import PageText

UNKNOWN = "unknown"
UNKNOWN_TYPE = "unknown_type"
"""Dossier-level review reason: a document whose type sohoa does not know."""
_HEAD_LINES = 20
_CLOSE = 0.06
SIGNATURE_LINES = 10
"""Line heights below the document's last line read that the seal-free second reading covers: the
signature's space and the signer's name under it."""


@dataclass(frozen=True)
class Span:
    """One document's pages (indices into the dossier's page list) and its template, if known."""

    pages: tuple[int, ...]
    template: FormTemplate | None
    score: float


def _page_lines(page: PageText) -> list[list[Token]]:
    return document_lines([page])


def _best_template(head: list[list[Token]], templates: Sequence[FormTemplate],
                   lines: list[list[Token]]) -> tuple[FormTemplate | None, float]:
    scores = sorted(((title_score(head, t), t) for t in templates), key=lambda p: -p[0])
    if not scores or scores[0][0] < MIN_TITLE:
        return None, scores[0][0] if scores else 0.0
    best_score, best = scores[0]
    close = [t for s, t in scores if best_score - s < _CLOSE and t.kind == "component" and t.fields]
    if len(close) > 1:
        best = max(close, key=lambda t: label_share(lines, t))
        best_score = next(s for s, t in scores if t is best)
    return best, best_score


def _by_notation(lines: list[list[Token]], width: float,
                 templates: Sequence[FormTemplate]) -> tuple[FormTemplate | None, float]:
    """The template a document's ký hiệu names (``QĐ-…``), when its title line was unreadable.

    The number may be handwritten and unreadable (``Số: Ø2 /CT-UBND``): the printed ký hiệu is then
    read on its own (:func:`fields.nd30_number.notation_alone`)."""
    notation = notation_of(lines, width) or notation_alone(lines[:_HEAD_LINES], width / 2)
    if not notation:
        return None, 0.0
    head = notation.split("-")[0].upper()
    for template in templates:
        if head in (n.upper() for n in template.notations):
            return template, MIN_TITLE
    return None, 0.0


_CAPITALS = 0.6


def _capitals(line: Sequence[Token]) -> bool:
    """A line printed in capitals, as NĐ 30/2020 prints a document's title (most of its letters)."""
    letters = [c for t in line for c in t.text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= _CAPITALS * len(letters)


_MARK_COLUMN = 0.55
"""The agency's column, where a công văn's trích yếu sits under its Số line: the left of the page."""


def _mark_pattern(mark: str) -> re.Pattern[str]:
    """A subject mark's folded letters as OCR reads them: ``V/v`` also as ``VW``, ``Vy`` (v, w, y mixed)."""
    return re.compile("".join("[vwy]" if c == "v" else re.escape(c) for c in fold(mark)))


def _mark_line(line: Sequence[Token], width: float, marks: Sequence[re.Pattern[str]]) -> list[Token] | None:
    """The agency's column of a line that begins with a subject mark, or None. No word may straddle
    the column's edge: a centred subject (``Về việc …`` under a title) crosses the page's middle."""
    left = [t for t in line if t.bbox.right < width * _MARK_COLUMN]
    if not left or any(t.bbox.left < width / 2 <= t.bbox.right for t in line):
        return None
    folded = "".join(t.folded for t in left)
    return left if any(m.match(folded) for m in marks) else None


def _by_subject_mark(head: Sequence[Sequence[Token]], width: float,
                     templates: Sequence[FormTemplate]) -> tuple[FormTemplate | None, float]:
    """The template whose trích yếu mark (``V/v`` of a công văn, which prints no title) begins a line in
    the agency's column of a headed page."""
    for template in templates:
        marks = [_mark_pattern(m) for m in template.subject_marks if fold(m)]
        if marks and any(_mark_line(line, width, marks) for line in head):
            return template, MIN_TITLE
    return None, 0.0


def _marked_subject(lines: Sequence[Sequence[Token]], width: float, template: FormTemplate) -> str | None:
    """The trích yếu of a document printed without a title: its mark's line (``V/v …``) in the agency's
    column and the lines of that column under it (at most two more), up to ``Kính gửi``."""
    marks = [_mark_pattern(m) for m in template.subject_marks if fold(m)]
    out: list[str] = []
    for line in lines[:_HEAD_LINES]:
        left = [t for t in line if t.bbox.right < width * _MARK_COLUMN]
        if not out:
            if _mark_line(line, width, marks):
                out.append(" ".join(t.text for t in left))
            continue
        if not left or len(left) < len(line) or "".join(t.folded for t in left).startswith("kinhgui") or len(out) == 3:
            break
        out.append(" ".join(t.text for t in left))
    return " ".join(" ".join(out).split()) or None


LABELS_TYPE = 0.5
"""A page whose title could not be read is a form whose labels it carries (this share of them at
least) and whose title its garbled title line is clearly closest to."""
_GARBLED_TITLE = 0.5
_TITLE_AHEAD = 0.08


def _by_labels(lines: list[list[Token]], templates: Sequence[FormTemplate]) -> tuple[FormTemplate | None, float]:
    """The form a page is when its title was garbled (a photocopy of a photocopy: ``TỪ KHAI ĐÌÌNG KÝ
    KIẾT HỦIN``): among the forms whose labels it carries, the one its title line is nearest to."""
    head = lines[:_HEAD_LINES]
    candidates = sorted(((title_score(head, t), t) for t in templates if t.kind == "component" and t.fields
                         and label_share(lines, t) >= LABELS_TYPE), key=lambda p: -p[0])
    if not candidates or candidates[0][0] < _GARBLED_TITLE:
        return None, 0.0
    if len(candidates) > 1 and candidates[0][0] - candidates[1][0] < _TITLE_AHEAD:
        return None, 0.0
    return candidates[0][1], candidates[0][0]


def split_documents(pages: Sequence[PageText], templates: Sequence[FormTemplate]) -> list[Span]:
    """Cut a dossier's pages into documents.

    Args:
        pages: The dossier's OCR'd pages in order (blank backs carry no words and are skipped).
        templates: All templates (components and results).

    Returns:
        The documents in page order; pages without words belong to none.
    """
    spans: list[list] = []  # [pages, template, score]
    for index, page in enumerate(pages):
        lines = _page_lines(page)
        if not lines:
            continue
        head = lines[:_HEAD_LINES]
        national = any(is_national(line) for line in head[:NATIONAL_LINES])
        # a page without the national header continues a document unless a title in capitals starts
        # another (``quy định`` ending a paragraph is no QUYẾT ĐỊNH); only a headed page starts an
        # administrative document that is neither form nor result
        capitals = [line for line in head if _capitals(line)]
        template, score = _best_template(head if national else capitals,
                                         [t for t in templates if t.kind != "other"], lines)
        if template is None and national:
            template, score = _best_template(capitals, [t for t in templates if t.kind == "other"], lines)
        if template is None and national:
            template, score = _by_notation(lines, page.width, templates)
        if template is None and national:
            template, score = _by_subject_mark(head, page.width, templates)
        if template is None:
            template, score = _by_labels(lines, templates)
        previous = spans[-1] if spans else None
        starts = previous is None or national or (template is not None and template is not previous[1])
        if starts:
            spans.append([[index], template, score])
        else:
            previous[0].append(index)
    return [Span(tuple(p), t, s) for p, t, s in spans]


def _title_line(lines: list[list[Token]], template: FormTemplate) -> int | None:
    targets = ["".join(label_words(t)) for t in template.titles]
    if not targets:
        return None
    best, at = 0.0, None
    for i, line in enumerate(lines[:_HEAD_LINES]):
        folded = "".join(t.folded for t in line)
        score = max(ratio(folded, target) for target in targets)
        if score > best:
            best, at = score, i
    return at if best >= MIN_TITLE else None


def describe(span: Span, pages: Sequence[PageText], *, issued: str | None = None, issued_doubt: str | None = None,
             review_threshold: float = 0.75, reread: Reread | None = None) -> Document:
    """The document a span is: its type, and for results its NĐ 30/2020 elements.

    Args:
        span: The span from :func:`split_documents`.
        pages: The dossier's pages (the span's indices point into them).
        issued: For a component, the form's own date (ISO), when its fields gave one.
        issued_doubt: The review reason of that date when it was read with a doubt (``year_only`` …).
        review_threshold: Elements read below this confidence need review.
        reread: Reads a region of a page again without its seal (``fields.reread``), if images are at hand.

    Returns:
        The document (contract C3).
    """
    source = tuple(pages[i].source_page for i in span.pages)
    template = span.template
    if template is None:
        elements, reasons = _header_date(document_lines([pages[i] for i in span.pages]),
                                         pages[span.pages[0]].width, review_threshold)
        return Document(source, "other", UNKNOWN, UNKNOWN_TITLE, UNKNOWN_TYPE_CODE, UNKNOWN, elements=elements,
                        confidence=round(1 - span.score / 2, 4), reasons={"type": UNKNOWN_TYPE, **reasons})
    base = dict(pages=source, kind=template.kind, type=template.doc_type, type_name=template.title,
                type_code=template.type_code, form_type=template.form_type)
    if template.kind == "component":
        elements = {"issued": issued} if issued else {}
        return Document(**base, elements=elements, confidence=round(span.score, 4),
                        reasons={"issued": issued_doubt} if issued and issued_doubt else {})
    lines = document_lines([pages[i] for i in span.pages])
    block_reader = printed_reader = None
    if reread is not None:
        def block_reader(block: Sequence[Sequence[Token]], whiten: bool = True) -> list[list[Token]]:
            page = pages[span.pages[block[-1][0].page]]
            tokens = [t for line in block for t in line if t.page == block[-1][0].page]
            top = min(t.bbox.top for t in tokens) - 10
            # the signer's name may be missing from the first reading altogether (the seal and the
            # signature hid its line): read on below the last line found, far enough for the name
            height = sorted(t.bbox.height for t in tokens)[len(tokens) // 2]
            bottom = max(t.bbox.bottom for t in tokens) + SIGNATURE_LINES * height
            box = (0.45, max(0.0, top / page.height), 1.0, min(1.0, bottom / page.height))
            return reread(page.source_page, box, whiten=whiten)

        def printed_reader(block: Sequence[Sequence[Token]]) -> list[list[Token]]:
            return block_reader(block, whiten=False)
    number_reader = None
    if reread is not None:
        def number_reader(tokens: Sequence[Token]) -> list[list[Token]]:
            page = pages[span.pages[tokens[0].page]]
            top, bottom = min(t.bbox.top for t in tokens) - 10, max(t.bbox.bottom for t in tokens) + 10
            right = max(t.bbox.right for t in tokens) + 4 * max(t.bbox.height for t in tokens)
            box = (0.0, max(0.0, top / page.height), min(1.0, right / page.width), min(1.0, bottom / page.height))
            # the header carries no seal: light type, whitened with the seal's grey, is read as it is too
            lines = reread(page.source_page, box) + reread(page.source_page, box, whiten=False)
            figures = [t for t in tokens if any(c.isdigit() for c in t.text) or "/" in t.text]
            if figures:  # the figures and the notation alone, with no ``Số`` to lead Tesseract astray
                alone = (max(0, figures[0].bbox.left - max(t.bbox.height for t in tokens) // 2) / page.width,
                         *box[1:])
                lines += reread(page.source_page, alone, psm=7, whiten=False)
            return lines
    date_reader = None
    if reread is not None:
        def date_reader(tokens: Sequence[Token]) -> list[list[Token]]:
            page = pages[span.pages[tokens[0].page]]
            pad, top, bottom = _line_band(tokens)
            left = max(0, min(t.bbox.left for t in tokens) - 2 * pad)
            box = (left / page.width, max(0.0, top / page.height), 1.0, min(1.0, bottom / page.height))
            return reread(page.source_page, box, psm=7, whiten=False)  # the header carries no seal
    figure_reader = None
    if reread is not None:
        def figure_reader(token: Token) -> list[list[Token]]:
            page = pages[span.pages[token.page]]
            pad = token.bbox.height // 2
            box = (max(0, token.bbox.left - pad) / page.width, max(0, token.bbox.top - pad) / page.height,
                   min(page.width, token.bbox.right + pad) / page.width,
                   min(page.height, token.bbox.bottom + pad) / page.height)
            return reread(page.source_page, box, psm=7, whiten=False)  # the header carries no seal
    line_reader = None
    if reread is not None:
        def line_reader(tokens: Sequence[Token]) -> list[list[Token]]:
            page = pages[span.pages[tokens[0].page]]
            _pad, top, bottom = _line_band(tokens)
            box = (0.5, max(0.0, top / page.height), 1.0, min(1.0, bottom / page.height))
            # whitened first (the seal's grey gone); as printed too, for light type whitened with the seal
            return reread(page.source_page, box, psm=7) + reread(page.source_page, box, psm=7, whiten=False)
    read = read_elements(lines, width=pages[span.pages[0]].width, title_line=_title_line(lines, template),
                         reread=block_reader, reread_number=number_reader, reread_line=line_reader,
                         reread_date=date_reader, reread_printed=printed_reader, reread_figure=figure_reader)
    reasons = dict(read.reasons)
    confidence = min(span.score, read.confidence) if read.values else span.score
    if read.values and read.confidence < review_threshold:
        for element in ("number", "issued", "signer"):
            if element in read.values:
                reasons.setdefault(element, "low_confidence")
    elements = dict(read.values)
    if template.notations and elements.get("notation"):
        notation, doubt = typed_notation(elements["notation"], template.notations)
        if doubt:
            elements["notation"] = notation
            reasons.setdefault("notation", doubt)
    if template.subject_marks and "subject" not in elements and (subject := _marked_subject(
            lines, pages[span.pages[0]].width, template)):
        elements["subject"] = subject
    if "issued" not in elements and (unread := _day_unread(lines)) is not None:
        elements["issued"], reasons["issued"] = unread
    return Document(**base, elements=elements, confidence=round(confidence, 4), reasons=reasons)


def typed_notation(notation: str, notations: Sequence[str]) -> tuple[str, str | None]:
    """A document's ký hiệu checked against its type's (NĐ 30/2020, Phụ lục III: a quyết định's is
    ``QĐ-…``): (notation, None) when its type part is one of them and the agency's follows it; else (the
    notation with its type part put right when one letter off exactly one of them — ``QB-UBND`` → ``QĐ-UBND``
    — or as read, ``invalid_notation``) for a clerk to confirm."""
    head, dash, rest = notation.partition("-")
    if head.upper() in (n.upper() for n in notations):
        # the type's abbreviation alone: the agency's (``-UBND``) was lost, as NĐ 30/2020 always prints one
        return notation, None if rest else "invalid_notation"
    near = [n for n in notations if len(n) == len(head) and sum(a != b for a, b in zip(n.upper(), head.upper())) == 1]
    return (near[0] + dash + rest if len(near) == 1 else notation), "invalid_notation"


def _line_band(tokens: Sequence[Token]) -> tuple[int, int, int]:
    """(pad, top, bottom) of a line's band to read again: half its tallest word's height above and below."""
    pad = max(t.bbox.height for t in tokens) // 2
    return pad, min(t.bbox.top for t in tokens) - pad, max(t.bbox.bottom for t in tokens) + pad


def _header_date(lines: list[list[Token]], width: float, review_threshold: float) -> tuple[dict[str, str],
                                                                                          dict[str, str]]:
    """The date of issue of a paper whose type sohoa does not know, where NĐ 30/2020 puts it: right of
    the header, ``<place>, ngày … tháng … năm …`` (công văn, tờ trình, thông báo … all carry it).

    It dates the dossier even though a clerk still has to type the paper; read unsurely it is
    flagged (and then dates the dossier only when nothing surer does). Returns (elements, reasons).
    """
    read = read_elements(lines, width=width, title_line=None)
    if "issued" not in read.values:
        unread = _day_unread(lines)
        return ({"issued": unread[0]}, {"issued": unread[1]}) if unread else ({}, {})
    doubt = read.reasons.get("issued") or ("low_confidence" if read.confidence < review_threshold else None)
    return {"issued": read.values["issued"]}, ({"issued": doubt} if doubt else {})


def _day_unread(lines: Sequence[Sequence[Token]]) -> tuple[str, str] | None:
    """(ISO date, reason) from a head date line whose day is not read (written by hand after signing):
    the 1st of its month (``day_unread``) or 1 January of its year (``year_only``). Retention counts
    from the year; the clerk sets the day."""
    for line in lines[:_HEAD_LINES]:
        found = month_year(" ".join(t.text for t in line), latest=date.today())
        if found is not None:
            year, month = found
            return date(year, month or 1, 1).isoformat(), "day_unread" if month else "year_only"
    return None
