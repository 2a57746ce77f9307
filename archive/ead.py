"""Descriptive metadata of an AIP_hoso: the dossier ``EAD.xml`` and per-document ``EAD_doc_<n>.xml``.

TT 05/2025 names these files EAD but their content is a flat ``<simpledc>`` record with the
element names of its appendices (``arcFileCode``, ``maintenance`` …), not EAD 2002/3. The TT's own
XSD was not available, so the elements are written without a namespace, in the appendix order,
and fields we do not know are left out rather than written empty. Output is deterministic
(no timestamps), so a rebuild of the same dossier gives the same bytes.
"""

from __future__ import annotations

from lxml import etree

from archive._xml import sub, to_bytes
from archive.model import DossierMetadata, dmy

DOC_TYPE_OTHER = "32"
"""TT 05/2025 ``typeName`` 32 = Khác: the pipeline does not classify a scan's document type."""


def dossier_ead(meta: DossierMetadata, *, total_docs: int) -> bytes:
    """Build the dossier-level ``EAD.xml`` (the AIP fields of TT 05/2025 §5.3).

    Args:
        meta: The dossier metadata.
        total_docs: Number of documents (PDF files) in the dossier (``totalDoc``).

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = etree.Element("simpledc")
    for tag, value in _dossier_fields(meta, total_docs):
        if value is not None:
            sub(root, tag, value)
    return to_bytes(root)


def _dossier_fields(meta: DossierMetadata, total_docs: int) -> list[tuple[str, str | None]]:
    """The dossier elements in appendix order; None means "not known, leave out"."""
    return [
        ("arcFileCode", meta.dossier_code),
        ("title", meta.title),
        ("maintenance", meta.maintenance),
        ("mode", meta.mode),
        ("language", meta.language),
        ("startDate", dmy(meta.start_date)),
        ("endDate", dmy(meta.end_date)),
        ("keyword", meta.keyword),
        ("totalDoc", str(total_docs)),
        ("numberOfPaper", str(meta.number_of_paper)),
        ("numberOfPage", str(meta.number_of_pages)),
        ("format", meta.physical_condition),
        ("confidenceLevel", meta.confidence_level),
        ("paperFileCode", meta.paper_file_code or meta.dossier_code),
        ("riskRecovery", "0"),
        ("description", meta.description),
    ]


def document_ead(meta: DossierMetadata, ordinal: int) -> bytes:
    """Build ``EAD_doc_<ordinal>.xml`` for one document (the AIP document fields we know).

    Args:
        meta: The dossier metadata.
        ordinal: The document's number in the dossier, from 1.

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = etree.Element("simpledc")
    fields = [
        ("arcFileCode", meta.dossier_code),
        ("docCode", f"{meta.dossier_code}.{ordinal:07d}"),
        ("docOrdinal", str(ordinal)),
        ("typeName", DOC_TYPE_OTHER),
        ("mode", meta.mode),
        ("language", meta.language),
        ("confidenceLevel", meta.confidence_level),
        ("format", meta.physical_condition),
    ]
    for tag, value in fields:
        if value is not None:
            sub(root, tag, value)
    return to_bytes(root)
