"""Poppler through pdf2image: render PDF pages the scanner did not store as one plain image."""

from __future__ import annotations

from pathlib import Path

import pdf2image
from pdf2image import exceptions as pdf2image_errors

from sohoa.errors import InputFileError, ToolError, ToolMissingError
from sohoa.tools._run import run

APT_PACKAGE = "poppler-utils"


def require() -> None:
    """Fail with :class:`ToolMissingError` unless poppler's ``pdftoppm`` is installed."""
    run(["pdftoppm", "-v"], timeout=30, apt_package=APT_PACKAGE)


def render_page(pdf: Path, page: int, dest_png: Path, *, dpi: int, timeout: float) -> Path:
    """Render one 1-based page of ``pdf`` to a PNG at ``dpi``."""
    try:
        images = pdf2image.convert_from_path(pdf, dpi=dpi, first_page=page, last_page=page,
                                             fmt="png", timeout=timeout)
    except pdf2image_errors.PDFInfoNotInstalledError as exc:
        raise ToolMissingError(f"pdftoppm is not installed (Debian package {APT_PACKAGE})") from exc
    except pdf2image_errors.PDFPopplerTimeoutError as exc:
        raise ToolError(f"pdftoppm timed out after {timeout:.0f} s", tool="pdftoppm",
                        reason="tool_timeout") from exc
    except (pdf2image_errors.PDFPageCountError, pdf2image_errors.PDFSyntaxError) as exc:
        raise InputFileError("the PDF cannot be rendered", reason="corrupt_pdf",
                             message_vi="Tệp PDF bị hỏng, không hiển thị được.") from exc
    if not images:
        raise InputFileError(f"page {page} of the PDF rendered to nothing", reason="corrupt_pdf",
                             message_vi="Tệp PDF bị hỏng, không hiển thị được.")
    images[0].save(dest_png, dpi=(dpi, dpi))
    return dest_png
