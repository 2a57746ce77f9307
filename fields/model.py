"""What field extraction produces: the dossier's documents, and its form's validated, scored fields."""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FieldValue:
    """One extracted field.

    Attributes:
        value: The cleaned value (NFC, inner whitespace collapsed); kept even when it fails validation.
        confidence: In [0, 1]: mean OCR word confidence, lowered when validation or cleaning failed.
        needs_review: True when a clerk must look at it (low confidence, invalid, or missing).
        reason: A stable key such as ``invalid_date`` or ``not_found``; never the value itself.
        page: The source page number the value was read on (``pages[].source_page``); None if not found.
        box: ``(x0, y0, x1, y1)`` in [0, 1] of the upright, deskewed page; None if not found.
    """

    value: str
    confidence: float
    needs_review: bool
    reason: str | None = None
    page: int | None = field(default=None, compare=False)
    box: Box | None = field(default=None, compare=False)
    """Where a value is does not change what it is: equality compares what was read."""


@dataclass(frozen=True)
class Document:
    """One document of a dossier (contract C3): a form the citizen filed, a result, or another paper.

    ``elements`` holds the NĐ 30/2020 elements read (``number``, ``notation``, ``issued`` ISO date,
    ``place``, ``issuer``, ``subject``, ``signer``, ``signer_title``); absent ones are left out.
    ``reasons`` maps an element to the review reason key when it needs a look.
    """

    pages: tuple[int, ...]
    kind: str
    type: str
    type_name: str
    type_code: str
    form_type: str
    elements: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        """True when an element (or the document's type) needs a clerk's look."""
        return bool(self.reasons)

    def to_dict(self) -> dict:
        """The JSON object of ``fields.json``'s ``documents`` list."""
        return {"pages": list(self.pages), "kind": self.kind, "type": self.type, "type_name": self.type_name,
                "type_code": self.type_code, "form_type": self.form_type, **self.elements,
                "confidence": round(self.confidence, 4), "needs_review": self.needs_review,
                "reasons": dict(self.reasons)}


@dataclass(frozen=True)
class FormResult:
    """The fields of one dossier's form, and the documents the dossier holds.

    Attributes:
        form_type: The form type of the dossier's first component (any template) or ``unknown``.
        fields: Field key → value; empty for ``unknown``.
        classification_confidence: In [0, 1].
        documents: The dossier's documents in page order.
        review: Dossier-level review reasons (``unknown_type``: a document sohoa cannot type).
    """

    form_type: str
    fields: dict[str, FieldValue]
    classification_confidence: float
    documents: tuple[Document, ...] = ()
    review: tuple[str, ...] = ()


def _field_dict(f: FieldValue) -> dict:
    out = {"value": f.value, "confidence": f.confidence, "needs_review": f.needs_review, "reason": f.reason}
    if f.page is not None and f.box is not None:
        out |= {"page": f.page, "box": [round(c, 4) for c in f.box]}
    return out


def form_result_to_dict(result: FormResult) -> dict:
    """A JSON-ready dict of a form result (``fields.json``).

    Args:
        result: The form result.

    Returns:
        A dict of plain JSON types; :func:`form_result_from_dict` reverses it.
    """
    return {
        "form_type": result.form_type,
        "classification_confidence": result.classification_confidence,
        "fields": {key: _field_dict(f) for key, f in result.fields.items()},
        "documents": [d.to_dict() for d in result.documents],
        "review": list(result.review),
    }


_DOC_KEYS = {"pages", "kind", "type", "type_name", "type_code", "form_type", "confidence", "needs_review",
             "reasons"}


def _document(data: dict) -> Document:
    return Document(pages=tuple(data["pages"]), kind=data["kind"], type=data["type"], type_name=data["type_name"],
                    type_code=data["type_code"], form_type=data["form_type"],
                    elements={k: v for k, v in data.items() if k not in _DOC_KEYS},
                    confidence=float(data.get("confidence", 0.0)), reasons=dict(data.get("reasons", {})))


def form_result_from_dict(data: dict) -> FormResult:
    """The inverse of :func:`form_result_to_dict` (older files without documents read too)."""
    fields = {
        key: FieldValue(value=f["value"], confidence=float(f["confidence"]),
                        needs_review=bool(f["needs_review"]), reason=f.get("reason"), page=f.get("page"),
                        box=tuple(f["box"]) if f.get("box") else None)
        for key, f in data.get("fields", {}).items()
    }
    return FormResult(form_type=data["form_type"], fields=fields,
                      classification_confidence=float(data["classification_confidence"]),
                      documents=tuple(_document(d) for d in data.get("documents", [])),
                      review=tuple(data.get("review", [])))
