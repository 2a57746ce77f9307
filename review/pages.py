"""Page images for the station: rendered from the archived signed PDF/A, cached privately.

The PDF shows each kept page upright and deskewed (the scan's turn and deskew are its page
transform), which is the page a field's ``box`` (contract C2) is measured on, so the crop is a
matter of scaling in the browser. Rendering goes through ``sohoa.tools.poppler`` (the one place
that runs poppler). The cache is a folder of the station's own (mode 0700, files 0600) outside
every package: packages stay sealed, and nothing in the archive is made more readable. Entries are
keyed by the PDF file's identity (device, inode, size, time), so the versions of one dossier —
which share the same, hard-linked PDF — share one rendering.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

from PIL import Image

from sohoa.files import temp_prefix
from sohoa.tools.poppler import render_page

DPI = 110
"""Enough to read a handwritten line in a zoomed crop; an A4 page is ~910×1290 px."""
RENDER_TIMEOUT = 60.0
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def pdf_page_number(record: Mapping[str, object], source_page: int) -> int | None:
    """The 1-based page of the archived PDF that shows source page ``source_page`` (blank backs are left out)."""
    number = 0
    for page in record.get("pages") or []:
        if not isinstance(page, Mapping) or page.get("blank"):
            continue
        number += 1
        if page.get("source_page") == source_page:
            return number
    return None


def page_count(record: Mapping[str, object]) -> int:
    """How many pages the archived PDF has."""
    return sum(1 for p in record.get("pages") or [] if isinstance(p, Mapping) and not p.get("blank"))


def prepare_cache(folder: Path) -> Path:
    """Create the cache folder owner-only (0700), tightening it if it exists."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def page_image(cache: Path, pdf: Path, page: int, *, dpi: int = DPI) -> Path:
    """The JPEG of one page of ``pdf``, rendered once (concurrent requests wait for one rendering)."""
    st = pdf.stat()
    target = cache / f"{st.st_dev:x}-{st.st_ino:x}-{st.st_size:x}-{int(st.st_mtime):x}-p{page}-{dpi}.jpg"
    if target.is_file():
        return target
    with _guard:
        lock = _locks.setdefault(target.name, threading.Lock())
    with lock:
        if not target.is_file():
            prefix = cache / f"{temp_prefix(target.name)}{threading.get_ident()}"
            jpeg = prefix.with_name(prefix.name + ".jpg")
            rendered = None
            try:
                rendered = render_page(pdf, page, prefix, dpi=dpi, timeout=RENDER_TIMEOUT)
                with Image.open(rendered) as im:  # a JPEG is a small part of the bitmap: fast on a slow office network
                    im.convert("L" if im.mode in ("1", "L", "LA") else "RGB").save(jpeg, "JPEG", quality=82)
                os.chmod(jpeg, 0o600)  # the folder is 0700 already: owner-only twice over
                os.replace(jpeg, target)
            finally:
                for leftover in (rendered, prefix.with_name(prefix.name + ".ppm"), jpeg):
                    if leftover is not None:
                        leftover.unlink(missing_ok=True)
    return target
