"""A dossier's dates after a change to its record: a clerk's decision on a date field, a new code.

One rule with the pipeline (:func:`archive.dates.matter_dates`): the template's date fields, the
documents' dates of issue, the intake date in a TT 01/2018 code, the scan date only as a fallback.
Used by :mod:`archive.corrections` and :mod:`archive.catalog_codes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from archive.catalog import Catalog
from archive.dates import SCAN_DATE, DocumentDate, MatterDates, document_date, matter_dates
from archive.retention import RetentionInfo, RetentionSchedule, load_schedule, retention_for
from sohoa.clock import now_vn


def scan_date_of(catalog: Catalog, dossier_id: str, record: Mapping[str, object]) -> date:
    """When the paper was digitized: the record's fallback date, else the catalog's transfer event."""
    dates = record.get("dates") if isinstance(record.get("dates"), Mapping) else {}
    for key in ("end", "start"):
        if dates.get(f"{key}_from") == SCAN_DATE:
            return date.fromisoformat(str(dates[key]))
    for event in catalog.events(dossier_id):
        if event["event_type"] == "transfer":
            return datetime.fromisoformat(event["time"]).date()
    return now_vn().date()


def redated(new: Mapping[str, object], old: Mapping[str, object], date_keys: tuple[Sequence[str], Sequence[str]],
             scan_date: date) -> MatterDates | None:
    """The matter's dates after a change to the record (a field decided, a new code), or None when
    they do not change.

    Dated as the pipeline dates a dossier: the template's date fields, then the documents' dates of
    issue (a result ends the matter), the intake date in its code, the scan date only as a fallback.
    """
    start_keys, end_keys = date_keys  # none for a paper without a form (a decision, a công văn): dated all the same
    code = new.get("code")
    dates = matter_dates(new.get("fields") or {}, start_keys=start_keys, end_keys=end_keys, scan_date=scan_date,
                         documents=record_document_dates(new), code=code if isinstance(code, str) else None)
    return None if dates.as_record() == old.get("dates") else dates


def redate(new: dict, old: Mapping[str, object], date_keys: tuple[Sequence[str], Sequence[str]], catalog: Catalog,
           dossier_id: str, schedule: RetentionSchedule | None) -> tuple[MatterDates | None, RetentionInfo | None]:
    """Date ``new`` again after a change (:func:`redated`); when the dates move, write them and their
    review flags into ``new`` and return them with the retention they give, else ``(None, None)``."""
    dates = redated(new, old, date_keys, scan_date_of(catalog, dossier_id, old))
    if dates is None:
        return None, None
    new["dates"] = dates.as_record()
    new["review"] = dates.flagged(new.get("review"))
    return dates, retention_for(schedule or load_schedule(), str(new.get("form_type")), dates.end.year)


def record_document_dates(record: Mapping[str, object]) -> list[DocumentDate]:
    """The documents' dates of issue (contract C3), as the pipeline takes them."""
    out = []
    for n, doc in enumerate(record.get("documents") or (), start=1):
        if not isinstance(doc, Mapping):
            continue
        reasons = doc.get("reasons") if isinstance(doc.get("reasons"), Mapping) else {}
        day = document_date(n, doc.get("issued") if isinstance(doc.get("issued"), str) else None,
                            str(doc.get("kind")), flagged="issued" in reasons)
        if day is not None:
            out.append(day)
    return out


def description_with_dates(text: str, old_dates: object, dates: MatterDates) -> str:
    """The dossier's ``description`` with the scan-date remark of the old dates replaced by the new one's.

    The rest of the remark (the digitizing agency, pages below the standard …) is kept as it was.
    """
    before = None
    if isinstance(old_dates, Mapping):
        try:
            before = MatterDates(date.fromisoformat(str(old_dates["start"])), date.fromisoformat(str(old_dates["end"])),
                                 str(old_dates.get("start_from")), str(old_dates.get("end_from")),
                                 doubtful=old_dates.get("doubtful") is True).note_vi()
        except (KeyError, ValueError):
            before = None
    after = dates.note_vi() or ""
    if before and before in text:
        text = text.replace(before, after)
    elif after and after not in text:
        text = f"{text} {after}"
    return " ".join(text.split())[:2000]
