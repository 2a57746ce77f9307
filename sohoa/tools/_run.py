"""One chokepoint for running external programs: argv logged, timeout enforced, errors typed."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Mapping, Sequence

from sohoa.errors import ToolError, ToolMissingError

log = logging.getLogger("sohoa.tools")

# Tesseract's OpenMP threads fight each other when several pages run at once: ~3.5x slower on 2 cores.
SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}


# Signing secrets (SOHOA_P12_PASSPHRASE, SOHOA_PKCS11_PIN or the names a site configures) and
# database passwords never reach another program: Tesseract and poppler have no use for them.
_SECRET = re.compile(r"PASS|PIN|SECRET|TOKEN|PASSWORD|KEY", re.IGNORECASE)


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment external programs run in: this process's, without anything that looks like a secret."""
    env = {k: v for k, v in os.environ.items() if not _SECRET.search(k)}
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
