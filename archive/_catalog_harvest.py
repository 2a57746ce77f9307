"""What the catalog reads from a package folder: identity, checksums, EAD description, PREMIS events
and the dossier's export record.

Used when a dossier is indexed (the package version is registered with its files and its EAD
title, dates and sheet count) and when the catalog is rebuilt from the packages. The record comes
from the package's ``representations/rep1/metadata/other/record.json`` (contract C5); packages
written before it hold ``fields/fields.json``, ``ocr/ocr.json`` and ``ocr/text.txt`` instead, from
which the searchable part of the record is put together again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from lxml import etree

from archive._xml import METS_NS, PREMIS_NS, parse, qname
from archive.fixity import ROOT_METS, ListedFile, listed_files
from archive.model import PremisEvent
from sohoa.errors import ArchiveError
from sohoa.files import sha256_file

OTHER = "representations/rep1/metadata/other"
RECORD_JSON = f"{OTHER}/record.json"
EAD = "metadata/descriptive/EAD.xml"
PREMIS = "metadata/preservation/PREMIS.xml"


@dataclass(frozen=True)
class PackageFacts:
    """One package version as the catalog registers it.

    Attributes:
        rel: Folder relative to the archive (``packages/<name>``).
        objid: METS OBJID.
        mets_sha256: SHA-256 of the root METS (the anchor of every fixity check).
        files: The files the METS files list, with size and SHA-256.
        previous: OBJID of the version this one replaces (METS ``altRecordID``), or None.
        code: The dossier code (the first document's name), if present.
        title, start_date, end_date, sheets: EAD ``title``, ``startDate``/``endDate`` (ISO, or the
            year/month given), ``numberOfPaper``.
        ead: Every EAD element, tag → text.
    """

    rel: str
    objid: str
    mets_sha256: str
    files: list[ListedFile] = field(default_factory=list)
    previous: str | None = None
    code: str | None = None
    title: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    sheets: int | None = None
    ead: dict[str, str] = field(default_factory=dict)


def package_facts(archive_root: Path, rel: object) -> PackageFacts | None:
    """The facts of the package folder ``rel`` (relative to the archive); None when it holds no METS."""
    if not isinstance(rel, str) or not rel:
        return None
    folder = archive_root / rel
    if not (folder / ROOT_METS).is_file():
        return None
    try:
        mets = parse(folder / ROOT_METS).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    alt = next((n.text for n in mets.iter(qname(METS_NS, "altRecordID"))
                if n.get("TYPE") == "PREVIOUSVERSION" and n.text), None)
    entries, _problems = listed_files(folder)
    ead = read_ead(folder)
    sheets = ead.get("numberOfPaper", "")
    return PackageFacts(PurePosixPath(Path(rel).as_posix()).as_posix(), mets.get("OBJID") or folder.name,
                        sha256_file(folder / ROOT_METS), entries, alt, _dossier_code(entries, ead), ead.get("title"),
                        iso_date(ead.get("startDate")), iso_date(ead.get("endDate")),
                        int(sheets) if sheets.isdigit() else None, ead)


def _dossier_code(entries: list[ListedFile], ead: dict[str, str]) -> str | None:
    """The dossier code: the stem of the first document (``<mã hồ sơ>.1.pdf``), else the EAD's ``arcFileCode``.

    ``arcFileCode`` is agency . fonds . code (TT 05/2025), and agency and fonds codes may hold dots
    themselves, so the code is read from the document's name, which is the code alone.
    """
    first = sorted(e.path for e in entries if e.path.startswith("representations/rep1/data/") and
                   e.path.endswith(".1.pdf"))
    if first:
        return PurePosixPath(first[0]).name[:-len(".1.pdf")]
    return ead.get("arcFileCode") or None


def read_ead(folder: Path) -> dict[str, str]:
    """The dossier EAD (``simpledc``) elements, tag → text; empty when unreadable."""
    try:
        root = parse(folder / EAD).getroot()
    except (OSError, etree.XMLSyntaxError):
        return {}
    return {etree.QName(node).localname: (node.text or "").strip() for node in root
            if isinstance(node.tag, str)}


def iso_date(value: str | None) -> str | None:
    """A TT 05/2025 date (``DD/MM/YYYY``, ``MM/YYYY`` or ``YYYY``) as ISO (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``)."""
    if not value:
        return None
    for pattern, out in (("%d/%m/%Y", "%Y-%m-%d"), ("%m/%Y", "%Y-%m"), ("%Y", "%Y")):
        try:
            return datetime.strptime(value, pattern).strftime(out)
        except ValueError:
            continue
    return None


def premis_events(folder: Path, name: str = PREMIS) -> list[PremisEvent]:
    """The events of a PREMIS file (a package's, or an audit's), in document order."""
    try:
        root = parse(folder / name).getroot()
    except (OSError, etree.XMLSyntaxError):
        return []
    agents = {_text(a, "agentIdentifier/agentIdentifierValue"): _text(a, "agentName")
              for a in root.iter(qname(PREMIS_NS, "agent"))}
    events = []
    for node in root.iter(qname(PREMIS_NS, "event")):
        agent_id = _text(node, "linkingAgentIdentifier/linkingAgentIdentifierValue")
        try:
            events.append(PremisEvent(_text(node, "eventType"), datetime.fromisoformat(_text(node, "eventDateTime")),
                                      _text(node, "eventOutcomeInformation/eventOutcome") or "success",
                                      _text(node, "eventDetailInformation/eventDetail"),
                                      agents.get(agent_id) or agent_id or "unknown"))
        except (ValueError, ArchiveError):  # one unreadable event is skipped, not fatal
            continue
    return events


def _text(node: etree._Element, path: str) -> str:
    """The text at a ``/``-separated PREMIS path below ``node`` ('' when absent)."""
    found = node.find("/".join(f"{{{PREMIS_NS}}}{part}" for part in path.split("/")))
    return (found.text or "").strip() if found is not None else ""


def package_record(folder: Path) -> tuple[dict | None, str]:
    """The export record a package holds, and where it came from.

    ``record.json`` when present (contract C5, the whole record but ``package`` and ``pdf``);
    else the searchable part put together from ``fields/fields.json`` and the OCR files; else None.
    """
    try:
        record = json.loads((folder / RECORD_JSON).read_text(encoding="utf-8"))
        if isinstance(record, dict):
            return record, "record.json"
    except (OSError, ValueError):
        pass
    fields = _json(folder / OTHER / "fields" / "fields.json")
    pages = _ocr_pages(folder)
    if fields is None and not pages:
        return None, "none"
    record: dict = {"pages": pages}
    if isinstance(fields, dict):
        record["form_type"] = fields.get("form_type") or "unknown"
        record["fields"] = {k: {key: v.get(key) for key in ("value", "confidence", "needs_review", "reason")
                                if key in v}
                            for k, v in (fields.get("fields") or {}).items() if isinstance(v, dict)}
    return record, "fields.json+ocr"


def _ocr_pages(folder: Path) -> list[dict]:
    """Page texts from ``ocr/text.txt`` (pages joined by form feeds), numbered as ``ocr/ocr.json`` lists them."""
    try:
        texts = (folder / OTHER / "ocr" / "text.txt").read_text(encoding="utf-8").split("\n\f")
    except OSError:
        return []
    numbers = [p.get("source_page") for p in _json(folder / OTHER / "ocr" / "ocr.json") or []
               if isinstance(p, dict)]
    if len(numbers) != len(texts) or not all(isinstance(n, int) for n in numbers):
        numbers = list(range(1, len(texts) + 1))
    return [{"source_page": n, "text": t} for n, t in zip(numbers, texts, strict=True)]


def _json(path: Path) -> object:
    """A JSON file's content, or None when missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

