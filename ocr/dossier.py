"""A dossier's pages through preprocessing, OCR and PDF/A assembly (plain loops over pages)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
from PIL import Image

from ocr.model import PageGeometry, PageText, load_page_texts, page_text_to_dict
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from ocr.preprocess import original_copy, preprocess_page
from ocr.reread import read_page
from ocr.textlayer import photo_layer, to_displayed
from scanners.model import SourcePage
from sohoa.errors import ToolError
from sohoa.files import write_text_atomic

log = logging.getLogger(__name__)


def clean_image_path(clean_dir: Path, index: int) -> Path:
    """Where the OCR copy of page ``index`` lives."""
    return clean_dir / f"page-{index:04d}.png"


def text_layer_path(ocr_dir: Path, index: int) -> Path:
    """Where the text-only PDF layer of page ``index`` lives."""
    return ocr_dir / f"page-{index:04d}.pdf"


def preprocess_dossier(pages: list[SourcePage], clean_dir: Path, *, max_skew: float, min_glyphs: int,
                       languages: str = "vie", timeout: float = 60.0) -> list[PageGeometry]:
    """Analyse every page; write OCR copies of the non-blank ones into ``clean_dir``."""
    clean_dir.mkdir(parents=True, exist_ok=True)
    return [preprocess_page(p.path, clean_image_path(clean_dir, p.index), source_page=p.index,
                            dpi=p.dpi, mode=p.mode, dpi_known=p.dpi_known, max_skew=max_skew,
                            min_glyphs=min_glyphs, languages=languages, timeout=timeout)
            for p in pages]


def save_geometry(geometry: list[PageGeometry], path: Path) -> None:
    """Write the page geometries as JSON."""
    write_text_atomic(path, json.dumps([asdict(g) for g in geometry], indent=1))


def load_geometry(path: Path) -> list[PageGeometry]:
    """Read page geometries written by :func:`save_geometry`."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [PageGeometry(**{**r, **{k: tuple(r[k]) for k in ("below_standard", "flags", "warp") if k in r}})
            for r in rows]


def recognize_dossier(pages: list[SourcePage], geometry: list[PageGeometry], clean_dir: Path, ocr_dir: Path, *,
                      languages: str, psm: int, timeout: float, low_quality: float = 0.75) -> list[PageText]:
    """OCR every non-blank page; blank pages get an empty :class:`PageText`, pages Tesseract fails
    on an empty one with the error and ``page_without_text``.

    A suspicious first reading is read again other ways (:func:`ocr.reread.read_page`); a photo's
    words and text layer are mapped back onto the photo (:mod:`ocr.textlayer`).
    """
    sources = {p.index: p for p in pages}
    texts = []
    for geo in geometry:
        if geo.blank:
            texts.append(PageText(geo.source_page, geo.width, geo.height, geo.dpi))
            continue
        layer = text_layer_path(ocr_dir, geo.source_page)
        clean = clean_image_path(clean_dir, geo.source_page)
        try:
            page = read_page(clean, layer, original=original_image(sources[geo.source_page].path, geo, clean),
                             languages=languages, psm=psm, timeout=timeout, source_page=geo.source_page,
                             low_quality=low_quality, expect_text="blank_uncertain" not in geo.flags)
        except ToolError as exc:  # Tesseract crashed or hung on this page: the page fails, not the dossier
            log.warning("OCR of page %d failed (%s): the page is kept as an image without text",
                        geo.source_page, exc.reason)
            layer.unlink(missing_ok=True)
            texts.append(PageText(geo.source_page, geo.width, geo.height, geo.dpi, error=exc.reason,
                                  flags=("page_without_text",)))
            continue
        if geo.warp:
            photo_layer(page, geo, layer, layer)
            page = to_displayed(page, geo)
        texts.append(page)
    return texts


def original_image(src: Path, geometry: PageGeometry, clean: Path) -> Callable[[], np.ndarray]:
    def make() -> np.ndarray:
        with Image.open(clean) as im:
            size = im.size
        return original_copy(src, geometry, size)

    return make


def save_page_texts(texts: list[PageText], path: Path) -> None:
    """Write the page texts as JSON (read back with :func:`ocr.model.load_page_texts`)."""
    write_text_atomic(path, json.dumps([page_text_to_dict(t) for t in texts], ensure_ascii=False))


def dossier_pdfa(pages: list[SourcePage], geometry: list[PageGeometry], ocr_dir: Path, dst: Path, *,
                 metadata: PdfMetadata) -> Path:
    """Assemble the dossier's PDF/A: every non-blank page (all pages if every one is blank)."""
    keep = [(p, g) for p, g in zip(pages, geometry, strict=True) if not g.blank] or list(zip(pages, geometry, strict=True))
    pdf_pages = []
    for page, geo in keep:
        layer = text_layer_path(ocr_dir, page.index)
        pdf_pages.append(PdfPage(page.path, geo, layer if layer.exists() else None))
    return build_pdfa(pdf_pages, dst, metadata=metadata)


__all__ = ["dossier_pdfa", "load_geometry", "load_page_texts", "preprocess_dossier",
           "recognize_dossier", "save_geometry", "save_page_texts"]
