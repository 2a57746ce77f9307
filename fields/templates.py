"""Form templates: one validated YAML file per form type under ``configs/forms/``."""

from __future__ import annotations

from pathlib import Path

from configs import CONFIG_DIR, load_model
from configs.form_schema import FieldSpec, FormTemplate, TableSpec
from sohoa.errors import ConfigError

FORMS_DIR = CONFIG_DIR / "forms"

__all__ = ["FORMS_DIR", "FieldSpec", "FormTemplate", "TableSpec", "load_templates"]


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
