"""The one exception hierarchy of sohoa, and the process exit codes.

Every error carries a stable ``reason`` key (used in quarantine files and reports), an English
message for logs and a Vietnamese message for clerks. Messages never contain field values
(names, CCCD numbers, addresses): personal data stays out of logs (NĐ 13/2023/NĐ-CP).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``sohoa`` command (documented in the README)."""

    OK = 0
    """Every dossier of the run was archived (or there was nothing new to do)."""
    INCOMPLETE = 3
    """The run finished; some inputs were quarantined as bad scans: the clerks' matter (the report)."""
    CONFIG = 4
    """The configuration or the command line is invalid: nothing was processed."""
    MISSING_TOOL = 5
    """A required program (Tesseract, its Vietnamese data, poppler) is missing."""
    CANNOT_RUN = 6
    """The command could not start or had to stop (a folder missing, not an archive or not writable,
    another run on the archive, disk full, scheduler down)."""
    VERIFY_FAILED = 7
    """``sohoa verify`` or ``sohoa fixity`` found a file that does not pass."""
    FAILED = 8
    """The run finished, but dossiers failed for a system reason (signing, an internal error, a tool
    crash), or none was archived: IT staff's matter; the summary names each cause."""
    INTERRUPTED = 130


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose."""

    exit_code: ExitCode = ExitCode.CANNOT_RUN
    reason: str = "error"
    message_vi: str = "Lỗi không xác định."

    def __init__(self, message: str, *, reason: str | None = None, message_vi: str | None = None):
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        if message_vi is not None:
            self.message_vi = message_vi

    @property
    def message(self) -> str:
        """The English message."""
        return str(self)


class InputFileError(SohoaError):
    """A scanner file cannot be used as it is: the dossier goes to quarantine."""

    exit_code = ExitCode.INCOMPLETE
    reason = "unreadable_input"
    message_vi = "Không đọc được tệp quét."


class UnsupportedInputError(InputFileError):
    """A file in the inbox is not a kind of scanner output sohoa reads."""

    reason = "unsupported_input"
    message_vi = "Tệp không phải là ảnh quét hoặc PDF được hỗ trợ."


class EncryptedPdfError(InputFileError):
    """A PDF in the inbox is encrypted or password-protected."""

    reason = "encrypted_pdf"
    message_vi = "Tệp PDF bị mã hóa hoặc có mật khẩu."


class ToolError(SohoaError):
    """An external program failed or timed out."""

    reason = "tool_failed"
    message_vi = "Một chương trình xử lý bị lỗi hoặc quá thời gian."

    def __init__(self, message: str, *, tool: str, returncode: int | None = None,
                 stderr: str = "", reason: str | None = None):
        super().__init__(message, reason=reason)
        self.tool = tool
        self.returncode = returncode
        self.stderr_tail = stderr[-2000:]


class ToolMissingError(SohoaError):
    """A required program or its data is not installed."""

    exit_code = ExitCode.MISSING_TOOL
    reason = "tool_missing"
    message_vi = "Thiếu chương trình cần thiết (xem README để cài đặt)."


class ConfigError(SohoaError):
    """The configuration is invalid; the message names the file and the key."""

    exit_code = ExitCode.CONFIG
    reason = "config_invalid"
    message_vi = "Cấu hình không hợp lệ."


class SigningError(SohoaError):
    """A document could not be signed (key, token, PIN, timestamp server)."""

    reason = "signing_failed"
    message_vi = "Không ký số được tài liệu."


class ArchiveError(SohoaError):
    """The archive cannot be written or a package is damaged."""

    reason = "archive_failed"
    message_vi = "Không ghi được vào kho lưu trữ."
