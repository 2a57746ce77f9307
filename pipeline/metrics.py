"""Figures for monitoring: a Prometheus text file written at the end of every run.

node_exporter's textfile collector reads ``*.prom`` files from one folder
(``--collector.textfile.directory``); point ``run.metrics-file`` (or ``sohoa run --metrics-file``)
at a file there. It holds counts only, no personal data, and is world-readable so the exporter's
own user can read it. An alert rule on ``sohoa_last_success_timestamp_seconds`` catches a batch
that stopped running, one on ``sohoa_run_exit_code == 8`` a batch that fails.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from pipeline import paths
from pipeline.report import page_items, review_items
from pipeline.summary import RunSummary
from sohoa.errors import ExitCode
from sohoa.files import write_text_atomic

_LAST_SUCCESS = re.compile(r"^sohoa_last_success_timestamp_seconds\s+(\S+)\s*$", re.MULTILINE)


def _count_records(archive: Path) -> int:
    try:
        return sum(1 for e in os.scandir(paths.records_dir(archive)) if e.name.endswith(".json"))
    except OSError:
        return 0


def _previous_success(path: Path) -> float | None:
    try:
        match = _LAST_SUCCESS.search(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    return float(match.group(1)) if match else None


def render(summary: RunSummary, archive: Path, *, exit_code: int, last_success: float | None,
           now: float | None = None) -> str:
    """The metrics of one run in the Prometheus text format."""
    now = now or time.time()
    counts = summary.counts
    outcomes = {"archived": counts["archived"], "quarantined": counts["quarantined"],
                "awaiting_signature": counts["awaiting_signature"], "failed": counts["failed"],
                "pending": counts["pending"], "archived_before": summary.archived_before,
                "previously_quarantined": len(summary.previously_quarantined), "growing": summary.growing}
    review_dossiers = {o.dossier_id for o, _, _ in review_items(summary.outcomes)} | \
        {o.dossier_id for o, _, _ in page_items(summary.outcomes)}
    duration = ((summary.finished or summary.started) - summary.started).total_seconds()
    metrics = [
        ("sohoa_run_dossiers", "gauge", "Dossiers of the last run, by outcome.",
         [(f'{{outcome="{k}"}}', v) for k, v in outcomes.items()]),
        ("sohoa_run_pages", "gauge", "Pages archived by the last run.", [("", summary.pages)]),
        ("sohoa_run_failures", "gauge", "Dossiers of the last run that failed for a system reason.",
         [("", counts["failed"] + counts["awaiting_signature"] + counts["pending"])]),
        ("sohoa_run_inbox_problems", "gauge", "Inbox entries the last run set aside.",
         [("", len(summary.inbox_problems))]),
        ("sohoa_run_review_dossiers", "gauge", "Dossiers archived by the last run that need a person's look.",
         [("", len(review_dossiers))]),
        ("sohoa_run_review_fields", "gauge", "Fields archived by the last run flagged for review.",
         [("", len(review_items(summary.outcomes)))]),
        ("sohoa_run_exit_code", "gauge", "Exit code of the last run (0 ok, 3 quarantined inputs, 8 system failure).",
         [("", exit_code)]),
        ("sohoa_run_duration_seconds", "gauge", "Duration of the last run.", [("", round(duration, 1))]),
        ("sohoa_run_end_timestamp_seconds", "gauge", "When the last run ended (Unix time).", [("", round(now))]),
        ("sohoa_archive_dossiers", "gauge", "Dossiers in the archive (export records).",
         [("", _count_records(archive))]),
    ]
    if last_success is not None:
        metrics.append(("sohoa_last_success_timestamp_seconds", "gauge",
                        "When a run last ended without a system failure (exit 0 or 3; Unix time).",
                        [("", round(last_success))]))
    lines = []
    for name, kind, text, samples in metrics:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{labels} {value}" for labels, value in samples]
    return "\n".join(lines) + "\n"


def write_metrics(path: Path, summary: RunSummary, archive: Path, *, exit_code: int) -> None:
    """Write the run's metrics to ``path`` atomically (the collector never reads half a file)."""
    now = time.time()
    ok = exit_code in (ExitCode.OK, ExitCode.INCOMPLETE)
    last_success = now if ok else _previous_success(path)
    write_text_atomic(path, render(summary, archive, exit_code=exit_code, last_success=last_success, now=now),
                      perms=0o644)
