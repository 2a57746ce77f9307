"""The ``sohoa`` command as an admin meets it: documented exit codes, clear messages, no tracebacks,
no new archive unless asked, a warning for an empty inbox and an error for a missing or unmounted
one, a quiet console, a dry run. Each case runs the installed console script in a process of its own.
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
from sohoa.mounts import missing_mount

BIN = Path(sys.executable).parent


def sohoa(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / "sohoa"), *args], capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "Warning" not in result.stderr, result.stderr   # no deprecation warning at start
    return result


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real archive: one dossier run end to end."""
    base = tmp_path_factory.mktemp("cli")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")
    result = sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(base / "archive"), timeout=600)
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    return base / "archive"


def test_a_usage_error_exits_4_as_documented() -> None:
    for args in (["bogus"], ["run", "--inbox", "x"], ["export", "--format", "pdf", "--archive", "x"], []):
        result = sohoa(*args)
        assert result.returncode == ExitCode.CONFIG, (args, result.stderr)
        assert "usage: sohoa" in result.stderr


def test_export_xlsx_needs_an_output_file(archive: Path) -> None:
    result = sohoa("export", "--archive", str(archive), "--format", "xlsx")
    assert result.returncode == ExitCode.CONFIG and "--output" in result.stderr


def test_export_of_a_missing_archive_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "ho_so.xlsx"
    result = sohoa("export", "--archive", str(tmp_path / "no-such-archive"), "--format", "xlsx", "--output", str(out))
    assert result.returncode == ExitCode.CANNOT_RUN, result.stderr
    assert "not_an_archive" not in result.stderr and "không phải kho lưu trữ" in result.stderr
    assert not out.exists()


def test_export_writes_the_records_and_says_how_many(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "ho_so.xlsx"
    result = sohoa("export", "--archive", str(archive), "--format", "xlsx", "--output", str(out))
    assert result.returncode == ExitCode.OK and "Đã xuất 1 hồ sơ" in result.stderr and out.stat().st_size > 0


def test_verify_names_a_missing_path_instead_of_a_damaged_pdf(tmp_path: Path) -> None:
    result = sohoa("verify", str(tmp_path / "missing.pdf"))
    assert result.returncode == ExitCode.CANNOT_RUN
    assert "missing.pdf does not exist" in result.stderr and "Không tìm thấy" in result.stderr
    assert "hỏng" not in result.stdout + result.stderr


def test_verify_at_a_later_date_says_why_without_a_traceback(archive: Path) -> None:
    result = sohoa("verify", str(archive), "--at", "2100-01-01")
    assert result.returncode == ExitCode.VERIFY_FAILED
    assert "hết hạn" in result.stdout and "pyhanko" not in result.stderr.lower()
    bad = sohoa("verify", str(archive), "--at", "next tuesday")
    assert bad.returncode == ExitCode.CONFIG and "ISO 8601" in bad.stderr


def test_a_typo_in_archive_never_starts_a_new_archive(archive: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    typo = archive.parent / "archiv"
    result = sohoa("run", "--inbox", str(inbox), "--archive", str(typo))
    assert result.returncode == ExitCode.CANNOT_RUN
    assert "sohoa archive init" in result.stderr and "--create" in result.stderr
    assert not typo.exists()
    for command in (["fixity"], ["search", "x"], ["export"]):
        assert sohoa(*command[:1], "--archive", str(typo), *command[1:]).returncode == ExitCode.CANNOT_RUN
    assert not typo.exists()


def test_archive_init_makes_an_archive_once_and_refuses_a_folder_with_other_things(tmp_path: Path) -> None:
    new = tmp_path / "kho"
    assert sohoa("archive", "init", str(new)).returncode == ExitCode.OK
    assert (new / "catalog.sqlite").is_file() and (new / "packages").is_dir()
    again = sohoa("archive", "init", str(new))
    assert again.returncode == ExitCode.OK and "đã là kho lưu trữ" in again.stdout
    other = tmp_path / "tai-lieu"
    other.mkdir()
    (other / "ghi-chu.txt").write_text("x")
    refused = sohoa("archive", "init", str(other))
    assert refused.returncode == ExitCode.CANNOT_RUN and "not empty" in refused.stderr


def test_an_empty_inbox_warns_and_a_missing_one_is_an_error(archive: Path, tmp_path: Path) -> None:
    empty = tmp_path / "inbox"
    empty.mkdir()
    result = sohoa("run", "--inbox", str(empty), "--archive", str(archive))
    assert result.returncode == ExitCode.OK and "thư mục nhận" in result.stdout and "trống" in result.stdout
    missing = sohoa("run", "--inbox", str(tmp_path / "not-mounted"), "--archive", str(archive))
    assert missing.returncode == ExitCode.CANNOT_RUN and "does not exist" in missing.stderr
    assert "Thư mục nhận" in missing.stderr


def test_a_share_listed_in_fstab_but_not_mounted_is_named(tmp_path: Path) -> None:
    fstab = tmp_path / "fstab"
    fstab.write_text("# comment\nUUID=x / ext4 defaults 0 1\nnas:/scans /srv/sohoa/inbox\\040share nfs defaults 0 0\n"
                     "nas:/old /mnt/old nfs noauto 0 0\n/dev/sdb1 none swap sw 0 0\n")
    mounts = tmp_path / "mountinfo"
    mounts.write_text("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n")
    assert missing_mount(Path("/srv/sohoa/inbox share/today"), fstab=fstab, mountinfo=mounts) == \
        Path("/srv/sohoa/inbox share")
    assert missing_mount(Path("/mnt/old/x"), fstab=fstab, mountinfo=mounts) is None       # noauto
    assert missing_mount(Path("/srv/other"), fstab=fstab, mountinfo=mounts) is None
    mounts.write_text(mounts.read_text() + "40 22 0:50 / /srv/sohoa/inbox\\040share rw - nfs nas:/scans rw\n")
    assert missing_mount(Path("/srv/sohoa/inbox share/today"), fstab=fstab, mountinfo=mounts) is None


def test_the_console_stays_quiet_and_the_log_ends_with_a_summary_record(archive: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "ct01-pdf.pdf", inbox / "ct01-pdf.pdf")
    (inbox / "rong.pdf").write_bytes(b"")
    result = sohoa("run", "--inbox", str(inbox), "--archive", str(archive), timeout=600)
    assert result.returncode == ExitCode.INCOMPLETE, result.stdout + result.stderr
    assert " INFO " not in result.stderr and " ERROR " not in result.stderr   # English detail: the log file
    log = max((archive / "logs").glob("run-*.jsonl"), key=lambda p: p.stat().st_mtime)
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["summary"]["exit_code"] == ExitCode.INCOMPLETE
    assert last["summary"]["dossiers"]["archived"] == 1 and last["summary"]["dossiers"]["quarantined"] == 1
    assert any(json.loads(line)["level"] == "INFO" for line in log.read_text(encoding="utf-8").splitlines())


def test_dry_run_says_what_would_be_processed_and_writes_nothing(archive: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "quyet_dinh-tiff.tif", inbox / "quyet_dinh-tiff.tif")   # archived already
    shutil.copy2(SAMPLES / "inbox" / "khai_sinh-tiff.tif", inbox / "khai_sinh-tiff.tif")     # new
    before = sorted(str(p) for p in archive.rglob("*"))
    result = sohoa("run", "--dry-run", "--inbox", str(inbox), "--archive", str(archive))
    assert result.returncode == ExitCode.OK, result.stderr
    assert "Sẽ xử lý (mới):" in result.stdout and "khai_sinh-tiff.tif" in result.stdout
    assert "đã lưu trữ từ trước 1" in result.stdout and "sẽ xử lý 1 hồ sơ" in result.stdout
    assert sorted(str(p) for p in archive.rglob("*")) == before
    fresh = sohoa("run", "--dry-run", "--create", "--inbox", str(inbox), "--archive", str(tmp_path / "new"))
    assert fresh.returncode == ExitCode.OK and "tạo kho mới" in fresh.stdout and not (tmp_path / "new").exists()
