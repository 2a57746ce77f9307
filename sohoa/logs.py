"""Logging for runs: short lines on stderr, JSON lines in a per-run log file, personal data redacted."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

# CCCD/CMND/phone numbers, also written in groups ("001 234 567 890", "0912.345.678").
_DIGIT_RUN = re.compile(r"\d(?:[ .-]?\d){8,11}")


class RedactFilter(logging.Filter):
    """Mask runs of 9-12 digits (CCCD/CMND/phone numbers) in every log message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _DIGIT_RUN.search(message):
            record.msg, record.args = _DIGIT_RUN.sub("[số ẩn]", message), ()
        return True


# Numeric facts a record may carry (``extra=``): stage timings, counts. Never text.
METRIC_KEYS = ("stage", "wall_s", "cpu_s")


class JsonLines(logging.Formatter):
    """One JSON object per log record, for IT staff's log tools."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage(), "process": record.process}
        entry.update({key: getattr(record, key) for key in METRIC_KEYS if hasattr(record, key)})
        if record.exc_info:
            entry["traceback"] = _DIGIT_RUN.sub("[số ẩn]", self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def setup(*, verbose: bool, log_file: Path | None) -> None:
    """Configure the root logger once per process."""
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    console.addFilter(RedactFilter())
    root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(JsonLines())
        handler.addFilter(RedactFilter())
        root.addHandler(handler)
    # Luigi logs every failed task with a traceback at ERROR; our own lines say what failed and
    # why (tracebacks go to the log file). pyHanko may log certificate subjects (personal names).
    quiet = {"luigi": logging.WARNING, "luigi-interface": logging.CRITICAL, "PIL": logging.WARNING,
             "pyhanko": logging.ERROR, "pyhanko_certvalidator": logging.ERROR, "fontTools": logging.ERROR}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else level)
