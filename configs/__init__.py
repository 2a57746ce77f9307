"""Configuration as data: YAML files under ``configs/``, validated once into frozen models.

This is the only module that reads YAML. Every error is a :class:`sohoa.errors.ConfigError`
that names the file, the line and the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sohoa.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_CONFIG = CONFIG_DIR / "default.yaml"

M = TypeVar("M", bound=BaseModel)


def _node_line(node: yaml.Node | None, loc: tuple[object, ...]) -> int | None:
    """Find the 1-based line of the YAML node at ``loc`` (best effort)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key).replace("_", "-")
                          or k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line + 1
    return line


def _hyphens_to_underscores(data: object) -> object:
    """YAML keys use hyphens (like pyHanko's configs); Python fields use underscores."""
    if isinstance(data, dict):
        return {str(k).replace("-", "_"): _hyphens_to_underscores(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_hyphens_to_underscores(v) for v in data]
    return data


def read_yaml(path: Path) -> tuple[object, yaml.Node | None]:
    """Read a YAML file; return its data and its node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return data, node


def load_model(path: Path, model: type[M]) -> M:
    """Read one YAML file into a validated, frozen ``model``."""
    data, node = read_yaml(path)
    try:
        return model.model_validate(_hyphens_to_underscores(data if data is not None else {}))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _node_line(node, loc)
            where = f"{path}:{line}" if line else str(path)
            key = ".".join(str(p) for p in loc) or "(top level)"
            problems.append(f"{where}: {key}: {err['msg']}")
        raise ConfigError("invalid configuration\n  " + "\n  ".join(problems)) from exc


def load(path: Path | None = None):  # noqa: ANN201 - returns configs.schema.Settings
    """Load and validate the site configuration (``configs/default.yaml`` when ``path`` is None)."""
    from configs.schema import Settings

    return load_model(path or DEFAULT_CONFIG, Settings)
