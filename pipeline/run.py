"""One ``sohoa run``: check, lock, plan, let Luigi work, read back what became of every dossier.

``luigi.build`` returns True even when tasks failed, so the exit code is decided from the outcome
files each dossier leaves (record, quarantine reason, failure note), never from Luigi
(:mod:`pipeline.summary` says whose matter each result is).

A run takes only what is new: dossiers already archived are left alone, inputs quarantined by an
earlier run are skipped with a line in the report (``--retry-quarantined`` takes them again), and
a dossier an earlier run began resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import outcome, paths
from pipeline.archive_dir import create_archive, require_archive
from pipeline.plan import Plan, make_plan
from pipeline.summary import RunSummary
from sohoa.clock import now_vn, stamp
from sohoa.errors import ArchiveError, ExitCode, SohoaError
from sohoa.files import write_text_atomic

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
    create: bool = False
    """Make the archive when it does not exist yet (else a missing archive is an error)."""
    retry_quarantined: bool = False
    """Take again inputs an earlier run quarantined (else they are skipped, with a line in the report)."""
    dry_run: bool = False
    """Say what would be processed; write nothing."""
    metrics_file: Path | None = None
    """Prometheus text file to write at the end (overrides ``run.metrics-file``)."""


def check_archive_writable(archive: Path) -> None:
    """Fail early, before any work, when the archive cannot be written."""
    try:
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


def _open_archive(opts: RunOptions, catalog_url: str | None) -> None:
    """The archive must exist, unless asked to make it; and it must be writable."""
    if opts.create:
        if create_archive(opts.archive, catalog_url=catalog_url):
            print(f"Đã tạo kho lưu trữ mới: {opts.archive}")
    else:
        require_archive(opts.archive)
    check_archive_writable(opts.archive)


def _check_inbox(inbox: Path) -> None:
    from sohoa.mounts import missing_mount

    mount = missing_mount(inbox)
    if mount is not None:
        raise SohoaError(f"the inbox {inbox} lies on {mount}, which /etc/fstab lists but is not mounted",
                         reason="inbox_not_mounted",
                         message_vi=f"Ổ chứa thư mục nhận ({mount}) chưa được gắn (mount): kiểm tra ổ chia sẻ.")
    if not inbox.is_dir():
        raise SohoaError(f"the inbox {inbox} does not exist or is not a folder", reason="inbox_missing",
                         message_vi=f"Thư mục nhận {inbox} không tồn tại: kiểm tra đường dẫn và ổ chia sẻ.")


def _prepare(opts: RunOptions):  # noqa: ANN202 - (settings, profile)
    """Everything checked before any work: settings, archive, tools, inbox."""
    from archive import Catalog
    from archive.catalog_rebuild import prepare_for_run
    from pipeline.settings import settings
    from scanners.profiles import load_profile
    from sohoa import logs
    from sohoa.tools import poppler, tesseract

    site = settings(opts.config)  # an invalid configuration stops here, before anything is touched
    profile = load_profile(opts.profile)
    _check_inbox(opts.inbox)
    if opts.dry_run:
        return site, profile
    _open_archive(opts, site.archive.catalog_url)
    logs.setup(verbose=opts.verbose, log_file=paths.logs_dir(opts.archive) / f"run-{stamp()}.jsonl")
    # the catalog whole and in step with the packages (a package a killed run left unregistered is
    # registered), never a new empty one in place of a lost one; then reach (and bind) it before any work
    prepare_for_run(opts.archive, site.archive.catalog_url)
    Catalog.for_archive(opts.archive, site.archive.catalog_url).close()
    tesseract.require_languages(site.ocr.languages)
    poppler.require()
    return site, profile


def _intake(opts: RunOptions, site, profile, staging: Path):  # noqa: ANN001, ANN202 - IntakeResult
    from scanners.intake import collect

    # Loading the stages' modules and tables overlaps the wait for files still being written.
    warm = threading.Thread(target=_preload, args=(opts.config,), name="sohoa-preload", daemon=True)
    warm.start()
    intake = collect(opts.inbox, staging, profile=profile, settle_seconds=site.settle_seconds)
    warm.join()
    if not (intake.dossiers or intake.growing or intake.problems):
        log.warning("the inbox %s is empty", opts.inbox)
        print(f"Cảnh báo: thư mục nhận {opts.inbox} trống, không có hồ sơ nào. Nếu thư mục nằm trên ổ chia sẻ, "
              "kiểm tra ổ đã được gắn và máy quét đã ghi vào đúng thư mục.")
    return intake


def _build(opts: RunOptions, plan: Plan) -> bool:
    """Run the Luigi batch, slice by slice, with a progress line; return whether scheduling succeeded."""
    import luigi
    import luigi.rpc
    from luigi.task_register import Register

    from pipeline.progress import ProgressReporter
    from pipeline.tasks import RunBatch

    scheduler = {"scheduler_url": opts.scheduler_url} if opts.scheduler_url else {"local_scheduler": True}
    configure_luigi(scaled_out=bool(opts.scheduler_url))
    progress = ProgressReporter(opts.archive, opts.work, [d.dossier_id for d in plan.todo], started=plan.started)
    progress.start()
    scheduled = True
    try:
        size = opts.slice_dossiers
        for start in range(0, len(plan.todo), size):
            if outcome.stop_requested(opts.work):
                break
            part = plan.todo[start:start + size]
            progress.activate(d.dossier_id for d in part)
            batch = RunBatch(dossiers=[(d.dossier_id, str(d.source), d.relative, d.shape) for d in part],
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


def _finish(opts: RunOptions, site, summary: RunSummary, scheduled: bool) -> ExitCode:  # noqa: ANN001
    from pipeline import report, report_html
    from pipeline.maintenance import clean_work
    from pipeline.metrics import write_metrics

    summary.stopped = outcome.stop_requested(opts.work)
    summary.finished = now_vn()
    code = ExitCode.CANNOT_RUN if summary.stopped else summary.exit_code()
    print(report.summary_vi(summary))
    forms_dir = site.fields.forms_dir
    try:
        text_report = report.write_run_report(opts.archive, summary, forms_dir=forms_dir)
        html_report = report_html.write_html_report(opts.archive, summary, forms_dir=forms_dir, beside=text_report)
        print(f"Báo cáo: {text_report}\nBáo cáo HTML: {html_report}")
    except OSError as exc:
        log.error("the run report could not be written (%s)", exc.strerror)
    if not summary.stopped:
        clean_work(opts.archive, opts.work, keep_days=site.run.keep_work_days)
    metrics_file = opts.metrics_file or site.run.metrics_file
    if metrics_file is not None:
        try:
            write_metrics(metrics_file, summary, opts.archive, exit_code=int(code))
        except OSError as exc:
            log.error("the metrics file %s could not be written (%s)", metrics_file, exc.strerror)
    record = {**summary.as_json(), "exit_code": int(code)}
    logging.getLogger("sohoa.summary").log(logging.ERROR if code == ExitCode.FAILED else logging.INFO,
                                           "run finished: exit %d (%s)", int(code), code.name.lower(),
                                           extra={"summary": record})
    if summary.stopped:
        raise SohoaError(f"the run stopped early: {summary.stopped.replace('_', ' ')}; finished dossiers are intact, "
                         "the others will be taken by the next run", reason=summary.stopped,
                         message_vi=outcome.FATAL_VI.get(summary.stopped, "Lần chạy đã dừng."))
    if summary.outcomes and all(o.status == "pending" for o in summary.outcomes) and not scheduled:
        raise SohoaError("the scheduler could not run the batch", message_vi="Không chạy được bộ lập lịch.")
    return code


def run_inbox(opts: RunOptions) -> ExitCode:
    """Process every new dossier of the inbox into the archive and return the exit code."""
    from pipeline.maintenance import sweep_temps
    from pipeline.runlock import RunLock
    from scanners.intake import finish_sources, intake_event

    site, profile = _prepare(opts)
    if opts.dry_run:
        from pipeline.plan import dry_run

        return dry_run(opts, site, profile)
    with RunLock(opts.archive, scheduler_url=opts.scheduler_url, work=opts.work,
                 stale_after=site.run.lock_stale_after):
        started = now_vn()
        paths.stop_file(opts.work).unlink(missing_ok=True)
        sweep_temps(opts.archive, opts.work)
        intake = _intake(opts, site, profile, opts.work / paths.STAGING)
        plan = make_plan(intake, opts.archive, opts.work, retry_quarantined=opts.retry_quarantined,
                         started=started.timestamp())
        for d in plan.todo:  # the code and the separator sheets, for the record and the PREMIS events
            write_text_atomic(paths.stage_file(opts.work, d.dossier_id, paths.INTAKE),
                              json.dumps(intake_event(d), ensure_ascii=False))
        log.info("inbox: %d dossiers to process (%d resumed), %d archived before, %d quarantined before, "
                 "%d still being written", len(plan.todo), len(plan.resumed), len(plan.archived_before),
                 len(plan.previously_quarantined), len(plan.growing))
        scheduled = True
        if plan.todo:
            with _signing_agent(opts):
                scheduled = _build(opts, plan)
        summary = plan.summary(opts.archive, opts.work, started=started)
        # a source leaves the inbox (to inbox/processed/<date>/) only once all its dossiers are archived
        finish_sources(opts.inbox, [*plan.todo, *plan.archived_before],
                       {o.dossier_id for o in summary.archived} | {d.dossier_id for d in plan.archived_before},
                       profile=profile)
        return _finish(opts, site, summary, scheduled)
