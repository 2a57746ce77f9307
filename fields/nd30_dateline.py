"""The date of issue on an NĐ 30/2020 document's dateline (``<địa danh>, ngày … tháng … năm …``) when the
page's reading gives none or gives it unsurely: its groups of figures read alone, figures read as accented
letters, the line read again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from fields.dates import LOOKALIKES, parse_date
from fields.nd30_checks import (FIGURE_SURE, figure_fits, figure_slots, figures_for, letter_figures, mended_date,
                               shape_fits)
from fields.nd30_number import words_text
from fields.text import Token


def figure_mark(right: Sequence[Token]) -> bool:
    """True when a group of a dateline's figures carries a mark that is no figure nor a letter read for
    one (``tháng 1]``; ``2O`` is 20): the date was read past it, and a figure may hide behind it."""
    return any(not all(c.isdigit() or c in LOOKALIKES for c in right[at].text.rstrip(".,"))
               for at, _slot in figure_slots(right))


def figures_alone(right: Sequence[Token], reread_figure: Callable[[Token], list[list[Token]]], *,
                  unsure_only: bool) -> tuple[date, bool] | None:
    """The date a dateline gives with its groups of figures read alone (``unsure_only``: only those read
    unsurely, and then only figures read alone surely are taken); None when none changed or no date."""
    words = [t.text for t in right]
    changed = False
    for at, slot in figure_slots(right):
        token = right[at]
        if token.text.isdigit() and token.confidence >= FIGURE_SURE and len(token.text) in ((4,) if slot == "nam"
                                                                                          else (1, 2)):
            continue  # a group of figures read surely, as many as its place holds
        read = [t for line in reread_figure(token) for t in line if t.text.strip(_MARKS)]
        again = "".join(t.text.strip(_MARKS) for t in read)
        if not read or again == token.text or not figure_fits(again, slot, token, right):
            continue
        if unsure_only and min(t.confidence for t in read) < FIGURE_SURE:
            continue
        words[at], changed = again, True
    return parse_date(" ".join(words)) if changed else None


_MARKS = ".,:;'\"`‘’“”"


def shaped_date(right: Sequence[Token], reasons: dict[str, str],
                reread_figure: Callable[[Token], list[list[Token]]] | None) -> tuple[date, bool] | None:
    """The date of a dateline with figures read as letters (``ngày 2Š``, ``ngày T1``), flagged: each such
    group of figures as read alone when that fits the letters' shapes (``0Š`` read alone ``08``: an S's
    curves are an 8's), else the figures the likeliest shapes give (``Š`` is an ``S``, so ``25``; not
    ``29`` read alone), else the one date a choice of shapes gives (``T1``: ``71`` is no day, ``11``)."""
    variants = letter_figures(right)
    when = parse_date(variants[0]) if variants else None
    when = when or one_date(variants[1:])
    if when is None:
        return None
    words, changed = [t.text for t in right], False
    for at, _slot in figure_slots(right):
        token = right[at]
        if reread_figure is None or token.text.isdigit():
            continue
        again = "".join(t.text.strip(_MARKS) for line in reread_figure(token) for t in line)
        if shape_fits(again, token.text):
            words[at], changed = again, True
    alone = parse_date(" ".join(words)) if changed else None
    reasons["issued"] = "low_confidence" if alone else "ocr_digits_guessed"
    return alone or when


def marked_figures(right: Sequence[Token]) -> tuple[date, bool] | None:
    """The date a dateline gives with the marks read in its groups of figures read as the figures their
    shapes are (``tháng 1]``: a bracket is a serif 1's shape), when each group so read fills its box as
    the line's other groups of figures do (``1]`` in the box of two figures: ``11``); else None."""
    words, changed = [t.text for t in right], False
    for at, slot in figure_slots(right):
        token = right[at]
        group = token.text.rstrip(".,;:")
        if group.isdigit() or not all(figures_for(c) for c in group):
            continue
        figures = "".join(figures_for(c)[0] for c in group)
        widths = sorted(t.bbox.width / len(t.text) for t in right if t.text.isdigit() and t is not token)
        if slot == "nam" or not widths or round(token.bbox.width / widths[len(widths) // 2]) != len(figures):
            return None  # the group's box does not hold as many figures
        words[at], changed = figures, True
    return parse_date(" ".join(words)) if changed else None


def dateline(tokens: Sequence[Token]) -> bool:
    """True when a header line's right part carries two of the words ``ngày``, ``tháng``, ``năm``."""
    words = {t.folded for t in tokens}
    return len(words & {"ngay", "thang", "nam"}) >= 2


def one_date(texts: Sequence[str]) -> tuple[date, bool] | None:
    """The date the texts give when all that give one give the same, else None."""
    dates = {when for when in (parse_date(text) for text in texts) if when is not None}
    return (next(iter(dates))[0], True) if len({d for d, _ in dates}) == 1 else None


def date_again(again: list[list[Token]]) -> tuple[date, bool] | None:
    """The issue date on the lines of a dateline read again, if one of them gives one."""
    for line in again:
        when = parse_date(words_text(line)) or parse_date(mended_date(line)[0])
        if when is not None:
            return when
    return None
