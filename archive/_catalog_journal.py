"""The catalog journal: what only the catalog knows, kept as well in an append-only file in the archive.

Packages hold each dossier's content, metadata and ingest events, so a lost catalog is rebuilt from
them (:mod:`archive.catalog_rebuild`). A few facts are not in any package: legal holds and their
release, dossier codes set after ingest, the "Xem xét hủy" marks, archive-wide events (audits,
backups, restores) and recoveries. Each is written to ``<archive>/catalog-journal.jsonl`` inside
the catalog transaction that records it (if the line cannot be written, the catalog change is not
made either), one JSON object per line, mode 0640, fsynced. A rebuild replays it. Disposal records
have their own files (``disposals/``) and fixity audits theirs (``audits/``).

The lines name dossiers by id and code (identifiers, not personal data) and carry event details
written for logs (never field values).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from archive.model import iso_vn
from sohoa.clock import now_vn

JOURNAL_NAME = "catalog-journal.jsonl"
log = logging.getLogger(__name__)


def append(archive_root: Path, kind: str, **facts: object) -> None:
    """Append one ``{"kind": ..., "at": ..., **facts}`` line and fsync it.

    Raises:
        OSError: The line could not be written (the caller's transaction then rolls back).
    """
    line = json.dumps({"kind": kind, "at": iso_vn(now_vn()), **facts}, ensure_ascii=False, sort_keys=True,
                      default=str) + "\n"
    fd = os.open(archive_root / JOURNAL_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def entries(archive_root: Path) -> Iterator[dict]:
    """The journal's entries, oldest first; a torn or unreadable line is skipped with a warning."""
    path = archive_root / JOURNAL_NAME
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                log.warning("%s line %d is not a whole JSON object (a write cut short?); skipped",
                            JOURNAL_NAME, number)
                continue
            if isinstance(entry, dict) and isinstance(entry.get("kind"), str):
                yield entry
