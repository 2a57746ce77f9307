"""Tests of table reading: headers wrapped in narrow cells, and cells whose values start left of the
midpoint between two headers."""

from __future__ import annotations

from fields.text import BBox, Token, fold

_MEMBERS = [("tt", ("TT", "STT")), ("ho_ten", ("Họ, chữ đệm và tên", "Họ và tên", "Họ, chữ đệm")),
            ("ngay_sinh", ("Ngày, tháng, năm sinh", "Ngày, tháng", "Ngày sinh", "Ngày")),
            ("gioi_tinh", ("Giới tính", "Giới")),
            ("so_cccd", ("Số định danh cá nhân", "Số định danh cá", "Số định danh", "Số định")),
            ("quan_he", ("Mối quan hệ với chủ hộ", "Mối quan hệ với", "Mối quan hệ", "Mối quan"))]


def _line(*words: tuple[str, int, int], top: int = 1300, height: int = 36) -> list[Token]:
    return [Token(text, fold(text), BBox(left, top, right - left, height), 0.95, 0, 0) for text, left, right in words]


def test_a_header_wrapped_in_its_cell_does_not_take_the_next_columns_header() -> None:
    from fields.tables import locate_table

    # ``Họ, chữ đệm và`` / ``tên`` wrapped, its first line's words glued: ``Ngày`` is no part of it
    header = _line(("TT", 235, 284), ("Họ", 333, 394), ("chữđệmvà", 410, 621), ("Ngày", 716, 815),
                   ("Giới", 914, 988), ("Số", 1046, 1089), ("định", 1103, 1186), ("danh", 1199, 1291),
                   ("Mối", 1337, 1407), ("quan", 1420, 1512))
    below = _line(("tên", 446, 507), ("tháng,", 707, 823), ("tính", 913, 988), ("cá", 1095, 1137),
                  ("nhân", 1148, 1241), ("hệ", 1329, 1373), top=1344)
    table = locate_table([header, below], _MEMBERS)
    assert table is not None and "ngay_sinh" in table.bounds
    assert table.bounds["ho_ten"][1] < 716 < table.bounds["ngay_sinh"][1]


def test_a_date_set_left_of_its_centred_header_is_its_own_cell() -> None:
    from fields.tables import cell_tokens

    # the name column's edge (the midpoint between the headers) falls inside the date, not in a gap
    row = _line(("2", 234, 252), ("Lê", 314, 360), ("Đức", 372, 431), ("Minh", 446, 520), ("Khang", 536, 638),
                ("25.04.2014", 668, 851), ("Nam", 893, 966), ("001214282280", 1036, 1280), ("Con", 1326, 1389),
                top=1727)
    assert [t.text for t in cell_tokens(row, (301.5, 673.0), 1)] == ["Lê", "Đức", "Minh", "Khang"]
    assert [t.text for t in cell_tokens(row, (673.0, 866.0), 1)] == ["25.04.2014"]
    # a name that runs over the edge at a word stays whole: only figures after letters are cut off
    long_name = _line(("1", 234, 252), ("Nguyễn", 314, 440), ("Phương", 455, 600), ("Thảo", 612, 700), top=1655)
    assert [t.text for t in cell_tokens(long_name, (301.5, 673.0), 1)] == ["Nguyễn", "Phương", "Thảo"]


def test_an_address_wrapped_over_five_lines_of_a_narrow_column_is_read_to_its_end() -> None:
    from fields import extract, load_templates
    from tests.test_fields import KET_HON_OCR, _page, _replace

    lines = _replace(KET_HON_OCR, "|| Hà Nội", "|| Hà Nội || Ninh Kiều, Thành phố")
    lines = _replace(lines, "|| Phường Dịch Vọng", "|| Phường Dịch Vọng, Thành phố | || Phường Xuân Khánh,")
    lines = _replace(lines, "Nơi cư trú", "Nơi cư trú (2) || Số 179 đường Trần Thái Tông, || Số 16, ngõ 5 Nguyễn")
    at = lines.index("|| Phường Dịch Vọng, Thành phố | || Phường Xuân Khánh,")
    lines = [*lines[:at], "|| || Văn Cừ,", *lines[at:at + 1], "|| || Quận", *lines[at + 1:at + 2],
             "|| || Cần Thơ", *lines[at + 2:]]
    got = extract([_page(lines, columns=(100, 700, 1500))], load_templates()).fields
    assert got["nam_noi_cu_tru"].value == "Số 16, ngõ 5 Nguyễn Văn Cừ, Phường Xuân Khánh, Quận Ninh Kiều, Thành phố Cần Thơ"
    assert got["nu_noi_cu_tru"].value == "Số 179 đường Trần Thái Tông, Phường Dịch Vọng, Thành phố Hà Nội"


def test_a_row_number_behind_the_cells_rule_read_as_a_letter_still_numbers_the_row() -> None:
    from fields.locate import _row_number

    # ``I1``, ``l1``: the rule left of the number column read with the number; the row's name is on
    # that line, its date and ID number a line below (not row 1's by position)
    assert [_row_number(_line((text, 236, 252))) for text in ("I1", "l1", "|2", "1", ".1", "2_")] == [1, 1, 2, 1, 1, 2]
    assert _row_number(_line(("Vũ", 312, 354))) is None


def test_a_date_a_word_space_before_the_sex_is_not_moved_into_the_sex_cell() -> None:
    from fields.tables import cell_tokens

    # the date's own run (a wide gap before it), the edge in the word space after it: the date stays
    row = _line(("2", 224, 252), ("Huỳnh", 312, 426), ("ThanhAnh", 436, 624), ("12/05/2003", 669, 861),
                ("Nữ", 890, 945), ("079303350684", 1036, 1295), ("Con", 1325, 1393), top=1646, height=40)
    assert [t.text for t in cell_tokens(row, (669.5, 864.5), 1)] == ["12/05/2003"]
    assert [t.text for t in cell_tokens(row, (864.5, 1016.0), 1)] == ["Nữ"]
    # as before: a word just left of an edge, a wide gap before it, starts the cell on the right
    cell = _line(("(2)", 410, 450), ("Số", 600, 640), ("80", 652, 690), ("đường", 702, 800), top=400)
    assert [t.text for t in cell_tokens(cell, (645.0, 1059.0))] == ["Số", "80", "đường"]
