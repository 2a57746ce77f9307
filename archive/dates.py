"""The dates of a dossier's matter: EAD ``startDate`` / ``endDate`` and the year retention counts from.

TT 10/2022/TT-BNV counts a retention term from the year the matter ended, not from the day it was
scanned: a 2010 dossier digitized in 2025 with a 10-year term is due for review from 2021, not
2036. Two kinds of evidence date the matter:

- the extracted date fields each form template names (``dossier-dates`` in
  ``configs/forms/*.yaml``): the first one with a validated value is used;
- the documents' dates of issue: a result (decision, certificate …) ends the matter when it was
  issued, and the earliest dated document starts it when nothing earlier is known.

A value flagged for review, or one later than the scan, is not trusted. A document's date of issue
read with a doubtful figure (flagged ``low_confidence``, ``ocr_digits_guessed`` …) is still the
paper's own date: it dates the matter when nothing sure does, and the dossier is flagged
``date_doubtful`` (``doubtful`` in the record) so an archivist confirms it. Only without any date
read from the paper does the scan date stand in, and the dossier says so (``note_vi`` goes into the EAD ``description``;
``as_record`` into the export record; the pipeline flags the dossier ``date_from_scan``), so an
archivist can correct it.

Between the two stands the intake date a TTHC dossier's code carries (TT 01/2018/TT-VPCP Điều 19:
``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX``, ``YYMMDD`` the day the one-stop shop received it): a form
whose date was written by hand past reading is still dated by the day it was handed in (source
``dossier_code``; it comes before a doubtful reading, which a clerk would have to confirm).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from configs.scanner_schema import TT01_2018_CODE

SCAN_DATE = "scan_date"
"""The source name of a date that is the scan date (a fallback)."""
CODE_DATE = "dossier_code"
"""The source name of the intake date read from the dossier's code."""
_TTHC_CODE = re.compile(rf"{TT01_2018_CODE}(?:-KQ\d+)?")
"""A TT 01/2018/TT-VPCP dossier code (``000.00.19.H49-240101-0001``; a result's ``…-KQ1``)."""
DATE_FLAGS = ("date_from_scan", "date_doubtful")
"""The dossier review flags about its dates: a fallback to the scan date; a doubtful reading."""
_EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True)
class MatterDates:
    """Start and end of a dossier's matter, and where each came from.

    Attributes:
        start: Thời gian bắt đầu.
        end: Thời gian kết thúc; its year is the retention's "year the matter ended".
        start_from: The field key it was read from, or ``scan_date``.
        end_from: The field key it was read from, or ``scan_date``.
    """

    start: date
    end: date
    start_from: str
    end_from: str
    doubtful: bool = False
    """A date comes from a document whose date of issue was read with a doubtful figure."""

    @property
    def flags(self) -> tuple[str, ...]:
        """The dossier review flags these dates call for (``DATE_FLAGS``: from the scan; doubtful)."""
        return tuple(flag for flag, on in zip(DATE_FLAGS, (self.fallback, self.doubtful)) if on)

    def flagged(self, review: object) -> list[str]:
        """``review`` with exactly these dates' flags: an earlier dating's flags replaced."""
        reasons = [r for r in review if r not in DATE_FLAGS] if isinstance(review, list) else []
        return reasons + list(self.flags)

    @property
    def fallback(self) -> bool:
        """True when either date is the scan date rather than the dossier's own."""
        return SCAN_DATE in (self.start_from, self.end_from)

    def note_vi(self) -> str | None:
        """The EAD ``description`` remark for a fallback date (Vietnamese), or None."""
        which = [name for name, source in (("bắt đầu", self.start_from), ("kết thúc", self.end_from))
                 if source == SCAN_DATE]
        if not which:
            if CODE_DATE in (self.start_from, self.end_from) and not self.doubtful:
                return ("Thời gian của hồ sơ lấy theo ngày tiếp nhận ghi trong mã hồ sơ (không đọc được ngày "
                        "trên tài liệu).")
            if self.doubtful:
                return ("Thời gian của hồ sơ lấy theo ngày ban hành đọc chưa chắc chắn trên tài liệu; "
                        "cần kiểm tra lại để tính đúng thời hạn lưu trữ.")
            return None
        return (f"Thời gian {' và '.join(which)} lấy theo ngày số hóa (hồ sơ không có ngày đọc được); "
                "cần kiểm tra lại để tính đúng thời hạn lưu trữ.")

    def as_record(self) -> dict[str, object]:
        """The dates as the export record carries them (ISO dates, sources, fallback flag; ``doubtful``
        only when true, so records written before it existed compare equal)."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "start_from": self.start_from,
                "end_from": self.end_from, "fallback": self.fallback, **({"doubtful": True} if self.doubtful else {})}


@dataclass(frozen=True)
class DocumentDate:
    """A document's trusted date of issue.

    Attributes:
        source: Where it comes from, e.g. ``document:2`` (the dossier's second document).
        day: The date of issue.
        result: The document is a result of the procedure (kết quả giải quyết).
        sure: False when the date's reading is flagged for review: it dates the matter only when
            no sure date does (and always before the scan date would).
    """

    source: str
    day: date
    result: bool
    sure: bool = True


def document_date(ordinal: int, issued: date | str | None, kind: str, *, flagged: bool) -> DocumentDate | None:
    """A document's date of issue as evidence for the matter's dates, or None when it has none.

    The one rule for the pipeline, result joining and corrections alike: a date read from the paper
    counts; one whose reading is flagged (any reason on ``issued``) counts as doubtful.

    Args:
        ordinal: The document's number in the dossier, from 1.
        issued: Its date of issue (a date or ISO ``yyyy-mm-dd``).
        kind: ``result`` for a result of the procedure, else anything.
        flagged: ``issued`` carries a review reason.
    """
    if isinstance(issued, str):
        try:
            issued = date.fromisoformat(issued)
        except ValueError:
            return None
    if not isinstance(issued, date):
        return None
    return DocumentDate(f"document:{ordinal}", issued, kind == "result", sure=not flagged)


def intake_date(code: str | None) -> date | None:
    """The day a TTHC dossier was received, from its code (``000.00.19.H49-240101-0001`` → 1 January
    2024), or None for a code of another shape (a manifest's own, ``SOHOA-TAM-…``) or no real date."""
    code = (code or "").strip()
    if not _TTHC_CODE.fullmatch(code):
        return None
    yymmdd = code.split("-")[1]
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    try:
        return date(2000 + year, month, day)
    except ValueError:
        return None


def matter_dates(fields: Mapping[str, Mapping[str, object]], *, start_keys: Sequence[str],
                 end_keys: Sequence[str], scan_date: date,
                 documents: Sequence[DocumentDate] = (), code: str | None = None) -> MatterDates:
    """Date a dossier from its extracted fields and its documents, falling back to the scan date.

    Args:
        fields: Field key → extracted field (``value`` ``dd/mm/yyyy``, ``needs_review``).
        start_keys: Fields that give the start date, by preference.
        end_keys: Fields that give the end date, by preference.
        scan_date: When the paper was digitized (the fallback, and the latest plausible date).
        documents: The documents' dates of issue (implausible ones are ignored).
        code: The dossier's code: its intake date (:func:`intake_date`) fills what would otherwise be
            the scan date, before a doubtful document date does.

    Returns:
        The dates; the start is never after the end (a later start is pulled back to the end). A
        doubtful document date (``sure`` False) fills only what would otherwise be the scan date.
    """
    sure = [d for d in documents if d.sure]
    dates = _matter_dates(fields, start_keys, end_keys, scan_date, sure)
    received = intake_date(code)
    if dates.fallback and received is not None:
        dates = _matter_dates(fields, start_keys, end_keys, scan_date, [*sure, DocumentDate(CODE_DATE, received, False)])
    doubtful = [d for d in documents if not d.sure]
    if not dates.fallback or not doubtful:
        return dates
    wider = _matter_dates(fields, start_keys, end_keys, scan_date, list(documents))
    start_from, start = (wider.start_from, wider.start) if dates.start_from == SCAN_DATE else (dates.start_from,
                                                                                                dates.start)
    end_from, end = (wider.end_from, wider.end) if dates.end_from == SCAN_DATE else (dates.end_from, dates.end)
    if start > end:
        start_from, start = end_from, end
    unsure = {d.source for d in doubtful}
    return MatterDates(start, end, start_from, end_from, doubtful=bool(unsure & {start_from, end_from}))


def _matter_dates(fields: Mapping[str, Mapping[str, object]], start_keys: Sequence[str], end_keys: Sequence[str],
                  scan_date: date, documents: Sequence[DocumentDate]) -> MatterDates:
    """:func:`matter_dates` over the given documents alone."""
    start_from, start = _first(fields, start_keys, scan_date)
    end_from, end = _first(fields, end_keys, scan_date)
    dated = sorted((d for d in documents if _EARLIEST <= d.day <= scan_date), key=lambda d: d.day)
    results = [d for d in dated if d.result]
    if results and (end_from == SCAN_DATE or results[-1].day > end):
        end_from, end = results[-1].source, results[-1].day  # a result's issue ends the matter
    if dated and (start_from == SCAN_DATE or dated[0].day < start):
        start_from, start = dated[0].source, dated[0].day
    if end_from == SCAN_DATE and dated:  # no result: the latest dated document is the latest known
        end_from, end = dated[-1].source, dated[-1].day
    if end_from == SCAN_DATE and start_from != SCAN_DATE:
        end_from, end = start_from, start
    if start > end:
        start_from, start = end_from, end
    return MatterDates(start, end, start_from, end_from)


def _first(fields: Mapping[str, Mapping[str, object]], keys: Sequence[str], scan_date: date) -> tuple[str, date]:
    """(source, date) of the first trusted field among ``keys``; else the scan date."""
    for key in keys:
        day = _trusted(fields.get(key), scan_date)
        if day is not None:
            return key, day
    return SCAN_DATE, scan_date


def _trusted(field: Mapping[str, object] | None, scan_date: date) -> date | None:
    """The field's date when it was validated, not flagged for review, and not after the scan."""
    if not field or field.get("needs_review") or not isinstance(field.get("value"), str):
        return None
    try:
        day = datetime.strptime(str(field["value"]), "%d/%m/%Y").date()
    except ValueError:
        return None
    return day if _EARLIEST <= day <= scan_date else None
