"""Retention schedule (thời hạn lưu trữ): which ``maintenance`` code a dossier gets, and when it is reviewed.

The schedule is data (``configs/retention.yaml``), because only hộ tịch (vĩnh viễn) is settled by
the rules found; other TTHC categories stay ``confirmed: false`` until the agency archive fixes
them (regulations.md §2.3). Periods count from the year the matter ended (TT 10/2022/TT-BNV), so
the review year is ``end_year + years``. Nothing here deletes anything: the review year only puts
a dossier on the "Xem xét hủy" list for the appraisal council.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

import configs
from archive.model import FORM_TYPES, MAINTENANCE_YEARS

DEFAULT_SCHEDULE = Path(configs.__file__).resolve().parent / "retention.yaml"
FALLBACK_CATEGORY = "unknown"


class RetentionRule(BaseModel):
    """The retention of one dossier category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    maintenance: str = Field(description="TT 05/2025 maintenance code 01 (vĩnh viễn) … 07 (khác).")
    years: int | None = Field(default=None, ge=1,
                              description="Period in years; none for 01; must match codes 02-06.")
    basis: str = Field(min_length=1, description="Legal basis (căn cứ) or why it is provisional.")
    confirmed: bool = Field(description="False while the rules found do not settle the period.")

    @model_validator(mode="after")
    def _code_matches_years(self) -> RetentionRule:
        """Check the code is known and agrees with ``years``."""
        if self.maintenance not in MAINTENANCE_YEARS:
            raise ValueError("maintenance must be one of 01-07")
        fixed = MAINTENANCE_YEARS[self.maintenance]
        if self.maintenance == "01" and self.years is not None:
            raise ValueError("maintenance 01 (vĩnh viễn) takes no years")
        if fixed is not None and self.years not in (None, fixed):
            raise ValueError(f"maintenance {self.maintenance} means {fixed} years")
        if self.maintenance == "07" and self.years is None:
            raise ValueError("maintenance 07 (khác) needs years")
        return self


class RetentionSchedule(BaseModel):
    """The whole schedule: one rule per dossier category (form type)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: dict[str, RetentionRule] = Field(description="Form type → retention rule.")

    @model_validator(mode="after")
    def _covers_every_form(self) -> RetentionSchedule:
        """Every form type the pipeline knows must have a rule, ``unknown`` included."""
        missing = sorted(FORM_TYPES - set(self.rules))
        if missing:
            raise ValueError(f"no rule for form types: {', '.join(missing)}")
        return self


@dataclass(frozen=True)
class RetentionInfo:
    """The retention of one dossier.

    Attributes:
        maintenance: TT 05/2025 code 01..07.
        years: Period in years; None for vĩnh viễn.
        basis: Legal basis text from the schedule.
        confirmed: False when the period is provisional.
        review_year: Year the retention runs out (end year + years); None for vĩnh viễn.
        end_year: Year the matter ended (năm công việc kết thúc), when known.
    """

    maintenance: str
    years: int | None
    basis: str
    confirmed: bool
    review_year: int | None
    end_year: int | None = None

    @property
    def expires_on(self) -> date | None:
        """Last day of the retention term: 31/12 of the review year (None for vĩnh viễn).

        The term counts whole years from the year the matter ended (TT 10/2022/TT-BNV): a 10-year
        dossier whose matter ended in 2014 is kept to 31/12/2024 and is due from 01/01/2025.
        """
        return date(self.review_year, 12, 31) if self.review_year is not None else None


def load_schedule(path: Path = DEFAULT_SCHEDULE) -> RetentionSchedule:
    """Read and validate the retention schedule.

    Args:
        path: The YAML file; ``configs/retention.yaml`` by default.

    Returns:
        The validated schedule.

    Raises:
        ConfigError: The file is missing or invalid (the message names file, line and key).
    """
    return configs.load_model(path, RetentionSchedule)


def retention_for(schedule: RetentionSchedule, form_type: str, end_year: int) -> RetentionInfo:
    """Look up the retention of a dossier.

    Args:
        schedule: The loaded schedule.
        form_type: The classified form type; an unlisted type gets the ``unknown`` rule.
        end_year: Year the matter ended (năm công việc kết thúc).

    Returns:
        The retention, with the review year ``end_year + years`` (None when permanent).
    """
    rule = schedule.rules.get(form_type) or schedule.rules[FALLBACK_CATEGORY]
    review = end_year + rule.years if rule.years is not None else None
    return RetentionInfo(rule.maintenance, rule.years, rule.basis, rule.confirmed, review, end_year)
