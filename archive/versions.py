"""New versions of a package: a correction, a renewed archive timestamp, a result joined later.

A published package is never changed. :func:`derive_version` writes version n+1 beside version n:
every file carried byte for byte (a hard link to the sealed original where the file system allows
it, else a checked copy) except those replaced, documents added after the others, the
descriptive metadata rewritten only when new metadata is given, the PREMIS story continued with
the new events, a new METS (``RECORDSTATUS="REPLACEMENT"``, ``altRecordID`` naming version n) and
checksums for every file. Version n stays as it was; the catalog then points at n+1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from archive._assemble import (
    README,
    REP_BASE,
    ROOT_EAD,
    ROOT_PREMIS,
    Tree,
    header,
    seal_and_publish,
    software_agent,
    staging,
)
from archive._xml import METS_NS, parse, qname
from archive.ead import document_ead, dossier_ead
from archive.fixity import check_fixity, listed_files
from archive.model import DossierMetadata, PremisEvent, SignatureInfo
from sohoa.clock import now_vn
from archive.package import (
    PACKAGING_EVENT,
    RECORD_KEY,
    described_documents,
    document_path,
    other_path,
    package_id,
    package_versions,
    read_record,
    version_dir,
)
from archive.premis import next_premis
from sohoa.errors import ArchiveError

__all__ = ["derive_version", "package_identity", "replaced_versions"]

_GENERATED = re.compile(r"(.*/)?METS\.xml$|(.*/)?metadata/preservation/|schemas/")
"""Files every version writes anew (METS, PREMIS, schemas, the documentation): never copied or replaced."""
_DOC_EAD = re.compile(rf"^{REP_BASE}metadata/descriptive/EAD_doc_\d+\.xml$")


def derive_version(archive_root: Path, current: Path, *, replace: Mapping[str, Path | bytes] | None = None,
                   add_documents: Sequence[Path] = (), meta: DossierMetadata | None = None,
                   events: Sequence[PremisEvent] = (),
                   signatures: Mapping[str, SignatureInfo] | None = None) -> Path:
    """Write version n+1 of the package ``current`` (version n, the latest) and return its folder.

    Args:
        archive_root: The archive folder.
        current: The dossier's current package (its latest version).
        replace: Package-relative path (e.g. ``representations/rep1/metadata/other/fields/fields.json``
            or a document :func:`~archive.package.document_path`) → the new content (a file or bytes).
        add_documents: PDFs to add after the dossier's documents (``<mã hồ sơ>.<n+1>.pdf`` …);
            they need ``meta`` to be described.
        meta: New dossier metadata; the EAD files are rewritten from it. Without it they are copied.
            A new ``dossier_code`` (a temporary code replaced by the real one) renames the documents
            ``<new code>.<n>.pdf`` (same bytes), updates ``record.json``'s code and makes the new
            version the first package of the new code, replacing the old code's current version.
        events: What made this version (PREMIS events, e.g. with ``person`` for a clerk's correction).
        signatures: Package-relative path → signature of a replaced or added document.

    Returns:
        The new version's folder.

    Raises:
        ArchiveError: ``current`` is not the latest version or fails its fixity check, a key is not
            a file of the package (or is one every version writes anew), documents are added without
            ``meta``, or the archive cannot be written.
    """
    replace = dict(replace or {})
    agency, code = package_identity(current)
    new_code = meta.dossier_code if meta is not None else code
    if meta is not None and meta.agency_code != agency:
        raise ArchiveError("the new metadata names another archive agency", reason="invalid_metadata")
    versions = package_versions(archive_root, agency_code=agency, dossier_code=code)
    if not versions or versions[-1].resolve() != current.resolve():
        raise ArchiveError("only the current version of a package can get a successor", reason="not_current_version",
                           message_vi="Chỉ phiên bản hiện hành của gói mới được tạo phiên bản kế tiếp.")
    if new_code != code and package_versions(archive_root, agency_code=agency, dossier_code=new_code):
        raise ArchiveError("the new dossier code already has a package", reason="code_in_use",
                           message_vi="Mã hồ sơ mới đã có gói lưu trữ của một hồ sơ khác.")
    damage = check_fixity(current)
    if damage:
        raise ArchiveError("the current version fails its fixity check; restore it before changing it",
                           reason="package_damaged", message_vi="Gói lưu trữ hiện hành bị hỏng (sai mã băm).")
    listed = [e.path for e in listed_files(current)[0] if not _GENERATED.match(e.path) and e.path != README]
    _check_keys(replace, listed, meta, add_documents)
    number = len(versions) + 1 if new_code == code else 1
    target = version_dir(archive_root, agency, new_code, number)
    with staging(target) as folder:
        tree = Tree(folder)
        _copy_and_replace(tree, current, listed, _recoded(current, replace, code, new_code),
                          regenerate_ead=meta is not None, rename=(code, new_code))
        first_new = len(tree.data) + 1
        tree.data += [tree.copy_in(document_path(new_code, n), src, f"document {n}")
                      for n, src in enumerate(add_documents, start=first_new)]
        if meta is not None:
            _describe(tree, meta)
        changed = sorted(set(replace) | {f.path for f in tree.data[first_new - 1:]})
        story = [*events, PremisEvent(PACKAGING_EVENT, now_vn(), "success",
                                      f"AIP version derived from {current.name} ({len(changed)} file(s) new or "
                                      f"replaced{'; dossier code changed' if new_code != code else ''})",
                                      software_agent(), sources=tuple(changed), outcomes=tuple(changed))]
        premis = next_premis((current / ROOT_PREMIS).read_bytes(), tree.data + tree.other, story,
                             originator=software_agent(), signatures=signatures)
        label = meta.title if meta is not None else (parse(current / "METS.xml").getroot().get("LABEL") or code)
        tree.finish(header(package_id(version=number, agency_code=agency, dossier_code=new_code), label, agency,
                           parse(current / "METS.xml").getroot().get("OBJID")), premis)
        published = seal_and_publish(folder, target)
    if published is None:
        raise ArchiveError("another version of this package was written meanwhile", reason="package_conflict",
                           message_vi="Một phiên bản khác của gói vừa được ghi; hãy thử lại.")
    return published


def package_identity(package: Path) -> tuple[str, str]:
    """(agency code, dossier code) of a package: the METS archivist and the record's code.

    A package made before ``record.json`` gives its code by its first document's name.
    """
    try:
        mets = parse(package / "METS.xml").getroot()
    except (OSError, ValueError) as exc:
        raise ArchiveError("the package has no readable METS.xml", reason="package_damaged") from exc
    agent = mets.find(f".//{qname(METS_NS, 'agent')}[@ROLE='ARCHIVIST']/{qname(METS_NS, 'name')}")
    record = read_record(package) or {}
    code = record.get("code")
    if not code:
        first = sorted((package / REP_BASE / "data").glob("*.1.pdf"))
        code = first[0].name[: -len(".1.pdf")] if first else None
    if agent is None or not agent.text or not code:
        raise ArchiveError("the package does not name its agency and dossier code", reason="package_damaged")
    return agent.text, str(code)


def replaced_versions(archive_root: Path) -> set[str]:
    """OBJIDs of the package versions that another version names as the one it replaces (``altRecordID``).

    The last version of a code is not current when it is in here: a new dossier code makes the
    first package of the new code, which replaces it.
    """
    replaced = set()
    for folder in sorted((archive_root / "packages").glob("urn_*")):
        try:
            mets = parse(folder / "METS.xml").getroot()
        except (OSError, ValueError):
            continue
        replaced.update(n.text for n in mets.iter(qname(METS_NS, "altRecordID"))
                        if n.get("TYPE") == "PREVIOUSVERSION" and n.text)
    return replaced


def _check_keys(replace: Mapping[str, Path | bytes], listed: Sequence[str], meta: DossierMetadata | None,
                add_documents: Sequence[Path]) -> None:
    """Refuse keys that are not replaceable files of the package, and undescribed new documents."""
    unknown = [key for key in replace if key not in listed]
    if unknown:
        raise ArchiveError(f"{len(unknown)} replacement key(s) are not files of the package that a version "
                           "may replace (METS, PREMIS, schemas and documentation are written anew)",
                           reason="invalid_replace_key")
    if add_documents and meta is None:
        raise ArchiveError("documents can be added only with the dossier metadata that describes them",
                           reason="invalid_metadata")


def _copy_and_replace(tree: Tree, current: Path, listed: Sequence[str], replace: Mapping[str, Path | bytes], *,
                      regenerate_ead: bool, rename: tuple[str, str]) -> None:
    """Carry every kept file of ``current`` (or its replacement) into the tree, sorted into its METS groups.

    A document of the old code is stored under the new one (``rename``: old code, new code).
    """
    old_prefix, new_prefix = (f"{REP_BASE}data/{code}." for code in rename)
    for old in listed:
        if regenerate_ead and (old == ROOT_EAD or _DOC_EAD.match(old)):
            continue
        rel = new_prefix + old[len(old_prefix):] if old.startswith(old_prefix) else old
        new = replace.get(old)
        if isinstance(new, bytes):
            item = tree.put(rel, new)
        elif new is not None:
            item = tree.copy_in(rel, new, "a replacement file")
        else:
            item = tree.carry(rel, current / old)
        if rel == ROOT_EAD:
            tree.ead = item
        elif rel.startswith(f"{REP_BASE}data/"):
            tree.data.append(item)
        elif _DOC_EAD.match(rel):
            tree.descriptive.append(item)
        elif rel.startswith(f"{REP_BASE}metadata/other/"):
            tree.other.append(item)
    tree.data.sort(key=lambda f: _ordinal(f.path))
    tree.descriptive.sort(key=lambda f: _ordinal(f.path))


def _recoded(current: Path, replace: Mapping[str, Path | bytes], code: str, new_code: str) -> dict:
    """``replace``, plus the package's record with its new code when the code changes (unless replaced)."""
    out = dict(replace)
    key = other_path(RECORD_KEY)
    record = read_record(current)
    if new_code != code and key not in out and record is not None:
        out[key] = (json.dumps({**record, "code": new_code}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return out


def _describe(tree: Tree, meta: DossierMetadata) -> None:
    """Rewrite the dossier's EAD and one EAD_doc per document from ``meta``."""
    docs = described_documents(meta, len(tree.data))
    tree.descriptive = [tree.put(f"{REP_BASE}metadata/descriptive/EAD_doc_{doc.ordinal}.xml", document_ead(meta, doc))
                        for doc in docs]
    tree.ead = tree.put(ROOT_EAD, dossier_ead(meta, total_docs=len(docs)))


def _ordinal(path: str) -> int:
    """The number in ``….<n>.pdf`` or ``EAD_doc_<n>.xml``."""
    match = re.search(r"(\d+)\.(pdf|xml)$", path)
    return int(match.group(1)) if match else 0
