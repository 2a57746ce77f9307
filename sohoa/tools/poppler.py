"""Poppler's ``pdftoppm``: render a PDF page that is more than one plain image, as the source shows it.

The page is drawn within its crop box (what a viewer shows), annotations included, into a
PPM/PGM file: poppler's own PNG writer takes 3-5 times longer than rendering the page, so the
caller writes the PNG. Failures are typed: a file poppler cannot open or draw is an
:class:`InputFileError` (``corrupt_pdf``), a time-out a :class:`ToolError` (``tool_timeout``) the
caller turns into a quarantine of that file.
"""

from __future__ import annotations

from pathlib import Path

from sohoa.errors import InputFileError, ToolError
from sohoa.tools._run import run

APT_PACKAGE = "poppler-utils"


def require() -> None:
    """Fail with :class:`ToolMissingError` unless poppler's ``pdftoppm`` is installed."""
    run(["pdftoppm", "-v"], timeout=30, apt_package=APT_PACKAGE)


def render_page(pdf: Path, page: int, dest_prefix: Path, *, dpi: float, timeout: float) -> Path:
    """Render 1-based ``page`` of ``pdf`` at ``dpi``; return the image file (``dest_prefix`` + .ppm).

    Raises:
        InputFileError: ``corrupt_pdf``, poppler could not open or draw the page.
        ToolError: ``tool_timeout`` after ``timeout`` seconds (the process is killed).
    """
    argv = ["pdftoppm", "-r", f"{dpi:.2f}", "-f", str(page), "-l", str(page), "-singlefile", "-cropbox",
            str(pdf), str(dest_prefix)]
    try:
        run(argv, timeout=timeout, apt_package=APT_PACKAGE)
    except ToolError as exc:
        if exc.reason == "tool_timeout":
            raise
        raise InputFileError(f"poppler cannot render page {page} of the PDF (exit code {exc.returncode})",
                             reason="corrupt_pdf",
                             message_vi="Tệp PDF bị hỏng, không hiển thị được.") from exc
    out = dest_prefix.with_name(dest_prefix.name + ".ppm")
    if not out.is_file() or out.stat().st_size == 0:
        raise InputFileError(f"page {page} of the PDF rendered to nothing", reason="corrupt_pdf",
                             message_vi="Tệp PDF bị hỏng, không hiển thị được.")
    return out
