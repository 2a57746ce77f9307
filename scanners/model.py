"""What scanner intake produces: dossiers found in an inbox and their source pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHAPES = ("tiff", "folder", "pdf", "image")


@dataclass(frozen=True)
class Dossier:
    """One dossier in the inbox: a multi-page TIFF, a folder of page images, a PDF or one image."""

    dossier_id: str
    """Stable id derived from the path relative to the inbox (ASCII, safe as a file name)."""
    source: Path
    """Absolute path of the file or folder."""
    relative: str
    """Path relative to the inbox, as the export reports it."""
    shape: str
    code: str | None = None
    """The dossier code (mã hồ sơ), kept unchanged into the archive (TT 13/2023/TT-BNV)."""
    code_source: str | None = None
    """Where the code came from: ``separator``, ``receipt``, ``manifest``, ``file-name`` or ``generated``."""
    code_generated: bool = False
    """The code is a provisional ``SOHOA-TAM-…`` one: the dossier needs a clerk's look."""
    category: str | None = None
    """Procedure category (lĩnh vực), from the batch manifest or the scanner profile."""
    origin: str = ""
    """The inbox entry the dossier was cut from (relative, as :attr:`relative` for a whole entry)."""
    origin_pages: tuple[int, ...] = ()
    """1-based pages of :attr:`origin` that make up the dossier (empty: all of it)."""
    separator_pages: tuple[tuple[int, str], ...] = ()
    """(page of :attr:`origin`, code read or '') of the separator sheet sides before the dossier."""
    review: tuple[str, ...] = ()
    """Why intake wants a human look: ``code_generated``, ``possible_merge``, ``code_conflict`` …"""


@dataclass(frozen=True)
class SourcePage:
    """One page image extracted from a dossier, stored unchanged (or losslessly) in the work folder."""

    index: int
    """1-based page number in the source."""
    path: Path
    dpi: float
    mode: str
    """Pillow mode of the scan as delivered (``RGB``, ``L``, ``1`` …), for the scan-standard check."""
    dpi_known: bool = True
