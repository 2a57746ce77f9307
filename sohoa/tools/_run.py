"""One chokepoint for running external programs: argv logged, timeout enforced, errors typed."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence

from sohoa.errors import ToolError, ToolMissingError

log = logging.getLogger("sohoa.tools")

# Tesseract's OpenMP threads fight each other when several pages run at once: ~3.5x slower on 2 cores.
SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}


PASSED_ENV = frozenset({"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TMP", "TEMP",
                        "TESSDATA_PREFIX", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "FONTCONFIG_FILE", "FONTCONFIG_PATH"})
PASSED_PREFIXES = ("LC_", "OMP_", "XDG_", "PYTHON", "MALLOC_")
"""What external programs get of sohoa's environment: what they need to run (paths, locale, temporary
folder, Tesseract's data, Python for the OCR worker), never a passphrase, PIN, password or token."""


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment external programs run in: only the variables they need (:data:`PASSED_ENV`)."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_ENV or k.startswith(PASSED_PREFIXES)}
    env.update(SINGLE_THREAD_ENV)
    if extra:
        env.update(extra)
    return env


def run(argv: Sequence[str], *, timeout: float, apt_package: str = "",
        input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv``; raise :class:`ToolError` on a non-zero exit or a timeout."""
    program = argv[0]
    log.debug("run %s", " ".join(argv))
    try:
        proc = subprocess.run(list(argv), capture_output=True, timeout=timeout, env=tool_env(),
                              input=input_bytes, check=False)
    except FileNotFoundError as exc:
        raise ToolMissingError(f"{program} is not installed" +
                               (f" (Debian package {apt_package})" if apt_package else "")) from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{program} timed out after {timeout:.0f} s", tool=program,
                        reason="tool_timeout") from exc
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise ToolError(f"{program} failed with exit code {proc.returncode}", tool=program,
                        returncode=proc.returncode, stderr=stderr)
    return proc
