"""What one run did, in one object: its dossiers' outcomes, what it skipped, its causes of failure
and its exit code. The console summary, the reports, the JSON-log record and the metrics all read it.

Exit codes separate whose matter a result is:

- ``OK`` (0): every dossier of the run was archived, or there was nothing new;
- ``INCOMPLETE`` (3): bad inputs were quarantined (now or in an earlier run, still in the inbox):
  the clerks' matter, named in the report;
- ``FAILED`` (8): dossiers failed for a system reason (signing, an internal error, a tool crash,
  the scheduler), or the run archived none of the dossiers it tried: IT staff's matter, each
  cause named in words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.outcome import SYSTEM_STATUSES, Outcome
from sohoa.errors import ExitCode

EXIT_MEANING = {
    ExitCode.OK: ("every dossier of the run was archived", "Mọi hồ sơ của lần chạy đã được lưu trữ."),
    ExitCode.INCOMPLETE: ("finished; some inputs are quarantined as bad scans (the clerks' matter: see the report)",
                          "Đã chạy xong; có tệp quét lỗi bị cách ly: văn thư xem báo cáo."),
    ExitCode.FAILED: ("dossiers failed for a system reason or none was archived (IT staff's matter)",
                      "Có hồ sơ lỗi do hệ thống hoặc không hồ sơ nào được lưu trữ: bộ phận CNTT cần xử lý."),
}
STATUS_CAUSE_VI = {"awaiting_signature": "chờ ký số", "failed": "lỗi xử lý", "pending": "chưa xử lý xong"}
PENDING_VI = ("Hồ sơ chưa được xử lý xong: bộ lập lịch (Luigi) không chạy hết các bước "
              "(xem tệp nhật ký của lần chạy).")
NONE_ARCHIVED_VI = ("Không hồ sơ nào được lưu trữ trong lần chạy: mọi tệp đều bị cách ly. "
                    "Kiểm tra máy quét, hồ sơ cấu hình máy quét (--profile) và các lý do cách ly.")


@dataclass(frozen=True)
class Skipped:
    """An inbox entry or dossier the run did not process, and why (a reason key)."""

    relative: str
    reason: str
    code: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Cause:
    """One cause of system failure and the dossiers it stopped."""

    status: str
    stage: str
    reason: str
    error: str
    message: str
    message_vi: str
    dossiers: tuple[Outcome, ...]

    def line_vi(self) -> str:
        """``13 hồ sơ chờ ký số (bước sign): <Vietnamese cause> [<error> (<reason>): <English message>]``."""
        what = STATUS_CAUSE_VI.get(self.status, self.status)
        stage = f" (bước {self.stage})" if self.stage else ""
        detail = f" [{self.error} ({self.reason}): {self.message}]" if self.error else ""
        return f"{len(self.dossiers)} hồ sơ {what}{stage}: {self.message_vi}{detail}"

    def as_json(self) -> dict:
        return {"status": self.status, "stage": self.stage, "reason": self.reason, "error": self.error,
                "message": self.message, "count": len(self.dossiers)}


@dataclass
class RunSummary:
    """Everything one run did (the dossiers it tried, and what it left alone)."""

    outcomes: list[Outcome]
    """The dossiers this run tried (new ones and ones resumed from an earlier run)."""
    started: datetime
    finished: datetime | None = None
    archived_before: int = 0
    """Dossiers of the inbox already archived by an earlier run (left alone)."""
    skipped: list[Skipped] = field(default_factory=list)
    """Inputs quarantined by an earlier run (``previously_quarantined``) and inbox entries intake
    set aside (symlinks, FIFOs, hidden files, bad manifests …)."""
    growing: int = 0
    """Inbox entries still being written, left for the next run."""
    stopped: str | None = None
    """Why the run stopped early (``disk_full`` …), if it did."""

    # -- counts ---------------------------------------------------------------------------------

    @property
    def counts(self) -> Counter:
        return Counter(o.status for o in self.outcomes)

    @property
    def archived(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "archived"]

    @property
    def previously_quarantined(self) -> list[Skipped]:
        return [s for s in self.skipped if s.reason == "previously_quarantined"]

    @property
    def inbox_problems(self) -> list[Skipped]:
        return [s for s in self.skipped if s.reason != "previously_quarantined"]

    @property
    def pages(self) -> int:
        return sum(len(o.detail.get("pages", [])) for o in self.archived)

    def causes(self) -> list[Cause]:
        """The system causes of failure, each with the dossiers it stopped, most frequent first."""
        # One cause per kind of failure; its message is the first dossier's (messages may name paths).
        groups: dict[tuple, list[Outcome]] = {}
        for o in self.outcomes:
            if o.status in SYSTEM_STATUSES:
                d = o.detail
                key = (o.status, d.get("stage", ""), d.get("reason", "") if d else "not_finished", d.get("error", ""),
                       d.get("message_vi") or (PENDING_VI if not d else ""))
                groups.setdefault(key, []).append(o)
        causes = [Cause(status, stage, reason, error, items[0].detail.get("message", ""), message_vi, tuple(items))
                  for (status, stage, reason, error, message_vi), items in groups.items()]
        if not causes and self.outcomes and not self.archived:
            causes.append(Cause("quarantined", "", "none_archived", "", "no dossier of the run was archived",
                                NONE_ARCHIVED_VI, tuple(self.outcomes)))
        return sorted(causes, key=lambda c: -len(c.dossiers))

    def exit_code(self) -> ExitCode:
        """Whose matter the run's result is (see the module's docstring)."""
        if self.causes():
            return ExitCode.FAILED
        if self.counts["quarantined"] or self.previously_quarantined:
            return ExitCode.INCOMPLETE
        return ExitCode.OK

    def as_json(self) -> dict:
        """The run's final summary record for the JSON-lines log (no personal data: counts and causes)."""
        counts, code = self.counts, self.exit_code()
        return {
            "exit_code": int(code), "result": code.name.lower(), "meaning": EXIT_MEANING[code][0],
            "started": self.started.isoformat(timespec="seconds"),
            "finished": (self.finished or self.started).isoformat(timespec="seconds"),
            "dossiers": {"tried": len(self.outcomes), "resumed": sum(o.resumed for o in self.outcomes),
                         "archived": counts["archived"], "quarantined": counts["quarantined"],
                         "awaiting_signature": counts["awaiting_signature"], "failed": counts["failed"],
                         "pending": counts["pending"], "archived_before": self.archived_before,
                         "previously_quarantined": len(self.previously_quarantined), "growing": self.growing},
            "inbox_problems": len(self.inbox_problems), "pages": self.pages,
            "fields_to_review": sum(1 for o in self.archived for f in o.detail.get("fields", {}).values()
                                    if f.get("needs_review")),
            "causes": [c.as_json() for c in self.causes()],
            **({"stopped": self.stopped} if self.stopped else {}),
        }
