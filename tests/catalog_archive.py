"""A small real archive for the catalog tests: packages from the real package writer, export records,
catalog rows — built without a pipeline run, to stay fast.

Dossier codes differ from the internal ids (``hs-…``), as in a real archive: a command that used the
id where a person gives the code would fail here. The package of the first dossier holds a
``record.json`` (contract C5), the others are laid out as packages written before it (fields and
OCR text only), so a rebuild reads both kinds.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pikepdf

from archive import DossierMetadata, PremisEvent, build_package, load_schedule, retention_for
from sohoa.clock import VN_TZ

NAME = "Nguyễn Văn An"
CCCD = "001090012345"
DOSSIERS = (  # code, internal id, form type, year the matter ended
    ("H49-2010-0001", "hs-q56qzvla6exv", "ct01", 2010),           # 10 years: expired
    ("H49-2012-0002", "hs-7k2m9d0w1bqa", "ho_kinh_doanh", 2012),  # 20 years: not expired
    ("SOHOA-TAM-79D5FF71EE27", "hs-p0x4n8c3r6tz", "khai_sinh", 2000),  # permanent; a temporary code
)


def make_archive(root: Path, src: Path, open_catalog) -> None:  # noqa: ANN001 - Backend.open
    """Three archived dossiers with packages, catalog rows, retention, events and export records."""
    src.mkdir(parents=True, exist_ok=True)
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src / "doc.pdf")
    schedule = load_schedule()
    at = datetime(2024, 1, 2, 9, 30, tzinfo=VN_TZ)
    for n, (code, dossier_id, form, year) in enumerate(DOSSIERS):
        person = NAME if n == 0 else f"Trần Thị Bình {n}"
        text = src / f"{code}.txt"
        text.write_text(f"Họ, chữ đệm, tên: {person}\n", encoding="utf-8")
        fields = {"so_cccd": {"value": CCCD if n == 0 else f"00109001234{n}", "confidence": 0.9,
                              "needs_review": False},
                  "ho_ten": {"value": person, "confidence": 0.9, "needs_review": False}}
        fields_file = src / f"{code}-fields.json"
        fields_file.write_text(json.dumps({"form_type": form, "fields": fields}, ensure_ascii=False), encoding="utf-8")
        ocr_file = src / f"{code}-ocr.json"
        ocr_file.write_text(json.dumps([{"source_page": 1, "words": []}]), encoding="utf-8")
        record = {"dossier_id": dossier_id, "code": code, "code_generated": code.startswith("SOHOA-TAM-"),
                  "review": [], "source": f"scans/{code}.pdf", "form_type": form,
                  "pages": [{"source_page": 1, "text": f"Họ, chữ đệm, tên: {person}"}], "fields": fields,
                  "dates": {"start": f"{year}-01-01", "end": f"{year}-06-01", "start_from": "ngay",
                            "end_from": "ngay", "fallback": False}}
        extra = {"ocr/text.txt": text, "ocr/ocr.json": ocr_file, "fields/fields.json": fields_file}
        if n == 0:
            packaged = src / f"{code}-record.json"
            packaged.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            extra["record.json"] = packaged
        retention = retention_for(schedule, form, year)
        meta = DossierMetadata(dossier_code=code, title=f"Tờ khai {form}", form_type=form, number_of_pages=1,
                               number_of_paper=1, start_date=date(year, 1, 1), end_date=date(year, 6, 1),
                               maintenance=retention.maintenance, retention_years=retention.years)
        events = [PremisEvent("transfer", at, "success", "scan", "sohoa test"),
                  PremisEvent("information package creation", at, "success", "AIP created", "sohoa test")]
        package = build_package(archive_root=root, meta=meta, documents=[src / "doc.pdf"], extra_files=extra,
                                events=events)
        record = {**record, "pdf": f"packages/{package.name}/representations/rep1/data/{code}.1.pdf",
                  "package": f"packages/{package.name}"}
        (root / "records").mkdir(exist_ok=True)
        (root / "records" / f"{dossier_id}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        with open_catalog(root) as catalog:
            catalog.upsert_dossier(record, retention=retention)
            for event in events:
                catalog.add_event(dossier_id, event)
