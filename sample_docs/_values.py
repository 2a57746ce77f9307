"""Random but consistent field values for the four forms, so the truth files look like real dossiers.

Every value is what a clerk would type after the printed label: CCCD numbers agree with the
holder's sex, birth year and birth province; a child's surname is the father's; the requester
of a birth registration is the mother, with her own residence and CCCD; and so on.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from sample_docs import _places as pl
from sample_docs._forms import LABELS

FORM_TYPES = ("khai_sinh", "ket_hon", "ct01", "ho_kinh_doanh")
#: keys that may be left blank on a real form (value "" in the truth = nothing typed)
OPTIONAL_KEYS = frozenset({"email", "ts_fax"})

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def cccd(rng: random.Random, sex: str, birth: dt.date, province: pl.Province) -> str:
    """A 12-digit CCCD: province code, sex/century digit, 2-digit birth year, 6 random digits."""
    return cccd_of(rng, sex, birth.year, province.code)


def cccd_of(rng: random.Random, sex: str, year: int, province_code: str) -> str:
    """:func:`cccd` from a birth year and a province's code."""
    serial = "".join(str(rng.randint(0, 9)) for _ in range(6))
    return f"{province_code}{_sex_century(sex, year)}{year % 100:02d}{serial}"


def _sex_century(sex: str, year: int) -> int:
    """A CCCD's fourth figure: 0/1 for a man/woman born in the 1900s, 2/3 in the 2000s."""
    return (0 if year < 2000 else 2) + (1 if sex == "Nữ" else 0)


def random_date(rng: random.Random, start_year: int, end_year: int) -> dt.date:
    """A uniformly random date between 1 January ``start_year`` and 31 December ``end_year``."""
    start = dt.date(start_year, 1, 1)
    span = (dt.date(end_year, 12, 31) - start).days
    return start + dt.timedelta(days=rng.randint(0, span))


def fmt_date(day: dt.date) -> str:
    """Format as dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def _two_digits(n: int) -> str:
    """Vietnamese words for 0–99 (``mốt``, ``tư``, ``lăm`` after ``mươi``)."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        return _DIGITS[unit]
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        return f"{head} lăm"
    if unit == 1 and tens > 1:
        return f"{head} mốt"
    if unit == 4 and tens > 1:
        return f"{head} tư"
    return f"{head} {_DIGITS[unit]}"


def number_words(n: int) -> str:
    """Vietnamese words for 0–9999, as written on civil-status forms."""
    thousands, rest = divmod(n, 1000)
    hundreds, tail = divmod(rest, 100)
    parts: list[str] = []
    if thousands:
        parts.append(f"{_DIGITS[thousands]} nghìn")
    if thousands and (hundreds or tail):
        parts.append(f"{_DIGITS[hundreds]} trăm")
    elif hundreds:
        parts.append(f"{_DIGITS[hundreds]} trăm")
    if tail:
        if (thousands or hundreds) and tail < 10:
            parts.append("linh")
        parts.append(_two_digits(tail))
    return " ".join(parts) or "không"


def date_words(day: dt.date) -> str:
    """A date in words: ``Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư``."""
    return (f"Ngày {_two_digits(day.day)} tháng {_two_digits(day.month)} "
            f"năm {number_words(day.year)}")


def _ascii(text: str) -> str:
    """Strip diacritics (and đ) for e-mail local parts."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def email_for(rng: random.Random, name: str, birth: dt.date) -> str:
    """A plausible personal e-mail address built from the name and birth year."""
    local = _ascii(name).lower().replace(" ", "")
    domain = rng.choice(("gmail.com", "gmail.com", "yahoo.com", "outlook.com"))
    return f"{local}{birth.year % 100:02d}@{domain}"


def phone(rng: random.Random) -> str:
    """A 10-digit Vietnamese mobile number starting with 0."""
    prefix = rng.choice(("090", "091", "098", "097", "086", "088", "070", "077", "083", "035"))
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(7))


MERGER = dt.date(2025, 7, 1)
"""From this day addresses have two levels (province, commune): a form dated before it names the
district, a form dated after it does not."""


def form_date(rng: random.Random, two_level: bool) -> str:
    """The date a form was filled in, consistent with the address structure it uses."""
    if two_level:
        return fmt_date(MERGER + dt.timedelta(days=rng.randint(0, 480)))
    return fmt_date(dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, (MERGER - dt.date(2019, 1, 1)).days - 1)))


def _commune_authority(addr: pl.Address, office: str) -> str:
    """The receiving authority of the commune/ward of ``addr`` (e.g. ``Ủy ban nhân dân phường …``)."""
    ward = addr.ward[0].lower() + addr.ward[1:]
    if addr.two_level:
        return f"{office} {ward}, {addr.province_name}"
    district = addr.district[0].lower() + addr.district[1:]
    return f"{office} {ward}, {district}, {addr.province.name}"


class _Person:
    """A generated person: name, sex, birth date and province, CCCD."""

    def __init__(self, rng: random.Random, sex: str, years: tuple[int, int],
                 surname: str | None = None, province: pl.Province | None = None) -> None:
        self.sex = sex
        self.name = pl.person_name(rng, sex, surname)
        self.birth = random_date(rng, *years)
        self.province = province or pl.pick_province(rng)
        self.cccd = cccd(rng, sex, self.birth, self.province)


def _khai_sinh(rng: random.Random) -> dict[str, str]:
    """Values for TỜ KHAI ĐĂNG KÝ KHAI SINH; the birth comes before the form. The requester is the
    mother, the father or a grandparent (drawn apart, so the other values of a seed stay as they were)."""
    values = _requester(_khai_sinh_drawn(rng))
    signed = dt.datetime.strptime(values["ngay_lap"], "%d/%m/%Y").date()
    born = dt.datetime.strptime(values["ngay_sinh"], "%d/%m/%Y").date()
    if born > signed:  # drawn apart: the birth moved to the weeks before, without drawing again
        born = signed - dt.timedelta(days=(born - signed).days % 60 + 1)
        values["ngay_sinh"], values["ngay_sinh_chu"] = fmt_date(born), date_words(born)
    return values


def _requester(values: dict[str, str]) -> dict[str, str]:
    """Who registers the birth: the mother (most), the father, or a grandparent of the father's family."""
    side = random.Random(f"requester:{values['ho_ten']}:{values['ngay_sinh']}")
    who = side.choices(("Mẹ", "Cha", "Bố", "grandparent"), weights=(6, 2, 1, 1))[0]
    if who == "Mẹ":
        return values
    if who in ("Cha", "Bố"):
        return values | {"nyc_ho_ten": values["cha_ho_ten"], "quan_he": who,
                         "nyc_so_cccd": cccd_of(side, "Nam", int(values["cha_nam_sinh"]), values["nyc_so_cccd"][:3])}
    sex = side.choice(("Nam", "Nữ"))
    elder = _Person(side, sex, (1950, 1970), surname=values["cha_ho_ten"].split()[0] if sex == "Nam" else None)
    return values | {"nyc_ho_ten": elder.name, "nyc_so_cccd": elder.cccd,
                     "quan_he": "Ông nội" if sex == "Nam" else side.choice(("Bà nội", "Bà"))}


def _khai_sinh_drawn(rng: random.Random) -> dict[str, str]:
    home = pl.address(rng)
    mother = _Person(rng, "Nữ", (1985, 2002), province=home.province)
    father = _Person(rng, "Nam", (1980, 2000))
    child_sex = rng.choice(("Nam", "Nữ"))
    born = random_date(rng, 2023, 2025)
    ethnic = rng.choice(pl.ETHNIC)
    return {
        "co_quan": _commune_authority(home, "Ủy ban nhân dân"),
        "nyc_ho_ten": mother.name, "nyc_noi_cu_tru": home.full, "nyc_so_cccd": mother.cccd,
        "quan_he": "Mẹ",
        "ho_ten": pl.person_name(rng, child_sex, father.name.split()[0]),
        "ngay_sinh": fmt_date(born), "ngay_sinh_chu": date_words(born),
        "gioi_tinh": child_sex, "dan_toc": ethnic, "quoc_tich": "Việt Nam",
        "noi_sinh": f"{home.province.hospital}, {home.province_name}",
        "que_quan": (pl.RENAMED_2025.get(father.province.name, father.province.name) if home.two_level
                     else father.province.name),
        "me_ho_ten": mother.name, "me_nam_sinh": str(mother.birth.year), "me_dan_toc": ethnic,
        "me_quoc_tich": "Việt Nam", "me_noi_cu_tru": home.full,
        "cha_ho_ten": father.name, "cha_nam_sinh": str(father.birth.year), "cha_dan_toc": ethnic,
        "cha_quoc_tich": "Việt Nam", "cha_noi_cu_tru": home.full,
        "ngay_lap": form_date(rng, home.two_level),
    }


def _ket_hon(rng: random.Random) -> dict[str, str]:
    """Values for TỜ KHAI ĐĂNG KÝ KẾT HÔN (bên nữ / bên nam)."""
    values: dict[str, str] = {}
    first = None
    two_level = rng.random() < 0.3
    for side, sex in (("nu", "Nữ"), ("nam", "Nam")):
        who = _Person(rng, sex, (1985, 2003))
        home = pl.address(rng, two_level=two_level)
        first = first or home
        values |= {
            f"{side}_ho_ten": who.name, f"{side}_ngay_sinh": fmt_date(who.birth),
            f"{side}_dan_toc": rng.choice(pl.ETHNIC), f"{side}_quoc_tich": "Việt Nam",
            f"{side}_noi_cu_tru": home.full, f"{side}_so_cccd": who.cccd,
            f"{side}_lan_ket_hon": rng.choice(("Lần thứ nhất",) * 5 + ("Lần thứ hai",)),
        }
    assert first is not None
    return {"co_quan": _commune_authority(first, "Ủy ban nhân dân")} | values | {
        "ngay_lap": form_date(rng, two_level)}


_CT01_REQUESTS = (
    "Đăng ký thường trú tại {addr}",
    "Đăng ký tạm trú tại {addr}",
    "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú, nơi ở hiện tại: {addr}",
)


def _ct01(rng: random.Random) -> dict[str, str]:
    """Values for Mẫu CT01: the declarant is the spouse of the head, moving with the children."""
    home = pl.address(rng)
    head = _Person(rng, "Nam", (1970, 1995))
    spouse = _Person(rng, "Nữ", (1972, 1997))
    values = {
        "co_quan": _commune_authority(home, "Công an"),
        "ho_ten": spouse.name, "ngay_sinh": fmt_date(spouse.birth), "gioi_tinh": "Nữ",
        "so_cccd": spouse.cccd, "dien_thoai": phone(rng),
        "email": email_for(rng, spouse.name, spouse.birth) if rng.random() < 0.7 else "",
        "chu_ho_ho_ten": head.name, "quan_he_chu_ho": "Vợ", "chu_ho_so_cccd": head.cccd,
        "noi_dung": rng.choice(_CT01_REQUESTS).format(addr=home.full),
    }
    surname = head.name.split()[0]
    for i in (1, 2, 3):
        sex = rng.choice(("Nam", "Nữ"))
        kid = _Person(rng, sex, (1998, 2020), surname=surname)
        values |= {f"tv{i}_ho_ten": kid.name, f"tv{i}_ngay_sinh": fmt_date(kid.birth),
                   f"tv{i}_gioi_tinh": sex, f"tv{i}_so_cccd": kid.cccd, f"tv{i}_quan_he": "Con"}
    values["ngay_lap"] = form_date(rng, home.two_level)
    signed = dt.datetime.strptime(values["ngay_lap"], "%d/%m/%Y").date()
    for i in (1, 2, 3):
        _born_before(values, i, signed)
    return values


def _born_before(values: dict[str, str], i: int, signed: dt.date) -> None:
    """A household member born after the form was signed (drawn apart) moved to years before it,
    without drawing again: the same day and month, the CCCD's century and year digits to match."""
    born = dt.datetime.strptime(values[f"tv{i}_ngay_sinh"], "%d/%m/%Y").date()
    if born <= signed:
        return
    year = signed.year - 1 - (born.year - signed.year) % 5
    born = born.replace(year=year, day=min(born.day, 28))
    number = values[f"tv{i}_so_cccd"]
    sex_digit = _sex_century(values[f"tv{i}_gioi_tinh"], year)
    values[f"tv{i}_ngay_sinh"] = fmt_date(born)
    values[f"tv{i}_so_cccd"] = f"{number[:3]}{sex_digit}{year % 100:02d}{number[6:]}"


_TRADES = ("Bán lẻ hàng tạp hóa", "Dịch vụ ăn uống (quán cơm bình dân)",
           "Sửa chữa xe máy", "Cắt tóc, gội đầu", "Bán lẻ điện thoại di động và phụ kiện",
           "Kinh doanh cà phê, giải khát")
_SHOP_WORDS = ("TẠP HÓA", "QUÁN CƠM", "SỬA XE", "SALON TÓC", "ĐIỆN THOẠI", "CÀ PHÊ")


def _address_parts(prefix: str, addr: pl.Address) -> dict[str, str]:
    """The four address lines of the hộ kinh doanh form (huyện left blank in the 2-level form)."""
    return {f"{prefix}_so_nha": addr.house, f"{prefix}_xa": addr.ward,
            f"{prefix}_huyen": "" if addr.two_level else addr.district,
            f"{prefix}_tinh": addr.province.name}


def _ho_kinh_doanh(rng: random.Random) -> dict[str, str]:
    """Values for GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH (Phụ lục III-1, old 4-level addresses); the ID card
    was issued before the form was signed."""
    values = _ho_kinh_doanh_drawn(rng)
    signed = dt.datetime.strptime(values["ngay_lap"], "%d/%m/%Y").date()
    issued = dt.datetime.strptime(values["ngay_cap"], "%d/%m/%Y").date()
    if issued > signed:  # drawn apart: moved before the form, without drawing again (the rest stays)
        issued = issued.replace(year=signed.year - 1 - (issued.year - signed.year) % 3, day=min(issued.day, 28))
        values["ngay_cap"] = fmt_date(issued)
    return values


def _ho_kinh_doanh_drawn(rng: random.Random) -> dict[str, str]:
    sex = rng.choice(("Nam", "Nữ"))
    owner = _Person(rng, sex, (1965, 2000))
    home = pl.address(rng, two_level=False)
    shop = pl.address(rng, home.province, two_level=False)
    issued = random_date(rng, 2021, 2024)
    trade = rng.randrange(len(_TRADES))
    given = owner.name.split()[-1].upper()
    district = shop.district[0].lower() + shop.district[1:]
    return {
        "co_quan": f"Phòng Tài chính - Kế hoạch {district}",
        "ho_ten": owner.name.upper(), "gioi_tinh": sex, "ngay_sinh": fmt_date(owner.birth),
        "dan_toc": rng.choice(pl.ETHNIC), "quoc_tich": "Việt Nam", "so_cccd": owner.cccd,
        "ngay_cap": fmt_date(issued),
        "noi_cap": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        **_address_parts("tt", home), "tt_quoc_gia": "Việt Nam",
        "dia_chi_lien_lac": home.full, "dien_thoai": phone(rng),
        "email": email_for(rng, owner.name, owner.birth) if rng.random() < 0.6 else "",
        "ten_ho_kinh_doanh": f"HỘ KINH DOANH {_SHOP_WORDS[trade]} {given}",
        **_address_parts("ts", shop), "ts_dien_thoai": phone(rng),
        "ts_fax": "",
        "nganh_nghe": _TRADES[trade],
        "von_kinh_doanh": f"{rng.randint(5, 80) * 10_000_000:,}".replace(",", "."),
        "so_lao_dong": str(rng.randint(1, 9)),
        "ngay_lap": form_date(rng, False),
    }


_MAKERS = {"khai_sinh": _khai_sinh, "ket_hon": _ket_hon, "ct01": _ct01,
           "ho_kinh_doanh": _ho_kinh_doanh}


def random_values(form_type: str, rng: random.Random) -> dict[str, str]:
    """Random, mutually consistent field values for ``form_type``, NFC-normalised.

    Args:
        form_type: one of :data:`FORM_TYPES`.
        rng: the seeded generator; the same state gives the same values.

    Returns:
        field key → typed value, in the order of ``shared/spec/forms.md``. Keys in
        :data:`OPTIONAL_KEYS` may be ``""`` (left blank on the form).
    """
    try:
        maker = _MAKERS[form_type]
    except KeyError:
        raise ValueError(f"unknown form type {form_type!r}; expected one of {FORM_TYPES}") from None
    values = maker(rng)
    return {k: unicodedata.normalize("NFC", values[k]) for k, _ in LABELS[form_type]}
