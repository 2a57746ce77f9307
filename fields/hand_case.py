"""A hand's letters put in the case the words are written in.

A hand's capitals differ from its small letters mostly in size (``p``/``P``, ``c``/``C``, ``o``/``O``,
``v``/``V``, ``x``/``X``), so Tesseract reads the case of a handwritten letter by chance: ``qUận``,
``tạp hÓa``, ``Hộ kINH DOANH``, ``đường Trần phú``, ``Công an Phường …``. The letters are kept; only
their case is set again, by rules that hold whatever the form (tuning seeds 186 and 200: 23 of the
340 handwritten values read wrong were wrong only in case):

- a word in mixed case (``qUận``, ``DoANH``) is put in one: capitals in a value mostly in capitals,
  else as its first letter;
- a value mostly in capitals (a business's name, a name in capitals) is all capitals;
- a full name has a capital on each syllable;
- in an address, a small word right after a name's syllable goes on with that name when the name
  follows a type word or a house number (``đường Trần phú`` → ``Trần Phú``, ``Số 19/5 Xô viết`` →
  ``Xô Viết``; ``Bệnh viện Từ Dũ`` is left); the type words of an address (``đường``, ``ngõ``,
  ``Thành phố``, ``Tổ dân phố`` …) are never names, and a comma ends a name;
- the units that follow an address's first part take the case most of them were read in
  (``…, phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội`` → ``Phường``);
- in an agency's name, a unit's type below its province is written small, as Nghị định 30/2020
  writes it (``Ủy ban nhân dân phường …``, ``Công an phường …, thành phố Bắc Ninh, Tỉnh …``); the
  province's own type is left as read.
"""

from __future__ import annotations

from configs.form_schema import FieldSpec
from fields.admin_units import UNIT_TYPES
from fields.names import title_word

ADDRESS_TYPE_WORDS = frozenset({
    "số", "nhà", "đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "phường", "quận", "huyện", "xã", "tỉnh",
    "thành", "thị", "trấn", "tổ", "dân", "thôn", "xóm", "ấp", "khu", "khóm", "bản", "làng", "cụm", "lô",
    "tòa", "tầng", "căn", "chung", "cư",
})
"""Words an address uses for its parts (small after a name's syllable: never a name's own word)."""
_PART_TYPES = frozenset(t.split()[0] for t in UNIT_TYPES)
"""First words of the unit types an address's part begins with (``Thành phố``, ``Thị xã`` …)."""
_BELOW_PROVINCE = frozenset({"phường", "quận", "huyện", "xã"})
_TYPE_SECONDS: dict[str, tuple[str, ...]] = {}
"""The second word of a two-word unit type, small, and the first words it follows."""
for _first, _second in (t.split() for t in UNIT_TYPES if " " in t):
    _TYPE_SECONDS[_second] = (*_TYPE_SECONDS.get(_second, ()), _first)
_PUNCT = ",.;:"


def _bare(word: str) -> str:
    return word.rstrip(_PUNCT)


def _upperish(word: str) -> bool:
    """More capitals than small letters, in a word of two letters or more."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and 2 * sum(c.isupper() for c in letters) > len(letters)


def _titled(word: str) -> bool:
    bare = _bare(word)
    return bare[:1].isupper() and bare[1:].islower()


def _one_case(word: str, *, capitals: bool) -> str:
    """A word in mixed case (``qUận``, ``DoANH``) in one case; a word in one already, as it is."""
    bare = _bare(word)
    if capitals:
        return word.upper()
    if bare.islower() or bare.isupper() and len(bare) > 1 or _titled(bare) or not bare.isalpha():
        return word
    return (title_word(bare) if bare[:1].isupper() else bare.lower()) + word[len(bare):]


def _names_go_on(words: list[str]) -> list[str]:
    """In an address, a small word after a name's syllable is that name's next syllable (``đường Trần
    phú`` → ``Trần Phú``, ``Số 19/5 Xô viết`` → ``Xô Viết``) when the name follows a type word or a
    house number in the same part (``Bệnh viện Từ Dũ``: no name before its type word is touched)."""
    out, named = list(words), False
    for i, word in enumerate(out):
        bare = _bare(word)
        low = bare.lower()
        if i and named and bare.isalpha() and bare.islower() and low not in ADDRESS_TYPE_WORDS \
                and _titled(out[i - 1]) and _bare(out[i - 1]).lower() not in ADDRESS_TYPE_WORDS:
            out[i] = title_word(bare) + word[len(bare):]
        named = (named or low in ADDRESS_TYPE_WORDS or any(c.isdigit() for c in bare)) and word[-1:] not in _PUNCT
    return out


def _unit_case(text: str) -> str:
    """The unit types beginning an address's later parts in the case most of them were read in (a tie:
    as read)."""
    parts = text.split(", ")
    starts = [i for i, part in enumerate(parts) if i and part.split(" ", 1)[0].lower() in _PART_TYPES]
    capitals = sum(parts[i][:1].isupper() for i in starts)
    if 2 * capitals == len(starts):
        return text
    for i in starts:
        parts[i] = (parts[i][:1].upper() if 2 * capitals > len(starts) else parts[i][:1].lower()) + parts[i][1:]
    return ", ".join(parts)


def _agency_units(text: str) -> str:
    """An agency's name with the types of its units below the province small: ``Công an Phường An Hải
    Bắc, quận …`` → ``phường``; ``thành phố`` small unless its part is the name's last (the province)."""
    parts = text.split(", ")
    for i, part in enumerate(parts):
        words = part.split(" ")
        for j, word in enumerate(words):
            if i == j == 0:
                continue  # the name's first word keeps its capital
            low = _bare(word).lower()
            nxt = words[j + 1].lower() if j + 1 < len(words) else ""
            if low in _BELOW_PROVINCE or low == "thị" and nxt in ("xã", "trấn") or (
                    low == "thành" and nxt == "phố" and i < len(parts) - 1):
                words[j] = word.lower()
        parts[i] = " ".join(words)
    return ", ".join(parts)


def hand_case(spec: FieldSpec, value: str) -> str:
    """A handwritten value's letters in the case its words are written in (see the module's rules).
    A text checked for administrative units is an agency's name (``Kính gửi``). E-mail addresses,
    figures and IDs are left as read."""
    words = value.split()
    if not words or spec.type in ("email", "cccd", "phone", "number", "amount", "date", "year") or "@" in value:
        return value
    longer = [w for w in words if sum(c.isalpha() for c in w) > 1]
    capitals = bool(longer) and 2 * sum(_upperish(w) for w in longer) > len(longer)
    if spec.type == "name":
        return " ".join(w.upper() if capitals else title_word(w) for w in words)
    words = [_one_case(w, capitals=capitals) for w in words]
    words = [w.lower() if i and _bare(words[i - 1]).lower() in _TYPE_SECONDS.get(_bare(w).lower(), ()) else w
             for i, w in enumerate(words)]  # ``Thành Phố`` → ``Thành phố``
    if capitals:
        return " ".join(words)
    if spec.type == "address":
        return _unit_case(" ".join(_names_go_on(words)))
    return _agency_units(" ".join(words)) if spec.admin_units else " ".join(words)
