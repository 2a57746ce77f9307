"""A CCCD number and the birth date it disagrees with: either may be the misread one."""

from __future__ import annotations

from dataclasses import replace

from configs.form_schema import FormTemplate
from fields.model import FieldValue

_BOTH_SIDES = {"cccd_birth_year", "cccd_century"}


def cross_flag(template: FormTemplate, values: dict[str, FieldValue], factor: float) -> dict[str, FieldValue]:
    """A CCCD number and the birth date it disagrees with: either may be the misread one, so both go
    to review (the date with the same reason)."""
    for spec in template.fields:
        got = values.get(spec.key)
        date_key = spec.birth_date_field
        if got is None or got.reason not in _BOTH_SIDES or not date_key or date_key not in values:
            continue
        when = values[date_key]
        if when.value and not when.needs_review:
            values[date_key] = replace(when, needs_review=True, reason=got.reason,
                                       confidence=round(when.confidence * factor, 4))
    return values
