"""Administrative units named in addresses, read by level and checked against the structure in force.

The lists are those of ``vietnamadminunits`` (see ``fields.provinces``): the pre-2025 three levels
(63 provinces → districts → communes) and, from 1 July 2025, two levels (34 provinces → communes,
no districts). Each comma-separated part of an address that starts with a unit type is read with its
level first — ``thị xã Sơn Tây`` is a district-level town, not the commune ``xã Sơn Tây`` — and then
looked up under the province the address ends with, in the structure in force on the document's
date. A misread diacritic is put right only when one official name of that level in that province
has the same letters; a unit of another province is never put in its place. What does not fit is
flagged with a reason that says what to check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from fields.provinces import _data_dir, find_province, near_province, provinces_2025, provinces_legacy
from fields.dates import LOOKALIKES
from fields.text import collapse, fold, near_keys

MERGER = date(2025, 7, 1)
"""From this day: 34 provinces, two levels, no districts (Nghị quyết 202/2025/QH15)."""
UNIT_TYPES = ("thành phố", "thị trấn", "thị xã", "phường", "xã", "quận", "huyện", "tỉnh")
"""Printed types: the word(s) that introduce a unit's name."""
_TYPES = {t.replace(" ", ""): fold(t) for t in UNIT_TYPES}
_ABBREVIATIONS = {"tp": "thanhpho", "tx": "thixa", "tt": "thitran", "p": "phuong", "q": "quan", "h": "huyen"}
"""``TP.``, ``TX.``, ``TT.``, ``P.``, ``Q.``, ``H.`` (with their dot)."""
_DISTRICT_KINDS = {"quan", "huyen", "thixa", "thanhpho"}
_COMMUNE_KINDS = {"phuong", "xa", "thitran"}
_ALIASES = {"thuathienhue": "hue"}
"""Province names still printed after a change of status (Thừa Thiên Huế → Thành phố Huế, 2025)."""
_ALIAS_SPELLINGS = ("Thừa Thiên Huế",)


@dataclass
class _Province:
    """One province's units, folded name → official spellings, by kind."""

    districts: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    communes_by_district: dict[tuple[str, str], dict[tuple[str, str], set[str]]] = field(default_factory=dict)
    communes: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def _kind(full: str, short: str) -> str:
    return fold(full[: len(full) - len(short)])


def _add(table: dict[tuple[str, str], set[str]], full: object, short: object) -> tuple[str, str] | None:
    if not (isinstance(full, str) and isinstance(short, str)):
        return None  # a few entries of the data lack a name
    key = (_kind(full, short), fold(short))
    table.setdefault(key, set()).add(short)
    return key


@cache
def _legacy() -> dict[str, _Province]:
    """Folded province short name → its districts and communes before 1 July 2025."""
    data = json.loads((_data_dir() / "parser_legacy.json").read_text(encoding="utf-8"))
    names = {k: fold(v["provinceShort"]) for k, v in data["DICT_PROVINCE"].items()}
    out: dict[str, _Province] = {names[k]: _Province() for k in names}
    for pkey, districts in data["DICT_PROVINCE_DISTRICT"].items():
        for d in districts.values():
            _add(out[names[pkey]].districts, d.get("district"), d.get("districtShort"))
    for table in ("DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED", "DICT_PROVINCE_DISTRICT_WARD_ACCENTED",
                  "DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED"):
        for pkey, districts in data[table].items():
            prov = out[names[pkey]]
            for dkey, wards in districts.items():
                dist = data["DICT_PROVINCE_DISTRICT"][pkey].get(dkey)
                dkey2 = (_kind(dist["district"], dist["districtShort"]), fold(dist["districtShort"])) if dist else None
                for w in wards.values():
                    key = _add(prov.communes, w.get("ward"), w.get("wardShort"))
                    if dkey2 and key:
                        prov.communes_by_district.setdefault(dkey2, {}).setdefault(key, set()).add(w["wardShort"])
    return out


@cache
def _current() -> dict[str, _Province]:
    """Folded province short name → its communes from 1 July 2025."""
    data = json.loads((_data_dir() / "parser_from_2025.json").read_text(encoding="utf-8"))
    names = {k: fold(v["provinceShort"]) for k, v in data["DICT_PROVINCE"].items()}
    out: dict[str, _Province] = {names[k]: _Province() for k in names}
    for table in ("DICT_PROVINCE_WARD_NO_ACCENTED", "DICT_PROVINCE_WARD_ACCENTED", "DICT_PROVINCE_WARD_SHORT_ACCENTED"):
        for pkey, wards in data[table].items():
            for w in wards.values():
                _add(out[names[pkey]].communes, w.get("ward"), w.get("wardShort"))
    return out


@cache
def _province_spellings() -> dict[str, str]:
    """Folded short name → spelling, of every province of both structures."""
    spellings = {fold(p.short): p.short for p in (*provinces_legacy(), *provinces_2025())}
    return spellings | {fold(name): name for name in _ALIAS_SPELLINGS}


def unit_names() -> tuple[dict[str, _Province], dict[str, _Province]]:
    """Load both structures (cached; the run loads them once before forking)."""
    return _legacy(), _current()


_TWO_WORD_TYPES = {fold(t): t for t in UNIT_TYPES if " " in t}
"""``thanhpho`` → ``thành phố`` …: two-word types whose letters alone name them."""


def _split_type(words: list[str]) -> tuple[int, int, str] | None:
    """(type's first word, name's first word, folded kind) of the first unit type in a part.

    Scans left to right and tries two-word types first at each word, so ``thị xã X`` is a town,
    never the commune ``xã X``; ``Ủy ban nhân dân phường X`` finds ``phường``.
    """
    for start in range(len(words)):
        for size in (2, 1):
            if start + size > len(words):
                continue
            joined = "".join(words[start:start + size]).lower()
            if joined in _TYPES:
                return start, start + size, _TYPES[joined]
            if size == 2 and fold(joined) in _TWO_WORD_TYPES:
                return start, start + size, fold(joined)  # ``Thành phỗ``: a mark misread on a fixed type
            bare = joined.rstrip(".")
            if size == 1 and joined.endswith(".") and bare in _ABBREVIATIONS:
                return start, start + 1, _ABBREVIATIONS[bare]
    return None


_LOOSE_TYPES = {"quan": "quận", "huyen": "huyện", "phuong": "phường"}
"""One-word types read with a mark lost or changed (``quân``, ``Huyên``, ``Phuờng``): taken for the type
only when the name after them is a listed unit of that kind in the address's province."""


def _loose_type(words: list[str]) -> tuple[int, int, str] | None:
    """(type's word, name's first word, kind) of a word whose letters are a one-word type's but whose
    marks are not (``quân Lê Chân``); None when no word is."""
    for start, word in enumerate(words[:-1]):
        kind = fold(word)
        if kind in _LOOSE_TYPES and word[:1].isalpha():
            return start, start + 1, kind
    return None


def _province_of(parts: list[str]) -> str | None:
    """The folded short name of the province the address names (its last part that is one)."""
    for part in reversed(parts):
        words = part.split()
        split = _split_type(words)
        candidate = " ".join(words[split[1]:]) if split and split[2] in ("tinh", "thanhpho") else part
        province = find_province(candidate)
        if province is not None:
            short = fold(province.short)
            return _ALIASES.get(short, short)
    return None


def _lookup(table: dict[tuple[str, str], set[str]], kind: str, name: str) -> set[str] | None:
    return table.get((kind, fold(name)))


def _elsewhere(structure: dict[str, _Province], level: str, kind: str, name: str, province: str | None) -> bool:
    """True when a unit of this kind and name exists in another province of the structure."""
    for key, prov in structure.items():
        if key == province:
            continue
        table = prov.districts if level == "district" else prov.communes
        if name in (_lookup(table, kind, name) or ()):
            return True
    return False


def _a_city(legacy: dict[str, _Province], current: dict[str, _Province], name: str) -> bool:
    """True when a province's city (``Thành phố Hà Tiên``, ``Thành phố Móng Cái``) has this name: an
    address that ends there lost its province, it did not misread one (Hà Tiên is no Hà Tĩnh)."""
    key = ("thanhpho", fold(name))
    return any(key in prov.districts for structure in (legacy, current) for prov in structure.values())


def _check_name(spellings: set[str] | None, name: str) -> tuple[str, str | None]:
    """(name, reason): the official spelling when one has the same letters; a reason when several do."""
    if not spellings or name in spellings:
        return name, None
    if len(spellings) == 1:
        return next(iter(spellings)), None
    return name, "admin_unit_spelling"


def _mend_unit(tables: list[dict[tuple[str, str], set[str]]], kind: str, name: str) -> tuple[str, str]:
    """(name, reason) of a unit no list of its province has: the one official name of that kind in the
    province one letter off it (``Bắc Nha Tang`` → ``Bắc Nha Trang``, ``Hải Chân`` → ``Hải Châu``), or
    for a long name two (:data:`fields.text.TWO_OFF_LETTERS`),
    put back and sent to review as ``admin_unit_one_off`` (a clerk confirms the letter); figures read as
    letters (``quận l`` → ``quận 1``: numbered units are in no list) as ``ocr_digits_guessed``; else the
    name as read, ``unknown_admin_unit``. Never a unit of another province: only its own are searched."""
    figures = "".join(LOOKALIKES.get(c, c) for c in name)
    if len(name) <= 2 and figures.isdigit():
        return figures, "ocr_digits_guessed"
    folded = fold(name)
    by_key: dict[str, set[str]] = {}
    for table in tables:
        for (k, key), spellings in table.items():
            if k == kind:
                by_key.setdefault(key, set()).update(spellings)
    near = {spelling for key in near_keys(folded, by_key) for spelling in by_key[key]}
    return (near.pop(), "admin_unit_one_off") if len(near) == 1 else (name, "unknown_admin_unit")


_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_TYPE_PUNCT = re.compile(r"\b(phường|xã|quận|huyện|tỉnh|trấn)[.:;](?=\s)", re.I)
_SPLIT_TYPE = re.compile(r"\b(thành|thị)\s*[.:;,]\s*(phố|xã|trấn)\b", re.I)
_OPEN_BEFORE_TYPE = re.compile(r"\((?=(?i:phường|xã|quận|huyện|tỉnh|thành phố|thị xã|thị trấn)\b)"
                               r"(?![^()]*\))")
_GLUED_TYPE = re.compile(rf"\b((?i:phường|xã|quận|huyện|tỉnh|phố|trấn))(?=[{_UPPER}0-9])")
_GLUED_STREET = re.compile(r"\b((?i:đường|ngõ|ngách|hẻm|kiệt|số|tổ|thôn|xóm|ấp))(?=[0-9])")
"""A street's type glued to its number (``đường30``); not to a capital: ``THÔNG``, ``TỔNG`` are words."""


def _capital(word: str) -> bool:
    """True when the word's first letter is a capital, past a speck read before it (``"Thành``, ``:Thành``)."""
    return next((c for c in word if c.isalpha()), "").isupper()


def _tidy_types(text: str) -> str:
    """Put right what OCR does around a unit's type: ``phường. Kinh Bắc``, ``Thành: phố``, ``PhườngÔ``,
    and around a street's: ``đường30 Tháng 4``; a bracket no bracket closes before a type (``(Quận 3``)."""
    if text.count("(") > text.count(")"):
        text = _OPEN_BEFORE_TYPE.sub("", text)  # ``Phường 14, (Quận 3``: a speck read as a bracket
    text = _TYPE_PUNCT.sub(r"\1", text)
    text = _SPLIT_TYPE.sub(r"\1 \2", text)
    return _GLUED_STREET.sub(r"\1 ", _GLUED_TYPE.sub(r"\1 ", text))


def check_units(text: str, *, on: date | None = None) -> tuple[str, str | None, bool]:
    """Check and restore the spelling of each administrative unit named in an address.

    Args:
        text: An address or an agency name, its parts separated by commas.
        on: The document's date: the structure in force that day is the one checked (before
            1 July 2025: province, district, commune; from then: province, commune). Unknown: either.

    Returns:
        ``(text, reason, corrected)``: the text with official spellings put back (only within the
        address's own province and level); the first reason found, else None — ``admin_unit_abolished``
        (a district on a document dated from 1 July 2025), ``province_merged`` (a province that no
        longer exists on that date), ``admin_unit_other_province`` (the unit belongs to another
        province), ``unknown_admin_unit`` (no such unit in the province, on that date),
        ``admin_unit_spelling`` (several official names have these letters), ``incomplete_admin_unit``
        (a type with no name), ``address_incomplete`` (a commune, but the address does not end with
        its province); and whether anything was changed.
    """
    legacy, current = unit_names()
    tidy = _tidy_types(collapse(text))
    parts = re.split(r"\s*,\s*", tidy)
    province = _province_of(parts)
    after = on is not None and on >= MERGER
    before = on is not None and on < MERGER
    out, reasons, corrected, communes, district = [], [], False, 0, None
    for index, part in enumerate(parts):
        words = part.split()
        split = _split_type(words) or _loose_type(words)
        if split is None:
            out.append(part)
            continue
        start, at, kind = split
        loose = "".join(words[start:at]).lower() not in _TYPES and kind in _LOOSE_TYPES
        if at - start == 2 and kind in _TWO_WORD_TYPES and "".join(words[start:at]).lower() not in _TYPES:
            spelt = _TWO_WORD_TYPES[kind].split()  # ``Thành phỗ`` → ``Thành phố``
            words[start:at] = [s.capitalize() if _capital(w) else s for w, s in zip(words[start:at], spelt, strict=True)]
            corrected = True
        name = " ".join(words[at:])
        new_name, reason = name, None
        if not name:
            reason = "incomplete_admin_unit"
        elif index > 0 and start > 0 and kind in _DISTRICT_KINDS | _COMMUNE_KINDS | {"tinh"} \
                and _stray(words[:start]):
            reason = "invalid_address"  # ``…, Lộc Tỉnh Nghệ An``: words before a unit, its own unit lost
        elif start > 0 and words[start][:1].isupper() and _lost_comma(words[start - 1]):
            reason = "invalid_address"  # ``ngõ 113 Kim Phường Cống Vị``: a comma (and a word?) lost
        elif any(c.isdigit() for c in name) and not name.isdigit():
            reason = "unknown_admin_unit"  # ``Xã Ngh1. Phong``: a misread name, not a numbered unit
        elif any(c.isdigit() for c in name):
            # numbered units (Phường 14, Quận 3) are not in the lists; a district is still abolished
            reason = "admin_unit_abolished" if after and kind in _DISTRICT_KINDS - {"thanhpho"} else None
        elif kind in ("tinh", "thanhpho") and find_province(name) is not None:
            official = find_province(name)
            short = _ALIASES.get(fold(official.short), fold(official.short))
            if after and short not in current:
                reason = "province_merged"
            if fold(name) == fold(official.short):
                new_name = official.short  # the same letters: a misread mark (Cần Thờ, Bắc Nịnh)
            else:
                new_name = _province_spellings().get(fold(name), name)  # by its name then (Thừa Thiên Huế)
        elif kind in ("tinh", "thanhpho") and index == len(parts) - 1 and index > 0 \
                and not (kind == "thanhpho" and _a_city(legacy, current, name)) \
                and (near := near_province(name)) is not None:
            # ``Thành phố Đà Niing``: the address's last unit, one province a letter or two off
            new_name, reason = near.short, "admin_unit_one_off"
            if after and _ALIASES.get(fold(near.short), fold(near.short)) not in current:
                reason = "province_merged"
        elif kind == "tinh":
            reason = "unknown_admin_unit"  # ``Tỉnh Thừa Thiên``: no province has this name (its end lost)
        elif kind == "thanhpho" and province is not None and fold(name) == province:
            official = find_province(name)
            new_name = official.short if official else name  # a city named as its province
        elif kind in _DISTRICT_KINDS:
            district = (kind, fold(name))
            new_name, reason = _district(legacy, province, kind, name, after=after)
        elif kind in _COMMUNE_KINDS:
            communes += 1
            new_name, reason = _commune(legacy, current, province, district, kind, name, before=before, after=after)
        if loose:
            if reason or not name:  # not a unit after all: the part is left as it came
                out.append(part)
                continue
            right = _LOOSE_TYPES[kind]  # ``quân Lê Chân``: a listed district, its type's mark misread
            words[start] = right.capitalize() if _capital(words[start]) else right
            corrected = True
        if reason:
            reasons.append(reason)
        corrected |= new_name != name or tidy != collapse(text)
        out.append(" ".join(words[:at] + ([new_name] if new_name else [])))
    if not reasons and communes and len(out) > 1 and find_province(out[-1]) is None and province is None:
        reasons.append("address_incomplete")  # a full address ends with its province: the end was lost
    return ", ".join(out), _first_reason(reasons), corrected


_SUB_UNITS = frozenset(fold(w) for w in ("tổ", "thôn", "ấp", "xóm", "bản", "khu", "khóm", "số", "ngõ", "ngách",
                                          "hẻm", "kiệt", "đường", "phố", "khu phố", "tổ dân phố"))


_AGENCY_ENDS = frozenset(("dan", "an", "ubnd", "ban"))
"""``Ủy Ban Nhân Dân Phường``, ``Công An Phường``: an agency's name runs into its unit's."""


def _lost_comma(before: str) -> bool:
    """True when the word before a capitalised unit type ends a street's or hamlet's name (``Kim``
    of ``ngõ 113 Kim Phường Cống Vị``): parts of an address are separated by commas."""
    return before.isalpha() and before[:1].isupper() and not before.isupper() and \
        fold(before) not in _SUB_UNITS | _AGENCY_ENDS


def _stray(words: list[str]) -> bool:
    """Words before a unit's type in a later part that name nothing (``Lộc`` of ``Lộc Tỉnh Nghệ An``):
    not a hamlet or street (``Tổ 3 phường …``), no number."""
    return not any(fold(w) in _SUB_UNITS or any(c.isdigit() for c in w) for w in words)


_PRIORITY = ("admin_unit_abolished", "province_merged", "admin_unit_other_province", "unknown_admin_unit",
             "invalid_address", "admin_unit_spelling", "admin_unit_one_off", "ocr_digits_guessed",
             "incomplete_admin_unit", "address_incomplete")


def _first_reason(reasons: list[str]) -> str | None:
    return min(reasons, key=_PRIORITY.index) if reasons else None


def _district(legacy: dict[str, _Province], province: str | None, kind: str, name: str, *,
              after: bool) -> tuple[str, str | None]:
    if province is not None and province in legacy:
        spellings = _lookup(legacy[province].districts, kind, name)
        if spellings is None:
            if _elsewhere(legacy, "district", kind, name, province):
                return name, "admin_unit_other_province"
            new, reason = _mend_unit([legacy[province].districts], kind, name)
            return new, "admin_unit_abolished" if after else reason
        new, reason = _check_name(spellings, name)
    else:
        spellings = set().union(*(_lookup(p.districts, kind, name) or set() for p in legacy.values()))
        # the province is not in the value (a form's separate district field): one official name of the
        # country one letter off it is that name, still sent to a clerk (``Quận Cần Giấy``)
        new, reason = _check_name(spellings, name) if spellings else \
            _mend_unit([p.districts for p in legacy.values()], kind, name)
        if len(spellings) > 1 and name not in spellings:
            new, reason = name, "admin_unit_spelling"  # several provinces have it: never pick one
    if after:
        reason = "admin_unit_abolished"
    return new, reason


def _commune(legacy: dict[str, _Province], current: dict[str, _Province], province: str | None,
             district: tuple[str, str] | None, kind: str, name: str, *, before: bool,
             after: bool) -> tuple[str, str | None]:
    if province is None:
        # the address does not say which province: nothing to check it against, but when every
        # commune of the country with these letters is spelt one way, that is its spelling
        spellings = set().union(*(_lookup(p.communes, kind, name) or set()
                                  for structure in (legacy, current) for p in structure.values()))
        if not spellings:  # one commune of the country one letter off it: that one misread (sent to a clerk)
            mended, reason = _mend_unit([p.communes for structure in (legacy, current) for p in structure.values()],
                                        kind, name)
            return (mended, reason) if reason == "admin_unit_one_off" else (name, None)
        return (next(iter(spellings)) if len(spellings) == 1 else name), None
    tables = []
    if not after and province in legacy:
        prov = legacy[province]
        tables.append(prov.communes_by_district.get(district, prov.communes) if district else prov.communes)
    if not before and province in current:
        tables.append(current[province].communes)
    if not tables:
        return name, None
    for table in tables:
        spellings = _lookup(table, kind, name)
        if spellings:
            return _check_name(spellings, name)
    structure = [legacy] if before else [current] if after else [legacy, current]
    if any(_elsewhere(s, "commune", kind, name, province) for s in structure):
        return name, "admin_unit_other_province"
    # The pre-2025 list is the state of mid-2025: communes merged between 2019 and 2025 are not in
    # it, so an unlisted commune on an older document is no evidence of a misreading.
    # … but a name one letter off exactly one listed commune of its district is that commune misread
    # (``Phường D ch Vọng``): put back, sent to a clerk
    mended, reason = _mend_unit(tables, kind, name)
    return (mended, reason) if after or reason == "admin_unit_one_off" else (name, None)

