"""Where every file of a run lives: each dossier's stage files in the work folder, and the archive's
own folders (records, quarantine, reports, logs, the run lock). The one home of these names."""

from __future__ import annotations

import os
from pathlib import Path

# --- a dossier's files in the work folder, in the order the stages write them -------------------
INTAKE = "intake.json"
"""The dossier's code and separator sheets as intake found them (written before any stage)."""
SOURCE = "source.json"
"""The digest and kind of exactly the bytes the scan was read from."""
PAGES = "pages.json"
PAGES_DIR = "pages"
GEOMETRY = "geometry.json"
CLEAN_DIR = "clean"
OCR = "ocr.json"
OCR_DIR = "ocr"
FIELDS = "fields.json"
PDFA = "document.pdf"
SIGNED = "signed.pdf"
SIGN = "sign.json"
"""Written after ``signed.pdf``: its presence means the signature is complete."""
TEXT = "text.txt"
RECORD = "record.json"
"""The export record the archive stage hands over with the package."""
FAILURE = "failure.json"

STAGING = "staging"
"""The work folder's area for dossiers cut out of stacked scans (not a dossier)."""


def dossier_dir(work: Path, dossier_id: str) -> Path:
    """The dossier's own folder in the work area."""
    return work / dossier_id


def stage_file(work: Path, dossier_id: str, name: str) -> Path:
    """A stage's output file for a dossier (:data:`PAGES`, :data:`GEOMETRY`, :data:`OCR` …)."""
    return dossier_dir(work, dossier_id) / name


def failure_file(work: Path, dossier_id: str) -> Path:
    """Why the last attempt at a dossier failed (not an input problem)."""
    return dossier_dir(work, dossier_id) / FAILURE


def stop_file(work: Path) -> Path:
    """Present while a run must start no more dossiers (disk full, archive read-only)."""
    return work / ".stop"


# --- the archive -------------------------------------------------------------------------------

def records_dir(archive: Path) -> Path:
    """The export records, one per archived dossier."""
    return archive / "records"


def record_file(archive: Path, dossier_id: str) -> Path:
    """The dossier's export record: its presence means the dossier is archived."""
    return records_dir(archive) / f"{dossier_id}.json"


def quarantine_root(archive: Path) -> Path:
    """Where bad inputs go, one folder per dossier."""
    return archive / "quarantine"


def quarantine_dir(archive: Path, dossier_id: str) -> Path:
    """Where a bad input's copy and its reason file go."""
    return quarantine_root(archive) / dossier_id


def quarantine_reason(archive: Path, dossier_id: str) -> Path:
    """The reason file of a quarantined input: its presence means the input was quarantined."""
    return quarantine_dir(archive, dossier_id) / "reason.json"


def reports_dir(archive: Path) -> Path:
    """The run reports (Vietnamese text and HTML), readable by the archive's group."""
    return archive / "reports"


def logs_dir(archive: Path) -> Path:
    """The JSON-lines run logs."""
    return archive / "logs"


def run_lock_dir(archive: Path) -> Path:
    """The run lock: one file per running ``sohoa run`` (see :mod:`pipeline.runlock`)."""
    return archive / ".run-lock"


def demo_pki_dir() -> Path:
    """Where the generated demo certificate chain lives (``SOHOA_DEMO_PKI`` overrides)."""
    env = os.environ.get("SOHOA_DEMO_PKI")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "sohoa" / "demo-pki"
