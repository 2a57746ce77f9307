"""Vietnamese family names: a misread diacritic in the first word of a name is put right.

About fifty family names cover nearly every Vietnamese; OCR often misreads their marks (``Trân`` for
``Trần``, ``Lễ`` for ``Lê``, ``HƯỲNH`` for ``HUỲNH``). When a word has the letters of exactly one of
them, that spelling is used. Streets are mostly named after people, so the first word of a street name
(after ``đường`` or a house number) gets the same treatment. Words matching no family name are kept.
"""

from __future__ import annotations

from fields.text import fold

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý", "Đinh", "Đào", "Đoàn", "Lâm", "Mai", "Trịnh", "Trương", "Cao", "Lưu", "Lương",
    "Hà", "Tạ", "Tô", "Châu", "Quách", "Thái", "Kiều", "Mạc", "Văn", "Tăng", "Triệu", "Khúc", "Hứa",
    "Lại", "Chu", "Chung", "La", "Lục", "Kim", "Âu", "Thân", "Tôn", "Nghiêm", "Phùng", "Vương", "Diệp",
)
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


def correct_name(text: str) -> str:
    """A full name with its family name (first word) put right."""
    words = text.split()
    return " ".join([correct_surname(words[0]), *words[1:]]) if words else text


def correct_street(text: str) -> str:
    """An address with the first word of its street name (after ``đường`` or a number) put right."""
    words = text.split()
    for i in range(1, len(words)):
        if words[i - 1].lower() == "đường" or any(c.isdigit() for c in words[i - 1]):
            words[i] = correct_surname(words[i])
    return " ".join(words)
