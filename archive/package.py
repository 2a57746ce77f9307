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
folder is fsynced, then the folder is renamed into place: a crash leaves no half-written package.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace as dc_replace
from pathlib import Path

import sohoa
from archive._xml import DIR_MODE, copy_file, fsync_dir, make_dirs, write_bytes
from archive.ead import document_ead, dossier_ead
from archive.fixity import check_fixity, listed_files
from archive.formats import format_of
from archive.mets import MetsHeader, RepContent, RootContent, rep_mets, root_mets
from archive.model import DossierMetadata, PremisEvent, iso_vn, now_vn
from archive.premis import PackagedFile, premis_document
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file

NAMESPACE = uuid.UUID("6b1f3c1e-0b7a-5d2e-9c58-5f0d2a4b7e91")
"""uuid5 namespace of sohoa package identifiers; never change it (re-runs must find their folder)."""
REP = "rep1"
REP_BASE = f"representations/{REP}/"
SOFTWARE = "sohoa"
PACKAGING_EVENT = "information package creation"
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


def package_id(meta: DossierMetadata) -> str:
    """The package OBJID: ``urn:uuid:`` + uuid5 of agency and dossier code (stable across runs)."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{meta.agency_code}/{meta.dossier_code}')}"


def package_dir(archive_root: Path, meta: DossierMetadata) -> Path:
    """Where the package of ``meta`` lives: ``<archive_root>/packages/<OBJID, ':' → '_'>``."""
    return archive_root / "packages" / package_id(meta).replace(":", "_")


def build_package(*, archive_root: Path, meta: DossierMetadata, documents: Sequence[Path],
                  extra_files: Mapping[str, Path], events: Sequence[PremisEvent],
                  replace: bool = False) -> Path:
    """Build the AIP_hoso of one dossier and return its folder.

    Re-running with the same documents, extra files and metadata returns the existing folder
    untouched (events and timestamps do not count as content). A package that exists with
    different content, or that fails its fixity check, is replaced only when ``replace`` is set.

    Args:
        archive_root: The archive folder; packages go under ``packages/``.
        meta: Dossier metadata (TT 05/2025).
        documents: The dossier's PDF/A files, in order; stored as ``<mã hồ sơ>.<n>.pdf``.
        extra_files: Package-relative key (``ocr/text.txt``) → file, stored under
            ``representations/rep1/metadata/other/<key>``.
        events: PREMIS events; an ``information package creation`` event is added if missing.
        replace: Replace an existing package whose content differs.

    Returns:
        The package folder.

    Raises:
        ArchiveError: An input is missing or invalid, the package exists with different content,
            or the archive cannot be written.
    """
    _check_inputs(documents, extra_files)
    target = package_dir(archive_root, meta)
    try:
        make_dirs(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise _write_error(exc) from exc
    try:
        staging.chmod(DIR_MODE)
        _write_package(staging, _Job(meta, package_id(meta), documents, extra_files, events))
        _sync_tree(staging)
        return _publish(staging, target, replace=replace)
    except OSError as exc:
        raise _write_error(exc) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class _Job:
    """Everything one package build needs."""

    meta: DossierMetadata
    objid: str
    documents: Sequence[Path]
    extra_files: Mapping[str, Path]
    events: Sequence[PremisEvent]


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
                      job.meta.agency_code)
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
    return _put(root, f"{REP_BASE}METS.xml", rep_mets(dc_replace(head, objid=REP), content, base=REP_BASE))


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


def _publish(staging: Path, target: Path, *, replace: bool) -> Path:
    """Move the staged package into place, unless an identical one is already there."""
    if target.exists():
        if _same_content(target, staging):
            return target
        if not replace:
            raise ArchiveError("package exists with different content", reason="package_conflict",
                               message_vi="Gói lưu trữ đã có với nội dung khác.")
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
        os.replace(target, old)
        os.replace(staging, target)
        fsync_dir(target.parent)
        shutil.rmtree(old, ignore_errors=True)
        return target
    try:
        os.replace(staging, target)
    except OSError:
        if not target.exists():
            raise
        return _publish(staging, target, replace=replace)  # another worker published it meanwhile
    fsync_dir(target.parent)
    return target


def _same_content(existing: Path, staged: Path) -> bool:
    """True when ``existing`` is intact and holds the same files as ``staged``.

    METS and PREMIS files are left out of the comparison: they carry creation times.
    """
    if check_fixity(existing):
        return False
    return _content(existing) == _content(staged)


def _content(package: Path) -> set[tuple[str, str | None]]:
    """The (path, SHA-256) pairs of a package's non-volatile files, as its METS records them."""
    entries, _problems = listed_files(package)
    return {(e.path, e.sha256) for e in entries
            if not (e.path.endswith("METS.xml") or Path(e.path).name.startswith("PREMIS"))}
