"""Tesseract: page OCR to TSV (+ a text-only PDF layer) in a kept-loaded worker, and orientation
detection through pytesseract.

Pages go to a worker process holding libtesseract (``tesserocr``) with the model loaded once:
Tesseract 5.5 in-process used about a third less CPU per page than starting Debian's
``tesseract`` 5.3 for every page (``bench/throughput.py``). The worker is a process of its own so
that a crash or a hang costs one page.

pytesseract reports a timeout as a plain ``RuntimeError`` and an unreadable version as
``SystemExit``; both are turned into our own errors here and nowhere else.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import os
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytesseract

from sohoa.errors import ToolError, ToolMissingError
from sohoa.tools._run import SINGLE_THREAD_ENV, run, tool_env

log = logging.getLogger("sohoa.tools.tesseract")

APT_PACKAGES = "tesseract-ocr tesseract-ocr-vie"

# pytesseract starts Tesseract with this process's environment: pin OpenMP to one thread per call.
os.environ.update(SINGLE_THREAD_ENV)


def _call(fn, *args, **kwargs):  # noqa: ANN001, ANN202 - thin adapter over pytesseract calls
    try:
        return fn(*args, **kwargs)
    except pytesseract.TesseractNotFoundError as exc:
        raise ToolMissingError(f"tesseract is not installed (Debian packages {APT_PACKAGES})") from exc
    except pytesseract.TesseractError as exc:
        raise ToolError(f"tesseract failed with exit code {exc.status}", tool="tesseract",
                        returncode=exc.status, stderr=str(exc.message)) from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise ToolError("tesseract timed out", tool="tesseract", reason="tool_timeout") from exc
        raise ToolError(f"tesseract failed: {exc}", tool="tesseract") from exc
    except SystemExit as exc:  # pytesseract exits when it cannot parse the version
        raise ToolError("tesseract version could not be read", tool="tesseract") from exc


@functools.cache
def version() -> str:
    """Tesseract's version string, e.g. ``5.3.0``."""
    return str(_call(pytesseract.get_tesseract_version))


@functools.cache
def require_languages(languages: str) -> None:
    """Fail with :class:`ToolMissingError` unless every ``+``-joined language is installed."""
    proc = run(["tesseract", "--list-langs"], timeout=30, apt_package=APT_PACKAGES)
    installed = set(proc.stdout.decode().split()[1:]) | set(proc.stderr.decode().split())
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        raise ToolMissingError(f"Tesseract language data missing: {', '.join(missing)} "
                               f"(Debian package tesseract-ocr-{missing[0].lower()})")


def ocr_page(image: Path, out_base: Path, *, languages: str, psm: int, timeout: float,
             text_pdf: bool) -> tuple[str, Path | None]:
    """OCR one image; return the TSV text and, if asked, the path of a text-only PDF layer.

    The page goes to this process's Tesseract worker (:mod:`sohoa.tools.ocr_worker`, started on
    first use and kept for the next pages). The PDF page has the image's size at the image's dpi
    and holds only invisible text (Tesseract's GlyphLessFont), ready to be laid over the
    archival image.

    Raises:
        ToolError: Tesseract failed on the page, crashed (``tool_crashed``) or took longer than
            ``timeout`` seconds (``tool_timeout``); the worker is restarted for the next page.
    """
    worker = _worker(languages, psm)
    worker.ocr(image, out_base, timeout=timeout, text_pdf=text_pdf)
    tsv = Path(f"{out_base}.tsv").read_text(encoding="utf-8")
    pdf = Path(f"{out_base}.pdf") if text_pdf else None
    return tsv, pdf


_STARTUP_TIMEOUT_S = 120.0
_WORKERS: dict[tuple[str, int], _Worker] = {}


def _worker(languages: str, psm: int) -> _Worker:
    """This process's worker for ``languages`` and ``psm`` (a forked child starts its own)."""
    key = (languages, psm)
    worker = _WORKERS.get(key)
    if worker is None or worker.owner != os.getpid():
        worker = _WORKERS[key] = _Worker(languages, psm)
    return worker


def close_workers() -> None:
    """Stop the workers this process started (also run at interpreter exit)."""
    for key, worker in list(_WORKERS.items()):
        if worker.owner == os.getpid():
            worker.stop()
        del _WORKERS[key]


atexit.register(close_workers)


def worker_command() -> list[str]:
    """How a worker is started: ``sohoa-ocr-worker`` when it is on PATH, else this Python's module."""
    installed = shutil.which("sohoa-ocr-worker")
    return [installed] if installed else [sys.executable, "-m", "sohoa.tools.ocr_worker"]


class _Worker:
    """One ``sohoa-ocr-worker`` process, started lazily and restarted after a crash or a timeout."""

    def __init__(self, languages: str, psm: int) -> None:
        self.languages, self.psm, self.owner = languages, psm, os.getpid()
        self._proc: subprocess.Popen[str] | None = None

    def ocr(self, image: Path, out_base: Path, *, timeout: float, text_pdf: bool) -> None:
        proc = self._started()
        request = {"image": str(image), "out_base": str(out_base), "text_pdf": text_pdf}
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except OSError:
            pass  # the worker died: its missing answer says so below
        answer = self._answer(timeout)
        if not answer.get("ok"):
            raise ToolError(f"tesseract failed on the page ({answer.get('error', 'unknown error')})",
                            tool="tesseract")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _started(self) -> subprocess.Popen[str]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._proc = None
        argv = [*worker_command(), tessdata_dir(), self.languages, str(self.psm)]
        log.debug("start %s", " ".join(argv))
        try:
            self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                          env=tool_env())
        except OSError as exc:
            raise ToolMissingError(f"the Tesseract worker cannot start ({exc.strerror})") from exc
        ready = self._answer(_STARTUP_TIMEOUT_S, starting=True)
        if not ready.get("ready"):
            raise ToolMissingError("the Tesseract worker did not start (is tesserocr installed?)")
        return self._proc

    def _answer(self, timeout: float, *, starting: bool = False) -> dict:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        readable, _, _ = select.select([proc.stdout], [], [], timeout)
        if not readable:
            self._kill()
            raise ToolError(f"tesseract timed out after {timeout:g} s", tool="tesseract", reason="tool_timeout")
        line = proc.stdout.readline()
        if not line:
            code = self._kill()
            if starting:
                raise ToolMissingError(f"the Tesseract worker exited at start (exit code {code}); "
                                       f"is tesserocr installed and {self.languages} data present?")
            raise ToolError(f"tesseract crashed (exit code {code})", tool="tesseract", returncode=code,
                            reason="tool_crashed")
        return json.loads(line)

    def _kill(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        proc.kill()
        return proc.wait()


_LANGS_DIR = re.compile(r'"([^"]+)"')


@functools.cache
def tessdata_dir() -> str:
    """The folder holding the Debian traineddata files (``tesseract --list-langs`` names it)."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    proc = run(["tesseract", "--list-langs"], timeout=30, apt_package=APT_PACKAGES)
    found = _LANGS_DIR.search((proc.stdout + proc.stderr).decode(errors="replace"))
    if not found:
        raise ToolMissingError("tesseract does not say where its language data is (set TESSDATA_PREFIX)")
    return found.group(1)


_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def osd(image: Path, *, timeout: float) -> tuple[int, float]:
    """Tesseract's orientation guess: (clockwise degrees to turn upright, confidence).

    Returns ``(0, 0.0)`` when Tesseract finds too little text to decide.
    """
    try:
        out = _call(pytesseract.image_to_osd, str(image), config="--psm 0 -c min_characters_to_try=10",
                    timeout=timeout)
    except ToolError as exc:
        if "Too few characters" in exc.stderr_tail or exc.returncode == 1:
            return 0, 0.0
        raise
    rotate, conf = _OSD_ROTATE.search(out), _OSD_CONF.search(out)
    if not rotate or not conf:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1))
