"""Tesseract: page OCR to TSV (+ a text-only PDF layer) in a kept-loaded worker.

Pages go to a worker process holding libtesseract (``tesserocr``) with the model loaded once:
Tesseract 5.5 in-process used about a third less CPU per page than starting Debian's
``tesseract`` 5.3 for every page (``bench/throughput.py``). The worker is a process of its own so
that a crash or a hang costs one page. Each request names its page segmentation mode, so one
worker serves the first reading of a page and its re-readings (:mod:`ocr.reread`).
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

from sohoa.errors import ToolError, ToolMissingError
from sohoa.tools._run import run, tool_env

log = logging.getLogger("sohoa.tools.tesseract")

APT_PACKAGES = "tesseract-ocr tesseract-ocr-vie"


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
    worker = _worker(languages)
    worker.ocr(image, out_base, timeout=timeout, text_pdf=text_pdf, psm=psm)
    tsv = Path(f"{out_base}.tsv").read_text(encoding="utf-8")
    pdf = Path(f"{out_base}.pdf") if text_pdf else None
    return tsv, pdf


_STARTUP_TIMEOUT_S = 120.0
_WORKERS: dict[str, _Worker] = {}


def _worker(languages: str) -> _Worker:
    """This process's worker for ``languages`` (a forked child starts its own); any page segmentation mode."""
    worker = _WORKERS.get(languages)
    if worker is None or worker.owner != os.getpid():
        worker = _WORKERS[languages] = _Worker(languages)
    return worker


def worker_cpu_seconds() -> float:
    """CPU seconds used so far by this process's live Tesseract workers (for benchmarks: a live
    child's time is not in ``os.times()`` until it is waited for)."""
    total = 0.0
    for worker in _WORKERS.values():
        proc = worker._proc  # noqa: SLF001 - the worker's own process
        if worker.owner != os.getpid() or proc is None:
            continue
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


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

    def __init__(self, languages: str) -> None:
        self.languages, self.owner = languages, os.getpid()
        self._proc: subprocess.Popen[str] | None = None

    def ocr(self, image: Path, out_base: Path, *, timeout: float, text_pdf: bool, psm: int) -> None:
        proc = self._started()
        request = {"image": str(image), "out_base": str(out_base), "text_pdf": text_pdf, "psm": psm}
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
        argv = [*worker_command(), tessdata_dir(), self.languages, "3"]
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
