"""What happened to each dossier: archived, quarantined (bad input) or failed — written as files.

Luigi runs the tasks in other processes and, scaled out, on other machines: the only account of a
dossier that holds in every set-up is what its tasks left on disk. A record in the archive means
archived; a quarantine reason means its input was bad (a clerk's matter); a failure note in the
work folder means it failed for a system reason (an IT matter), with the cause in words.
"""

from __future__ import annotations

import errno
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline import paths
from sohoa.clock import now_vn
from sohoa.errors import InputFileError, SohoaError
from sohoa.files import atomic_dir, write_text_atomic


def _now() -> str:
    return now_vn().isoformat(timespec="seconds")


def quarantine(archive: Path, dossier_id: str, source: Path, relative: str, error: InputFileError) -> Path:
    """Copy the bad original beside a reason file (Vietnamese and English); never move or delete it.

    The copy is made in a temporary folder and renamed into place, so a killed run never leaves a
    half copy that looks like the original. A file that cannot be read at all is noted, not copied.
    """
    qdir = paths.quarantine_dir(archive, dossier_id)
    qdir.mkdir(parents=True, exist_ok=True)
    copied = True
    if not (qdir / "original").exists():
        try:
            with atomic_dir(qdir / "original") as tmp:
                _copy_private(source, tmp / Path(relative.rstrip("/")).name)
        except PermissionError:
            copied = False
    reason = {"dossier_id": dossier_id, "source": relative, "reason": error.reason,
              "message_en": error.message, "message_vi": error.message_vi, "time": _now(), "copied": copied}
    write_text_atomic(paths.quarantine_reason(archive, dossier_id), json.dumps(reason, ensure_ascii=False, indent=1))
    not_copied = "" if copied else "Không sao chép được tệp gốc (không có quyền đọc); tệp vẫn ở thư mục nhận.\n"
    write_text_atomic(qdir / "reason.txt",
                      f"Tệp: {relative}\nLý do: {error.message_vi}\nReason: {error.message}\n"
                      f"Mã lý do / reason code: {error.reason}\nThời gian: {reason['time']}\n{not_copied}")
    return qdir


def _copy_private(source: Path, target: Path) -> None:
    """Copy a file or folder with our umask's permissions (never the share's modes); links are not followed."""
    if source.is_symlink():
        return
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink())
    for file in files:
        dest = target if file == source else target / file.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, dest, follow_symlinks=False)


FATAL_ERRNOS = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "archive_read_only"}
FATAL_VI = {"disk_full": "Ổ đĩa đã đầy: lần chạy đã dừng, không có gói lưu trữ nào bị ghi dở.",
            "archive_read_only": "Kho lưu trữ chỉ đọc: lần chạy đã dừng, không có gói lưu trữ nào bị ghi dở."}


def fatal_reason(error: BaseException) -> str | None:
    """``disk_full`` or ``archive_read_only`` when an error means no dossier can go on."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in FATAL_ERRNOS:
            return FATAL_ERRNOS[error.errno]
        error = error.__cause__ or error.__context__
    return None


def request_stop(work: Path, reason: str) -> None:
    """Ask every worker (on every machine sharing ``work``) to start no more dossiers."""
    try:
        stop = paths.stop_file(work)
        stop.parent.mkdir(parents=True, exist_ok=True)
        stop.write_text(json.dumps({"reason": reason, "time": _now()}), encoding="utf-8")
    except OSError:
        pass  # the disk may be too full even for this; the failure notes still tell


def stop_requested(work: Path) -> str | None:
    """The reason a stop was requested in this run, if any."""
    stop = paths.stop_file(work)
    try:
        return json.loads(stop.read_text(encoding="utf-8"))["reason"]
    except (OSError, ValueError, KeyError):
        return None


INTERNAL_VI = "Lỗi nội bộ của chương trình: báo cho bộ phận CNTT kèm tệp nhật ký."


def record_failure(work: Path, dossier_id: str, stage: str, error: BaseException) -> None:
    """Note why a dossier failed for a reason other than its input, in English and Vietnamese.

    The message is the error's own (our errors hold no field values); an unexpected error's
    text is kept short and its digit runs masked, since a library may quote what it read.
    """
    from sohoa.logs import redact

    ours = isinstance(error, SohoaError)
    body = {"stage": stage, "reason": error.reason if ours else "internal_error", "error": type(error).__name__,
            "message": redact(str(error) if ours else str(error)[:300])[:500],
            "message_vi": error.message_vi if ours else INTERNAL_VI, "time": _now()}
    write_text_atomic(paths.failure_file(work, dossier_id), json.dumps(body, ensure_ascii=False))


def clear_failure(work: Path, dossier_id: str) -> None:
    """Forget an earlier failure once the dossier is archived."""
    paths.failure_file(work, dossier_id).unlink(missing_ok=True)


SYSTEM_STATUSES = frozenset({"failed", "awaiting_signature", "pending"})
"""Outcomes that are IT staff's matter, not the clerks' (exit code ``FAILED``)."""


@dataclass(frozen=True)
class Outcome:
    """The state of one dossier after a run."""

    dossier_id: str
    relative: str
    status: str
    """``archived``, ``quarantined``, ``awaiting_signature``, ``failed`` or ``pending``."""
    detail: dict
    code: str = ""
    """The dossier code (mã hồ sơ) as intake found it, or as archived; empty when none yet."""
    resumed: bool = False
    """Work on it had started in an earlier run."""

    @property
    def shown_code(self) -> str:
        """The code to show a person: the archived one, else intake's, else a placeholder."""
        archived = self.detail.get("code") if self.status == "archived" else None
        return archived or self.code or "(chưa có mã)"


def outcome_of(archive: Path, work: Path, dossier_id: str, relative: str, *, since: float,
               code: str = "", resumed: bool = False) -> Outcome:
    """Read the dossier's files to tell what became of it in the run that started at ``since``."""
    record = paths.record_file(archive, dossier_id)
    facts = {"code": code or "", "resumed": resumed}
    if record.exists():
        return Outcome(dossier_id, relative, "archived", json.loads(record.read_text(encoding="utf-8")), **facts)
    from pipeline.joining import read_marker

    joined = read_marker(archive, dossier_id)  # a result that joined its dossier: archived there
    if joined is not None:
        return Outcome(dossier_id, relative, "archived", joined, **facts)
    reason = paths.quarantine_reason(archive, dossier_id)
    if reason.exists() and reason.stat().st_mtime >= since - 1:
        return Outcome(dossier_id, relative, "quarantined", json.loads(reason.read_text(encoding="utf-8")), **facts)
    failure = paths.failure_file(work, dossier_id)
    if failure.exists():
        detail = json.loads(failure.read_text(encoding="utf-8"))
        # A signing failure (token missing, wrong PIN, TSA down) is not the dossier's fault: it
        # waits for its signature and the next run retries it.
        status = "awaiting_signature" if detail.get("stage") == "sign" else "failed"
        return Outcome(dossier_id, relative, status, detail, **facts)
    return Outcome(dossier_id, relative, "pending", {}, **facts)
