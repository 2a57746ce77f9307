"""Housekeeping at the start and end of a run: what killed runs left behind, and work folders of
archived dossiers.

A run killed at any point (power cut, ``kill -9``) leaves temporaries: half-written files and
folders beside their destination in the archive and the work folder, and scratch folders in
``TMPDIR``. Every temporary is named by its owner (host and process id, :mod:`sohoa.files`), so
the next run removes those of dead processes on this machine, and those of other machines once
they are a day old, never a live run's.

The work folder keeps each dossier's intermediate files (page images, OCR copies, PDFs) so a run
can resume. Once a dossier is archived they are not needed; ``run.keep-work-days`` says how long
they stay for IT staff to look at (default 7 days; 0: removed by the run that archived it).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from pipeline import paths
from sohoa.files import TEMP_PREFIX, remove_stale_temps

log = logging.getLogger("sohoa.maintenance")


def sweep_temps(archive: Path, work: Path) -> int:
    """Remove the temporaries killed runs left in the archive, the work folder and ``TMPDIR``; return how many."""
    # (a dossier's own work folder is swept by its task when it starts: see pipeline.tasks)
    folders = [archive, *(archive / sub for sub in ("packages", "records", "quarantine", "reports")), work]
    removed = sum(remove_stale_temps(folder) for folder in folders)
    removed += remove_stale_temps(Path(tempfile.gettempdir()), prefix=TEMP_PREFIX)
    if removed:
        log.info("removed %d temporary entries left by an interrupted run", removed)
    return removed


def clean_work(archive: Path, work: Path, *, keep_days: float | None, now: float | None = None,
               only: Iterable[str] | None = None) -> int:
    """Remove the work folders of dossiers archived at least ``keep_days`` days ago; return how many.

    Args:
        archive: The archive (a dossier is archived when its record is there).
        work: The work folder.
        keep_days: Days a dossier's work files stay after archiving; None keeps them.
        now: The time to judge by (default: now).
        only: Look only at these dossiers (default: every folder in ``work``).
    """
    if keep_days is None or not work.is_dir():
        return 0
    limit = (now or time.time()) - keep_days * 86400
    names = only if only is not None else (e.name for e in os.scandir(work) if e.is_dir(follow_symlinks=False))
    removed = 0
    for name in names:
        if name.startswith(".") or name == paths.STAGING:
            continue
        try:
            archived_at = paths.record_file(archive, name).stat().st_mtime
        except FileNotFoundError:
            continue
        if archived_at <= limit:
            shutil.rmtree(paths.dossier_dir(work, name), ignore_errors=True)
            removed += 1
    if removed:
        log.info("removed the work folders of %d archived dossiers", removed)
    return removed
