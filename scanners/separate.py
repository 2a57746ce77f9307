"""Split a scanned stack into dossiers: what each page says (blank, separator, receipt) and where to cut.

:func:`page_signal` looks at one page image; :func:`split_stack` is a pure function from the
page signals and the profile's split rule to the dossiers' page ranges. A separator sheet's
other side (its blank back, or its blank front when the sheet went through face down in a
duplex scanner) is taken out with the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from scanners import qr

BLANK_DPI = 100.0
BLANK_INK_RATIO = 0.0008
"""A page with less dark ink than this (share of its inner area, at 100 dpi) is blank."""
_MARGIN = 0.06


@dataclass(frozen=True)
class PageSignal:
    """What one page of a stack tells the splitter."""

    index: int
    """1-based page number in the stack."""
    blank: bool = False
    separator: str | None = None
    """The code on a separator sheet ('' for a sheet without a code), None when the page is not one."""
    receipt: str | None = None
    """The dossier code read from a receipt's QR code (giấy tiếp nhận) on this page."""


@dataclass(frozen=True)
class Split:
    """One dossier cut from a stack."""

    pages: tuple[int, ...]
    """1-based page numbers in the stack, in order."""
    separator_pages: tuple[int, ...] = ()
    """The separator sheet's sides before this dossier (kept out of it, recorded in its event log)."""
    separator_code: str | None = None
    receipts: tuple[tuple[int, str], ...] = ()
    """(page, code) of every receipt QR code read in the dossier."""
    flags: tuple[str, ...] = field(default=())


def _load_grey(path: Path, dpi: float, target: float) -> tuple[np.ndarray, float]:
    """The page in greyscale, decoded at no less than ``target`` dpi when the format allows (JPEG)."""
    with Image.open(path) as im:
        full_width = im.width
        if dpi > target * 1.5:
            factor = target / dpi
            im.draft("L", (int(im.width * factor), int(im.height * factor)))
        grey = np.asarray(im.convert("L"))
    return grey, dpi * grey.shape[1] / full_width


def is_blank(grey: np.ndarray, dpi: float) -> bool:
    """A page with (almost) no ink: a duplex back, a separator's back, a blank sheet.

    Scanner borders, dust and faint bleed-through from the other side are ignored: the page
    margins are left out and only marks clearly darker than the paper, larger than a speck, count.
    """
    small = cv2.resize(grey, None, fx=BLANK_DPI / dpi, fy=BLANK_DPI / dpi,
                       interpolation=cv2.INTER_AREA) if dpi > BLANK_DPI * 1.2 else grey
    h, w = small.shape
    inner = small[int(h * _MARGIN):int(h * (1 - _MARGIN)), int(w * _MARGIN):int(w * (1 - _MARGIN))]
    paper = float(np.percentile(inner, 90))
    ink = (inner < paper - 70).astype(np.uint8)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return float(ink.mean()) < BLANK_INK_RATIO


def page_signal(index: int, path: Path, dpi: float, *, receipt_pattern: str | None = None) -> PageSignal:
    """Look at one page: blank or not, separator QR code, receipt QR code (when ``receipt_pattern``)."""
    target = qr.FINE_DPI if receipt_pattern else BLANK_DPI
    grey, loaded_dpi = _load_grey(path, dpi, target)
    if is_blank(grey, loaded_dpi):
        return PageSignal(index, blank=True)
    payloads = qr.read_payloads(grey, loaded_dpi, fine=bool(receipt_pattern))
    separator = qr.separator_code(payloads)
    receipt = None
    if receipt_pattern and separator is None:
        matches = (re.search(receipt_pattern, p) for p in payloads if not p.startswith(qr.SEPARATOR_PREFIX))
        receipt = next((m.group("code") for m in matches if m), None)
    return PageSignal(index, separator=separator, receipt=receipt)


def _partner(index: int, count: int, duplex: bool) -> int | None:
    """The other side of the sheet a 1-based page is on (duplex), or the next page (simplex)."""
    other = (index + 1 if index % 2 else index - 1) if duplex else index + 1
    return other if 1 <= other <= count else None


def _separator_sides(signals: Sequence[PageSignal], duplex: bool) -> dict[int, str]:
    """Page → code for every separator sheet side, blank other sides included."""
    by_index = {s.index: s for s in signals}
    sides: dict[int, str] = {}
    for s in signals:
        if s.separator is None:
            continue
        sides[s.index] = s.separator
        partner = _partner(s.index, len(signals), duplex)
        if partner is not None and by_index[partner].blank and by_index[partner].separator is None:
            sides[partner] = s.separator
    return sides


def _blank_sheet_sides(signals: Sequence[PageSignal], duplex: bool) -> dict[int, str]:
    """Page → '' for every side of a blank separator sheet (both sides blank when duplex)."""
    blank = {s.index for s in signals if s.blank}
    if not duplex:
        return dict.fromkeys(sorted(blank), "")
    sides: dict[int, str] = {}
    for first in range(1, len(signals) + 1, 2):
        if first in blank and (first + 1 in blank or first == len(signals)):
            sides.update({first: "", first + 1: ""} if first < len(signals) else {first: ""})
    return sides


def _cut(signals: Sequence[PageSignal], sides: dict[int, str], *, first_needs_separator: bool) -> list[Split]:
    """Dossiers between runs of separator sides.

    The last coded sheet of a run gives the next dossier its code; a run with two different
    codes means a dossier between them has no pages (flagged ``double_separator``).
    """
    splits: list[Split] = []
    pages: list[int] = []
    seps: list[int] = []
    for s in signals:
        if s.index not in sides:
            pages.append(s.index)
            continue
        if pages:
            splits.append(_from_run(signals, pages, seps, first_needs_separator))
            pages, seps = [], []
        seps.append(s.index)
    if pages:
        splits.append(_from_run(signals, pages, seps, first_needs_separator))
    return splits


def _from_run(signals: Sequence[PageSignal], pages: list[int], seps: list[int], needs_separator: bool) -> Split:
    codes = [signals[i - 1].separator for i in seps if signals[i - 1].separator]
    flags: tuple[str, ...] = ()
    if needs_separator and not any(signals[i - 1].separator is not None for i in seps):
        flags += ("no_separator",)
    if len(set(codes)) > 1:
        flags += ("double_separator",)
    return _finish(signals, pages, seps, codes[-1] if codes else None, flags)


def _finish(signals: Sequence[PageSignal], pages: list[int], seps: list[int], code: str | None,
            flags: tuple[str, ...]) -> Split:
    receipts = tuple((i, signals[i - 1].receipt) for i in pages if signals[i - 1].receipt)
    if len({c for _, c in receipts}) > 1:
        flags += ("possible_merge",)
    return Split(tuple(pages), tuple(seps), code, receipts, flags)  # type: ignore[arg-type]


def split_stack(signals: Sequence[PageSignal], *, mode: str, duplex: bool = False,
                pages_per_dossier: int | None = None) -> list[Split]:
    """Cut a stack's pages into dossiers.

    Args:
        signals: one per page, in stack order, ``index`` 1..n.
        mode: ``per-entry`` (one dossier), ``separator-sheet``, ``page-count`` or ``blank-sheet``.
        duplex: pages come in (front, back) sheet pairs.
        pages_per_dossier: for ``page-count``.

    Returns:
        The dossiers in stack order. Every page is in exactly one dossier or is a separator side;
        none is dropped. A dossier holding receipts of two different codes is flagged
        ``possible_merge``; pages before the first separator sheet are flagged ``no_separator``.
    """
    if mode == "separator-sheet":
        return _cut(signals, _separator_sides(signals, duplex), first_needs_separator=True)
    if mode == "blank-sheet":
        return _cut(signals, _blank_sheet_sides(signals, duplex), first_needs_separator=False)
    if mode == "page-count":
        size = pages_per_dossier or len(signals)
        chunks = [list(range(start, min(start + size, len(signals) + 1)))
                  for start in range(1, len(signals) + 1, size)]
        return [_finish(signals, c, [], None, ("short_dossier",) if len(c) < size else ()) for c in chunks]
    return [_finish(signals, [s.index for s in signals], [], None, ())] if signals else []
