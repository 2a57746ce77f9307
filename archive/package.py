"""Build one AIP_hoso (TT 05/2025 Phụ lục I, on E-ARK CSIP V2.0.4) per dossier, atomically.

Layout under ``<archive_root>/packages/<OBJID with ':' → '_'>/``::

    METS.xml                                    package METS (CSIP)
    metadata/descriptive/EAD.xml                dossier metadata (simpledc, TT 05/2025)
    metadata/preservation/PREMIS.xml            objects (SHA-256, size, PRONOM), events, agents
    documentation/README.txt                    what the package is (CSIP requires a Documentation group)
    schemas/*.xsd                               METS, xlink and CSIP-extension schemas
    representations/rep1/METS.xml               representation METS
    representations/rep1/data/<mã hồ sơ>.<n>.pdf            the documents, n from 1
    representations/rep1/metadata/descriptive/EAD_doc_<n>.xml
    representations/rep1/metadata/preservation/PREMIS_rep1.xml
    representations/rep1/metadata/other/<key>   extra files (OCR text, fields JSON) under their key

The package is written into a hidden temporary folder beside its final place, every file and
folder is fsynced and made read-only, then the folder is renamed into place: a crash leaves no
half-written package. A package is never overwritten: a re-ingest with other content becomes a
new version, ``packages/<OBJID of version n>/``, whose METS names the version it replaces; the
catalog points at the current one.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path

import sohoa
from archive._xml import DIR_MODE, copy_file, fsync_dir, make_dirs, remove_tree, seal_tree, write_bytes
from archive.ead import document_ead, dossier_ead
from archive.fixity import check_fixity, listed_files
from archive.formats import format_of
from archive.mets import MetsHeader, RepContent, RootContent, rep_mets, root_mets
from archive.model import DossierMetadata, PremisEvent, iso_vn, now_vn
from archive.premis import PackagedFile, premis_document
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file, temp_dir_beside

NAMESPACE = uuid.UUID("6b1f3c1e-0b7a-5d2e-9c58-5f0d2a4b7e91")
"""uuid5 namespace of sohoa package identifiers; never change it (re-runs must find their folder)."""
REP = "rep1"
REP_BASE = f"representations/{REP}/"
SOFTWARE = "sohoa"
PACKAGING_EVENT = "information package creation"
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


def package_id(meta: DossierMetadata, version: int = 1) -> str:
    """The OBJID of one version of a dossier's package (stable across runs).

    ``urn:uuid:`` + uuid5 of agency and dossier code; version 2 and later add ``/v<n>`` to the name,
    so every version is a package of its own (TT 05/2025: folder = OBJID) and none is overwritten.
    """
    name = f"{meta.agency_code}/{meta.dossier_code}" + (f"/v{version}" if version > 1 else "")
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def package_versions(archive_root: Path, meta: DossierMetadata) -> list[Path]:
    """The published versions of a dossier's package, oldest first (empty when none)."""
    found = []
    for version in range(1, 10_000):
        folder = _version_dir(archive_root, meta, version)
        if not folder.is_dir():
            break
        found.append(folder)
    return found


def package_dir(archive_root: Path, meta: DossierMetadata) -> Path:
    """The current package of ``meta`` (its latest version), or where version 1 will go."""
    versions = package_versions(archive_root, meta)
    return versions[-1] if versions else _version_dir(archive_root, meta, 1)


def _version_dir(archive_root: Path, meta: DossierMetadata, version: int) -> Path:
    """``<archive_root>/packages/<OBJID of the version, ':' → '_'>``."""
    return archive_root / "packages" / package_id(meta, version).replace(":", "_")


def build_package(*, archive_root: Path, meta: DossierMetadata, documents: Sequence[Path],
                  extra_files: Mapping[str, Path], events: Sequence[PremisEvent],
                  new_version: bool = False, replace: bool | None = None) -> Path:
    """Build the AIP_hoso of one dossier and return its folder.

    Packages are written once and sealed read-only. Re-running with the same documents, extra
    files and metadata returns the current package untouched (events and timestamps do not count
    as content). When the content differs (a re-ingest), or the current package fails its fixity
    check, a new version is written beside it — with its own OBJID, ``RECORDSTATUS="REPLACEMENT"``
    and an ``altRecordID`` naming the version it replaces — only if ``new_version`` is set.

    Args:
        archive_root: The archive folder; packages go under ``packages/``.
        meta: Dossier metadata (TT 05/2025).
        documents: The dossier's PDF/A files, in order; stored as ``<mã hồ sơ>.<n>.pdf``.
        extra_files: Package-relative key (``ocr/text.txt``) → file, stored under
            ``representations/rep1/metadata/other/<key>``.
        events: PREMIS events; an ``information package creation`` event is added if missing.
        new_version: Write a new version when the content differs from the current package.
        replace: Old name of ``new_version`` (nothing is ever overwritten any more).

    Returns:
        The folder of the current package.

    Raises:
        ArchiveError: An input is missing or invalid, the package exists with different content
            and ``new_version`` is not set, or the archive cannot be written.
    """
    _check_inputs(documents, extra_files)
    allow_new = bool(new_version or replace)
    for _attempt in range(3):  # another worker may publish the same version meanwhile
        versions = package_versions(archive_root, meta)
        current = versions[-1] if versions else None
        number = len(versions) + 1
        previous = package_id(meta, len(versions)) if current else None
        job = _Job(meta, package_id(meta, number), documents, extra_files, events, previous)
        published = _stage_and_publish(archive_root, job, _version_dir(archive_root, meta, number),
                                       current, allow_new)
        if published is not None:
            return published
    raise ArchiveError("could not publish a new package version (concurrent writers)",
                       reason="package_conflict", message_vi="Không ghi được phiên bản gói mới.")


def _stage_and_publish(archive_root: Path, job: _Job, target: Path, current: Path | None,
                       allow_new: bool) -> Path | None:
    """Stage the package; return the published (or identical current) folder, None on a lost race."""
    try:
        make_dirs(target.parent)
        staging = temp_dir_beside(target)
    except OSError as exc:
        raise _write_error(exc) from exc
    try:
        staging.chmod(DIR_MODE)
        _write_package(staging, job)
        if current is not None and _same_content(current, staging):
            return current
        if current is not None and not allow_new:
            raise ArchiveError("package exists with different content", reason="package_conflict",
                               message_vi="Gói lưu trữ đã có với nội dung khác.")
        _sync_tree(staging)
        seal_tree(staging)
        return _publish(staging, target)
    except OSError as exc:
        raise _write_error(exc) from exc
    finally:
        remove_tree(staging)


@dataclass(frozen=True)
class _Job:
    """Everything one package build needs."""

    meta: DossierMetadata
    objid: str
    documents: Sequence[Path]
    extra_files: Mapping[str, Path]
    events: Sequence[PremisEvent]
    previous: str | None = None


def _write_error(exc: OSError) -> ArchiveError:
    """An ArchiveError for a failed write, naming the OS error but no path."""
    return ArchiveError(f"cannot write the archive package ({exc.strerror or type(exc).__name__})",
                        reason="archive_write_failed")


def _check_inputs(documents: Sequence[Path], extra_files: Mapping[str, Path]) -> None:
    """Fail early on an empty dossier or an unusable extra-file key."""
    if not documents:
        raise ArchiveError("a package needs at least one document", reason="no_documents")
    for key in extra_files:
        if not _KEY_RE.fullmatch(key) or ".." in key.split("/"):
            raise ArchiveError("extra file key must be a relative path of letters, digits, '.', '_', "
                               "'-' and '/'", reason="invalid_extra_key")


def _write_package(root: Path, job: _Job) -> None:
    """Write every file of the package into ``root``."""
    created = iso_vn(now_vn())
    head = MetsHeader(job.objid, job.meta.title, created, SOFTWARE, sohoa.__version__,
                      job.meta.agency_code, job.previous)
    data = [_copy_in(root, f"{REP_BASE}data/{job.meta.dossier_code}.{n}.pdf", src, f"document {n}")
            for n, src in enumerate(job.documents, start=1)]
    other = [_copy_in(root, f"{REP_BASE}metadata/other/{key}", src, "an extra file")
             for key, src in sorted(job.extra_files.items())]
    events = _with_packaging_event(job.events)
    rep = _write_representation(root, job, head, data, other, events)
    content = RootContent(
        ead=_put(root, "metadata/descriptive/EAD.xml", dossier_ead(job.meta, total_docs=len(data))),
        premis=_put(root, "metadata/preservation/PREMIS.xml",
                    premis_document(data + other, events, originator=_agent())),
        documentation=[_put(root, "documentation/README.txt", _readme(job.objid).encode())],
        schemas=[_copy_in(root, f"schemas/{xsd.name}", xsd, "a schema")
                 for xsd in sorted(_SCHEMA_DIR.glob("*.xsd"))],
        representations=[(REP, rep)],
    )
    _put(root, "METS.xml", root_mets(head, content))


def _write_representation(root: Path, job: _Job, head: MetsHeader, data: list[PackagedFile],
                          other: list[PackagedFile], events: Sequence[PremisEvent]) -> PackagedFile:
    """Write the representation's metadata and METS; return the METS file."""
    eads = [_put(root, f"{REP_BASE}metadata/descriptive/EAD_doc_{n}.xml", document_ead(job.meta, n))
            for n in range(1, len(data) + 1)]
    premis = _put(root, f"{REP_BASE}metadata/preservation/PREMIS_{REP}.xml",
                  premis_document(data + other, events, originator=_agent()))
    content = RepContent(data=data, descriptive=eads, preservation=[premis], other=other)
    return _put(root, f"{REP_BASE}METS.xml", rep_mets(dc_replace(head, objid=REP, previous=None), content, base=REP_BASE))


def _agent() -> str:
    """This software as a PREMIS agent name."""
    return f"{SOFTWARE} {sohoa.__version__}"


def _with_packaging_event(events: Sequence[PremisEvent]) -> list[PremisEvent]:
    """The given events, plus an ``information package creation`` event unless one is there."""
    if any(event.event_type == PACKAGING_EVENT for event in events):
        return list(events)
    return [*events, PremisEvent(PACKAGING_EVENT, now_vn(), "success",
                                 "AIP_hoso built (TT 05/2025, E-ARK CSIP 2.0.4)", _agent())]


def _put(root: Path, rel: str, data: bytes) -> PackagedFile:
    """Write generated bytes at ``rel`` and describe the file."""
    write_bytes(root / rel, data)
    return PackagedFile(rel, len(data), hashlib.sha256(data).hexdigest(), format_of(Path(rel)))


def _copy_in(root: Path, rel: str, src: Path, what: str) -> PackagedFile:
    """Copy an input file to ``rel``, checking the copy's SHA-256 against the source."""
    try:
        expected = sha256_file(src)
    except OSError as exc:
        raise ArchiveError(f"{what} cannot be read ({exc.strerror or type(exc).__name__})",
                           reason="input_missing") from exc
    dst = root / rel
    copy_file(src, dst)
    if sha256_file(dst) != expected:
        raise ArchiveError(f"{what} changed while it was copied into the package", reason="copy_mismatch")
    return PackagedFile(rel, dst.stat().st_size, expected, format_of(dst))


def _readme(objid: str) -> str:
    """The documentation file: what this package is and how it is laid out (no personal data)."""
    return (
        f"Gói thông tin lưu trữ AIP_hoso {objid}\n"
        "Theo Thông tư 05/2025/TT-BNV (Phụ lục I), mở rộng E-ARK CSIP V2.0.4.\n\n"
        "Archival information package (AIP_hoso) of one digitized administrative dossier.\n"
        "- METS.xml: package METS; SHA-256 of every file it lists\n"
        "- metadata/descriptive/EAD.xml: dossier metadata (simpledc fields of TT 05/2025)\n"
        "- metadata/preservation/PREMIS.xml: fixity, formats (PRONOM), events, agents\n"
        f"- {REP_BASE}data/: the documents, PDF/A-2b, named <dossier code>.<n>.pdf\n"
        f"- {REP_BASE}metadata/other/: OCR text and extracted fields\n"
        "- schemas/: XML schemas of the METS files\n"
    )


def _sync_tree(root: Path) -> None:
    """fsync every folder of the staged package (files were fsynced when written)."""
    for folder, _dirs, _files in os.walk(root, topdown=False):
        fsync_dir(Path(folder))


def _publish(staging: Path, target: Path) -> Path | None:
    """Rename the sealed staging folder to ``target``; None when ``target`` appeared meanwhile."""
    if target.exists():
        return None
    try:
        os.replace(staging, target)
    except OSError:
        if target.exists():
            return None
        raise
    fsync_dir(target.parent)
    return target


def _same_content(existing: Path, staged: Path) -> bool:
    """True when ``existing`` is intact and holds the same files as ``staged``.

    METS and PREMIS files carry creation times and the documentation names the OBJID: they are
    left out of the comparison.
    """
    if check_fixity(existing):
        return False
    return _content(existing) == _content(staged)


def _content(package: Path) -> set[tuple[str, str | None]]:
    """The (path, SHA-256) pairs of a package's non-volatile files, as its METS records them."""
    entries, _problems = listed_files(package)
    return {(e.path, e.sha256) for e in entries
            if not (e.path.endswith("METS.xml") or Path(e.path).name.startswith("PREMIS")
                    or e.path.startswith("documentation/"))}
