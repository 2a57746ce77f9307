"""Shared lxml helpers and the private file writer of the archive package.

Every file of a package is written through :func:`write_bytes` (owner rw, group r, fsync), so the
permission and durability rules live in one place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

METS_NS = "http://www.loc.gov/METS/"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS_NS = "http://www.loc.gov/premis/v3"

FILE_MODE = 0o640
"""Archive files: not world-readable (dossiers hold personal data)."""
DIR_MODE = 0o750
SEALED_FILE_MODE = 0o440
"""A published package's files: read-only, written once."""
SEALED_DIR_MODE = 0o550
"""A published package's folders: no file can be added, renamed or removed without unsealing."""


def qname(ns: str, tag: str) -> str:
    """Clark notation ``{ns}tag`` for lxml."""
    return f"{{{ns}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None,
        attrib: dict[str, str] | None = None) -> etree._Element:
    """Append a child element with optional text and attributes, and return it."""
    child = etree.SubElement(parent, tag, attrib or {})
    if text is not None:
        child.text = text
    return child


def to_bytes(root: etree._Element) -> bytes:
    """Serialize a tree as pretty UTF-8 XML with a declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_bytes(path: Path, data: bytes) -> None:
    """Create ``path`` (and its folders) with mode 0640, write ``data`` and fsync it."""
    with _private_file(path) as fd:
        _write_all(fd, data)


def copy_file(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` (mode 0640, fsynced), streaming in 1 MiB chunks."""
    with _private_file(dst) as fd, src.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            _write_all(fd, chunk)


@contextmanager
def _private_file(path: Path) -> Iterator[int]:
    """A new file at ``path``, mode 0640, as a descriptor; fsynced and closed after.

    A file already there is unlinked first, never truncated: it may be a hard link to a sealed
    file of a published package version (:meth:`archive._assemble.Tree.carry`), which writing
    through it would change.
    """
    make_dirs(path.parent)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        yield fd
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` (``os.write`` may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def make_dirs(path: Path) -> None:
    """Create ``path`` and missing parents with mode 0750."""
    if path.is_dir():
        return
    make_dirs(path.parent)
    path.mkdir(mode=DIR_MODE, exist_ok=True)
    path.chmod(DIR_MODE)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal_tree(root: Path) -> None:
    """Make a package read-only: files 0440, folders 0550 (deepest first)."""
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            os.chmod(os.path.join(folder, name), SEALED_FILE_MODE)
        for name in dirs:
            os.chmod(os.path.join(folder, name), SEALED_DIR_MODE)
    root.chmod(SEALED_DIR_MODE)


def unseal_dirs(root: Path) -> None:
    """Let the owner change a package's folders again (disposal, restore, clean-up); files stay read-only."""
    if not root.is_dir():
        return
    root.chmod(DIR_MODE)
    for folder, dirs, _files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), DIR_MODE)


def remove_tree(root: Path) -> None:
    """Delete a (possibly sealed) folder; missing is fine."""
    import shutil

    if root.is_dir() and not root.is_symlink():
        unseal_dirs(root)
        shutil.rmtree(root, ignore_errors=True)


def parse(path: Path) -> etree._ElementTree:
    """Parse an XML file with a parser that resolves no entities and loads no network DTDs."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.parse(str(path), parser)
