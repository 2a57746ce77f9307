"""One dossier → its page images in the work folder, kept at full quality, each input read once.

Every input file is opened once, without following links, and read only through that
descriptor (:mod:`scanners.source`): its kind is told from its first bytes (never its name),
then its pages are taken — image files by :mod:`scanners.images`, PDFs by
:mod:`scanners.pdf_read` — within the file's budget (:mod:`scanners.budget`). Originals are only
read. The digest of exactly the bytes read is returned with the pages, for the archive's record.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from configs.scanner_schema import IntakeSettings
from scanners.budget import Budget
from scanners.images import image_pages
from scanners.model import Dossier, SourcePage, SourceRead
from scanners.pdf_read import pdf_pages
from scanners.source import OpenedFile, OpenedFolder
from sohoa.errors import InputFileError, UnsupportedInputError
from sohoa.files import natural_sort_key

IGNORED_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
"""Files Windows leaves in shared folders; not pages."""

_MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG": "png", b"II*\x00": "tiff", b"MM\x00*": "tiff",
          b"%PDF": "pdf"}
_EXPECTED = {"tiff": {"tiff"}, "pdf": {"pdf"}, "image": {"jpeg", "png", "tiff"}}


def kind_of(source: OpenedFile) -> str:
    """The real kind of an open file from its first bytes: ``jpeg``, ``png``, ``tiff`` or ``pdf``."""
    head = source.head()
    if not head:
        raise InputFileError("the file is empty (0 bytes)", reason="empty_file", message_vi="Tệp rỗng (0 byte).")
    for magic, kind in _MAGIC.items():
        if head.startswith(magic) or (kind == "pdf" and magic in head):
            return kind
    raise UnsupportedInputError("the file is neither an image nor a PDF",
                                message_vi="Tệp không phải ảnh quét hoặc PDF.")


def sniff(path: Path) -> str:
    """The real kind of the file at ``path`` (opened without following a link; never waited on)."""
    with OpenedFile.open(path) as source:
        return kind_of(source)


def _check_kind(source: OpenedFile, shape: str) -> str:
    kind = kind_of(source)
    if kind not in _EXPECTED.get(shape, {"jpeg", "png", "tiff"}):
        raise UnsupportedInputError(
            f"the file's content ({kind}) does not match its extension", reason="wrong_extension",
            message_vi="Phần mở rộng của tệp không khớp với nội dung.")
    return kind


def folder_digest(files: list[tuple[str, str]]) -> str:
    """A folder's digest from (name, SHA-256) of its files in order (:func:`scanners.codes.content_digest`'s form)."""
    digest = hashlib.sha256()
    for name, sha in files:
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()


def _page_names(folder: OpenedFolder) -> list[str]:
    """The page files of a folder dossier in natural order; sub-folders and links are refused."""
    names = []
    for entry in folder.entries():
        if entry.name.startswith(".") or entry.name.casefold() in IGNORED_NAMES:
            continue
        if entry.is_symlink():
            raise UnsupportedInputError("the folder holds a symbolic link", reason="link_in_folder",
                                        message_vi="Thư mục hồ sơ chứa liên kết (symlink), không phải ảnh trang.")
        if entry.is_dir(follow_symlinks=False):
            raise UnsupportedInputError("the folder holds sub-folders: their pages would be missed",
                                        reason="nested_folder",
                                        message_vi="Thư mục hồ sơ có thư mục con: cần sắp xếp lại trước khi số hóa.")
        if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
            names.append(entry.name)
    if not names:
        raise InputFileError("the folder holds no page images", reason="empty_folder",
                             message_vi="Thư mục không có ảnh trang nào.")
    return sorted(names, key=natural_sort_key)


def _folder(path: Path, dest: Path, budget: Budget) -> SourceRead:
    pages: list[SourcePage] = []
    digests = []
    with OpenedFolder.open(path) as folder:
        for name in _page_names(folder):
            with folder.open_file(name) as source:
                kind = _check_kind(source, "image")
                digests.append((name, source.sha256()))
                pages.extend(image_pages(source, kind, dest, len(pages) + 1, budget))
    return SourceRead(pages, folder_digest(digests))


def read_source(dossier: Dossier, dest: Path, *, limits: IntakeSettings | None = None) -> SourceRead:
    """Write the dossier's pages into ``dest`` (which must exist); describe them and the source.

    Args:
        dossier: what to read (``source`` and ``shape``).
        dest: the folder for the page images.
        limits: the file's budget (``configs`` section ``intake``); the defaults when None.

    Raises:
        InputFileError: the input cannot be used as it is (its ``reason`` says why); quarantine it.
    """
    budget = Budget(limits)
    if dossier.shape == "folder":
        return _folder(dossier.source, dest, budget)
    with OpenedFile.open(dossier.source) as source:
        kind = _check_kind(source, dossier.shape)
        digest = source.sha256()
        if kind == "pdf":
            pages, facts = pdf_pages(source, dest, budget)
            return SourceRead(pages, digest, facts)
        return SourceRead(image_pages(source, kind, dest, 1, budget), digest)


def read_pages(dossier: Dossier, dest: Path, *, limits: IntakeSettings | None = None) -> list[SourcePage]:
    """Write the dossier's pages into ``dest`` (which must exist) and describe them, in order."""
    return read_source(dossier, dest, limits=limits).pages
