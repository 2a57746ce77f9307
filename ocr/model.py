"""Engine-agnostic OCR types: what every stage after OCR reads (never Tesseract's TSV)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

PAGE_FLAGS = ("page_without_text", "low_text_quality", "photo", "dpi_estimated", "blank_uncertain")
"""Page flags of the export record (``pages[].flags``): each names something a clerk should look at."""


@dataclass(frozen=True)
class BBox:
    """A box in pixels of the upright, deskewed page image (origin top left)."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class Word:
    """One recognised word: NFC text, its box and a confidence in [0, 1]."""

    text: str
    bbox: BBox
    confidence: float
    line: int
    """Index of the text line on the page, in reading order (0-based)."""


@dataclass(frozen=True)
class PageGeometry:
    """What preprocessing found and did to one source page."""

    source_page: int
    """1-based page number in the source file."""
    blank: bool
    rotation: int
    """Clockwise turn (0, 90, 180, 270) applied to make the page upright."""
    skew: float
    """Degrees the page was rotated to deskew it, counter-clockwise positive."""
    width: int
    height: int
    dpi: float
    below_standard: tuple[str, ...] = ()
    """Reasons the scan misses the digitization standard (e.g. ``low_dpi``, ``bilevel``)."""
    flags: tuple[str, ...] = ()
    """What a person should know about the page (:data:`PAGE_FLAGS`): ``photo``, ``dpi_estimated``,
    ``blank_uncertain``."""
    capture: str = "scan"
    """``scan`` (flatbed or sheet-fed scanner) or ``photo`` (a camera)."""
    dpi_source: str = "tag"
    """Where :attr:`dpi` comes from: the file's ``tag``, ``estimated`` from the text's size, or the ``default``."""
    warp: tuple[float, ...] = ()
    """Photos only: the 3×3 homography (row-major) taking a pixel of the upright page as displayed
    (the stored image turned by :attr:`rotation`) to the perspective-corrected OCR copy; empty otherwise."""


@dataclass(frozen=True)
class PageText:
    """The words of one page, with its size."""

    source_page: int
    width: int
    height: int
    dpi: float
    words: tuple[Word, ...] = field(default_factory=tuple)
    error: str | None = None
    """Why OCR of this page failed (e.g. ``tool_timeout``); the page is kept without text."""
    quality: float = 0.0
    """The honest confidence of the page's reading in [0, 1] (:func:`ocr.quality.page_quality`):
    word confidences, valid Vietnamese syllables and the text its ink promises."""
    flags: tuple[str, ...] = ()
    """What a person should know about the reading (:data:`PAGE_FLAGS`): ``page_without_text``,
    ``low_text_quality``, ``blank_uncertain``."""

    def lines(self) -> list[list[Word]]:
        """Words grouped by line, lines and words in reading order."""
        grouped: dict[int, list[Word]] = {}
        for word in self.words:
            grouped.setdefault(word.line, []).append(word)
        return [sorted(ws, key=lambda w: w.bbox.left) for _, ws in sorted(grouped.items())]

    @property
    def text(self) -> str:
        """Plain NFC text, one line per text line."""
        return "\n".join(" ".join(w.text for w in line) for line in self.lines())

    @property
    def confidence(self) -> float:
        """Mean word confidence in [0, 1] (0 for a page without words)."""
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)


def nfc(text: str) -> str:
    """Unicode NFC, the one normal form sohoa stores (never NFKC)."""
    return unicodedata.normalize("NFC", text)


def page_text_to_dict(page: PageText) -> dict:
    """A JSON-ready dict of a page."""
    return asdict(page)


def page_text_from_dict(data: dict) -> PageText:
    """The inverse of :func:`page_text_to_dict`."""
    words = tuple(
        Word(text=w["text"], bbox=BBox(**w["bbox"]), confidence=w["confidence"], line=w["line"])
        for w in data["words"]
    )
    return PageText(source_page=data["source_page"], width=data["width"], height=data["height"],
                    dpi=data["dpi"], words=words, error=data.get("error"), quality=data.get("quality", 0.0),
                    flags=tuple(data.get("flags", ())))


def page_flags(geometry: PageGeometry, text: PageText | None) -> list[str]:
    """The sorted union of a page's geometry and reading flags (the export record's ``flags``)."""
    return sorted(set(geometry.flags) | set(text.flags if text is not None else ()))


def load_page_texts(path: Path) -> list[PageText]:
    """Read the page texts a dossier's OCR stage wrote (a JSON list)."""
    return [page_text_from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))]
