"""What ``sohoa verify`` prints: one verdict per file, in Vietnamese or as JSON.

The command in ``pipeline/cli.py`` only finds the files and calls :func:`verify_files` and
:func:`render_vi` / :func:`render_json`; the wording lives here, next to the checks it explains.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sohoa.clock import VN_TZ
from sohoa.errors import ConfigError

from .verify import SignatureReport, verify_pdf

__all__ = ["FileVerdict", "parse_validation_time", "render_json", "render_vi", "verify_files"]

_PROBLEMS = {
    "unsigned": ("the file has no signature", "tệp không có chữ ký số"),
    "unreadable": ("the file cannot be read as a PDF (damaged or not a PDF)",
                   "không đọc được tệp PDF (tệp hỏng hoặc không phải PDF)"),
    "modified": ("the file was changed after signing: the signed bytes no longer match the signature",
                 "tệp đã bị thay đổi sau khi ký: nội dung không còn khớp với chữ ký"),
    "bad_signature": ("the signature value does not verify", "giá trị chữ ký không hợp lệ"),
    "expired": (("the signer's certificate had expired at the validation time, and the file holds no "
                "long-term validation data (B-LTA) that proves the signature was made while it was valid"),
                ("chứng thư số của người ký đã hết hạn tại thời điểm kiểm tra và tệp không có dữ liệu kiểm tra "
                "dài hạn (B-LTA) chứng minh chữ ký được tạo khi chứng thư còn hiệu lực")),
    "untrusted": ("the signer's certificate does not chain to a configured trust root",
                  "chứng thư số của người ký không thuộc chuỗi tin cậy đã cấu hình"),
}


@dataclass(frozen=True)
class FileVerdict:
    """The verdict on one file and the reports of its signatures."""

    path: Path
    signatures: tuple[SignatureReport, ...]
    problems: tuple[str, ...]
    """Keys of :data:`_PROBLEMS`; empty when the file passes."""

    @property
    def ok(self) -> bool:
        """Every signature intact, valid and trusted, and at least one."""
        return not self.problems


def verify_files(pdfs: Sequence[Path], *, trust_roots: Sequence[Path],
                 at: datetime | None = None) -> list[FileVerdict]:
    """Check every signature of every file against ``trust_roots`` (offline), now or as of ``at``."""
    return [_verdict(pdf, verify_pdf(pdf, trust_roots=trust_roots, at=at)) for pdf in pdfs]


def parse_validation_time(text: str) -> datetime:
    """Read ``--at``: an ISO 8601 date or date-time; without an offset it is Vietnam time.

    ``2060-01-01`` means the start of that day, +07:00.

    Raises:
        ConfigError: The text is not an ISO 8601 date or date-time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(f"Not an ISO 8601 date or date-time: {text!r} (e.g. 2060-01-01 or "
                          "2060-01-01T08:00:00+07:00)",
                          message_vi="Thời điểm kiểm tra phải theo ISO 8601, ví dụ 2060-01-01.") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VN_TZ)


def _verdict(path: Path, reports: list[SignatureReport]) -> FileVerdict:
    problems: list[str] = []
    if not reports:
        problems.append("unsigned")
    for r in reports:
        if r.error is not None and r.signer is None:
            key = "unreadable"
        elif not r.intact:
            key = "modified"
        elif not r.valid:
            key = "bad_signature"
        elif not r.trusted and r.signer_expired:
            key = "expired"
        elif not r.trusted:
            key = "untrusted"
        else:
            continue
        if key not in problems:
            problems.append(key)
    return FileVerdict(path, tuple(reports), tuple(problems))


def render_json(verdicts: Sequence[FileVerdict]) -> str:
    """A JSON array, one object per file."""
    return json.dumps([_as_dict(v) for v in verdicts], ensure_ascii=False, indent=1)


def _as_dict(v: FileVerdict) -> dict:
    return {
        "path": str(v.path), "ok": v.ok, "problems": list(v.problems),
        "messages": [_PROBLEMS[p][0] for p in v.problems],
        "signatures": [{
            "intact": r.intact, "valid": r.valid, "trusted": r.trusted, "ltv": r.ltv,
            "level": r.level, "signer": r.signer,
            "signing_time": _iso(r.signing_time), "timestamp_time": _iso(r.timestamp_time),
            "archive_timestamp_time": _iso(r.archive_timestamp_time),
            "validated_at": _iso(r.validated_at), "ltv_indication": r.ltv_indication,
            "signer_expired": r.signer_expired,
            "covers_whole_file": r.covers_whole_file, "error": r.error,
        } for r in v.signatures],
    }


def render_vi(verdicts: Sequence[FileVerdict]) -> str:
    """Vietnamese text: one block per file, then a total line."""
    lines = []
    for v in verdicts:
        lines.append(f"{'ĐẠT' if v.ok else 'KHÔNG ĐẠT'}: {v.path}")
        lines.extend(f"  - Lỗi: {_PROBLEMS[p][1]}." for p in v.problems)
        for r in v.signatures:
            if r.signer is None:
                continue
            lines.append(
                f"  Chữ ký của: {r.signer}; mức {r.level or 'không phải PAdES'}; "
                f"toàn vẹn: {_yes(r.intact)}; tin cậy: {_yes(r.trusted)}; "
                f"kiểm tra dài hạn (LTV): {_yes(r.ltv)}; thời điểm ký: {_iso(r.signing_time) or '-'}; "
                f"dấu thời gian: {_iso(r.timestamp_time) or 'không có'}; "
                f"kiểm tra tại thời điểm: {_iso(r.validated_at) or '-'}"
                + ("; chứng thư người ký đã hết hạn tại thời điểm này" if r.signer_expired else ""))
    failed = sum(not v.ok for v in verdicts)
    lines.append(f"Tổng: {len(verdicts)} tệp, {len(verdicts) - failed} đạt, {failed} không đạt.")
    return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "có" if flag else "KHÔNG"


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None
