"""Names of communes, districts and provinces in addresses, checked against the official lists.

The lists are those of ``vietnamadminunits`` (see ``fields.provinces``): the pre-2025 three-level
structure (province, district, commune) and the 2025 two-level one (province, commune). An address
component that names a unit by its type (``Phường Tân An``, ``quận Ba Đình``, ``Tỉnh Nghệ An``) must
name one that exists. When OCR got only a diacritic wrong (``Phường Tẩn An``) and one official name
has the same letters, the official spelling is put back; otherwise the value goes to review.
"""

from __future__ import annotations

import json
import re
from functools import cache

from fields.provinces import _data_dir, find_province
from fields.text import collapse, fold

UNIT_TYPES = ("thành phố", "thị trấn", "thị xã", "phường", "xã", "quận", "huyện", "tỉnh")
"""Printed types, longest first: the word(s) that introduce a unit's name."""
_TYPES = {t.replace(" ", ""): fold(t) for t in UNIT_TYPES}
"""Printed type (lower case, no space) → its folded key; matched with diacritics (``quán`` is not ``quận``)."""
_COMPLETE = {"tinh", "thanhpho", "quan", "huyen", "thixa"}
"""Levels whose lists are complete (the 63 + 34 provinces, the pre-2025 districts): unknown = misread."""
_ALIASES = {("tinh", "thuathienhue"): frozenset({"Thừa Thiên Huế"})}
"""Names still printed on forms after a change of status (Thừa Thiên Huế became Thành phố Huế in 2025)."""
_LEVEL_KEYS = (("province", "provinceShort"), ("district", "districtShort"), ("ward", "wardShort"))


def _walk(node: object, out: dict[tuple[str, str], set[str]]) -> None:
    if isinstance(node, dict):
        for full, short in _LEVEL_KEYS:
            if isinstance(node.get(full), str) and isinstance(node.get(short), str):
                kind = fold(node[full][: len(node[full]) - len(node[short])])
                out.setdefault((kind, fold(node[short])), set()).add(node[short])
        for value in node.values():
            _walk(value, out)


@cache
def unit_names() -> dict[tuple[str, str], frozenset[str]]:
    """(folded type, folded name) → the official spellings of that name (``("phuong", "tanan")``)."""
    out: dict[tuple[str, str], set[str]] = {}
    for name in ("parser_legacy.json", "parser_from_2025.json"):
        _walk(json.loads((_data_dir() / name).read_text(encoding="utf-8")), out)
    return {key: frozenset(v) for key, v in out.items()} | _ALIASES


def _split_type(words: list[str]) -> tuple[int, int] | None:
    """(index of the type's first word, index of the name's first word) of the last unit type."""
    for start in range(len(words) - 1, -1, -1):
        for size in (2, 1):
            if start + size <= len(words) and "".join(words[start:start + size]).lower() in _TYPES:
                return start, start + size
    return None


@cache
def _all_spellings() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for (kind, _), spellings in unit_names().items():
        out.setdefault(kind, set()).update(spellings)
    return {k: frozenset(v) for k, v in out.items()}


def _official_anywhere(kind: str, name: str) -> bool:
    return name in _all_spellings().get(kind, frozenset())


def check_units(text: str) -> tuple[str, str | None, bool]:
    """Check and restore the spelling of each administrative unit named in an address.

    Args:
        text: An address or an agency name, components separated by commas.

    Returns:
        ``(text, reason, corrected)``: the text with official spellings put back; a reason when a
        province or district is not in the lists (``unknown_admin_unit``), a type has no name
        (``incomplete_admin_unit``), a name matches several official spellings but none exactly
        (``admin_unit_spelling``), or an address naming a commune does not end with its province
        (``address_incomplete``), else None; and whether
        anything was changed. A name not in the lists at all is left alone: the lists lag behind
        mergers and renames, and numbered units (``Phường 14``) are not listed.
    """
    names = unit_names()
    parts, reason, corrected, communes = [], None, False, 0
    for part in re.split(r"\s*,\s*", collapse(text)):
        words = part.split()
        split = _split_type(words)
        if split is None:
            parts.append(part)
            continue
        _, at = split
        name = " ".join(words[at:])
        kind = _TYPES["".join(words[split[0]:at]).lower()]
        communes += kind in ("phuong", "xa", "thitran")
        spellings = names.get((kind, fold(name)))
        if spellings is None and kind == "thanhpho":
            spellings = names.get(("tinh", fold(name)))
        if not name:
            reason = reason or "incomplete_admin_unit"  # ``quận`` with its number lost
        elif any(c.isdigit() for c in name):
            pass  # numbered units (Phường 14, Quận 3) are not in the lists
        elif not spellings:
            # the commune lists lag behind mergers and renames; the province and district lists do not
            reason = reason or ("unknown_admin_unit" if kind in _COMPLETE else None)
        elif name not in spellings and not _official_anywhere(kind, name):
            if len(spellings) == 1:
                name, corrected = next(iter(spellings)), True
            else:
                reason = reason or "admin_unit_spelling"
        parts.append(" ".join(words[:at] + ([name] if name else [])))
    if reason is None and communes and len(parts) > 1 and find_province(parts[-1]) is None:
        reason = "address_incomplete"  # a full address ends with its province: the end was lost
    return ", ".join(parts), reason, corrected
