"""The validated shape of ``configs/default.yaml`` (and of a site's own copy of it)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OcrSettings(_Frozen):
    """How pages are cleaned and read."""

    languages: str = Field("vie", description="Tesseract languages; 'vie' alone measured best.")
    psm: int = Field(4, ge=0, le=13, description="Tesseract page segmentation mode.")
    page_timeout: float = Field(180, gt=0, description="Seconds before OCR of one page is given up.")
    max_skew: float = Field(10.0, gt=0, le=45, description="Largest skew searched, degrees.")
    blank_min_glyphs: int = Field(12, ge=1, description="Pages with fewer glyph-like marks are blank backs.")


class FieldSettings(_Frozen):
    """Field extraction."""

    review_threshold: float = Field(0.80, ge=0, le=1,
                                    description="Fields below this confidence need a human look.")
    forms_dir: Path | None = Field(None, description="Folder of form templates; default configs/forms.")


class SigningSettings(_Frozen):
    """Who signs and how. With no key configured, a generated demo chain signs (labelled DEMO)."""

    mode: Literal["demo", "pkcs12", "pkcs11"] = "demo"
    agency: str = Field("Đơn vị thử nghiệm sohoa", description="Copying agency printed in the stamp.")
    copy_form: Literal["SAO Y", "SAO LỤC", "TRÍCH SAO"] = "SAO Y"
    pkcs12_file: Path | None = None
    passphrase_env: str | None = Field("SOHOA_P12_PASSPHRASE", description="Env var holding the passphrase.")
    passphrase_file: Path | None = Field(None, description="Owner-only file holding the passphrase.")
    pkcs11_module: Path | None = None
    token_label: str | None = None
    key_label: str | None = None
    pin_env: str | None = "SOHOA_PKCS11_PIN"
    pin_file: Path | None = None
    tsa_url: str | None = Field(None, description="RFC 3161 timestamp server; none = PAdES B-B.")
    trust_roots: tuple[Path, ...] = Field((), description="Extra trust anchors for `sohoa verify`.")
    font: Path = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


class ArchiveSettings(_Frozen):
    """Package codes (TT 05/2025) a province sets for its own archive."""

    agency_code: str = "DEMO"
    fonds_code: str = "DEMO"
    retention_file: Path | None = Field(None, description="Retention schedule; default configs/retention.yaml.")


class Settings(_Frozen):
    """Everything a run needs, validated once at start."""

    ocr: OcrSettings = OcrSettings()
    fields: FieldSettings = FieldSettings()
    signing: SigningSettings = SigningSettings()
    archive: ArchiveSettings = ArchiveSettings()
    settle_seconds: float = Field(2.0, ge=0, description="Inbox entries changing during this time are left for later.")
