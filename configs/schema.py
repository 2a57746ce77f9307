"""The validated shape of ``configs/default.yaml`` (and of a site's own copy of it)."""

from __future__ import annotations


from pydantic import BaseModel, ConfigDict, Field

from configs.archive_schema import ArchiveSettings
from configs.form_schema import FieldSettings
from configs.ocr_schema import OcrSettings
from configs.run_schema import RunSettings
from configs.review_schema import ReviewSettings
from configs.scanner_schema import IntakeSettings
from configs.signing_schema import SigningSettings


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Settings(_Frozen):
    """Everything a run needs, validated once at start."""

    ocr: OcrSettings = OcrSettings()
    fields: FieldSettings = FieldSettings()
    signing: SigningSettings = SigningSettings()
    archive: ArchiveSettings = ArchiveSettings()
    run: RunSettings = RunSettings()
    review: ReviewSettings = ReviewSettings()
    intake: IntakeSettings = IntakeSettings()
    settle_seconds: float = Field(2.0, ge=0, description="Inbox entries changing during this time are left for later.")
