"""Where a value ends: an item number before the next label is none of it, a small count is."""

from __future__ import annotations

from fields import load_templates
from fields.extract import extract_with
from tests.test_fields import KHAI_SINH_HEAD, _page

HKD = [*KHAI_SINH_HEAD, "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
       "Điện thoại (nếu có): 0912345678 Fax (nếu có): ..................",
       "3. Ngành, nghề kinh doanh: Bán lẻ điện thoại di động",
       "4. Vốn kinh doanh (bằng số; VNĐ): 190.000.000 ........ 5. Số lượng lao động (dự kiến): 3."]


def _hkd(lines: list[str]) -> dict:
    template = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    return extract_with([_page(lines)], template)


def _addresses(lines: list[str], rows: list[str]) -> list[str]:
    """Kết hôn's lines with the two sides' addresses over ``rows`` (``|| her part || his part``)."""
    index = next(i for i, line in enumerate(lines) if line.startswith("Nơi cư trú"))
    return [*lines[:index], "Nơi cư trú (2) " + rows[0], *rows[1:], *lines[index + 3:]]


def _ket_hon(lines: list[str], *, columns: tuple[int, ...]) -> dict:
    """The fields of a kết hôn page whose table cells start at ``columns``."""
    template = next(t for t in load_templates() if t.form_type == "ket_hon")
    return extract_with([_page(lines, columns=columns)], template)


def test_a_count_that_ends_its_line_is_kept_though_it_looks_like_an_item_number() -> None:
    got = _hkd(HKD)
    assert got["so_lao_dong"].value == "3"
    assert got["von_kinh_doanh"].value == "190.000.000"


def test_the_next_label_s_item_number_is_no_value() -> None:
    """``Fax (nếu có): ……`` left empty, and the next line starts ``3. Ngành, nghề …``: its ``3.`` is
    not the fax number; nor is ``5.`` before ``Số lượng lao động`` part of the capital."""
    got = _hkd(HKD)
    assert got["ts_fax"].value == ""
    lines = HKD[:-1] + ["4. Vốn kinh doanh (bằng số; VNĐ): 190.000.000 5. Số lượng lao động (dự kiến): 3."]
    assert _hkd(lines)["von_kinh_doanh"].value == "190.000.000"


def test_a_wrapped_address_end_read_loosely_as_a_label_is_kept_as_the_address() -> None:
    """``Đình, Thành phố Hà Nội`` under ``…, Quận Ba`` reads like ``Tỉnh/Thành phố`` at 0.92; no field
    takes that match (both provinces are found at their own labels), so it is the address's end."""
    lines = [*KHAI_SINH_HEAD, "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
             "Địa chỉ thường trú:", "Tỉnh/Thành phố: Thành phố Hà Nội",
             "Địa chỉ liên lạc: Số 66 đường Láng Hạ, Phường Cống Vị, Quận Ba",
             "Đình, Thành phố Hà Nội",
             "Điện thoại (nếu có): 0912345678",
             "2. Địa chỉ trụ sở hộ kinh doanh:", "Tỉnh/Thành phố: Thành phố Đà Nẵng"]
    got = _hkd(lines)
    assert got["dia_chi_lien_lac"].value == "Số 66 đường Láng Hạ, Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội"
    assert (got["tt_tinh"].value, got["ts_tinh"].value) == ("Thành phố Hà Nội", "Thành phố Đà Nẵng")


def test_a_loose_label_inside_the_wrapped_line_of_an_address_does_not_end_it() -> None:
    """``phố Nha Trang. Tỉnh Khánh Hòa`` holds ``Tỉnh Khánh Hòa`` read like ``Tỉnh/Thành phố`` at 0.83."""
    lines = [*KHAI_SINH_HEAD, "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
             "Địa chỉ thường trú:", "Tỉnh/Thành phố: Tỉnh Khánh Hòa",
             "Địa chỉ liên lạc: Số 156 đường Lê Thánh Tôn, Phường Lộc Thọ, Thành",
             "phố Nha Trang. Tỉnh Khánh Hòa",
             "Điện thoại (nếu có): 0912345678",
             "2. Địa chỉ trụ sở hộ kinh doanh:", "Tỉnh/Thành phố: Tỉnh Khánh Hòa"]
    got = _hkd(lines)["dia_chi_lien_lac"].value
    assert got.startswith("Số 156 đường Lê Thánh Tôn, Phường Lộc Thọ, Thành phố Nha Trang") and got.endswith("Khánh Hòa")


def test_an_item_number_whose_stop_was_read_as_a_comma() -> None:
    """``10, Nội dung đề nghị``: the label still starts after its number; ``3, Ngành, nghề …`` on the
    line after an empty fax is the next item's number, not the fax."""
    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    page = _page([*KHAI_SINH_HEAD, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
                  "10, Nội dung đề nghị (2): Đăng ký thường trú tại Số 5 đường Láng Hạ, Thành phố Hà Nội"])
    assert extract_with([page], ct01)["noi_dung"].value.startswith("Đăng ký thường trú tại Số 5")
    lines = [*HKD[:2], "Fax (nếu có): ..................", "3, Ngành, nghề kinh doanh: Bán lẻ điện thoại di động"]
    assert _hkd(lines)["ts_fax"].value == ""


def test_a_cell_s_wrapped_word_at_its_left_edge_left_of_the_headers_midpoint() -> None:
    """The bride's address wraps onto ``Thơ`` at the cell's left edge, whose centre lies left of the
    midpoint between ``Thông tin`` and ``Bên nữ`` (the header sits right in its cell): it ends her address."""
    from tests.test_fields import KET_HON_OCR, _replace

    lines = _replace(KET_HON_OCR, "Thông tin", "Thông tin || . . . . . . . Bên nữ || Bên nam")
    lines = _addresses(lines, ["|| Số 76 đường 30 Tháng 4, || Số 60 đường Xuân Thủy,",
                               "|| Phường Xuân Khánh, Quận Ninh || Phường Xuân Thủy, Thành phố",
                               "|| Kiều, Thành phố Cần || Hà Nội", "|| Thơ"])
    got = _ket_hon(lines, columns=(100, 400, 1500))
    assert got["nu_noi_cu_tru"].value.endswith("Thành phố Cần Thơ")
    assert got["nam_noi_cu_tru"].value.endswith("Thành phố Hà Nội")


def test_a_label_wrapped_in_its_cell_whose_second_line_alone_reads_like_another_label() -> None:
    """``Ngày, tháng,`` / ``năm sinh``: the second line alone reads like ``Ngày sinh`` at 0.8, which
    hid the wrapped label; the dates were then taken as the end of the names above them."""
    from tests.test_fields import KET_HON_OCR, _replace

    lines = _replace(KET_HON_OCR, "Ngày, tháng, năm sinh", "Ngày, tháng, || 24/08/1987 || 28/07/1985")
    index = lines.index("Ngày, tháng, || 24/08/1987 || 28/07/1985")
    lines = lines[:index + 1] + ["năm sinh"] + lines[index + 1:]
    got = _ket_hon(lines, columns=(100, 700, 1500))
    assert (got["nu_ho_ten"].value, got["nam_ho_ten"].value) == ("Hoàng Thu Mai", "Phạm Văn Đức")
    assert (got["nu_ngay_sinh"].value, got["nam_ngay_sinh"].value) == ("24/08/1987", "28/07/1985")


def test_a_label_read_loosely_in_the_form_s_title_is_no_label() -> None:
    """The title ``GIẤY Đi NGHỊ ĐĂNG KỶ HỆ) KINH DOANH`` holds ``Ngành, nghề kinh doanh`` at 0.82; taken
    as the label's first occurrence, it left the trade empty."""
    lines = [*KHAI_SINH_HEAD, "GIẤY Đi || NGHỊ ĐĂNG KỶ HỆ) KINH DOANH", *HKD[3:]]
    template = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    got = extract_with([_page(lines, columns=(100, 400, 1500))], template)  # a wider space before NGHỊ
    assert got["nganh_nghe"].value == "Bán lẻ điện thoại di động"


def test_a_wrapped_address_line_that_starts_with_a_figure_is_no_row_number_in_a_table_without_them() -> None:
    """``1, Thành phố Hồ Chí`` under ``Phường Bến Nghé, Quận``: kết hôn's rows are not numbered, so the
    ``1,`` is the district's number going on, not the next row's; both addresses are read to the end."""
    from tests.test_fields import KET_HON_OCR

    lines = _addresses(KET_HON_OCR, ["|| Số 93, ngõ 73 Lê Lợi, || Số 163/2 Ngô Gia Tự,",
                                     "|| Phường Bến Nghé, Quận || Phường Đại Phúc, Thành",
                                     "|| 1, Thành phố Hồ Chí || phố Bắc Ninh, Tỉnh Bắc", "|| Minh || Ninh"])
    got = _ket_hon(lines, columns=(100, 700, 1500))
    assert got["nu_noi_cu_tru"].value == "Số 93, ngõ 73 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"
    assert got["nam_noi_cu_tru"].value == "Số 163/2 Ngô Gia Tự, Phường Đại Phúc, Thành phố Bắc Ninh, Tỉnh Bắc Ninh"


def test_a_table_whose_header_was_read_as_nothing_is_placed_by_its_labelled_rows() -> None:
    """``t-2== tin 2= nữ Tiền nam``: no column header is found; the rows' labels and the gap between
    the two sides' values still place bên nữ and bên nam."""
    from tests.test_fields import KET_HON_OCR, _replace

    lines = _replace(KET_HON_OCR, "Thông tin", "t-2== tin || 2= nữ || Tiền nam")
    got = _ket_hon(lines, columns=(100, 700, 1500))
    assert (got["nu_ho_ten"].value, got["nam_ho_ten"].value) == ("Hoàng Thu Mai", "Phạm Văn Đức")
    assert (got["nu_ngay_sinh"].value, got["nam_ngay_sinh"].value) == ("24/08/1987", "28/07/1985")
    assert got["nam_noi_cu_tru"].value == "Số 60 đường Xuân Thủy, Phường Xuân Thủy, Thành phố Hà Nội"
    assert (got["nu_lan_ket_hon"].value, got["nam_lan_ket_hon"].value) == ("Lần thứ nhất", "Lần thứ hai")


def test_a_table_is_not_placed_by_fewer_than_three_labelled_rows() -> None:
    from fields.tables import table_from_rows
    from fields.text import BBox, Token, fold

    def line(*words: tuple[str, int]) -> list[Token]:
        return [Token(w, fold(w), BBox(x, 100, 18 * len(w), 36), 0.95, 0, 0) for w, x in words]

    lines = [line(("Dân", 100), ("tộc", 170), ("Kinh", 700), ("Kinh", 1500)),
             line(("Quốc", 100), ("tịch", 190), ("Việt", 700), ("Nam", 790), ("Việt", 1500), ("Nam", 1590))]
    assert table_from_rows(lines, [(0, 2), (1, 2)], ["info", "nu", "nam"], max_rows=40) is None
    table = table_from_rows([*lines, lines[0]], [(0, 2), (1, 2), (2, 2)], ["info", "nu", "nam"], max_rows=40)
    assert table is not None and table.bounds["nu"][0] < 700 < table.bounds["nu"][1] < 1500 < table.bounds["nam"][1]
