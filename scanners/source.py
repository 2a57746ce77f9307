"""An inbox input opened once, without following links, and read only through that descriptor.

Whoever can write to the inbox can swap a file for a symbolic link while it is being read. A
check by path followed by a reopen by path would then read the link's target, a file that user
may not be allowed to read, and sign it into the archive. So each file is opened once here with
``O_NOFOLLOW`` (a folder dossier with ``O_DIRECTORY | O_NOFOLLOW``, its page files relative to
that folder's descriptor), checked to be a regular file, and every later read — the content
sniff, Pillow, pikepdf, the digest — goes through that descriptor. A program that needs a path
(poppler) gets a private copy made from the descriptor, in a folder only this user can open.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Self

from sohoa.errors import InputFileError, UnsupportedInputError
from sohoa.files import temp_dir_beside

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY
_CHUNK = 1 << 20


def _unreadable(exc: OSError, what: str = "opened") -> InputFileError:
    return InputFileError(f"the file cannot be {what} ({exc.strerror})", reason="unreadable_file",
                          message_vi="Không mở được tệp (không có quyền đọc hoặc lỗi ổ đĩa).")


class _Descriptor:
    """An open descriptor, closed once (``with`` closes it)."""

    fd: int

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OpenedFile(_Descriptor):
    """One regular file, open for reading; use :meth:`open` and close it (or use ``with``)."""

    def __init__(self, fd: int, name: str, size: int) -> None:
        self.fd, self.name, self.size = fd, name, size

    @classmethod
    def open(cls, path: Path | str, *, dir_fd: int | None = None) -> OpenedFile:
        """Open ``path`` (relative to ``dir_fd`` when given) without following a final link.

        Raises:
            InputFileError: ``unreadable_file`` (permissions, I/O, a link in its place).
            UnsupportedInputError: ``not_a_file`` (a FIFO, device, socket or folder).
        """
        try:
            fd = os.open(path, _FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            raise _unreadable(exc) from exc
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnsupportedInputError("not a regular file", reason="not_a_file",
                                            message_vi="Không phải tệp thông thường.")
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, Path(path).name, info.st_size)

    def head(self, size: int = 1024) -> bytes:
        """The first ``size`` bytes."""
        try:
            return os.pread(self.fd, size, 0)
        except OSError as exc:
            raise _unreadable(exc, "read") from exc

    def read_at(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (fewer at the end of the file)."""
        return os.pread(self.fd, size, offset)

    def stream(self) -> BinaryIO:
        """A new file object on this same file, at its start, with its own position (close it when done).

        It is opened through ``/proc/self/fd``, which names the file this descriptor holds — never
        the inbox path, so a link put in its place is not followed. (A ``dup`` would share one file
        position: pikepdf reading the PDF while the copy for poppler is written would read
        from the wrong place.)
        """
        fd = os.open(f"/proc/self/fd/{self.fd}", os.O_RDONLY | os.O_CLOEXEC)
        same, opened = os.fstat(self.fd), os.fstat(fd)
        if (same.st_dev, same.st_ino) != (opened.st_dev, opened.st_ino):  # cannot happen; never read another file
            os.close(fd)
            raise InputFileError("the file changed while it was read", reason="unreadable_file",
                                 message_vi="Tệp bị thay đổi trong lúc đọc.")
        return os.fdopen(fd, "rb")

    def sha256(self) -> str:
        """The SHA-256 of the content read through the descriptor."""
        digest, offset = hashlib.sha256(), 0
        while chunk := os.pread(self.fd, _CHUNK, offset):
            digest.update(chunk)
            offset += len(chunk)
        return digest.hexdigest()

    def copy_to(self, target: Path) -> Path:
        """Write the whole content to ``target`` (created new, owner-only)."""
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(out, "wb") as dst:
                offset = 0
                while chunk := os.pread(self.fd, _CHUNK, offset):
                    dst.write(chunk)
                    offset += len(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target


@contextmanager
def private_folder(near: Path) -> Iterator[Path]:
    """A temporary folder only this user can open (mode 0700) in folder ``near``; removed afterwards.

    Its name marks it as a temporary of this process, so what a killed run leaves is swept later
    (:func:`sohoa.files.remove_stale_temps`).
    """
    folder = temp_dir_beside(near / "private")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class OpenedFolder(_Descriptor):
    """A folder dossier opened once without following a link; its files are opened relative to it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def open(cls, path: Path) -> OpenedFolder:
        try:
            return cls(os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC))
        except OSError as exc:
            raise _unreadable(exc) from exc

    def entries(self) -> list[os.DirEntry]:
        """The folder's entries (names only; nothing followed)."""
        try:
            with os.scandir(self.fd) as it:
                return list(it)
        except OSError as exc:
            raise _unreadable(exc, "listed") from exc

    def open_file(self, name: str) -> OpenedFile:
        """One of the folder's files, opened relative to the folder's descriptor."""
        return OpenedFile.open(name, dir_fd=self.fd)
