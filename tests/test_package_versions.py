"""New versions of a package (contract C7): a clerk's correction, a document joined later.

The package is made by the archive stage from a fabricated work folder (see test_package_records);
versions are then derived from it as the review station and the results joining will.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from test_package_records import EARK_VALIDATE, make_dossier, signer  # noqa: F401 - signer: a pytest fixture

from archive import (
    DocumentMetadata,
    DossierMetadata,
    PremisEvent,
    check_fixity,
    derive_version,
    package_id,
    package_versions,
    read_record,
)
from sohoa.clock import now_vn
from configs.schema import Settings
from pipeline import records
from sohoa.errors import ArchiveError

PREMIS = "{http://www.loc.gov/premis/v3}"
METS = "{http://www.loc.gov/METS/}"
CODE = "H49-2025-0100"
FIELDS = "representations/rep1/metadata/other/fields/fields.json"


@pytest.fixture
def first(tmp_path: Path, signer) -> tuple[Path, Path]:  # noqa: F811 - the fixture imported above
    item = make_dossier(tmp_path, signer, code=CODE)
    archive = tmp_path / "archive"
    return archive, archive / records.archive_dossier(item.dossier, item.work, archive, Settings())["package"]


def _hashes(package: Path) -> dict[str, str]:
    return {p.relative_to(package).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in package.rglob("*") if p.is_file()}


def test_a_correction_is_version_two_and_version_one_stays(first: tuple[Path, Path]) -> None:
    archive, v1 = first
    before = _hashes(v1)
    correction = PremisEvent("metadata modification", now_vn(), "success", "field ho_ten corrected by a clerk",
                             "sohoa-review 0.1.0", person="lan.nt", sources=(FIELDS,), outcomes=(FIELDS,))
    v2 = derive_version(archive, v1, replace={FIELDS: b'{"form_type": "khai_sinh", "fields": {}}\n'},
                        events=[correction])
    assert _hashes(v1) == before
    assert package_versions(archive, agency_code="DEMO", dossier_code=CODE) == [v1, v2]
    hdr = etree.parse(str(v2 / "METS.xml")).getroot().find(f"{METS}metsHdr")
    assert hdr.get("RECORDSTATUS") == "REPLACEMENT"
    assert hdr.findtext(f"{METS}altRecordID[@TYPE='PREVIOUSVERSION']") == package_id(
        agency_code="DEMO", dossier_code=CODE)
    after = _hashes(v2)
    same = [p for p in before if "METS.xml" not in p and "PREMIS" not in p and p != "documentation/README.txt"
            and p != FIELDS]
    assert all(after[p] == before[p] for p in same), "every other file is copied byte for byte"
    assert after[FIELDS] != before[FIELDS]
    premis = etree.parse(str(v2 / "metadata/preservation/PREMIS.xml")).getroot()
    old = etree.parse(str(v1 / "metadata/preservation/PREMIS.xml")).getroot()
    types = [e.findtext(f"{PREMIS}eventType") for e in premis.findall(f"{PREMIS}event")]
    assert types == [e.findtext(f"{PREMIS}eventType") for e in old.findall(f"{PREMIS}event")] + [
        "metadata modification", "information package creation"]
    ids = [e.findtext(f".//{PREMIS}eventIdentifierValue") for e in premis.findall(f"{PREMIS}event")]
    assert len(set(ids)) == len(ids)
    person = [a for a in premis.iter(f"{PREMIS}agent") if a.findtext(f"{PREMIS}agentType") == "person"]
    assert [a.findtext(f"{PREMIS}agentName") for a in person] == ["lan.nt"]
    pdf = f"representations/rep1/data/{CODE}.1.pdf"
    signed = [o for o in premis.iter(f"{PREMIS}object") if o.findtext(f".//{PREMIS}objectIdentifierValue") == pdf]
    assert signed[0].find(f"{PREMIS}signatureInformation") is not None  # the unchanged PDF keeps its signature record
    assert check_fixity(v2) == [] and check_fixity(v1) == []
    result = subprocess.run([str(EARK_VALIDATE), str(v2)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_document_joined_later_is_described(first: tuple[Path, Path], tmp_path: Path) -> None:
    archive, v1 = first
    extra = next((tmp_path / "work").rglob("signed.pdf"))
    with pytest.raises(ArchiveError, match="metadata"):
        derive_version(archive, v1, add_documents=[extra])
    meta = DossierMetadata(
        dossier_code=CODE, title="Tờ khai đăng ký khai sinh; Giấy khai sinh", form_type="khai_sinh",
        number_of_pages=2, number_of_paper=2, start_date=date(2025, 3, 1), end_date=date(2025, 3, 5),
        documents=(DocumentMetadata(1, (1,), type_name="Tờ khai đăng ký khai sinh", form_type="khai_sinh"),
                   DocumentMetadata(2, (1,), kind="result", type_name="Giấy khai sinh", issued=date(2025, 3, 5))))
    v2 = derive_version(archive, v1, add_documents=[extra], meta=meta)
    assert (v2 / f"representations/rep1/data/{CODE}.2.pdf").read_bytes() == extra.read_bytes()
    ead = etree.parse(str(v2 / "metadata/descriptive/EAD.xml")).getroot()
    assert ead.findtext("totalDoc") == "2" and ead.findtext("endDate") == "05/03/2025"
    doc = etree.parse(str(v2 / "representations/rep1/metadata/descriptive/EAD_doc_2.xml")).getroot()
    assert doc.findtext("docOrdinal") == "2" and doc.findtext("issuedDate") == "05/03/2025"
    assert check_fixity(v2) == []
    with pytest.raises(ArchiveError, match="another archive agency"):
        derive_version(archive, v2, meta=replace(meta, agency_code="H50"))


def test_a_temporary_code_replaced_by_the_real_one(first: tuple[Path, Path], tmp_path: Path, signer) -> None:  # noqa: F811
    archive, v1 = first
    real = "000.00.19.H49-250301-0009"
    meta = DossierMetadata(dossier_code=real, title="Tờ khai đăng ký khai sinh", form_type="khai_sinh",
                           number_of_pages=1, number_of_paper=1, start_date=date(2025, 3, 1), end_date=date(2025, 3, 1))
    renamed = derive_version(archive, v1, meta=meta, events=[PremisEvent(
        "metadata modification", now_vn(), "success", "temporary code replaced by the real one", "sohoa-review 0.1.0",
        person="lan.nt")])
    assert package_versions(archive, agency_code="DEMO", dossier_code=real) == [renamed]
    old_pdf, new_pdf = v1 / f"representations/rep1/data/{CODE}.1.pdf", renamed / f"representations/rep1/data/{real}.1.pdf"
    assert new_pdf.read_bytes() == old_pdf.read_bytes()
    assert new_pdf.stat().st_ino == old_pdf.stat().st_ino  # one sealed copy, shared by both versions
    assert not (renamed / f"representations/rep1/data/{CODE}.1.pdf").exists()
    hdr = etree.parse(str(renamed / "METS.xml")).getroot().find(f"{METS}metsHdr")
    assert hdr.get("RECORDSTATUS") == "REPLACEMENT"
    assert hdr.findtext(f"{METS}altRecordID[@TYPE='PREVIOUSVERSION']") == package_id(agency_code="DEMO",
                                                                                     dossier_code=CODE)
    assert read_record(renamed)["code"] == real and read_record(v1)["code"] == CODE
    ead = etree.parse(str(renamed / "metadata/descriptive/EAD.xml")).getroot()
    assert ead.findtext("arcFileCode") == f"DEMO.DEMO.{real}"
    premis = etree.parse(str(renamed / "metadata/preservation/PREMIS.xml")).getroot()
    pdf = next(o for o in premis.iter(f"{PREMIS}object")
               if o.findtext(f".//{PREMIS}objectIdentifierValue") == f"representations/rep1/data/{real}.1.pdf")
    assert pdf.find(f"{PREMIS}signatureInformation") is not None
    assert check_fixity(renamed) == [] and check_fixity(v1) == []
    other = make_dossier(tmp_path / "other", signer, code="H49-2025-0101", text="GIẤY ĐỀ NGHỊ")
    taken = archive / records.archive_dossier(other.dossier, other.work, archive, Settings())["package"]
    with pytest.raises(ArchiveError) as err:
        derive_version(archive, taken, meta=replace(meta, dossier_code=real))
    assert err.value.reason == "code_in_use"


def test_only_the_current_version_gets_a_successor_and_only_its_files_are_replaced(first: tuple[Path, Path]) -> None:
    archive, v1 = first
    v2 = derive_version(archive, v1, replace={FIELDS: b"{}"})
    with pytest.raises(ArchiveError) as err:
        derive_version(archive, v1, replace={FIELDS: b"{}"})
    assert err.value.reason == "not_current_version"
    for key in ("METS.xml", "representations/rep1/METS.xml", "metadata/preservation/PREMIS.xml",
                "representations/rep1/data/nope.pdf", "../escape"):
        with pytest.raises(ArchiveError) as err:
            derive_version(archive, v2, replace={key: b"x"})
        assert err.value.reason == "invalid_replace_key"
    assert package_versions(archive, agency_code="DEMO", dossier_code=CODE) == [v1, v2]
