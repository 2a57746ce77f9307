"""``jbig2dec``: decode a JBIG2 page image embedded in a PDF (Debian package ``jbig2dec``).

Bilevel scans are often stored in PDFs as JBIG2 (OCRmyPDF, office MFPs). The page's stream and
the shared symbol dictionary (``/JBIG2Globals``) are written to files and decoded into a PBM,
with a time limit and a memory limit. Any failure is a :class:`ToolError`: the caller then lets
poppler render the page instead.
"""

from __future__ import annotations

from pathlib import Path

from sohoa.tools._run import run

APT_PACKAGE = "jbig2dec"


def decode(page_stream: bytes, globals_stream: bytes | None, folder: Path, *, timeout: float,
           memory_limit: int) -> Path:
    """Decode an embedded JBIG2 page (and its globals) into ``folder``/page.pbm; return that file.

    Raises:
        ToolError: jbig2dec failed, timed out (reason ``tool_timeout``) or went over ``memory_limit`` bytes.
        ToolMissingError: jbig2dec is not installed.
    """
    page_file, out = folder / "page.jb2", folder / "page.pbm"
    page_file.write_bytes(page_stream)
    inputs = [str(page_file)]
    if globals_stream:
        globals_file = folder / "globals.jb2"
        globals_file.write_bytes(globals_stream)
        inputs.insert(0, str(globals_file))
    run(["jbig2dec", "-e", "-q", "-M", str(memory_limit), "-t", "pbm", "-o", str(out), *inputs],
        timeout=timeout, apt_package=APT_PACKAGE)
    return out
