"""Progress of a batch, shown while Luigi works: counted from the files on disk, cheaply.

Luigi runs tasks in worker processes (and, scaled out, on other machines), so the only view of
progress that holds in every set-up is what has landed on disk: stage files in the work folder,
records of archived dossiers, quarantine reasons, failure notes. A thread in the ``sohoa run``
process polls them.

A backlog can hold 100,000 dossiers, so a poll looks only at the dossiers handed to Luigi and
not finished yet (a slice at a time, see ``--slice``), and for each only at the next file it
would write: a few hundred ``stat`` calls however large the backlog (``bench/progress.py``).
The time left is work left over the rate of work done in this run, where each dossier's work is
weighted by the stages it still has ahead: dossiers that resume near their end do not make the
rest look quick.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline import paths

log = logging.getLogger("sohoa.progress")

STAGES = ((paths.PAGES, "nhận", 1.0), (paths.GEOMETRY, "tiền xử lý", 3.0), (paths.OCR, "OCR", 6.0),
          (paths.FIELDS, "trích xuất", 0.5), (paths.PDFA, "PDF/A", 0.5), (paths.SIGN, "ký số", 1.0))
"""(output file, Vietnamese name, relative cost) of each stage before archiving; the costs follow the
stage timings in the run logs (OCR and preprocessing dominate)."""
ARCHIVE_COST = 1.0
DONE = len(STAGES) + 1
"""Stage index of a dossier whose record is in the archive."""
_AHEAD = [sum(cost for *_, cost in STAGES[i:]) + ARCHIVE_COST for i in range(len(STAGES) + 1)] + [0.0]
"""Work still ahead of a dossier that has passed ``i`` stages."""


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    return "#" * filled + "-" * (width - filled)


def duration_vi(seconds: float) -> str:
    """A duration the way a person says it: ``40 giây``, ``12 phút``, ``2 giờ 5 phút``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{max(seconds, 1)} giây"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} phút"
    return f"{minutes // 60} giờ {minutes % 60} phút" if minutes % 60 else f"{minutes // 60} giờ"


class Progress:
    """What has become of a run's dossiers, brought up to date by :meth:`poll`.

    Counts are kept as the state changes, so a poll costs a few ``stat`` calls per watched
    dossier and nothing per dossier of the rest of the backlog.

    Args:
        archive: The archive folder.
        work: The work folder.
        dossier_ids: The dossiers this run processes (not those archived before it).
        started: When the run started (a quarantine or failure note older than that is an
            earlier run's).
    """

    def __init__(self, archive: Path, work: Path, dossier_ids: Sequence[str], *, started: float | None = None) -> None:
        self.archive, self.work = archive, work
        self.started = time.time() if started is None else started
        self.total = len(dossier_ids)
        self.stage = dict.fromkeys(dossier_ids, 0)
        self.outcome: dict[str, str] = {}
        self.active: set[str] = set()
        self.passed = [0] * len(STAGES)
        """Dossiers past each stage."""
        self.ahead = _AHEAD[0] * len(self.stage)
        """Work (in stage-cost units) still ahead of the unfinished dossiers."""
        self.done = 0.0
        """Work done in this run."""
        self.clock_started: float | None = None
        # One listing of the work folder: only dossiers with a folder there have begun before.
        try:
            begun = {entry.name for entry in os.scandir(work)} & self.stage.keys()
        except OSError:
            begun = set()
        for dossier_id in begun:
            self._move(dossier_id, self._advance(dossier_id, 0), before_run=True)

    def activate(self, dossier_ids: Iterable[str]) -> None:
        """These dossiers are handed to Luigi now: watch them."""
        if self.clock_started is None:
            self.clock_started = time.time()
        self.active.update(d for d in dossier_ids if d in self.stage and d not in self.outcome)

    def _advance(self, dossier_id: str, stage: int) -> int:
        while stage < len(STAGES) and paths.stage_file(self.work, dossier_id, STAGES[stage][0]).exists():
            stage += 1
        return stage

    def _move(self, dossier_id: str, stage: int, *, before_run: bool = False) -> None:
        old = self.stage[dossier_id]
        if stage <= old:
            return
        self.stage[dossier_id] = stage
        for i in range(old, min(stage, len(STAGES))):
            self.passed[i] += 1
        self.ahead -= _AHEAD[old] - _AHEAD[stage]
        if not before_run:
            self.done += _AHEAD[old] - _AHEAD[stage]

    def _fresh(self, path: Path) -> bool:
        try:
            return path.stat().st_mtime >= self.started - 1
        except FileNotFoundError:
            return False

    def poll(self) -> None:
        """Bring the state of the watched, unfinished dossiers up to date (a few ``stat`` calls each)."""
        for dossier_id in list(self.active):
            if paths.record_file(self.archive, dossier_id).exists():
                self._move(dossier_id, DONE)
                self._finish(dossier_id, "archived")
            else:
                self._move(dossier_id, self._advance(dossier_id, self.stage[dossier_id]))
                if self._fresh(paths.quarantine_reason(self.archive, dossier_id)):
                    self._finish(dossier_id, "quarantined")
                elif self._fresh(paths.failure_file(self.work, dossier_id)):
                    self._finish(dossier_id, "failed")

    def _finish(self, dossier_id: str, outcome: str) -> None:
        self.outcome[dossier_id] = outcome
        self.active.discard(dossier_id)
        self.ahead -= _AHEAD[self.stage[dossier_id]]  # a stopped dossier's remaining work is not done, it is gone

    def counts(self) -> tuple[int, int, int]:
        """(archived, quarantined, failed) so far in this run."""
        values = list(self.outcome.values())
        return values.count("archived"), values.count("quarantined"), values.count("failed")

    def stage_counts(self) -> list[tuple[str, int]]:
        """How many dossiers have passed each stage (Vietnamese stage names)."""
        return [(label, n) for (_, label, _), n in zip(STAGES, self.passed, strict=True)]

    def remaining_seconds(self, now: float | None = None) -> float | None:
        """Time left at this run's pace; None until the pace can be told (10 s into the work and
        some of it done)."""
        if self.clock_started is None or self.done <= 0:
            return None
        elapsed = (now or time.time()) - self.clock_started
        if elapsed < 10:
            return None
        return max(0.0, self.ahead) * elapsed / self.done

    def line(self) -> str:
        """The progress line (Vietnamese), with the time left."""
        archived, quarantined, failed = self.counts()
        finished = archived + quarantined + failed
        left = self.remaining_seconds() if finished < self.total else None
        eta = f", còn khoảng {duration_vi(left)}" if left is not None else ""
        stages = ", ".join(f"{label} {n}" for label, n in self.stage_counts())
        elapsed = time.time() - (self.clock_started or self.started)
        return (f"[{_bar(finished, self.total)}] {finished}/{self.total} hồ sơ (lưu trữ {archived}, "
                f"cách ly {quarantined}, lỗi {failed}) sau {duration_vi(elapsed)}{eta} | đã qua: {stages}")


class ProgressReporter(threading.Thread):
    """Prints ``[#####-----] 12/40 hồ sơ …`` every ``interval`` seconds until stopped."""

    def __init__(self, archive: Path, work: Path, dossier_ids: Sequence[str], *, interval: float = 5.0,
                 started: float | None = None) -> None:
        super().__init__(name="sohoa-progress", daemon=True)
        self.progress = Progress(archive, work, dossier_ids, started=started)
        self.interval = interval
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self._last = ""

    def activate(self, dossier_ids: Iterable[str]) -> None:
        """These dossiers are handed to Luigi now."""
        with self._lock:
            self.progress.activate(dossier_ids)

    def line(self) -> str:
        """Poll, then the current progress line."""
        with self._lock:
            self.progress.poll()
            return self.progress.line()

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
        if self.is_alive():
            self.join(timeout=self.interval + 1)
