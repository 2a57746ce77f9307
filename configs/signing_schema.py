"""The validated shape of the ``signing`` section of the site configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
CopyForm = Literal["SAO Y", "SAO LỤC", "TRÍCH SAO"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SigningProfile(_Frozen):
    """How one kind of output is signed."""

    level: Level = Field("B-LTA", description="PAdES baseline level; B-T and up need tsa-url.")
    copy_form: CopyForm = Field("SAO Y", description="Hình thức sao printed in the stamp (NĐ 30/2020).")
    certify_below_standard: bool = Field(
        False, description="Certify (stamp) a dossier with pages below the digitization standard (under 200 dpi, "
                           "bilevel or greyscale master). Off: such a dossier is signed without the e-copy stamp "
                           "and flagged for a re-scan; NĐ 30/2020 Phụ lục I sets colour and 200 dpi for e-copies.")


def _default_profiles() -> dict[str, SigningProfile]:
    return {"archive": SigningProfile(level="B-LTA")}


class SigningSettings(_Frozen):
    """Who signs and how. With no key configured, a generated demo chain signs (labelled DEMO)."""

    mode: Literal["demo", "pkcs12", "pkcs11"] = "demo"
    agency: str = Field("Đơn vị thử nghiệm sohoa", description="Copying agency printed in the stamp.")
    profile: str = Field("archive", description="Which entry of `profiles` the pipeline signs with.")
    profiles: dict[str, SigningProfile] = Field(default_factory=_default_profiles)
    pkcs12_file: Path | None = None
    passphrase_env: str | None = Field("SOHOA_P12_PASSPHRASE", description="Env var holding the passphrase.")
    passphrase_file: Path | None = Field(None, description="Owner-only file holding the passphrase.")
    pkcs11_module: Path | None = None
    token_label: str | None = None
    key_label: str | None = None
    pin_env: str | None = "SOHOA_PKCS11_PIN"
    pin_file: Path | None = None
    tsa_url: str | None = Field(None, description="RFC 3161 timestamp server; required from B-T up.")
    trust_roots: tuple[Path, ...] = Field(
        (), description="Root CAs of the signer and the TSA: used to embed validation data (B-LT, "
                        "B-LTA) and by `sohoa verify`.")
    font: Path = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

    @model_validator(mode="after")
    def _profile_is_reachable(self) -> SigningSettings:
        if self.profile not in self.profiles:
            raise ValueError(f"signing profile {self.profile!r} is not defined under signing.profiles")
        level = self.profiles[self.profile].level
        if self.mode != "demo" and level != "B-B" and not self.tsa_url:
            raise ValueError(f"profile {self.profile!r} signs {level}, which needs signing.tsa-url")
        if self.mode != "demo" and level in ("B-LT", "B-LTA") and not self.trust_roots:
            raise ValueError(f"profile {self.profile!r} signs {level}, which needs signing.trust-roots")
        return self

    @property
    def active_profile(self) -> SigningProfile:
        """The profile the pipeline signs with."""
        return self.profiles[self.profile]

    @property
    def copy_form(self) -> CopyForm:
        """Copy form of the active profile."""
        return self.active_profile.copy_form

    @property
    def certify_below_standard(self) -> bool:
        """Whether the active profile certifies dossiers with pages below the digitization standard."""
        return self.active_profile.certify_below_standard

    @property
    def level(self) -> Level:
        """The level actually signed: the profile's, except that the demo without a TSA signs B-B."""
        if self.mode == "demo" and not self.tsa_url:
            return "B-B"
        if self.mode == "demo" and not self.trust_roots and self.active_profile.level in ("B-LT", "B-LTA"):
            return "B-T"
        return self.active_profile.level

    @property
    def level_note(self) -> str | None:
        """Why the level signed differs from the profile's, or None when it does not."""
        wanted = self.active_profile.level
        if self.level == wanted:
            return None
        return (f"demo mode signs PAdES {self.level}, not the {wanted} of profile {self.profile!r}: "
                f"{'no signing.tsa-url' if not self.tsa_url else 'no signing.trust-roots'} configured")
