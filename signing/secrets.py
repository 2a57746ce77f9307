"""Signing secrets reach only the signing step: taken out of the environment before anything forks.

A PKCS#12 passphrase or a PKCS#11 PIN given in an environment variable would otherwise be inherited
by every child process — Luigi's task processes, the OCR worker, Tesseract, poppler — and be
readable in their ``/proc/<pid>/environ``. :func:`take_env_secrets`, called once in the run's main
process when the settings are loaded (before anything is started), moves each named variable out
of ``os.environ`` into this module's memory, where :func:`signing.keys.read_secret` finds it.

Removing a variable from ``os.environ`` is not enough on Linux: ``/proc/<pid>/environ`` shows the
process's *initial* environment block, which ``unsetenv`` leaves in place, and a forked child
inherits that memory. So the variable's bytes in that block are overwritten with zeros too.
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections.abc import Iterable

__all__ = ["take_env_secrets", "taken_secret"]

log = logging.getLogger("sohoa.signing")

_TAKEN: dict[str, bytes] = {}


def take_env_secrets(names: Iterable[str | None]) -> None:
    """Move the named environment variables (those that are set) out of the environment, into memory."""
    for name in names:
        if not name:
            continue
        value = os.environ.pop(name, None)
        if value is not None:
            _TAKEN[name] = value.encode("utf-8")
        _scrub_initial_environment(name)


def taken_secret(name: str) -> bytes | None:
    """A secret :func:`take_env_secrets` took from the variable ``name``, if any."""
    return _TAKEN.get(name)


def _scrub_initial_environment(name: str) -> None:
    """Zero ``name=…`` in this process's initial environment block (what ``/proc/self/environ`` shows).

    Linux only; elsewhere, or when ``/proc`` cannot be read, nothing is done (the variable is
    still out of ``os.environ``, so no program sohoa starts receives it).
    """
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        env_start, env_end = int(fields[47]), int(fields[48])  # proc(5): fields 50 and 51
        with open("/proc/self/environ", "rb") as fh:
            block = fh.read()
    except (OSError, IndexError, ValueError):
        return
    if not block or ctypes.string_at(env_start, len(block)) != block:
        return  # not the block /proc shows: leave memory alone
    key = name.encode("utf-8") + b"="
    offset = 0
    for entry in block.split(b"\0"):
        if entry.startswith(key) and offset + len(entry) <= env_end - env_start:
            ctypes.memset(env_start + offset, 0, len(entry))
            log.debug("removed a secret from the process's initial environment")
        offset += len(entry) + 1
