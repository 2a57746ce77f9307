"""Names people read for keys the code uses: form titles and unambiguous field labels.

Every report, sheet and page that names a field or a form takes its words from here, so that a
label means one thing ("Nơi cư trú (mẹ)", not three "Nơi cư trú") and follows the site's own
templates (contract C2/C4: ``fields.templates.field_label`` and ``form_titles``).
"""

from __future__ import annotations

import functools
from pathlib import Path

UNKNOWN_FORM_VI = "Tài liệu chưa phân loại"


@functools.cache
def _titles(forms_dir: Path | None) -> dict[str, str]:
    try:
        from fields.templates import form_titles
    except ImportError:  # contract C4, arriving with the fields branch: the titles known until then
        from pipeline.records import FORM_TITLES

        return dict(FORM_TITLES)
    return form_titles(forms_dir)


def form_title(form_type: str, *, forms_dir: Path | None = None) -> str:
    """The Vietnamese name of a form type (``Tờ khai đăng ký khai sinh``); the key when none is known."""
    if form_type in {"", "unknown"}:
        return UNKNOWN_FORM_VI
    return _titles(forms_dir).get(form_type, form_type)


@functools.cache
def field_label(form_type: str, key: str, *, forms_dir: Path | None = None) -> str:
    """The unambiguous Vietnamese label of a field of a form type (repeated labels carry their section).

    This is the one call site of ``fields.templates.field_label`` (contract C2); until that
    function lands, the label is built here from the templates in the same way.
    """
    try:
        from fields.templates import field_label as template_label
    except ImportError:
        return _label_from_templates(form_type, key, forms_dir)
    return template_label(form_type, key, forms_dir=forms_dir)


@functools.cache
def _printed_labels(forms_dir: Path | None) -> dict[tuple[str, str], str]:
    """(form type, key) → printed label, with its section or table column where labels repeat."""
    from fields.templates import load_templates

    labels: dict[tuple[str, str], str] = {}
    for template in load_templates(forms_dir) if forms_dir else load_templates():
        columns = {c.id: c.labels[0] for t in template.tables for c in t.columns}
        for spec in template.fields:
            if spec.where != "table-column":
                text = spec.labels[0] if spec.labels else spec.key
                text = text.split(". ", 1)[-1] if text[:1].isdigit() else text
                if spec.section:
                    text += f" ({_section_name(spec.section)})"
                elif spec.occurrence > 1:
                    text += f" (lần {spec.occurrence})"
            else:
                column = columns.get(spec.column or "", spec.key)
                if spec.row:
                    text = f"Thành viên {spec.row}: {column.lower()}"
                else:
                    text = f"{spec.labels[0]} ({column.lower()})" if spec.labels else column
            labels[(template.form_type, spec.key)] = text
    return labels


def _section_name(section: str) -> str:
    """The short name of a section a label repeats in: ``Họ, chữ đệm, tên người mẹ`` → ``mẹ``."""
    text = section.strip().rstrip(":").lower()
    return text.rsplit("người ", 1)[-1] if "người " in text else text


def _label_from_templates(form_type: str, key: str, forms_dir: Path | None) -> str:
    labels = _printed_labels(forms_dir)
    text = labels.get((form_type, key)) or next((v for (_, k), v in labels.items() if k == key), None)
    if text is None:
        return key
    shared = [k for (f, k), v in labels.items() if f == form_type and v == text]
    return text if len(shared) <= 1 else f"{text} [{key}]"
