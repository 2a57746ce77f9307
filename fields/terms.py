"""Common words of two syllables in a dossier's free text, and a syllable misread inside one put back.

A business line, a shop's name, a hospital or an agency is free text, so no closed list checks it; but
it is mostly made of a few hundred common words of two syllables (``điện thoại``, ``di động``,
``phụ kiện``, ``bệnh viện``, ``trung ương``). OCR misreads a syllable of them into another real
syllable (``đi động``, ``cà phô``, ``ĐIỆN THOẠT``, ``Trung ượng``, ``Phạ sản``) that every syllable
check passes. Where two neighbouring words are no common word but are one, its other syllable
read exactly and this one with other marks (or, of three letters or more, one letter off), the
common word is put back, in the reading's case. Only when exactly one common word fits. A common
word's second syllable read as a capital after a small first one (``quán Cơm``, a hand's capital) is
put in small letters.
"""

from __future__ import annotations

import re

from fields.names import NAME_SYLLABLES, SURNAMES
from fields.text import fold, one_off

_TERM_LINES = """
bán lẻ|bán buôn|hàng hóa|tạp hóa|tạp phẩm|bách hóa|thực phẩm|đồ uống|giải khát|cà phê|trà sữa
ăn uống|bình dân|quán cơm|cơm bình|nhà hàng|khách sạn|nhà nghỉ|lưu trú|du lịch|lữ hành|vận tải|hành khách
sửa chữa|bảo dưỡng|xe máy|ô tô|xe đạp|phụ tùng|phụ kiện|linh kiện|điện thoại|di động|máy tính|điện tử
điện lạnh|điện máy|gia dụng|đồ gia|nội thất|vật liệu|xây dựng|sắt thép|thiết bị|văn phòng
cắt tóc|gội đầu|làm đẹp|thẩm mỹ|mỹ phẩm|trang điểm|may mặc|quần áo|giày dép|thời trang|vải sợi|trang sức
thuốc tây|dược phẩm|nhà thuốc|quầy thuốc|y tế|nha khoa|phòng khám|đa khoa|chuyên khoa|sản xuất|chế biến
nông sản|thủy sản|hải sản|lương thực|gạo nếp|rau quả|hoa quả|trái cây|thịt lợn|gia cầm|chăn nuôi|trồng trọt
kinh doanh|dịch vụ|thương mại|buôn bán|đại lý|cửa hàng|siêu thị|tiệm vàng|vàng bạc|đá quý|in ấn|quảng cáo
trò chơi|giải trí|thể thao|giặt là|giặt ủi|chụp ảnh|ảnh viện|áo cưới|hoa tươi
bệnh viện|trung ương|phụ sản|sản nhi|nhi đồng|trạm y|y tế|trung tâm|phòng khám|hộ sinh|đa khoa
ủy ban|nhân dân|công an|tư pháp|hộ tịch|tài chính|kế hoạch|kinh tế|hạ tầng|đô thị|quản lý
hành chính|trật tự|xã hội|cư trú|dân cư|quốc gia|dữ liệu|cơ sở|đăng ký|thường trú|tạm trú|điều chỉnh
thông tin|nơi ở|hiện tại|một cửa|bộ phận|cảnh sát|công dân|căn cước|định danh|cá nhân|hộ khẩu|giấy tờ
"""
"""The common words, in small letters: a line of them per trade or kind of place, ``|`` between."""
TERMS = frozenset(term.strip() for line in _TERM_LINES.strip().splitlines() for term in line.split("|"))
if any(len(term.split()) != 2 for term in TERMS):  # pragma: no cover - the list above is checked on import
    raise ValueError("fields.terms: every common word has two syllables")
_BY_FOLD: dict[str, set[tuple[str, str]]] = {}
for _term in TERMS:
    _first, _, _second = _term.partition(" ")
    _BY_FOLD.setdefault(fold(_first), set()).add((_first, _second))
    _BY_FOLD.setdefault(fold(_second), set()).add((_first, _second))
_EDGE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$")
_NAME_WORDS = NAME_SYLLABLES | frozenset(SURNAMES)


def _near(read: str, term: str) -> bool:
    """``read`` is ``term`` with other marks, or (three letters or more) one letter off it; a word that
    is a listed name syllable or family name is no misreading (``HẢI SƠN`` is a name, not ``hải sản``)."""
    if read == term or read.capitalize() in _NAME_WORDS:
        return False
    a, b = fold(read), fold(term)
    return a == b or len(a) == len(b) >= 3 and one_off(a, b)


def _in_case(word: str, model: str) -> str:
    if model.isupper():
        return word.upper()
    return word[0].upper() + word[1:] if model[:1].isupper() else word


def _fits(first: str, second: str) -> str | None:
    """The one common word ``first second`` stands for (one of them misread), as (first, second)."""
    pair = f"{first} {second}"
    if pair in TERMS:
        return None
    fits = {(a, b) for a, b in _BY_FOLD.get(fold(first), set()) | _BY_FOLD.get(fold(second), set())
            if a == first and len(a) > 1 and _near(second, b) or b == second and len(b) > 1 and _near(first, a)}
    if len(fits) != 1:
        return None
    return " ".join(fits.pop())


def mend_terms(text: str) -> str:
    """``text`` with each syllable misread inside a common word put back (see the module)."""
    words = text.split()
    parts = [_EDGE.match(w).groups() for w in words]  # type: ignore[union-attr]
    bare = [p[1].lower() for p in parts]
    # a word of a common word as read stays (``HỘ KINH DOANH``: ``KINH`` is no ``hộ sinh``'s misread)
    held = {j for i in range(len(bare) - 1) if f"{bare[i]} {bare[i + 1]}" in TERMS for j in (i, i + 1)}
    changed = False
    for i in range(len(words) - 1):
        (_, first, tail), (lead, second, _) = parts[i], parts[i + 1]
        if tail or lead or not first.isalpha() or not second.isalpha():
            continue  # a comma or a bracket between: two words of a list, not one
        if f"{first.lower()} {second.lower()}" in TERMS and first[0].islower() and second[0].isupper() \
                and not second.isupper():
            parts[i + 1] = (lead, second.lower(), parts[i + 1][2])  # ``quán Cơm``: one word, one case
            changed = True
            continue
        found = _fits(first.lower(), second.lower())
        if found is None:
            continue
        a, b = found.split(" ")
        if a != first.lower() and i in held or b != second.lower() and i + 1 in held:
            continue
        parts[i] = (parts[i][0], _in_case(a, first), parts[i][2])
        parts[i + 1] = (parts[i + 1][0], _in_case(b, second), parts[i + 1][2])
        changed = True
    return " ".join("".join(p) for p in parts) if changed else text
