"""One way to change a dossier code (``archive.catalog_codes.change_code``), on SQLite and PostgreSQL.

The dossier here is described the way the pipeline describes one (``pipeline.description``) with
the two documents the fields stage reads in it — a tờ khai and a QUYẾT ĐỊNH with its NĐ 30/2020
elements and an element to check — so the new version's EAD files must come out exactly as the
old ones, but for the code. Codes differ from the internal ids, as in a real archive. Covered: the
package, the catalog, search, ``records/``, fixity and the E-ARK validator after ``sohoa code set``;
a rebuilt catalog finding the new code in the package; a catalog write lost after the package was
written, brought back by ``sohoa catalog rebuild``; two dossiers given one code at once; refusals.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest
from eark import validate
from lxml import etree
from test_catalog_backends import Backend
from test_package_ead import DOCUMENTS  # a birth-registration form and the decision that answers it

from archive import Catalog, PremisEvent, build_package
from archive._catalog_journal import JOURNAL_NAME
from archive.catalog_codes import change_code
from archive.decisions import ReviewConflict
from archive.dossier_lock import dossier_lock
from archive.ead_read import read_metadata
from sohoa.clock import VN_TZ
from archive.retention import load_schedule, retention_for
from archive.versions import package_identity
from configs.archive_schema import ArchiveSettings
from configs.schema import Settings
from ocr.model import PageGeometry, PageText
from pipeline.cli import main
from pipeline.cli_preserve import current_packages
from pipeline.description import document_metadata, dossier_metadata
from pipeline.outputs import StageOutputs, dossier_dates
from sohoa.errors import ArchiveError, ExitCode

SETTINGS = Settings(archive=ArchiveSettings(agency_code="H49", fonds_code="64"))
DOSSIERS = (("SOHOA-TAM-3F2A9C41B7D0", "hs-k3v9q2m7x1ab"), ("SOHOA-TAM-8C1D0E5F2A93", "hs-w8e2r4t6y0ui"))
REAL = "000.00.19.H49-250301-0007"
NAME = "Lê Thị Hồng Nhung"


def _outputs(documents: list | None) -> StageOutputs:
    geometry = [PageGeometry(source_page=n, blank=n == 2, rotation=0, skew=0.0, width=1654, height=2339, dpi=200.0)
                for n in range(1, 5)]
    form = {"form_type": "khai_sinh", "fields": {"ho_ten": {"value": NAME, "confidence": 0.95, "needs_review": False}}}
    if documents is not None:
        form["documents"] = documents
    return StageOutputs(geometry=geometry, texts=[PageText(g.source_page, g.width, g.height, g.dpi) for g in geometry],
                        form=form, intake={"paper_file_code": "H49.K2.G5.H12.0031", "category": "HT.01"},
                        sign_info={"certified": True, "copy_form": "SAO Y"}, page_rows=[])


def _archive_dossier(root: Path, code: str, dossier_id: str, open_catalog, documents: list | None = DOCUMENTS):  # noqa: ANN001, ANN202
    """One dossier archived as the pipeline archives it: package (record.json, fields), catalog row, records/."""
    out = _outputs(documents)
    docs = document_metadata(out, SETTINGS)
    dates = dossier_dates(out.form, SETTINGS, scan_date=date(2025, 6, 1), documents=docs)
    retention = retention_for(load_schedule(), "khai_sinh", dates.end.year)
    meta = dossier_metadata(out, SETTINGS, code=code, documents=docs, dates=dates, retention=retention)
    src = root.parent / f"src-{dossier_id}"
    src.mkdir(parents=True)
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src / "doc.pdf")
    record = {"dossier_id": dossier_id, "code": code, "code_generated": True, "review": ["code_generated"],
              "source": f"{dossier_id}.pdf", "form_type": "khai_sinh",
              "pages": [{"source_page": g.source_page, "blank": g.blank, "text": f"Họ và tên: {NAME}"}
                        for g in out.geometry],
              "fields": out.form["fields"], "dates": dates.as_record(), "source_sha256": "0" * 64}
    if documents is not None:
        record["documents"] = documents
    (src / "record.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    (src / "fields.json").write_text(json.dumps(out.form, ensure_ascii=False), encoding="utf-8")
    at = datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ)
    package = build_package(archive_root=root, meta=meta, documents=[src / "doc.pdf"],
                            extra_files={"record.json": src / "record.json", "fields/fields.json": src / "fields.json"},
                            events=[PremisEvent("transfer", at, "success", "scan", "sohoa test")])
    record.update(package=package.relative_to(root).as_posix(),
                  pdf=f"{package.relative_to(root).as_posix()}/representations/rep1/data/{code}.1.pdf")
    (root / "records").mkdir(parents=True, exist_ok=True)
    (root / "records" / f"{dossier_id}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with open_catalog(root) as catalog:
        catalog.upsert_dossier(record, retention=retention)
    return meta, record


@pytest.mark.parametrize("documents", [DOCUMENTS, None], ids=["form-and-decision", "one-document"])
def test_the_metadata_a_package_was_written_from_reads_back_exactly(tmp_path: Path, documents: list | None) -> None:
    root = tmp_path / "archive"
    meta, record = _archive_dossier(root, *DOSSIERS[0], lambda r: Catalog.for_archive(r), documents)
    package = root / record["package"]
    assert package_identity(package) == ("H49", DOSSIERS[0][0])
    read = read_metadata(package, record, agency_code="H49", dossier_code=DOSSIERS[0][0])
    assert read.exact  # writes every EAD file of the package again, byte for byte
    assert read.meta == dataclasses.replace(meta, retention_years=None)  # the EAD does not hold the years
    with pytest.raises(ArchiveError) as err:
        read_metadata(package, record, agency_code="H50", dossier_code=DOSSIERS[0][0])
    assert err.value.reason == "package_damaged"


def test_code_set_moves_every_code_and_nothing_else(tmp_path: Path, catalog_backend: Backend,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "archive"
    temporary, dossier_id = DOSSIERS[0]
    _, record = _archive_dossier(root, temporary, dossier_id, catalog_backend.open)
    old = root / record["package"]
    before = {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file()}
    assert main(["code", "set", "--archive", str(root), temporary, REAL, "--reason", "mã trên phiếu hẹn",
                 "--operator", "van-thu"]) == ExitCode.OK
    with Catalog.for_archive(root) as catalog:
        row = catalog.dossier(dossier_id)
        assert catalog.resolve(REAL) == dossier_id and row["code"] == REAL
        with pytest.raises(ArchiveError):
            catalog.resolve(temporary)  # the temporary code is gone
        assert catalog.search(REAL)[0]["dossier_id"] == dossier_id
        assert catalog.search("le thi hong nhung")[0]["code"] == REAL
        assert [p["status"] for p in catalog.packages(dossier_id)] == ["superseded", "current"]
    new = root / row["package"]
    assert {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file()} == before
    assert (new / f"representations/rep1/data/{REAL}.1.pdf").stat().st_ino == \
        (old / f"representations/rep1/data/{temporary}.1.pdf").stat().st_ino  # the same signed file, not re-signed
    for rel in ("metadata/descriptive/EAD.xml", *(f"representations/rep1/metadata/descriptive/EAD_doc_{n}.xml"
                                                  for n in (1, 2))):
        old_ead, new_ead = (etree.parse(str(p / rel)).getroot() for p in (old, new))
        assert new_ead.findtext("arcFileCode") == f"H49.64.{REAL}"
        assert [(e.tag, e.text) for e in new_ead if e.tag not in ("arcFileCode", "docCode")] == \
            [(e.tag, e.text) for e in old_ead if e.tag not in ("arcFileCode", "docCode")]
    decision = etree.parse(str(new / "representations/rep1/metadata/descriptive/EAD_doc_2.xml")).getroot()
    assert decision.findtext("docCode") == f"H49.64.{REAL}.0000002" and decision.findtext("codeNumber") == "2867"
    packaged = json.loads((new / "representations/rep1/metadata/other/record.json").read_text(encoding="utf-8"))
    exported = json.loads((root / "records" / f"{dossier_id}.json").read_text(encoding="utf-8"))
    assert packaged == {k: v for k, v in exported.items() if k not in ("package", "pdf")}
    assert exported == row["record"] and exported["code_review"]["reviewed_by"] == "van-thu"
    assert exported["review"] == [] and exported["review_state"] == "checked"
    premis = (new / "metadata/preservation/PREMIS.xml").read_text(encoding="utf-8")
    assert "<premis:agentName>van-thu</premis:agentName>" in premis and "<premis:agentType>person" in premis
    assert '"reason": "mã trên phiếu hẹn"' in premis
    assert main(["fixity", "--archive", str(root)]) == ExitCode.OK
    assert validate(new).returncode == 0, validate(new).stdout[-3000:]
    assert current_packages(root) == [new]  # retimestamp renews the new code's version, never the replaced one
    journal = root / JOURNAL_NAME
    assert not journal.exists() or '"kind": "code"' not in journal.read_text(encoding="utf-8")  # the package says it
    capsys.readouterr()
    assert main(["catalog", "rebuild", "--archive", str(root), "--full"] if catalog_backend.name == "sqlite"
                else ["catalog", "check", "--archive", str(root)]) == ExitCode.OK
    with Catalog.for_archive(root) as catalog:
        assert catalog.resolve(REAL) == dossier_id and catalog.dossier(dossier_id)["record"]["code"] == REAL


def test_a_lost_catalog_write_is_taken_back_from_the_package(tmp_path: Path, catalog_backend: Backend,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The code is set in the catalog's transaction that publishes the version: if that transaction is
    lost after the package was written, a catalog rebuild takes the code from the package."""
    root = tmp_path / "archive"
    temporary, dossier_id = DOSSIERS[0]
    _archive_dossier(root, temporary, dossier_id, catalog_backend.open)

    def power_cut(*_args: object, **_kwargs: object) -> None:
        raise ArchiveError("the machine went down", reason="catalog_failed")

    monkeypatch.setattr(Catalog, "upsert_dossier", power_cut)
    assert main(["code", "set", "--archive", str(root), temporary, REAL, "--reason", "x"]) == ExitCode.CANNOT_RUN
    monkeypatch.undo()
    with Catalog.for_archive(root) as catalog:
        assert catalog.resolve(temporary) == dossier_id  # the whole catalog change rolled back
    assert main(["catalog", "check", "--archive", str(root)]) == ExitCode.VERIFY_FAILED  # an unknown version
    assert main(["catalog", "rebuild", "--archive", str(root)]) == ExitCode.OK
    with Catalog.for_archive(root) as catalog:
        assert catalog.resolve(REAL) == dossier_id and catalog.dossier(dossier_id)["record"]["code"] == REAL
    assert main(["fixity", "--archive", str(root)]) == ExitCode.OK  # records/ followed


def test_a_scan_dated_dossier_given_its_real_code_is_dated_by_the_intake_date_in_it(tmp_path: Path) -> None:
    """Nothing on the paper dated the dossier (the scan date stood in); the real TT 01/2018 code a clerk
    sets carries the day of intake (``…-250301-…``): the new version's EAD, the record and the
    retention follow it, as a corrected date field would."""
    root = tmp_path / "archive"
    temporary, dossier_id = DOSSIERS[0]
    _, record = _archive_dossier(root, temporary, dossier_id, lambda r: Catalog.for_archive(r), None)
    assert record["dates"]["start_from"] == "scan_date"
    assert main(["code", "set", "--archive", str(root), temporary, REAL, "--reason", "mã trên phiếu hẹn"]) == ExitCode.OK
    with Catalog.for_archive(root) as catalog:
        row = catalog.dossier(dossier_id)
    assert row["record"]["dates"] == {"start": "2025-03-01", "end": "2025-03-01", "start_from": "dossier_code",
                                      "end_from": "dossier_code", "fallback": False}
    assert "date_from_scan" not in row["record"]["review"]
    ead = etree.parse(str(root / row["package"] / "metadata/descriptive/EAD.xml")).getroot()
    assert (ead.findtext("startDate"), ead.findtext("endDate")) == ("01/03/2025", "01/03/2025")
    assert "mã hồ sơ" in ead.findtext("description") and "ngày số hóa" not in ead.findtext("description")
    exported = json.loads((root / "records" / f"{dossier_id}.json").read_text(encoding="utf-8"))
    assert exported["dates"] == row["record"]["dates"]
    assert main(["fixity", "--archive", str(root)]) == ExitCode.OK


def test_two_dossiers_given_one_code_at_once_one_wins(tmp_path: Path, catalog_backend: Backend) -> None:
    root = tmp_path / "archive"
    for code, dossier_id in DOSSIERS:
        _archive_dossier(root, code, dossier_id, catalog_backend.open)
    outcome: dict[str, object] = {}
    start = threading.Barrier(2)

    def give(dossier_id: str) -> None:
        with Catalog.for_archive(root) as catalog, dossier_lock(catalog, dossier_id, dossier_id):
            start.wait()
            try:
                outcome[dossier_id] = change_code(root, catalog, dossier_id, REAL, person="lan")["code"]
            except ReviewConflict as exc:
                outcome[dossier_id] = exc.reason

    threads = [threading.Thread(target=give, args=(d,)) for _, d in DOSSIERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(map(str, outcome.values())) == [REAL, "code_taken"]
    loser = next(d for d, v in outcome.items() if v == "code_taken")
    with Catalog.for_archive(root) as catalog:
        assert catalog.resolve(REAL) != loser and len(catalog.packages(loser)) == 1  # nothing changed for it
    assert main(["fixity", "--archive", str(root)]) == ExitCode.OK  # and no stray package of the code


def test_refusals_change_nothing(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    for code, dossier_id in DOSSIERS:
        _archive_dossier(root, code, dossier_id, lambda r: Catalog.for_archive(r))
    (first_code, first), (second_code, second) = DOSSIERS
    with Catalog.for_archive(root) as catalog:
        for new, reason in ((second_code, "code_taken"), (second, "code_taken"), (first_code, "same_code"),
                            ("có dấu", "invalid_value"), ("", "invalid_value")):
            with pytest.raises(ArchiveError) as err:
                change_code(root, catalog, first, new, person="lan")
            assert err.value.reason == reason, new
        assert [len(catalog.packages(d)) for _, d in DOSSIERS] == [1, 1]
        with dossier_lock(catalog, first, "someone-else"), pytest.raises(ReviewConflict) as busy, \
                dossier_lock(catalog, first, "lan", wait=0.2):
            pass
        assert busy.value.reason == "dossier_busy"
