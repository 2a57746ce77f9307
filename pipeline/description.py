"""A dossier's descriptive metadata (TT 05/2025 EAD): its documents, title, keywords, sheets and remarks.

The documents come from ``fields.json`` ``documents`` (contract C3: each with its kind, type, số and
ký hiệu, date, issuer, subject and signer, as read from the page); without them the dossier is one
document, typed by its form template. Titles and ``typeName`` codes come from the templates
(``title-vi``, ``type-code``; contract C4), through :func:`fields.templates.form_titles` and
:func:`fields.templates.form_type_codes` with the site's forms folder. Values the TT limits in length are cut to fit (the record keeps them whole).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from configs.schema import Settings

if TYPE_CHECKING:
    from archive import DocumentMetadata, DossierMetadata
    from archive.dates import MatterDates
    from archive.retention import RetentionInfo
    from pipeline.outputs import StageOutputs

__all__ = ["document_metadata", "documents_from_record", "dossier_metadata", "form_titles", "form_type_codes",
           "number_of_sheets"]

_FORM_TYPE = re.compile(r"[a-z0-9_]{1,64}")
_LIMITS = {"number": 11, "notation": 30, "issuer": 200, "subject": 500, "type_name": 100, "place": 100,
           "signer": 100, "signer_title": 100}


def form_titles(forms_dir: Path | None = None) -> dict[str, str]:
    """Form type → Vietnamese title (the template's ``title-vi``), plus ``unknown``."""
    from fields.templates import form_titles as titles

    return titles(forms_dir)


def form_type_codes(forms_dir: Path | None = None) -> dict[str, str]:
    """Form type → TT 05/2025 ``typeName`` code (the template's ``type-code``), plus ``unknown``."""
    from fields.templates import form_type_codes as codes

    return codes(forms_dir)


def document_metadata(out: StageOutputs, settings: Settings) -> tuple[DocumentMetadata, ...]:
    """The dossier's documents: ``fields.json`` ``documents``, else the whole dossier as one document."""
    from archive import DocumentMetadata

    forms_dir = settings.fields.forms_dir
    titles, codes = form_titles(forms_dir), form_type_codes(forms_dir)
    read = [d for d in out.form.get("documents") or () if isinstance(d, Mapping)]
    if read:
        return tuple(_document(n, d, titles, codes) for n, d in enumerate(read, start=1))
    form_type = _form_type(out.form.get("form_type"))
    kept = tuple(g.source_page for g in out.geometry if not g.blank)
    return (DocumentMetadata(ordinal=1, pages=kept, kind="component", type_code=_type_code(codes.get(form_type)),
                             type_name=titles.get(form_type, titles["unknown"]), form_type=form_type),)


def documents_from_record(docs: Sequence[Mapping[str, object]], settings: Settings) -> tuple[DocumentMetadata, ...]:
    """Documents as a record keeps them (contract C3) as archive metadata, numbered from 1 in order
    (a dossier whose result joined later: the documents of both scans)."""
    forms_dir = settings.fields.forms_dir
    titles, codes = form_titles(forms_dir), form_type_codes(forms_dir)
    return tuple(_document(n, d, titles, codes) for n, d in enumerate(docs, start=1))


def _document(ordinal: int, doc: Mapping[str, object], titles: Mapping[str, str],
              codes: Mapping[str, str]) -> DocumentMetadata:
    """One C3 document as archive metadata; a value the archive cannot hold is left out, never fatal."""
    from archive import DocumentMetadata
    from archive.model import DOCUMENT_KINDS

    form_type = _form_type(doc.get("form_type"))
    text = {key: _clip(doc.get(key), limit) for key, limit in _LIMITS.items()}
    reasons = doc.get("reasons") if isinstance(doc.get("reasons"), Mapping) else {}
    pages = tuple(int(p) for p in doc.get("pages") or () if isinstance(p, int))  # type: ignore[union-attr]
    return DocumentMetadata(
        ordinal=ordinal, pages=pages, kind=str(doc.get("kind")) if doc.get("kind") in DOCUMENT_KINDS else "other",
        type_code=_type_code(doc.get("type_code")) if _type_code(doc.get("type_code")) != "32"
        else _type_code(codes.get(form_type)),
        type_name=text["type_name"] or titles.get(form_type, ""), form_type=form_type,
        number=text["number"], notation=text["notation"], issued=_iso_date(doc.get("issued")),
        place=text["place"], issuer=text["issuer"], subject=text["subject"], signer=text["signer"],
        signer_title=text["signer_title"],
        review=tuple(sorted((str(k), str(v)) for k, v in reasons.items())),  # type: ignore[union-attr]
    )


def _clip(value: object, limit: int) -> str | None:
    text = " ".join(str(value).split()) if isinstance(value, (str, int)) else ""
    return text[:limit] or None


def _form_type(value: object) -> str:
    return str(value) if isinstance(value, str) and _FORM_TYPE.fullmatch(value) else "unknown"


def _type_code(value: object) -> str:
    from archive.model import TYPE_CODES, TYPE_OTHER

    return str(value) if isinstance(value, str) and value in TYPE_CODES else TYPE_OTHER


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def dossier_metadata(out: StageOutputs, settings: Settings, *, code: str, documents: tuple[DocumentMetadata, ...],
                     dates: MatterDates, retention: RetentionInfo) -> DossierMetadata:
    """The dossier's TT 05/2025 metadata from what the stages wrote and the site's settings."""
    from archive import DossierMetadata
    from archive.model import CONDITION_CODES

    intake, site = out.intake, settings.archive
    condition = intake.get("physical_condition")
    return DossierMetadata(
        dossier_code=code, title=dossier_title(documents), form_type=_form_type(out.form.get("form_type")),
        number_of_pages=sum(not g.blank for g in out.geometry) or len(out.geometry),
        number_of_paper=number_of_sheets(out.geometry, intake.get("duplex")),
        start_date=dates.start, end_date=dates.end, agency_code=site.agency_code, fonds_code=site.fonds_code,
        maintenance=retention.maintenance, retention_years=retention.years,
        paper_file_code=_clip(intake.get("paper_file_code"), 100), keyword=keywords(documents),
        info_sign=_clip(intake.get("category"), 30),
        physical_condition=condition if condition in CONDITION_CODES else site.physical_condition,
        description=dossier_note(out, settings, dates), documents=documents,
    )


def dossier_title(documents: Sequence[DocumentMetadata]) -> str:
    """Tiêu đề hồ sơ: its documents' titles (type and subject), in order, each once."""
    titles = list(dict.fromkeys(d.title for d in documents))
    return ("; ".join(titles) or "Hồ sơ thủ tục hành chính")[:1000]


def keywords(documents: Sequence[DocumentMetadata]) -> str | None:
    """Từ khóa: the documents' type names, each once, as many as fit in 100 characters."""
    words: list[str] = []
    for name in dict.fromkeys(d.type_name for d in documents if d.type_name):
        if len("; ".join([*words, name])) <= 100:
            words.append(name)
    return "; ".join(words) or None


def number_of_sheets(geometry: Sequence, duplex: object = None) -> int:
    """Số lượng tờ: sheets of paper, not pages.

    A duplex scan gives two pages a sheet, blank backs included (they are kept in the record and
    left out of the PDF). Intake says whether the scan was duplex (its profile); when it does not,
    a blank page at an even position — a back — says so.
    """
    if duplex is None:
        duplex = any(g.blank for g in geometry[1::2])
    return (len(geometry) + 1) // 2 if duplex else len(geometry)


def dossier_note(out: StageOutputs, settings: Settings, dates: MatterDates) -> str:
    """Ghi chú of the dossier (Vietnamese): who digitized it and what an archivist should know."""
    sign = out.sign_info
    parts = [f"Cơ quan số hóa: {settings.signing.agency}."]
    if dates.note_vi():
        parts.append(str(dates.note_vi()))
    below = [str(g.source_page) for g in out.geometry if g.below_standard and not g.blank]
    if below:
        parts.append(f"Trang chưa đạt chuẩn số hóa (NĐ 30/2020): {', '.join(below)}.")
    if sign.get("certified") is False:
        parts.append("Chưa chứng thực bản sao điện tử (sao y) vì có trang chưa đạt chuẩn số hóa.")
    if sign.get("margin_strip"):
        parts.append("Trang 1 được nới thêm lề trên để đặt dấu sao y, không che nội dung bản gốc.")
    return " ".join(parts)[:2000]
