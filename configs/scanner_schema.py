"""The validated shape of a scanner profile, ``configs/scanners/<name>.yaml``.

A profile says how one scanner (or one office's way of scanning) delivers its dossiers: which
inbox, which file shapes, how a stack of dossiers in one file is split, and where each
dossier's code (mã hồ sơ) comes from. YAML keys use hyphens, like the site configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCANNER_DIR = Path(__file__).resolve().parent / "scanners"

SplitMode = Literal["per-entry", "separator-sheet", "page-count", "blank-sheet"]
CodeSource = Literal["separator", "receipt", "manifest", "file-name"]

#: TT 01/2018/TT-VPCP Điều 19: ``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`` (unit code, intake date, sequence)
TT01_2018_CODE = r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}-\d{6}-\d{4}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_regex(value: str | None, group: str | None = None) -> str | None:
    if value is None:
        return None
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    if group and group not in compiled.groupindex:
        raise ValueError(f"the pattern needs a named group (?P<{group}>...)")
    return value


class CodeSettings(_Frozen):
    """Where a dossier's code (mã hồ sơ) comes from, in order of trust."""

    sources: tuple[CodeSource, ...] = Field(
        ("separator", "receipt", "manifest", "file-name"),
        description="Sources tried in this order; the first that gives a code wins, a disagreeing "
                    "later one flags the dossier for review (code_conflict). With 'receipt' every page "
                    "is searched for a receipt QR code (giấy tiếp nhận) at full resolution (slower), "
                    "which also finds two dossiers merged by a missing separator sheet.")
    file_name_pattern: str | None = Field(
        None, description="Regex searched in the file or folder name; its group (?P<code>...) is the code.")
    receipt_pattern: str = Field(
        rf"(?P<code>{TT01_2018_CODE})",
        description="Regex searched in a receipt's QR payload (giấy tiếp nhận); group (?P<code>...).")
    valid_pattern: str | None = Field(
        None, description="Regex a whole code must match (e.g. the TT 01/2018 format); a code that does "
                          "not is kept but flagged for review (code_pattern_mismatch). None accepts any code the "
                          "archive takes.")
    generate_missing: bool = Field(
        True, description="Give a dossier without a code a generated one (SOHOA-TAM-…) flagged for review.")

    @field_validator("file_name_pattern", "receipt_pattern")
    @classmethod
    def _has_code_group(cls, value: str | None) -> str | None:
        return _check_regex(value, "code")

    @field_validator("valid_pattern")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        return _check_regex(value)


class ScannerProfile(_Frozen):
    """One scanner's output: where it lands, how stacks are split, how dossiers get their codes."""

    name: str = Field("default", description="Short name, shown in the run log.")
    description: str = Field("", description="What this profile is for, in words.")
    inbox: Path | None = Field(None, description="The hot folder the scanner writes into (None: given on the command line).")
    shapes: tuple[Literal["tiff", "folder", "pdf", "image"], ...] = Field(
        ("tiff", "folder", "pdf", "image"), description="Inbox entry shapes taken; others are left in the inbox.")
    split: SplitMode = Field(
        "per-entry", description="per-entry: one dossier per file or folder (no staging); separator-sheet: "
                                 "a page with a SOHOA-SEP QR code starts the next dossier; page-count: every "
                                 "pages-per-dossier pages; blank-sheet: a blank sheet between dossiers.")
    pages_per_dossier: int | None = Field(
        None, ge=1, description="For split: page-count, the pages (sides, blank backs included) of each dossier.")
    duplex: bool = Field(False, description="Pages come in sheet pairs (front, back).")
    expected_dpi: int | None = Field(None, ge=50, le=1200, description="Resolution the scanner is set to; "
                                                                       "pages below it are flagged (low_dpi).")
    colour: Literal["colour", "greyscale", "bilevel", "any"] = Field(
        "any", description="Colour mode the scanner is set to (NĐ 30/2020 asks for colour).")
    category: str | None = Field(None, description="Default procedure category of the dossiers (manifest overrides).")
    code: CodeSettings = CodeSettings()
    manifest: str = Field("manifest.csv", description="Batch manifest file name in the inbox (columns "
                                                      "file, dossier, code, category); absent is fine.")
    max_pages: int | None = Field(None, ge=1, description="A split dossier with more pages is flagged (too_many_pages).")
    move_processed: bool = Field(False, description="Move a source to inbox/processed/<date>/ once all its "
                                                    "dossiers are archived (never deleted).")
    settle_seconds: float | None = Field(None, ge=0, description="Overrides the site's settle-seconds for this inbox.")

    @model_validator(mode="after")
    def _page_count_needs_pages(self) -> ScannerProfile:
        if self.split == "page-count" and self.pages_per_dossier is None:
            raise ValueError("split: page-count needs pages-per-dossier")
        return self


class IntakeSettings(_Frozen):
    """Budgets one inbox file is read within (the ``intake`` section of the site configuration).

    Past any of them the file is quarantined once, with reason ``budget_exceeded`` (or
    ``image_too_large`` for one page image, ``tool_timeout`` when poppler times out on a page),
    rather than holding a worker and failing again every night.
    """

    max_pages: int = Field(5000, ge=1, description="Pages in one file.")
    max_page_pixels: int = Field(
        150_000_000, ge=1_000_000,
        description="Pixels of one page image once decoded (about A0 at 300 dpi); images inside PDFs too.")
    max_file_pixels: int = Field(
        20_000_000_000, ge=1_000_000,
        description="Pixels of all page images of one file once decoded (about 2,300 A4 colour pages at 300 dpi).")
    max_drawing_bytes: int = Field(
        64 * 2**20, ge=2**16,
        description="Drawing instructions of the PDF pages that must be rendered, counted each time a page draws "
                    "them (pages sharing one content stream, forms drawn inside forms).")
    render_timeout: float = Field(120.0, gt=0, description="Seconds poppler may take to render one page.")
    file_timeout: float = Field(900.0, gt=0, description="Seconds to read every page of one file.")


def profile_path(name_or_path: str | Path) -> Path:
    """A profile file: a path as given, or ``configs/scanners/<name>.yaml`` for a bare name."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} or path.parent != Path("."):
        return path
    return SCANNER_DIR / f"{name_or_path}.yaml"
