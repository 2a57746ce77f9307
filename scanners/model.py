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
