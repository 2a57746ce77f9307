"""Scheduled archive care as Luigi tasks: fixity audit, disposal-review list, backup copy.

Run them from cron (or a central ``luigid``) once a day or a month, e.g.::

    python -m luigi --module pipeline.maintenance FixityAudit --archive /srv/archive --local-scheduler
    python -m luigi --module pipeline.maintenance ArchiveCare --archive /srv/archive \\
        --backup /mnt/backup2/archive --local-scheduler

Each task's output is a small JSON file under ``ARCHIVE/audits/`` named by date, so a task runs
once per date. An audit or backup that finds damage writes no output and raises, so Luigi reports
the task failed (and the next scheduled run tries again); the damage itself is in the catalog's
audit trail and the PREMIS audit file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import luigi

from sohoa.errors import ArchiveError
from sohoa.files import write_text_atomic


class _ArchiveTask(luigi.Task):
    """Parameters shared by the maintenance tasks."""

    archive = luigi.Parameter()
    date = luigi.DateParameter(default=date.today())

    def _out(self, kind: str) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(Path(self.archive) / "audits" / f"{kind}-{self.date:%Y%m%d}.json"))

    def _done(self, body: dict) -> None:
        write_text_atomic(Path(self.output().path), json.dumps(body, ensure_ascii=False, indent=1))


class FixityAudit(_ArchiveTask):
    """Re-verify every package (``sohoa fixity``); fail when anything is damaged or missing."""

    def output(self) -> luigi.LocalTarget:
        return self._out("fixity")

    def run(self) -> None:
        from archive.audit import audit_archive

        report = audit_archive(Path(self.archive))
        if not report.ok:
            raise ArchiveError(f"fixity audit: {len(report.damaged)} damaged package(s)", reason="fixity_failed")
        self._done({"checked_at": report.checked_at, "packages": len(report.packages), "damaged": 0})


class DisposalReview(_ArchiveTask):
    """Write the "Xem xét hủy" XLSX for the appraisal council (deletes nothing)."""

    def output(self) -> luigi.LocalTarget:
        return self._out("review")

    def run(self) -> None:
        from archive.catalog import Catalog
        from archive.disposal import write_due_xlsx

        with Catalog.for_archive(Path(self.archive)) as catalog:
            rows = catalog.expired(self.date)
        xlsx = Path(self.archive) / "reports" / f"xem-xet-huy-{self.date:%Y%m%d}.xlsx"
        write_due_xlsx(rows, self.date, xlsx)
        self._done({"as_of": self.date.isoformat(), "due": len(rows), "xlsx": str(xlsx)})


class BackupCopy(_ArchiveTask):
    """Replicate the archive to ``backup`` and verify the copy (``sohoa backup --to``)."""

    backup = luigi.Parameter()

    def output(self) -> luigi.LocalTarget:
        return self._out("backup")

    def run(self) -> None:
        from archive.backup import backup_archive

        report = backup_archive(Path(self.archive), Path(self.backup))
        if not report.ok:
            raise ArchiveError(f"backup copy does not verify: {len(report.problems)} problem(s)",
                               reason="backup_failed")
        self._done({"to": self.backup, "copied": len(report.copied), "problems": 0})


class ArchiveCare(luigi.WrapperTask):
    """Everything a night needs: fixity audit, review list and, when given, a backup copy."""

    archive = luigi.Parameter()
    date = luigi.DateParameter(default=date.today())
    backup = luigi.Parameter(default="")

    def requires(self) -> list[luigi.Task]:
        tasks: list[luigi.Task] = [FixityAudit(archive=self.archive, date=self.date),
                                   DisposalReview(archive=self.archive, date=self.date)]
        if self.backup:
            tasks.append(BackupCopy(archive=self.archive, date=self.date, backup=self.backup))
        return tasks
