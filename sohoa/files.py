"""Atomic writes, checksums and natural sorting: the file helpers every stage shares."""

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


_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[^.]*\.(?:tmp|old)$")


def temp_prefix(name: str) -> str:
    """Prefix for a temporary file or folder beside ``name``: hidden, and naming its owner.

    The owner (host and process id) lets a later run tell a leftover of a killed process from
    the work in progress of a live one, even when several machines share the archive.
    """
    return f".{name}.{_HOST}.{os.getpid()}."


def temp_dir_beside(target: Path) -> Path:
    """A new empty temporary folder in ``target``'s folder (rename it onto ``target`` when done)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temps(folder: Path, *, foreign_after: float = 24 * 3600) -> list[Path]:
    """Temporaries in ``folder`` left by dead processes of this host, or by other hosts long ago."""
    stale = []
    for entry in folder.iterdir() if folder.is_dir() else []:
        match = _TEMP.match(entry.name)
        if not match:
            continue
        if match["host"] == _HOST:
            if not _alive(int(match["pid"])):
                stale.append(entry)
        elif time.time() - entry.lstat().st_mtime > foreign_after:
            stale.append(entry)
    return stale


def remove_stale_temps(folder: Path) -> int:
    """Delete :func:`stale_temps` of ``folder``; return how many were removed."""
    stale = stale_temps(folder)
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
def atomic_write(path: Path, mode: str = "wb") -> Iterator[object]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    A crash leaves the old file (or none), never a half-written one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
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


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_write(path, "w") as fh:
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
