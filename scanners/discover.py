"""Inbox → dossiers: which files and folders are dossiers, and which are still being written."""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from pathlib import Path

from scanners.model import Dossier

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def dossier_id_for(relative: str, label: str | None = None) -> str:
    """A stable, file-name-safe id: folded name (or ``label``) + a short hash of the relative path."""
    stem = label or (Path(relative).stem if not relative.endswith("/") else relative.rstrip("/"))
    folded = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    slug = _SLUG_BAD.sub("-", folded.encode("ascii", "ignore").decode()).strip("-._")[:60] or "dossier"
    digest = hashlib.sha256(relative.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _shape_of(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in {".tif", ".tiff"}:
        return "tiff"
    if suffix == ".pdf":
        return "pdf"
    return "image"


def _candidates(inbox: Path) -> list[Path]:
    """Top-level entries of the inbox, hidden entries and our own areas left out."""
    return sorted(p for p in inbox.iterdir()
                  if not p.name.startswith((".", "~")) and not p.is_symlink()
                  and p.name not in {"processed", "quarantine"})


def entry_signature(path: Path) -> tuple[int, int]:
    """Size and mtime of a file, or of all files in a folder together (changes while a scanner writes)."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    stats = [f.stat() for f in files]
    return sum(s.st_size for s in stats), max((s.st_mtime_ns for s in stats), default=0)


def discover(inbox: Path, *, settle_seconds: float = 0.0) -> tuple[list[Dossier], list[Path]]:
    """Find the dossiers in ``inbox``.

    Every top-level file is one dossier (its kind is checked later, when it is read, so a bad
    file is quarantined rather than ignored); every top-level folder is one dossier of page
    images. Entries whose size or modification time changes during ``settle_seconds`` are
    still being written by a scanner and are returned separately, to be taken next time.

    Returns:
        The dossiers (sorted by relative path) and the entries left for later.
    """
    entries = _candidates(inbox)
    before = {p: entry_signature(p) for p in entries}
    if settle_seconds > 0 and entries:
        time.sleep(settle_seconds)
    dossiers, growing = [], []
    for path in entries:
        if settle_seconds > 0 and entry_signature(path) != before[path]:
            growing.append(path)
            continue
        relative = path.name + ("/" if path.is_dir() else "")
        dossiers.append(Dossier(dossier_id=dossier_id_for(relative), source=path.resolve(),
                                relative=relative, shape=_shape_of(path)))
    return dossiers, growing
