"""Write version n+1 of a package from version n: the review station's stand-in for contract C7.

A correction changes metadata only (the fields JSON, the EAD, the record), never the signed
PDF/A. :func:`derive_version` therefore copies every file of the current package byte for byte —
the documents are hard-linked when the archive's file system allows it (they are sealed read-only,
so the two versions share one unchangeable copy), else copied and checked — except the files
given in ``replace``, and writes new METS files (``RECORDSTATUS="REPLACEMENT"``, an
``altRecordID`` naming the replaced version), new PREMIS files (every earlier event kept, the new
ones added, each naming the person who acted as a PREMIS agent of type person) and a new
documentation file. The new version is staged in a hidden folder, checked against its own METS,
sealed and renamed into place; the replaced version is never touched.

This is the smallest correct version of ``archive.versions.derive_version`` (contract C7) that the
package helper is building; the lead switches :mod:`archive.corrections` to theirs at merge. Its
differences: the new dossier code comes as ``new_code`` (C7 passes a whole ``DossierMetadata``),
and the person rides on :class:`ReviewEvent` (C7 adds ``person`` to ``PremisEvent``).
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

import sohoa
from archive._xml import (
    METS_NS,
    PREMIS_NS,
    copy_file,
    fsync_dir,
    make_dirs,
    parse,
    qname,
    remove_tree,
    seal_tree,
    sub,
    to_bytes,
    write_bytes,
)
from archive.fixity import ROOT_METS, check_fixity, listed_files
from archive.formats import format_of
from archive.mets import MetsHeader, RepContent, RootContent, rep_mets, root_mets
from archive.model import PremisEvent, iso_vn, now_vn
from archive.package import NAMESPACE, REP, REP_BASE, SOFTWARE
from archive.premis import PackagedFile, agent_id, premis_document
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file, temp_dir_beside

ROOT_PREMIS = "metadata/preservation/PREMIS.xml"
REP_PREMIS = f"{REP_BASE}metadata/preservation/PREMIS_{REP}.xml"
README = "documentation/README.txt"
_REGENERATED = frozenset({ROOT_METS, f"{REP_BASE}METS.xml", ROOT_PREMIS, REP_PREMIS, README})
_DATA_NAME = re.compile(r"^(?P<code>.+)\.(?P<n>\d+)\.pdf$")


@dataclass(frozen=True)
class ReviewEvent(PremisEvent):
    """A PREMIS event with the account name of the person who acted (C7's ``PremisEvent.person``)."""

    person: str = ""


def derive_version(archive_root: Path, current: Path, *, replace: Mapping[str, Path | bytes] | None = None,
                   events: Sequence[PremisEvent] = (), new_code: str | None = None) -> Path:
    """Write the next version of the package ``current`` and return its folder.

    Args:
        archive_root: The archive folder (packages live under ``packages/``).
        current: The package version to derive from (left untouched).
        replace: Package-relative path → new content (bytes, or a file to copy) for files that change.
        events: PREMIS events to add (a :class:`ReviewEvent` names its person).
        new_code: A new dossier code (a temporary code replaced by the real one): the documents are
            renamed ``<new code>.<n>.pdf`` (same bytes) and the identifier follows the new code.

    Returns:
        The new version's folder.

    Raises:
        ArchiveError: The current package fails its fixity check (reason ``package_damaged``), a
            replaced path is not in the package, or the new version cannot be written.
    """
    replace = dict(replace or {})
    problems = check_fixity(current)
    if problems:
        raise ArchiveError(f"the current package version is damaged ({len(problems)} problem(s)); run sohoa fixity",
                           reason="package_damaged",
                           message_vi="Gói lưu trữ hiện tại bị hỏng; hãy chạy sohoa fixity.")
    entries, _ = listed_files(current)
    paths = {e.path for e in entries}
    unknown = sorted(set(replace) - paths)
    if unknown:
        raise ArchiveError(f"cannot replace a file the package does not hold: {unknown[0]}", reason="invalid_extra_key")
    mets = parse(current / ROOT_METS).getroot()
    old_objid, agency = mets.get("OBJID") or current.name, _archivist(mets)
    code = new_code or _current_code(paths)
    version = _version_number(archive_root, mets) + 1
    for _attempt in range(5):  # a leftover of a crashed correction may hold the next name
        objid = _objid(agency, code, version)
        target = archive_root / "packages" / objid.replace(":", "_")
        if not target.exists():
            break
        version += 1
    else:
        raise ArchiveError("no free name for the new package version", reason="package_conflict")
    job = _Job(current, sorted(paths - _REGENERATED), replace, events, old_objid, objid, agency,
               mets.get("LABEL") or code, code)
    return _stage_and_publish(target, job)


@dataclass(frozen=True)
class _Job:
    current: Path
    kept: list[str]
    replace: dict[str, Path | bytes]
    events: Sequence[PremisEvent]
    previous: str
    objid: str
    agency: str
    label: str
    code: str


def _stage_and_publish(target: Path, job: _Job) -> Path:
    """Stage the new version beside ``target``, check it, seal it and rename it into place."""
    try:
        staging = temp_dir_beside(target)
    except OSError as exc:
        raise _write_error(exc) from exc
    try:
        _write(staging, job)
        problems = check_fixity(staging)
        if problems:
            raise ArchiveError(f"the new package version does not match its METS: {problems[0]}",
                               reason="archive_write_failed")
        for folder, _dirs, _files in os.walk(staging, topdown=False):
            fsync_dir(Path(folder))
        seal_tree(staging)
        if target.exists():
            raise ArchiveError("another new version of this package appeared meanwhile", reason="package_conflict")
        os.replace(staging, target)
        fsync_dir(target.parent)
        return target
    except OSError as exc:
        raise _write_error(exc) from exc
    finally:
        remove_tree(staging)


def _write(root: Path, job: _Job) -> None:
    """Write every file of the new version into ``root``."""
    created = iso_vn(now_vn())
    files = {}
    for rel in job.kept:
        new_rel = _renamed(rel, job.code)
        if rel in job.replace:
            files[new_rel] = _put_new(root, new_rel, job.replace[rel])
        else:
            files[new_rel] = _carry(job.current / rel, root / new_rel, new_rel)
    rep_files = sorted((p for p in files if p.startswith(REP_BASE)), key=_order)
    data = [files[p] for p in rep_files if p.startswith(f"{REP_BASE}data/")]
    other = [files[p] for p in rep_files if p.startswith(f"{REP_BASE}metadata/other/")]
    eads = [files[p] for p in rep_files if p.startswith(f"{REP_BASE}metadata/descriptive/")]
    events = _events_xml(job.current, job.events)
    rep_premis = _put(root, REP_PREMIS, _premis(data + other, events, job.current / REP_PREMIS))
    head = MetsHeader(job.objid, job.label, created, SOFTWARE, sohoa.__version__, job.agency, job.previous)
    rep_head = MetsHeader(REP, job.label, created, SOFTWARE, sohoa.__version__, job.agency)
    rep = _put(root, f"{REP_BASE}METS.xml",
               rep_mets(rep_head, RepContent(data, eads, [rep_premis], other), base=REP_BASE))
    root_files = [files[p] for p in sorted(files) if not p.startswith(REP_BASE)]
    content = RootContent(
        ead=next(f for f in root_files if f.path == "metadata/descriptive/EAD.xml"),
        premis=_put(root, ROOT_PREMIS, _premis(data + other, events, job.current / ROOT_PREMIS)),
        documentation=[_put(root, README, _readme(job.objid, job.previous).encode())]
        + [f for f in root_files if f.path.startswith("documentation/") and f.path != README],
        schemas=[f for f in root_files if f.path.startswith("schemas/")],
        representations=[(REP, rep)])
    _put(root, ROOT_METS, root_mets(head, content))


def _order(rel: str) -> tuple:
    """Documents by their number, other files by path."""
    match = _DATA_NAME.match(Path(rel).name)
    return (0, int(match["n"]), rel) if match and "/data/" in rel else (1, 0, rel)


def _renamed(rel: str, code: str) -> str:
    """A document's path under the (possibly new) dossier code; other paths unchanged."""
    match = _DATA_NAME.match(Path(rel).name)
    if rel.startswith(f"{REP_BASE}data/") and match:
        return f"{REP_BASE}data/{code}.{match['n']}.pdf"
    return rel


def _carry(src: Path, dst: Path, rel: str) -> PackagedFile:
    """Bring an unchanged file over: a hard link to the sealed original, else a checked copy."""
    expected = sha256_file(src)
    make_dirs(dst.parent)
    try:
        os.link(src, dst)
    except OSError:
        copy_file(src, dst)
        if sha256_file(dst) != expected:
            raise ArchiveError("a file changed while it was copied into the new version",
                               reason="copy_mismatch") from None
    return PackagedFile(rel, dst.stat().st_size, expected, format_of(dst))


def _put_new(root: Path, rel: str, content: Path | bytes) -> PackagedFile:
    """Write replaced content (bytes, or a file's bytes)."""
    return _put(root, rel, content.read_bytes() if isinstance(content, Path) else content)


def _put(root: Path, rel: str, data: bytes) -> PackagedFile:
    """Write generated bytes at ``rel`` and describe the file."""
    write_bytes(root / rel, data)
    return PackagedFile(rel, len(data), hashlib.sha256(data).hexdigest(), format_of(Path(rel)))


def _premis(files: list[PackagedFile], events: tuple[list, list], old: Path) -> bytes:
    """A PREMIS document: the new version's file objects, then every event and agent.

    Earlier events and agents are copied from the replaced version's PREMIS file as they were.
    """
    root = etree.fromstring(premis_document(files, [], originator=f"{SOFTWARE} {sohoa.__version__}"))
    old_events, old_agents = _old_events(old)
    new_events, new_agents = events
    for number, node in enumerate([*old_events, *new_events], start=1):
        node = copy.deepcopy(node)
        node.find(f"{{{PREMIS_NS}}}eventIdentifier/{{{PREMIS_NS}}}eventIdentifierValue").text = f"event-{number:03d}"
        root.append(node)
    seen = set()
    for node in [*old_agents, *new_agents]:
        ident = node.findtext(f"{{{PREMIS_NS}}}agentIdentifier/{{{PREMIS_NS}}}agentIdentifierValue")
        if ident not in seen:
            seen.add(ident)
            root.append(copy.deepcopy(node))
    etree.indent(root, space="  ")
    return to_bytes(root)


def _old_events(path: Path) -> tuple[list, list]:
    """The event and agent elements of an existing PREMIS file (none when it is missing)."""
    if not path.is_file():
        return [], []
    root = parse(path).getroot()
    return root.findall(f"{{{PREMIS_NS}}}event"), root.findall(f"{{{PREMIS_NS}}}agent")


def _events_xml(current: Path, events: Sequence[PremisEvent]) -> tuple[list, list]:
    """The new events as PREMIS elements, each linked to its software agent and, if any, its person."""
    if not events:
        return [], []
    doc = etree.fromstring(premis_document([], list(events), originator=SOFTWARE))
    nodes, agents = doc.findall(qname(PREMIS_NS, "event")), doc.findall(qname(PREMIS_NS, "agent"))
    for node, event in zip(nodes, events, strict=True):
        person = getattr(event, "person", "")
        if not person:
            continue
        link = sub(node, qname(PREMIS_NS, "linkingAgentIdentifier"))
        sub(link, qname(PREMIS_NS, "linkingAgentIdentifierType"), "local")
        sub(link, qname(PREMIS_NS, "linkingAgentIdentifierValue"), _person_id(person))
        sub(link, qname(PREMIS_NS, "linkingAgentRole"), "implementer")
        agent = etree.Element(qname(PREMIS_NS, "agent"))
        ident = sub(agent, qname(PREMIS_NS, "agentIdentifier"))
        sub(ident, qname(PREMIS_NS, "agentIdentifierType"), "local")
        sub(ident, qname(PREMIS_NS, "agentIdentifierValue"), _person_id(person))
        sub(agent, qname(PREMIS_NS, "agentName"), person)
        sub(agent, qname(PREMIS_NS, "agentType"), "person")
        agents.append(agent)
    return nodes, agents


def _person_id(person: str) -> str:
    """A stable PREMIS identifier for an account name (``person-lan``), apart from software agents."""
    return "person-" + agent_id(person).removeprefix("agent-")


def _archivist(mets: etree._Element) -> str:
    """The agency code the package METS names as ARCHIVIST."""
    for agent in mets.iter(qname(METS_NS, "agent")):
        if agent.get("ROLE") == "ARCHIVIST":
            return agent.findtext(qname(METS_NS, "name")) or "DEMO"
    return "DEMO"


def _current_code(paths: set[str]) -> str:
    """The dossier code the current documents are named with."""
    for rel in sorted(paths):
        match = _DATA_NAME.match(Path(rel).name)
        if rel.startswith(f"{REP_BASE}data/") and match:
            return match["code"]
    raise ArchiveError("the package holds no document", reason="no_documents")


def _version_number(archive_root: Path, mets: etree._Element) -> int:
    """This version's number: 1 plus the length of its ``altRecordID`` chain of earlier versions."""
    number, seen, node = 1, set(), mets
    while (previous := _previous(node)) is not None and previous not in seen:
        seen.add(previous)
        number += 1
        folder = archive_root / "packages" / previous.replace(":", "_")
        if not (folder / ROOT_METS).is_file():
            break
        node = parse(folder / ROOT_METS).getroot()
    return number


def _previous(mets: etree._Element) -> str | None:
    """The OBJID a METS names as the version it replaces, or None."""
    return next((alt.text for alt in mets.iter(qname(METS_NS, "altRecordID"))
                 if alt.get("TYPE") == "PREVIOUSVERSION" and alt.text), None)


def _objid(agency: str, code: str, version: int) -> str:
    """The OBJID of one version, named as :func:`archive.package.package_id` names them."""
    name = f"{agency}/{code}" + (f"/v{version}" if version > 1 else "")
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def _readme(objid: str, previous: str) -> str:
    """The documentation file of a derived version (no personal data)."""
    return (f"Gói thông tin lưu trữ AIP_hoso {objid}\n"
            f"Phiên bản thay thế gói {previous} (sửa đặc tả sau khi kiểm tra; tài liệu ký số giữ nguyên).\n"
            "Theo Thông tư 05/2025/TT-BNV (Phụ lục I), mở rộng E-ARK CSIP V2.0.4.\n\n"
            f"Archival information package (AIP_hoso); a new version of {previous} whose metadata was\n"
            "corrected in the verification station. The signed documents are the same bytes.\n"
            "- METS.xml: package METS; SHA-256 of every file it lists (altRecordID: the replaced version)\n"
            "- metadata/preservation/PREMIS.xml: every event, with the person who made each correction\n")


def _write_error(exc: OSError) -> ArchiveError:
    """An ArchiveError for a failed write, naming the OS error but no path."""
    return ArchiveError(f"cannot write the new package version ({exc.strerror or type(exc).__name__})",
                        reason="archive_write_failed")
