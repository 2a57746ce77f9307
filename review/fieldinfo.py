"""What the station knows about a field from the form templates: its label, its check, its context.

Labels and form names come from the templates through contract C2/C4's own functions
(``fields.templates.field_label``: the template's ``display``, else the printed label qualified by
its section where labels repeat, "Nơi cư trú (mẹ)"; ``form_titles``: the template's ``title-vi``),
so the station names a field as the reports and the XLSX do.

The checks run while a clerk types (:func:`check_value`) reuse ``fields.validators`` and
``fields.admin_units`` — the same rules extraction applies — and answer in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archive.decisions import CODE_FIELD
from fields import validators
from fields.admin_units import check_units
from fields.templates import FORMS_DIR, field_label, form_titles, load_templates

CHECK_OF_TYPE = {"date": "date", "cccd": "cccd", "address": "place", "province": "place", "name": "name",
                 "phone": "phone", "email": "email", "number": "number"}
"""Template field type → the check run while typing."""
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MESSAGES_VI = {
    "code_invalid": "Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang (tối đa 100 ký tự).",
    "code_taken": "Mã hồ sơ này đã được dùng cho hồ sơ khác.",
    "empty": "Chưa nhập giá trị (nếu trường không có trên tờ khai, nhấn F9).",
}


@dataclass(frozen=True)
class FieldInfo:
    """One field of one form type, as the station shows and checks it."""

    label: str
    check: str
    """``date``, ``cccd``, ``place``, ``name``, ``phone``, ``email``, ``code`` or ``text`` (no check)."""
    birth_date_field: str | None = None
    sex_field: str | None = None
    sex: str | None = None


class FormInfo:
    """The templates of a site, read once."""

    def __init__(self, forms_dir: Path | None = None) -> None:
        """Read the templates (``configs/forms`` by default)."""
        self.forms_dir = forms_dir or FORMS_DIR
        self._templates = {t.form_type: t for t in load_templates(self.forms_dir)}
        self._titles = form_titles(self.forms_dir)

    def field(self, form_type: str | None, key: str) -> FieldInfo:
        """What the station knows about ``key`` on ``form_type`` (a plain text field when unknown)."""
        if key == CODE_FIELD:
            return FieldInfo("Mã hồ sơ", "code")
        return _field_info(self, form_type or "", key)

    def label(self, form_type: str | None, key: str) -> str:
        """The field's unambiguous Vietnamese label (C2 ``fields.templates.field_label``)."""
        return self.field(form_type, key).label

    def date_keys(self, form_type: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(start, end) date fields that date the form's matter (``dossier-dates``)."""
        template = self._templates.get(form_type or "")
        return (template.dossier_dates.start, template.dossier_dates.end) if template else ((), ())

    def title(self, form_type: str | None) -> str:
        """The form's Vietnamese name (C4: the template's ``title-vi``), or the form type."""
        return self._titles.get(form_type or "unknown") or str(form_type)


@cache
def _field_info(forms: FormInfo, form_type: str, key: str) -> FieldInfo:
    template = forms._templates.get(form_type)  # noqa: SLF001 - the same module family
    spec = next((s for s in template.fields if s.key == key), None) if template else None
    if spec is None:
        return FieldInfo(key, "text")
    label = field_label(form_type, key, forms_dir=forms.forms_dir)
    return FieldInfo(label, CHECK_OF_TYPE.get(spec.type, "text"), spec.birth_date_field, spec.sex_field, spec.sex)


def context(info: FieldInfo, record_fields: Mapping[str, Mapping[str, object]]) -> dict[str, str]:
    """The values a CCCD check needs from the same form: the holder's birth date and sex."""
    out = {}
    if info.check == "cccd":
        for name, key in (("birth_date", info.birth_date_field), ("sex", info.sex_field)):
            value = (record_fields.get(key) or {}).get("value") if key else None
            if value:
                out[name] = str(value)
        if info.sex and "sex" not in out:
            out["sex"] = info.sex
    return out


def check_value(kind: str, value: str, *, birth_date: str | None = None, sex: str | None = None,
                reasons_vi: Mapping[str, str]) -> dict[str, object]:
    """Check a value as it is typed: ``{"ok", "reason", "message", "normalised"}`` (message in Vietnamese)."""
    value = " ".join(value.split())
    if not value:
        return _answer(False, "empty", value, reasons_vi)
    if kind == "code":
        ok = bool(CODE_RE.fullmatch(value))
        return _answer(ok, None if ok else "code_invalid", value, reasons_vi)
    if kind == "date":
        ok, reason, normal = validators.check_date(value)
    elif kind == "cccd":
        ok, reason, normal = validators.check_cccd(value, birth_date=birth_date, sex=sex)
    elif kind == "name":
        ok, reason, normal = validators.check_name(value)
    elif kind == "phone":
        ok, reason, normal = validators.check_phone(value)
    elif kind == "email":
        ok, reason, normal = validators.check_email(value)
    elif kind == "number":
        ok, reason, normal = validators.check_number(value)
    elif kind == "place":
        normal, reason, _changed = check_units(value)
        if reason is None:
            letters_ok, reason, _ = validators.check_letters(normal)
        ok = reason is None
    else:
        ok, reason, normal = validators.check_letters(value)
    if ok and not normal and kind in ("phone", "email"):  # the OCR checks take a stray mark (``3`` on a
        ok, reason, normal = False, f"invalid_{kind}", value  # fax line) for nothing written; a clerk meant it
    return _answer(ok, reason, normal, reasons_vi)


def _answer(ok: bool, reason: str | None, normal: str, reasons_vi: Mapping[str, str]) -> dict[str, object]:
    message = "" if ok else (MESSAGES_VI.get(reason or "") or reasons_vi.get(reason or "", reason or ""))
    return {"ok": ok, "reason": reason, "message": message, "normalised": normal}
