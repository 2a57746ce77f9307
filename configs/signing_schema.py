"""The validated shape of the ``signing`` section of the site configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
