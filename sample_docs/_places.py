"""Vietnamese names and places for the sample generator, kept apart from the drawing code.

The tables are small and hand-picked: real province names with their CCCD birth-registration
codes, a few real districts/wards/streets per province in the old 4-level form, and a few of the
ward names of the 2025 two-level form (illustrative: enough to exercise both address shapes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = {
    "Nam": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Hoàng", "Gia", "Anh"),
    "Nữ": ("Thị", "Thu", "Ngọc", "Thanh", "Phương", "Bảo", "Hồng", "Kim", "Thùy", "Mai"),
}
GIVEN = {
    "Nam": ("Đức", "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Phúc", "Khoa", "Quân", "Hiếu",
            "Sơn", "Thắng", "Việt", "Bảo", "Khánh", "Huy"),
    "Nữ": ("Nhung", "Anh", "Lan", "Hương", "Mai", "Linh", "Trang", "Thảo", "Hà", "Ngọc",
           "Yến", "Vy", "Hạnh", "Giang", "Uyên"),
}
#: four-part names: surname + middle + two-syllable given name (Nguyễn Thị Hồng Nhung)
MIDDLE_LONG = {"Nam": ("Hoàng", "Văn", "Đức"), "Nữ": ("Thị", "Hoàng", "Lê")}
GIVEN_DOUBLE = {
    "Nam": ("Minh Khang", "Gia Huy", "Quốc Bảo", "Anh Tuấn", "Thành Công", "Minh Đức"),
    "Nữ": ("Phương Anh", "Hồng Nhung", "Thu Trang", "Bảo Ngọc", "Minh Thư", "Thanh Hương"),
}
ETHNIC = ("Kinh",) * 12 + ("Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng")


@dataclass(frozen=True)
class Province:
    """One province: CCCD code, name, old districts → wards, streets, 2025 wards, a hospital."""

    code: str
    name: str
    districts: dict[str, tuple[str, ...]]
    streets: tuple[str, ...]
    new_wards: tuple[str, ...]
    hospital: str


PROVINCES: tuple[Province, ...] = (
    Province("001", "Thành phố Hà Nội",
             {"Quận Ba Đình": ("Phường Kim Mã", "Phường Ngọc Hà", "Phường Cống Vị"),
              "Quận Cầu Giấy": ("Phường Dịch Vọng", "Phường Nghĩa Đô", "Phường Quan Hoa"),
              "Quận Đống Đa": ("Phường Láng Hạ", "Phường Ô Chợ Dừa", "Phường Trung Liệt")},
             ("Kim Mã", "Đội Cấn", "Xuân Thủy", "Trần Thái Tông", "Láng Hạ", "Tây Sơn"),
             ("Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ", "Phường Cầu Giấy",
              "Phường Láng", "Phường Đống Đa"),
             "Bệnh viện Phụ sản Hà Nội"),
    Province("079", "Thành phố Hồ Chí Minh",
             {"Quận 1": ("Phường Bến Nghé", "Phường Đa Kao", "Phường Tân Định"),
              "Quận 3": ("Phường Võ Thị Sáu", "Phường 9", "Phường 14"),
              "Quận Bình Thạnh": ("Phường 25", "Phường 15", "Phường 2")},
             ("Lê Lợi", "Nguyễn Huệ", "Điện Biên Phủ", "Võ Văn Tần", "Xô Viết Nghệ Tĩnh"),
             ("Phường Sài Gòn", "Phường Bến Thành", "Phường Tân Định", "Phường Bình Thạnh",
              "Phường Xuân Hòa"),
             "Bệnh viện Từ Dũ"),
    Province("031", "Thành phố Hải Phòng",
             {"Quận Lê Chân": ("Phường An Biên", "Phường Dư Hàng Kênh"),
              "Quận Ngô Quyền": ("Phường Máy Chai", "Phường Lạch Tray")},
             ("Tô Hiệu", "Lạch Tray", "Lê Lợi", "Văn Cao"),
             ("Phường Lê Chân", "Phường Ngô Quyền", "Phường Gia Viên"),
             "Bệnh viện Phụ sản Hải Phòng"),
    Province("048", "Thành phố Đà Nẵng",
             {"Quận Hải Châu": ("Phường Thạch Thang", "Phường Hòa Cường Bắc"),
              "Quận Sơn Trà": ("Phường An Hải Bắc", "Phường Mân Thái")},
             ("Bạch Đằng", "Nguyễn Văn Linh", "Trần Phú", "Ngô Quyền"),
             ("Phường Hải Châu", "Phường Sơn Trà", "Phường Hòa Cường"),
             "Bệnh viện Phụ sản - Nhi Đà Nẵng"),
    Province("040", "Tỉnh Nghệ An",
             {"Thành phố Vinh": ("Phường Hưng Bình", "Phường Lê Lợi", "Phường Trường Thi"),
              "Huyện Nghi Lộc": ("Xã Nghi Phong", "Xã Nghi Thái")},
             ("Lê Duẩn", "Quang Trung", "Nguyễn Du", "Phan Đình Phùng"),
             ("Phường Thành Vinh", "Phường Trường Vinh", "Phường Vinh Phú"),
             "Bệnh viện Sản Nhi Nghệ An"),
    Province("092", "Thành phố Cần Thơ",
             {"Quận Ninh Kiều": ("Phường An Hòa", "Phường Xuân Khánh", "Phường Cái Khế")},
             ("30 Tháng 4", "Mậu Thân", "Trần Hưng Đạo", "Nguyễn Văn Cừ"),
             ("Phường Ninh Kiều", "Phường Cái Khế", "Phường Tân An"),
             "Bệnh viện Phụ sản thành phố Cần Thơ"),
    Province("046", "Tỉnh Thừa Thiên Huế",
             {"Thành phố Huế": ("Phường Phú Hội", "Phường Vĩnh Ninh", "Phường Phú Nhuận")},
             ("Lê Lợi", "Hùng Vương", "Bến Nghé", "Nguyễn Huệ"),
             ("Phường Thuận Hóa", "Phường Phú Xuân"),
             "Bệnh viện Trung ương Huế"),
    Province("038", "Tỉnh Thanh Hóa",
             {"Thành phố Thanh Hóa": ("Phường Điện Biên", "Phường Ba Đình", "Phường Ngọc Trạo")},
             ("Lê Hoàn", "Trần Phú", "Phan Chu Trinh"),
             ("Phường Hạc Thành", "Phường Quảng Phú"),
             "Bệnh viện Phụ sản Thanh Hóa"),
    Province("027", "Tỉnh Bắc Ninh",
             {"Thành phố Bắc Ninh": ("Phường Suối Hoa", "Phường Đại Phúc", "Phường Ninh Xá")},
             ("Ngô Gia Tự", "Lý Thái Tổ", "Nguyễn Đăng Đạo"),
             ("Phường Kinh Bắc", "Phường Võ Cường"),
             "Bệnh viện Sản Nhi Bắc Ninh"),
    Province("056", "Tỉnh Khánh Hòa",
             {"Thành phố Nha Trang": ("Phường Lộc Thọ", "Phường Vĩnh Hải", "Phường Phước Hòa")},
             ("Trần Phú", "Nguyễn Thị Minh Khai", "Lê Thánh Tôn"),
             ("Phường Nha Trang", "Phường Bắc Nha Trang"),
             "Bệnh viện Đa khoa tỉnh Khánh Hòa"),
)


RENAMED_2025 = {"Tỉnh Thừa Thiên Huế": "Thành phố Huế"}


@dataclass(frozen=True)
class Address:
    """A residence broken into its parts; ``full`` is the one-line form typed on most forms."""

    house: str
    ward: str
    district: str
    province: Province
    two_level: bool

    @property
    def province_name(self) -> str:
        """The province as named on the address's date (Thừa Thiên Huế became Thành phố Huế in 2025)."""
        return RENAMED_2025.get(self.province.name, self.province.name) if self.two_level else self.province.name

    @property
    def full(self) -> str:
        """The one-line address: 4-level (old) or 2-level (after 01/7/2025)."""
        if self.two_level:
            return f"{self.house}, {self.ward}, {self.province_name}"
        return f"{self.house}, {self.ward}, {self.district}, {self.province.name}"


def pick_province(rng: random.Random) -> Province:
    """Pick a province, weighted towards the big cities like a real intake."""
    weights = [4, 4, 2, 2, 1, 1, 1, 1, 1, 1]
    return rng.choices(PROVINCES, weights=weights)[0]


def person_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    """A Vietnamese full name (surname, middle name(s), given name) for ``sex`` ("Nam"/"Nữ")."""
    last = surname or rng.choice(SURNAMES)
    if rng.random() < 0.3:
        return f"{last} {rng.choice(MIDDLE_LONG[sex])} {rng.choice(GIVEN_DOUBLE[sex])}"
    middle = rng.choice(MIDDLE[sex])
    given = rng.choice([g for g in GIVEN[sex] if g != middle])
    return f"{last} {middle} {given}"


def address(rng: random.Random, province: Province | None = None,
            two_level: bool | None = None) -> Address:
    """A street address in ``province`` (random when None), old or new administrative form."""
    prov = province or pick_province(rng)
    district = rng.choice(sorted(prov.districts))
    new = rng.random() < 0.3 if two_level is None else two_level
    ward = rng.choice(prov.new_wards) if new else rng.choice(prov.districts[district])
    number = rng.randint(1, 199)
    street = rng.choice(prov.streets)
    shape = rng.random()
    if shape < 0.5:
        house = f"Số {number} đường {street}"
    elif shape < 0.8:
        house = f"Số {number}, ngõ {rng.randint(2, 120)} {street}"
    else:
        house = f"Số {number}/{rng.randint(2, 40)} {street}"
    return Address(house, ward, district, prov, new)
