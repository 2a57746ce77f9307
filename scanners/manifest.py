"""What a dossier's intake writes: the page manifest (which page files, at which dpi, in what mode,
with what capture provenance) and the source record (the digest of the bytes read, and facts)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from scanners.model import SourcePage, SourceRead
from sohoa.files import write_text_atomic


def save_pages(pages: list[SourcePage], path: Path) -> None:
    """Write the manifest; page paths are stored relative to the manifest's folder."""
    rows = [{**asdict(p), "path": str(p.path.relative_to(path.parent))} for p in pages]
    write_text_atomic(path, json.dumps(rows, ensure_ascii=False, indent=1))


def load_pages(path: Path) -> list[SourcePage]:
    """Read a manifest written by :func:`save_pages`."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [SourcePage(**{**r, "path": path.parent / r["path"]}) for r in rows]


def save_source(read: SourceRead, path: Path) -> None:
    """Write the source record: ``{"sha256": …, "pages": n, "facts": {…}}`` (no page list, no paths)."""
    body = {"sha256": read.sha256, "pages": len(read.pages), "facts": read.facts}
    write_text_atomic(path, json.dumps(body, ensure_ascii=False, indent=1))
