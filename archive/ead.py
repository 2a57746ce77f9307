"""Descriptive metadata of an AIP_hoso: the dossier ``EAD.xml`` and one ``EAD_doc_<n>.xml`` per document.

TT 05/2025 names these files EAD but their content is a flat ``<simpledc>`` record with the
element names of its appendices (``arcFileCode``, ``maintenance`` …), not EAD 2002/3. The TT's own
XSD was not available, so the elements are written without a namespace, every one the circular
lists for an AIP (:data:`DOSSIER_ELEMENTS`, :data:`DOCUMENT_ELEMENTS`), in its order; an element
the data does not fill is written empty. Output is deterministic (no timestamps), so a rebuild of
the same dossier gives the same bytes. Where each value comes from: README, "The archive".
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from archive._xml import sub, to_bytes
from archive.model import DocumentMetadata, DossierMetadata, dmy

DOSSIER_ELEMENTS = (
    "arcFileCode", "title", "maintenance", "mode", "language", "startDate", "endDate", "keyword",
    "totalDoc", "numberOfPaper", "numberOfPage", "format", "inforSign", "confidenceLevel",
    "paperFileCode", "riskRecovery", "riskRecoveryStatus", "description",
)
"""The 18 dossier elements of an AIP_hoso ``EAD.xml`` (TT 05/2025/TT-BNV Phụ lục I; the project's
regulations digest, §5.3)."""

DOCUMENT_ELEMENTS = (
    "arcFileCode", "mode", "language", "keyword", "numberOfPage", "format", "inforSign",
    "confidenceLevel", "description", "docCode", "docOrdinal", "typeName", "codeNumber",
    "codeNotation", "issuedDate", "organName", "subject", "autograph", "process",
)
"""The 19 document elements of an AIP ``EAD_doc`` (same source). ``autograph`` (bút tích) and
``process`` (for born-digital records) have no data in a digitized dossier and stay empty."""

_ELEMENT_VI = {"number": "số", "notation": "ký hiệu", "issued": "ngày ban hành", "place": "địa danh",
               "issuer": "cơ quan ban hành", "subject": "trích yếu", "type": "tên loại", "signer": "người ký",
               "signer_title": "chức vụ người ký"}
"""The NĐ 30/2020 element names of the keys of a document's ``reasons`` (contract C3)."""
_DOC_NOTE_MAX = 500
"""Ghi chú of a document: at most 500 characters."""
RISK_RECOVERY = "0"
"""``riskRecovery`` (chế độ lập tài liệu lưu trữ dự phòng): sohoa makes no backup-copy record
(microfilm); ``riskRecoveryStatus`` is then empty, as the TT allows."""


def dossier_ead(meta: DossierMetadata, *, total_docs: int) -> bytes:
    """Build the dossier-level ``EAD.xml``.

    Args:
        meta: The dossier metadata.
        total_docs: Number of documents in the dossier (``totalDoc``).

    Returns:
        The XML document as UTF-8 bytes.
    """
    values: dict[str, str | None] = {
        "arcFileCode": meta.archival_code, "title": meta.title, "maintenance": meta.maintenance,
        "mode": meta.mode, "language": meta.language, "startDate": dmy(meta.start_date),
        "endDate": dmy(meta.end_date), "keyword": meta.keyword, "totalDoc": str(total_docs),
        "numberOfPaper": str(meta.number_of_paper), "numberOfPage": str(meta.number_of_pages),
        "format": meta.physical_condition, "inforSign": meta.info_sign,
        "confidenceLevel": meta.confidence_level, "paperFileCode": meta.paper_file_code,
        "riskRecovery": RISK_RECOVERY, "riskRecoveryStatus": None, "description": meta.description,
    }
    return _record(DOSSIER_ELEMENTS, values.get)


def document_ead(meta: DossierMetadata, doc: DocumentMetadata) -> bytes:
    """Build ``EAD_doc_<ordinal>.xml`` for one document of the dossier.

    Args:
        meta: The dossier metadata (codes the documents share).
        doc: The document.

    Returns:
        The XML document as UTF-8 bytes.
    """
    values: dict[str, str | None] = {
        "arcFileCode": meta.archival_code, "mode": meta.mode, "language": meta.language,
        "keyword": doc.type_name or None, "numberOfPage": str(len(doc.pages)),
        "format": meta.physical_condition, "inforSign": meta.info_sign,
        "confidenceLevel": meta.confidence_level, "description": document_note(doc),
        "docCode": f"{meta.archival_code}.{doc.ordinal:07d}", "docOrdinal": str(doc.ordinal),
        "typeName": doc.type_code, "codeNumber": doc.number, "codeNotation": doc.notation,
        "issuedDate": dmy(doc.issued) if doc.issued else None, "organName": doc.issuer,
        "subject": doc.subject,
    }
    return _record(DOCUMENT_ELEMENTS, values.get)


def document_note(doc: DocumentMetadata) -> str:
    """The document's ``description``: what it is, its pages, its signer, what needs a look (Vietnamese)."""
    kind = {"component": "Thành phần hồ sơ", "result": "Kết quả giải quyết thủ tục hành chính",
            "other": "Tài liệu khác"}[doc.kind]
    parts = [f"{kind}: {doc.title}"]
    if doc.pages:
        pages = f"trang {doc.pages[0]}" if len(doc.pages) == 1 else f"trang {doc.pages[0]}–{doc.pages[-1]}"
        parts[0] += f" ({pages} của bản quét)"
    if doc.signer or doc.signer_title:
        parts.append(f"Người ký: {' '.join(p for p in (doc.signer_title, doc.signer) if p)}")
    if doc.place:
        parts.append(f"Địa danh: {doc.place}")
    if doc.review:
        parts.append("Cần kiểm tra: " + ", ".join(_ELEMENT_VI.get(key, key) for key, _ in doc.review))
    return (". ".join(parts) + ".")[:_DOC_NOTE_MAX]


def _record(elements: tuple[str, ...], value: Callable[[str], str | None]) -> bytes:
    """A ``<simpledc>`` with every element, in order; an unknown value is an empty element."""
    root = etree.Element("simpledc")
    for tag in elements:
        sub(root, tag, value(tag) or "")
    return to_bytes(root)
