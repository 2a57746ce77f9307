"""Pages → words: run Tesseract on a cleaned page image and parse its TSV into :class:`PageText`."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from ocr.model import BBox, PageText, Word, nfc
from ocr.syllables import suspicious
from sohoa.tools import tesseract

SUSPICIOUS_FACTOR = 0.5
"""A word that is not a Vietnamese syllable keeps half its confidence, so its field goes to review."""
JUNK_CONFIDENCE = 0.9
"""Punctuation-only words under this confidence are specks and remnants of lines, not text."""
LIST_DASHES = frozenset({"-", "–", "+"})
"""A line's first word may be one of these: the list dashes under "Nơi nhận:" and in enumerations."""
LIST_DASH_CONFIDENCE = 0.5
"""A list dash opening a line is kept from this confidence (inside a line, dashes under
:data:`JUNK_CONFIDENCE` are remnants of leaders and rules, measured on ``bench/ocr.py``'s pages)."""
NO_CONFIDENCE = 0.1
"""A one-character word Tesseract has (next to) no confidence in is a speck it read as ``l`` or ``.``."""
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def judge_words(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Drop unsure punctuation-only words (but a list dash opening a line) and one-letter words read
    without confidence, and lower the confidence of non-syllables (never rewrite them)."""
    kept = []
    starts = {}
    for word in words:
        if word.line not in starts or word.bbox.left < starts[word.line].bbox.left:
            starts[word.line] = word
    for word in words:
        opening = word.text in LIST_DASHES and starts[word.line] is word
        if _PUNCT_ONLY.match(word.text) and word.confidence < (LIST_DASH_CONFIDENCE if opening else JUNK_CONFIDENCE):
            continue
        if len(word.text) == 1 and word.confidence < NO_CONFIDENCE:
            continue
        if suspicious(word.text):
            word = replace(word, confidence=round(word.confidence * SUSPICIOUS_FACTOR, 4))
        kept.append(word)
    return tuple(kept)


def parse_tsv(tsv: str, *, source_page: int, width: int, height: int, dpi: float) -> PageText:
    """Turn Tesseract's TSV output into our own model (words with NFC text and 0..1 confidence)."""
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    line_index: dict[tuple[str, str, str], int] = {}
    words: list[Word] = []
    for row in rows:
        text = nfc((row.get("text") or "").strip())
        if row.get("level") != "5" or not text or float(row["conf"]) < 0:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        line = line_index.setdefault(key, len(line_index))
        box = BBox(int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        words.append(Word(text=text, bbox=box, confidence=round(float(row["conf"]) / 100.0, 4), line=line))
    return PageText(source_page=source_page, width=width, height=height, dpi=dpi, words=tuple(words))


def recognize(image_path: Path, *, languages: str = "vie", psm: int = 4, timeout: float = 120,
              source_page: int = 1, text_pdf_dest: Path | None = None) -> PageText:
    """OCR one page image with Tesseract (LSTM) and return its words.

    Args:
        image_path: the cleaned, upright page image (PNG with its dpi set).
        languages: Tesseract languages, ``vie`` by default (``vie+eng`` measured worse).
        psm: page segmentation mode; 4 (a single column of variable sizes) suits forms.
        timeout: seconds before the page fails with a ``tool_timeout`` error.
        source_page: the 1-based page number recorded in the result.
        text_pdf_dest: if given, Tesseract's text-only PDF layer for this page is moved here.

    Tesseract's own files are written in a temporary folder next to ``text_pdf_dest`` (the work
    folder), never in the system's temporary folder, so the layer is renamed, not copied, into
    place whatever filesystems the work folder and ``/tmp`` are on.
    """
    from PIL import Image

    tesseract.require_languages(languages)
    with Image.open(image_path) as im:
        width, height = im.size
        dpi = float(im.info.get("dpi", (300, 300))[0] or 300)
    place = text_pdf_dest.parent if text_pdf_dest is not None else image_path.parent
    place.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".sohoa-ocr-", dir=place) as tmp:
        tsv, pdf = tesseract.ocr_page(image_path, Path(tmp) / "page", languages=languages, psm=psm,
                                      timeout=timeout, text_pdf=text_pdf_dest is not None)
        if pdf is not None and text_pdf_dest is not None:
            pdf.replace(text_pdf_dest)
    page = parse_tsv(tsv, source_page=source_page, width=width, height=height, dpi=dpi)
    return replace(page, words=judge_words(page.words))
