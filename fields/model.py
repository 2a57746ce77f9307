"""What field extraction produces: one classified form with validated, scored fields."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldValue:
    """One extracted field.

    Attributes:
        value: The cleaned value (NFC, inner whitespace collapsed); kept even when it fails validation.
        confidence: In [0, 1]: mean OCR word confidence, lowered when validation or cleaning failed.
        needs_review: True when a clerk must look at it (low confidence, invalid, or missing).
        reason: A stable key such as ``invalid_date`` or ``not_found``; never the value itself.
    """

    value: str
    confidence: float
    needs_review: bool
    reason: str | None = None


@dataclass(frozen=True)
class FormResult:
    """The fields of one dossier's form.

    Attributes:
        form_type: ``khai_sinh``, ``ket_hon``, ``ct01``, ``ho_kinh_doanh`` (any template) or ``unknown``.
        fields: Field key → value; empty for ``unknown``.
        classification_confidence: In [0, 1].
    """

    form_type: str
    fields: dict[str, FieldValue]
    classification_confidence: float


def form_result_to_dict(result: FormResult) -> dict:
    """A JSON-ready dict of a form result.

    Args:
        result: The form result.

    Returns:
        A dict of plain JSON types; :func:`form_result_from_dict` reverses it.
    """
    return {
        "form_type": result.form_type,
        "classification_confidence": result.classification_confidence,
        "fields": {
            key: {"value": f.value, "confidence": f.confidence, "needs_review": f.needs_review,
                  "reason": f.reason}
            for key, f in result.fields.items()
        },
    }


def form_result_from_dict(data: dict) -> FormResult:
    """The inverse of :func:`form_result_to_dict`.

    Args:
        data: A dict as written by :func:`form_result_to_dict`.

    Returns:
        The form result.
    """
    fields = {
        key: FieldValue(value=f["value"], confidence=float(f["confidence"]),
                        needs_review=bool(f["needs_review"]), reason=f.get("reason"))
        for key, f in data.get("fields", {}).items()
    }
    return FormResult(form_type=data["form_type"], fields=fields,
                      classification_confidence=float(data["classification_confidence"]))
