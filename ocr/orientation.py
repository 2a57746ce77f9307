"""Settle a page's way up, and whether it holds text at all, by asking Tesseract to read it.

The ink vote of :func:`ocr.geometry.upright_vote` is reliable on a page of text but not on a page
of one or two short lines ("Last page" has more ascenders below than above when upside down is
assumed), nor on a chart or a seal, where the ink is not letters. Tesseract's own orientation
detection is unsure on such pages too (shared/notes/ocr-engines.md). So on those pages the text
area is read both ways up, and a page is turned only when the turned reading is clearly better;
a page neither reading finds words on holds no text.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ocr.recognize import parse_tsv
from sohoa.errors import ToolError
from sohoa.tools import tesseract

log = logging.getLogger(__name__)

WEAK_VOTE = 0.25
"""Below this certainty of the ink vote, recognition decides between up and down."""
SURE_TURN = 0.6
"""A vote to turn a page upside down below this certainty is checked by recognition too: on a
last page of a few lines under a signature's scrawl the vote said 180° at 0.37 (and the page's
date of issue was read as garbage); turning a page wrongly costs more than two readings of it."""
TURN_MARGIN = 2.0
"""A page is turned by 180° only when the turned reading scores this many times the one as it came."""
MIN_SCORE = 3.0
"""Less than this (about three surely read letters) is no reading at all."""


@dataclass(frozen=True)
class Reading:
    """How well a text area reads: confidence-weighted letters and digits of the words read surely."""

    score: float
    words: int


def text_area(level: np.ndarray, pad: int = 20) -> np.ndarray:
    """The part of a cleaned page that holds ink, with a margin of paper."""
    ys, xs = np.nonzero(level < 128)
    if len(xs) == 0:
        return level
    y0, y1 = max(0, ys.min() - pad), min(level.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(level.shape[1], xs.max() + pad + 1)
    return level[y0:y1, x0:x1]


def read_area(area: np.ndarray, *, dpi: float, languages: str, timeout: float, workdir: Path | None = None) -> Reading:
    """Read ``area`` with Tesseract (one block of text) and score the words it is sure of.

    A word counts when it holds two letters or digits read at 60 % confidence or more, or one
    read at 85 % (a page number); seals and pictures give scattered marks read at low confidence.
    """
    with tempfile.TemporaryDirectory(prefix=".sohoa-orient-", dir=workdir) as tmp:
        path = Path(tmp) / "area.png"
        Image.fromarray(area).save(path, dpi=(dpi, dpi), compress_level=1)
        try:
            tsv, _ = tesseract.ocr_page(path, Path(tmp) / "out", languages=languages, psm=6, timeout=timeout,
                                        text_pdf=False)
        except ToolError as exc:  # no reading: the page keeps its way (the page's own OCR may still work)
            log.warning("orientation reading failed (%s): the page is not turned", exc.reason)
            return Reading(0.0, 0)
    page = parse_tsv(tsv, source_page=1, width=area.shape[1], height=area.shape[0], dpi=dpi)
    score, words = 0.0, 0
    for word in page.words:
        chars = sum(ch.isalnum() for ch in word.text)
        if (chars >= 2 and word.confidence >= 0.6) or (chars >= 1 and word.confidence >= 0.85):
            score += word.confidence * chars
            words += 1
    return Reading(score, words)


def both_ways(level: np.ndarray, *, dpi: float, languages: str = "vie", timeout: float = 60,
              workdir: Path | None = None) -> tuple[Reading, Reading]:
    """The readings of the text area of ``level`` as it is and turned by 180°."""
    area = text_area(level)
    as_is = read_area(area, dpi=dpi, languages=languages, timeout=timeout, workdir=workdir)
    turned = read_area(np.ascontiguousarray(area[::-1, ::-1]), dpi=dpi, languages=languages, timeout=timeout,
                       workdir=workdir)
    return as_is, turned


def clearly_better(turned: Reading, as_is: Reading) -> bool:
    """Whether the turned reading is strong evidence for turning the page (never on a weak one)."""
    return turned.score >= MIN_SCORE and turned.score > TURN_MARGIN * as_is.score
