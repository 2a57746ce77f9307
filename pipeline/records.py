"""The dossier's export record (the output contract) and the hand-over to the archive."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from configs.schema import Settings
from ocr.dossier import load_geometry
from ocr.model import PageGeometry, PageText, load_page_texts, page_flags
from ocr.pdfa import PdfMetadata
from pipeline import paths
from scanners.model import Dossier
from sohoa import __version__
from sohoa.files import write_text_atomic

if TYPE_CHECKING:
    from archive.dates import MatterDates

VN_TZ = timezone(timedelta(hours=7))
AGENT = f"sohoa {__version__}"
FORM_TITLES = {
    "khai_sinh": "Tờ khai đăng ký khai sinh",
    "ket_hon": "Tờ khai đăng ký kết hôn",
    "ct01": "Tờ khai thay đổi thông tin cư trú (CT01)",
    "ho_kinh_doanh": "Giấy đề nghị đăng ký hộ kinh doanh",
    "unknown": "Tài liệu chưa phân loại",
}


def pdf_metadata(dossier_id: str, form_type: str) -> PdfMetadata:
    """XMP metadata for a dossier's PDF/A: its kind and code, no personal data."""
    return PdfMetadata(title=f"{FORM_TITLES.get(form_type, FORM_TITLES['unknown'])} — {dossier_id}",
                       subject="Bản số hóa từ văn bản giấy", creator_tool=AGENT,
                       created=datetime.now(VN_TZ))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, VN_TZ)


def intake_facts(work: Path, dossier_id: str) -> dict:
    """What scanner intake recorded for the dossier (code, separator sheets, review flags), if anything."""
    path = paths.stage_file(work, dossier_id, "intake.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _events(work: Path, dossier_id: str, out: StageOutputs):
    from archive import PremisEvent

    f = lambda name: paths.stage_file(work, dossier_id, name)
    intake, sign_info = out.intake, out.sign_info
    separators = [PremisEvent("separator sheet", _mtime(f("pages.json")), "success",
                              f"Separator sheet at page {s['page']} of {intake.get('origin', '?')} "
                              f"(code {s['code']}); not part of the dossier", AGENT)
                  for s in intake.get("separator_pages", [])]
    return [
        *separators,
        PremisEvent("transfer", _mtime(f("pages.json")), "success", "Digitization: scanner output ingested", AGENT),
        PremisEvent("OCR", _mtime(f("ocr.json")), "success", "Tesseract OCR, language vie", AGENT),
        PremisEvent("digital signature", datetime.fromisoformat(sign_info["signing_time"]), "success",
                    f"PAdES {sign_info['level']} signature with e-copy stamp", AGENT),
        PremisEvent("information package creation", datetime.now(VN_TZ), "success", "AIP created", AGENT),
    ]


@dataclass(frozen=True)
class StageOutputs:
    """What the stages before archiving wrote for one dossier, read once."""

    geometry: list[PageGeometry]
    texts: list[PageText]
    form: dict
    intake: dict
    sign_info: dict

    @classmethod
    def load(cls, work: Path, dossier_id: str) -> StageOutputs:
        f = lambda name: paths.stage_file(work, dossier_id, name)
        return cls(geometry=load_geometry(f("geometry.json")), texts=load_page_texts(f("ocr.json")),
                   form=json.loads(f("fields.json").read_text(encoding="utf-8")),
                   intake=intake_facts(work, dossier_id),
                   sign_info=json.loads(f("sign.json").read_text(encoding="utf-8")))

    def code(self, dossier_id: str) -> str:
        """The dossier code (mã hồ sơ) from intake; the id when intake recorded none."""
        return self.intake.get("code") or dossier_id


def build_record(dossier: Dossier, out: StageOutputs, archive: Path, package: Path, pdf: Path) -> dict:
    """The export object of one dossier (see README, "Output contract")."""
    texts = {t.source_page: t for t in out.texts}
    pages = [{"source_page": g.source_page, "blank": g.blank, "rotation": g.rotation, "skew": g.skew,
              "text": texts[g.source_page].text, "confidence": round(texts[g.source_page].confidence, 4),
              "dpi": g.dpi, "below_standard": list(g.below_standard),
              "flags": page_flags(g, texts[g.source_page]), "capture": g.capture,
              "quality": round(texts[g.source_page].quality, 4),
              **({"ocr_error": texts[g.source_page].error} if texts[g.source_page].error else {})}
             for g in out.geometry]
    fields = {k: {"value": v["value"], "confidence": v["confidence"], "needs_review": v["needs_review"],
                  **({"reason": v["reason"]} if v.get("reason") else {})}
              for k, v in out.form["fields"].items()}
    return {"dossier_id": dossier.dossier_id, "code": out.code(dossier.dossier_id),
            "code_generated": bool(out.intake.get("code_generated", not out.intake)),
            "review": list(out.intake.get("review", [])),
            "source": dossier.relative, "form_type": out.form["form_type"],
            "pages": pages, "fields": fields,
            "pdf": str(pdf.relative_to(archive)), "package": str(package.relative_to(archive))}


def archive_dossier(dossier: Dossier, work: Path, archive: Path, settings: Settings) -> dict:
    """Package the signed PDF/A with its text and fields, index it in the catalog, return its record."""
    from archive import Catalog, DossierMetadata, build_package
    from archive.retention import retention_for

    f = lambda name: paths.stage_file(work, dossier.dossier_id, name)
    out = StageOutputs.load(work, dossier.dossier_id)
    form_type = out.form["form_type"]
    write_text_atomic(f("text.txt"), "\n\f".join(t.text for t in out.texts))
    dates = dossier_dates(out.form, settings, scan_date=_mtime(f("pages.json")).date())
    schedule = retention_schedule(settings)
    retention = retention_for(schedule, form_type, dates.end.year)  # counted from the year the matter ended
    kept = sum(not g.blank for g in out.geometry) or len(out.geometry)
    meta = DossierMetadata(
        dossier_code=out.code(dossier.dossier_id), title=FORM_TITLES.get(form_type, FORM_TITLES["unknown"]),
        form_type=form_type, number_of_pages=kept, number_of_paper=kept,
        start_date=dates.start, end_date=dates.end, agency_code=settings.archive.agency_code,
        fonds_code=settings.archive.fonds_code, maintenance=retention.maintenance,
        retention_years=retention.years, description=dates.note_vi())
    events = _events(work, dossier.dossier_id, out)
    # Packages are written once: a re-ingest with other content becomes a new version beside the old one.
    package = build_package(archive_root=archive, meta=meta, documents=[f("signed.pdf")],
                            extra_files={"ocr/text.txt": f("text.txt"), "ocr/ocr.json": f("ocr.json"),
                                         "fields/fields.json": f("fields.json")},
                            events=events, new_version=True)
    pdf = min((package / "representations" / "rep1" / "data").glob("*.pdf"))
    record = {**build_record(dossier, out, archive, package, pdf), "dates": dates.as_record()}
    with Catalog.for_archive(archive, settings.archive.catalog_url) as catalog:
        catalog.upsert_dossier(record, retention=retention)  # also registers the package version
        for event in events:
            catalog.add_event(dossier.dossier_id, event)
    return record


def dossier_dates(form: dict, settings: Settings, *, scan_date: date) -> MatterDates:
    """The dates of the dossier's matter from the fields its form template names; else the scan date."""
    from archive.dates import matter_dates

    start_keys, end_keys = date_fields(settings).get(form.get("form_type"), ((), ()))
    return matter_dates(form.get("fields") or {}, start_keys=start_keys, end_keys=end_keys, scan_date=scan_date)


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
