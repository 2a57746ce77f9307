"""The dossier's export record (the output contract) and the hand-over to the archive.

The package is the truth: the record is written into it (``record.json``, without the ``package``
and ``pdf`` keys, which depend on where it lies), and the record the run keeps and indexes is the
one the package holds. The record itself is built in :mod:`pipeline.outputs`; form titles come
from the site's form templates (:func:`fields.templates.form_titles`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from configs.schema import Settings
from ocr.pdfa import PdfMetadata
from pipeline import joining, paths, provenance
from pipeline.description import document_metadata, dossier_metadata, form_titles
from pipeline.outputs import StageOutputs, build_record, dossier_dates, dossier_facts
from pipeline.provenance import AGENT
from pipeline.settings import retention_schedule
from scanners.model import Dossier
from sohoa.clock import VN_TZ
from sohoa.errors import InputFileError
from sohoa.files import write_text_atomic

__all__ = ["AlreadyArchivedError", "archive_dossier", "pdf_metadata"]

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
    write_text_atomic(f(paths.TEXT), "\n\f".join(t.text for t in out.texts))
    source = provenance.source_info(dossier, out.intake, work)
    joined = _join(dossier, work, archive, settings, out, code, result_code, source)
    if joined is not None:
        return joined
    documents = document_metadata(out, settings)
    dates = dossier_dates(out.form, settings, scan_date=_mtime(f(paths.PAGES)).date(), documents=documents,
                          code=code)
    retention = retention_for(retention_schedule(settings), out.form["form_type"], dates.end.year)
    meta = dossier_metadata(out, settings, code=code, documents=documents, dates=dates, retention=retention)
    record = {**build_record(dossier, out), **dossier_facts(out, dates, source.sha256, meta.number_of_paper)}
    if result_code:  # a result synced as <code>-KQ<n> before its dossier: it starts the dossier <code>
        record["code"] = code
        record["documents"] = [{**d, "result_code": result_code} for d in record.get("documents") or ()]
    write_text_atomic(f(paths.RECORD), json.dumps(record, ensure_ascii=False, indent=1))
    extra = {"record.json": f(paths.RECORD), "ocr/text.txt": f(paths.TEXT), "ocr/ocr.json": f(paths.OCR),
             "fields/fields.json": f(paths.FIELDS)}
    events = provenance.events(work, dossier.dossier_id, code=code, intake=out.intake, sign=out.sign_info,
                               provenance=provenance.scanner_provenance(out.page_rows), extra_keys=EXTRA_KEYS)
    signature = provenance.signature_info(out.sign_info)
    existed = bool(package_versions(archive, meta))
    package = build_package(archive_root=archive, meta=meta, documents=[f(paths.SIGNED)], extra_files=extra,
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


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, VN_TZ)
