"""Progress of a batch, shown while Luigi works: counted from the outcome files on disk.

Luigi runs tasks in worker processes (and, scaled out, on other machines), so the only view
of progress that holds in every set-up is what has landed in the archive: records of archived
dossiers and quarantine reasons. A thread in the ``sohoa run`` process polls them.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline import paths

log = logging.getLogger("sohoa.progress")


def count_finished(archive: Path, work: Path, dossier_ids: Sequence[str], *, since: float) -> tuple[int, int, int]:
    """(archived, quarantined, failed) among ``dossier_ids`` in the run that started at ``since``."""
    archived = quarantined = failed = 0
    for dossier_id in dossier_ids:
        if paths.record_file(archive, dossier_id).exists():
            archived += 1
            continue
        reason = paths.quarantine_dir(archive, dossier_id) / "reason.json"
        if reason.exists() and reason.stat().st_mtime >= since - 1:
            quarantined += 1
            continue
        failure = paths.failure_file(work, dossier_id)
        if failure.exists() and failure.stat().st_mtime >= since - 1:
            failed += 1
    return archived, quarantined, failed


STAGES = (("pages.json", "nhận"), ("geometry.json", "tiền xử lý"), ("ocr.json", "OCR"),
          ("fields.json", "trích xuất"), ("document.pdf", "PDF/A"), ("signed.pdf", "ký số"))


def stage_counts(work: Path, dossier_ids: Sequence[str]) -> list[tuple[str, int]]:
    """How many dossiers have passed each stage (Vietnamese stage names), from the work folder."""
    return [(label, sum(paths.stage_file(work, d, name).exists() for d in dossier_ids)) for name, label in STAGES]


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    return "#" * filled + "-" * (width - filled)


class ProgressReporter(threading.Thread):
    """Prints ``[#####-----] 12/40 hồ sơ …`` every ``interval`` seconds until stopped."""

    def __init__(self, archive: Path, work: Path, dossier_ids: Sequence[str], *, interval: float = 5.0) -> None:
        super().__init__(name="sohoa-progress", daemon=True)
        self.archive, self.work, self.ids = archive, work, list(dossier_ids)
        self.interval, self.started = interval, time.time()
        self._stop_event = threading.Event()
        self._last = ""

    def line(self) -> str:
        """The current progress line (Vietnamese), with the rate and an estimate of the time left."""
        archived, quarantined, failed = count_finished(self.archive, self.work, self.ids, since=self.started)
        done, total = archived + quarantined + failed, len(self.ids)
        elapsed = time.time() - self.started
        eta = f", còn khoảng {elapsed / done * (total - done) / 60:.1f} phút" if 0 < done < total else ""
        stages = ", ".join(f"{label} {n}" for label, n in stage_counts(self.work, self.ids))
        return (f"[{_bar(done, total)}] {done}/{total} hồ sơ (lưu trữ {archived}, cách ly {quarantined}, "
                f"lỗi {failed}) sau {elapsed:.0f} giây{eta} | đã qua: {stages}")

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            line = self.line()
            state = line.split(" sau ")[0] + line.split("|")[-1]
            if state != self._last:
                self._last = state
                print(line, file=sys.stderr, flush=True)

    def stop(self) -> None:
        """Stop polling (the final summary is printed by the caller)."""
        self._stop_event.set()
        self.join(timeout=self.interval + 1)
