"""The stages of one dossier, and the thin Luigi tasks that run them, chained with ``@requires``.

Each stage reads its input files, calls one plain function of a stage package and writes its
output atomically; a task runs its stages in order and skips one whose output is already there
(an interrupted run resumes stage by stage). A bad input is quarantined and a failure recorded;
either way the task fails, its dossier stops, and the other dossiers go on.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import luigi
from luigi.parameter import ParameterVisibility
from luigi.util import requires

from pipeline import joining, outcome, paths, records
from pipeline.settings import forms_dir, retention_schedule, settings, signer_for, templates, trust_roots
from scanners.model import Dossier
from sohoa.errors import InputFileError, SohoaError
from sohoa.files import atomic_dir, remove_stale_temps, write_text_atomic
from sohoa.tools import tesseract

log = logging.getLogger("sohoa.pipeline")


class RunStopped(RuntimeError):
    """A worker refused to start a dossier because the run was asked to stop."""


# --- the stages: one plain step each, reading its inputs from the dossier's work folder and
# writing its output there atomically (the archive stage writes into the archive) ---------------

def ingest(task: DossierTask) -> None:
    """Scanner output → page images in the work folder (originals only read, once, within their budget).

    A dossier code the archive would refuse is quarantined here (``invalid_code``), before any page
    is read, OCR'd or signed. ``source.json`` records the digest of exactly the bytes read.
    """
    from dataclasses import replace

    from scanners import codes
    from scanners.manifest import save_pages, save_source
    from scanners.read import read_source

    intake = task.path(paths.INTAKE)
    if intake.exists():
        codes.check_code(json.loads(intake.read_text(encoding="utf-8")).get("code"))
    pages_dir = task.path(paths.PAGES_DIR)
    with atomic_dir(pages_dir) as tmp:
        read = read_source(task.dossier, tmp, limits=settings(task.config).intake)
    pages = [replace(p, path=pages_dir / p.path.name) for p in read.pages]
    save_source(read, task.path(paths.SOURCE))
    save_pages(pages, task.path(paths.PAGES))


def preprocess(task: DossierTask) -> None:
    """Pages → geometry (blank, rotation, skew) and cleaned copies for OCR."""
    from ocr.dossier import preprocess_dossier, save_geometry
    from scanners.manifest import load_pages

    ocr_settings = settings(task.config).ocr
    with atomic_dir(task.path(paths.CLEAN_DIR)) as tmp:
        geometry = preprocess_dossier(load_pages(task.path(paths.PAGES)), tmp,
                                      max_skew=ocr_settings.max_skew, min_glyphs=ocr_settings.blank_min_glyphs,
                                      languages=ocr_settings.languages, timeout=ocr_settings.page_timeout)
    save_geometry(geometry, task.path(paths.GEOMETRY))


def recognize(task: DossierTask) -> None:
    """Clean images → words with boxes and confidences, and invisible text layers."""
    from ocr.dossier import load_geometry, recognize_dossier, save_page_texts
    from scanners.manifest import load_pages

    ocr_settings = settings(task.config).ocr
    try:
        with atomic_dir(task.path(paths.OCR_DIR)) as tmp:
            texts = recognize_dossier(load_pages(task.path(paths.PAGES)), load_geometry(task.path(paths.GEOMETRY)),
                                      task.path(paths.CLEAN_DIR), tmp, languages=ocr_settings.languages,
                                      psm=ocr_settings.psm, timeout=ocr_settings.page_timeout,
                                      low_quality=ocr_settings.low_quality)
    finally:
        if multiprocessing.parent_process() is not None:
            # A forked task process ends with os._exit, skipping atexit: stop its Tesseract
            # worker here, so it is waited for rather than left to notice on its own.
            tesseract.close_workers()
    save_page_texts(texts, task.path(paths.OCR))


def extract_fields(task: DossierTask) -> None:
    """Words → form type and validated fields."""
    from fields.extract import extract
    from fields.model import form_result_to_dict
    from ocr.dossier import clean_image_path
    from ocr.model import load_page_texts

    pages = load_page_texts(task.path(paths.OCR))
    images = {p.source_page: clean_image_path(task.path(paths.CLEAN_DIR), p.source_page) for p in pages}
    try:  # a signature block under a seal is read again by Tesseract (fields.reread)
        result = extract(pages, templates(task.config), review_threshold=settings(task.config).fields.review_threshold,
                         images=images)
    finally:
        if multiprocessing.parent_process() is not None:
            tesseract.close_workers()  # as in recognize(): a forked task process skips atexit
    write_text_atomic(task.path(paths.FIELDS),
                      json.dumps(form_result_to_dict(result), ensure_ascii=False, indent=1))


def build_pdfa(task: DossierTask) -> None:
    """Archival images + text layers → PDF/A-2b."""
    from ocr.dossier import dossier_pdfa, load_geometry
    from scanners.manifest import load_pages

    form_type = json.loads(task.path(paths.FIELDS).read_text(encoding="utf-8"))["form_type"]
    dossier_pdfa(load_pages(task.path(paths.PAGES)), load_geometry(task.path(paths.GEOMETRY)),
                 task.path(paths.OCR_DIR), task.path(paths.PDFA),
                 metadata=records.pdf_metadata(task.dossier_id, form_type, forms_dir(task.config)))


def sign(task: DossierTask) -> None:
    """PDF/A → PAdES-signed PDF/A with the e-copy stamp (an incremental update).

    A dossier with pages below the digitization standard gets the stamp only when the signing
    profile certifies such pages; otherwise it is signed without it and flagged for a re-scan.
    sign.json is written last: its presence means signed.pdf is complete too (kill -9 safe).
    """
    from ocr.dossier import load_geometry
    from pipeline.provenance import below_standard_pages, sign_record
    from signing import StampText, sign_pdf

    sig = settings(task.config).signing
    below = below_standard_pages(load_geometry(task.path(paths.GEOMETRY)))
    certify = not below or sig.certify_below_standard
    result = sign_pdf(task.path(paths.PDFA), task.path(paths.SIGNED), signer=signer_for(task.config),
                      stamp=StampText(copy_form=sig.copy_form, agency=sig.agency) if certify else None,
                      level=sig.level, tsa_url=sig.tsa_url, trust_roots=trust_roots(task.config), font_path=sig.font)
    write_text_atomic(task.path(paths.SIGN), json.dumps(sign_record(
        result, profile=sig.profile, profile_level=sig.active_profile.level, note=sig.level_note, agency=sig.agency,
        copy_form=sig.copy_form if certify else None, below=below), ensure_ascii=False))


def package_dossier(task: DossierTask) -> None:
    """Signed PDF/A + fields + text → archive package, catalog entry and export record."""
    record = records.archive_dossier(task.dossier, Path(task.work), Path(task.archive), settings(task.config))
    if record["dossier_id"] != task.dossier_id:  # a result joined to its dossier (pipeline/joining.py)
        joining.mark_joined(Path(task.archive), task.dossier_id, record)
    else:
        write_text_atomic(paths.record_file(Path(task.archive), task.dossier_id),
                          json.dumps(record, ensure_ascii=False, indent=1))
    outcome.clear_failure(Path(task.work), task.dossier_id)


@dataclass(frozen=True)
class Stage:
    """One step of a dossier: its name (in logs, failure notes and reports) and what it writes."""

    name: str
    output: str
    """Its output file in the dossier's work folder; empty for the archive stage (the record)."""
    step: Callable[[DossierTask], None]


INGEST, PREPROCESS, OCR = (Stage("ingest", paths.PAGES, ingest), Stage("preprocess", paths.GEOMETRY, preprocess),
                           Stage("ocr", paths.OCR, recognize))
FIELDS, PDFA, SIGN = (Stage("fields", paths.FIELDS, extract_fields), Stage("pdfa", paths.PDFA, build_pdfa),
                      Stage("sign", paths.SIGN, sign))
ARCHIVE = Stage("archive", "", package_dossier)


# --- the Luigi tasks: a few stages each, so a batch pays Luigi's per-task cost (a forked process,
# scheduler round trips) three times per dossier rather than seven -----------------------------

class DossierTask(luigi.Task):
    """Parameters every task of one dossier shares (they are its identity), and its stages."""

    dossier_id = luigi.Parameter()
    # Source paths may hold citizens' names: kept out of the task id and of what luigid shows.
    source = luigi.Parameter(significant=False, visibility=ParameterVisibility.PRIVATE)
    relative = luigi.Parameter(significant=False, visibility=ParameterVisibility.PRIVATE)
    shape = luigi.Parameter()
    work = luigi.Parameter()
    archive = luigi.Parameter()
    config = luigi.Parameter(default="")

    stages: tuple[Stage, ...] = ()
    # A failed dossier is not retried within a run (the next run retries it): with a central
    # scheduler, Luigi would otherwise keep a worker waiting for the retry forever.
    retry_count = 1
    disable_window = 24 * 3600

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.stage_output(self.stages[-1])))

    def path(self, name: str) -> Path:
        """A file of this dossier in the work folder."""
        return paths.stage_file(Path(self.work), self.dossier_id, name)

    def stage_output(self, stage: Stage) -> Path:
        return self.path(stage.output) if stage.output else paths.record_file(Path(self.archive), self.dossier_id)

    @property
    def dossier(self) -> Dossier:
        return Dossier(self.dossier_id, Path(self.source), self.relative, self.shape)

    def run(self) -> None:
        remove_stale_temps(paths.dossier_dir(Path(self.work), self.dossier_id))
        for stage in self.stages:
            if not self.stage_output(stage).exists():  # done by an earlier, interrupted task: kept
                self._run_stage(stage)

    def _run_stage(self, stage: Stage) -> None:
        stopped = outcome.stop_requested(Path(self.work))
        if stopped:
            raise RunStopped(f"the run was stopped ({stopped}); dossier left for the next run")
        log.info("%s: %s", stage.name, self.dossier_id)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            stage.step(self)
            log.info("%s: %s done", stage.name, self.dossier_id,
                     extra={"stage": stage.name, "wall_s": round(time.perf_counter() - wall, 3),
                            "cpu_s": round(time.process_time() - cpu, 3)})
        except InputFileError as exc:
            log.warning("%s: quarantined %s (%s)", stage.name, self.dossier_id, exc.reason)
            self._quarantine(exc)
            raise
        except Exception as exc:
            fatal = outcome.fatal_reason(exc)
            if fatal:
                log.error("%s: %s: %s, stopping the run", stage.name, self.dossier_id, fatal)
                outcome.request_stop(Path(self.work), fatal)
            log.error("%s: %s failed (%s)", stage.name, self.dossier_id, type(exc).__name__)
            if not isinstance(exc, SohoaError):
                # An unexpected error: the traceback goes to the log file for IT staff. Our own
                # errors carry their reason; their chained library errors may quote personal data
                # (a signer certificate's subject), so no traceback for them.
                log.debug("%s: %s failed", stage.name, self.dossier_id, exc_info=True)
            outcome.record_failure(Path(self.work), self.dossier_id, stage.name, exc)
            raise

    def _quarantine(self, error: InputFileError) -> None:
        try:
            outcome.quarantine(Path(self.archive), self.dossier_id, Path(self.source), self.relative, error)
        except OSError as exc:  # the archive itself failed: that is the run's problem, not the file's
            fatal = outcome.fatal_reason(exc)
            if fatal:
                outcome.request_stop(Path(self.work), fatal)
            outcome.record_failure(Path(self.work), self.dossier_id, "quarantine", exc)

    def on_failure(self, exception: BaseException) -> str:
        # Luigi prints this in its summary and sends it to luigid: the error kind only, never
        # paths, page text or field values.
        reason = exception.reason if isinstance(exception, SohoaError) else "internal_error"
        return f"{type(exception).__name__} ({reason})"


class ReadDossier(DossierTask):
    """scan → pages → clean images → OCR."""

    stages = (INGEST, PREPROCESS, OCR)


@requires(ReadDossier)
class RecordDossier(DossierTask):
    """OCR → fields → PDF/A → signature."""

    stages = (FIELDS, PDFA, SIGN)


@requires(RecordDossier)
class ArchiveDossier(DossierTask):
    """signature → package, catalog entry and export record."""

    stages = (ARCHIVE,)


def preload(config: str = "") -> None:
    """Load, once in the run's main process, what every stage would otherwise load again.

    With ``--workers`` above 1 Luigi runs each task in a process forked from the main one: modules
    imported and tables read here are inherited for free, instead of costing each task its own
    imports (pyHanko, lxml), settings, form templates, place-name tables and the key file. A
    token is not opened here: a PKCS#11 session must not cross a fork.
    """
    import archive.catalog  # imported here for the forked task processes
    import archive.package  # noqa: F401
    import ocr.dossier  # noqa: F401
    import scanners.read  # noqa: F401
    import signing  # noqa: F401
    from fields import admin_units, provinces
    from fields.extract import extract  # noqa: F401
    from fields.templates import form_titles
    from signing import StampText
    from signing.stamp import prepare_stamp_font

    if settings(config).signing.mode in {"demo", "pkcs12"}:
        signer_for(config)  # a key file, opened once for all task processes (never a token)
    sig = settings(config).signing
    prepare_stamp_font(StampText(copy_form=sig.copy_form, agency=sig.agency), sig.font)
    templates(config)
    form_titles(forms_dir(config))  # the titles and labels' own read of the same folder
    retention_schedule(settings(config))
    admin_units.unit_names()
    provinces.cccd_province_codes()
    # What is loaded now lives as long as the run: keep the collector from walking it in every
    # forked child, which would copy the pages it touches (copy-on-write) for nothing.
    gc.collect()
    gc.freeze()


class RunBatch(luigi.WrapperTask):
    """Every dossier of an inbox, archived."""

    dossiers = luigi.ListParameter()
    """Each item: (dossier_id, source, relative, shape)."""
    work = luigi.Parameter()
    archive = luigi.Parameter()
    config = luigi.Parameter(default="")

    def requires(self) -> list[ArchiveDossier]:
        return [ArchiveDossier(dossier_id=d[0], source=d[1], relative=d[2], shape=d[3], work=self.work,
                               archive=self.archive, config=self.config) for d in self.dossiers]
