"""Words → the dossier's documents, and its form's validated fields (``shared/spec/forms.md``).

The pipeline calls :func:`load_templates` once, then :func:`extract` per dossier, and stores the
result with :func:`form_result_to_dict` (``fields.json``: fields with page and box, documents with
their NĐ 30/2020 elements, dossier-level review reasons). Templates are data (``configs/forms/*.yaml``);
:func:`form_titles`, :func:`form_type_codes` and :func:`field_label` give the names people see.
"""

from __future__ import annotations

from fields.admin_units import check_units
from fields.classify import classify
from fields.extract import extract, extract_with
from fields.model import Document, FieldValue, FormResult, form_result_from_dict, form_result_to_dict
from fields.templates import FormTemplate, field_label, form_titles, form_type_codes, load_templates
from fields.validators import (
    check_cccd,
    check_date,
    check_email,
    check_letters,
    check_name,
    check_phone,
    check_province,
)

__all__ = [
    "Document", "FieldValue", "FormResult", "FormTemplate", "field_label", "form_titles", "form_type_codes", "check_cccd", "check_date", "check_email", "check_letters",
    "check_name", "check_phone", "check_province", "check_units", "classify", "extract", "extract_with",
    "form_result_from_dict", "form_result_to_dict", "load_templates",
]
