"""What scanner intake produces: dossiers found in an inbox and their source pages."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    """The source states the page's physical size (a plausible resolution tag, or a PDF page box)."""
    extraction: str = ""
    """How the page image was taken from the source: ``jpeg`` (the scan's JPEG data, image segments
    only), ``decoded`` (decoded losslessly into PNG), ``resampled`` (non-square pixels made square),
    ``render`` (drawn by poppler: the page is more than one plain image)."""
    provenance: dict[str, str] = field(default_factory=dict)
    """What the file says of its capture, for PREMIS: ``make``, ``model``, ``software``, ``captured``
    (ISO 8601), ``orientation`` (EXIF 2-8), ``pixel_aspect`` (``"200x100"`` dpi before resampling).
    Never GPS positions, serial numbers or comments (they are not carried into the archive)."""


@dataclass(frozen=True)
class SourceRead:
    """What reading one dossier's source gave: its pages, and what is known of the source as a whole."""

    pages: list[SourcePage]
    sha256: str
    """Digest of exactly the bytes the pages were read from (a folder: :func:`scanners.codes.content_digest`'s form)."""
    facts: dict = field(default_factory=dict)
    """``encryption`` (``"permissions-only"`` for a PDF readable without a password), ``signatures``
    (a signed PDF's digital signatures: ``[{"signer": …, "time": …}]``; a page showing a signature's
    stamp is rendered with it), ``links`` (True when the PDF links to a web page or another file)."""
