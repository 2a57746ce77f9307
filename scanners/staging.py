"""The staging area: each dossier cut from a stack, as a folder of its page images.

The pipeline's reader takes a staged dossier as an ordinary "folder" dossier. Pages are moved
as the reader extracted them from the stack — JPEG bytes unchanged (only the JFIF density is
written when the stack knew the resolution and the JPEG did not), other pages as lossless PNG
with their dpi — so nothing is recompressed. A hidden ``.intake.json`` says which pages of which
source the folder holds, so a re-run can tell a complete folder from a stale one.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from scanners.jpeg import with_jfif_dpi
from scanners.model import SourcePage
from sohoa.files import atomic_dir, write_text_atomic

RECORD = ".intake.json"
CACHE_DIR = ".sources"


@dataclass(frozen=True)
class PageInfo:
    """What the splitter remembers of a stack page (its image is in the extraction folder)."""

    index: int
    dpi: float
    mode: str
    dpi_known: bool
    suffix: str


def page_infos(pages: list[SourcePage]) -> list[PageInfo]:
    """The remembered part of extracted pages."""
    return [PageInfo(p.index, p.dpi, p.mode, p.dpi_known, p.path.suffix) for p in pages]


def _jpeg_dpi(path: Path) -> float | None:
    with Image.open(path) as im:
        dpi = im.info.get("dpi")
    return float(dpi[0]) if dpi and float(dpi[0]) > 1 else None


def _place(page: PageInfo, src: Path, dest: Path) -> None:
    """Move one extracted page into a dossier folder, keeping its resolution."""
    os.replace(src, dest)
    if page.suffix == ".jpg" and page.dpi_known:
        known = _jpeg_dpi(dest)
        if known is None or abs(known - page.dpi) > 1:
            dest.write_bytes(with_jfif_dpi(dest.read_bytes(), page.dpi))


def is_staged(folder: Path, origin: str, pages: tuple[int, ...]) -> bool:
    """The folder holds exactly these pages of ``origin`` (written by :func:`stage_dossier`)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("origin") == origin and tuple(record.get("origin_pages", ())) == pages


def stage_dossier(folder: Path, origin: str, pages: list[PageInfo], extracted: Path) -> None:
    """Write ``folder`` atomically: the pages (``page-0001.jpg`` …) and the intake record."""
    with atomic_dir(folder) as tmp:
        for n, page in enumerate(pages, start=1):
            _place(page, extracted / f"page-{page.index:04d}{page.suffix}", tmp / f"page-{n:04d}{page.suffix}")
        record = {"origin": origin, "origin_pages": [p.index for p in pages],
                  "pages": [asdict(p) for p in pages]}
        write_text_atomic(tmp / RECORD, json.dumps(record, ensure_ascii=False, indent=1))


def _cache_file(staging: Path, origin: str) -> Path:
    return staging / CACHE_DIR / (hashlib.sha256(origin.encode("utf-8")).hexdigest()[:24] + ".json")


def load_cached(staging: Path, origin: str, key: dict) -> dict | None:
    """The analysis saved for ``origin`` if it was made from the same bytes with the same settings."""
    try:
        data = json.loads(_cache_file(staging, origin).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("key") == key else None


def save_cached(staging: Path, origin: str, key: dict, body: dict) -> None:
    """Remember the analysis of ``origin`` (page signals and page facts) for the next run."""
    write_text_atomic(_cache_file(staging, origin), json.dumps({"key": key, **body}, ensure_ascii=False))
