"""Street names common across Vietnam's towns, put back when OCR misreads only their marks.

Streets are named after the same national figures, events and places everywhere (Quang Trung, Ngô Gia
Tự, Xô Viết Nghệ Tĩnh …). A run of words in an address with exactly the letters of one of these names
but other marks (``Quang Trụng``, ``Xê Viết`` is not: its letters differ) is that name misread: its
spelling is put back, as the unit lists do for units. Letters that differ are left to the other checks.
"""

from __future__ import annotations

from fields.text import fold

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
