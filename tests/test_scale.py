"""Operations: two workers against a real luigid, resuming after kill -9, stopping on a full disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES
from sohoa.errors import ExitCode
from sohoa.files import HOST

BIN = Path(sys.executable).parent
DOSSIERS = ["khai_sinh-pdf.pdf", "ket_hon-tiff.tif", "ct01-pdf.pdf", "quyet_dinh-tiff.tif"]


def _inbox(base: Path, names: list[str] = DOSSIERS) -> Path:
    inbox = base / "inbox"
    inbox.mkdir()
    for name in names:
        src = SAMPLES / "inbox" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, inbox / name)
    return inbox


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sohoa(*args: str) -> list[str]:
    return [str(BIN / "sohoa"), *args]


def _ingest_counts(archive: Path) -> Counter:
    """How many times each dossier's intake stage ran, from the JSON-lines run logs."""
    counts: Counter = Counter()
    for log in (archive / "logs").glob("*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["message"].startswith("ingest: ") and "wall_s" not in entry:  # a start, not a "done"
                counts[entry["message"].split(": ", 1)[1]] += 1
    return counts


@pytest.fixture
def luigid(tmp_path: Path):
    port = _free_port()
    (tmp_path / "luigid-log").mkdir()
    proc = subprocess.Popen([str(BIN / "luigid"), "--address", "127.0.0.1", "--port", str(port),
                             "--logdir", str(tmp_path / "luigid-log"), "--state-path", str(tmp_path / "state.pickle")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("luigid did not start listening on 127.0.0.1")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _exactly_once(archive: Path, count: int) -> None:
    """Every dossier archived once: one record, one package (no second version), fixity clean."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    assert len(records) == count
    packages = sorted(p.name for p in (archive / "packages").iterdir() if not p.name.startswith("."))
    assert len(packages) == count and sorted(Path(r["package"]).name for r in records) == packages
    fixity = subprocess.run(_sohoa("fixity", "--archive", str(archive)), capture_output=True, text=True, timeout=300)
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr


def test_two_workers_on_a_central_luigid_process_each_dossier_exactly_once(tmp_path: Path, luigid: str) -> None:
    inbox, archive = _inbox(tmp_path), tmp_path / "archive"
    subprocess.run(_sohoa("archive", "init", str(archive)), check=True, capture_output=True)
    command = _sohoa("run", "--inbox", str(inbox), "--archive", str(archive), "--scheduler-url", luigid)
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    counts = _ingest_counts(archive)
    assert len(counts) == len(DOSSIERS) and set(counts.values()) == {1}, counts
    _exactly_once(archive, len(DOSSIERS))
    assert list((archive / ".run-lock").glob("*.json")) == []  # both released the run lock


def test_a_bad_file_under_luigid_does_not_keep_the_workers_waiting(tmp_path: Path, luigid: str) -> None:
    inbox, archive = _inbox(tmp_path, ["quyet_dinh-tiff.tif"]), tmp_path / "archive"
    (inbox / "rong.pdf").write_bytes(b"")
    result = subprocess.run(_sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive),
                                   "--scheduler-url", luigid), capture_output=True, text=True, timeout=300)
    assert result.returncode == ExitCode.INCOMPLETE, result.stdout + result.stderr
    assert "Tệp bị cách ly: 1" in result.stdout


def test_a_stopped_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    inbox, archive = _inbox(tmp_path, ["quyet_dinh-tiff.tif"]), tmp_path / "archive"
    result = subprocess.run(_sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive),
                                   "--scheduler-url", f"http://127.0.0.1:{_free_port()}"),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == ExitCode.CANNOT_RUN, result.stdout + result.stderr
    assert "luigid" in result.stderr and "Traceback" not in result.stderr


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".") and (p.name.endswith(".tmp") or ".old" in p.name)]


def test_kill_9_mid_run_then_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    inbox, archive, tmp = _inbox(tmp_path), tmp_path / "archive", tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    command = _sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", "2")
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=env)
    deadline = time.time() + 300
    while time.time() < deadline and not list((archive / "records").glob("*.json")):
        time.sleep(0.2)
    time.sleep(1.0)  # let the other dossiers get mid-stage
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list((archive / "records").glob("*.json")))
    assert 1 <= done_before < len(DOSSIERS), "the kill should land mid-batch"
    assert [p.name for p in (archive / ".run-lock").glob("*.json")] == [f"{HOST}.{proc.pid}.json"]  # left behind
    # what a killed run leaves in TMPDIR is named by its owner: a dead owner's goes, a live one's stays
    dead = tmp / f".sohoa-ocr.{HOST}.{proc.pid}.abc123.tmp"
    alive = tmp / f".sohoa-ocr.{HOST}.{os.getpid()}.def456.tmp"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "page.png").write_bytes(b"x")
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert rerun.returncode == ExitCode.OK, rerun.stdout + rerun.stderr
    assert "Hồ sơ xử lý trong lần chạy: " in rerun.stdout and "làm tiếp từ lần trước" in rerun.stdout
    _exactly_once(archive, len(DOSSIERS))
    assert _leftovers(archive / "packages") == [] and _leftovers(archive / "records") == []
    assert not dead.exists() and alive.exists()
    assert list((archive / ".run-lock").glob("*.json")) == []  # the stale lock was taken over, then released
    verify = subprocess.run(_sohoa("verify", str(archive)), capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout


def test_full_disk_stops_the_run_cleanly_and_a_rerun_archives_each_dossier_once(tmp_path: Path) -> None:
    names = ["khai_sinh-pdf.pdf", "ket_hon-pdf.pdf"]
    inbox = _inbox(tmp_path, names)
    archive = tmp_path / "small-disk"
    archive.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(archive)],
                             capture_output=True, text=True)
    assert mounted.returncode == 0, f"cannot mount a small tmpfs (tests run as root): {mounted.stderr}"
    command = _sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--work",
                     str(tmp_path / "work"))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == ExitCode.CANNOT_RUN, result.stdout + result.stderr
        assert "disk full" in result.stderr and "Ổ đĩa đã đầy" in result.stderr
        assert _leftovers(archive) == []
        for package in (archive / "packages").glob("*") if (archive / "packages").exists() else []:
            assert (package / "METS.xml").exists()  # any package present is complete
        # the disk grows (an admin freed space): the re-run finishes, each dossier once, fixity clean
        subprocess.run(["mount", "-o", "remount,size=64m", str(archive)], check=True)
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert rerun.returncode == ExitCode.OK, rerun.stdout + rerun.stderr
        _exactly_once(archive, len(names))
    finally:
        subprocess.run(["umount", str(archive)], check=True)


def test_progress_line_counts_stages_and_outcomes(tmp_path: Path) -> None:
    from pipeline import paths
    from pipeline.progress import ProgressReporter

    work, archive = tmp_path / "work", tmp_path / "archive"
    for dossier_id, files in {"a": ["pages.json", "geometry.json"], "b": ["pages.json"]}.items():
        for name in files:
            target = paths.stage_file(work, dossier_id, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("[]")
    record = paths.record_file(archive, "c")
    record.parent.mkdir(parents=True)
    record.write_text("{}")
    reporter = ProgressReporter(archive, work, ["a", "b", "c"])
    reporter.activate(["a", "b", "c"])
    line = reporter.line()
    assert "1/3 hồ sơ (lưu trữ 1, cách ly 0, lỗi 0)" in line
    assert "nhận 3, tiền xử lý 2, OCR 1" in line  # an archived dossier has passed every stage


_HANGING_WORKER = """#!{python}
# A Tesseract worker that hangs on page 2 and passes every other page to the real one.
import subprocess, sys, time
real = subprocess.Popen([{python!r}, "-m", "sohoa.tools.ocr_worker", *sys.argv[1:]],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
print(real.stdout.readline(), end="", flush=True)
for line in sys.stdin:
    if "/clean/page-0002.png" in line:
        time.sleep(600)
    real.stdin.write(line)
    real.stdin.flush()
    print(real.stdout.readline(), end="", flush=True)
"""


def test_tesseract_hanging_on_one_page_fails_that_page_not_the_run(tmp_path: Path) -> None:
    """Fault injected at the one place Tesseract is started: a `sohoa-ocr-worker` first on PATH hangs on page 2."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "sohoa-ocr-worker"
    fake.write_text(_HANGING_WORKER.format(python=sys.executable))
    fake.chmod(0o755)
    inbox, archive = _inbox(tmp_path, ["ho_kinh_doanh-tiff.tif", "quyet_dinh-tiff.tif"]), tmp_path / "archive"
    config = tmp_path / "site.yaml"
    config.write_text("ocr:\n  page-timeout: 20\n", encoding="utf-8")
    result = subprocess.run(_sohoa("run", "--create", "--inbox", str(inbox), "--archive", str(archive),
                                   "--config", str(config)),
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}"})
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    records = {json.loads(p.read_text())["source"]: json.loads(p.read_text()) for p in (archive / "records").glob("*.json")}
    pages = records["ho_kinh_doanh-tiff.tif"]["pages"]
    assert pages[0]["text"] and "ocr_error" not in pages[0]
    assert pages[1]["ocr_error"] == "tool_timeout" and pages[1]["text"] == ""
    assert records["quyet_dinh-tiff.tif"]["pages"][0]["text"]
