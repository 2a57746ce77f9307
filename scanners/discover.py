"""Inbox → dossiers: which files and folders are dossiers, and which are still being written."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import stat
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scanners.model import Dossier

log = logging.getLogger(__name__)

OWN_AREAS = {"processed", "quarantine"}
"""Inbox folders sohoa itself keeps (finished sources, quarantine): never dossiers, never reported."""
_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def dossier_id_for(relative: str, label: str | None = None, content: str = "") -> str:
    """A stable, file-name-safe id for the dossier at ``relative`` with content digest ``content``.

    The content takes part, so a new scan saved under an old name (scanner counters restart,
    a clerk replaces a bad scan) is a new dossier, never mistaken for the archived one. The file
    name does not appear: names of citizens in file names must not reach logs or the scheduler
    (NĐ 13/2023). ``label`` — a dossier code read from paper, not personal data — prefixes it.
    """
    prefix = "hs"
    if label:
        folded = unicodedata.normalize("NFKD", label.replace("đ", "d").replace("Đ", "D"))
        prefix = _SLUG_BAD.sub("-", folded.encode("ascii", "ignore").decode()).strip("-._")[:60] or "hs"
    # base32 (a-z, 2-7): no long digit runs, which the log filter would take for a CCCD number
    digest = base64.b32encode(hashlib.sha256(f"{relative}\0{content}".encode()).digest()).decode()[:12].lower()
    return f"{prefix}-{digest}"


def _shape_of(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in {".tif", ".tiff"}:
        return "tiff"
    if suffix == ".pdf":
        return "pdf"
    return "image"


@dataclass(frozen=True)
class Skipped:
    """An inbox entry left out of the run, and why (each gets a line in the run report)."""

    relative: str
    reason: str
    """``skipped_link`` (a symbolic link), ``skipped_special`` (FIFO, socket, device),
    ``skipped_hidden`` (a dot-file or dot-folder), ``skipped_temporary`` (``~…``: an editor's lock file)."""
    detail: str = ""
    """``symlink``, ``fifo``, ``socket``, ``device`` for the first two reasons."""


def _special(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _candidates(inbox: Path) -> tuple[list[Path], list[Skipped]]:
    """Top-level regular files and folders of the inbox, and the entries skipped.

    Symlinks, FIFOs, sockets and devices are skipped: reading a FIFO would hang the batch, and a
    link could pull in files from outside the inbox. Hidden entries (a scanner's partial file,
    ``.DS_Store``) and editors' ``~`` lock files are left alone too. Each skip is returned, so the
    run report can name it.
    """
    found, skipped = [], []
    for path in inbox.iterdir():
        if path.name in OWN_AREAS:
            continue
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # gone since it was listed
            continue
        if path.name.startswith("."):
            skipped.append(Skipped(path.name, "skipped_hidden"))
        elif path.name.startswith("~"):
            skipped.append(Skipped(path.name, "skipped_temporary"))
        elif stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            found.append(path)
        else:
            kind = _special(mode)
            log.warning("skipped an inbox entry that is not a regular file or folder (%s)", kind)
            skipped.append(Skipped(path.name, "skipped_link" if kind == "symlink" else "skipped_special", kind))
    return sorted(found), sorted(skipped, key=lambda s: s.relative)


def entry_signature(path: Path) -> tuple[int, int]:
    """Size and mtime of a file, or of all files in a folder together (changes while a scanner writes)."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    stats = [f.stat() for f in files]
    return sum(s.st_size for s in stats), max((s.st_mtime_ns for s in stats), default=0)


@dataclass(frozen=True)
class Survey:
    """What an inbox holds: dossiers to take, entries still being written, entries skipped."""

    dossiers: list[Dossier]
    growing: list[Path]
    skipped: list[Skipped]


def survey(inbox: Path, *, settle_seconds: float = 0.0) -> Survey:
    """Find the dossiers in ``inbox`` (see :func:`discover`), and say what was skipped."""
    entries, skipped = _candidates(inbox)
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
    return Survey(dossiers, growing, skipped)


def discover(inbox: Path, *, settle_seconds: float = 0.0) -> tuple[list[Dossier], list[Path]]:
    """Find the dossiers in ``inbox``.

    Every top-level file is one dossier (its kind is checked later, when it is read, so a bad
    file is quarantined rather than ignored); every top-level folder is one dossier of page
    images. Entries whose size or modification time changes during ``settle_seconds`` are
    still being written by a scanner and are returned separately, to be taken next time.

    Returns:
        The dossiers (sorted by relative path) and the entries left for later.
    """
    found = survey(inbox, settle_seconds=settle_seconds)
    return found.dossiers, found.growing
