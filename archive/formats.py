"""File formats of packaged files: IANA media type (METS) and PRONOM identifier (PREMIS).

Identification is by suffix, on purpose: the pipeline makes every file it hands over, so the
suffix is known to be right; a format-identification tool (DROID, Siegfried) is not needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class FileFormat:
    """What METS and PREMIS say about a file's format.

    Attributes:
        mime: IANA media type (METS ``MIMETYPE``; CSIP checks it against the IANA list).
        name: PREMIS ``formatName``.
        pronom: PRONOM PUID, or None when no registry entry fits.
        version: PREMIS ``formatVersion``, if any.
    """

    mime: str
    name: str
    pronom: str | None = None
    version: str | None = None


PDF_A_2B = FileFormat("application/pdf", "Acrobat PDF/A - Portable Document Format", "fmt/477", "2b")
"""The pipeline's documents: PDF/A-2b (TT 05/2025 "PDF/A hai lớp").

PRONOM numbers PDF/A-2 as fmt/476 (2a), fmt/477 (2b), fmt/478 (2u).
"""

_BY_SUFFIX: dict[str, FileFormat] = {
    ".pdf": PDF_A_2B,
    ".txt": FileFormat("text/plain", "Plain Text File", "x-fmt/111"),
    ".json": FileFormat("application/json", "JSON Data Interchange Format", "fmt/817"),
    ".xml": FileFormat("text/xml", "Extensible Markup Language", "fmt/101", "1.0"),
    ".xsd": FileFormat("text/xml", "XML Schema Definition", "x-fmt/280"),
    ".csv": FileFormat("text/csv", "Comma Separated Values", "x-fmt/18"),
    ".png": FileFormat("image/png", "Portable Network Graphics", "fmt/13", "1.2"),
    ".tif": FileFormat("image/tiff", "Tagged Image File Format", "fmt/353"),
    ".tiff": FileFormat("image/tiff", "Tagged Image File Format", "fmt/353"),
    ".jpg": FileFormat("image/jpeg", "JPEG File Interchange Format", "fmt/43", "1.01"),
    ".jpeg": FileFormat("image/jpeg", "JPEG File Interchange Format", "fmt/43", "1.01"),
    ".hocr": FileFormat("text/html", "hOCR (HTML)"),
}
_UNKNOWN = FileFormat("application/octet-stream", "unknown")


def format_of(path: PurePath) -> FileFormat:
    """Return the format of a packaged file from its suffix (unknown → octet-stream)."""
    return _BY_SUFFIX.get(path.suffix.lower(), _UNKNOWN)
