"""Words → classified form with validated, scored fields.

For each field of the matching template: find its label (or table cell), clean the value, validate it
by type, and score it. Confidence is the mean OCR confidence of the value's words, lowered when
validation fails or digits had to be guessed; ``needs_review`` is set when the confidence is under the
threshold, validation failed, or a required field (or a label) was not found. Failing values are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from configs.form_schema import FieldSpec, FormTemplate
from fields import validators as v
from fields.admin_units import check_units
from fields.classify import UNKNOWN, classify
from fields.date_words import correct_words, parse_date_words
from fields.locate import Document, in_table, near_label, prepare
from fields.model import FieldValue, FormResult
from fields.names import correct_name, correct_street
from fields.text import document_lines, fold
from fields.values import RawValue, clean_digits, clean_value, drop_trailing_numbering
from ocr.model import PageText

_LETTER_TYPES = {"name", "address", "text", "date-words"}
INVALID_FACTOR = 0.6
"""Confidence is multiplied by this when validation fails."""
GUESSED_DIGITS_FACTOR = 0.7
"""… and by this when look-alike letters were read as digits."""


def _raw_value(doc: Document, template: FormTemplate, spec: FieldSpec) -> RawValue | None | bool:
    """The field's cleaned value; None if its label was found but nothing follows; False if not found."""
    if spec.where == "table-column":
        tokens = in_table(doc, template, spec)
    else:
        tokens = near_label(doc, spec)
    if tokens is None:
        return False
    tokens = drop_trailing_numbering(tokens)
    if spec.type == "cccd" or spec.where == "boxed-digits":
        return clean_digits(tokens, spec.prefixes)
    return clean_value(tokens, spec.prefixes)


def _check_date_words(spec: FieldSpec, value: str, raws: dict[str, RawValue | None | bool],
                      ) -> tuple[bool, str | None, str]:
    """A worded date: number words only (misread diacritics put back) and the same day as in figures."""
    text, _, known = correct_words(value)
    spelt = parse_date_words(text) if known else None
    if spelt is None:
        return False, "invalid_date_words", value
    figures = _text_of(raws, spec.date_field)
    if figures is not None:
        ok, _, normal = v.check_date(figures)
        if not ok or normal != spelt.strftime("%d/%m/%Y"):
            return False, "date_words_mismatch", text
    return True, None, text


def _validate(spec: FieldSpec, value: str, raws: dict[str, RawValue | None | bool],
              ) -> tuple[bool, str | None, str]:
    if spec.admin_units or (spec.admin_units is None and spec.type == "address"):
        value, reason, _ = check_units(value)
        if reason is not None:
            return False, reason, value
    if spec.type == "address":
        value = correct_street(" ".join(value.replace(":", " ").split()))  # no colon in an address
    if spec.type in ("address", "text") and "@" not in value:
        ok, reason, value = v.tidy_punctuation(value)
        if not ok:
            return False, reason, value
    if spec.type in _LETTER_TYPES and "@" not in value:
        ok, reason, _ = v.check_letters(value)
        if not ok:
            return False, reason, value
    if spec.type == "date-words":
        return _check_date_words(spec, value, raws)
    if spec.type == "date":
        return v.check_date(value)
    if spec.type == "name":
        return v.check_name(correct_name(v.split_glued_name(value)))
    if spec.type == "phone":
        ok, reason, digits = v.check_phone(value)
        return ok, reason, digits if ok else value
    if spec.type == "email":
        return v.check_email(value)
    if spec.type == "province":
        ok, reason, official = v.check_province(value)
        glued, _, value = v.tidy_punctuation(value)
        if ok and fold(official) == fold(value):
            return True, None, official  # same letters: spacing and diacritics as in the official name
        return ok and glued, reason or (None if glued else "glued_words"), value
    if spec.type == "cccd":
        return v.check_cccd(value, birth_date=_text_of(raws, spec.birth_date_field),
                            sex=spec.sex or _text_of(raws, spec.sex_field),
                            allow_cmnd=spec.where != "boxed-digits")
    if spec.choices:
        canonical = {fold(c): c for c in spec.choices}
        if fold(value) not in canonical:
            return False, "invalid_choice", value
        value = canonical[fold(value)]  # the letters are right: lost spaces or a diacritic put back
    if spec.type == "address" and not any(c.isalpha() for c in value):
        return False, "invalid_address", value
    return True, None, value


def _text_of(raws: dict[str, RawValue | None | bool], key: str | None) -> str | None:
    raw = raws.get(key) if key else None
    return raw.text if isinstance(raw, RawValue) else None


def _missing(spec: FieldSpec, label_found: bool) -> FieldValue:
    if label_found:
        return FieldValue("", 0.0, spec.required, "empty")
    return FieldValue("", 0.0, True, "not_found")


def _field_value(spec: FieldSpec, raws: dict[str, RawValue | None | bool], threshold: float,
                 truncated: bool) -> FieldValue:
    raw = raws[spec.key]
    if not isinstance(raw, RawValue):
        return _missing(spec, raw is None)
    ok, reason, value = _validate(spec, raw.text, raws)
    confidence = raw.confidence
    if truncated:  # the root cause: whatever else failed, the rest of the value is missing
        ok, reason = False, "truncated"
    if raw.substituted:
        confidence *= GUESSED_DIGITS_FACTOR
        reason = reason or "ocr_digits_guessed"
    if not ok:
        confidence *= INVALID_FACTOR
    if reason is None and confidence < threshold:
        reason = "low_confidence"
    review = not ok or raw.substituted or confidence < threshold
    return FieldValue(value, round(confidence, 4), review, reason)


def extract_with(pages: Sequence[PageText], template: FormTemplate, *,
                 review_threshold: float = 0.80) -> dict[str, FieldValue]:
    """The fields of ``pages`` read with one given template (no classification).

    Args:
        pages: The OCR'd pages of one dossier.
        template: The form template to read them with.
        review_threshold: Fields under this confidence need review.

    Returns:
        Field key → value, for every field of the template.
    """
    doc = prepare(document_lines(list(pages)), template)
    raws = {spec.key: _raw_value(doc, template, spec) for spec in template.fields}
    return {spec.key: _field_value(spec, raws, review_threshold, spec.key in doc.truncated)
            for spec in template.fields}


def extract(pages: Sequence[PageText], templates: Sequence[FormTemplate], *,
            review_threshold: float = 0.80) -> FormResult:
    """Classify a dossier's pages and extract the fields of its form.

    Args:
        pages: The OCR'd pages of one dossier, in order.
        templates: The form templates (:func:`fields.templates.load_templates`).
        review_threshold: Fields under this confidence need review.

    Returns:
        The form result; ``unknown`` forms have no fields.
    """
    form_type, confidence = classify(pages, templates)
    if form_type == UNKNOWN:
        return FormResult(UNKNOWN, {}, confidence)
    template = next(t for t in templates if t.form_type == form_type)
    fields = extract_with(pages, template, review_threshold=review_threshold)
    return FormResult(form_type, fields, confidence)
