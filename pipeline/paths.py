"""Where every stage's file for a dossier lives, in the work folder and in the archive."""

from __future__ import annotations

from pathlib import Path


def dossier_dir(work: Path, dossier_id: str) -> Path:
    """The dossier's own folder in the work area."""
    return work / dossier_id


def stage_file(work: Path, dossier_id: str, name: str) -> Path:
    """A stage's output file for a dossier (``pages.json``, ``geometry.json``, ``ocr.json`` …)."""
    return dossier_dir(work, dossier_id) / name


def record_file(archive: Path, dossier_id: str) -> Path:
    """The dossier's export record: its presence means the dossier is archived."""
    return archive / "records" / f"{dossier_id}.json"


def quarantine_dir(archive: Path, dossier_id: str) -> Path:
    """Where a bad input's copy and its reason file go."""
    return archive / "quarantine" / dossier_id


def failure_file(work: Path, dossier_id: str) -> Path:
    """Why the last attempt at a dossier failed (not an input problem)."""
    return dossier_dir(work, dossier_id) / "failure.json"


def stop_file(work: Path) -> Path:
    """Present while a run must start no more dossiers (disk full, archive read-only)."""
    return work / ".stop"


def demo_pki_dir() -> Path:
    """Where the generated demo certificate chain lives (``SOHOA_DEMO_PKI`` overrides)."""
    import os

    env = os.environ.get("SOHOA_DEMO_PKI")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "sohoa" / "demo-pki"
