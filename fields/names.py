"""Vietnamese family names: a misread diacritic in the first word of a name is put right.

About seventy family names cover nearly every Vietnamese (a name that starts with none is sent to a
clerk: its first word may have been lost); OCR often misreads their marks (``Trân`` for
``Trần``, ``Lễ`` for ``Lê``, ``HƯỲNH`` for ``HUỲNH``). When a word has the letters of exactly one of
them, that spelling is used. Streets are mostly named after people, so the first word of a street name
(after ``đường`` or a house number) gets the same treatment. Words matching no family name are kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import unicodedata

from fields.text import edits, fold, one_off

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý", "Đinh", "Đào", "Đoàn", "Lâm", "Mai", "Trịnh", "Trương", "Cao", "Lưu", "Lương",
    "Hà", "Tạ", "Tô", "Châu", "Quách", "Thái", "Kiều", "Mạc", "Văn", "Tăng", "Triệu", "Khúc", "Hứa",
    "Lại", "Chu", "Chung", "La", "Lục", "Kim", "Âu", "Thân", "Tôn", "Nghiêm", "Phùng", "Vương", "Diệp",
    "Ông", "Thạch", "Danh", "Lò", "Giang", "Bạch", "Doãn", "Khổng", "Ninh", "Từ", "Tiêu", "Nông",
    "Hầu", "Vi", "Đàm", "Kha", "Lữ", "Cù", "Cấn", "Bế", "Sầm", "Lường",
)
_SURNAME_FOLDS = frozenset(fold(s) for s in SURNAMES)
_BY_FOLD: dict[str, list[str]] = {}
for _name in SURNAMES:
    _BY_FOLD.setdefault(fold(_name), []).append(_name)


def correct_surname(word: str) -> str:
    """The family name ``word`` stands for, in the case it was written; ``word`` itself otherwise.

    Args:
        word: One word, e.g. ``"Trân"`` or ``"TRÂN"``.

    Returns:
        ``"Trần"`` / ``"TRẦN"``; unchanged when it is a family name already, matches none, or several.
    """
    if word in SURNAMES or word.capitalize() in SURNAMES:
        return word
    choices = _BY_FOLD.get(fold(word), [])
    if len(choices) != 1 or not word[:1].isupper():
        return word
    return choices[0].upper() if word.isupper() and len(word) > 1 else choices[0]


def has_surname(name: str) -> bool:
    """True when a full name starts with one of the family names of :data:`SURNAMES` (any case)."""
    words = name.split()
    return bool(words) and fold(words[0]) in _SURNAME_FOLDS


def listed_name(name: str) -> bool:
    """True when a full name is a family name followed by listed name syllables only (any case), its
    given name (the last word) a listed given name: a family name there (``Ngô Bảo Trần``) is mostly
    another given name misread (``Trang``)."""
    words = name.split()
    return len(words) >= 2 and has_surname(name) and all(
        w in _NAME_WORDS or w.capitalize() in _NAME_WORDS or title_word(w) in _NAME_WORDS for w in words[1:]) \
        and title_word(words[-1]) in NAME_SYLLABLES


def is_name_word(word: str) -> bool:
    """True when ``word`` is a family name or a listed name syllable, in title case or capitals."""
    return word in _NAME_WORDS or title_word(word) in _NAME_WORDS


def title_word(word: str) -> str:
    """``word`` with a capital first letter and the rest small (``HOàng`` → ``Hoàng``)."""
    return word[:1].upper() + word[1:].lower()


def correct_name(text: str) -> str:
    """A full name with its family name (first word) put right, and a dot glued to a word before the
    next one dropped (``Đỗ Mai. Trang``: a speck read as a stop; no name holds one)."""
    words = text.split()
    words = [w.rstrip(".") for w in words[:-1]] + words[-1:]
    return " ".join([correct_surname(words[0]), *words[1:]]) if words else text


_PLACE_TYPES = frozenset(fold(w) for w in (
    "Tổ", "Thôn", "Xóm", "Ấp", "Bản", "Khu", "Khóm", "Ngõ", "Ngách", "Hẻm", "Kiệt", "Đường", "Phố", "Phường",
    "Xã", "Quận", "Huyện", "Thị", "Thành", "Tỉnh", "Lô", "Căn", "Tầng", "Tòa", "Nhà", "Số", "Km"))


def correct_street(text: str) -> str:
    """An address with the first word of its street name (after ``đường`` or a number) put right."""
    words = text.split()
    for i in range(1, len(words)):
        if fold(words[i]) in _PLACE_TYPES:
            continue  # ``Số 12, Tổ 5``, ``Phường 9, Quận 3``: a unit's type, not a street's name
        if words[i - 1].lower() == "đường" or any(c.isdigit() for c in words[i - 1]):
            words[i] = correct_surname(words[i])
    return " ".join(words)


#: Syllables of Vietnamese given and middle names, the closed list a name's misread syllable is
#: matched against (its letters without marks). Family names are :data:`SURNAMES`.
NAME_SYLLABLES = frozenset("""
An Anh Ánh Ân Bá Bách Bảo Bằng Bắc Bích Biên Bình Bội Cầm Cẩm Cao Cát Chánh Châu Chi Chiến Chinh Chính
Chung Công Cúc Cường Đại Đan Đang Đăng Đạo Đạt Diễm Diệp Diệu Dinh Định Đình Đoan Đông Đồng Du Dũng Dung
Duy Duyên Dương Đức Gấm Gia Giang Giao Hà Hạ Hải Hân Hằng Hạnh Hào Hảo Hậu Hiền Hiển Hiệp Hiếu Hiệu Hinh
Hoa Hòa Hóa Hoài Hoan Hoàn Hoàng Hồng Hợp Huân Huấn Huế Huệ Hùng Hưng Hương Hường Hữu Huy Huyền Khải
Khang Khanh Khánh Khoa Khôi Khuê Kiên Kiệt Kiều Kim Lam Lâm Lan Lành Lệ Liên Liễu Linh Loan Lộc Lợi Long
Luân Lực Lương Ly Mai Mạnh Mẫn Minh My Mỹ Nam Nga Ngà Ngân Nghĩa Ngọc Nguyên Nguyệt Nhàn Nhân Nhật Nhi
Nhiên Như Nhung Oanh Phát Phong Phú Phúc Phụng Phước Phương Phượng Quân Quang Quế Quốc Quý Quyên Quyết
Quỳnh Sang Sáng Sinh Sơn Sương Tài Tâm Tân Tấn Thạch Thái Thắm Thắng Thanh Thành Thảo Thi Thiện Thịnh Thơ
Thoa Thông Thu Thư Thuận Thục Thùy Thủy Thúy Thụy Tiên Tiến Tín Tình Toàn Trà Trâm Trang Trí Triều Trinh
Trọng Trung Trúc Trường Tú Tuấn Tuệ Tùng Tường Tuyền Tuyết Uyên Vân Văn Vi Việt Vinh Vĩnh Võ Vũ Vy Xuân
Ý Yên Yến Hưởng Thị Hữu Đắc Kiều Khuyên Lụa Mận Mơ Nương Quyền Sa Sen Tùng Ước Vương Hậu Hạ Hà
""".split())
_NAME_WORDS = NAME_SYLLABLES | frozenset(SURNAMES)
_SYLLABLES_BY_FOLD: dict[str, set[str]] = {}
for _word in NAME_SYLLABLES | frozenset(SURNAMES):
    _SYLLABLES_BY_FOLD.setdefault(fold(_word), set()).add(_word)


def _in_case(word: str, model: str) -> str:
    return model.upper() if word.isupper() and len(word) > 1 else model


def ends_at_middle(name: str) -> bool:
    """True when a full name stops at its middle name (``Lê Thị``, ``Trần Văn``): its given name, the
    last word, was not read (``Thị`` ends no name; ``Văn`` is a given name only after a middle one)."""
    words = [fold(w) for w in name.split()]
    return len(words) >= 2 and (words[-1] == "thi" or words[-1] == "van" and len(words) == 2)


def two_names(name: str) -> bool:
    """True when a full name holds a second one (``Võ Thùy Hà Hoàng Văn``: the next column's name read
    on): five words or more, or a family name followed by a middle name Văn or Thị after the start."""
    words = name.split()
    if len(words) >= 5:
        return True
    return any(fold(words[i]) in _FOLDED_SURNAMES and fold(words[i + 1]) in ("van", "thi")
               for i in range(2, len(words) - 1))


_FOLDED_SURNAMES = frozenset(fold(s) for s in SURNAMES)


def _marks(word: str) -> list[str]:
    """A word's diacritics wherever they sit (``Hoà`` and ``Hòa`` are one name, spelt in two styles)."""
    return sorted(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.combining(c))


_ACUTE, _DOT_BELOW = "\u0301", "\u0323"
_STOP_FINAL = re.compile(r"(?:c|ch|p|t)$")


def toneless_stop(word: str) -> bool:
    """A syllable ending in c, ch, p or t without the sắc or nặng tone (``MAT``, ``Phat``): Vietnamese
    has none, so a mark was lost or a letter misread (``MAT`` for ``MAI``)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bool(_STOP_FINAL.search(bare)) and _ACUTE not in decomposed and _DOT_BELOW not in decomposed


def check_syllables(text: str) -> tuple[str, str | None]:
    """Put right a name's syllables that are not names, where the name list leaves one choice.

    Most OCR errors in names are misread marks, often still valid syllables (``Hồng`` → ``Hông``,
    ``Tuấn`` → ``Tuân``, ``Nhung`` → ``Nhụng``): a word that is not a listed name but has the letters
    of exactly one listed name is that name; one with the letters of several (``Yễn``: ``Yên`` or
    ``Yến``) is flagged. A syllable that is not valid Vietnamese (``Thanhh``, ``Ngọcc``, ``Lỵ``) with
    no listed name for its letters is flagged; a valid one is kept (a name rarer than the list). A middle word ``Thi`` is ``Thị`` (its dot is the first mark lost).

    Args:
        text: A full name, title case or capitals.

    Returns:
        ``(name, reason)``: the name with unambiguous corrections; ``name_syllable`` when a syllable
        is not Vietnamese and could not be put right, else None.
    """
    from ocr.syllables import is_syllable

    words, reason = [], None
    split = text.split()
    for at, word in enumerate(split):
        if 0 < at < len(split) - 1 and word in ("Thi", "THI"):
            words.append(_in_case(word, "Thị"))  # a middle name Thi is Thị with its dot lost
            continue
        if at == 1 and len(split) > 2 and word in ("Th", "TH"):
            words.append(_in_case(word, "Thị"))  # its ``ị`` lost: the most common middle name, asked about
            reason = "name_syllable"
            continue
        choices = _SYLLABLES_BY_FOLD.get(fold(word), set())
        listed = word in _NAME_WORDS or word.capitalize() in _NAME_WORDS
        if listed or not word.isalpha():
            words.append(word)
        elif len(choices) == 1:  # valid or not, the one name with these letters (Hông → Hồng)
            words.append(_in_case(word, next(iter(choices))))
        elif choices and not any(_marks(word) == _marks(c) for c in choices):
            words.append(word)  # several listed names have its letters (Yễn: Yên or Yến?): only the paper tells
            reason = "name_syllable"
        elif is_syllable(word) and not toneless_stop(word):
            words.append(word)  # a Vietnamese syllable no listed name has the letters of: a rarer name
        else:
            words.append(_one_letter_off(word, surname=at == 0))
            reason = "name_syllable"  # put right or not, a letter was misread: a clerk confirms
    return " ".join(words), reason


def _one_letter_off(word: str, *, surname: bool) -> str:
    """The one listed name (a family name for the first word) whose letters are one off ``word``'s and
    that has its marks (``Đặngl`` → ``Đặng``); failing that, the one whose letters are one off whatever
    its marks (``Hdỏàng`` → ``Hoàng``: the word goes to review anyway); ``word`` itself when there is
    none or several."""
    if len(fold(word)) < 3:
        return word
    pool = SURNAMES if surname else NAME_SYLLABLES
    near = {n for n in pool if one_off(fold(word), fold(n))}
    marked = {n for n in near if _marks(n) == _marks(word)}
    for found in (marked, near):
        if len(found) == 1:
            return _in_case(word, found.pop())
    return word


def guess_surname(text: str) -> tuple[str, bool]:
    """A full name whose first word is garbled (``Nguydn``, ``NGUYIïN``, ``Trẩấn``, ``Hu‡nh``) with the
    one family name its letters are near: one letter off, or two for a name of five letters or more.
    Returns the name and whether it was guessed (the caller sends it to review)."""
    from ocr.syllables import is_syllable

    words = text.split()
    if not words or words[0] in SURNAMES or words[0].capitalize() in SURNAMES:
        return text, False
    first = words[0]
    letters = "".join(c for c in fold(first) if c.isalpha() and c.isascii())
    if len(letters) < 2 or first.isalpha() and is_syllable(first) or not first[:1].isupper():
        return text, False
    near = {n for n in SURNAMES if edits(letters, fold(n)) <= (2 if len(fold(n)) >= 5 else 1)}
    if len(near) != 1:
        return text, False
    name = near.pop()
    capitals = sum(c.isupper() for c in first) > sum(c.islower() for c in first)  # ``NGUYIïN``: capitals
    return " ".join([name.upper() if capitals and len(first) > 1 else name, *words[1:]]), True


_FOLDED_NAME_WORDS = frozenset(fold(w) for w in _NAME_WORDS)
_MAIL_NAME = re.compile(r"^([a-z]+?)(\d{2})?$")


def name_mail(address: str, domains: Collection[str]) -> bool:
    """True when an e-mail address at one of ``domains`` has a person's name run together for its local
    part, without marks, and at most two figures (``phamngoctrang75@gmail.com``): every piece a family
    name or a listed name syllable. OCR's misreadings of such letters mostly leave a piece no name has
    (``huynhngochuohg``); a figure dropped leaves one figure (``thao9``)."""
    local, _, domain = address.partition("@")
    match = _MAIL_NAME.match(local) if domain in domains else None
    if match is None:
        return False
    letters = match.group(1)
    ends = {0}
    for end in range(1, len(letters) + 1):
        if any(start in ends and letters[start:end] in _FOLDED_NAME_WORDS for start in range(max(0, end - 6), end)):
            ends.add(end)
    return len(letters) in ends and len(letters) >= 6


_L_LOOKALIKES = "Il1|"
"""What a capital L is read as at a word's start (``Ian``, ``1an``, ``lan``)."""


def capital_l(name: str) -> tuple[str, bool]:
    """A name's word that starts with ``I``, ``l``, ``1`` or ``|`` and is no listed name, but is one with
    an ``L`` there (``Hồ Phương Ian`` → ``Lan``): its capital L misread. Returns the name and whether a
    word was changed (the name then goes to a clerk: ``Ian`` may be written so)."""
    words, changed = name.split(), False
    for at, word in enumerate(words):
        if len(word) < 2 or word[0] not in _L_LOOKALIKES or is_name_word(word):
            continue
        rest = word[1:]
        for candidate in ("L" + rest.lower(), "L" + rest) if not rest.isupper() else ("L" + rest,):
            if is_name_word(candidate):
                words[at], changed = candidate, True
                break
    return " ".join(words), changed
