"""Results join their dossier: a result scanned weeks after the components, under the same code.

A decision, certificate or trích lục (kết quả giải quyết) is often scanned long after the
dossier's components, with the same dossier code — or with the code the one-stop-shop system gives
an electronic result, ``<mã hồ sơ>-KQ<n>`` (NĐ 45/2020 k.3 Đ.14), which names dossier
``<mã hồ sơ>``. At the archive stage, the new scan's documents (contract C3 kinds) decide:

- it holds results and no component, and its dossier is archived: it **joins** that dossier as a
  new package version holding both (:func:`archive.derive_version`: the components' PDF and every
  other file carried byte for byte, the result's signed PDF added as ``<mã hồ sơ>.<n>.pdf``, the
  EAD rewritten for all the documents, the matter's end dated by the result, PREMIS continued,
  ``record.json`` with the documents list extended and the scan under ``joined``). It never
  replaces the components and never makes a second dossier;
- it holds components and the dossier archived under the code holds none (its result came first):
  the components join it the same way;
- otherwise (components under a code whose dossier has components: another citizen's dossier) the
  normal path holds it as ``duplicate_code`` (issue 17: no METS declares another citizen's
  package replaced).

A ``-KQ<n>`` result whose dossier is not archived yet starts that dossier under ``<mã hồ sơ>``
(its document keeps ``result_code``), so the components arriving later join it. Joining the same
scan again is a no-op; the same scan under another name is ``already_archived``.

The scan's own entry in ``records/`` is a marker, ``records/joined/<scan id>.json`` (the run's plan
and outcome read it, so the next run does not take the scan again); the dossier's record stays
``records/<dossier id>.json``, one per dossier, as export and fixity expect.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime
from pathlib import Path

from configs.schema import Settings
from pipeline import paths, provenance
from pipeline.outputs import StageOutputs, build_record, dossier_dates
from pipeline.provenance import AGENT
from pipeline.settings import retention_schedule
from scanners.model import Dossier
from sohoa.clock import VN_TZ
from sohoa.files import write_text_atomic

RESULT_CODE = re.compile(r"^(?P<base>.+)-KQ(?P<n>\d{1,3})$")
"""``<mã hồ sơ>-KQ<n>``: the code of a dossier's n-th electronic result."""
JOINED_DIR = "joined"
_INTAKE_FLAGS = frozenset({"duplicate_code", "code_generated", "date_from_scan", "date_doubtful"})
"""Review flags of the joining scan that say nothing about the dossier it joins."""


def kinds_of(documents: object, form_type: object = None) -> set[str]:
    """The document kinds of a dossier or scan (C3); without documents, a known form is a component."""
    found = {d.get("kind") for d in documents or () if isinstance(d, dict)} if isinstance(documents, list) else set()
    if not found:
        found = {"component"} if isinstance(form_type, str) and form_type not in ("", "unknown") else {"other"}
    return found


def is_result_scan(form: dict) -> bool:
    """True when a scan's documents hold a result and no component."""
    kinds = kinds_of(form.get("documents"), form.get("form_type"))
    return "result" in kinds and "component" not in kinds


def target_code(code: str, form: dict) -> tuple[str, str | None]:
    """(the code of the dossier the scan belongs to, the ``-KQ<n>`` code it came under, if any)."""
    match = RESULT_CODE.match(code)
    if match and is_result_scan(form):
        return match.group("base"), code
    return code, None


def joins(held: dict, form: dict) -> bool:
    """True when a new scan (its ``fields.json``) joins the archived dossier whose record is ``held``."""
    new, old = kinds_of(form.get("documents"), form.get("form_type")), kinds_of(held.get("documents"),
                                                                                  held.get("form_type"))
    if "result" in new and "component" not in new:
        return True
    return "component" in new and "component" not in old and "result" in old


def marker_file(archive: Path, scan_id: str) -> Path:
    """``records/joined/<scan id>.json``: the scan was archived by joining another dossier."""
    return paths.records_dir(archive) / JOINED_DIR / f"{scan_id}.json"


def joined_ids(archive: Path) -> set[str]:
    """Scan ids that joined an archived dossier (the run's plan takes them as archived)."""
    folder = paths.records_dir(archive) / JOINED_DIR
    try:
        return {p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")}
    except OSError:
        return set()


def read_marker(archive: Path, scan_id: str) -> dict | None:
    """The marker of a scan that joined a dossier, or None."""
    try:
        return json.loads(marker_file(archive, scan_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def mark_joined(archive: Path, scan_id: str, record: dict) -> None:
    """Write the scan's marker: which dossier it joined, as the run report shows it (no OCR text)."""
    entry = next((j for j in record.get("joined") or () if j.get("scan_id") == scan_id), {})
    docs = [d for d in record.get("documents") or () if d.get("file") == entry.get("file")]
    marker = {"scan_id": scan_id, "dossier_id": record["dossier_id"], "code": record.get("code"),
              "joined": True, "file": entry.get("file"), "received_code": entry.get("code"),
              "source": entry.get("source"), "package": record.get("package"),
              "form_type": next((d.get("form_type") for d in docs if d.get("form_type")), "unknown"),
              "review": list(entry.get("review") or ()), "fields": {},
              "pages": [{k: p.get(k) for k in ("source_page", "blank", "below_standard")}
                        for p in entry.get("pages") or ()]}
    marker_file(archive, scan_id).parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(marker_file(archive, scan_id), json.dumps(marker, ensure_ascii=False, indent=1))


def join_dossier(dossier: Dossier, work: Path, archive: Path, settings: Settings, *, out: StageOutputs, current: Path,
                 held: dict, code: str, received_code: str | None, source) -> dict:  # noqa: ANN001
    """Write the dossier's next version holding the new scan's documents; index it; return its record.

    Args:
        dossier: The new scan (its ``dossier_id`` is the scan's, not the dossier's).
        out: The scan's stage outputs.
        current: The dossier's current package version; ``held`` its ``record.json``.
        code: The dossier's code; ``received_code`` the ``-KQ<n>`` code the scan came under, if any.
        source: The scan's :class:`archive.SourceInfo`.
    """
    from archive import Catalog, derive_version, document_path, other_path
    from archive.kpi_index import documents
    from archive.retention import retention_for
    from archive.versions import package_identity

    f = lambda name: paths.stage_file(work, dossier.dossier_id, name)  # noqa: E731
    file_no = len(list((current / "representations" / "rep1" / "data").glob("*.pdf"))) + 1
    old_docs = documents(held) if held.get("documents") else [_whole_dossier(held, settings)]
    new_docs = [{**d, "file": file_no, **({"result_code": received_code} if received_code else {})}
                for d in documents({**out.form, "dates": {}})]
    meta_docs = _meta_documents([*old_docs, *new_docs], settings)
    scanned = datetime.fromtimestamp(f(paths.PAGES).stat().st_mtime, VN_TZ)
    dates = _dates(held, settings, scanned.date(), meta_docs, code)
    form_type = str(held.get("form_type") or "unknown")
    retention = retention_for(retention_schedule(settings), form_type, dates.end.year)
    agency, _code = package_identity(current)
    pages = build_record(dossier, out)["pages"]
    entry = {"file": file_no, "scan_id": dossier.dossier_id, "source": dossier.relative,
             "source_sha256": source.sha256, "code": received_code or code,
             "joined_at": datetime.now(VN_TZ).isoformat(timespec="seconds"), "pages": pages,
             "sheets": _sheets(out), "review": [k for k in _review(out) if k not in _INTAKE_FLAGS],
             "e_copy": {"certified": out.sign_info.get("certified", True), "copy_form": out.sign_info.get("copy_form"),
                        "level": out.sign_info.get("level"),
                        "below_standard": provenance.below_standard_pages(out.geometry)}}
    for key, flagged in (("pages_below_standard", bool(entry["e_copy"]["below_standard"])),
                         ("e_copy_not_certified", entry["e_copy"]["certified"] is False)):
        if flagged and key not in entry["review"]:
            entry["review"].append(key)
    review = list(held.get("review") or ())
    review = dates.flagged(review + [k for k in entry["review"] if k not in review])
    record = {**held, "documents": [*old_docs, *new_docs], "dates": dates.as_record(),
              "joined": [*(held.get("joined") or ()), entry], "review": review}
    meta = _metadata(current, settings, code=code, agency=agency, form_type=form_type, documents=meta_docs,
                     dates=dates, retention=retention, added_pages=sum(not p["blank"] for p in pages),
                     added_sheets=entry["sheets"], note=_note(file_no, code, entry))
    pdf_path = document_path(code, file_no)
    signature = provenance.signature_info(out.sign_info)
    events = _events(out, scanned, pdf_path, entry, received_code)
    package = derive_version(
        archive, current, add_documents=[f(paths.SIGNED)], meta=meta, events=events,
        replace={other_path("record.json"): (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode()},
        signatures={pdf_path: signature} if signature else None)
    first = min((package / "representations" / "rep1" / "data").glob("*.1.pdf"))
    final = {**record, "pdf": first.relative_to(archive).as_posix(), "package": package.relative_to(archive).as_posix()}
    with Catalog.for_archive(archive, settings.archive.catalog_url) as catalog:
        catalog.upsert_dossier(final, retention=retention)
        for event in events:
            catalog.add_event(final["dossier_id"], event)
    write_text_atomic(paths.record_file(archive, final["dossier_id"]), json.dumps(final, ensure_ascii=False, indent=1))
    return final


def _whole_dossier(held: dict, settings: Settings) -> dict:
    """The first scan as one document (contract C3 keys), for a record made before documents were read."""
    from pipeline.description import form_titles, form_type_codes

    form_type = str(held.get("form_type") or "unknown")
    known = form_type != "unknown"
    return {"pages": [p["source_page"] for p in held.get("pages") or () if isinstance(p, dict) and not p.get("blank")
                      and isinstance(p.get("source_page"), int)],
            "kind": "component" if known else "other", "type": form_type,
            "type_name": form_titles(settings.fields.forms_dir).get(form_type, ""),
            "type_code": form_type_codes(settings.fields.forms_dir).get(form_type, "32"), "form_type": form_type,
            "confidence": 0.0, "needs_review": False, "file": 1}


def _meta_documents(docs: list[dict], settings: Settings) -> tuple:
    from pipeline.description import documents_from_record

    return documents_from_record(docs, settings)


def _dates(held: dict, settings: Settings, scanned: date, documents: tuple, code: str):  # noqa: ANN202
    """The matter's dates over both scans; a start that came from the first scan's date stays that date."""
    dates = dossier_dates({"form_type": held.get("form_type"), "fields": held.get("fields") or {}}, settings,
                          scan_date=scanned, documents=documents, code=code)
    old = held.get("dates") if isinstance(held.get("dates"), dict) else {}
    if dates.start_from == "scan_date" and old.get("start"):
        try:
            start = date.fromisoformat(str(old["start"]))
        except ValueError:
            return dates
        dates = dataclasses.replace(dates, start=min(start, dates.end))
    return dates


def _metadata(current: Path, settings: Settings, *, code: str, agency: str, form_type: str, documents: tuple,  # noqa: ANN202
              dates, retention, added_pages: int, added_sheets: int, note: str):  # noqa: ANN001
    """The dossier's metadata over both scans: counts added up, the rest of its EAD kept."""
    from archive import DossierMetadata
    from archive._catalog_harvest import read_ead
    from archive.model import CONDITION_CODES, FORM_TYPE_RE
    from pipeline.description import dossier_title, keywords

    ead = read_ead(current)
    number = lambda key: int(ead.get(key) or 0) if str(ead.get(key) or "0").isdigit() else 0  # noqa: E731
    condition = ead.get("format") or None
    return DossierMetadata(
        dossier_code=code, title=dossier_title(documents),
        form_type=form_type if FORM_TYPE_RE.fullmatch(form_type) else "unknown",
        number_of_pages=number("numberOfPage") + added_pages, number_of_paper=number("numberOfPaper") + added_sheets,
        start_date=dates.start, end_date=dates.end, agency_code=agency, fonds_code=settings.archive.fonds_code,
        maintenance=retention.maintenance, retention_years=retention.years,
        paper_file_code=ead.get("paperFileCode") or None, keyword=keywords(documents),
        info_sign=ead.get("inforSign") or None,
        physical_condition=condition if condition in CONDITION_CODES else None,
        description=f"{ead.get('description') or ''} {note}".strip()[:2000], documents=documents)


def _note(file_no: int, code: str, entry: dict) -> str:
    """The EAD remark on the joined scan (Vietnamese, no personal data)."""
    came = f" (mã kết quả {entry['code']})" if entry["code"] != code else ""
    return (f"Tệp {code}.{file_no}.pdf được số hóa sau và bổ sung vào hồ sơ ngày "
            f"{entry['joined_at'][:10]}{came}.")


def _events(out, scanned: datetime, pdf_path: str, entry: dict, received_code: str | None) -> list:  # noqa: ANN001
    """The PREMIS story of the joined scan: digitization, OCR, PDF/A, signature, the dossier's description."""
    from archive import PremisEvent

    signed = datetime.fromisoformat(str(out.sign_info["signing_time"])).astimezone(VN_TZ).replace(microsecond=0)
    at = min(scanned.replace(microsecond=0), signed)
    came = f" under the result code {received_code}" if received_code else ""
    level, signer = out.sign_info.get("level"), out.sign_info.get("signer")
    return [
        PremisEvent("transfer", at, "success",
                    f"Digitization: a later scan{came} ({len(entry['pages'])} page(s), original SHA-256 "
                    f"{entry['source_sha256']}) joined to the dossier", AGENT, outcomes=(pdf_path,)),
        PremisEvent("OCR", at, "success", "Tesseract OCR, language vie: text of the joined scan", AGENT,
                    outcomes=(pdf_path,)),
        PremisEvent("creation", at, "success", "PDF/A-2b assembled from the joined scan", AGENT, outcomes=(pdf_path,)),
        PremisEvent("digital signature generation", signed, "success",
                    f"PAdES {level} signature by {signer} at {out.sign_info.get('signing_time')}", AGENT,
                    organization=str(out.sign_info.get("agency") or ""), sources=(pdf_path,), outcomes=(pdf_path,)),
        PremisEvent("metadata modification", max(signed, datetime.now(VN_TZ)), "success",
                    f"Documents of the joined scan added to the dossier's description (EAD, record.json) as file "
                    f"{pdf_path.rsplit('/', 1)[-1]}", AGENT),
    ]


def _sheets(out) -> int:  # noqa: ANN001
    from pipeline.description import number_of_sheets

    return number_of_sheets(out.geometry, out.intake.get("duplex"))


def _review(out) -> list[str]:  # noqa: ANN001
    found = list(out.intake.get("review", []))
    return found + [k for k in out.form.get("review", []) if k not in found]
