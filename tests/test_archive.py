"""Tests of the archive stage on real files: package layout, E-ARK validity, fixity, catalog, retention."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from sqlalchemy.exc import DBAPIError
from eark import EARK_VALIDATE
from test_catalog_backends import Backend

from archive import (
    DossierMetadata,
    DuplicateCodeError,
    PremisEvent,
    build_package,
    check_fixity,
    derive_version,
    load_schedule,
    package_dir,
    package_id,
    package_versions,
    retention_for,
)
from archive._xml import unseal_dirs
from archive.dates import DocumentDate, document_date, intake_date, matter_dates
from sohoa.clock import VN_TZ
from archive.search import fold, snippet
from sohoa.errors import ArchiveError, ConfigError, InputFileError

METS = "{http://www.loc.gov/METS/}"
PREMIS = "{http://www.loc.gov/premis/v3}"
CODE = "000.00.19.H49-240101-0001"


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    """A one-page PDF, an OCR text file and a fields JSON file."""
    src = tmp_path / "src"
    src.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src / "scan.pdf")
    (src / "text.txt").write_text("TỜ KHAI ĐĂNG KÝ KHAI SINH\n", encoding="utf-8")
    (src / "fields.json").write_text(json.dumps({"form_type": "khai_sinh"}), encoding="utf-8")
    return {"pdf": src / "scan.pdf", "txt": src / "text.txt", "json": src / "fields.json"}


@pytest.fixture()
def meta() -> DossierMetadata:
    """Metadata of a digitized birth-registration dossier."""
    return DossierMetadata(dossier_code=CODE, title="Tờ khai đăng ký khai sinh", form_type="khai_sinh",
                           number_of_pages=1, number_of_paper=1, start_date=date(2024, 1, 2),
                           end_date=date(2024, 1, 2))


def _events() -> list[PremisEvent]:
    """Digitization and OCR events."""
    at = datetime(2024, 1, 2, 9, 30, tzinfo=VN_TZ)
    return [PremisEvent("transfer", at, "success", "scanned 1 page at 300 dpi", "sohoa 0.1.0"),
            PremisEvent("OCR", at, "success", "Tesseract vie", "sohoa 0.1.0")]


def _build(root: Path, meta: DossierMetadata, inputs: dict[str, Path], **kwargs: object) -> Path:
    """Build a package from the fixture inputs."""
    return build_package(archive_root=root, meta=meta, documents=[inputs["pdf"]],
                         extra_files={"ocr/text.txt": inputs["txt"], "fields/fields.json": inputs["json"]},
                         events=_events(), **kwargs)


@pytest.fixture()
def package(tmp_path: Path, meta: DossierMetadata, inputs: dict[str, Path]) -> Path:
    """A freshly built package."""
    return _build(tmp_path / "archive", meta, inputs)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(package: Path) -> set[str]:
    return {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}


def test_layout_follows_aip_hoso(package: Path, tmp_path: Path, meta: DossierMetadata) -> None:
    assert package == package_dir(tmp_path / "archive", meta)
    assert package.parent == tmp_path / "archive" / "packages"
    assert package.name.startswith("urn_uuid_")
    rep = "representations/rep1/"
    assert {"METS.xml", "metadata/descriptive/EAD.xml", "metadata/preservation/PREMIS.xml",
            f"{rep}METS.xml", f"{rep}data/{CODE}.1.pdf", f"{rep}metadata/other/ocr/text.txt",
            f"{rep}metadata/other/fields/fields.json", f"{rep}metadata/preservation/PREMIS_rep1.xml",
            f"{rep}metadata/descriptive/EAD_doc_1.xml", "documentation/README.txt",
            "schemas/mets.xsd"} <= _tree(package)


def test_package_is_valid_e_ark(package: Path) -> None:
    result = subprocess.run([str(EARK_VALIDATE), str(package)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_xml_well_formed_and_ead_holds_code(package: Path) -> None:
    for xml in package.rglob("*.xml"):
        etree.parse(str(xml))
    ead = etree.parse(str(package / "metadata/descriptive/EAD.xml")).getroot()
    assert ead.findtext("arcFileCode") == f"DEMO.DEMO.{CODE}"  # agency . fonds . the code unchanged
    assert ead.findtext("maintenance") == "01"
    assert ead.findtext("confidenceLevel") == "02"
    assert ead.findtext("startDate") == "02/01/2024"
    assert ead.findtext("numberOfPaper") == "1"
    mets = etree.parse(str(package / "METS.xml")).getroot()
    assert mets.get("OBJID").replace(":", "_") == package.name


def test_premis_checksums_and_times(package: Path) -> None:
    premis = etree.parse(str(package / "metadata/preservation/PREMIS.xml")).getroot()
    objects = premis.findall(f"{PREMIS}object")
    assert len(objects) == 3
    for obj in objects:
        rel = obj.findtext(f"{PREMIS}objectIdentifier/{PREMIS}objectIdentifierValue")
        digest = obj.findtext(f".//{PREMIS}messageDigest")
        assert digest == _sha(package / rel)
        assert int(obj.findtext(f".//{PREMIS}size")) == (package / rel).stat().st_size
    keys = {o.findtext(f".//{PREMIS}formatRegistryKey") for o in objects}
    assert keys == {"fmt/477", "fmt/817", "x-fmt/111"}
    times = [e.findtext(f"{PREMIS}eventDateTime") for e in premis.findall(f"{PREMIS}event")]
    types = [e.findtext(f"{PREMIS}eventType") for e in premis.findall(f"{PREMIS}event")]
    assert types == ["transfer", "OCR", "information package creation"]
    assert times[0] == "2024-01-02T09:30:00.000+07:00"
    assert all(t.endswith("+07:00") for t in times)


def test_mets_checksums_match_files(package: Path) -> None:
    mets = etree.parse(str(package / "representations/rep1/METS.xml")).getroot()
    for node in mets.iter(f"{METS}file"):
        href = node.find(f"{METS}FLocat").get("{http://www.w3.org/1999/xlink}href")
        assert node.get("CHECKSUMTYPE") == "SHA-256"
        assert node.get("CHECKSUM") == _sha(package / "representations/rep1" / href)


def _flip(path: Path) -> None:
    """Flip one bit in the middle of a (sealed, read-only) file."""
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_fixity_clean_then_names_flipped_file(package: Path) -> None:
    assert check_fixity(package) == []
    _flip(package / f"representations/rep1/data/{CODE}.1.pdf")
    problems = check_fixity(package)
    assert len(problems) == 1
    assert problems[0].startswith(f"representations/rep1/data/{CODE}.1.pdf:")
    assert str(package) not in problems[0]


def test_fixity_reports_missing_and_unlisted(package: Path) -> None:
    unseal_dirs(package)
    (package / "representations/rep1/metadata/other/ocr/text.txt").unlink()
    (package / "stray.txt").write_text("x")
    problems = check_fixity(package)
    assert any(p.startswith("representations/rep1/metadata/other/ocr/text.txt: listed") for p in problems)
    assert any(p.startswith("stray.txt: present but not listed") for p in problems)


def test_rebuild_identical_leaves_package_untouched(package: Path, tmp_path: Path,
                                                   meta: DossierMetadata, inputs: dict[str, Path]) -> None:
    before = {p: p.stat().st_mtime_ns for p in package.rglob("*")}
    again = _build(tmp_path / "archive", meta, inputs)
    assert again == package
    assert {p: p.stat().st_mtime_ns for p in package.rglob("*")} == before
    assert [p.name for p in package.parent.iterdir()] == [package.name]


def test_other_content_under_the_code_is_held_never_a_version(package: Path, tmp_path: Path,
                                                             meta: DossierMetadata, inputs: dict[str, Path]) -> None:
    before = {p.relative_to(package).as_posix(): _sha(p) for p in package.rglob("*") if p.is_file()}
    inputs["txt"].write_text("nội dung khác\n", encoding="utf-8")
    with pytest.raises(DuplicateCodeError) as err:
        _build(tmp_path / "archive", meta, inputs)
    assert err.value.reason == "duplicate_code" and isinstance(err.value, InputFileError)
    assert [p.name for p in package.parent.iterdir()] == [package.name]
    assert {p.relative_to(package).as_posix(): _sha(p) for p in package.rglob("*") if p.is_file()} == before


def test_derived_version_replaces_never_overwrites(package: Path, tmp_path: Path, meta: DossierMetadata,
                                                  inputs: dict[str, Path]) -> None:
    root = tmp_path / "archive"
    before = {p.relative_to(package).as_posix(): _sha(p) for p in package.rglob("*") if p.is_file()}
    second = derive_version(root, package, replace={
        "representations/rep1/metadata/other/ocr/text.txt": "nội dung khác\n".encode()})
    assert second != package and second.name == package_id(meta, 2).replace(":", "_")
    assert package_versions(root, meta) == [package, second]
    assert package_dir(root, meta) == second
    assert {p.relative_to(package).as_posix(): _sha(p) for p in package.rglob("*") if p.is_file()} == before
    assert (second / "representations/rep1/metadata/other/ocr/text.txt").read_text(
        encoding="utf-8") == "nội dung khác\n"
    assert check_fixity(package) == [] and check_fixity(second) == []
    hdr = etree.parse(str(second / "METS.xml")).getroot().find(f"{METS}metsHdr")
    assert hdr.get("RECORDSTATUS") == "REPLACEMENT"
    assert hdr.findtext(f"{METS}altRecordID[@TYPE='PREVIOUSVERSION']") == package_id(meta)
    assert _build(root, meta, inputs) == second  # the original content again: nothing new
    result = subprocess.run([str(EARK_VALIDATE), str(second)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_package_read_only_and_not_world_readable(package: Path) -> None:
    for path in [package, *package.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o550 if path.is_dir() else 0o440), path


def test_failure_midway_leaves_nothing(tmp_path: Path, meta: DossierMetadata,
                                       inputs: dict[str, Path]) -> None:
    root = tmp_path / "archive"
    with pytest.raises(ArchiveError) as info:
        build_package(archive_root=root, meta=meta, documents=[inputs["pdf"], tmp_path / "gone.pdf"],
                      extra_files={"ocr/text.txt": inputs["txt"]}, events=_events())
    assert "gone" not in str(info.value)
    assert list((root / "packages").iterdir()) == []


def test_bad_extra_key_and_metadata_rejected(tmp_path: Path, meta: DossierMetadata,
                                             inputs: dict[str, Path]) -> None:
    with pytest.raises(ArchiveError):
        build_package(archive_root=tmp_path, meta=meta, documents=[inputs["pdf"]],
                      extra_files={"../escape.txt": inputs["txt"]}, events=[])
    with pytest.raises(ArchiveError):
        replace(meta, maintenance="8")
    with pytest.raises(ArchiveError):
        PremisEvent("OCR", datetime(2024, 1, 1), "success", "naive time", "sohoa 0.1.0")


def test_catalog_round_trip_and_events(catalog_backend: Backend, tmp_path: Path) -> None:
    record_b = {"dossier_id": "B", "source": "inbox/b", "form_type": "ct01", "pages": [1, 2],
                "fields": {"ho_ten": {"value": "Nguyễn Văn A"}}, "pdf": "out/B.pdf", "package": None}
    record_a = {**record_b, "dossier_id": "A", "form_type": "khai_sinh"}
    with catalog_backend.open(tmp_path) as catalog:
        catalog.upsert_dossier(record_b)
        catalog.upsert_dossier(record_a)
        catalog.upsert_dossier({**record_b, "package": "packages/x"})
        assert catalog.records() == [record_a, {**record_b, "package": "packages/x"}]
        first, second = _events()
        catalog.add_event("A", first)
        catalog.add_event("A", second)
        assert [e["event_type"] for e in catalog.events("A")] == ["transfer", "OCR"]
        assert catalog.events("A")[0]["time"] == "2024-01-02T09:30:00.000+07:00"
        assert catalog.events("B") == []
    if catalog_backend.name == "sqlite":
        assert stat.S_IMODE((tmp_path / "catalog.sqlite").stat().st_mode) == 0o640
    for sql, message in (("DELETE FROM events", "append-only"), ("UPDATE events SET outcome = 'failure'",
                                                                 "append-only"),
                         ("DELETE FROM dossiers", "never deletes")):
        with pytest.raises(DBAPIError, match=message):
            catalog_backend.raw(tmp_path, sql)
    with catalog_backend.open(tmp_path) as catalog:
        assert len(catalog.events("A")) == 2


def test_retention_schedule() -> None:
    schedule = load_schedule()
    birth = retention_for(schedule, "khai_sinh", 2024)
    assert (birth.maintenance, birth.years, birth.review_year, birth.confirmed) == ("01", None, None, True)
    assert "TT 04/2020/TT-BTP" in birth.basis
    assert retention_for(schedule, "ket_hon", 2024).review_year is None
    residence = retention_for(schedule, "ct01", 2015)
    assert residence.confirmed is False and residence.review_year == 2015 + residence.years
    assert retention_for(schedule, "not_a_form", 2024) == retention_for(schedule, "unknown", 2024)


def test_bad_schedule_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "retention.yaml"
    bad.write_text("rules:\n  khai-sinh:\n    maintenance: '09'\n    basis: x\n    confirmed: true\n")
    with pytest.raises(ConfigError, match="retention.yaml:3"):
        load_schedule(bad)


def test_due_for_review_lists_and_never_deletes(catalog_backend: Backend, tmp_path: Path) -> None:
    schedule = load_schedule()
    ten_years = replace(retention_for(schedule, "ct01", 2014), maintenance="06", years=10, review_year=2024)
    with catalog_backend.open(tmp_path) as catalog:
        catalog.upsert_dossier({"dossier_id": "OLD", "form_type": "ct01"}, retention=ten_years)
        catalog.upsert_dossier({"dossier_id": "BIRTH", "form_type": "khai_sinh"},
                               retention=retention_for(schedule, "khai_sinh", 2000))
        assert catalog.due_for_review(2023) == []
        due = catalog.due_for_review(2024)
        assert [row["dossier_id"] for row in due] == ["OLD"]
        assert due[0]["review_year"] == 2024 and due[0]["maintenance"] == "06"
        assert [row["dossier_id"] for row in catalog.due_for_review(2100)] == ["OLD"]
        catalog.upsert_dossier({"dossier_id": "OLD", "form_type": "ct01", "package": "p"})
        assert [row["dossier_id"] for row in catalog.due_for_review(2024)] == ["OLD"]
        assert [r["dossier_id"] for r in catalog.records()] == ["BIRTH", "OLD"]


def test_retention_end_dates_follow_the_table() -> None:
    schedule = load_schedule()
    for form, end_year in (("ct01", 2014), ("ho_kinh_doanh", 2001)):
        rule = schedule.rules[form]
        info = retention_for(schedule, form, end_year)
        assert info.expires_on == date(end_year + rule.years, 12, 31)
        assert info.end_year == end_year
    assert retention_for(schedule, "khai_sinh", 1990).expires_on is None


def test_expired_is_exact_at_the_boundary(catalog_backend: Backend, tmp_path: Path) -> None:
    schedule = load_schedule()
    with catalog_backend.open(tmp_path) as catalog:
        catalog.upsert_dossier({"dossier_id": "C", "form_type": "ct01"},
                               retention=retention_for(schedule, "ct01", 2014))
        catalog.upsert_dossier({"dossier_id": "K", "form_type": "khai_sinh"},
                               retention=retention_for(schedule, "khai_sinh", 1900))
        end = date(2014 + schedule.rules["ct01"].years, 12, 31)
        assert catalog.expired(end) == []
        assert [r["dossier_id"] for r in catalog.expired(date(end.year + 1, 1, 1))] == ["C"]


def test_fold_keeps_offsets_and_drops_marks() -> None:
    name = "Nguyễn Văn An, Đặng Thị Đào"
    assert fold(name) == "nguyen van an, dang thi dao"
    assert len(fold(name)) == len(name)
    assert snippet("Họ tên: Đặng Thị Đào, sinh 1990", "dang thi dao") == "Họ tên: Đặng Thị Đào, sinh 1990"


def test_catalog_registers_versions_and_searches(catalog_backend: Backend, tmp_path: Path, meta: DossierMetadata,
                                                 inputs: dict[str, Path]) -> None:
    root = tmp_path / "archive"
    first = _build(root, meta, inputs)
    record = {"dossier_id": CODE, "form_type": "khai_sinh", "package": f"packages/{first.name}",
              "pages": [{"source_page": 1, "text": "Họ, chữ đệm, tên: Nguyễn Văn An"}],
              "fields": {"so_cccd": {"value": "001090012345"}}}
    with catalog_backend.open(root) as catalog:
        catalog.upsert_dossier(record)
        second = derive_version(root, first, replace={"representations/rep1/metadata/other/ocr/text.txt": b"khac\n"})
        catalog.upsert_dossier({**record, "package": f"packages/{second.name}"})
        rows = catalog.packages(CODE)
        assert [(r["version"], r["status"]) for r in rows] == [(1, "superseded"), (2, "current")]
        assert rows[0]["mets_sha256"] == _sha(first / "METS.xml")
        assert any(f["path"].endswith(".1.pdf") for f in catalog.package_files(rows[1]["objid"]))
        hits = catalog.search("nguyen van an")
        assert [(h["dossier_id"], h["page"]) for h in hits] == [(CODE, 1)]
        assert "Nguyễn Văn An" in hits[0]["snippet"]
        assert catalog.search("001090012345")[0]["field"] == "so_cccd"
        assert catalog.search(CODE)[0]["dossier_id"] == CODE
        assert catalog.search("Trần") == []
        assert catalog.search("NGUYỄN văn") and catalog.search("  ") == []
        assert catalog.search("nguyen van binh") == []  # every word must match


# -- dates of the matter ----------------------------------------------------------------------

def _date_field(value: str, review: bool = False) -> dict:
    return {"value": value, "confidence": 0.95, "needs_review": review}


def test_matter_dates_come_from_the_named_fields_else_the_scan_date() -> None:
    scan = date(2025, 6, 1)
    fields = {"ngay_dang_ky": _date_field("15/03/2010"), "ngay_nop": _date_field("02/03/2010"),
              "ngay_sai": _date_field("01/01/2030"), "ngay_mo": _date_field("05/03/2010", review=True)}
    dates = matter_dates(fields, start_keys=["ngay_mo", "ngay_nop"], end_keys=["ngay_sai", "ngay_dang_ky"],
                         scan_date=scan)
    assert (dates.start, dates.end) == (date(2010, 3, 2), date(2010, 3, 15))  # flagged and future ones skipped
    assert (dates.start_from, dates.end_from, dates.fallback, dates.note_vi()) == (
        "ngay_nop", "ngay_dang_ky", False, None)
    only_end = matter_dates(fields, start_keys=[], end_keys=["ngay_dang_ky"], scan_date=scan)
    assert only_end.start == only_end.end == date(2010, 3, 15) and only_end.start_from == "ngay_dang_ky"
    none = matter_dates({"x": _date_field("31/02/2010")}, start_keys=["x"], end_keys=["x", "gone"], scan_date=scan)
    assert (none.start, none.end, none.fallback) == (scan, scan, True)
    assert "ngày số hóa" in none.note_vi() and none.as_record()["end_from"] == "scan_date"


def test_the_intake_date_in_a_dossier_code_comes_before_the_scan_date_and_a_doubtful_reading() -> None:
    """TT 01/2018/TT-VPCP codes carry the day of intake (``-YYMMDD-``); other shapes carry no date."""
    assert intake_date("000.00.19.H49-240101-0001") == date(2024, 1, 1)
    assert intake_date("000.00.19.H49-240101-0001-KQ2") == date(2024, 1, 1)  # a result's code
    assert intake_date(" G01.10.05.H31-191231-0123 ") == date(2019, 12, 31)
    for other in ("000.00.19.H49-241301-0001", "H49-2025-0001", "SOHOA-TAM-0123456789ab", "", None,
                  "000.00.19.H49-240101-0001x"):
        assert intake_date(other) is None
    scan, code = date(2025, 6, 1), "000.00.19.H49-240301-0042"
    dates = matter_dates({}, start_keys=["ngay_lap"], end_keys=["ngay_lap"], scan_date=scan, code=code,
                         documents=[DocumentDate("document:1", date(2024, 2, 27), False, sure=False)])
    assert (dates.start, dates.end, dates.start_from, dates.fallback, dates.doubtful) == (
        date(2024, 3, 1), date(2024, 3, 1), "dossier_code", False, False)
    assert "mã hồ sơ" in dates.note_vi() and dates.flags == ()
    read = matter_dates({"ngay_lap": _date_field("27/02/2024")}, start_keys=["ngay_lap"], end_keys=["ngay_lap"],
                        scan_date=scan, code=code)
    assert (read.start_from, read.start, read.note_vi()) == ("ngay_lap", date(2024, 2, 27), None)  # paper first
    after_scan = matter_dates({}, start_keys=[], end_keys=[], scan_date=date(2024, 1, 1), code=code)
    assert after_scan.fallback  # a code dated after the scan is no evidence


def test_a_paper_without_date_fields_is_dated_again_by_its_new_code() -> None:
    """A scan-dated dossier of a type with no ``dossier-dates`` (a decision, a công văn) is dated by the
    intake day of a code given later, as the pipeline would date it; no change gives None."""
    from archive.redating import redated

    old = {"form_type": "unknown", "code": "SOHOA-TAM-0123456789AB", "fields": {}, "documents": [],
           "dates": {"start": "2025-06-01", "end": "2025-06-01", "start_from": "scan_date", "end_from": "scan_date",
                     "fallback": True}}
    new = {**old, "code": "000.00.19.H49-240301-0042"}
    dates = redated(new, old, ((), ()), date(2025, 6, 1))
    assert dates is not None and (dates.start, dates.start_from, dates.fallback) == (date(2024, 3, 1), "dossier_code",
                                                                                    False)
    assert redated(old, old, ((), ()), date(2025, 6, 1)) is None


def test_document_dates_one_rule_for_pipeline_and_corrections() -> None:
    """The pipeline (dates) and a correction (ISO strings in record.json) read a document's date alike."""
    from archive.redating import record_document_dates as _document_dates

    assert document_date(2, date(2022, 8, 26), "result", flagged=True) == DocumentDate(
        "document:2", date(2022, 8, 26), True, sure=False)
    assert document_date(1, "2022-08-26", "component", flagged=False) == DocumentDate(
        "document:1", date(2022, 8, 26), False, sure=True)
    assert document_date(1, "26/08/2022", "result", flagged=False) is None  # not ISO: no date
    assert document_date(1, None, "result", flagged=False) is None
    record = {"documents": [{"kind": "component", "issued": None},
                            {"kind": "result", "issued": "2022-08-26", "reasons": {"issued": "low_confidence"}},
                            "not a document", {"kind": "result", "issued": "2022-09-01", "reasons": {"number": "x"}}]}
    assert _document_dates(record) == [DocumentDate("document:2", date(2022, 8, 26), True, sure=False),
                                       DocumentDate("document:4", date(2022, 9, 1), True, sure=True)]
    scan = date(2025, 6, 1)
    only_doubtful = matter_dates({}, start_keys=[], end_keys=[], scan_date=scan, documents=_document_dates(
        {"documents": record["documents"][:2]}))
    assert (only_doubtful.end, only_doubtful.fallback, only_doubtful.doubtful) == (date(2022, 8, 26), False, True)
    assert "chưa chắc chắn" in only_doubtful.note_vi()


def test_dossier_dates_setting_is_validated(tmp_path: Path) -> None:
    from fields.templates import load_templates

    bad = tmp_path / "forms"
    bad.mkdir()
    (bad / "x.yaml").write_text("form-type: x\ntitles: [X]\nfields:\n  - {key: ho_ten, labels: [A], type: name}\n"
                                "dossier-dates:\n  end: [ho_ten]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x.yaml:6: dossier_dates.*not a date field"):
        load_templates(bad)
    assert {t.form_type: t.dossier_dates.end for t in load_templates() if t.kind == "component"} == dict.fromkeys(
        ("ct01", "ho_kinh_doanh", "ket_hon", "khai_sinh"), ("ngay_lap",))  # the form's own date


def test_retention_and_ead_follow_the_year_the_matter_ended(tmp_path: Path, inputs: dict[str, Path],
                                                           catalog_backend: Backend) -> None:
    """A 2010 residence dossier scanned in 2025: due from 2021 by its own date, from 2036 by the scan's."""
    from configs.form_schema import FieldSettings
    from configs.schema import Settings
    from pipeline.outputs import dossier_dates

    forms = tmp_path / "forms"
    forms.mkdir()
    ct01 = (Path(__file__).resolve().parents[1] / "configs/forms/ct01.yaml").read_text(encoding="utf-8")
    (forms / "ct01.yaml").write_text(
        ct01.replace("dossier-dates:\n  start: [ngay_lap]\n  end: [ngay_lap]", "dossier-dates:\n  start: [ngay_sinh]\n"
                     "  end: [ngay_sinh]"), encoding="utf-8")  # a stand-in date field, for the wiring only
    settings = Settings(fields=FieldSettings(forms_dir=forms))
    form = {"form_type": "ct01", "fields": {"ngay_sinh": _date_field("20/11/2010")}}
    dates = dossier_dates(form, settings, scan_date=date(2025, 6, 1))
    assert (dates.start, dates.end, dates.fallback) == (date(2010, 11, 20), date(2010, 11, 20), False)
    fallback = dossier_dates({"form_type": "ct01", "fields": {}}, Settings(), scan_date=date(2025, 6, 1))
    assert fallback.end == date(2025, 6, 1) and fallback.fallback
    schedule = load_schedule()
    root = tmp_path / "archive"
    packages = {}
    for code, got in (("H49-2010-0001", dates), ("H49-2025-0002", fallback)):
        retention = retention_for(schedule, "ct01", got.end.year)
        meta = DossierMetadata(dossier_code=code, title="Tờ khai", form_type="ct01", number_of_pages=1,
                               number_of_paper=1, start_date=got.start, end_date=got.end,
                               maintenance=retention.maintenance, retention_years=retention.years,
                               description=got.note_vi())
        packages[code] = _build(root, meta, inputs)
        with catalog_backend.open(root) as catalog:
            catalog.upsert_dossier({"dossier_id": code, "form_type": "ct01", "dates": got.as_record()},
                                   retention=retention)
    ead = etree.parse(str(packages["H49-2010-0001"] / "metadata/descriptive/EAD.xml")).getroot()
    assert (ead.findtext("startDate"), ead.findtext("endDate"), ead.findtext("description")) == (
        "20/11/2010", "20/11/2010", "")
    ead = etree.parse(str(packages["H49-2025-0002"] / "metadata/descriptive/EAD.xml")).getroot()
    assert ead.findtext("endDate") == "01/06/2025" and "ngày số hóa" in ead.findtext("description")
    years = schedule.rules["ct01"].years
    with catalog_backend.open(root) as catalog:
        assert catalog.dossier("H49-2010-0001")["end_year"] == 2010
        due = catalog.expired(date(2010 + years + 1, 1, 1))
        assert [r["dossier_id"] for r in due] == ["H49-2010-0001"]
        assert due[0]["retention_end"] == f"{2010 + years}-12-31"
    result = subprocess.run([str(EARK_VALIDATE), *map(str, packages.values())], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-4000:]
