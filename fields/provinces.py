"""Vietnamese provinces: the 63 of the pre-2025 structure and the 34 of the 2025 two-level structure.

The lists come from the maintained PyPI package ``vietnamadminunits`` (MIT; data files
``parser_legacy.json`` and ``parser_from_2025.json``), not typed in here. Only its data files are read:
importing the package itself pulls in shapely and geopy for address geocoding, which sohoa does not use.

CCCD province codes are ``"0"`` + the two-digit province code of the 63-province list (regulations §7);
a CCCD number is permanent, so the 2025 merger does not change which codes are valid.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fields.text import fold, near_keys
from sohoa.errors import ConfigError

_PACKAGE = "vietnamadminunits"
_PREFIXES = ("thanhpho", "tinh", "tp")


@dataclass(frozen=True)
class Province:
    """One province or centrally-run city."""

    name: str
    """Official name with its type, e.g. ``Thành phố Hà Nội``."""
    short: str
    """Name without the type, e.g. ``Hà Nội``."""
    code: str
    """Two-digit code, e.g. ``01``."""


def _data_dir() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the Python package {_PACKAGE} is not installed (pip install {_PACKAGE})",
                          reason="missing_package")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read(name: str) -> tuple[Province, ...]:
    data = json.loads((_data_dir() / name).read_text(encoding="utf-8"))
    return tuple(sorted((Province(v["province"], v["provinceShort"], v["provinceCode"])
                         for v in data["DICT_PROVINCE"].values()), key=lambda p: p.code))


@cache
def provinces_legacy() -> tuple[Province, ...]:
    """The 63 provinces before 1 July 2025."""
    return _read("parser_legacy.json")


@cache
def provinces_2025() -> tuple[Province, ...]:
    """The 34 provinces from 1 July 2025."""
    return _read("parser_from_2025.json")


@cache
def cccd_province_codes() -> frozenset[str]:
    """Valid three-digit province codes of a CCCD / số định danh cá nhân (e.g. ``001``, ``079``)."""
    return frozenset("0" + p.code for p in provinces_legacy() + provinces_2025())


def _strip_type(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix) + 2:
            return folded[len(prefix):]
    return folded


@cache
def _by_folded_short() -> dict[str, Province]:
    table: dict[str, Province] = {}
    for p in provinces_legacy() + provinces_2025():
        table.setdefault(fold(p.short), p)
    table.setdefault("hcm", table[fold("Hồ Chí Minh")])
    table.setdefault("thuathienhue", table[fold("Huế")])
    return table


def near_province(text: str) -> Province | None:
    """The province ``text`` (no type word) names: the one whose name has its letters, else the one
    it is one letter off, or for a long name (:data:`fields.text.TWO_OFF_LETTERS`) two; None when there is none or
    more than one."""
    folded = fold(text)
    if len(folded) < 4:
        return None
    table = _by_folded_short()
    if folded in table:
        return table[folded]
    near = {table[key] for key in near_keys(folded, table)}
    return near.pop() if len(near) == 1 else None


def find_province(text: str) -> Province | None:
    """The province that ``text`` names, ignoring case, diacritics and the Tỉnh/Thành phố prefix.

    Args:
        text: For example ``"Tỉnh Bắc Ninh"``, ``"TP. Hồ Chí Minh"``, ``"ha noi"``.

    Returns:
        The province, or None if the text names none of the 63 + 34 provinces.
    """
    return _by_folded_short().get(_strip_type(fold(text)))
