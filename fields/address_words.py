"""An address as a whole: does it end with its province, was it cut mid-street, which of its words were
checked against the official unit lists, and what OCR did to its own keywords.

Built on ``fields.admin_units`` (the units themselves); used by ``fields.extract`` to flag a value cut
short (``address_incomplete``, ``truncated``) and to score a value on the words no list checked.
"""

from __future__ import annotations

import re

from fields.admin_units import (
    _DISTRICT_KINDS,
    _lookup,
    _province_of,
    _province_spellings,
    _split_type,
    UNIT_TYPES,
    _tidy_types,
    unit_names,
)
from fields.names import SURNAMES
from fields.provinces import find_province
from fields.syllables import mend_syllables
from ocr.syllables import is_syllable
from fields.text import collapse, fold, one_off


_PLACE_WORDS = re.compile(r"\b(số\s*\d+|đường|ngõ|ngách|hẻm|kiệt|phố|thôn|ấp|xóm|bản|tổ|khu phố|phường|xã|"
                          r"thị trấn|quận|huyện|thị xã)\b", re.I)


def ends_with_province(text: str) -> bool:
    """True when ``text`` names no place at all, or ends with its province (``…, Tỉnh Nghệ An``).

    ``Số 173 đường Tây`` names a place but stops before its province: the rest was on a line not read.
    """
    value = _tidy_types(collapse(text))
    if not _PLACE_WORDS.search(value):
        return True
    last = re.split(r"\s*,\s*", value)[-1]
    split = _split_type(last.split())
    if split is not None and split[2] == "thanhpho" and split[0] == 0:
        # ``Thành phố Thanh Hóa`` is a city of Tỉnh Thanh Hóa: only a centrally run city ends an address
        official = find_province(" ".join(last.split()[split[1]:]))
        return official is not None and fold(official.name).startswith("thanhpho")
    return _province_of([last]) is not None


_STREET_WORDS = ("đường", "ngõ", "ngách", "hẻm", "kiệt", "thôn", "xóm", "phường", "quận", "huyện", "tỉnh")
_STREET_BY_FOLD = {fold(w): w for w in _STREET_WORDS if " " not in w}
_ENDS_AT_STREET = re.compile(r"\b(đường|ngõ|ngách|hẻm|kiệt|phố)$", re.I)


_NUMBER_DASH = re.compile(r"(?<=\d)\s*[-–]\s*(?=[^\W\d_]{2,})|(?<=\b[Ss][ốỐ])[-–](?=\d)")
"""A dash after a house number, before a word (``Số 181- đường``, ``86/10-Lê Hoàn``): a speck beside the
figure read as a dash; a house number runs on with a letter (``12-A``) or a figure (``12-14``), never
into its street; nor is a dash between ``Số`` and its figures (``Số-10``)."""
_STRAY_DOT = re.compile(r"(?<=\w)(\w)\. (\S+)")
"""A dot after a word, before the next word: no address part ends with one but an abbreviation."""
_UNIT_STARTS = frozenset(("phuong", "quan", "huyen", "xa", "thi", "thanh", "tinh", "tp.", "tx.", "tt.", "p.", "q."))


def _undot(match: re.Match[str]) -> str:
    """``Thang. quận`` → ``Thang, quận`` (a comma before a unit read as a dot); ``Tây. Sơn`` → ``Tây Sơn``
    (a speck read as a dot inside a name); abbreviations (``TP. Huế``, ``Q. 1``) and figures stay. No
    comma after an agency's own words (``Ủy ban nhân dân. phường 14``), nor before a unit's type that
    ends the text, naming nothing (``Xô Viết Nghệ. Tĩnh``: a street's last word)."""
    word_end, following = match.group(1), match.group(2)
    start = match.string.rfind(" ", 0, match.start(1)) + 1
    word = match.string[start:match.end(1)]
    if any(c.isdigit() for c in word) or (word.isupper() and len(word) <= 3) or len(word) < 2:
        return match.group(0)
    unit = fold(following.rstrip(",")) in _UNIT_STARTS or following.lower() in _UNIT_STARTS
    named = bool(match.string[match.end():].strip(" ,.")) or following.lower() in _UNIT_STARTS
    mark = "," if unit and named and fold(word) not in _AGENCY_WORDS else ""
    return f"{word_end}{mark} {following}"


_LOST_COMMA = re.compile(r"(?<=[^\s,])(?<!đường)(?<!Đường)(?= (?:Phường|Xã|Quận|Huyện|Thị xã|Thị trấn|Thành phố|Tỉnh) \w)")
"""``Số 96/31 Đội Cấn Phường Cống Vị``: the comma before a unit (capitalised, in an address) lost."""
_LOST_COMMA_SMALL = re.compile(r"(\S+)(?= (?:phường|xã|quận|huyện|thị xã|thị trấn|thành phố|tỉnh) (\w))")
"""``Công an phường An Biên quận Lê Chân``: the comma lost between two units named in small letters (an
agency's, ``Ủy ban nhân dân phường 15, quận …``)."""
_AGENCY_WORDS = frozenset(("an", "dan", "ubnd", "ban"))


def _lost_small_comma(match: re.Match[str]) -> str:
    """A comma after a unit's name (a capitalised word or a number) before the next unit's type; none
    after an agency's own words (``Công an phường``, ``UBND phường``)."""
    word, following = match.group(1).rsplit("-", 1)[-1], match.group(2)  # ``Kế-hoạch``: a speck read as a dash
    named = word[:1].isupper() and not word.isupper() or word.isdigit()
    follows = following.isupper() or following.isdigit()
    comma = named and follows and word[-1].isalnum() and fold(word) not in _AGENCY_WORDS
    return match.group(1) + "," if comma else match.group(1)


def _house_word(word: str) -> bool:
    """``Số`` or one letter off it (a mark misread, or a letter more that no name has: ``Sối``, not ``Sơn``)."""
    from fields.names import is_name_word

    folded = fold(word)
    return folded[:1] == "s" and (folded == "so" or one_off(folded, "so")) and (
        len(word) == 2 or len(word) == 3 and not is_name_word(word.capitalize()))


_TINH_SPLIT = re.compile(r"(?<![\w])T[:;.,]?\s*nh(?=\s+[A-ZĐÂĂÊÔƠƯ])")
"""``T nh Khánh Hòa``, ``T: nh Thanh Hóa``: a province's type whose ``ỉ`` was lost or read as a colon."""


def tidy_address(text: str, *, keywords: bool = True) -> str:
    """Put back what OCR does to an address's own words: a semicolon for the comma between its parts
    (``Phường Xuân Khánh; Quận Ninh Kiều``) or none (``Đội Cấn Phường Cống Vị``) and, with ``keywords`` (an address, not free text that
    names one), a misread mark on a lower-case keyword (``đưởng`` → ``đường``; capitalised words are
    names: ``Dương`` stays)."""
    value = _STRAY_DOT.sub(_undot, mend_syllables(_NUMBER_DASH.sub(" ", collapse(text))).replace(";", ","))
    value = _TINH_SPLIT.sub("Tỉnh", value)
    value = _LOST_COMMA_SMALL.sub(_lost_small_comma, value)
    words = (_LOST_COMMA.sub(",", value) if keywords else value).split(" ")
    out = []
    for i, word in enumerate(words):
        bare = word.rstrip(",")
        keyword = _STREET_BY_FOLD.get(fold(bare)) if keywords and bare[:1].islower() else None
        following = words[i + 1] if i + 1 < len(words) else ""
        if bare[:1].islower() and following[:1].isupper():
            # ``bhường Thạch Thang``: one letter off a unit's type before its name (``phường``)
            keyword = _near_type(bare) or keyword
        elif bare[:1].isupper() and (following[:1].isupper() or following[:1].isdigit()) and bare.isalpha() \
                and not is_syllable(bare):
            # ``Quín 3``: a capitalised word that is no syllable, one letter off a unit's type (``Quang
            # Trung`` is a syllable, a street: never taken for ``Quận``)
            keyword = (_near_type(bare) or "").capitalize() or keyword
        if (keywords and i == 0 or bare[:1] == "S") and following[:1].isdigit() and _house_word(bare):
            keyword = "Số"  # ``SỐ 192/30``, ``Sẽ 102``, ``tại Sổ 184``, ``Sối 166``: the house number's word
        second = _TYPE_SECONDS.get(fold(words[i - 1])) if i else None
        if second and bare.islower() and following[:1].isupper() and (one_off(fold(bare), fold(second))
                                                                      or fold(bare) == fold(second)):
            keyword = second  # ``Thành phế Hồ Chí Minh``
        out.append(keyword + word[len(bare):] if keyword else word)
    return _trailing_speck(" ".join(_recase_capitals(out)))


def _trailing_speck(text: str) -> str:
    """``…, Tỉnh Bắc Ninh R`` → ``…, Tỉnh Bắc Ninh``: a lone letter after the province an address ends
    with is a speck at the end of the line (no address goes on after its province)."""
    head, _, last = text.rpartition(" ")
    if len(last) == 1 and last.isalpha() and head and _province_of([re.split(r"\s*,\s*", head)[-1]]) is not None:
        return head
    return text


_ROMAN = frozenset("IVXLCDM")


def _recase_capitals(words: list[str]) -> list[str]:
    """A syllable in capitals next to a word in title case, in title case (``đường Lê LỢI`` → ``Lê
    Lợi``): names in an address are written in title case, so OCR slipped on its capitals (the letters
    stay). Abbreviations (``TP.``, ``KĐT``, ``UBND``: no syllable) and Roman numerals (``Khu II``) stay."""
    from ocr.syllables import is_syllable

    def titled(word: str) -> bool:
        core = word.strip(",.;:")
        return len(core) > 1 and core[:1].isupper() and core[1:].islower()

    out = list(words)
    for i, word in enumerate(words):
        bare = word.rstrip(",.;:")
        if not (len(bare) > 1 and bare.isalpha() and bare.isupper() and is_syllable(bare)) or set(bare) <= _ROMAN:
            continue
        if any(titled(words[j]) for j in (i - 1, i + 1) if 0 <= j < len(words)):
            out[i] = bare[:1] + bare[1:].lower() + word[len(bare):]
    return out


_UNIT_TYPES = ("phường", "quận", "huyện", "tỉnh")
_QUAN_SHAPE = re.compile(r"^q[un][aiuy]{1,3}n$")
"""``Quiìn``, ``Quíin``, ``qniìn``: the ``ậ`` of ``quận`` read as two letters with its marks apart."""


def _near_type(word: str) -> str | None:
    """The unit type ``word`` is one letter off, or ``quận`` read in that shape when it is no syllable."""
    folded = fold(word)
    near = next((t for t in _UNIT_TYPES if one_off(folded, fold(t))), None)
    return near or ("quận" if _QUAN_SHAPE.match(folded) and not is_syllable(word) else None)
_TYPE_SECONDS = {"thanh": "phố", "thi": "trấn"}
"""The second word of a two-word unit type after its first (``Thành phố``, ``Thị trấn``)."""


def ends_mid_street(text: str) -> bool:
    """True when an address stops at a street's keyword (``Số 171 đường``) or at a family name after it
    (``Số 123 đường Lê``: streets are named after people, in full): the rest was not read."""
    value = collapse(text).rstrip(" ,.")
    if _ENDS_AT_STREET.search(value):
        return True
    words = value.split()
    return len(words) >= 2 and words[-2].lower() in ("đường", "phố") and words[-1] in SURNAMES


_TYPE_WORDS = frozenset(fold(t.split()[0]) for t in UNIT_TYPES)
"""Folded first words of the unit types (thành phố, thị xã, thị trấn by their first word)."""
_HOUSE_NUMBER = re.compile(r"\bSố\s+\d")


def mixed_columns(text: str) -> str | None:
    """Why an address looks pieced from two columns (two addresses side by side, a cell's edge not
    seen), or None: a house number after its start (``Số 9 đường Lê Thánh Số 95 Tôn …``:
    ``address_mixed``), or a start in small letters (``đường Tô Hiệu, …``: its ``Số 95`` went to the
    neighbour, ``address_start_lost``). A clerk compares it with the paper."""
    value = collapse(text)
    if any(m.start() > 0 for m in _HOUSE_NUMBER.finditer(value)):
        return "address_mixed"
    first = value.split(" ", 1)[0]
    return "address_start_lost" if first[:1].islower() and fold(first) not in _TYPE_WORDS else None


def capital_start(text: str) -> str:
    """An address that begins with a unit's type in small letters (``quận Cầu Giấy``) begins with a
    capital, as every part of an address does."""
    first, _, rest = text.partition(" ")
    return f"{first[:1].upper()}{first[1:]} {rest}".strip() if fold(first) in _TYPE_WORDS else text


def _official(kind: str, name: str) -> bool:
    """True when ``name`` is spelt exactly as an official unit of this kind (any province, either structure)."""
    if kind in ("tinh", "thanhpho"):
        official = find_province(name)
        if official is not None and (name in (official.short, official.name) or name in _province_spellings().values()):
            return True
        if kind == "tinh":
            return False
    legacy, current = unit_names()
    for structure in (legacy, current):
        for prov in structure.values():
            table = prov.districts if kind in _DISTRICT_KINDS else prov.communes
            if name in (_lookup(table, kind, name) or ()):
                return True
    return False


def verified_words(text: str) -> frozenset[str]:
    """The folded words of the units an address names (type and name) that are spelt exactly as an
    official unit (run on :func:`check_units`' output): those words were checked against the lists, so
    a low OCR score on them says nothing about the value; a unit spelt otherwise is not counted."""
    words: set[str] = set()
    for part in re.split(r"\s*,\s*", _tidy_types(collapse(text))):
        split = _split_type(part.split())
        if split is None:
            continue
        name = " ".join(part.split()[split[1]:])
        if name and not any(c.isdigit() for c in name) and _official(split[2], name):
            unit = [fold(w) for w in part.split()[split[0]:] if fold(w)]
            # each word, and runs of them read glued (``HàNội``, ``phố-Hồ``): the letters as listed
            words |= {"".join(unit[i:j]) for i in range(len(unit)) for j in range(i + 1, len(unit) + 1)}
    return frozenset(words)


_LOWER_PLACE_WORDS = frozenset(fold(w) for w in (
    "số", "đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "tổ", "thôn", "xóm", "ấp", "bản", "khu", "khóm",
    "lô", "căn", "tầng", "tòa", "nhà", "km", "dân", "phố", "tại", "và", "trong", "của"))
"""Words an address writes in small letters between names (``ngõ 74 Tây Sơn``, ``tổ 5``, ``khu phố 3``)."""


def name_broken(text: str) -> bool:
    """True when a word in small letters follows a capitalised word of a street's name (``Số 124 đường
    Lê tợi``): a street's name, after its house number or ``đường``/``phố``, is written with capitals,
    so a letter or a mark was misread (``L`` read ``t``) where no list checks the words; so is a word
    in capitals among a name in small letters (``Lê LỢI``). An address in capitals, the small keywords
    of an address (``ngõ 74 Tây Sơn``) and a street named after a date (``đường 3 tháng 2``) are left alone.
    """
    words = re.findall(r"[^\W\d_]+", text)
    if any(c.islower() for c in text) and any(len(w) > 1 and w.isupper() and _VOWEL.search(fold(w)) for w in words):
        return True  # ``SỐ 192/30 Võ Văn Tần``: a syllable in capitals among small letters (``TP``, ``KĐT`` have no vowel)
    for part in re.split(r"\s*[,;:]\s*", collapse(text)):
        armed = in_name = False
        for word in part.split():
            if any(c.isdigit() for c in word) or fold(word) in ("duong", "pho"):
                armed, in_name = True, False
            elif fold(word) in _UNIT_HEADS:
                armed = in_name = False
            elif armed and word.isalpha() and word[:1].isupper() and not word.isupper():
                in_name = True
            elif in_name and word.isalpha() and word[:1].islower() and fold(word) not in _LOWER_PLACE_WORDS:
                return True
    return False


_VOWEL = re.compile(r"[aeiouy]")
_UNIT_HEADS = frozenset(fold(w) for w in ("Phường", "Xã", "Quận", "Huyện", "Thị", "Thành", "Tỉnh", "Đặc"))
"""First words of a unit's type: ``Thành phố``, ``Thị trấn``, ``Thị xã``, ``Đặc khu`` go on in small letters."""


_ODD_HOUSE_NUMBER = re.compile(r"\bSố\s+(?:\d{5,}(?![/\d])|[^\W\d_IlOo]\d+\b)")
"""``Số 137713`` (a slash read as 7: no house number runs to five figures), ``Số G7`` (a 6 read as a
letter before the figures; ``I11``, ``O5`` are put right as figures elsewhere)."""


def odd_house_number(text: str) -> bool:
    """True when a house number reads as none is written: five figures or more with no slash, or a
    letter before its figures; a clerk looks at the paper."""
    return bool(_ODD_HOUSE_NUMBER.search(text))
