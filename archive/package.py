"""Build one AIP_hoso (TT 05/2025 Phụ lục I, on E-ARK CSIP V2.0.4) per dossier, atomically.

Layout under ``<archive_root>/packages/<OBJID with ':' → '_'>/``::

    METS.xml                                    package METS (CSIP)
    metadata/descriptive/EAD.xml                dossier metadata (simpledc, TT 05/2025)
    metadata/preservation/PREMIS.xml            objects (SHA-256, size, PRONOM, signatures), events, agents
    documentation/README.txt                    what the package is (CSIP requires a Documentation group)
    schemas/*.xsd                               METS, xlink and CSIP-extension schemas
    representations/rep1/METS.xml               representation METS
    representations/rep1/data/<mã hồ sơ>.<n>.pdf            the signed PDF/A, n from 1
    representations/rep1/metadata/descriptive/EAD_doc_<n>.xml   one per document of the dossier
    representations/rep1/metadata/preservation/PREMIS_rep1.xml
    representations/rep1/metadata/other/record.json   the export record: the package is the truth
    representations/rep1/metadata/other/<key>   other extra files (OCR text, fields JSON) under their key

**One code, one dossier.** A package is written once and never overwritten. Building again for a
code that already has a package returns that package untouched when it came from the same scan
(its SHA-256 is recorded, with the extracted content, in ``record.json`` and PREMIS): re-ingesting
an identical dossier never makes a new version, whatever the signing times. A *different* scan
under a used code is another citizen's dossier: :class:`DuplicateCodeError` (a quarantine reason,
``duplicate_code``), never a version of the other. New versions are made on purpose only, by
:func:`archive.versions.derive_version` (corrections, archive timestamp renewal).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from archive._assemble import REP_BASE, ROOT_EAD, ROOT_PREMIS, Tree, header, seal_and_publish, software_agent, staging
from archive._xml import PREMIS_NS, parse, qname
from archive.ead import document_ead, dossier_ead
from archive.fixity import listed_files
from archive.model import DocumentMetadata, DossierMetadata, PremisEvent, SignatureInfo, SourceInfo
from sohoa.clock import now_vn
from archive.premis import SOURCE_OBJECT, premis_document
from sohoa.errors import ArchiveError, InputFileError
from sohoa.files import sha256_file

NAMESPACE = uuid.UUID("6b1f3c1e-0b7a-5d2e-9c58-5f0d2a4b7e91")
"""uuid5 namespace of sohoa package identifiers; never change it (re-runs must find their folder)."""
PACKAGING_EVENT = "information package creation"
RECORD_KEY = "record.json"
"""The export record's key among the extra files (``representations/rep1/metadata/other/record.json``)."""
_KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


class DuplicateCodeError(InputFileError):
    """A different scan arrived under a dossier code whose package came from another scan.

    It is held (quarantined and reported) for a clerk: two citizens' dossiers never share a
    package, and no METS declares another citizen's package replaced.
    """

    reason = "duplicate_code"
    message_vi = ("Mã hồ sơ này đã được dùng cho một hồ sơ khác (bản quét khác) trong kho lưu trữ; "
                  "hồ sơ được giữ lại để cán bộ kiểm tra mã.")


def package_id(meta: DossierMetadata | None = None, version: int = 1, *, agency_code: str = "",
               dossier_code: str = "") -> str:
    """The OBJID of one version of a dossier's package (stable across runs).

    ``urn:uuid:`` + uuid5 of agency and dossier code; version 2 and later add ``/v<n>`` to the name,
    so every version is a package of its own (TT 05/2025: folder = OBJID) and none is overwritten.
    """
    agency, code = (meta.agency_code, meta.dossier_code) if meta is not None else (agency_code, dossier_code)
    name = f"{agency}/{code}" + (f"/v{version}" if version > 1 else "")
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def version_dir(archive_root: Path, agency_code: str, dossier_code: str, version: int) -> Path:
    """``<archive_root>/packages/<OBJID of the version, ':' → '_'>``."""
    objid = package_id(version=version, agency_code=agency_code, dossier_code=dossier_code)
    return archive_root / "packages" / objid.replace(":", "_")


def package_versions(archive_root: Path, meta: DossierMetadata | None = None, *, agency_code: str = "",
                     dossier_code: str = "") -> list[Path]:
    """The published versions of a dossier's package, oldest first (empty when none)."""
    agency, code = (meta.agency_code, meta.dossier_code) if meta is not None else (agency_code, dossier_code)
    found = []
    for version in range(1, 10_000):
        folder = version_dir(archive_root, agency, code, version)
        if not folder.is_dir():
            break
        found.append(folder)
    return found


def package_dir(archive_root: Path, meta: DossierMetadata) -> Path:
    """The current package of ``meta`` (its latest version), or where version 1 will go."""
    versions = package_versions(archive_root, meta)
    return versions[-1] if versions else version_dir(archive_root, meta.agency_code, meta.dossier_code, 1)


def document_path(dossier_code: str, ordinal: int) -> str:
    """The package-relative path of the dossier's ``ordinal``-th PDF (``<mã hồ sơ>.<n>.pdf``)."""
    return f"{REP_BASE}data/{dossier_code}.{ordinal}.pdf"


def other_path(key: str) -> str:
    """The package-relative path of an extra file stored under ``key``."""
    return f"{REP_BASE}metadata/other/{key}"


def read_record(package: Path) -> dict | None:
    """The export record a package holds (``record.json``), or None for a package made before it."""
    path = package / other_path(RECORD_KEY)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_package(*, archive_root: Path, meta: DossierMetadata, documents: Sequence[Path],
                  extra_files: Mapping[str, Path], events: Sequence[PremisEvent],
                  source: SourceInfo | None = None,
                  signatures: Mapping[str, SignatureInfo] | None = None) -> Path:
    """Build the AIP_hoso of one dossier and return its folder.

    Args:
        archive_root: The archive folder; packages go under ``packages/``.
        meta: Dossier metadata (TT 05/2025); without ``documents`` the dossier is one document.
        documents: The dossier's PDF/A files, in order; stored as ``<mã hồ sơ>.<n>.pdf``.
        extra_files: Package-relative key (``ocr/text.txt``, ``record.json``) → file, stored under
            ``representations/rep1/metadata/other/<key>``.
        events: PREMIS events; an ``information package creation`` event is added if missing.
        source: The original scan (its SHA-256 tells a re-ingest from another dossier).
        signatures: Package-relative path (:func:`document_path`) → that document's signature.

    Returns:
        The folder of the dossier's package: a new version 1, or the package already made from
        the same scan.

    Raises:
        DuplicateCodeError: The code's package came from another scan (another dossier).
        ArchiveError: An input is missing or invalid, or the archive cannot be written.
    """
    _check_inputs(documents, extra_files)
    for _attempt in range(3):  # another worker may publish the same version meanwhile
        versions = package_versions(archive_root, meta)
        if versions:
            return _same_dossier(versions, source, extra_files)
        target = version_dir(archive_root, meta.agency_code, meta.dossier_code, 1)
        with staging(target) as folder:
            _write_first_version(Tree(folder), meta, documents, extra_files, events, source, signatures)
            published = seal_and_publish(folder, target)
        if published is not None:
            return published
    raise ArchiveError("could not publish the package (concurrent writers)",
                       reason="package_conflict", message_vi="Không ghi được gói lưu trữ.")


def _check_inputs(documents: Sequence[Path], extra_files: Mapping[str, Path]) -> None:
    """Fail early on an empty dossier or an unusable extra-file key."""
    if not documents:
        raise ArchiveError("a package needs at least one document", reason="no_documents")
    for key in extra_files:
        if not _KEY_RE.fullmatch(key) or ".." in key.split("/"):
            raise ArchiveError("extra file key must be a relative path of letters, digits, '.', '_', "
                               "'-' and '/'", reason="invalid_extra_key")


def _write_first_version(tree: Tree, meta: DossierMetadata, documents: Sequence[Path],
                         extra_files: Mapping[str, Path], events: Sequence[PremisEvent],
                         source: SourceInfo | None, signatures: Mapping[str, SignatureInfo] | None) -> None:
    """Write every file of version 1 into the staging tree."""
    objid = package_id(meta)
    tree.data = [tree.copy_in(document_path(meta.dossier_code, n), src, f"document {n}")
                 for n, src in enumerate(documents, start=1)]
    tree.other = [tree.copy_in(other_path(key), src, "an extra file") for key, src in sorted(extra_files.items())]
    docs = described_documents(meta, len(documents))
    tree.descriptive = [tree.put(f"{REP_BASE}metadata/descriptive/EAD_doc_{doc.ordinal}.xml", document_ead(meta, doc))
                        for doc in docs]
    tree.ead = tree.put(ROOT_EAD, dossier_ead(meta, total_docs=len(docs)))
    files = tree.data + tree.other
    premis = premis_document(files, with_packaging_event(events, [f.path for f in files]),
                             originator=software_agent(), source=source, signatures=signatures)
    tree.finish(header(objid, meta.title, meta.agency_code), premis)


def described_documents(meta: DossierMetadata, files: int) -> tuple[DocumentMetadata, ...]:
    """The documents to describe: ``meta.documents``, else one per file."""
    if meta.documents:
        return meta.documents
    return tuple(DocumentMetadata(ordinal=n, pages=(), form_type=meta.form_type, type_name=meta.title)
                 for n in range(1, files + 1))


def with_packaging_event(events: Sequence[PremisEvent], files: Sequence[str]) -> list[PremisEvent]:
    """The given events, plus an ``information package creation`` event (over ``files``) unless one is there."""
    if any(event.event_type == PACKAGING_EVENT for event in events):
        return list(events)
    return [*events, PremisEvent(PACKAGING_EVENT, now_vn(), "success",
                                 "AIP_hoso built (TT 05/2025, E-ARK CSIP 2.0.4)", software_agent(),
                                 outcomes=tuple(files))]


def _same_dossier(versions: Sequence[Path], source: SourceInfo | None, extra_files: Mapping[str, Path]) -> Path:
    """The current version when the package holds this dossier; :class:`DuplicateCodeError` when another.

    The scan's SHA-256 decides when both have one; a package made before it was recorded is
    compared by its extracted content (OCR text and fields) with each of its versions (a later
    one may hold a correction), never by the signed PDF, whose bytes change with every signing.
    """
    current = versions[-1]
    recorded = _recorded_source(current)
    if source is not None and recorded is not None:
        if recorded == source.sha256:
            return current
        raise DuplicateCodeError("a different scan arrived under a dossier code already archived from another scan")
    if any(_same_content(version, extra_files) for version in versions):
        return current
    raise DuplicateCodeError("a dossier with other content arrived under a dossier code already archived")


def _recorded_source(package: Path) -> str | None:
    """The SHA-256 of the scan a package came from, from its record (else its PREMIS), or None."""
    record = read_record(package)
    if record and isinstance(record.get("source_sha256"), str):
        return record["source_sha256"]
    try:
        premis = parse(package / ROOT_PREMIS).getroot()
    except (OSError, ValueError):
        return None
    for obj in premis.iter(qname(PREMIS_NS, "object")):
        if obj.findtext(f".//{qname(PREMIS_NS, 'objectIdentifierValue')}") == SOURCE_OBJECT:
            return obj.findtext(f".//{qname(PREMIS_NS, 'messageDigest')}")
    return None


def _same_content(package: Path, extra_files: Mapping[str, Path]) -> bool:
    """The package holds the same OCR text and fields as ``extra_files`` (keys other than the record)."""
    listed = {e.path: e.sha256 for e in listed_files(package)[0]}
    keys = [k for k in extra_files if k != RECORD_KEY]
    return bool(keys) and all(listed.get(other_path(k)) == sha256_file(extra_files[k]) for k in keys)
