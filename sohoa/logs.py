"""Logging for runs: a quiet console, JSON lines in a per-run log file, personal data redacted.

The console is for people watching a run or reading the journal: warnings and errors only (the
Vietnamese progress line and summary are printed, not logged). Every detail, in English, goes to
the JSON-lines log file for IT staff and monitoring tools, ending with one summary record.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

# CCCD/CMND/phone numbers, also written in groups ("001 234 567 890", "0912.345.678").
_DIGIT_RUN = re.compile(r"\d(?:[ .-]?\d){8,11}")


def redact(text: str) -> str:
    """``text`` with runs of 9-12 digits (CCCD/CMND/phone numbers) masked."""
    return _DIGIT_RUN.sub("[số ẩn]", text)


class RedactFilter(logging.Filter):
    """Mask runs of 9-12 digits (CCCD/CMND/phone numbers) in every log message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _DIGIT_RUN.search(message):
            record.msg, record.args = redact(message), ()
        return True


# Facts a record may carry (``extra=``): stage timings, counts, the run's final summary. Never
# field values.
METRIC_KEYS = ("stage", "wall_s", "cpu_s", "summary")


class JsonLines(logging.Formatter):
    """One JSON object per log record, for IT staff's log tools."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage(), "process": record.process}
        entry.update({key: getattr(record, key) for key in METRIC_KEYS if hasattr(record, key)})
        if record.exc_info:
            entry["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


CONSOLE_SILENT = ("sohoa.pipeline", "sohoa.summary")
"""Loggers whose records go to the log file only (unless verbose): each dossier's stage lines and
failures, and the run's final record; the Vietnamese summary tells the same to people."""


def _for_people(record: logging.LogRecord) -> bool:
    return not record.name.startswith(CONSOLE_SILENT)


class _Console(logging.Formatter):
    """``HH:MM:SS LEVEL message``; tracebacks only when verbose (they go to the log file)."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks:
            return super().format(record)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def setup(*, verbose: bool, log_file: Path | None) -> None:
    """Configure the root logger once per process.

    Args:
        verbose: Everything on the console, with tracebacks (``--verbose``).
        log_file: The run's JSON-lines log (every level); None for commands that keep no log.
    """
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(_Console(tracebacks=verbose))
    console.addFilter(RedactFilter())
    if not verbose:
        console.addFilter(_for_people)
    root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(JsonLines())
        handler.addFilter(RedactFilter())
        root.addHandler(handler)
    # Luigi logs every failed task with a traceback at ERROR; our own lines say what failed and
    # why (tracebacks go to the log file). pyHanko may log certificate subjects (personal names)
    # and logs validation failures with tracebacks: the verdict says what failed.
    quiet = {"luigi": logging.WARNING, "luigi-interface": logging.CRITICAL, "PIL": logging.WARNING,
             "pyhanko": logging.CRITICAL, "pyhanko_certvalidator": logging.CRITICAL, "fontTools": logging.ERROR}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else level)
