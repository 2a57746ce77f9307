"""``sohoa check``: passes on the demo set-up, and on a broken one names each problem (Vietnamese and English).

The checks are real: Tesseract and poppler are asked, the key is opened, the TSA is contacted on
127.0.0.1, the catalog is opened and compared with the archive's records.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES
from sohoa.errors import ExitCode

BIN = Path(sys.executable).parent


def sohoa(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / "sohoa"), *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo set-up: the default configuration, an archive made by `sohoa run --create`."""
    base = tmp_path_factory.mktemp("check")
    inbox = base / "inbox"
    inbox.mkdir(mode=0o750)
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    run = sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(base / "archive"))
    assert run.returncode == ExitCode.OK, run.stdout + run.stderr
    return base


def test_check_passes_on_the_demo_set_up(demo: Path) -> None:
    result = sohoa("check", "--archive", str(demo / "archive"), "--inbox", str(demo / "inbox"))
    assert result.returncode == ExitCode.OK, result.stdout
    out = result.stdout
    assert "[LỖI]" not in out
    for finding in ("[ĐẠT] Cấu hình hợp lệ", "[ĐẠT] Tesseract và dữ liệu ngôn ngữ vie", "[ĐẠT] Poppler",
                    "[ĐẠT] Khóa ký số mở được (chế độ demo)", "[ĐẠT] Chứng thư ký số còn hiệu lực đến",
                    "[ĐẠT] Kho lưu trữ", "[ĐẠT] Danh mục (sqlite): 1 hồ sơ", "[ĐẠT] Thư mục nhận"):
        assert finding in out, finding
    assert "[CHÚ Ý] Đang ký bằng chứng thư THỬ NGHIỆM" in out     # the demo says what it is
    english = sohoa("check", "--archive", str(demo / "archive"), "--lang", "en")
    assert english.returncode == ExitCode.OK and "[OK] configuration is valid" in english.stdout


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_names_each_problem_of_a_broken_set_up(demo: Path, tmp_path: Path) -> None:
    pki = Path(os.environ["SOHOA_DEMO_PKI"])
    (tmp_path / "wrong.pass").write_text("not the passphrase")
    (tmp_path / "wrong.pass").chmod(0o600)
    config = tmp_path / "site.yaml"
    config.write_text(f"""ocr:
  languages: vie+xyz
signing:
  mode: pkcs12
  pkcs12-file: {pki / 'demo-signer.p12'}
  passphrase-file: {tmp_path / 'wrong.pass'}
  tsa-url: http://127.0.0.1:{_closed_port()}/tsa
  profile: timestamped
  profiles:
    timestamped:
      level: B-T
      copy-form: SAO Y
""", encoding="utf-8")
    archive = tmp_path / "archive"
    shutil.copytree(demo / "archive", archive, symlinks=True)
    archive.chmod(0o755)                                           # readable by everyone
    record = next((archive / "records").glob("*.json"))
    shutil.copy2(record, record.with_name("hs-not-in-the-catalog.json"))   # the catalog is behind
    result = sohoa("check", "--config", str(config), "--archive", str(archive), "--inbox", str(tmp_path / "gone"))
    assert result.returncode == ExitCode.CANNOT_RUN
    out = result.stdout
    problems = [line for line in out.splitlines() if line.startswith("[LỖI]")]
    for expected in ("Tesseract", "Không mở được khóa ký số: Không mở được tệp khóa ký số: sai mật khẩu",
                     "Thư mục nhận", "người ngoài nhóm đọc được", "danh mục thiếu"):
        assert any(expected in line for line in problems), (expected, out)
    assert f"{tmp_path / 'gone'} không tồn tại" in out
    assert any("xyz" in line for line in sohoa("check", "--config", str(config), "--lang", "en").stdout.splitlines()
               if line.startswith("[FAIL]"))
    (tmp_path / "wrong.pass").write_text((pki / "demo-signer.pass").read_text())
    reachable = sohoa("check", "--config", str(config))
    assert any("TSA" in line and "không kết nối được" in line for line in reachable.stdout.splitlines()
               if line.startswith("[LỖI]")), reachable.stdout


def test_check_shows_a_run_in_progress_and_leaves_its_lock_alone(demo: Path) -> None:
    lock = demo / "archive" / ".run-lock"
    lock.mkdir(exist_ok=True)
    holder = lock / "worker-b.4242.json"
    holder.write_text('{"host": "worker-b", "pid": 4242, "started": "2026-03-02T22:30:00+07:00", "scheduler": ""}')
    try:
        result = sohoa("check", "--archive", str(demo / "archive"), "--offline")
        assert result.returncode == ExitCode.OK
        assert "[CHÚ Ý] Một lần chạy đang xử lý kho: máy worker-b, tiến trình 4242" in result.stdout
        assert holder.exists()
    finally:
        holder.unlink()
