"""Failures that must alert: the admin's exit code with the cause in words, everywhere it is read.

A wrong PKCS#12 passphrase leaves every dossier unsigned: the run exits 8 (not 3, the clerks'
"some bad scans"), and the console summary, both reports, the JSON log's final record and the
metrics file all name the cause. A passphrase fixed, the next run signs what waited and exits 0.
Inputs quarantined once are not read again each night, unless asked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES
from sohoa.errors import ExitCode

BIN = Path(sys.executable).parent


def sohoa(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / "sohoa"), *args], capture_output=True, text=True, timeout=600,
                            env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def _latest(folder: Path, pattern: str) -> Path:
    return max(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns)


def test_a_wrong_signing_passphrase_exits_with_the_admins_code_and_names_the_cause(tmp_path: Path) -> None:
    pki = Path(os.environ["SOHOA_DEMO_PKI"])
    inbox, archive, metrics = tmp_path / "inbox", tmp_path / "archive", tmp_path / "metrics" / "sohoa.prom"
    inbox.mkdir()
    metrics.parent.mkdir()
    for name in ("ct01-pdf.pdf", "quyet_dinh-tiff.tif"):
        shutil.copy2(SAMPLES / "inbox" / name, inbox / name)
    assert sohoa("check").returncode == ExitCode.OK  # the demo key opens (makes the session's chain)
    config = tmp_path / "site.yaml"
    config.write_text(f"""signing:
  mode: pkcs12
  pkcs12-file: {pki / 'demo-signer.p12'}
  trust-roots: [{pki / 'demo-root.pem'}]
  profile: plain
  profiles:
    plain:
      level: B-B
      copy-form: SAO Y
run:
  metrics-file: {metrics}
""", encoding="utf-8")
    run = ["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--config", str(config)]
    result = sohoa(*run, "--workers", "2", env={"SOHOA_P12_PASSPHRASE": "wrong"})
    assert result.returncode == ExitCode.FAILED, result.stdout + result.stderr
    cause = "Không mở được tệp khóa ký số: sai mật khẩu hoặc tệp hỏng."
    assert "CẦN BỘ PHẬN CNTT XỬ LÝ" in result.stdout and f"2 hồ sơ chờ ký số (bước sign): {cause}" in result.stdout
    assert "wrong passphrase" in result.stdout and "ct01-pdf.pdf" in result.stdout
    assert cause in _latest(archive / "reports", "*.txt").read_text(encoding="utf-8")
    assert cause in _latest(archive / "reports", "*.html").read_text(encoding="utf-8")
    last = json.loads(_latest(archive / "logs", "*.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["level"] == "ERROR" and last["summary"]["exit_code"] == ExitCode.FAILED
    assert last["summary"]["causes"][0]["reason"] == "signing_failed" and last["summary"]["causes"][0]["count"] == 2
    assert "wrong passphrase" in last["summary"]["causes"][0]["message"]
    text = metrics.read_text(encoding="utf-8")
    assert 'sohoa_run_dossiers{outcome="awaiting_signature"} 2' in text and "sohoa_run_exit_code 8" in text
    assert "sohoa_run_failures 2" in text and "sohoa_last_success_timestamp_seconds" not in text
    # the passphrase fixed: what waited is signed, nothing is read or OCR'd again
    fixed = sohoa(*run, env={"SOHOA_P12_PASSPHRASE": (pki / "demo-signer.pass").read_text().strip()})
    assert fixed.returncode == ExitCode.OK, fixed.stdout + fixed.stderr
    assert "làm tiếp từ lần trước 2" in fixed.stdout
    text = metrics.read_text(encoding="utf-8")
    assert "sohoa_run_exit_code 0" in text and "sohoa_archive_dossiers 2" in text
    assert "sohoa_last_success_timestamp_seconds" in text and 'outcome="archived"} 2' in text


def test_quarantined_inputs_are_skipped_with_a_line_unless_asked_again(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    (inbox / "hong.pdf").write_bytes(b"%PDF-1.4\n% truncated")
    run = ["run", "--inbox", str(inbox), "--archive", str(archive)]
    first = sohoa(*run, "--create")
    assert first.returncode == ExitCode.INCOMPLETE, first.stdout + first.stderr
    [reason] = (archive / "quarantine").glob("*/reason.json")
    stamp = reason.stat().st_mtime_ns
    again = sohoa(*run)
    assert again.returncode == ExitCode.INCOMPLETE and reason.stat().st_mtime_ns == stamp
    line = next(line for line in again.stdout.splitlines() if "hong.pdf" in line)
    assert "đã cách ly trước đó" in line and "Hồ sơ xử lý trong lần chạy: 0" in again.stdout
    retried = sohoa(*run, "--retry-quarantined")
    assert retried.returncode == ExitCode.FAILED    # tried one input, archived none: said in words
    assert reason.stat().st_mtime_ns > stamp and "Không hồ sơ nào được lưu trữ" in retried.stdout


def test_inbox_entries_set_aside_by_intake_get_a_line_in_the_report(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    (inbox / "manifest.csv").write_text("tên tệp;mã\nquyet_dinh-tiff.tif;H49\n", encoding="utf-8")  # wrong columns
    result = sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive))
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    report = _latest(archive / "reports", "*.txt").read_text(encoding="utf-8")
    assert "manifest.csv: danh sách lô (manifest) không dùng được" in report  # REASON_VI["bad_manifest"]
    assert "Mục trong thư mục nhận bị bỏ qua: 1" in result.stdout


@pytest.mark.parametrize("keep", ["0", "null"])
def test_work_folders_of_archived_dossiers_are_cleaned_as_configured(tmp_path: Path, keep: str) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    config = tmp_path / "site.yaml"
    config.write_text(f"run:\n  keep-work-days: {keep}\n", encoding="utf-8")
    result = sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--config", str(config))
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    left = [p.name for p in (archive / ".work").iterdir() if p.name.startswith("hs-")]
    assert len(left) == (0 if keep == "0" else 1), left
