"""What the stages before archiving wrote for one dossier, and the export record built from it.

:class:`StageOutputs` reads a dossier's stage files once (names in :mod:`pipeline.paths`);
:func:`build_record` makes its export record (the output contract), :func:`dossier_facts` and
:func:`dossier_dates` the record's keys about the dossier as a whole. Archiving a new dossier
(:mod:`pipeline.records`) and joining a result to an archived one (:mod:`pipeline.joining`) both
build on them, so neither needs the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from configs.schema import Settings
from ocr.dossier import load_geometry
from ocr.model import PageGeometry, PageText, load_page_texts, page_flags
from pipeline import paths, provenance
from pipeline.settings import date_fields
from scanners.model import Dossier

if TYPE_CHECKING:
    from archive import DocumentMetadata
    from archive.dates import MatterDates

__all__ = ["StageOutputs", "build_record", "dossier_dates", "dossier_facts", "intake_facts"]


def intake_facts(work: Path, dossier_id: str) -> dict:
    """What scanner intake recorded for the dossier (code, separator sheets, review flags), if anything."""
    path = paths.stage_file(work, dossier_id, paths.INTAKE)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@dataclass(frozen=True)
class StageOutputs:
    """What the stages before archiving wrote for one dossier, read once."""

    geometry: list[PageGeometry]
    texts: list[PageText]
    form: dict
    intake: dict
    sign_info: dict
    page_rows: list[dict]

    @classmethod
    def load(cls, work: Path, dossier_id: str) -> StageOutputs:
        f = lambda name: paths.stage_file(work, dossier_id, name)  # noqa: E731
        return cls(geometry=load_geometry(f(paths.GEOMETRY)), texts=load_page_texts(f(paths.OCR)),
                   form=json.loads(f(paths.FIELDS).read_text(encoding="utf-8")),
                   intake=intake_facts(work, dossier_id),
                   sign_info=json.loads(f(paths.SIGN).read_text(encoding="utf-8")),
                   page_rows=provenance.page_rows(f(paths.PAGES)))

    def code(self, dossier_id: str) -> str:
        """The dossier code (mã hồ sơ) from intake; the id when intake recorded none."""
        return self.intake.get("code") or dossier_id


def build_record(dossier: Dossier, out: StageOutputs, archive: Path | None = None, package: Path | None = None,
                 pdf: Path | None = None) -> dict:
    """The export object of one dossier (see README, "Output contract").

    Without ``archive``, ``package`` and ``pdf`` it is the record a package holds (``record.json``).
    """
    texts = {t.source_page: t for t in out.texts}
    pages = [{"source_page": g.source_page, "blank": g.blank, "rotation": g.rotation, "skew": g.skew,
              "text": texts[g.source_page].text, "confidence": round(texts[g.source_page].confidence, 4),
              "dpi": g.dpi, "below_standard": list(g.below_standard),
              "flags": page_flags(g, texts[g.source_page]), "capture": g.capture,
              "quality": round(texts[g.source_page].quality, 4),
              **({"ocr_error": texts[g.source_page].error} if texts[g.source_page].error else {})}
             for g in out.geometry]
    fields = {k: {"value": v["value"], "confidence": v["confidence"], "needs_review": v["needs_review"],
                  **({"reason": v["reason"]} if v.get("reason") else {}),
                  **{where: v[where] for where in ("page", "box") if where in v}}  # contract C2
              for k, v in out.form["fields"].items()}
    review = list(out.intake.get("review", []))
    review += [key for key in out.form.get("review", []) if key not in review]
    record = {"dossier_id": dossier.dossier_id, "code": out.code(dossier.dossier_id),
              "code_generated": bool(out.intake.get("code_generated", not out.intake)),
              "review": review,
              "source": dossier.relative, "form_type": out.form["form_type"],
              "pages": pages, "fields": fields}
    if "documents" in out.form:
        record["documents"] = out.form["documents"]
    if archive is not None and package is not None and pdf is not None:
        record.update(pdf=str(pdf.relative_to(archive)), package=str(package.relative_to(archive)))
    return record


def dossier_facts(out: StageOutputs, dates: MatterDates, source_sha256: str, sheets: int) -> dict:
    """The record's keys about the dossier as a whole: dates, the scan's digest, sheets, the e-copy."""
    sign = out.sign_info
    below = provenance.below_standard_pages(out.geometry)
    review = list(out.intake.get("review", []))
    review += [key for key in out.form.get("review", []) if key not in review]
    review += [key for key in dates.flags if key not in review]
    for key, flagged in (("pages_below_standard", bool(below)),
                         ("e_copy_not_certified", sign.get("certified") is False)):
        if flagged and key not in review:
            review.append(key)
    return {"review": review, "dates": dates.as_record(), "source_sha256": source_sha256, "sheets": sheets,
            "e_copy": {"certified": sign.get("certified", True), "copy_form": sign.get("copy_form"),
                       "below_standard": below, "level": sign.get("level")}}


def dossier_dates(form: dict, settings: Settings, *, scan_date: date,
                  documents: tuple[DocumentMetadata, ...] = (), code: str | None = None) -> MatterDates:
    """The dates of the dossier's matter: its template's date fields and its documents' dates of issue.

    The intake date in the dossier's ``code`` (TT 01/2018 shape) fills in when neither gives a sure one;
    the scan date stands in only when nothing does (the record then says ``fallback``, and the
    dossier is flagged ``date_from_scan``); a date of issue read with a doubtful figure comes first
    (``doubtful``, flagged ``date_doubtful``).
    """
    from archive.dates import document_date, matter_dates

    start_keys, end_keys = date_fields(settings).get(form.get("form_type"), ((), ()))
    dated = [day for d in documents
             if (day := document_date(d.ordinal, d.issued, d.kind, flagged="issued" in dict(d.review))) is not None]
    return matter_dates(form.get("fields") or {}, start_keys=start_keys, end_keys=end_keys, scan_date=scan_date,
                        documents=dated, code=code)
