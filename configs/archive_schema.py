"""The validated shape of the ``archive`` section of the site configuration."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArchiveSettings(_Frozen):
    """Package codes (TT 05/2025) a province sets for its own archive."""

    agency_code: str = "DEMO"
    fonds_code: str = "DEMO"
    retention_file: Path | None = Field(None, description="Retention schedule; default configs/retention.yaml.")
