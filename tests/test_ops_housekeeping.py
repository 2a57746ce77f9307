"""Housekeeping of runs, on the functions themselves: progress and time left on a large backlog,
leftovers of killed runs, work folders of archived dossiers, the metrics file."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from pipeline import paths
from pipeline.maintenance import clean_work, sweep_temps
from pipeline.metrics import render, write_metrics
from pipeline.outcome import Outcome
from pipeline.progress import Progress, duration_vi
from pipeline.summary import RunSummary
from sohoa.clock import VN_TZ
from sohoa.files import HOST


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")


def test_progress_watches_only_the_active_slice_and_counts_every_stage(tmp_path: Path) -> None:
    archive, work = tmp_path / "archive", tmp_path / "work"
    ids = [f"hs-{i:06d}" for i in range(20_000)]
    for name in (paths.PAGES, paths.GEOMETRY, paths.OCR):   # one dossier resumed after OCR
        _touch(paths.stage_file(work, ids[5], name))
    progress = Progress(archive, work, ids, started=time.time())
    assert progress.stage[ids[5]] == 3 and progress.stage[ids[0]] == 0
    progress.activate(ids[:200])
    _touch(paths.record_file(archive, ids[0]))
    _touch(paths.stage_file(work, ids[1], paths.PAGES))
    _touch(paths.quarantine_reason(archive, ids[2]))
    _touch(paths.record_file(archive, ids[500]))             # not handed out yet: not looked at
    progress.poll()
    assert progress.counts() == (1, 1, 0)
    assert dict(progress.stage_counts())["nhận"] == 3 and dict(progress.stage_counts())["OCR"] == 2
    assert len(progress.active) == 198


def test_time_left_is_right_when_a_run_resumes_near_the_end(tmp_path: Path) -> None:
    """Three dossiers resume with only signing and archiving left; one starts from nothing. After the
    three finish in 3 s, most of the work is still ahead: the time left must say so."""
    archive, work = tmp_path / "archive", tmp_path / "work"
    ids = ["a", "b", "c", "d"]
    for dossier in ids[:3]:
        for name in (paths.PAGES, paths.GEOMETRY, paths.OCR, paths.FIELDS, paths.PDFA):
            _touch(paths.stage_file(work, dossier, name))
    progress = Progress(archive, work, ids, started=time.time())
    progress.activate(ids)
    progress.clock_started = time.time() - 12
    for dossier in ids[:3]:
        _touch(paths.record_file(archive, dossier))
    progress.poll()
    left = progress.remaining_seconds()
    # 3 × 2 units done in 12 s; 13 units ahead: about 26 s, where "done/total dossiers" said 4 s
    assert left is not None and 20 < left < 32
    assert duration_vi(left) == f"{round(left)} giây" and duration_vi(3 * 3600 + 600) == "3 giờ 10 phút"


def test_leftovers_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path, monkeypatch) -> None:
    tmpdir, archive, work = tmp_path / "tmp", tmp_path / "archive", tmp_path / "work"
    for folder in (tmpdir, archive / "records", work):
        folder.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    dead_pid = 2**22 + 12345   # above pid_max's default: no such process
    dead = [tmpdir / f".sohoa-ocr.{HOST}.{dead_pid}.x1.tmp", archive / "records" / f".a.json.{HOST}.{dead_pid}.x2.tmp",
            work / f".staging.{HOST}.{dead_pid}.x3.tmp"]
    live = [tmpdir / f".sohoa-ocr.{HOST}.{os.getpid()}.y1.tmp", tmpdir / f".other.{HOST}.{dead_pid}.z.tmp",
            tmpdir / "sohoa-ocr-abc"]
    for path in dead + live:
        path.mkdir()
    assert sweep_temps(archive, work) == 3
    assert not any(p.exists() for p in dead) and all(p.exists() for p in live)


def test_work_folders_go_after_their_keep_days(tmp_path: Path) -> None:
    archive, work = tmp_path / "archive", tmp_path / "work"
    for dossier in ("old", "new", "unfinished"):
        _touch(paths.stage_file(work, dossier, paths.PAGES))
    for dossier in ("old", "new"):
        _touch(paths.record_file(archive, dossier))
    week_ago = time.time() - 8 * 86400
    os.utime(paths.record_file(archive, "old"), (week_ago, week_ago))
    (work / paths.STAGING).mkdir()
    assert clean_work(archive, work, keep_days=None) == 0
    assert clean_work(archive, work, keep_days=7) == 1
    assert sorted(p.name for p in work.iterdir()) == ["new", "staging", "unfinished"]
    assert clean_work(archive, work, keep_days=0) == 1
    assert sorted(p.name for p in work.iterdir()) == ["staging", "unfinished"]


def test_metrics_keep_the_last_success_through_a_failed_run(tmp_path: Path) -> None:
    started = datetime(2026, 3, 2, 22, 30, tzinfo=VN_TZ)
    record = {"pages": [{"source_page": 1}, {"source_page": 2}], "fields": {"a": {"needs_review": True}}}
    good = RunSummary([Outcome("x", "x.tif", "archived", record)], started=started,
                      finished=started + timedelta(minutes=3))
    text = render(good, tmp_path, exit_code=0, last_success=1_700_000_000, now=1_700_000_000)
    for line in ('sohoa_run_dossiers{outcome="archived"} 1', "sohoa_run_pages 2", "sohoa_run_review_dossiers 1",
                 "sohoa_run_duration_seconds 180.0", "sohoa_last_success_timestamp_seconds 1700000000",
                 "# TYPE sohoa_run_failures gauge"):
        assert line in text.splitlines(), line
    path = tmp_path / "sohoa.prom"
    write_metrics(path, good, tmp_path, exit_code=0)
    success = [line for line in path.read_text().splitlines() if line.startswith("sohoa_last_success")]
    bad = RunSummary([Outcome("y", "y.tif", "failed", {"stage": "ocr"})], started=started)
    write_metrics(path, bad, tmp_path, exit_code=8)
    text = path.read_text()
    assert "sohoa_run_exit_code 8" in text and "sohoa_run_failures 1" in text
    assert [line for line in text.splitlines() if line.startswith("sohoa_last_success")] == success
    assert oct(path.stat().st_mode & 0o777) == "0o644"   # the exporter's own user reads it; counts only


def test_other_programs_never_get_the_signing_secrets(monkeypatch) -> None:
    from sohoa.tools._run import run

    monkeypatch.setenv("SOHOA_P12_PASSPHRASE", "mat-khau-bi-mat")
    monkeypatch.setenv("SOHOA_PKCS11_PIN", "123456")
    monkeypatch.setenv("PGPASSWORD", "db-secret")
    seen = run(["env"], timeout=30).stdout.decode()
    assert "mat-khau-bi-mat" not in seen and "123456" not in seen and "db-secret" not in seen
    assert "OMP_THREAD_LIMIT=1" in seen and "PATH=" in seen
