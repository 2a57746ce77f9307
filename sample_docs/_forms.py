"""The four form layouts and the free-text decision, as piece lists for ``_render.paginate``.

Labels and their order follow ``shared/spec/forms.md`` (and §9 of the regulations digest for
the text around them). ``LABELS`` is the machine-readable copy of forms.md's tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sample_docs import _marks
from sample_docs import _render as r
from sample_docs._render import Ctx, Piece


@dataclass(frozen=True)
class Layout:
    """How one copy of a form is laid out and filled (beyond fonts: ``_render.Style``).

    ``edition`` picks printed label variants: ``standard`` (forms.md), ``short`` (the abbreviations
    offices print: ``Họ và tên``, ``Ngày sinh``, ``Số CCCD``), ``old`` (an older edition: CT01 of
    TT 56/2021, hộ kinh doanh without item numbers) or ``2025`` (CT01 of TT 53/2025). ``table_form``
    prints the main fields as a bordered label | value table (held out of tuning). Dates typed on
    the form follow ``date_format``; ``place`` names where it was signed ("…, ngày … tháng … năm …").
    """

    edition: str = "standard"
    table_form: bool = False
    date_format: str = "%d/%m/%Y"
    place: str = "Hà Nội"
    marks: bool = False
    seed: int = 0


DEFAULT_LAYOUT = Layout()
#: printed label variants per edition: form → key → label (what the edition changes)
_EDITIONS: dict[str, dict[str, dict[str, str]]] = {
    "short": {
        "khai_sinh": {"nyc_ho_ten": "Họ và tên người yêu cầu:", "ho_ten": "Họ và tên:",
                      "ngay_sinh": "Ngày sinh:", "me_ho_ten": "Họ và tên người mẹ:",
                      "cha_ho_ten": "Họ và tên người cha:", "co_quan": "Kính gửi:"},
        "ket_hon": {"ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh"},
        "ct01": {"ho_ten": "1. Họ và tên:", "ngay_sinh": "2. Ngày sinh:", "dien_thoai": "5. Số điện thoại:",
                 "chu_ho_ho_ten": "7. Họ và tên chủ hộ:", "quan_he_chu_ho": "8. Quan hệ với chủ hộ:"},
        "ho_kinh_doanh": {"ngay_sinh": "Ngày sinh:", "so_cccd": "Số định danh cá nhân:",
                          "ho_ten": "Tôi là:", "ten_ho_kinh_doanh": "1. Tên hộ kinh doanh:"},
    },
    "2025": {"ct01": {"ho_ten": "1. Họ, chữ đệm và tên khai sinh:"}},
    "old": {"ho_kinh_doanh": {"dien_thoai": "Điện thoại:", "email": "Email:", "ts_dien_thoai": "Điện thoại:",
                              "ts_fax": "Fax:"}},
}
_OLD_CORNERS = {
    "ct01": {"old": "Mẫu CT01 ban hành kèm theo Thông tư số 56/2021/TT-BCA ngày 15/5/2021 của Bộ trưởng "
                    "Bộ Công an",
             "2025": "Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA ngày 01/7/2025 của Bộ trưởng "
                     "Bộ Công an"},
}


def label(layout: Layout, form: str, key: str, default: str) -> str:
    """The label an edition prints for a field."""
    return _EDITIONS.get(layout.edition, {}).get(form, {}).get(key, default)


def typed_date(layout: Layout, value: str) -> str:
    """A ``dd/mm/yyyy`` truth value as typed on this copy (``5/3/2024``, ``05-03-2024``, ``05.03.2024``)."""
    day = dt.datetime.strptime(value, "%d/%m/%Y").date()
    if layout.date_format == "unpadded":
        return f"{day.day}/{day.month}/{day.year}"
    return day.strftime(layout.date_format)


def dateline(layout: Layout, value: str) -> str:
    """``Cầu Giấy, ngày 05 tháng 3 năm 2024`` (NĐ 30/2020: day < 10 and months 1–2 zero-padded)."""
    day = dt.datetime.strptime(value, "%d/%m/%Y").date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{layout.place}, ngày {day.day:02d} tháng {month} năm {day.year}"

TITLES = {
    "khai_sinh": "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "ket_hon": "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
    "ct01": "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
    "ho_kinh_doanh": "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
}
CORNERS = {
    "ct01": "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA ngày 17/11/2023 "
            "của Bộ trưởng Bộ Công an",
    "ho_kinh_doanh": "Phụ lục III-1 (Ban hành kèm theo Thông tư số 01/2021/TT-BKHĐT ngày 16 tháng 3 "
                     "năm 2021 của Bộ trưởng Bộ Kế hoạch và Đầu tư)",
}
_MEMBER_COLS = ("ho_ten", "ngay_sinh", "gioi_tinh", "so_cccd", "quan_he")
_MEMBER_HEADERS = ("TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính",
                   "Số định danh cá nhân", "Mối quan hệ với chủ hộ")
_KH_ROWS = (("ho_ten", "Họ, chữ đệm, tên"), ("ngay_sinh", "Ngày, tháng, năm sinh"),
            ("dan_toc", "Dân tộc"), ("quoc_tich", "Quốc tịch"), ("noi_cu_tru", "Nơi cư trú (2)"),
            ("so_cccd", "Giấy tờ tùy thân (3)"), ("lan_ket_hon", "Kết hôn lần thứ mấy"))
_HKD_ADDR = (("so_nha", "Số nhà, ngách, hẻm, ngõ, đường phố/tổ/xóm/ấp/thôn:"),
             ("xa", "Xã/Phường/Thị trấn:"), ("huyen", "Quận/Huyện/Thị xã/Thành phố thuộc tỉnh:"),
             ("tinh", "Tỉnh/Thành phố:"))

#: form type → [(field key, printed label)] in printed order (shared/spec/forms.md)
LABELS: dict[str, list[tuple[str, str]]] = {
    "khai_sinh": [
        ("co_quan", "Kính gửi: (1)"), ("nyc_ho_ten", "Họ, chữ đệm, tên người yêu cầu:"),
        ("nyc_noi_cu_tru", "Nơi cư trú: (2)"), ("nyc_so_cccd", "Giấy tờ tùy thân: (3)"),
        ("quan_he", "Quan hệ với người được khai sinh:"), ("ho_ten", "Họ, chữ đệm, tên:"),
        ("ngay_sinh", "Ngày, tháng, năm sinh:"), ("ngay_sinh_chu", "ghi bằng chữ:"),
        ("gioi_tinh", "Giới tính:"), ("dan_toc", "Dân tộc:"), ("quoc_tich", "Quốc tịch:"),
        ("noi_sinh", "Nơi sinh: (4)"), ("que_quan", "Quê quán:"),
        ("me_ho_ten", "Họ, chữ đệm, tên người mẹ:"), ("me_nam_sinh", "Năm sinh: (5)"),
        ("me_dan_toc", "Dân tộc:"), ("me_quoc_tich", "Quốc tịch:"),
        ("me_noi_cu_tru", "Nơi cư trú: (2)"), ("cha_ho_ten", "Họ, chữ đệm, tên người cha:"),
        ("cha_nam_sinh", "Năm sinh: (5)"), ("cha_dan_toc", "Dân tộc:"),
        ("cha_quoc_tich", "Quốc tịch:"), ("cha_noi_cu_tru", "Nơi cư trú: (2)")],
    "ket_hon": [("co_quan", "Kính gửi: (1)")] + [
        (f"{side}_{key}", f"{label} (bên {side_vi})")
        for key, label in _KH_ROWS for side, side_vi in (("nu", "nữ"), ("nam", "nam"))],
    "ct01": [
        ("co_quan", "Kính gửi (1):"), ("ho_ten", "1. Họ, chữ đệm và tên:"),
        ("ngay_sinh", "2. Ngày, tháng, năm sinh:"), ("gioi_tinh", "3. Giới tính:"),
        ("so_cccd", "4. Số định danh cá nhân:"), ("dien_thoai", "5. Số điện thoại liên hệ:"),
        ("email", "6. Email:"), ("chu_ho_ho_ten", "7. Họ, chữ đệm và tên chủ hộ:"),
        ("quan_he_chu_ho", "8. Mối quan hệ với chủ hộ:"),
        ("chu_ho_so_cccd", "9. Số định danh cá nhân của chủ hộ:"),
        ("noi_dung", "10. Nội dung đề nghị (2):")] + [
        (f"tv{i}_{key}", f"Thành viên {i}: {head[0].lower()}{head[1:]}")
        for i in (1, 2, 3) for key, head in zip(_MEMBER_COLS, _MEMBER_HEADERS[1:])],
    "ho_kinh_doanh": [
        ("co_quan", "Kính gửi:"), ("ho_ten", "Tôi là (ghi họ tên bằng chữ in hoa):"),
        ("gioi_tinh", "Giới tính:"), ("ngay_sinh", "Sinh ngày:"), ("dan_toc", "Dân tộc:"),
        ("quoc_tich", "Quốc tịch:"), ("so_cccd", "Số giấy tờ pháp lý của cá nhân:"),
        ("ngay_cap", "Ngày cấp:"), ("noi_cap", "Nơi cấp:")]
        + [(f"tt_{k}", label) for k, label in _HKD_ADDR]
        + [("tt_quoc_gia", "Quốc gia:"), ("dia_chi_lien_lac", "Địa chỉ liên lạc:"),
           ("dien_thoai", "Điện thoại (nếu có):"), ("email", "Email (nếu có):"),
           ("ten_ho_kinh_doanh", "1. Tên hộ kinh doanh (ghi bằng chữ in hoa):")]
        + [(f"ts_{k}", label) for k, label in _HKD_ADDR]
        + [("ts_dien_thoai", "Điện thoại (nếu có):"), ("ts_fax", "Fax (nếu có):"),
           ("nganh_nghe", "3. Ngành, nghề kinh doanh:"),
           ("von_kinh_doanh", "4. Vốn kinh doanh (bằng số; VNĐ):"),
           ("so_lao_dong", "5. Số lượng lao động (dự kiến):")],
}
for _form in LABELS:  # the form's own date: "Làm tại …, ngày … tháng … năm …" or "…, ngày … tháng … năm …"
    LABELS[_form].append(("ngay_lap", "…, ngày … tháng … năm …"))


def _national_header(ctx: Ctx) -> list[Piece]:
    """The two-line national header with a rule under the motto."""
    return (r.centered(ctx, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", face="bold", points=13)
            + r.centered(ctx, "Độc lập - Tự do - Hạnh phúc", face="bold", points=13.5)
            + r.rule(ctx, 58))


def _head(ctx: Ctx, form_type: str, layout: Layout) -> list[Piece]:
    """Corner note (if any), national header and title."""
    text = _OLD_CORNERS.get(form_type, {}).get(layout.edition, CORNERS.get(form_type))
    note = r.corner(ctx, text) + r.spacer(ctx, 0.3) if text else []
    return (note + _national_header(ctx) + r.spacer(ctx, 0.4)
            + r.centered(ctx, TITLES[form_type], face="bold", points=14.5) + r.spacer(ctx, 0.4))


def _right_dateline(ctx: Ctx, text: str) -> list[Piece]:
    """``Cầu Giấy, ngày 05 tháng 3 năm 2024`` in the right half, as printed over signature blocks."""
    return r.columns(ctx, [[("regular", "")], [("value", text)]])


def _signoff(ctx: Ctx, layout: Layout, who: list[str], date_value: str, *, made_at: bool = True) -> list[Piece]:
    """``Làm tại …, ngày … tháng … năm …`` (or the bare dateline) and signature blocks, signed."""
    line = dateline(layout, date_value)
    head = r.field(ctx, "Làm tại:", line) if made_at else _right_dateline(ctx, line)
    blocks = [[("bold", w), ("italic", "(Ký, ghi rõ họ, chữ đệm, tên)")] for w in who]
    signed = _marks.signatures(ctx, len(who), seed=layout.seed) if layout.marks else []
    return r.spacer(ctx, 0.4) + head + r.columns(ctx, blocks) + signed + r.spacer(ctx, 2)


def _table_fields(ctx: Ctx, rows: list[tuple[str, str]]) -> list[Piece]:
    """The table-form edition: each field a bordered row, label | value."""
    return sum((r.table_row(ctx, [lab, val], [0.38, 0.62]) for lab, val in rows), [])


def _khai_sinh(ctx: Ctx, v: dict[str, str], layout: Layout = DEFAULT_LAYOUT) -> list[Piece]:
    """Label lines, with the short fields paired on one line as on the printed form."""
    f = r.field
    lab = lambda key, default: label(layout, "khai_sinh", key, default)  # noqa: E731
    cccd = f"Căn cước công dân số {v['nyc_so_cccd']}" if layout.edition != "short" else f"CCCD số {v['nyc_so_cccd']}"
    main = [(lab("nyc_ho_ten", "Họ, chữ đệm, tên người yêu cầu:"), v["nyc_ho_ten"]),
            (lab("nyc_noi_cu_tru", "Nơi cư trú: (2)"), v["nyc_noi_cu_tru"]),
            (lab("nyc_so_cccd", "Giấy tờ tùy thân: (3)"), cccd),
            (lab("quan_he", "Quan hệ với người được khai sinh:"), v["quan_he"])]
    child = [(lab("ho_ten", "Họ, chữ đệm, tên:"), v["ho_ten"]),
             (lab("ngay_sinh", "Ngày, tháng, năm sinh:"), typed_date(layout, v["ngay_sinh"])),
             ("ghi bằng chữ:", v["ngay_sinh_chu"])]
    if layout.table_form:
        body = _table_fields(ctx, main) + r.paragraph(ctx, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
                                                      face="bold", indent_mm=0) + _table_fields(ctx, child)
    else:
        body = (sum((f(ctx, a, b) for a, b in main), [])
                + r.paragraph(ctx, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
                              face="bold", indent_mm=0)
                + sum((f(ctx, a, b) for a, b in child), []))
    return (_head(ctx, "khai_sinh", layout) + f(ctx, lab("co_quan", "Kính gửi: (1)"), v["co_quan"]) + body
            + r.field_row(ctx, [("Giới tính:", v["gioi_tinh"]), ("Dân tộc:", v["dan_toc"]),
                                ("Quốc tịch:", v["quoc_tich"])], [0.3, 0.3, 0.4])
            + f(ctx, "Nơi sinh: (4)", v["noi_sinh"]) + f(ctx, "Quê quán:", v["que_quan"])
            + _parent(ctx, v, "me", "mẹ", layout) + _parent(ctx, v, "cha", "cha", layout)
            + r.paragraph(ctx, "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự "
                          "thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định "
                          "pháp luật. Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung "
                          "cam đoan của mình.")
            + _signoff(ctx, layout, ["Người yêu cầu"], v["ngay_lap"])
            + r.field(ctx, "Đề nghị cấp bản sao: Có/Không; số lượng:", "01 bản"))


def _parent(ctx: Ctx, v: dict[str, str], key: str, word: str, layout: Layout) -> list[Piece]:
    """The mother's or father's block of the khai sinh form."""
    name = label(layout, "khai_sinh", f"{key}_ho_ten", f"Họ, chữ đệm, tên người {word}:")
    return (r.field(ctx, name, v[f"{key}_ho_ten"])
            + r.field_row(ctx, [("Năm sinh: (5)", v[f"{key}_nam_sinh"]),
                                ("Dân tộc:", v[f"{key}_dan_toc"]),
                                ("Quốc tịch:", v[f"{key}_quoc_tich"])], [0.3, 0.3, 0.4])
            + r.field(ctx, "Nơi cư trú: (2)", v[f"{key}_noi_cu_tru"]))


def _ket_hon(ctx: Ctx, v: dict[str, str], layout: Layout = DEFAULT_LAYOUT) -> list[Piece]:
    """``Kính gửi`` then the Thông tin | Bên nữ | Bên nam table."""
    fracs = [0.28, 0.36, 0.36]
    rows: list[Piece] = r.table_row(ctx, ["Thông tin", "Bên nữ", "Bên nam"], fracs,
                                    face="bold", center=True, labels=3)
    prefix = "CMND số" if layout.edition == "short" and False else "CCCD số"
    for key, default in _KH_ROWS:
        cells = [v[f"nu_{key}"], v[f"nam_{key}"]]
        if key == "so_cccd":
            cells = [f"{prefix} {c}" for c in cells]
        elif key == "ngay_sinh":
            cells = [typed_date(layout, c) for c in cells]
        rows += r.table_row(ctx, [label(layout, "ket_hon", key, default)] + cells, fracs)
    return (_head(ctx, "ket_hon", layout) + r.field(ctx, "Kính gửi: (1)", v["co_quan"])
            + r.spacer(ctx, 0.3) + rows + r.spacer(ctx, 0.4)
            + r.paragraph(ctx, "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc "
                          "kết hôn của chúng tôi là tự nguyện, không vi phạm quy định của Luật Hôn "
                          "nhân và gia đình Việt Nam. Chúng tôi chịu hoàn toàn trách nhiệm trước "
                          "pháp luật về cam đoan của mình. Đề nghị Quý cơ quan đăng ký.")
            + _signoff(ctx, layout, ["Bên nữ", "Bên nam"], v["ngay_lap"]))


def _ct01(ctx: Ctx, v: dict[str, str], layout: Layout = DEFAULT_LAYOUT) -> list[Piece]:
    """Numbered label lines, CCCD boxes and the members table."""
    f = r.field
    lab = lambda key, default: label(layout, "ct01", key, default)  # noqa: E731
    fracs = [0.06, 0.27, 0.17, 0.11, 0.22, 0.17]
    table = r.table_row(ctx, list(_MEMBER_HEADERS), fracs, face="bold", center=True, labels=6)
    for i in (1, 2, 3):
        cells = [v[f"tv{i}_{k}"] if k != "ngay_sinh" else typed_date(layout, v[f"tv{i}_{k}"]) for k in _MEMBER_COLS]
        table += r.table_row(ctx, [str(i)] + cells, fracs)
    digits = (lambda a, b: r.boxes(ctx, a, b)) if layout.edition != "old" else (lambda a, b: f(ctx, a, b))
    return (_head(ctx, "ct01", layout) + f(ctx, "Kính gửi (1):", v["co_quan"])
            + f(ctx, lab("ho_ten", "1. Họ, chữ đệm và tên:"), v["ho_ten"])
            + f(ctx, lab("ngay_sinh", "2. Ngày, tháng, năm sinh:"), typed_date(layout, v["ngay_sinh"]))
            + f(ctx, "3. Giới tính:", v["gioi_tinh"])
            + digits("4. Số định danh cá nhân:", v["so_cccd"])
            + f(ctx, lab("dien_thoai", "5. Số điện thoại liên hệ:"), v["dien_thoai"]) + f(ctx, "6. Email:", v["email"])
            + f(ctx, lab("chu_ho_ho_ten", "7. Họ, chữ đệm và tên chủ hộ:"), v["chu_ho_ho_ten"])
            + f(ctx, lab("quan_he_chu_ho", "8. Mối quan hệ với chủ hộ:"), v["quan_he_chu_ho"])
            + digits("9. Số định danh cá nhân của chủ hộ:", v["chu_ho_so_cccd"])
            + f(ctx, "10. Nội dung đề nghị (2):", v["noi_dung"])
            + f(ctx, "11. Những thành viên trong hộ gia đình cùng thay đổi:", "")
            + table + r.spacer(ctx, 0.6) + _right_dateline(ctx, dateline(layout, v["ngay_lap"]))
            + r.columns(ctx, [[("bold", "Ý KIẾN CỦA CHỦ HỘ (3)"), ("italic", "(Ký, ghi rõ họ tên)")],
                              [("bold", "NGƯỜI KÊ KHAI (6)"), ("italic", "(Ký, ghi rõ họ tên)")]])
            + (_marks.signatures(ctx, 2, seed=layout.seed) if layout.marks else [])
            + r.spacer(ctx, 2))


def _ho_kinh_doanh(ctx: Ctx, v: dict[str, str], layout: Layout = DEFAULT_LAYOUT) -> list[Piece]:
    """Label lines in the order of Phụ lục III-1, in two sections; the date under the header."""
    f = r.field
    lab = lambda key, default: label(layout, "ho_kinh_doanh", key, default)  # noqa: E731
    addr = lambda p: sum((f(ctx, label_, v[f"{p}_{k}"], indent_mm=5) for k, label_ in _HKD_ADDR), [])  # noqa: E731
    return (_head(ctx, "ho_kinh_doanh", layout)[:-1] + _right_dateline(ctx, dateline(layout, v["ngay_lap"]))
            + r.spacer(ctx, 0.3) + f(ctx, "Kính gửi:", v["co_quan"])
            + f(ctx, lab("ho_ten", "Tôi là (ghi họ tên bằng chữ in hoa):"), v["ho_ten"])
            + r.field_row(ctx, [("Giới tính:", v["gioi_tinh"]),
                                (lab("ngay_sinh", "Sinh ngày:"), typed_date(layout, v["ngay_sinh"]))], [0.4, 0.6])
            + r.field_row(ctx, [("Dân tộc:", v["dan_toc"]), ("Quốc tịch:", v["quoc_tich"])],
                          [0.4, 0.6])
            + f(ctx, lab("so_cccd", "Số giấy tờ pháp lý của cá nhân:"), v["so_cccd"])
            + r.field_row(ctx, [("Ngày cấp:", typed_date(layout, v["ngay_cap"])), ("Nơi cấp:", v["noi_cap"])],
                          [0.3, 0.7])
            + f(ctx, "Địa chỉ thường trú:", "") + addr("tt") + f(ctx, "Quốc gia:", v["tt_quoc_gia"])
            + f(ctx, "Địa chỉ liên lạc:", v["dia_chi_lien_lac"])
            + r.field_row(ctx, [(lab("dien_thoai", "Điện thoại (nếu có):"), v["dien_thoai"]),
                                (lab("email", "Email (nếu có):"), v["email"])], [0.45, 0.55])
            + r.paragraph(ctx, "Đăng ký hộ kinh doanh do tôi là chủ hộ với các thông tin sau:",
                          face="bold", indent_mm=0)
            + f(ctx, lab("ten_ho_kinh_doanh", "1. Tên hộ kinh doanh (ghi bằng chữ in hoa):"), v["ten_ho_kinh_doanh"])
            + f(ctx, "2. Địa chỉ trụ sở hộ kinh doanh:", "") + addr("ts")
            + r.field_row(ctx, [(lab("ts_dien_thoai", "Điện thoại (nếu có):"), v["ts_dien_thoai"]),
                                (lab("ts_fax", "Fax (nếu có):"), v["ts_fax"])], [0.5, 0.5])
            + f(ctx, "3. Ngành, nghề kinh doanh:", v["nganh_nghe"])
            + f(ctx, "4. Vốn kinh doanh (bằng số; VNĐ):", v["von_kinh_doanh"])
            + f(ctx, "5. Số lượng lao động (dự kiến):", v["so_lao_dong"])
            + r.page_break()  # the printed form runs over two sheets
            + r.paragraph(ctx, "Tôi và các cá nhân tham gia hộ kinh doanh cam kết không đồng thời "
                          "tham gia hộ kinh doanh khác, không là chủ doanh nghiệp tư nhân, không là "
                          "thành viên hợp danh của công ty hợp danh; chịu trách nhiệm trước pháp "
                          "luật về tính hợp pháp, chính xác và trung thực của nội dung đề nghị "
                          "đăng ký trên.")
            + r.columns(ctx, [[("regular", "")],
                              [("bold", "CHỦ HỘ KINH DOANH"), ("italic", "(Ký và ghi rõ họ tên)")]])
            + (_marks.signatures(ctx, 2, seed=layout.seed, only=1) if layout.marks else [])
            + r.spacer(ctx, 2))


BUILDERS = {"khai_sinh": _khai_sinh, "ket_hon": _ket_hon, "ct01": _ct01,
            "ho_kinh_doanh": _ho_kinh_doanh}
