"""Which official form a dossier is: its title line under the national header, matched fuzzily.

OCR errors in the title are tolerated by comparing diacritic-folded text (difflib ratio) against each
template's title variants, over every run of words on the first lines of each page. Titles of
different forms share words (``TỜ KHAI ĐĂNG KÝ …``); when two templates score close, the share of each
template's labels found on the pages decides. Pages whose title matches no template well (decisions,
letters: ``QUYẾT ĐỊNH``) are ``unknown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from configs.form_schema import FormTemplate
from fields.labels import Label, build_labels, find_labels, label_words
from fields.text import Token, document_lines, ratio
from ocr.model import PageText

UNKNOWN = "unknown"
MIN_TITLE = 0.78
"""Below this title similarity a page is not that form."""
_CLOSE = 0.06
_HEAD_LINES = 20


def _line_texts(lines: Sequence[Sequence[Token]]) -> list[str]:
    """Folded text of every line and of every pair of neighbouring lines (a wrapped title)."""
    single = ["".join(t.folded for t in line) for line in lines]
    return single + [a + b for a, b in pairwise(single)]


def title_score(lines: Sequence[Sequence[Token]], template: FormTemplate) -> float:
    """The best similarity in [0, 1] between a template's titles and a whole line.

    Whole lines, not runs of words: a title stands alone on its line, while body text may contain
    its words (``… đăng ký kết hôn …`` in a decision).
    """
    texts = _line_texts(lines)
    return max((ratio(text, "".join(label_words(title))) for title in template.titles for text in texts),
               default=0.0)


def _field_labels(template: FormTemplate) -> tuple[Label, ...]:
    return build_labels((spec.key, text) for spec in template.fields for text in spec.labels)


def label_share(lines: Sequence[Sequence[Token]], template: FormTemplate) -> float:
    """The share of the template's distinct labels that are found on the pages."""
    labels = _field_labels(template)
    found = {m.label.folded for per_line in find_labels(lines, labels) for m in per_line}
    return len(found) / len(labels) if labels else 0.0


def _head(pages: Sequence[PageText]) -> list[list[Token]]:
    lines = document_lines(list(pages))
    by_page: dict[int, int] = {}
    head = []
    for line in lines:
        seen = by_page.get(line[0].page, 0)
        if seen < _HEAD_LINES:
            head.append(line)
        by_page[line[0].page] = seen + 1
    return head


def classify(pages: Sequence[PageText], templates: Sequence[FormTemplate]) -> tuple[str, float]:
    """The form type of a dossier's pages and the confidence of that answer.

    Args:
        pages: The OCR'd pages, in order.
        templates: The form templates (:func:`fields.templates.load_templates`).

    Returns:
        ``(form_type, confidence)``; ``("unknown", c)`` when no title matches well, where ``c`` is how
        sure it is that the pages are none of the forms.
    """
    templates = [t for t in templates if t.kind == "component"]  # results never type a dossier's form
    head = _head(pages)
    if not head or not templates:
        return UNKNOWN, 1.0 if not head else 0.5
    scores = sorted(((title_score(head, t), t) for t in templates), key=lambda p: -p[0])
    best_score, best = scores[0]
    if best_score < MIN_TITLE:
        return UNKNOWN, round(1.0 - best_score / 2, 4)
    close = [t for s, t in scores if best_score - s < _CLOSE]
    if len(close) > 1:
        lines = document_lines(list(pages))
        best = max(close, key=lambda t: label_share(lines, t))
        best_score = next(s for s, t in scores if t is best)
    return best.form_type, round(best_score, 4)
