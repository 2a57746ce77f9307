"""Checks across a form's values: a CCCD number and the birth date it disagrees with (either may be the
misread one), and a table row read in part (an empty cell beside filled ones)."""

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
    return _empty_cells(template, values)


def _empty_cells(template: FormTemplate, values: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """A table row with a name in it whose other cells are empty: a cell left empty on a household's
    row (a member's sex, relation) is more often a cell the layout did not find than one left blank, so
    it goes to review (``empty``); a row with no name is an unused row, left alone."""
    rows: dict[tuple[str | None, int | None], list[str]] = {}
    for spec in template.fields:
        if spec.where == "table-column":
            rows.setdefault((spec.table, spec.row), []).append(spec.key)
    for keys in rows.values():
        named = any(values[k].value for k in keys if k in values and _is_name(template, k))
        for key in keys if named else ():
            got = values.get(key)
            if got is not None and not got.value and not got.needs_review:
                values[key] = replace(got, needs_review=True, reason="empty")
    return values


def _is_name(template: FormTemplate, key: str) -> bool:
    return any(spec.key == key and spec.type == "name" for spec in template.fields)
