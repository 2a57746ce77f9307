"""Settle up versus upside down on sparse pages by asking Tesseract which way reads better.

The ink vote of :func:`ocr.geometry.upright_vote` is reliable on a full form but weak on a page
of one or two short lines (a signature page, a name in capitals). Tesseract's own orientation
detection is unsure on such pages too (shared/notes/ocr-engines.md), so when the vote is weak
the cleaned text area is recognised both ways up and the way with the higher mean word
confidence wins.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from ocr.recognize import parse_tsv
from sohoa.tools import tesseract

WEAK_VOTE = 0.25
"""Below this certainty of the ink vote, recognition confidence decides."""


def _text_area(level: np.ndarray, pad: int = 20) -> np.ndarray:
    """The part of a cleaned page that holds ink, with a margin of paper."""
    ys, xs = np.nonzero(level < 128)
    if len(xs) == 0:
        return level
    y0, y1 = max(0, ys.min() - pad), min(level.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(level.shape[1], xs.max() + pad + 1)
    return level[y0:y1, x0:x1]


def _reading_confidence(area: np.ndarray, *, dpi: float, languages: str, timeout: float) -> float:
    """Mean confidence of the lettered words Tesseract reads in ``area`` (0 when none)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-orient-") as tmp:
        path = Path(tmp) / "area.png"
        Image.fromarray(area).save(path, dpi=(dpi, dpi), compress_level=1)
        tsv, _ = tesseract.ocr_page(path, Path(tmp) / "out", languages=languages, psm=6, timeout=timeout,
                                    text_pdf=False)
    page = parse_tsv(tsv, source_page=1, width=area.shape[1], height=area.shape[0], dpi=dpi)
    words = [w.confidence * len(w.text) for w in page.words if any(ch.isalpha() for ch in w.text)]
    chars = sum(len(w.text) for w in page.words if any(ch.isalpha() for ch in w.text))
    return sum(words) / chars if chars else 0.0


def upside_down(level: np.ndarray, *, dpi: float, languages: str = "vie", timeout: float = 60) -> bool:
    """True when the cleaned page ``level`` reads better turned by 180°."""
    area = _text_area(level)
    as_is = _reading_confidence(area, dpi=dpi, languages=languages, timeout=timeout)
    turned = _reading_confidence(np.ascontiguousarray(area[::-1, ::-1]), dpi=dpi, languages=languages,
                                 timeout=timeout)
    return turned > as_is
