"""Any disk layout: the work folder, the archive and the temporary folder each on a filesystem of its own.

deploy/README.md puts the work folder on NFS; TMPDIR is often a tmpfs; the archive sits on its own
volume. A file moved between two of them cannot be renamed ("Invalid cross-device link"), so every
temporary must live beside its destination. Three tmpfs mounts made by the test (tests run as root)
hold the three folders; the inbox stays on the test's own disk, a fourth filesystem.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLES
from sohoa.errors import ExitCode

BIN = Path(sys.executable).parent
DOSSIERS = ["khai_sinh-folder", "ket_hon-pdf.pdf", "ct01-tiff.tif", "quyet_dinh-tiff.tif"]


@pytest.fixture
def three_filesystems(tmp_path: Path) -> Iterator[dict[str, Path]]:
    mounted: list[Path] = []
    folders = {name: tmp_path / name for name in ("work", "archive", "tmp")}
    try:
        for folder in folders.values():
            folder.mkdir()
            result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m,mode=0750", "tmpfs", str(folder)],
                                    capture_output=True, text=True)
            assert result.returncode == 0, f"cannot mount a tmpfs (tests run as root): {result.stderr}"
            mounted.append(folder)
        devices = {os.stat(folder).st_dev for folder in folders.values()} | {os.stat(tmp_path).st_dev}
        assert len(devices) == 4, "work, archive, TMPDIR and the inbox must be four filesystems"
        yield folders
    finally:
        for folder in reversed(mounted):
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_work_archive_and_tmpdir_on_three_filesystems_archive_every_dossier(
        tmp_path: Path, three_filesystems: dict[str, Path]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in DOSSIERS:
        src = SAMPLES / "inbox" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, inbox / name)
    fs = three_filesystems
    result = subprocess.run([str(BIN / "sohoa"), "run", "--create", "--inbox", str(inbox), "--archive", str(fs["archive"]),
                             "--work", str(fs["work"]), "--workers", "2"], capture_output=True, text=True,
                            timeout=900, env={**os.environ, "TMPDIR": str(fs["tmp"])})
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    records = list((fs["archive"] / "records").glob("*.json"))
    assert len(records) == len(DOSSIERS) == len(list((fs["archive"] / "packages").iterdir()))
    assert f"Hồ sơ đã lưu trữ: {len(DOSSIERS)}/{len(DOSSIERS)}" in result.stdout
    assert list(fs["tmp"].iterdir()) == []   # nothing left behind in TMPDIR either
