"""How much a page's reading can be trusted: one number a clerk can sort by, and when to read again.

Tesseract's mean word confidence alone is not honest: a page read at 80 % character error came
out at 0.55, and a page that lost all its text at 0.00 with no flag (issue #16). The quality of a
reading here weighs three things:

* the words' confidences, a word that is not a possible Vietnamese syllable counting half
  (:func:`ocr.recognize.judge_words` has already halved it);
* the share of lettered words that are valid Vietnamese syllables;
* how much text was read against what the page's ink promises: a page whose ink holds 600
  letter-sized marks and reads as 40 characters lost most of its text, however sure the 40 are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr.model import PageText
from ocr.syllables import suspicious

CHARS_PER_GLYPH = 1.1
"""Characters a page's text holds per glyph standing in words on its ink, at the analysis
resolution of 100 dpi (truth over glyphs on ``bench/ocr.py``'s generated pages, seed 11 and 12:
median 1.08-1.17 per kind; letters that touch count as one glyph, tone marks as none)."""
FULL_COVERAGE = 0.5
"""A reading holding this share of the expected characters or more is not short."""
FOREIGN_CONFIDENCE = 0.85
"""A plain Latin word that is no Vietnamese syllable counts as valid when read this surely."""
SHORT = 0.35
"""A reading under this share of the expected characters is suspicious: read again another way."""


@dataclass(frozen=True)
class Assessment:
    """A reading's quality and what is wrong with it."""

    quality: float
    coverage: float
    """Characters read over characters expected from the ink (1.0 when nothing is expected)."""
    words: int
    """Words holding a letter or a digit."""


def assess(page: PageText, *, glyphs: int | None) -> Assessment:
    """The quality of ``page``'s reading, given the glyphs its ink holds (None: unknown)."""
    words = [w for w in page.words if any(ch.isalnum() for ch in w.text)]
    chars = sum(len(w.text) for w in words)
    if not words:
        return Assessment(0.0, 0.0 if glyphs else 1.0, 0)
    weighted, valid, lettered = 0.0, 0, 0
    for word in words:
        confidence = word.confidence
        if any(ch.isalpha() for ch in word.text):
            lettered += 1
            if not suspicious(word.text):
                valid += 1
            elif _foreign(word.text) and 2 * confidence >= FOREIGN_CONFIDENCE:
                valid += 1  # a name or a foreign word read surely ("Last page", "Email"): not a misreading
                confidence *= 2  # undo the halving of non-syllables
        weighted += confidence * len(word.text)
    confidence = weighted / chars
    share = valid / lettered if lettered else 1.0
    expected = CHARS_PER_GLYPH * glyphs if glyphs else 0.0
    coverage = min(1.0, chars / expected) if expected else 1.0
    quality = min(1.0, confidence) * (0.5 + 0.5 * share) * min(1.0, coverage / FULL_COVERAGE)
    return Assessment(round(quality, 4), round(coverage, 4), len(words))


def _foreign(text: str) -> bool:
    """Plain Latin letters (with edge punctuation): a word of another language, not a garbled one."""
    core = text.strip(".,;:!?()\"'")
    return core.isascii() and core.isalpha()


def suspicious_reading(result: Assessment, *, low_quality: float) -> bool:
    """Whether a reading should be tried again another way: no words, far too short, or poor."""
    return result.words == 0 or result.coverage < SHORT or result.quality < low_quality
