"""One run per archive at a time: the run lock, its stale takeover, and runs through one luigid side by side.

The lock is exercised as users meet it: two real ``sohoa run`` processes on one archive (the second is
refused, naming the first's host and pid; the archive ends with one package per dossier), a lock left
by a killed run on this machine, one left by a dead machine on shared storage (judged by its last sign
of life), and two runs through one real ``luigid`` (joined, not refused: see also test_scale.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES
from pipeline.runlock import Holder, RunLock, RunLocked
from sohoa.errors import ExitCode
from sohoa.files import HOST

BIN = Path(sys.executable).parent


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _holder_file(archive: Path, holder: Holder, *, age: float = 0.0) -> Path:
    folder = archive / ".run-lock"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / holder.name
    path.write_text(json.dumps(holder.__dict__), encoding="utf-8")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_a_second_local_run_is_refused_naming_the_first(tmp_path: Path) -> None:
    with RunLock(tmp_path, scheduler_url=None, work=tmp_path / ".work") as first:
        assert first.path.exists() and json.loads(first.path.read_text())["pid"] == os.getpid()
        with pytest.raises(RunLocked) as refused:
            RunLock(tmp_path, scheduler_url=None).__enter__()
        assert f"host {HOST}, pid {os.getpid()}" in str(refused.value)
        assert f"máy {HOST}, tiến trình {os.getpid()}" in refused.value.message_vi
        assert refused.value.exit_code == ExitCode.CANNOT_RUN
        # a run through luigid cannot join a run with its own scheduler either
        with pytest.raises(RunLocked):
            RunLock(tmp_path, scheduler_url="http://127.0.0.1:8082").__enter__()
    assert not first.path.exists()  # released


def test_runs_through_one_luigid_join_each_other_but_not_another_luigid(tmp_path: Path) -> None:
    url = "http://10.0.0.10:8082"
    remote = Holder(host="worker-b", pid=4242, started="2026-01-01T22:30:00+07:00", scheduler=url)
    _holder_file(tmp_path, remote)  # a live run on another machine, through the same luigid
    with RunLock(tmp_path, scheduler_url=url + "/") as lock:
        assert sorted(p.name for p in (tmp_path / ".run-lock").glob("*.json")) == sorted([remote.name, lock.path.name])
        with pytest.raises(RunLocked, match="another luigid"):
            RunLock(tmp_path, scheduler_url="http://10.0.0.99:8082").__enter__()
    with pytest.raises(RunLocked, match="use the same --scheduler-url"):
        RunLock(tmp_path, scheduler_url=None).__enter__()


def test_a_killed_runs_lock_on_this_machine_is_taken_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    me = RunLock(tmp_path, scheduler_url=None).me
    dead = _holder_file(tmp_path, Holder(host=HOST, pid=_dead_pid(), started="x", scheduler="", boot_id=me.boot_id))
    # a live pid that is now another process (the killed run's pid was reused): also stale
    reused = _holder_file(tmp_path, Holder(host=HOST, pid=os.getppid(), started="x", scheduler="",
                                           boot_id=me.boot_id, process_start="1"))
    with RunLock(tmp_path, scheduler_url=None):
        assert not dead.exists() and not reused.exists()
    assert "its process is gone" in caplog.text and "now belongs to another process" in caplog.text


def test_another_machines_lock_is_taken_over_only_after_its_heartbeat_stops(tmp_path: Path) -> None:
    other = Holder(host="worker-b", pid=4242, started="2026-01-01T22:30:00+07:00", scheduler="")
    fresh = _holder_file(tmp_path, other, age=30)
    with pytest.raises(RunLocked, match="host worker-b, pid 4242"):
        RunLock(tmp_path, scheduler_url=None, stale_after=600).__enter__()
    assert fresh.exists()
    _holder_file(tmp_path, other, age=601)  # its machine died ten minutes ago
    with RunLock(tmp_path, scheduler_url=None, stale_after=600):
        assert not (tmp_path / ".run-lock" / other.name).exists()


def test_a_holders_heartbeat_keeps_it_alive(tmp_path: Path) -> None:
    with RunLock(tmp_path, scheduler_url=None, heartbeat=0.05) as lock:
        then = time.time() - 3600
        os.utime(lock.path, (then, then))
        time.sleep(0.3)
        assert time.time() - lock.path.stat().st_mtime < 5


def test_a_guard_left_by_a_process_killed_while_registering_is_removed(tmp_path: Path) -> None:
    guard = tmp_path / ".run-lock" / "guard"
    guard.mkdir(parents=True)
    then = time.time() - 120
    os.utime(guard, (then, then))
    with RunLock(tmp_path, scheduler_url=None) as lock:
        assert lock.path.exists()
    assert not guard.exists()


def test_two_sohoa_runs_on_one_archive_one_is_refused_and_each_dossier_is_archived_once(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for name in ("ct01-pdf.pdf", "quyet_dinh-tiff.tif"):
        shutil.copy2(SAMPLES / "inbox" / name, inbox / name)
    command = [str(BIN / "sohoa"), "run", "--create", "--inbox", str(inbox), "--archive", str(archive)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list((archive / ".run-lock").glob("*.json")):
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    out, err = first.communicate(timeout=600)
    assert first.returncode == ExitCode.OK, out + err
    assert second.returncode == ExitCode.CANNOT_RUN, second.stdout + second.stderr
    assert f"host {HOST}, pid {first.pid}" in second.stderr and f"tiến trình {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    assert len(list((archive / "packages").iterdir())) == len(list((archive / "records").glob("*.json"))) == 2
