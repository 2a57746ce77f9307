"""A package's descriptive metadata read back: its EAD files as the :class:`DossierMetadata` they were written from.

A new version whose metadata changes as a whole — a temporary dossier code replaced by the real one
renames the documents and moves every ``arcFileCode`` and ``docCode`` — is written by
:func:`archive.versions.derive_version` from a ``DossierMetadata``. The package is the truth, so the
metadata comes from the package itself: every TT 05/2025 element of ``EAD.xml`` and of each
``EAD_doc_<n>.xml`` maps back to a field of :class:`DossierMetadata` / :class:`DocumentMetadata`.
What the EAD holds only inside a document's ``description`` (its kind, pages, signer, place and the
elements to check) comes from the dossier's export record (``documents``, contract C3), clipped as
the pipeline clipped it. :func:`read_metadata` checks the round trip — the metadata writes the same
EAD bytes again — and says whether it held.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from archive._assemble import REP_BASE, ROOT_EAD
from archive._xml import parse
from archive.ead import document_ead, dossier_ead
from archive.model import DOCUMENT_KINDS, FORM_TYPE_RE, DocumentMetadata, DossierMetadata
from sohoa.errors import ArchiveError

_DOC_EAD = re.compile(r"EAD_doc_(\d+)\.xml$")
_CLIP = {"place": 100, "signer": 100, "signer_title": 100}
"""The lengths the pipeline cuts these document elements to (``pipeline/description.py``)."""


@dataclass(frozen=True)
class ReadMetadata:
    """The metadata a package's EAD files were written from.

    Attributes:
        meta: The dossier's metadata, documents included.
        exact: True when ``meta`` writes every EAD file of the package again byte for byte.
    """

    meta: DossierMetadata
    exact: bool


def read_metadata(package: Path, record: Mapping[str, object], *, agency_code: str,
                  dossier_code: str) -> ReadMetadata:
    """Read the dossier's metadata from the package's EAD files (and the record, for what they don't hold).

    Args:
        package: The package version.
        record: The dossier's export record (``form_type``, ``pages``, ``documents``).
        agency_code: The archive agency the package's METS names.
        dossier_code: The dossier code the package carries.

    Raises:
        ArchiveError: An EAD file is missing or unreadable, or its ``arcFileCode`` does not name this
            agency and dossier (reason ``package_damaged``).
    """
    dossier = _elements(package / ROOT_EAD)
    fonds = _fonds(dossier.get("arcFileCode", ""), agency_code, dossier_code)
    docs_xml = sorted(((int(m.group(1)), p) for p in (package / REP_BASE / "metadata" / "descriptive").glob("*.xml")
                       if (m := _DOC_EAD.search(p.name))), key=lambda item: item[0])
    read_docs = [d for d in record.get("documents") or () if isinstance(d, Mapping)]
    if len(read_docs) != len(docs_xml):
        read_docs = []
    documents = tuple(_document(n, _elements(path), read_docs[n - 1] if read_docs else None, record)
                      for n, path in docs_xml)
    form_type = record.get("form_type")
    try:
        meta = DossierMetadata(
            dossier_code=dossier_code, title=dossier.get("title", ""),
            form_type=str(form_type) if isinstance(form_type, str) and FORM_TYPE_RE.fullmatch(form_type) else "unknown",
            number_of_pages=int(dossier.get("numberOfPage") or 0), number_of_paper=int(dossier.get("numberOfPaper") or 0),
            start_date=_dmy(dossier.get("startDate")), end_date=_dmy(dossier.get("endDate")),
            language=dossier.get("language") or "01", agency_code=agency_code, fonds_code=fonds,
            maintenance=dossier.get("maintenance") or "07", confidence_level=dossier.get("confidenceLevel") or "02",
            mode=dossier.get("mode") or "02", paper_file_code=dossier.get("paperFileCode") or None,
            keyword=dossier.get("keyword") or None, info_sign=dossier.get("inforSign") or None,
            physical_condition=dossier.get("format") or None, description=dossier.get("description") or None,
            documents=documents)
    except (ValueError, ArchiveError) as exc:
        raise _damaged(f"its EAD does not read back as TT 05/2025 metadata ({exc})") from exc
    return ReadMetadata(meta, _writes_the_same(package, meta, [p for _, p in docs_xml]))


def _document(ordinal: int, ead: Mapping[str, str], read: Mapping[str, object] | None,
              record: Mapping[str, object]) -> DocumentMetadata:
    """One document from its ``EAD_doc`` and, when the record lists it, what the fields stage read."""
    read = read or {}
    kind = read.get("kind") if read else "component"
    reasons = read.get("reasons") if isinstance(read.get("reasons"), Mapping) else {}
    pages = tuple(p for p in read.get("pages") or () if isinstance(p, int)) if read else _kept_pages(record)
    form_type = read.get("form_type") if read else record.get("form_type")
    try:
        return DocumentMetadata(
            ordinal=ordinal, pages=pages, kind=str(kind) if kind in DOCUMENT_KINDS else "other",
            type_code=ead.get("typeName") or "32", type_name=ead.get("keyword") or "",
            form_type=str(form_type) if isinstance(form_type, str) and FORM_TYPE_RE.fullmatch(form_type) else "unknown",
            number=ead.get("codeNumber") or None, notation=ead.get("codeNotation") or None,
            issued=_dmy(ead.get("issuedDate")) if ead.get("issuedDate") else None,
            place=_clip(read.get("place"), "place"), issuer=ead.get("organName") or None,
            subject=ead.get("subject") or None, signer=_clip(read.get("signer"), "signer"),
            signer_title=_clip(read.get("signer_title"), "signer_title"),
            review=tuple(sorted((str(k), str(v)) for k, v in reasons.items())))  # type: ignore[union-attr]
    except (ValueError, ArchiveError) as exc:
        raise _damaged(f"its EAD_doc_{ordinal}.xml does not read back as TT 05/2025 metadata ({exc})") from exc


def _kept_pages(record: Mapping[str, object]) -> tuple[int, ...]:
    """The source pages of the PDF (blank backs left out): a dossier described as one document."""
    return tuple(p["source_page"] for p in record.get("pages") or ()
                 if isinstance(p, Mapping) and not p.get("blank") and isinstance(p.get("source_page"), int))


def _writes_the_same(package: Path, meta: DossierMetadata, doc_files: Sequence[Path]) -> bool:
    """True when ``meta`` writes the package's EAD files again, byte for byte."""
    if dossier_ead(meta, total_docs=len(meta.documents)) != (package / ROOT_EAD).read_bytes():
        return False
    return all(document_ead(meta, doc) == path.read_bytes() for doc, path in zip(meta.documents, doc_files,
                                                                                 strict=True))


def _elements(path: Path) -> dict[str, str]:
    """Element name → text of a flat ``<simpledc>`` file."""
    try:
        root = parse(path).getroot()
    except (OSError, ValueError) as exc:
        raise _damaged(f"{path.name} is missing or unreadable") from exc
    return {child.tag: child.text or "" for child in root if isinstance(child.tag, str)}


def _fonds(arc_file_code: str, agency_code: str, dossier_code: str) -> str:
    """The fonds code inside ``arcFileCode`` (agency . fonds . dossier code)."""
    head, tail = f"{agency_code}.", f".{dossier_code}"
    if not (arc_file_code.startswith(head) and arc_file_code.endswith(tail)) or \
            len(arc_file_code) <= len(head) + len(tail):
        raise _damaged("its arcFileCode does not name its agency and dossier code")
    return arc_file_code[len(head):-len(tail)]


def _dmy(text: str | None) -> date:
    """A TT 05/2025 date (``DD/MM/YYYY``)."""
    try:
        return datetime.strptime(text or "", "%d/%m/%Y").date()
    except ValueError as exc:
        raise _damaged("a date of its EAD is not DD/MM/YYYY") from exc


def _clip(value: object, key: str) -> str | None:
    text = " ".join(str(value).split()) if isinstance(value, (str, int)) else ""
    return text[:_CLIP[key]] or None


def _damaged(why: str) -> ArchiveError:
    return ArchiveError(f"the package's descriptive metadata cannot be read back: {why}", reason="package_damaged",
                        message_vi="Không đọc lại được đặc tả (EAD) của gói lưu trữ.")
