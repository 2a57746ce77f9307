"""Names people read for keys the code uses: form titles and unambiguous field labels.

Every report, sheet and page that names a field or a form takes its words from here, so that a
label means one thing ("Nơi cư trú (mẹ)", not three "Nơi cư trú") and follows the site's own
templates (contract C2/C4: ``fields.templates.field_label`` and ``form_titles``, which read each
forms folder once).
"""

from __future__ import annotations

import functools
from pathlib import Path

UNKNOWN_FORM_VI = "Tài liệu chưa phân loại"


@functools.cache  # exports and reports ask for the same few names once per row
def form_title(form_type: str, *, forms_dir: Path | None = None) -> str:
    """The Vietnamese name of a form type (``Tờ khai đăng ký khai sinh``); the key when none is known."""
    from fields.templates import form_titles

    if form_type in {"", "unknown"}:
        return UNKNOWN_FORM_VI
    return form_titles(forms_dir).get(form_type, form_type)


@functools.cache
def field_label(form_type: str, key: str, *, forms_dir: Path | None = None) -> str:
    """The unambiguous Vietnamese label of a field of a form type (repeated labels carry their section)."""
    from fields.templates import field_label as template_label

    return template_label(form_type, key, forms_dir=forms_dir)
