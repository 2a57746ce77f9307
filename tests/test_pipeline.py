"""`sohoa run` end to end on committed samples plus bad files: real Tesseract, pyHanko, validators."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import page as pdfa_validator
import pytest

from conftest import ROOT, SAMPLES
from eark import EARK_VALIDATE
from pipeline.cli import main
from sample_docs.bad_inputs import write_bad_inputs
from sohoa.errors import ExitCode

GOOD = ["khai_sinh-tiff.tif", "ket_hon-pdf.pdf", "ho_kinh_doanh-folder"]
SCHEMA = json.loads((ROOT / "pipeline" / "export.schema.json").read_text(encoding="utf-8"))


def _digest(path: Path) -> str:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run over three good dossiers (one per inbox shape) and four bad files."""
    base = tmp_path_factory.mktemp("batch")
    inbox, archive = base / "inbox", base / "archive"
    inbox.mkdir()
    for name in GOOD:
        src = SAMPLES / "inbox" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, inbox / name)
    bad = write_bad_inputs(inbox)
    before = {p.name: _digest(p) for p in inbox.iterdir()}
    # three slices of at most three dossiers: slicing must not lose or repeat any
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", "2",
                 "--slice", "3"])
    return {"inbox": inbox, "archive": archive, "code": code, "bad": bad, "before": before}


def _records(archive: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "--archive", str(archive),
                          "--format", "jsonl"], capture_output=True, text=True, check=True, cwd=ROOT)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_exit_code_says_some_files_were_quarantined(batch: dict) -> None:
    assert batch["code"] == ExitCode.INCOMPLETE


def test_originals_are_never_modified_or_removed(batch: dict) -> None:
    assert {p.name: _digest(p) for p in batch["inbox"].iterdir()} == batch["before"]


def test_each_bad_file_is_quarantined_with_a_reason(batch: dict) -> None:
    reasons = {}
    for reason_file in (batch["archive"] / "quarantine").glob("*/reason.json"):
        body = json.loads(reason_file.read_text(encoding="utf-8"))
        reasons[body["source"]] = body["reason"]
        assert body["message_vi"] and body["message_en"]
        copy = reason_file.parent / "original" / body["source"]
        assert copy.read_bytes() == (batch["inbox"] / body["source"]).read_bytes()
    assert reasons == batch["bad"]


def test_export_records_follow_the_contract_and_the_truth(batch: dict) -> None:
    records = _records(batch["archive"])
    assert sorted(r["source"] for r in records) == sorted(n + "/" if "." not in n else n for n in GOOD)
    for record in records:
        jsonschema.validate(record, SCHEMA)
        truth = json.loads((SAMPLES / "truth" / f"{Path(record['source'].rstrip('/')).stem}.json").read_text())
        assert record["form_type"] == truth["form_type"]
        assert [p["blank"] for p in record["pages"]] == [p["blank"] for p in truth["pages"]]
        assert [p["rotation"] for p in record["pages"]] == [p["rotation"] for p in truth["pages"]]
        exact = sum(record["fields"].get(k, {}).get("value") == v for k, v in truth["fields"].items())
        assert exact >= 0.75 * len(truth["fields"]), f"{record['source']}: {exact}/{len(truth['fields'])}"


def test_signed_pdfa_is_valid_searchable_and_verified_by_pyhanko(batch: dict) -> None:
    archive = batch["archive"]
    root = Path(os.environ["SOHOA_DEMO_PKI"]) / "demo-root.pem"
    for record in _records(archive):
        pdf = archive / record["pdf"]
        result = pdfa_validator.validate_pdf(str(pdf), profile="2b")
        assert result.is_compliant, [f.rule_id for f in result.failures]
        text = unicodedata.normalize("NFC", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                                           text=True, check=True).stdout)
        truth = json.loads((SAMPLES / "truth" / f"{Path(record['source'].rstrip('/')).stem}.json").read_text())
        words = set(text.split())
        truth_words = [w for page in truth["pages"] for w in page["text"].split()]
        marked = [w for w in truth_words if not w.isascii()]  # words with Vietnamese diacritics
        assert sum(w in words for w in truth_words) >= 0.85 * len(truth_words)
        assert sum(w in words for w in marked) >= 0.8 * len(marked)
        check = subprocess.run([str(Path(sys.executable).parent / "pyhanko"), "sign", "validate", "--trust", str(root), "--trust-replace", str(pdf)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "INTACT:TRUSTED" in check.stdout


def test_sohoa_verify_passes_on_the_archive(batch: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(batch["archive"]), "--json"]) == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(GOOD) and all(r["ok"] for r in rows)


def test_packages_are_valid_e_ark_and_not_world_readable(batch: dict) -> None:
    packages = sorted((batch["archive"] / "packages").iterdir())
    assert len(packages) == len(GOOD)
    result = subprocess.run([str(EARK_VALIDATE), *map(str, packages)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
    for path in [batch["archive"], *batch["archive"].rglob("*")]:
        assert path.stat().st_mode & 0o007 == 0, path


def test_run_report_and_logs_hold_no_personal_data(batch: dict) -> None:
    texts = [p.read_text(encoding="utf-8") for p in (batch["archive"] / "logs").glob("*.jsonl")]
    texts += [p.read_text(encoding="utf-8") for p in (batch["archive"] / "reports").glob("*.txt")]
    assert texts and "Kết quả số hóa" in texts[-1]
    for record in _records(batch["archive"]):
        for field in record["fields"].values():
            if len(field["value"]) >= 9 and any(c.isdigit() for c in field["value"]):
                assert all(field["value"] not in t for t in texts)


def test_reports_name_code_and_source_and_the_archive_group_reads_them(batch: dict) -> None:
    reports = sorted((batch["archive"] / "reports").glob("run-*"))
    assert {p.suffix for p in reports} == {".txt", ".html"}
    for report in reports:
        assert stat.S_IMODE(report.stat().st_mode) == 0o640, report  # like the logs and the catalog
    text = reports[0].with_suffix(".txt").read_text(encoding="utf-8")
    for record in _records(batch["archive"]):
        assert f"{record['code']} — {record['source']}" in text
    for name in batch["bad"]:
        line = next(line for line in text.splitlines() if "Cách ly:" in line and name in line)
        assert " — " in line and "hs-" not in line, line
    page = reports[0].with_suffix(".html").read_text(encoding="utf-8")
    assert page.index("Tệp quét bị cách ly") < page.index("Thống kê lần chạy")  # what to act on comes first


def test_rerun_redoes_nothing_that_is_done(batch: dict, capsys: pytest.CaptureFixture[str]) -> None:
    archive = batch["archive"]
    signed = {p: p.stat().st_mtime_ns for p in (archive / "packages").rglob("*.pdf")}
    reasons = {p: p.stat().st_mtime_ns for p in (archive / "quarantine").glob("*/reason.json")}
    capsys.readouterr()
    code = main(["run", "--inbox", str(batch["inbox"]), "--archive", str(archive)])
    assert code == ExitCode.INCOMPLETE  # the bad files are still bad
    assert {p: p.stat().st_mtime_ns for p in (archive / "packages").rglob("*.pdf")} == signed
    # quarantined inputs are not read again every night: skipped, each with a line in the report
    assert {p: p.stat().st_mtime_ns for p in (archive / "quarantine").glob("*/reason.json")} == reasons
    out = capsys.readouterr().out
    assert "Hồ sơ xử lý trong lần chạy: 0" in out and f"từ lần chạy trước (bỏ qua): {len(GOOD)}" in out
    for name in batch["bad"]:
        assert any(name in line and "đã cách ly trước đó" in line for line in out.splitlines()), name


def test_a_clean_inbox_exits_zero(batch: dict, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    assert main(["run", "--inbox", str(inbox), "--archive", str(batch["archive"])]) == ExitCode.OK
    assert any(r["source"] == "quyet_dinh-tiff.tif" for r in _records(batch["archive"]))


def test_a_new_scan_under_an_old_name_is_a_new_dossier(batch: dict, tmp_path: Path) -> None:
    """Scanner counters restart: tomorrow's scan0001.pdf is not yesterday's."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "ct01-pdf.pdf", inbox / GOOD[1])  # other content, same name
    before = len(_records(batch["archive"]))
    assert main(["run", "--inbox", str(inbox), "--archive", str(batch["archive"])]) == ExitCode.OK
    records = _records(batch["archive"])
    assert len(records) == before + 1
    assert sorted(r["form_type"] for r in records if r["source"] == GOOD[1]) == ["ct01", "ket_hon"]


def test_unwritable_archive_and_bad_config_stop_with_their_codes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert main(["run", "--create", "--inbox", str(inbox), "--archive", str(blocker / "archive")]) == ExitCode.CANNOT_RUN
    config = tmp_path / "site.yaml"
    config.write_text("ocr:\n  psm: 99\n", encoding="utf-8")
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(tmp_path / "a"), "--config", str(config)])
    assert code == ExitCode.CONFIG
