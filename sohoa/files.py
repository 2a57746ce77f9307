"""Atomic writes, checksums and natural sorting: the file helpers every stage shares.

Every temporary file or folder sohoa makes is hidden and named by its owner (host and process id):
beside its destination for atomic writes (a rename never crosses filesystems), or in ``TMPDIR``
through :func:`private_tempdir`. A later run can then tell a dead process's leftovers from the
work in progress of a live one and sweep them (:func:`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_CHUNK = 1 << 20


HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
"""This machine's name as it appears in temporary names and run locks (letters, digits, hyphens)."""
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[^.]*\.(?:tmp|old)$")
TEMP_PREFIX = "sohoa-"
"""Names of sohoa's temporaries in ``TMPDIR`` start with ``.sohoa-`` (only those are swept there)."""


def temp_prefix(name: str) -> str:
    """Prefix for a temporary file or folder beside ``name``: hidden, and naming its owner.

    The owner (host and process id) lets a later run tell a leftover of a killed process from
    the work in progress of a live one, even when several machines share the archive.
    """
    return f".{name}.{HOST}.{os.getpid()}."


def temp_dir_beside(target: Path) -> Path:
    """A new empty temporary folder in ``target``'s folder (rename it onto ``target`` when done)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent))


def process_alive(pid: int) -> bool:
    """True when a process with this id runs on this machine (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True



@contextlib.contextmanager
def private_tempdir(label: str, *, base: Path | None = None) -> Iterator[Path]:
    """A new private (0700) temporary folder, removed on exit; named by its owner so that a run
    killed before the exit leaves nothing the next run's sweep does not find.

    Args:
        label: What it is for (``ocr``, ``orient`` …), part of the name.
        base: Where to make it; default ``TMPDIR``. Give the destination's folder when the result
            is to be renamed into place (a rename never crosses filesystems).
    """
    folder = Path(tempfile.mkdtemp(prefix=temp_prefix(f"{TEMP_PREFIX}{label}"), suffix=".tmp",
                                   dir=None if base is None else str(base)))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stale_temps(folder: Path, *, foreign_after: float = 24 * 3600, prefix: str = "") -> list[Path]:
    """Temporaries in ``folder`` left by dead processes of this host, or by other hosts long ago.

    Args:
        folder: The folder to look in (not recursively).
        foreign_after: Seconds after which another host's temporary counts as abandoned.
        prefix: Only names starting with ``.`` + this (``sohoa-`` in a shared ``TMPDIR``).
    """
    stale = []
    for entry in folder.iterdir() if folder.is_dir() else []:
        match = _TEMP.match(entry.name)
        if not match or not match["name"].startswith(prefix):
            continue
        if match["host"] == HOST:
            if not process_alive(int(match["pid"])):
                stale.append(entry)
        elif time.time() - entry.lstat().st_mtime > foreign_after:
            stale.append(entry)
    return stale


def remove_stale_temps(folder: Path, *, prefix: str = "") -> int:
    """Delete :func:`stale_temps` of ``folder``; return how many were removed."""
    stale = stale_temps(folder, prefix=prefix)
    for entry in stale:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return len(stale)


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def natural_sort_key(name: str) -> list[object]:
    """Sort key so that ``page2`` comes before ``page10``."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "wb", *, perms: int | None = None) -> Iterator[object]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    A crash leaves the old file (or none), never a half-written one.

    Args:
        path: The file to write.
        mode: ``wb`` or ``w`` (UTF-8).
        perms: The file's permission bits (e.g. ``0o640`` for what the archive's group reads);
            default ``0o600``, as ``mkstemp`` makes it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    if perms is not None:
        os.fchmod(fd, perms)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str, *, perms: int | None = None) -> None:
    """Write a UTF-8 text file atomically (``perms`` as in :func:`atomic_write`)."""
    with atomic_write(path, "w", perms=perms) as fh:
        fh.write(text)  # type: ignore[attr-defined]


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success rename it to ``path``.

    Luigi's directory targets are not atomic (luigi#1519): this is how a stage writes a folder.
    An existing ``path`` is replaced only after the new folder is complete.
    """
    tmp = temp_dir_beside(path)
    try:
        yield tmp
        if path.exists():
            old = path.with_name(f"{temp_prefix(path.name)}x.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
