"""Form templates: one validated YAML file per form type under ``configs/forms/``.

Also the names people see for forms and fields: :func:`form_titles`, :func:`form_type_codes` and
:func:`field_label` read the templates, so a new form type brings its own names (no table in code).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from configs import CONFIG_DIR, load_model
from configs.form_schema import FieldSpec, FormTemplate, TableSpec
from sohoa.errors import ConfigError

FORMS_DIR = CONFIG_DIR / "forms"
UNKNOWN_TITLE = "Tài liệu chưa phân loại"
"""The title of a document (or dossier) whose type sohoa does not know."""
UNKNOWN_TYPE_CODE = "32"
"""TT 05/2025 typeName 32 (Khác) for a document of unknown type."""

__all__ = ["FORMS_DIR", "UNKNOWN_TITLE", "UNKNOWN_TYPE_CODE", "FieldSpec", "FormTemplate", "TableSpec",
           "components", "field_label", "form_titles", "form_type_codes", "load_templates"]


def load_templates(directory: Path = FORMS_DIR) -> tuple[FormTemplate, ...]:
    """Read and validate every ``*.yaml`` template in ``directory``.

    Args:
        directory: The folder of templates, ``configs/forms`` by default.

    Returns:
        The templates, sorted by file name.

    Raises:
        ConfigError: A file is invalid (the message names file, line and key), two files declare the
            same form type, or the folder holds no template.
    """
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise ConfigError(f"{directory}: no form templates (*.yaml) found")
    templates = tuple(load_model(path, FormTemplate) for path in paths)
    seen: dict[str, Path] = {}
    for path, template in zip(paths, templates, strict=True):
        if template.form_type in seen:
            raise ConfigError(f"{path}: form-type {template.form_type!r} is also declared in "
                              f"{seen[template.form_type]}")
        if template.form_type == "unknown":
            raise ConfigError(f"{path}: form-type 'unknown' is reserved")
        seen[template.form_type] = path
    return templates


def components(templates: tuple[FormTemplate, ...] | list[FormTemplate]) -> list[FormTemplate]:
    """The templates of papers a citizen files (the dossier's ``form_type`` is one of them)."""
    return [t for t in templates if t.kind == "component"]


@cache
def _cached(directory: Path) -> tuple[FormTemplate, ...]:
    return load_templates(directory)


def _templates(forms_dir: Path | None) -> tuple[FormTemplate, ...]:
    return _cached((forms_dir or FORMS_DIR).resolve())


def form_titles(forms_dir: Path | None = None) -> dict[str, str]:
    """Form type → the document's Vietnamese name (``title-vi``), plus ``unknown``.

    Args:
        forms_dir: The templates folder; ``configs/forms`` by default.

    Returns:
        For example ``{"khai_sinh": "Tờ khai đăng ký khai sinh", …, "unknown": "Tài liệu chưa phân loại"}``.
    """
    return {t.form_type: t.title for t in _templates(forms_dir)} | {"unknown": UNKNOWN_TITLE}


def form_type_codes(forms_dir: Path | None = None) -> dict[str, str]:
    """Form type → TT 05/2025 ``typeName`` code (``type-code``), plus ``unknown`` → ``32``."""
    return {t.form_type: t.type_code for t in _templates(forms_dir)} | {"unknown": UNKNOWN_TYPE_CODE}


_NUMBERING = re.compile(r"^\s*\d{1,2}\.\s*")
_FOOTNOTE = re.compile(r"\s*\(\d{1,2}\)")


def _printed(label: str) -> str:
    """A printed label as a name: no item number, footnote mark or colon (``1. Họ (1):`` → ``Họ``)."""
    return _FOOTNOTE.sub("", _NUMBERING.sub("", label)).strip().rstrip(":").strip()


def field_label(form_type: str, key: str, *, forms_dir: Path | None = None) -> str:
    """An unambiguous Vietnamese label for a field, for reports, XLSX headers and the review station.

    The template's ``display`` when it has one; else the first printed label, qualified by its
    section when another field of the form prints the same label.

    Args:
        form_type: The form type (a template's ``form-type``).
        key: The field key.
        forms_dir: The templates folder; ``configs/forms`` by default.

    Returns:
        For example ``"Nơi cư trú (mẹ)"``; the key itself for an unknown form type or key.
    """
    template = next((t for t in _templates(forms_dir) if t.form_type == form_type), None)
    spec = next((f for f in template.fields if f.key == key), None) if template else None
    if spec is None:
        return key
    if spec.display:
        return spec.display
    base = _printed(spec.labels[0]) if spec.labels else key
    same = [f for f in template.fields if f.key != key and f.labels and _printed(f.labels[0]) == base]
    if not same:
        return base
    qualifier = _printed(spec.section) if spec.section else (spec.column or key)
    return f"{base} ({qualifier})"
