"""The validated shape of the ``archive`` section of the site configuration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CATALOG_URL = re.compile(r"^(sqlite|postgresql)(\+\w+)?://\S*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArchiveSettings(_Frozen):
    """Package codes (TT 05/2025) a province sets for its own archive, and where its catalog lives."""

    agency_code: str = Field("DEMO", description="Mã cơ quan lưu trữ: in package identifiers and arcFileCode.")
    fonds_code: str = Field("DEMO", description="Mã phông: in every EAD arcFileCode (agency.fonds.dossier code).")
    physical_condition: Literal["01", "02", "03"] | None = Field(
        None, description="Tình trạng vật lý (EAD format) of the paper when intake does not record it per dossier: "
                          "01 tốt, 02 bình thường, 03 hỏng; empty when nobody looked.")
    retention_file: Path | None = Field(None, description="Retention schedule; default configs/retention.yaml.")
    catalog_url: str | None = Field(
        None, description="Catalog database (SQLAlchemy URL, sqlite:// or postgresql://); default: the "
                          "archive's own catalog.sqlite. Keep the password out of it (~/.pgpass).")
    backup_copies: int = Field(2, ge=1, le=20, description="Verified backup copies each package should have, "
                                                           "each on its own device (TT 05/2025: at least two).")

    @field_validator("catalog_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        """A sqlite or postgresql URL (the value is never echoed: it may hold a password)."""
        if value and not _CATALOG_URL.match(value):
            raise ValueError("must be a sqlite:// or postgresql:// database URL")
        return value or None
