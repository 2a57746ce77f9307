"""The validated shape of the ``ocr`` section of the site configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OcrSettings(_Frozen):
    """How pages are cleaned and read."""

    languages: str = Field("vie", description="Tesseract languages; 'vie' alone measured best.")
    psm: int = Field(4, ge=0, le=13, description="Tesseract page segmentation mode.")
    page_timeout: float = Field(180, gt=0, description="Seconds before OCR of one page is given up.")
    max_skew: float = Field(10.0, gt=0, le=45, description="Largest skew searched, degrees.")
    blank_min_glyphs: int = Field(8, ge=1, description="Pages with fewer glyphs standing in words (letters with a neighbour), on which Tesseract reads no word, are blank backs; near-blank pages with more are kept and flagged blank_uncertain.")
    low_quality: float = Field(0.75, ge=0, le=1, description="Pages whose reading quality (word confidences, valid Vietnamese syllables, text against ink) is under this are read again other ways, then flagged low_text_quality.")
