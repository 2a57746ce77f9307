"""The values the archive stage receives: dossier and document metadata (TT 05/2025), PREMIS events.

All are frozen dataclasses checked on construction, so a wrong code (``maintenance="1"``) or a
naive timestamp fails before anything is written. Error messages name the field and the rule,
never a value that could be personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sohoa.clock import VN_TZ
from sohoa.errors import ArchiveError

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
TYPE_CODES = frozenset(f"{n:02d}" for n in range(1, 33))
"""TT 05/2025 ``typeName`` codes 01 (Nghị quyết), 02 (Quyết định) … 32 (Khác)."""
TYPE_OTHER = "32"
DOCUMENT_KINDS = frozenset({"component", "result", "other"})
"""Thành phần hồ sơ (filed by the citizen), kết quả giải quyết (issued by the agency), other."""
OUTCOMES = frozenset({"success", "failure"})
FORM_TYPES = frozenset({"khai_sinh", "ket_hon", "ct01", "ho_kinh_doanh", "unknown"})
"""The form types of the shipped templates, which the shipped retention schedule must cover. It
restricts nothing: any ``[a-z0-9_]+`` form type is valid, and one without a rule of its own takes
the ``unknown`` rule."""

FORM_TYPE_RE = re.compile(r"[a-z0-9_]{1,64}")
"""Any form type a template declares: a new form is a YAML file, never a code change."""
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


def _check_length(value: str | None, field: str, limit: int) -> None:
    """TT 05/2025 gives every text element a maximum length."""
    _require(value is None or len(value) <= limit, field, f"must be at most {limit} characters")


@dataclass(frozen=True)
class DocumentMetadata:
    """One document of a dossier: TT 05/2025 ``EAD_doc`` fields and the NĐ 30/2020 elements.

    Attributes:
        ordinal: The document's number in the dossier, from 1 (``docOrdinal``).
        pages: The source pages it spans (blank backs excluded).
        kind: ``component`` (thành phần hồ sơ), ``result`` (kết quả giải quyết) or ``other``.
        type_code: ``typeName`` code 01–32 (02 Quyết định … 32 Khác).
        type_name: Tên loại, e.g. "Quyết định", "Tờ khai đăng ký khai sinh".
        form_type: The form template it was read with, or ``unknown``.
        number: Số (``codeNumber``).
        notation: Ký hiệu (``codeNotation``), e.g. "QĐ-UBND".
        issued: Ngày ban hành (``issuedDate``).
        place: Địa danh.
        issuer: Cơ quan ban hành (``organName``).
        subject: Trích yếu (``subject``).
        signer: Họ tên người ký.
        signer_title: Chức vụ người ký.
        review: Elements flagged for a human look, as (element key, reason key) pairs (contract C3).
    """

    ordinal: int
    pages: tuple[int, ...]
    kind: str = "component"
    type_code: str = TYPE_OTHER
    type_name: str = ""
    form_type: str = "unknown"
    number: str | None = None
    notation: str | None = None
    issued: date | None = None
    place: str | None = None
    issuer: str | None = None
    subject: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    review: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        """Check the codes and the lengths TT 05/2025 sets."""
        _require(self.ordinal >= 1, "docOrdinal", "must be 1 or more")
        _require(self.kind in DOCUMENT_KINDS, "document kind", "must be component, result or other")
        _require(self.type_code in TYPE_CODES, "typeName", "must be a code 01-32")
        _require(bool(FORM_TYPE_RE.fullmatch(self.form_type)), "document form_type",
                 "must be lower-case letters, digits and '_'")
        for field, limit in (("number", 11), ("notation", 30), ("issuer", 200), ("subject", 500),
                             ("type_name", 100)):
            _check_length(getattr(self, field), field, limit)

    @property
    def title(self) -> str:
        """The document's title: its type and its subject ("Quyết định về việc …"), else its type."""
        name = self.type_name or "Tài liệu"
        return f"{name} {self.subject}".strip() if self.subject else name


@dataclass(frozen=True)
class DossierMetadata:
    """Dossier-level metadata of TT 05/2025 (the ``EAD.xml`` of an AIP_hoso).

    Attributes:
        dossier_code: Mã hồ sơ TTHC, kept unchanged (TT 13/2023); also the file-name stem.
        title: Tiêu đề hồ sơ, e.g. "Tờ khai đăng ký khai sinh".
        form_type: The template form type of the first component (``[a-z0-9_]+``) or ``unknown``.
        number_of_pages: Số lượng trang (pages kept in the PDF).
        number_of_paper: Số lượng tờ (sheets of the paper original: a duplex sheet is one).
        start_date: Thời gian bắt đầu of the matter.
        end_date: Thời gian kết thúc of the matter.
        language: TT 05/2025 language code (01 = Tiếng Việt).
        agency_code: Mã cơ quan lưu trữ; part of the package identifier and of ``arcFileCode``.
        fonds_code: Mã phông; part of ``arcFileCode``.
        maintenance: Thời hạn lưu trữ code 01..07.
        retention_years: Years for code 07 (khác); must agree with codes 02..06 when given.
        confidence_level: Mức độ tin cậy, 02 = số hóa.
        mode: Chế độ sử dụng; 02 (có điều kiện) by default because dossiers hold personal data.
        paper_file_code: Mã hồ sơ gốc giấy: the paper file's shelf code, when intake was given it.
        keyword: Từ khóa.
        info_sign: Ký hiệu thông tin (the procedure's category code from the dossier list), if known.
        physical_condition: Tình trạng vật lý of the paper (01..03), if known.
        description: Ghi chú (creator and remarks); no personal data.
        documents: The documents of the dossier (one ``EAD_doc`` each).
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
    info_sign: str | None = None
    physical_condition: str | None = None
    description: str | None = None
    documents: tuple[DocumentMetadata, ...] = ()

    def __post_init__(self) -> None:
        """Check codes, counts and dates against the TT 05/2025 vocabularies."""
        _require(bool(_CODE_RE.fullmatch(self.dossier_code)), "dossier_code",
                 "must be 1-100 letters, digits, '.', '_' or '-'")
        _require(bool(_CODE_RE.fullmatch(self.agency_code)), "agency_code", "has invalid characters")
        _require(bool(_CODE_RE.fullmatch(self.fonds_code)), "fonds_code", "has invalid characters")
        _require(0 < len(self.title) <= 1000, "title", "must be 1-1000 characters")
        _require(bool(FORM_TYPE_RE.fullmatch(self.form_type)), "form_type",
                 "must be lower-case letters, digits and '_'")
        _require(self.number_of_pages >= 0 and self.number_of_paper >= 0, "number_of_pages/paper",
                 "must not be negative")
        _require(self.start_date <= self.end_date, "start_date", "must not be after end_date")
        _require([d.ordinal for d in self.documents] == list(range(1, len(self.documents) + 1)),
                 "documents", "must be numbered 1, 2, … in order")
        for field, limit in (("keyword", 100), ("info_sign", 30), ("paper_file_code", 100),
                             ("description", 2000)):
            _check_length(getattr(self, field), field, limit)
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

    @property
    def archival_code(self) -> str:
        """``arcFileCode``: mã cơ quan lưu trữ . mã phông . mã hồ sơ (the dossier code unchanged)."""
        return f"{self.agency_code}.{self.fonds_code}.{self.dossier_code}"


@dataclass(frozen=True)
class PremisEvent:
    """One preservation event (PREMIS v3), e.g. digitization (``transfer``) or OCR.

    Attributes:
        event_type: "transfer" (digitization), "OCR", "digital signature generation",
            "information package creation", "fixity check" …
        time: When it happened; must be timezone-aware, written ISO 8601 with +07:00.
        outcome: "success" or "failure".
        detail: What happened, without personal data.
        agent: Software name and version, e.g. "sohoa 0.1.0".
        person: The account name of the person who acted (a PREMIS agent of type person).
        organization: The organization that authorised it (e.g. the agency that signs).
        hardware: The device that did it (e.g. the scanner's make and model).
        sources: Objects the event started from (package-relative paths, or ``original-scan``).
        outcomes: Objects the event made or changed.
    """

    event_type: str
    time: datetime
    outcome: str
    detail: str
    agent: str
    person: str = ""
    organization: str = ""
    hardware: str = ""
    sources: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class SignatureInfo:
    """A document's signature, as PREMIS ``signatureInformation`` records it.

    Attributes:
        signer: The signer certificate's subject (the agency).
        time: The signing time (tz-aware).
        level: PAdES baseline level (B-B … B-LTA).
        method: Digest and signature algorithm, e.g. "sha256 sha256_rsa".
        value: The signature value, base64.
        properties: Further facts ("signature timestamp: …", "archive timestamp: …").
    """

    signer: str
    time: datetime
    level: str
    method: str
    value: str
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceInfo:
    """The original scan a package came from (not itself in the package).

    Attributes:
        sha256: SHA-256 of the file, or of a folder's manifest (name and SHA-256 of each file).
        size: Bytes (of the file, or of all the folder's files).
        kind: ``file`` or ``folder``.
        media_type: e.g. ``image/tiff``, ``application/pdf``; ``inode/directory`` for a folder.
        pages: Its pages that make up the dossier (empty: all of it).
    """

    sha256: str
    size: int
    kind: str = "file"
    media_type: str = "application/octet-stream"
    pages: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(re.fullmatch(r"[0-9a-f]{64}", self.sha256)), "source sha256", "must be 64 hex digits")
        _require(self.kind in {"file", "folder"}, "source kind", "must be file or folder")


def iso_vn(moment: datetime) -> str:
    """Write a timezone-aware datetime as ``YYYY-MM-DDThh:mm:ss.sss+07:00``."""
    return moment.astimezone(VN_TZ).isoformat(timespec="milliseconds")


def dmy(day: date) -> str:
    """Write a date as TT 05/2025 metadata wants it: ``DD/MM/YYYY``."""
    return day.strftime("%d/%m/%Y")
