"""Words → classified form and validated fields (``shared/spec/forms.md``).

The pipeline calls :func:`load_templates` once, then :func:`extract` per dossier, and stores the
result with :func:`form_result_to_dict`. Templates are data (``configs/forms/*.yaml``).
"""

from __future__ import annotations

from fields.admin_units import check_units
from fields.classify import classify
from fields.extract import extract, extract_with
from fields.model import FieldValue, FormResult, form_result_from_dict, form_result_to_dict
from fields.templates import FormTemplate, load_templates
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
    "FieldValue", "FormResult", "FormTemplate", "check_cccd", "check_date", "check_email", "check_letters",
    "check_name", "check_phone", "check_province", "check_units", "classify", "extract", "extract_with",
    "form_result_from_dict", "form_result_to_dict", "load_templates",
]
