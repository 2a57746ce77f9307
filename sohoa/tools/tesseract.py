"""Tesseract, through pytesseract: OCR to TSV (+ a text-only PDF layer) and orientation detection.

pytesseract reports a timeout as a plain ``RuntimeError`` and an unreadable version as
``SystemExit``; both are turned into our own errors here and nowhere else.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from pathlib import Path

import pytesseract

from sohoa.errors import ToolError, ToolMissingError
from sohoa.tools._run import SINGLE_THREAD_ENV, run

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

    The PDF page has the image's size at the image's dpi and holds only invisible text
    (Tesseract's GlyphLessFont), ready to be laid over the archival image.
    """
    config = f"--oem 1 --psm {psm} -c tessedit_create_tsv=1"
    if text_pdf:
        config += " -c tessedit_create_pdf=1 -c textonly_pdf=1"
    _call(pytesseract.pytesseract.run_tesseract, str(image), str(out_base), extension="",
          lang=languages, config=config, timeout=timeout)
    tsv = Path(f"{out_base}.tsv").read_text(encoding="utf-8")
    pdf = Path(f"{out_base}.pdf") if text_pdf else None
    return tsv, pdf


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
