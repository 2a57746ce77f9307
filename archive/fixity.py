"""Fixity: does every file a package's METS lists exist with the recorded size and SHA-256?

The root ``METS.xml`` lists the metadata, documentation, schemas and each representation's
``METS.xml``; those list the representation's files. Problems are reported with package-relative
paths only, so the report can go into logs (file names are built from the dossier code).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from archive._xml import METS_NS, XLINK_NS, parse, qname
from sohoa.files import sha256_file

ROOT_METS = "METS.xml"


@dataclass(frozen=True)
class ListedFile:
    """One file reference found in a METS document.

    Attributes:
        path: Path relative to the package root (POSIX).
        size: Recorded size in bytes, or None when missing.
        sha256: Recorded SHA-256 (lower case), or None when missing or another algorithm.
        listed_in: The METS file (package-relative) that lists it.
    """

    path: str
    size: int | None
    sha256: str | None
    listed_in: str


def listed_files(package_dir: Path) -> tuple[list[ListedFile], list[str]]:
    """Collect the file references of the root METS and of every representation METS.

    Args:
        package_dir: The package folder (the one that holds ``METS.xml``).

    Returns:
        The references, and the problems met while reading the METS files.
    """
    found: list[ListedFile] = []
    problems: list[str] = []
    _walk(package_dir, ROOT_METS, found, problems)
    return found, problems


def _walk(package_dir: Path, mets_path: str, found: list[ListedFile], problems: list[str]) -> None:
    """Read one METS file and recurse into the representation METS files it lists."""
    try:
        tree = parse(package_dir / mets_path)
    except OSError:
        problems.append(f"{mets_path}: missing or unreadable")
        return
    except etree.XMLSyntaxError:
        problems.append(f"{mets_path}: not well-formed XML")
        return
    base = posixpath.dirname(mets_path)
    for node, holder in _references(tree):
        entry = _entry(node, holder, base, mets_path, problems)
        if entry is None:
            continue
        found.append(entry)
        if posixpath.basename(entry.path) == ROOT_METS:
            _walk(package_dir, entry.path, found, problems)


def _references(tree: etree._ElementTree) -> list[tuple[etree._Element, etree._Element]]:
    """Pairs (element with the href, element with SIZE/CHECKSUM) for mdRef and file/FLocat."""
    pairs = [(ref, ref) for ref in tree.iter(qname(METS_NS, "mdRef"))]
    pairs += [(loc, loc.getparent()) for loc in tree.iter(qname(METS_NS, "FLocat"))]
    return pairs


def _entry(node: etree._Element, holder: etree._Element, base: str, mets_path: str,
           problems: list[str]) -> ListedFile | None:
    """Turn one reference into a :class:`ListedFile`; None (and a problem) if it is unusable."""
    raw = node.get(qname(XLINK_NS, "href"))
    path = posixpath.normpath(posixpath.join(base, unquote(raw))) if raw else ""
    if not raw or path.startswith("../") or path == ".." or posixpath.isabs(path):
        problems.append(f"{mets_path}: a reference has no usable path inside the package")
        return None
    size = holder.get("SIZE")
    kind = (holder.get("CHECKSUMTYPE") or "").upper()
    checksum = holder.get("CHECKSUM")
    if kind != "SHA-256" or not checksum:
        problems.append(f"{path}: no SHA-256 checksum recorded in {mets_path}")
    return ListedFile(path, int(size) if size and size.isdigit() else None,
                      checksum.lower() if kind == "SHA-256" and checksum else None, mets_path)


def check_fixity(package_dir: Path) -> list[str]:
    """Check every file listed in the root METS and the representation METS files.

    Each listed file must exist, have the recorded size and the recorded SHA-256. Files in the
    package that no METS lists are reported too.

    Args:
        package_dir: The package folder.

    Returns:
        Human-readable problems with package-relative paths; empty when the package is intact.
    """
    entries, problems = listed_files(package_dir)
    for entry in entries:
        problem = _check_one(package_dir, entry)
        if problem:
            problems.append(problem)
    problems += _unlisted(package_dir, {entry.path for entry in entries})
    return problems


def _check_one(package_dir: Path, entry: ListedFile) -> str | None:
    """Check one listed file; return the problem or None."""
    target = package_dir / entry.path
    if not target.is_file():
        return f"{entry.path}: listed in {entry.listed_in} but missing"
    size = target.stat().st_size
    if entry.size is not None and size != entry.size:
        return f"{entry.path}: size {size} bytes, {entry.size} recorded in {entry.listed_in}"
    if entry.sha256 is not None and sha256_file(target) != entry.sha256:
        return f"{entry.path}: SHA-256 differs from the one recorded in {entry.listed_in}"
    return None


def _unlisted(package_dir: Path, listed: set[str]) -> list[str]:
    """Files present in the package that no METS lists (the root METS excepted)."""
    if not package_dir.is_dir():
        return []
    present = (p.relative_to(package_dir).as_posix() for p in package_dir.rglob("*") if p.is_file())
    return [f"{rel}: present but not listed in any METS"
            for rel in sorted(present) if rel != ROOT_METS and rel not in listed]
