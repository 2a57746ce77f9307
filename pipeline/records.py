"""The dossier's export record (the output contract) and the hand-over to the archive.

The package is the truth: the record is written into it (``record.json``, without the ``package``
and ``pdf`` keys, which depend on where it lies), and the record the run keeps and indexes is the
one the package holds. Form titles and type codes come from the form templates, in one place
(:func:`form_titles`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from configs.schema import Settings
from ocr.dossier import load_geometry
from ocr.model import PageGeometry, PageText, load_page_texts, page_flags
from ocr.pdfa import PdfMetadata
from pipeline import joining, paths, provenance
from pipeline.description import FORM_TITLES, document_metadata, dossier_metadata, form_titles
from pipeline.provenance import AGENT
from sohoa.clock import VN_TZ
from scanners.model import Dossier
from sohoa.errors import InputFileError
from sohoa.files import write_text_atomic

if TYPE_CHECKING:
    from archive import DocumentMetadata
    from archive.dates import MatterDates

__all__ = ["AGENT", "FORM_TITLES", "archive_dossier", "build_record", "dossier_dates", "form_titles",
           "pdf_metadata"]

EXTRA_KEYS = ("ocr/text.txt", "ocr/ocr.json", "fields/fields.json")


class AlreadyArchivedError(InputFileError):
    """The same scan, under another name, was archived already: no second dossier, no new version."""

    reason = "already_archived"
    message_vi = "Bản quét này đã được lưu trữ (cùng mã hồ sơ, cùng nội dung); không lưu lần thứ hai."


def pdf_metadata(dossier_id: str, form_type: str, forms_dir: Path | None = None) -> PdfMetadata:
    """XMP metadata for a dossier's PDF/A: its kind and code, no personal data."""
    titles = form_titles(forms_dir)
    return PdfMetadata(title=f"{titles.get(form_type, titles['unknown'])} — {dossier_id}",
                       subject="Bản số hóa từ văn bản giấy", creator_tool=AGENT, created=datetime.now(VN_TZ))


def intake_facts(work: Path, dossier_id: str) -> dict:
    """What scanner intake recorded for the dossier (code, separator sheets, review flags), if anything."""
    path = paths.stage_file(work, dossier_id, "intake.json")
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
        return cls(geometry=load_geometry(f("geometry.json")), texts=load_page_texts(f("ocr.json")),
                   form=json.loads(f("fields.json").read_text(encoding="utf-8")),
                   intake=intake_facts(work, dossier_id),
                   sign_info=json.loads(f("sign.json").read_text(encoding="utf-8")),
                   page_rows=provenance.page_rows(f("pages.json")))

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


def archive_dossier(dossier: Dossier, work: Path, archive: Path, settings: Settings) -> dict:
    """Package the signed PDF/A with its record, text and fields, index it in the catalog, return its record.

    A result scanned later under the dossier's code (or ``<code>-KQ<n>``) joins the archived dossier
    as its next version instead (:mod:`pipeline.joining`); the record returned is then that
    dossier's, whose ``dossier_id`` is not this scan's.

    Raises:
        DuplicateCodeError: Another scan was archived under this dossier code (quarantined).
        AlreadyArchivedError: This scan was archived already under another name (quarantined).
    """
    from archive import Catalog, build_package, document_path, package_versions, read_record
    from archive.retention import retention_for

    f = lambda name: paths.stage_file(work, dossier.dossier_id, name)  # noqa: E731
    out = StageOutputs.load(work, dossier.dossier_id)
    code, result_code = joining.target_code(out.code(dossier.dossier_id), out.form)
    write_text_atomic(f("text.txt"), "\n\f".join(t.text for t in out.texts))
    source = provenance.source_info(dossier, out.intake, work)
    joined = _join(dossier, work, archive, settings, out, code, result_code, source)
    if joined is not None:
        return joined
    documents = document_metadata(out, settings)
    dates = dossier_dates(out.form, settings, scan_date=_mtime(f("pages.json")).date(), documents=documents)
    retention = retention_for(retention_schedule(settings), out.form["form_type"], dates.end.year)
    meta = dossier_metadata(out, settings, code=code, documents=documents, dates=dates, retention=retention)
    record = {**build_record(dossier, out), **dossier_facts(out, dates, source.sha256, meta.number_of_paper)}
    if result_code:  # a result synced as <code>-KQ<n> before its dossier: it starts the dossier <code>
        record["code"] = code
        record["documents"] = [{**d, "result_code": result_code} for d in record.get("documents") or ()]
    write_text_atomic(f("record.json"), json.dumps(record, ensure_ascii=False, indent=1))
    extra = {"record.json": f("record.json"), "ocr/text.txt": f("text.txt"), "ocr/ocr.json": f("ocr.json"),
             "fields/fields.json": f("fields.json")}
    events = provenance.events(work, dossier.dossier_id, code=code, intake=out.intake, sign=out.sign_info,
                               provenance=provenance.scanner_provenance(out.page_rows), extra_keys=EXTRA_KEYS)
    signature = provenance.signature_info(out.sign_info)
    existed = bool(package_versions(archive, meta))
    package = build_package(archive_root=archive, meta=meta, documents=[f("signed.pdf")], extra_files=extra,
                            events=events, source=source,
                            signatures={document_path(code, 1): signature} if signature else None)
    held = read_record(package) or record
    if held.get("dossier_id") != dossier.dossier_id:
        raise AlreadyArchivedError("this scan was archived already under another name")
    pdf = min((package / "representations" / "rep1" / "data").glob("*.pdf"))
    final = {**held, "pdf": str(pdf.relative_to(archive)), "package": str(package.relative_to(archive))}
    with Catalog.for_archive(archive, settings.archive.catalog_url) as catalog:
        catalog.upsert_dossier(final, retention=retention)  # also registers the package version
        for event in events if not existed else ():
            catalog.add_event(dossier.dossier_id, event)
    return final


def _join(dossier: Dossier, work: Path, archive: Path, settings: Settings, out: StageOutputs, code: str,
          result_code: str | None, source) -> dict | None:  # noqa: ANN001 - archive.SourceInfo
    """The dossier's record when this scan joins (or already joined) the dossier archived under ``code``;
    None when it does not (the normal path then archives it, or holds it as ``duplicate_code``).

    Raises:
        AlreadyArchivedError: The scan joined the dossier already, under another name.
    """
    from archive import package_versions, read_record

    versions = package_versions(archive, agency_code=settings.archive.agency_code, dossier_code=code)
    held = read_record(versions[-1]) if versions else None
    if held is None:
        return None
    for entry in held.get("joined") or ():
        if entry.get("source_sha256") == source.sha256:
            if entry.get("scan_id") != dossier.dossier_id:
                raise AlreadyArchivedError("this scan was joined to its dossier already under another name")
            current = versions[-1]
            pdf = min((current / "representations" / "rep1" / "data").glob("*.1.pdf"))
            return {**held, "pdf": str(pdf.relative_to(archive)), "package": str(current.relative_to(archive))}
    if held.get("source_sha256") == source.sha256 or not joining.joins(held, out.form):
        return None
    return joining.join_dossier(dossier, work, archive, settings, out=out, current=versions[-1], held=held,
                                code=code, received_code=result_code, source=source)


def dossier_facts(out: StageOutputs, dates: MatterDates, source_sha256: str, sheets: int) -> dict:
    """The record's keys about the dossier as a whole: dates, the scan's digest, sheets, the e-copy."""
    sign = out.sign_info
    below = provenance.below_standard_pages(out.geometry)
    review = list(out.intake.get("review", []))
    review += [key for key in out.form.get("review", []) if key not in review]
    for key, flagged in (("date_from_scan", dates.fallback), ("pages_below_standard", bool(below)),
                         ("e_copy_not_certified", sign.get("certified") is False)):
        if flagged and key not in review:
            review.append(key)
    return {"review": review, "dates": dates.as_record(), "source_sha256": source_sha256, "sheets": sheets,
            "e_copy": {"certified": sign.get("certified", True), "copy_form": sign.get("copy_form"),
                       "below_standard": below, "level": sign.get("level")}}


def dossier_dates(form: dict, settings: Settings, *, scan_date: date,
                  documents: tuple[DocumentMetadata, ...] = ()) -> MatterDates:
    """The dates of the dossier's matter: its template's date fields and its documents' dates of issue.

    The scan date stands in only when neither gives one (the record then says ``fallback``, and the
    dossier is flagged ``date_from_scan``).
    """
    from archive.dates import DocumentDate, matter_dates

    start_keys, end_keys = date_fields(settings).get(form.get("form_type"), ((), ()))
    dated = [DocumentDate(f"document:{d.ordinal}", d.issued, d.kind == "result") for d in documents
             if d.issued is not None and "issued" not in dict(d.review)]
    return matter_dates(form.get("fields") or {}, start_keys=start_keys, end_keys=end_keys, scan_date=scan_date,
                        documents=dated)


def retention_schedule(settings: Settings):  # noqa: ANN201 - archive.retention.RetentionSchedule
    """The site's retention schedule (read once per process)."""
    return _schedule(settings.archive.retention_file)


@functools.cache
def _schedule(path: Path | None):  # noqa: ANN202
    from archive.retention import load_schedule

    return load_schedule(path) if path else load_schedule()


def date_fields(settings: Settings) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Form type → (start date fields, end date fields) of the site's templates (read once per process)."""
    return _date_fields(settings.fields.forms_dir)


@functools.cache
def _date_fields(forms_dir: Path | None) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Form type → (start date fields, end date fields), from the templates (read once per process)."""
    from fields.templates import load_templates

    templates = load_templates(forms_dir) if forms_dir else load_templates()
    return {t.form_type: (t.dossier_dates.start, t.dossier_dates.end) for t in templates}


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, VN_TZ)
