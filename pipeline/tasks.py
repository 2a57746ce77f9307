"""One thin Luigi task per stage of one dossier, chained with ``@requires``.

Each ``stage()`` reads its input files, calls one plain function of a stage package and writes
its output atomically. A bad input is quarantined and a failure recorded; either way the task
fails, its dossier stops, and the other dossiers go on.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import time
from pathlib import Path

import luigi
from luigi.parameter import ParameterVisibility
from luigi.util import requires

from pipeline import outcome, paths, records
from pipeline.settings import settings, signer_for, templates, trust_roots
from scanners.model import Dossier
from sohoa.errors import InputFileError, SohoaError
from sohoa.files import atomic_dir, remove_stale_temps, write_text_atomic
from sohoa.tools import tesseract

log = logging.getLogger("sohoa.pipeline")


class RunStopped(RuntimeError):
    """A worker refused to start a dossier because the run was asked to stop."""


class DossierTask(luigi.Task):
    """Parameters every stage of one dossier shares (they are its identity)."""

    dossier_id = luigi.Parameter()
    # Source paths may hold citizens' names: kept out of the task id and of what luigid shows.
    source = luigi.Parameter(significant=False, visibility=ParameterVisibility.PRIVATE)
    relative = luigi.Parameter(significant=False, visibility=ParameterVisibility.PRIVATE)
    shape = luigi.Parameter()
    work = luigi.Parameter()
    archive = luigi.Parameter()
    config = luigi.Parameter(default="")

    stage_name = "stage"
    output_name = ""
    # A failed dossier is not retried within a run (the next run retries it): with a central
    # scheduler, Luigi would otherwise keep a worker waiting for the retry forever.
    retry_count = 1
    disable_window = 24 * 3600

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.path(self.output_name)))

    def path(self, name: str) -> Path:
        """A file of this dossier in the work folder."""
        return paths.stage_file(Path(self.work), self.dossier_id, name)

    @property
    def dossier(self) -> Dossier:
        return Dossier(self.dossier_id, Path(self.source), self.relative, self.shape)

    def run(self) -> None:
        stopped = outcome.stop_requested(Path(self.work))
        if stopped:
            raise RunStopped(f"the run was stopped ({stopped}); dossier left for the next run")
        log.info("%s: %s", self.stage_name, self.dossier_id)
        remove_stale_temps(paths.dossier_dir(Path(self.work), self.dossier_id))
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            self.stage()
            log.info("%s: %s done", self.stage_name, self.dossier_id,
                     extra={"stage": self.stage_name, "wall_s": round(time.perf_counter() - wall, 3),
                            "cpu_s": round(time.process_time() - cpu, 3)})
        except InputFileError as exc:
            log.warning("%s: quarantined %s (%s)", self.stage_name, self.dossier_id, exc.reason)
            self._quarantine(exc)
            raise
        except Exception as exc:
            fatal = outcome.fatal_reason(exc)
            if fatal:
                log.error("%s: %s: %s, stopping the run", self.stage_name, self.dossier_id, fatal)
                outcome.request_stop(Path(self.work), fatal)
            log.error("%s: %s failed (%s)", self.stage_name, self.dossier_id, type(exc).__name__)
            if not isinstance(exc, SohoaError):
                # An unexpected error: the traceback goes to the log file for IT staff. Our own
                # errors carry their reason; their chained library errors may quote personal data
                # (a signer certificate's subject), so no traceback for them.
                log.debug("%s: %s failed", self.stage_name, self.dossier_id, exc_info=True)
            outcome.record_failure(Path(self.work), self.dossier_id, self.stage_name, exc)
            raise

    def _quarantine(self, error: InputFileError) -> None:
        try:
            outcome.quarantine(Path(self.archive), self.dossier_id, Path(self.source), self.relative, error)
        except OSError as exc:  # the archive itself failed: that is the run's problem, not the file's
            fatal = outcome.fatal_reason(exc)
            if fatal:
                outcome.request_stop(Path(self.work), fatal)
            outcome.record_failure(Path(self.work), self.dossier_id, "quarantine", exc)

    def stage(self) -> None:  # pragma: no cover - every subclass defines it
        raise TypeError(f"{type(self).__name__} defines no stage")

    def on_failure(self, exception: BaseException) -> str:
        # Luigi prints this in its summary and sends it to luigid: the error kind only, never
        # paths, page text or field values.
        reason = exception.reason if isinstance(exception, SohoaError) else "internal_error"
        return f"{type(exception).__name__} ({reason})"


class IngestDossier(DossierTask):
    """Scanner output → page images in the work folder (originals only read)."""

    stage_name, output_name = "ingest", "pages.json"

    def stage(self) -> None:
        from scanners.manifest import save_pages
        from scanners.read import read_pages

        pages_dir = self.path("pages")
        with atomic_dir(pages_dir) as tmp:
            pages = read_pages(self.dossier, tmp)
        pages = [p.__class__(**{**p.__dict__, "path": pages_dir / p.path.name}) for p in pages]
        save_pages(pages, Path(self.output().path))


@requires(IngestDossier)
class PreprocessDossier(DossierTask):
    """Pages → geometry (blank, rotation, skew) and cleaned copies for OCR."""

    stage_name, output_name = "preprocess", "geometry.json"

    def stage(self) -> None:
        from ocr.dossier import preprocess_dossier, save_geometry
        from scanners.manifest import load_pages

        ocr_settings = settings(self.config).ocr
        with atomic_dir(self.path("clean")) as tmp:
            geometry = preprocess_dossier(load_pages(Path(self.input().path)), tmp,
                                          max_skew=ocr_settings.max_skew,
                                          min_glyphs=ocr_settings.blank_min_glyphs)
        save_geometry(geometry, Path(self.output().path))


@requires(PreprocessDossier)
class OcrDossier(DossierTask):
    """Clean images → words with boxes and confidences, and invisible text layers."""

    stage_name, output_name = "ocr", "ocr.json"

    def stage(self) -> None:
        from ocr.dossier import load_geometry, recognize_dossier, save_page_texts

        ocr_settings = settings(self.config).ocr
        try:
            with atomic_dir(self.path("ocr")) as tmp:
                texts = recognize_dossier(load_geometry(Path(self.input().path)), self.path("clean"), tmp,
                                          languages=ocr_settings.languages, psm=ocr_settings.psm,
                                          timeout=ocr_settings.page_timeout)
        finally:
            if multiprocessing.parent_process() is not None:
                # A forked task process ends with os._exit, skipping atexit: stop its Tesseract
                # worker here, so it is waited for rather than left to notice on its own.
                tesseract.close_workers()
        save_page_texts(texts, Path(self.output().path))


@requires(OcrDossier)
class ExtractFields(DossierTask):
    """Words → form type and validated fields."""

    stage_name, output_name = "fields", "fields.json"

    def stage(self) -> None:
        from fields.extract import extract
        from fields.model import form_result_to_dict
        from ocr.model import load_page_texts

        result = extract(load_page_texts(Path(self.input().path)), templates(self.config),
                         review_threshold=settings(self.config).fields.review_threshold)
        write_text_atomic(Path(self.output().path),
                          json.dumps(form_result_to_dict(result), ensure_ascii=False, indent=1))


@requires(ExtractFields)
class BuildPdfA(DossierTask):
    """Archival images + text layers → PDF/A-2b."""

    stage_name, output_name = "pdfa", "document.pdf"

    def stage(self) -> None:
        from ocr.dossier import dossier_pdfa, load_geometry
        from scanners.manifest import load_pages

        form_type = json.loads(Path(self.input().path).read_text(encoding="utf-8"))["form_type"]
        dossier_pdfa(load_pages(self.path("pages.json")), load_geometry(self.path("geometry.json")),
                     self.path("ocr"), Path(self.output().path),
                     metadata=records.pdf_metadata(self.dossier_id, form_type))


@requires(BuildPdfA)
class SignDocument(DossierTask):
    """PDF/A → PAdES-signed PDF/A with the e-copy stamp (an incremental update)."""

    # sign.json is written last: its presence means signed.pdf is complete too (kill -9 safe).
    stage_name, output_name = "sign", "sign.json"

    def stage(self) -> None:
        from signing import StampText, sign_pdf

        sig = settings(self.config).signing
        result = sign_pdf(Path(self.input().path), self.path("signed.pdf"), signer=signer_for(self.config),
                          stamp=StampText(copy_form=sig.copy_form, agency=sig.agency), level=sig.level,
                          tsa_url=sig.tsa_url, trust_roots=trust_roots(self.config), font_path=sig.font)
        write_text_atomic(Path(self.output().path), json.dumps(
            {"level": result.level, "profile": sig.profile, "profile_level": sig.active_profile.level,
             "note": sig.level_note, "signing_time": result.signing_time.isoformat(),
             "signer": result.signer_subject}, ensure_ascii=False))


@requires(SignDocument)
class ArchiveDossier(DossierTask):
    """Signed PDF/A + fields + text → archive package, catalog entry and export record."""

    stage_name = "archive"

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(paths.record_file(Path(self.archive), self.dossier_id)))

    def stage(self) -> None:
        record = records.archive_dossier(self.dossier, Path(self.work), Path(self.archive),
                                         settings(self.config))
        write_text_atomic(Path(self.output().path), json.dumps(record, ensure_ascii=False, indent=1))
        outcome.clear_failure(Path(self.work), self.dossier_id)


def preload(config: str = "") -> None:
    """Load, once in the run's main process, what every stage would otherwise load again.

    With ``--workers`` above 1 Luigi runs each task in a process forked from the main one: modules
    imported and tables read here are inherited for free, instead of costing each task its own
    imports (pyHanko, lxml), settings, form templates, place-name tables and the key file. A
    token is not opened here: a PKCS#11 session must not cross a fork.
    """
    import archive.catalog  # noqa: F401 - imported for the forked task processes
    import archive.package  # noqa: F401
    import ocr.dossier  # noqa: F401
    import scanners.read  # noqa: F401
    import signing  # noqa: F401
    from fields import admin_units, provinces
    from fields.extract import extract  # noqa: F401
    from signing import StampText
    from signing.stamp import prepare_stamp_font

    if settings(config).signing.mode in {"demo", "pkcs12"}:
        signer_for(config)  # a key file, opened once for all task processes (never a token)
    sig = settings(config).signing
    prepare_stamp_font(StampText(copy_form=sig.copy_form, agency=sig.agency), sig.font)
    templates(config)
    records.retention_schedule(settings(config))
    records.date_fields(settings(config))
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
