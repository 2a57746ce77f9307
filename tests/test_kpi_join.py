"""Results join their dossier, through real ``sohoa run``s, and what the rates and the look-up make of them.

Run 1 archives two dossiers (a khai sinh under ``H49-0001``, a kết hôn under ``H49-0002``). Run 2,
weeks later, brings a decision (a result) under ``H49-0001``, the same kind of decision under the
electronic result's code ``H49-0002-KQ1``, and a CT01 form (components) under ``H49-0001``. The two
results join their dossiers as new package versions holding both files; the CT01 is another
citizen's dossier under a used code and is held (``duplicate_code``). A third run changes nothing.
Then ``sohoa kpi`` counts the joined results for their dossiers, and ``sohoa person`` lists and
bundles them (the signed PDFs validated again with pyHanko).
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import jsonschema
import pytest
from eark import EARK_VALIDATE
from lxml import etree

from archive import Catalog
from archive._xml import unseal_dirs
from archive.fixity import listed_files
from conftest import ROOT, SAMPLES
from pipeline.cli import main
from sohoa.errors import ExitCode

METS = "{http://www.loc.gov/METS/}"
PROFILE = """name: code-in-name
description: "Mã hồ sơ trong tên tệp"
split: per-entry
code:
  sources: [file-name]
  file-name-pattern: "^(?P<code>H49-[0-9]+(-KQ[0-9]+)?)_"
  generate-missing: true
move-processed: false
"""


def _records(archive: Path) -> dict[str, dict]:
    return {r["code"]: r for r in (json.loads(p.read_text(encoding="utf-8"))
                                   for p in (archive / "records").glob("*.json"))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The archive after both runs, what each run exited with, and the records after run 1."""
    base = tmp_path_factory.mktemp("join")
    inbox, archive = base / "inbox", base / "archive"
    inbox.mkdir()
    (base / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    args = ["run", "--inbox", str(inbox), "--archive", str(archive), "--profile", str(base / "profile.yaml"),
            "--workers", "2"]
    shutil.copy2(SAMPLES / "inbox" / "khai_sinh-pdf.pdf", inbox / "H49-0001_nguyen.pdf")
    shutil.copy2(SAMPLES / "inbox" / "ket_hon-tiff.tif", inbox / "H49-0002_tran.tif")
    first = main([*args, "--create"])
    before = _records(archive)
    packages_before = {p.name: sorted(q.name for q in p.rglob("*")) for p in (archive / "packages").iterdir()}
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "H49-0001_ket-qua.tif")
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "H49-0002-KQ1_ket-qua.tif")
    shutil.copy2(SAMPLES / "inbox" / "ct01-pdf.pdf", inbox / "H49-0001_le.pdf")
    second = main(args)
    third = main(args)
    yield {"archive": archive, "exits": (first, second, third), "before": before, "packages_before": packages_before,
           "inbox": inbox}
    for folder in (archive / "packages").glob("*"):
        unseal_dirs(folder)


def test_a_result_scanned_later_joins_its_dossier_as_a_new_version(runs: dict) -> None:
    archive, before = runs["archive"], runs["before"]
    assert runs["exits"] == (ExitCode.OK, ExitCode.INCOMPLETE, ExitCode.INCOMPLETE)  # the CT01 stays held
    after = _records(archive)
    assert sorted(after) == ["H49-0001", "H49-0002"]  # never a second dossier
    schema = json.loads((ROOT / "pipeline" / "export.schema.json").read_text(encoding="utf-8"))
    for record in after.values():
        jsonschema.validate(record, schema)
    assert sorted(p.name for p in (archive / "records" / "joined").iterdir()) == sorted(
        f"{r['joined'][0]['scan_id']}.json" for r in after.values())
    for code, came_as in (("H49-0001", "H49-0001"), ("H49-0002", "H49-0002-KQ1")):
        old, new = before[code], after[code]
        assert new["dossier_id"] == old["dossier_id"] and new["package"] != old["package"]
        assert [d["kind"] for d in new["documents"]] == [d["kind"] for d in old["documents"]] + ["result"]
        assert new["documents"][-1]["file"] == 2 and new["joined"][0]["code"] == came_as
        assert ("result_code" in new["documents"][-1]) == (came_as != code)
        assert new["fields"] == old["fields"] and new["source_sha256"] == old["source_sha256"]
        package = archive / new["package"]
        data = sorted(p.name for p in (package / "representations/rep1/data").iterdir())
        assert data == [f"{code}.1.pdf", f"{code}.2.pdf"]
        assert (package / f"representations/rep1/data/{code}.1.pdf").read_bytes() == (archive / old["pdf"]).read_bytes()
        header = etree.parse(str(package / "METS.xml")).getroot().find(f"{METS}metsHdr")
        assert header.get("RECORDSTATUS") == "REPLACEMENT"
        ead = etree.parse(str(package / "metadata/descriptive/EAD.xml")).getroot()
        assert ead.findtext("totalDoc") == str(len(new["documents"]))
        assert json.loads((package / "representations/rep1/metadata/other/record.json").read_text())["joined"]
        previous = etree.parse(str(archive / old["package"] / "METS.xml")).getroot().get("OBJID")
        alt = [a.text for a in etree.parse(str(package / "METS.xml")).getroot().iter(f"{METS}altRecordID")]
        assert alt == [previous]  # it replaces this dossier's own first version, nobody else's
        checked = subprocess.run([str(EARK_VALIDATE), str(package)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    for name, files in runs["packages_before"].items():  # the first versions are untouched
        assert sorted(q.name for q in (archive / "packages" / name).rglob("*")) == files
    reasons = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "quarantine").glob("*/reason.json")]
    assert [(r["reason"], r["source"]) for r in reasons] == [("duplicate_code", "H49-0001_le.pdf")]
    replacing = [m for m in (archive / "packages").glob("*/METS.xml")
                 if etree.parse(str(m)).getroot().find(f"{METS}metsHdr").get("RECORDSTATUS") == "REPLACEMENT"]
    assert len(replacing) == 2  # the two joins; the held CT01 declared nothing
    with Catalog.for_archive(archive) as catalog:
        assert catalog.count("dossiers") == 2 and catalog.count("packages") == 4
        current = {r["dossier_id"]: r["path"] for r in catalog.packages() if r["status"] == "current"}
        assert sorted(current.values()) == sorted(r["package"] for r in after.values())
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    report = sorted((archive / "reports").glob("run-*.txt"))[-1].read_text(encoding="utf-8")
    assert "đã lưu trữ từ lần chạy trước (bỏ qua): 4" in report  # the joined scans are not taken again


def test_the_rates_count_a_joined_result_for_its_dossier(runs: dict, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "tiep-nhan.csv"
    listed.write_text("Mã hồ sơ,Ngày tiếp nhận,Mã thủ tục,Cấp,Cơ quan,Ngày có kết quả\n"
                      "H49-0001,04/05/2023,1.001193,xa,UBND xã,20/05/2023\n"
                      "H49-0002,24/06/2023,1.000894,xa,UBND xã,30/06/2023\n"
                      "H49-0003,25/06/2023,1.004194,huyen,UBND huyện,\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["kpi", "--archive", str(runs["archive"]), "--received", str(listed), "--from", "2023-01-01",
                 "--to", "2023-12-31", "--json"]) == ExitCode.OK
    report = json.loads(capsys.readouterr().out)
    assert report["by_level"]["xa"] == {"received": 2, "components_digitized": 2, "components_rate": 1.0,
                                        "results_due": 2, "results_digitized": 2, "results_rate": 1.0}
    assert report["by_level"]["huyen"]["components_digitized"] == 0
    assert [r["code"] for r in report["not_digitized"]] == ["H49-0003"]


def test_the_look_up_lists_and_bundles_the_joined_result(runs: dict, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    archive = runs["archive"]
    record = _records(archive)["H49-0002"]
    bride = record["fields"]["nu_so_cccd"]["value"]
    bundle = tmp_path / "bundle"
    capsys.readouterr()
    assert main(["person", "--archive", str(archive), "--cccd", bride, "--purpose", "H49-2026-0100", "--json",
                 "--bundle", str(bundle)]) == ExitCode.OK
    found = json.loads(capsys.readouterr().out)["documents"]
    assert {(d["kind"], d["file"], tuple(d["roles"])) for d in found} == {
        ("component", 1, ("bên nữ",)), ("result", 2, ("kết quả của hồ sơ (bên nữ)",))}
    assert all(d["code"] == "H49-0002" and d["signature"]["state"] == "signed" for d in found)
    assert all(d["signature"]["verified"]["ok"] for d in found)  # validated again (pyHanko) before handing on
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["purpose"] == "H49-2026-0100" and manifest["cccd"] == bride
    assert [f["file"] for f in manifest["files"]] == ["H49-0002.1.pdf", "H49-0002.2.pdf"]
    package = archive / record["package"]
    listed = {e.path: e.sha256 for e in listed_files(package)[0]}
    for item in manifest["files"]:
        assert item["sha256"] == listed[f"representations/rep1/data/{item['file']}"]
        assert (bundle / item["file"]).read_bytes() == (package / "representations/rep1/data" / item["file"]).read_bytes()
        assert item["signature"]["verified"]["ok"] is True
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in bundle.iterdir()} == {0o600}
    capsys.readouterr()
    assert main(["person", "--archive", str(archive), "--cccd", bride, "--purpose", "x", "--bundle",
                 str(bundle)]) == ExitCode.CONFIG  # never into a folder that holds something
    assert "đã có dữ liệu" in capsys.readouterr().err


def test_a_rebuilt_catalog_keeps_the_joined_results(runs: dict, capsys: pytest.CaptureFixture[str]) -> None:
    archive = runs["archive"]

    def documents() -> list[tuple]:
        with Catalog.for_archive(archive) as catalog:
            return sorted((catalog.dossier(r["dossier_id"])["code"], r["ordinal"], r["kind"], r["file"])
                          for r in catalog._rows("SELECT * FROM dossier_documents"))  # noqa: SLF001

    before = documents()
    assert ("H49-0001", 2, "result", 2) in before and ("H49-0002", 2, "result", 2) in before
    for path in archive.glob("catalog.sqlite*"):
        path.unlink()
    assert main(["catalog", "rebuild", "--archive", str(archive)]) == ExitCode.OK
    assert documents() == before
    with Catalog.for_archive(archive) as catalog:
        current = {r["dossier_id"]: r["path"] for r in catalog.packages() if r["status"] == "current"}
    assert sorted(current.values()) == sorted(r["package"] for r in _records(archive).values())
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
