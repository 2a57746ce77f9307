"""What a run will do with each dossier intake found: process it (new or resumed), or leave it alone
(archived before, quarantined before), decided from the files on disk before any work starts.

The same plan makes the dry run (``sohoa run --dry-run``): the list a clerk or an admin reads to
see what tonight's batch would take, with nothing written anywhere.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import outcome, paths
from pipeline.joining import joined_ids
from pipeline.summary import RunSummary, Skipped
from scanners.model import Dossier
from sohoa.errors import ExitCode


@dataclass
class Plan:
    """The dossiers of one run, sorted by what the run does with them."""

    todo: list[Dossier]
    """To process: new ones, and ones an earlier run began (in :attr:`resumed`)."""
    resumed: set[str]
    archived_before: list[Dossier]
    previously_quarantined: list[Dossier]
    growing: list[Path]
    problems: list[Skipped] = field(default_factory=list)
    """Inbox entries intake set aside (symlinks, FIFOs, hidden files, bad manifests …)."""
    started: float = 0.0

    def skipped(self, archive: Path) -> list[Skipped]:
        """Every input the run leaves alone with a reason a person reads."""
        return [Skipped(d.relative, "previously_quarantined", d.code or "", _quarantine_reason(archive, d))
                for d in self.previously_quarantined] + self.problems

    def summary(self, archive: Path, work: Path, *, started: datetime) -> RunSummary:
        """What became of the run's dossiers, read back from the disk."""
        outcomes = [outcome.outcome_of(archive, work, d.dossier_id, d.relative, since=self.started,
                                       code=d.code or "", resumed=d.dossier_id in self.resumed) for d in self.todo]
        return RunSummary(outcomes, started=started, archived_before=len(self.archived_before),
                          skipped=self.skipped(archive), growing=len(self.growing))


def _quarantine_reason(archive: Path, dossier: Dossier) -> str:
    try:
        reason = json.loads(paths.quarantine_reason(archive, dossier.dossier_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return reason.get("message_vi", "")


def _listing(folder: Path) -> set[str]:
    """Names in a folder (one ``scandir``: cheap even with 100,000 entries)."""
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return set()


def make_plan(intake, archive: Path, work: Path, *, retry_quarantined: bool = False,  # noqa: ANN001
              started: float = 0.0) -> Plan:
    """Sort intake's dossiers (``scanners.intake.IntakeResult``) by what this run does with them."""
    records = {name.removesuffix(".json") for name in _listing(paths.records_dir(archive))}
    records |= joined_ids(archive)  # results that joined their dossier (pipeline/joining.py)
    quarantined = _listing(paths.quarantine_root(archive))
    begun = _listing(work)
    todo, archived, previously = [], [], []
    for d in intake.dossiers:
        if d.dossier_id in records:
            archived.append(d)
        elif d.dossier_id in quarantined and not retry_quarantined and \
                paths.quarantine_reason(archive, d.dossier_id).exists():
            previously.append(d)
        else:
            todo.append(d)
    resumed = {d.dossier_id for d in todo if d.dossier_id in begun}
    problems = [Skipped(p.relative, p.reason, "", getattr(p, "detail", "")) for p in intake.problems]
    return Plan(todo, resumed, archived, previously, list(intake.growing), problems, started)


def _stage_reached(work: Path, dossier_id: str) -> str:
    from pipeline.progress import STAGES

    passed = [label for name, label, _ in STAGES if paths.stage_file(work, dossier_id, name).exists()]
    return passed[-1] if passed else "chưa bước nào"


def dry_run(opts, site, profile) -> ExitCode:  # noqa: ANN001 - RunOptions, Settings, ScannerProfile
    """Print what ``sohoa run`` would do with the inbox, writing nothing; exit 0."""
    from pipeline.archive_dir import is_archive
    from scanners.intake import collect
    from sohoa.files import private_tempdir

    exists = is_archive(opts.archive)
    if not exists and not opts.create:
        from pipeline.archive_dir import require_archive

        require_archive(opts.archive)
    with private_tempdir("dry-run") as staging:
        intake = collect(opts.inbox, staging, profile=profile, settle_seconds=site.settle_seconds)
        plan = make_plan(intake, opts.archive, opts.work, retry_quarantined=opts.retry_quarantined)
    print(f"=== Chạy thử (không xử lý, không ghi gì): {opts.inbox} → {opts.archive} ===")
    if not exists:
        print("Kho lưu trữ chưa có: lần chạy thật sẽ tạo kho mới (--create).")
    for d in plan.todo:
        state = f"làm tiếp (đã qua: {_stage_reached(opts.work, d.dossier_id)})" if d.dossier_id in plan.resumed \
            else "mới"
        print(f"  - Sẽ xử lý ({state}): {d.code or '(chưa có mã)'} — {d.relative}")
    from pipeline.report import skipped_text

    for s in plan.skipped(opts.archive):
        print(f"  - Bỏ qua: {(s.code + ' — ') if s.code else ''}{s.relative}: {skipped_text(s)}")
    for path in plan.growing:
        print(f"  - Để lần sau (đang được ghi): {path.name}")
    print(f"Tổng: sẽ xử lý {len(plan.todo)} hồ sơ (làm tiếp {len(plan.resumed)}); đã lưu trữ từ trước "
          f"{len(plan.archived_before)}; đã cách ly từ trước {len(plan.previously_quarantined)}; "
          f"mục bị bỏ qua {len(plan.problems)}; đang được ghi {len(plan.growing)}.")
    if not (intake.dossiers or intake.growing or intake.problems):
        print(f"Cảnh báo: thư mục nhận {opts.inbox} trống.")
    return ExitCode.OK
