"""The values the archive stage receives: dossier metadata (TT 05/2025) and PREMIS events.

Both are frozen dataclasses checked on construction, so a wrong code (``maintenance="1"``) or a
naive timestamp fails before anything is written. Error messages name the field and the rule,
never a value that could be personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sohoa.errors import ArchiveError

VN_TZ = timezone(timedelta(hours=7), "ICT")
"""Vietnam time (UTC+07:00, no daylight saving): every archive timestamp is written in it."""

MAINTENANCE_YEARS: dict[str, int | None] = {
    "01": None, "02": 70, "03": 50, "04": 30, "05": 20, "06": 10, "07": None,
}
"""TT 05/2025 ``maintenance`` codes: 01 vĩnh viễn, 02 70 năm … 06 10 năm, 07 khác."""

LANGUAGE_CODES = frozenset(f"{n:02d}" for n in range(1, 12))
"""TT 05/2025 ``language`` codes 01 (Tiếng Việt) … 11 (Khác)."""
MODE_CODES = frozenset({"01", "02", "03"})
"""TT 05/2025 ``mode`` (chế độ sử dụng): 01 công khai, 02 có điều kiện, 03 mật."""
CONFIDENCE_CODES = frozenset({"01", "02", "03"})
"""TT 05/2025 ``confidenceLevel``: 01 gốc điện tử, 02 số hóa, 03 hỗn hợp."""
CONDITION_CODES = frozenset({"01", "02", "03"})
"""TT 05/2025 ``format`` (tình trạng vật lý): 01 tốt, 02 bình thường, 03 hỏng."""
FORM_TYPES = frozenset({"khai_sinh", "ket_hon", "ct01", "ho_kinh_doanh", "unknown"})
OUTCOMES = frozenset({"success", "failure"})

_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""A dossier or agency code becomes part of file names: letters, digits, ``.``, ``_``, ``-``."""


def _invalid(field: str, rule: str) -> ArchiveError:
    """Build the error for one invalid metadata field (the value is not quoted on purpose)."""
    return ArchiveError(f"invalid archive metadata: {field} {rule}", reason="invalid_metadata",
                        message_vi=f"Dữ liệu đặc tả không hợp lệ: {field}.")


def _require(ok: bool, field: str, rule: str) -> None:
    """Raise :func:`_invalid` unless ``ok``."""
    if not ok:
        raise _invalid(field, rule)


@dataclass(frozen=True)
class DossierMetadata:
    """Dossier-level metadata of TT 05/2025 (the ``EAD.xml`` of an AIP_hoso).

    Attributes:
        dossier_code: Mã hồ sơ TTHC, kept unchanged (TT 13/2023); also the file-name stem.
        title: Tiêu đề hồ sơ, e.g. "Tờ khai đăng ký khai sinh" (no personal data).
        form_type: khai_sinh | ket_hon | ct01 | ho_kinh_doanh | unknown.
        number_of_pages: Số lượng trang.
        number_of_paper: Số lượng tờ (sheets of the paper original).
        start_date: Thời gian bắt đầu of the matter.
        end_date: Thời gian kết thúc of the matter.
        language: TT 05/2025 language code (01 = Tiếng Việt).
        agency_code: Mã cơ quan lưu trữ; part of the package identifier.
        fonds_code: Mã phông.
        maintenance: Thời hạn lưu trữ code 01..07.
        retention_years: Years for code 07 (khác); must agree with codes 02..06 when given.
        confidence_level: Mức độ tin cậy, 02 = số hóa.
        mode: Chế độ sử dụng; 02 (có điều kiện) by default because dossiers hold personal data.
        paper_file_code: Mã hồ sơ gốc giấy; the dossier code when the shelf code is not known.
        keyword: Từ khóa, optional.
        physical_condition: Tình trạng vật lý of the paper (01..03), optional.
        description: Ghi chú (creator and remarks), optional; no personal data.
    """

    dossier_code: str
    title: str
    form_type: str
    number_of_pages: int
    number_of_paper: int
    start_date: date
    end_date: date
    language: str = "01"
    agency_code: str = "DEMO"
    fonds_code: str = "DEMO"
    maintenance: str = "01"
    retention_years: int | None = None
    confidence_level: str = "02"
    mode: str = "02"
    paper_file_code: str | None = None
    keyword: str | None = None
    physical_condition: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        """Check codes, counts and dates against the TT 05/2025 vocabularies."""
        _require(bool(_CODE_RE.fullmatch(self.dossier_code)), "dossier_code",
                 "must be 1-100 letters, digits, '.', '_' or '-'")
        _require(bool(_CODE_RE.fullmatch(self.agency_code)), "agency_code", "has invalid characters")
        _require(bool(_CODE_RE.fullmatch(self.fonds_code)), "fonds_code", "has invalid characters")
        _require(0 < len(self.title) <= 1000, "title", "must be 1-1000 characters")
        _require(self.form_type in FORM_TYPES, "form_type", f"must be one of {sorted(FORM_TYPES)}")
        _require(self.number_of_pages >= 0 and self.number_of_paper >= 0, "number_of_pages/paper",
                 "must not be negative")
        _require(self.start_date <= self.end_date, "start_date", "must not be after end_date")
        self._check_codes()

    def _check_codes(self) -> None:
        """Check the coded fields."""
        _require(set(self.language.split()) <= LANGUAGE_CODES and bool(self.language.split()),
                 "language", "must be codes 01-11 separated by spaces")
        _require(self.maintenance in MAINTENANCE_YEARS, "maintenance", "must be 01-07")
        fixed = MAINTENANCE_YEARS[self.maintenance]
        _require(self.retention_years is None or fixed is None or self.retention_years == fixed,
                 "retention_years", "disagrees with the maintenance code")
        _require(self.confidence_level in CONFIDENCE_CODES, "confidence_level", "must be 01-03")
        _require(self.mode in MODE_CODES, "mode", "must be 01-03")
        _require(self.physical_condition in CONDITION_CODES | {None}, "physical_condition",
                 "must be 01-03")

    @property
    def years(self) -> int | None:
        """Retention in years: the code's fixed period, else ``retention_years`` (None = permanent)."""
        fixed = MAINTENANCE_YEARS[self.maintenance]
        return fixed if fixed is not None else self.retention_years


@dataclass(frozen=True)
class PremisEvent:
    """One preservation event (PREMIS v3), e.g. digitization (``transfer``) or OCR.

    Attributes:
        event_type: "transfer" (digitization), "OCR", "digital signature",
            "information package creation", "fixity check" …
        time: When it happened; must be timezone-aware, written ISO 8601 with +07:00.
        outcome: "success" or "failure".
        detail: What happened, without personal data.
        agent: Software name and version, e.g. "sohoa 0.1.0".
    """

    event_type: str
    time: datetime
    outcome: str
    detail: str
    agent: str

    def __post_init__(self) -> None:
        """Check the event is complete and its time is timezone-aware."""
        _require(bool(self.event_type.strip()), "event_type", "must not be empty")
        _require(self.time.tzinfo is not None and self.time.utcoffset() is not None,
                 "event time", "must be timezone-aware")
        _require(self.outcome in OUTCOMES, "event outcome", "must be 'success' or 'failure'")
        _require(bool(self.agent.strip()), "event agent", "must not be empty")

    @property
    def time_iso(self) -> str:
        """The event time in Vietnam time, ISO 8601 with milliseconds and ``+07:00``."""
        return iso_vn(self.time)


def iso_vn(moment: datetime) -> str:
    """Write a timezone-aware datetime as ``YYYY-MM-DDThh:mm:ss.sss+07:00``."""
    return moment.astimezone(VN_TZ).isoformat(timespec="milliseconds")


def now_vn() -> datetime:
    """The current time in Vietnam time."""
    return datetime.now(VN_TZ)


def dmy(day: date) -> str:
    """Write a date as TT 05/2025 metadata wants it: ``DD/MM/YYYY``."""
    return day.strftime("%d/%m/%Y")
