"""Cheap evidence that an NĐ 30/2020 element was misread though Tesseract is sure of it.

The signer's name is printed centred under the title; figures of one font share their top and bottom.
A name off the title's middle lost a word; a figure reaching past the others has ink touching it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from fields.dates import LOOKALIKES
from fields.text import Token, fold, one_off, ratio

CENTRE_SLACK = 0.6
"""The signer's name is printed centred under the title (NĐ 30/2020, Phụ lục I): a name read on the
seal-free image whose middle lies more than this many character widths right of the title's started
where the seal hid it (``Lê Lê Hồng Nhung`` read ``Lê Hồng Nhung``). Names read whole lie within 0.3
of it on the tuning set (seed 23, 2026-12)."""
OFF_CENTRE = "signer_partly_read"
"""The reason given: the name's first word(s) may be missing (hidden by the seal)."""


def _offset(words: Sequence[Token], title: Sequence[Token]) -> float:
    """How far right of the title's middle the name's middle lies, in the name's character widths."""
    width = sum(t.bbox.width for t in words) / max(1, sum(len(t.text) for t in words))
    name_middle = (words[0].bbox.left + words[-1].bbox.right) / 2
    title_middle = (min(t.bbox.left for t in title) + max(t.bbox.right for t in title)) / 2
    return (name_middle - title_middle) / max(width, 1.0)


def centred(words: Sequence[Token], title: Sequence[Token]) -> bool:
    """True when the name lies centred under the title (within ``CENTRE_SLACK`` either way), or
    either is unknown."""
    return not words or not title or abs(_offset(words, title)) <= CENTRE_SLACK


def start_lost(words: Sequence[Token], title: Sequence[Token]) -> bool:
    """True when the name's middle lies right of the title's: its first word(s) were not read."""
    return bool(words and title) and _offset(words, title) > CENTRE_SLACK


DIGIT_SLACK = 0.15
"""Figures of one font share their top and bottom; a figure whose box reaches further than this share
of their height above or below the others' has ink touching it (a speck, a seal's or signature's stroke)
that may have turned it into another figure (``tháng 4`` with a speck above read ``tháng 3`` at 0.92)."""
TOUCHED_DIGIT = "ink_on_figure"
"""The reason given: ink touches a figure of the date, which may have turned it into another."""


def touched_digit(tokens: Sequence[Token]) -> bool:
    """True when one of the figures on a line reaches above or below the others (see ``DIGIT_SLACK``)."""
    figures = [t for t in tokens if t.text.strip(".,:;").isdigit()]
    if len(figures) < 3:
        return False
    for figure in figures:
        others = [t for t in figures if t is not figure]
        tops = sorted(t.bbox.top for t in others)
        bottoms = sorted(t.bbox.bottom for t in others)
        heights = sorted(t.bbox.height for t in others)
        top, bottom, height = tops[len(tops) // 2], bottoms[len(bottoms) // 2], heights[len(heights) // 2]
        if top - figure.bbox.top > DIGIT_SLACK * height or figure.bbox.bottom - bottom > DIGIT_SLACK * height:
            return True
    return False


FIGURE_SURE = 0.8
"""A figure of the issue date read below this confidence while its line's words are read surely is
likely another figure (``ngày 08`` read ``06`` at 0.74, the rest at 0.96); right dates' figures were
read at 0.81 and above on the tuning sets (seeds 39–45 held-out, 2026-12), a wrong one at 0.74."""


def unsure_figure(tokens: Sequence[Token]) -> bool:
    """True when one of the figures on a line was read below ``FIGURE_SURE``."""
    return any(t.confidence < FIGURE_SURE for t in tokens if any(c.isdigit() for c in t.text))


_DATE_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}
_FIGURE_LOOKALIKES = {"Ø": "0", "ø": "0", "Ï": "1", "ï": "1", "Í": "1", "Ì": "1", "Î": "1"}
"""Accented letters OCR reads for a figure (a slashed zero, a one with a speck above it)."""


def mended_date(tokens: Sequence[Token]) -> tuple[str, bool]:
    """A dateline's text with its words misread mended (``táng`` for ``tháng``, ``năn`` for ``năm``: a word
    one letter off it or nearly, followed by a figure) and accented look-alikes of figures right after them turned into
    figures (``ngày Ø4``, ``ngày Ï1``); and whether a figure was (it is then a guess, for review)."""
    words = [t.text for t in tokens]
    guessed = False
    for i, word in enumerate(words[:-1]):
        folded = fold(word)
        key = next((k for k in _DATE_WORDS if folded == k or len(folded) >= 3 and (one_off(folded, k)
                                                                                      or ratio(folded, k) >= 0.8)), None)
        nxt = words[i + 1]
        if key is None or not any(c.isdigit() for c in nxt):
            continue
        words[i] = _DATE_WORDS[key]
        figure = "".join(_FIGURE_LOOKALIKES.get(c, c) for c in nxt)
        if figure != nxt:
            words[i + 1], guessed = figure, True
    return " ".join(words), guessed


def figures_for(char: str) -> str:
    """The figures a character read in a group of figures may stand for, likeliest first: itself if a figure;
    a letter read for one (``LOOKALIKES``), also with a mark a speck or the italic's slant put on it (``Š``,
    ``Ö``), and the other figures its shape has (``_SHAPES_TOO``); none for any other character."""
    if char.isdigit():
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return LOOKALIKES.get(base, "") + _SHAPES_TOO.get(base, "")


_SHAPES_TOO = {"S": "8", "T": "1", "]": "1", "[": "1"}
"""Figures a letter is read for besides its ``LOOKALIKES`` one: an S's two curves are an 8's too, a
serif 1's foot and flag a T's bar or a bracket's."""
_MAX_VARIANTS = 16


def shape_fits(alone: str, read: str) -> bool:
    """True when figures read alone (``08``) fit a group read on the line with letters for figures (``0Š``):
    as many, and each one a figure the character read in its place may stand for."""
    read = read.rstrip(".,;:")
    return alone.isdigit() and len(alone) == len(read) and all(
        figure in figures_for(char) for figure, char in zip(alone, read, strict=True))


def letter_figures(tokens: Sequence[Token]) -> list[str]:
    """A dateline's texts with the letters read in its groups of figures (``ngày 2Š``, ``ngày T1``) turned
    into each choice of the figures their shapes stand for, the likeliest first (``25``, ``28``; ``71``,
    ``11``); none when no such letter stands right after a date word. Guesses from a letter's shape, for
    review: the caller takes a date only when one choice gives it, or the likeliest does."""
    variants = [[t.text for t in tokens]]
    for i, token in enumerate(tokens[:-1]):
        folded = token.folded
        if not any(folded == k or len(folded) >= 3 and one_off(folded, k) for k in _DATE_WORDS):
            continue
        nxt = tokens[i + 1].text
        group = nxt.rstrip(".,;:")
        if not 1 <= len(group) <= 4 or group.isdigit() or not all(figures_for(c) for c in group):
            continue
        choices = [""]
        for char in group:
            choices = [c + f for c in choices for f in figures_for(char)][:_MAX_VARIANTS]
        variants = [v[:i] + [_DATE_WORDS[next(k for k in _DATE_WORDS if folded == k or one_off(folded, k))],
                             choice + nxt[len(group):]] + v[i + 2:] for v in variants for choice in choices]
        variants = variants[:_MAX_VARIANTS]
    return [" ".join(v) for v in variants] if len(variants) > 1 or variants[0] != [t.text for t in tokens] else []


FIGURE_ROOM = 0.5
"""Figures of one font share one width (tabular figures): a group of figures whose box is this many
figure widths or more short of its count holds one figure fewer than was read (a speck read as one)."""


def figure_dropped(tokens: Sequence[Token]) -> list[str]:
    """The texts of a line with one figure taken out of a group of figures whose box holds one figure
    fewer than read (``ngày 602`` in the box of two figures: ``ngày 02``, ``ngày 62``, ``ngày 60``), the
    width of a figure taken from the line's other groups of figures. None when no group is too narrow."""
    groups = [t for t in tokens if t.text.isdigit()]
    out: list[str] = []
    for token in groups:
        others = sorted(t.bbox.width / len(t.text) for t in groups if t is not token)
        if not others or len(token.text) < 2:
            continue
        figure = others[len(others) // 2]
        if token.bbox.width / figure > len(token.text) - 1 + FIGURE_ROOM:
            continue
        for at in range(len(token.text)):
            text = token.text[:at] + token.text[at + 1:]
            out.append(" ".join(text if t is token else t.text for t in tokens))
    return out


def figure_slots(tokens: Sequence[Token]) -> list[tuple[int, str]]:
    """(index, ``ngay``/``thang``/``nam``) of the tokens right after a dateline's words (one letter off
    allowed, as in :func:`mended_date`): where its day, month and year stand."""
    out = []
    for i, token in enumerate(tokens[:-1]):
        folded = token.folded
        key = next((k for k in _DATE_WORDS if folded == k or len(folded) >= 3 and (one_off(folded, k)
                                                                                   or ratio(folded, k) >= 0.8)), None)
        if key is not None and any(c.isdigit() for c in tokens[i + 1].text):
            out.append((i + 1, key))
    return out


def figure_fits(again: str, slot: str, token: Token, others: Sequence[Token]) -> bool:
    """True when a figure read alone can stand in its slot: four figures for a year; one or two for a
    day or month, as many as read first or as the token's box holds (the line's other groups of
    figures giving a figure's width)."""
    if not again.isdigit():
        return False
    if slot == "nam":
        return len(again) == 4
    if len(again) not in (1, 2):
        return False
    if len(again) == len(token.text):
        return True
    widths = sorted(t.bbox.width / len(t.text) for t in others if t.text.isdigit() and t is not token)
    return bool(widths) and round(token.bbox.width / widths[len(widths) // 2]) == len(again)
