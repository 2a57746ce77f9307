"""Scanner profiles: load ``configs/scanners/<name>.yaml`` (or any profile file) into a validated model."""

from __future__ import annotations

from pathlib import Path

from configs import load_model
from configs.scanner_schema import SCANNER_DIR, ScannerProfile, profile_path

__all__ = ["ScannerProfile", "load_profile", "profile_names"]


def load_profile(name_or_path: str | Path = "default") -> ScannerProfile:
    """The profile named ``name_or_path`` in ``configs/scanners/``, or read from that file.

    Raises:
        sohoa.errors.ConfigError: the file is missing, not YAML, or has an unknown or invalid key
            (the message names the file, the line and the key).
    """
    return load_model(profile_path(name_or_path), ScannerProfile)


def profile_names() -> list[str]:
    """Names of the profiles shipped in ``configs/scanners/``."""
    return sorted(p.stem for p in SCANNER_DIR.glob("*.yaml"))
