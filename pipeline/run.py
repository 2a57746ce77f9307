"""One ``sohoa run``: discover the inbox, let Luigi work, read back what became of every dossier.

``luigi.build`` returns True even when tasks failed, so the exit code is decided here from the
outcome files each dossier leaves (record, quarantine reason, failure note), never from Luigi.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import outcome, paths, report
from pipeline.outcome import Outcome
from pipeline.records import VN_TZ
from sohoa.errors import ArchiveError, ExitCode, SohoaError
from sohoa.files import remove_stale_temps, write_text_atomic

log = logging.getLogger("sohoa")


@dataclass(frozen=True)
class RunOptions:
    """What ``sohoa run`` was asked to do."""

    inbox: Path
    archive: Path
    work: Path
    workers: int = 1
    scheduler_url: str | None = None
    config: str = ""
    verbose: bool = False
    profile: str = "default"
    """Scanner profile: a name in configs/scanners/ or a YAML file."""
    slice_dossiers: int = 200
    """Dossiers handed to Luigi at once. Luigi keeps every task of a build (three per dossier) in the
    scheduler, the worker and its instance cache, and each forked task process inherits them:
    slicing a backlog keeps memory flat however large the inbox, at the cost of one short wait
    for the slowest dossier of each slice."""


def check_archive_writable(archive: Path) -> None:
    """Fail early, before any work, when the archive cannot be written."""
    try:
        archive.mkdir(parents=True, exist_ok=True)
        probe = archive / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise ArchiveError(f"the archive folder {archive} is not writable ({exc.strerror})",
                           message_vi="Không ghi được vào thư mục lưu trữ.") from exc


def configure_luigi(*, scaled_out: bool) -> None:
    """Luigi keeps its hands off our logging, polls often, and (scaled out) waits for other workers."""
    import luigi.configuration

    config = luigi.configuration.get_config()
    for section in ("core", "worker"):
        if not config.has_section(section):
            config.add_section(section)
    config.set("core", "no_configure_logging", "true")
    config.set("core", "autoload_range", "false")
    # Chains of short tasks: poll the scheduler often instead of Luigi's 1 s default sleep.
    config.set("worker", "wait_interval", "0.1")
    config.set("worker", "wait_jitter", "0.1")
    # With a central scheduler, stay until tasks that other workers hold are done, so the
    # outcome read back afterwards is final.
    config.set("worker", "keep_alive", "true" if scaled_out else "false")


def _sweep(archive: Path) -> None:
    """Remove what killed runs left half-written in the archive (never a live process's work)."""
    removed = sum(remove_stale_temps(archive / sub) for sub in ("packages", "records", "quarantine", "."))
    if removed:
        log.info("removed %d temporary entries left by an interrupted run", removed)


def _prepare(opts: RunOptions):  # noqa: ANN202 - (settings, dossiers, growing, profile)
    import json

    from archive import Catalog
    from pipeline.settings import settings
    from scanners.discover import dossier_id_for
    from scanners.intake import collect, intake_event
    from scanners.profiles import load_profile
    from sohoa import logs
    from sohoa.tools import poppler, tesseract

    check_archive_writable(opts.archive)
    stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M%S")
    logs.setup(verbose=opts.verbose, log_file=opts.archive / "logs" / f"run-{stamp}.jsonl")
    site = settings(opts.config)
    Catalog.for_archive(opts.archive, site.archive.catalog_url).close()  # reach (and bind) it before any work
    profile = load_profile(opts.profile)
    tesseract.require_languages(site.ocr.languages)
    poppler.require()
    if not opts.inbox.is_dir():
        raise SohoaError(f"the inbox {opts.inbox} is not a folder", message_vi="Thư mục nhận không tồn tại.")
    paths.stop_file(opts.work).unlink(missing_ok=True)
    _sweep(opts.archive)
    # Loading the stages' modules and tables overlaps the wait for files still being written.
    warm = threading.Thread(target=_preload, args=(opts.config,), name="sohoa-preload", daemon=True)
    warm.start()
    intake = collect(opts.inbox, opts.work / "staging", profile=profile, settle_seconds=site.settle_seconds)
    warm.join()
    dossiers, growing = intake.dossiers, intake.growing
    for problem in intake.problems:
        log.warning("intake: %s (%s)", problem.reason, dossier_id_for(problem.relative))
    for d in dossiers:  # the code and the separator sheets, for the record and the PREMIS events
        write_text_atomic(paths.stage_file(opts.work, d.dossier_id, "intake.json"),
                          json.dumps(intake_event(d), ensure_ascii=False))
    log.info("found %d dossiers in the inbox (%d still being written)", len(dossiers), len(growing))
    return site, dossiers, growing, profile


def _build(opts: RunOptions, dossiers: list) -> bool:
    """Run the Luigi batch, slice by slice, with a progress line; return whether scheduling succeeded."""
    import luigi
    import luigi.rpc
    from luigi.task_register import Register

    from pipeline.progress import ProgressReporter
    from pipeline.tasks import RunBatch

    scheduler = {"scheduler_url": opts.scheduler_url} if opts.scheduler_url else {"local_scheduler": True}
    configure_luigi(scaled_out=bool(opts.scheduler_url))
    progress = ProgressReporter(opts.archive, opts.work, [d.dossier_id for d in dossiers])
    progress.start()
    scheduled = True
    try:
        size = opts.slice_dossiers
        for start in range(0, len(dossiers), size):
            if outcome.stop_requested(opts.work):
                break
            batch = RunBatch(dossiers=[(d.dossier_id, str(d.source), d.relative, d.shape)
                                       for d in dossiers[start:start + size]],
                             work=str(opts.work), archive=str(opts.archive), config=opts.config)
            result = luigi.build([batch], workers=opts.workers, detailed_summary=True, **scheduler)
            scheduled = scheduled and result.scheduling_succeeded
            del batch, result
            Register.clear_instance_cache()
            _release_memory()
    except luigi.rpc.RPCError as exc:
        raise SohoaError(f"the central scheduler at {opts.scheduler_url} cannot be reached", reason="scheduler_down",
                         message_vi="Không kết nối được bộ lập lịch trung tâm (luigid).") from exc
    finally:
        progress.stop()
    return scheduled


def _release_memory() -> None:
    """Hand the heap a finished slice freed back to the system: the next slice's task processes,
    forked from this one, then start from less."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _finish(opts: RunOptions, outcomes: list[Outcome], growing: list[Path], scheduled: bool) -> ExitCode:
    print(report.summary_vi(outcomes, growing=len(growing)))
    try:
        text_report = report.write_run_report(opts.archive, outcomes, growing=len(growing))
        print(f"Báo cáo: {text_report}")
        html_report = report.write_html_report(opts.archive, outcomes, growing=len(growing), beside=text_report)
        print(f"Báo cáo HTML: {html_report}")
    except OSError as exc:
        log.error("the run report could not be written (%s)", exc.strerror)
    stopped = outcome.stop_requested(opts.work)
    if stopped:
        raise SohoaError(f"the run stopped early: {stopped.replace('_', ' ')}; finished dossiers are intact, "
                         "the others will be taken by the next run", reason=stopped,
                         message_vi=outcome.FATAL_VI.get(stopped, "Lần chạy đã dừng."))
    if outcomes and all(o.status == "pending" for o in outcomes) and not scheduled:
        raise SohoaError("the scheduler could not run the batch", message_vi="Không chạy được bộ lập lịch.")
    return ExitCode.OK if all(o.status == "archived" for o in outcomes) else ExitCode.INCOMPLETE


@contextlib.contextmanager
def _signing_agent(opts: RunOptions) -> Iterator[None]:
    """One token login for the whole run when tasks run in forked processes (PKCS#11, --workers > 1)."""
    from pipeline.settings import open_signer, settings
    from signing.agent import SigningAgent

    sig = settings(opts.config).signing
    if opts.workers <= 1 or sig.mode != "pkcs11":
        yield
        return
    agent = SigningAgent(lambda: open_signer(sig))
    try:
        agent.__enter__()
    except SohoaError as exc:  # wrong PIN, token absent: each dossier then stays "chờ ký số", as without it
        log.warning("signing agent not started (%s)", exc.reason)
        yield
        return
    try:
        yield
    finally:
        agent.__exit__(None, None, None)


def _preload(config: str) -> None:
    from pipeline.tasks import preload

    try:
        preload(config)
    except Exception:  # noqa: BLE001 - the same error surfaces, with its message, where it is used
        log.debug("preloading the stages failed", exc_info=True)


def run_inbox(opts: RunOptions) -> ExitCode:
    """Process every dossier of the inbox into the archive and return the exit code."""
    started = time.time()
    from scanners.intake import finish_sources

    _, dossiers, growing, profile = _prepare(opts)
    with _signing_agent(opts):
        scheduled = _build(opts, dossiers)
    outcomes = [outcome.outcome_of(opts.archive, opts.work, d.dossier_id, d.relative, since=started)
                for d in dossiers]
    # a source leaves the inbox (to inbox/processed/<date>/) only once all its dossiers are archived
    finish_sources(opts.inbox, dossiers, {o.dossier_id for o in outcomes if o.status == "archived"},
                   profile=profile)
    return _finish(opts, outcomes, growing, scheduled)
