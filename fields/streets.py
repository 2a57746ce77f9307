"""Street names common across Vietnam's towns, put back when OCR misreads only their marks.

Streets are named after the same national figures, events and places everywhere (Quang Trung, Ngô Gia
Tự, Xô Viết Nghệ Tĩnh …). A run of words in an address with exactly the letters of one of these names
but other marks (``Quang Trụng``, ``Xê Viết`` is not: its letters differ) is that name misread: its
spelling is put back, as the unit lists do for units. Letters that differ are left to the other checks.
"""

from __future__ import annotations

from fields.text import edits, fold

STREETS = (
    "Quang Trung", "Ngô Gia Tự", "Xô Viết Nghệ Tĩnh", "Nguyễn Văn Cừ", "Trần Phú", "Lê Lợi", "Lê Duẩn",
    "Hai Bà Trưng", "Điện Biên Phủ", "Hùng Vương", "Nguyễn Huệ", "Lý Thường Kiệt", "Trần Hưng Đạo",
    "Lê Thánh Tông", "Lê Thánh Tôn", "Nguyễn Trãi", "Bạch Đằng", "Phan Chu Trinh", "Phan Bội Châu",
    "Hoàng Diệu", "Võ Văn Tần", "Nguyễn Thị Minh Khai", "Cách Mạng Tháng Tám", "Ba Tháng Hai", "Lạch Tray",
    "Tô Hiệu", "Trần Thái Tông", "Láng Hạ", "Xuân Thủy", "Kim Mã", "Đội Cấn", "Văn Cao", "Lê Hoàn",
    "Nguyễn Văn Linh", "Ngô Quyền", "Lê Lai", "Đinh Tiên Hoàng", "Lý Thái Tổ", "Trần Quốc Toản", "Nguyễn Du",
    "Nguyễn Chí Thanh", "Giải Phóng", "Tây Sơn", "Thái Hà", "Phạm Văn Đồng", "Võ Nguyên Giáp",
    "Nam Kỳ Khởi Nghĩa", "Hoàng Văn Thụ", "Cộng Hòa", "Trường Chinh", "Âu Cơ", "Lạc Long Quân",
    "Nguyễn Thái Học", "Phan Đình Phùng", "Lê Hồng Phong", "Trần Nhân Tông", "Nguyễn Tất Thành",
    "Hà Huy Tập", "Trần Quang Khải", "Nguyễn Văn Trỗi", "Lê Văn Sỹ", "Nguyễn Đình Chiểu", "Pasteur",
    "Nguyễn Công Trứ", "Trần Cao Vân", "Lê Quý Đôn", "Chu Văn An", "Nguyễn Bỉnh Khiêm", "Hàm Nghi",
    "Trưng Nữ Vương", "Nguyễn Hữu Thọ", "Tôn Đức Thắng", "Phạm Ngũ Lão", "Yết Kiêu",
    "Nguyễn Khuyến", "Mạc Đĩnh Chi", "Kim Đồng", "Lý Tự Trọng", "Võ Thị Sáu",
    "Đống Đa", "Hoàng Hoa Thám", "Nguyễn Lương Bằng", "Trần Khát Chân", "Lê Đại Hành", "Nguyễn Đức Cảnh",
)
_BY_FOLD: dict[str, set[str]] = {}
for _street in STREETS:
    _BY_FOLD.setdefault(fold(_street), set()).add(_street)
_LONGEST = max(len(s.split()) for s in STREETS)


_AFTER = frozenset({"duong", "pho", "ngo", "so"})
"""Words a street's name follows (``đường``, ``phố``, ``ngõ``, ``Số``), besides a house number."""


def _garbled(word: str) -> bool:
    from ocr.syllables import is_syllable

    bare = word.rstrip(",.;")
    return len(bare) == 1 or not (bare.isalpha() and is_syllable(bare))


def _street_near(words: list[str], i: int) -> tuple[str, int] | None:
    """The one listed street the words from ``i`` on are a letter off (see :func:`mend_streets`), and
    how many words it takes; None when none, several, or one as read."""
    found: set[tuple[str, int]] = set()
    for street in STREETS:
        size = len(street.split())
        target = fold(street).replace(" ", "")
        for span in (size, size + 1):
            run = words[i:i + span]
            if len(run) < span or any(w.endswith(",") for w in run[:-1]):
                continue
            off = edits(fold("".join(w.rstrip(",.;") for w in run)), target)
            if off == 0:
                return None  # a listed street as read (``Lê Thánh Tôn``, not ``Lê Thánh Tông``)
            if off <= (2 if len(target) >= 12 else 1) and any(_garbled(w) for w in run):
                found.add((street, span))
    return found.pop() if len(found) == 1 else None


def mend_streets(text: str) -> str:
    """``Số 155 Nguyủn Huệ``, ``Nguyễn Văn T inh``, ``Xnân Thủy`` → the one listed street whose letters
    are a letter off the run's (two for a name of twelve letters or more), when the run follows a house
    number or a street's word and a word of it is no syllable (or a lone letter: one word read as two).
    A run of sound syllables is left (a street not on the list: ``Trần Thái Tông`` is no ``Trần Nhân
    Tông``), and so is one that is a listed street as read (``Lê Thánh Tôn`` beside ``Lê Thánh Tông``);
    a run never starts on a lone letter (``Số 12 B Trần Phú``: the house number's letter)."""
    words = text.split(" ")
    i = 1
    while i < len(words):
        before = words[i - 1].rstrip(",.;")
        near = _street_near(words, i) if words[i][:1].isupper() and len(words[i].rstrip(",.;")) > 1 and (
            any(c.isdigit() for c in before) or fold(before) in _AFTER) else None
        if near is None:
            i += 1
            continue
        street, span = near
        last = words[i + span - 1]
        words[i:i + span] = street.split()[:-1] + [street.split()[-1] + last[len(last.rstrip(",.;")):]]
        i += len(street.split())
    return " ".join(words)


def restore_streets(text: str) -> str:
    """``Số 168, ngõ 64 Quang Trụng, …`` → ``… Quang Trung, …``: every run of two or more words (in
    title case, as a street's name is written) with exactly one listed street's letters and other
    marks gets that street's spelling; the longest run first."""
    words = text.split(" ")
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 1, -1):
            run = words[i:i + size]
            bare = [w.rstrip(",.;") for w in run]
            if not all(w[:1].isupper() or w[:1].isdigit() for w in bare):
                continue
            names = {n for n in _BY_FOLD.get(fold(" ".join(bare)), set()) if len(n.split()) == size}
            if len(names) == 1 and (name := next(iter(names))) != " ".join(bare):
                spelt = name.split()
                words[i:i + size] = [s + w[len(b):] for s, w, b in zip(spelt, run, bare, strict=True)]
                i += size - 1
                break
            if len(names) == 1:
                i += size - 1
                break
        i += 1
    return " ".join(words)
