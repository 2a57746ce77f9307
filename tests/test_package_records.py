"""The archive stage on real files: the package is the truth, one code is one dossier, PREMIS tells the story.

Each test fabricates a dossier's work folder the way the stages before archiving leave it — a real
scan (JPEG), its page manifest with the scanner's provenance, geometry, OCR text, fields, a real
PDF/A signed with the demo chain and its ``sign.json`` — and runs ``records.archive_dossier``, the
archive stage itself (packages, catalog on SQLite, E-ARK validator on the result).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from eark import EARK_VALIDATE

from archive import Catalog, DuplicateCodeError, package_versions, read_record
from archive.package import version_dir
from configs.form_schema import FieldSettings
from configs.schema import Settings
from ocr.dossier import save_geometry, save_page_texts
from ocr.model import BBox, PageGeometry, PageText, Word
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from pipeline import provenance, records
from scanners.model import Dossier
from signing import StampText, ensure_demo_chain, load_pkcs12_signer, read_secret, sign_pdf
from sohoa.clock import VN_TZ
from sohoa.errors import InputFileError

PREMIS = "{http://www.loc.gov/premis/v3}"
METS = "{http://www.loc.gov/METS/}"
AGENCY = "Ủy ban nhân dân phường Bến Nghé"
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


@dataclass(frozen=True)
class Work:
    """A fabricated dossier ready for the archive stage."""

    dossier: Dossier
    work: Path
    source: Path


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory):
    chain = ensure_demo_chain(tmp_path_factory.mktemp("keys") / "demo", agency_name=AGENCY)
    return load_pkcs12_signer(chain.signer_p12, passphrase=read_secret(file=chain.passphrase_file))


def _scan(path: Path, text: str) -> Path:
    im = Image.new("RGB", (1654, 2339), (248, 246, 240))
    ImageDraw.Draw(im).text((200, 400), text, font=ImageFont.truetype(str(FONT), 40), fill=(20, 20, 20))
    im.save(path, quality=90, dpi=(200, 200))
    return path


def make_dossier(base: Path, signer, *, code: str, text: str = "TỜ KHAI ĐĂNG KÝ KHAI SINH", name: str = "scan.jpg",
                 form: dict | None = None, certified: bool = True, greyscale: bool = False) -> Work:
    """Write a work folder as ingest, preprocess, OCR, fields, PDF/A and signing leave it."""
    inbox, work = base / "inbox", base / "work"
    inbox.mkdir(parents=True, exist_ok=True)
    source = _scan(inbox / name, text)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    ident = hashlib.sha256(f"{name}\0{digest}".encode()).hexdigest()[:12]  # named by path and content, as intake does
    dossier = Dossier(dossier_id=f"hs-{ident}", source=source, relative=name, shape="image", code=code)
    d = work / dossier.dossier_id
    (d / "pages").mkdir(parents=True)
    (d / "pages" / "page-1.jpg").write_bytes(source.read_bytes())
    (d / "pages.json").write_text(json.dumps([{
        "index": 1, "path": "pages/page-1.jpg", "dpi": 200.0, "mode": "L" if greyscale else "RGB", "dpi_known": True,
        "scanner_make": "Canon", "scanner_model": "DR-C240", "capture_date": "2025:03:01 09:15:00"}]))
    geometry = PageGeometry(1, False, 0, 0.0, 1654, 2339, 200.0, ("greyscale",) if greyscale else ())
    save_geometry([geometry], d / "geometry.json")
    words = tuple(Word(w, BBox(200 + 150 * i, 400, 140, 40), 0.95, 0) for i, w in enumerate(text.split()))
    save_page_texts([PageText(1, 1654, 2339, 200.0, words)], d / "ocr.json")
    (d / "fields.json").write_text(json.dumps(form or {"form_type": "khai_sinh", "fields": {}}, ensure_ascii=False))
    build_pdfa([PdfPage(source, geometry, None)], d / "document.pdf",
               metadata=PdfMetadata("Hồ sơ", "test", "sohoa tests", datetime.now(VN_TZ)))
    result = sign_pdf(d / "document.pdf", d / "signed.pdf", signer=signer,
                      stamp=StampText("SAO Y", AGENCY) if certified else None)
    below = provenance.below_standard_pages([geometry])
    (d / "sign.json").write_text(json.dumps(provenance.sign_record(
        result, profile="archive", profile_level="B-LTA", note=None, agency=AGENCY,
        copy_form="SAO Y" if certified else None, below=below)))
    (d / "intake.json").write_text(json.dumps({"code": code, "code_generated": False, "review": [],
                                               "origin_pages": [], "separator_pages": []}))
    # a fast batch: OCR, fields and PDF/A end in the very second the signature claims, after its start
    signed_at = result.signing_time.timestamp()
    for offset, name in ((0.5, "ocr.json"), (0.6, "fields.json"), (0.7, "document.pdf")):
        os.utime(d / name, (signed_at + offset, signed_at + offset))
    return Work(dossier, work, source)


def _archive(item: Work, archive: Path, settings: Settings | None = None) -> dict:
    return records.archive_dossier(item.dossier, item.work, archive, settings or Settings())


def test_a_dossier_with_no_date_on_paper_is_dated_by_the_intake_date_in_its_code(tmp_path: Path, signer) -> None:
    """No date read from the paper, but a TT 01/2018 code (``…-YYMMDD-XXXX``): the day the one-stop shop
    received the dossier dates it, not the scan, and the EAD says where the date came from."""
    item = make_dossier(tmp_path, signer, code="000.00.19.H49-240315-0007")
    record = _archive(item, tmp_path / "archive")
    assert record["dates"] == {"start": "2024-03-15", "end": "2024-03-15", "start_from": "dossier_code",
                               "end_from": "dossier_code", "fallback": False}
    assert "date_from_scan" not in record["review"]
    ead = etree.parse(str(tmp_path / "archive" / record["package"] / "metadata/descriptive/EAD.xml")).getroot()
    assert (ead.findtext("startDate"), ead.findtext("endDate")) == ("15/03/2024", "15/03/2024")
    assert "ngày tiếp nhận ghi trong mã hồ sơ" in ead.findtext("description")


def _premis(package: Path) -> etree._Element:
    return etree.parse(str(package / "metadata/preservation/PREMIS.xml")).getroot()


def test_the_package_holds_its_record_and_the_scans_digest(tmp_path: Path, signer) -> None:
    item = make_dossier(tmp_path, signer, code="H49-2025-0001")
    archive = tmp_path / "archive"
    record = _archive(item, archive)
    package = archive / record["package"]
    held = read_record(package)
    assert held == {k: v for k, v in record.items() if k not in ("package", "pdf")}
    assert held["source_sha256"] == hashlib.sha256(item.source.read_bytes()).hexdigest()
    assert held["code"] == "H49-2025-0001" and held["sheets"] == 1
    assert "date_from_scan" in held["review"] and held["dates"]["fallback"] is True
    source = next(o for o in _premis(package).iter(f"{PREMIS}object")
                  if o.findtext(f".//{PREMIS}objectIdentifierValue") == "original-scan")
    assert source.findtext(f".//{PREMIS}messageDigest") == held["source_sha256"]
    assert int(source.findtext(f".//{PREMIS}size")) == item.source.stat().st_size
    result = subprocess.run([str(EARK_VALIDATE), str(package)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_premis_tells_the_whole_story_in_order(tmp_path: Path, signer) -> None:
    item = make_dossier(tmp_path, signer, code="H49-2025-0002")
    record = _archive(item, tmp_path / "archive")
    premis = _premis(tmp_path / "archive" / record["package"])
    events = premis.findall(f"{PREMIS}event")
    types = [e.findtext(f"{PREMIS}eventType") for e in events]
    assert types == ["capture", "transfer", "OCR", "metadata extraction", "creation", "digital signature generation",
                     "information package creation"]
    times = [e.findtext(f"{PREMIS}eventDateTime") for e in events]
    assert all(t.endswith("+07:00") for t in times) and times == sorted(times)  # the signature is not before the OCR
    pdf = "representations/rep1/data/H49-2025-0002.1.pdf"
    links = {e.findtext(f"{PREMIS}eventType"): [(link.findtext(f"{PREMIS}linkingObjectIdentifierValue"),
                                                  link.findtext(f"{PREMIS}linkingObjectRole"))
                                                 for link in e.findall(f"{PREMIS}linkingObjectIdentifier")]
             for e in events}
    assert all(links[t] for t in types), "every event names the objects it touched"
    assert ("original-scan", "source") in links["transfer"]
    assert ("representations/rep1/metadata/other/ocr/text.txt", "outcome") in links["OCR"]
    assert (pdf, "outcome") in links["digital signature generation"]
    agents = {a.findtext(f"{PREMIS}agentType"): a.findtext(f"{PREMIS}agentName") for a in premis.iter(f"{PREMIS}agent")}
    assert agents["organization"] == AGENCY and agents["hardware"] == "Canon DR-C240"
    assert agents["software"].startswith("sohoa ")
    signing = next(e for e in events if e.findtext(f"{PREMIS}eventType") == "digital signature generation")
    roles = [link.findtext(f"{PREMIS}linkingAgentRole") for link in signing.findall(f"{PREMIS}linkingAgentIdentifier")]
    assert roles == ["executing program", "authorizer"]
    obj = next(o for o in premis.iter(f"{PREMIS}object") if o.findtext(f".//{PREMIS}objectIdentifierValue") == pdf)
    signature = obj.find(f"{PREMIS}signatureInformation/{PREMIS}signature")
    assert AGENCY in signature.findtext(f"{PREMIS}signer")
    props = [p.text for p in signature.findall(f"{PREMIS}signatureProperties")]
    sign = json.loads((item.work / item.dossier.dossier_id / "sign.json").read_text())
    assert f"signing time: {datetime.fromisoformat(sign['signing_time']).isoformat(timespec='milliseconds')}" in props
    assert "PAdES level: B-B" in props and signature.findtext(f"{PREMIS}signatureValue") == sign["signature_value"]
    capture = events[0]
    assert capture.findtext(f"{PREMIS}eventDateTime") == "2025-03-01T09:15:00.000+07:00"


def test_reingesting_the_same_scan_makes_no_new_version(tmp_path: Path, signer) -> None:
    item = make_dossier(tmp_path / "first", signer, code="H49-2025-0003")
    archive = tmp_path / "archive"
    first = _archive(item, archive)
    again = make_dossier(tmp_path / "again", signer, code="H49-2025-0003")  # the same scan, signed again
    assert (again.work / again.dossier.dossier_id / "signed.pdf").read_bytes() != (
        archive / first["pdf"]).read_bytes()
    for _ in range(2):
        assert _archive(again, archive) == first
    meta_dirs = list((archive / "packages").iterdir())
    assert len(meta_dirs) == 1
    with Catalog.for_archive(archive) as catalog:
        assert len(catalog.packages(first["dossier_id"])) == 1
        assert len(catalog.events(first["dossier_id"])) == 7  # the events of one ingest, recorded once


def test_a_different_dossier_under_a_used_code_is_held_never_a_version(tmp_path: Path, signer) -> None:
    archive = tmp_path / "archive"
    first = _archive(make_dossier(tmp_path / "a", signer, code="H49-2025-0004"), archive)
    other = make_dossier(tmp_path / "b", signer, code="H49-2025-0004", text="GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH")
    with pytest.raises(DuplicateCodeError) as err:
        _archive(other, archive)
    assert isinstance(err.value, InputFileError) and err.value.reason == "duplicate_code"
    assert [p.name for p in (archive / "packages").iterdir()] == [Path(first["package"]).name]
    for mets in archive.rglob("METS.xml"):
        assert etree.parse(str(mets)).getroot().find(f"{METS}metsHdr").get("RECORDSTATUS") == "NEW"
    renamed = make_dossier(tmp_path / "c", signer, code="H49-2025-0004", name="copy-of-scan.jpg")
    with pytest.raises(records.AlreadyArchivedError) as err:  # the same scan under another name
        _archive(renamed, archive)
    assert err.value.reason == "already_archived"


def test_a_new_form_type_is_only_a_yaml_file(tmp_path: Path, signer) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    for shipped in (Path(__file__).resolve().parents[1] / "configs/forms").glob("*.yaml"):
        (forms / shipped.name).write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (forms / "giay_xac_nhan.yaml").write_text(
        "form-type: giay_xac_nhan\ntitles: [GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN]\n"
        "fields:\n  - {key: ho_ten, labels: ['Họ, chữ đệm, tên'], type: name}\n", encoding="utf-8")
    settings = Settings(fields=FieldSettings(forms_dir=forms))
    item = make_dossier(tmp_path, signer, code="H49-2025-0005", text="GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                        form={"form_type": "giay_xac_nhan", "fields": {}})
    record = _archive(item, tmp_path / "archive", settings)
    assert record["form_type"] == "giay_xac_nhan"
    ead = etree.parse(str(tmp_path / "archive" / record["package"] / "metadata/descriptive/EAD.xml")).getroot()
    assert ead.findtext("title") == "Giấy xác nhận tình trạng hôn nhân"
    with Catalog.for_archive(tmp_path / "archive") as catalog:
        assert catalog.dossier(record["dossier_id"])["form_type"] == "giay_xac_nhan"


def test_pages_below_the_standard_are_named_in_the_record(tmp_path: Path, signer) -> None:
    item = make_dossier(tmp_path, signer, code="H49-2025-0006", greyscale=True, certified=False)
    record = _archive(item, tmp_path / "archive")
    assert record["e_copy"] == {"certified": False, "copy_form": None, "level": "B-B",
                                "below_standard": [{"source_page": 1, "rules": ["greyscale"]}]}
    assert {"pages_below_standard", "e_copy_not_certified"} <= set(record["review"])
    ead = etree.parse(str(tmp_path / "archive" / record["package"] / "metadata/descriptive/EAD.xml")).getroot()
    assert "Chưa chứng thực bản sao điện tử" in ead.findtext("description")


def test_a_result_document_dates_the_dossier(tmp_path: Path, signer) -> None:
    documents = [{"pages": [1], "kind": "result", "type_name": "Quyết định", "type_code": "02",
                  "form_type": "unknown", "number": "12", "notation": "QĐ-UBND", "issued": "2024-11-20"}]
    item = make_dossier(tmp_path, signer, code="H49-2025-0007",
                        form={"form_type": "unknown", "fields": {}, "documents": documents})
    record = _archive(item, tmp_path / "archive")
    assert record["dates"] == {"start": "2024-11-20", "end": "2024-11-20", "start_from": "document:1",
                               "end_from": "document:1", "fallback": False}
    assert "date_from_scan" not in record["review"] and record["documents"] == documents
    package = tmp_path / "archive" / record["package"]
    doc = etree.parse(str(package / "representations/rep1/metadata/descriptive/EAD_doc_1.xml")).getroot()
    assert (doc.findtext("typeName"), doc.findtext("codeNumber"), doc.findtext("issuedDate")) == ("02", "12", "20/11/2024")
    assert version_dir(tmp_path / "archive", "DEMO", "H49-2025-0007", 1) == package
    assert package_versions(tmp_path / "archive", agency_code="DEMO", dossier_code="H49-2025-0007") == [package]
