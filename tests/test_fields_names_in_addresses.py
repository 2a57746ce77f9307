"""Words no list checks in an address: a street's name in small letters (a capital misread), a full
stop after a house number (a speck), and the standard words of a residence request spelt as known."""

from __future__ import annotations

import pytest

from fields import extract, load_templates
from fields.address_words import name_broken
from fields.text import Token
from fields.validators import tidy_punctuation
from tests.test_fields import CT01_TABLE, KHAI_SINH_OCR, _page, _replace


@pytest.mark.parametrize(("text", "broken"), [
    ("Số 124 đường Lê tợi, Phường Ngô Quyền, Thành phố Hải Phòng", True),    # L read t
    ("Số 12 Nguyễn văn Cừ, Phường 5", True),
    ("Số 142 đường Lê LỢI", True),                                             # a capital Ợ among small letters
    ("Số 124 đường Lê Lợi, Phường Ngô Quyền, Thành phố Hải Phòng", False),
    ("Số 81, ngõ 74 Tây Sơn, Phường Ngọc Hà, Quận Ba Đình, Thành phố Hà Nội", False),
    ("Số 12 đường 3 tháng 2, Phường 5, Quận 10, Thành phố Hồ Chí Minh", False),   # a street named after a date
    ("Số 5 Lê Lợi tổ 3, Thị trấn Đông Anh, Huyện Đông Anh, Thành phố Hà Nội", False),
    ("Ủy ban nhân dân phường Phú Nhuận, thành phố Huế, Tỉnh Thừa Thiên Huế", False),  # no street in it
    ("Đăng ký tạm trú tại Số 91, ngõ 95 Nguyễn Huệ, Phường Bình Thạnh, Thành phố Hồ Chí Minh", False),
    ("Bệnh viện Phụ sản Hải Phòng, Thành phố Hải Phòng", False),
    ("SỐ 7 ĐƯỜNG LÁNG, PHƯỜNG LÁNG", False),
])
def test_name_broken(text: str, broken: bool) -> None:
    assert name_broken(text) is broken


def test_street_name_in_small_letters_goes_to_review() -> None:
    templates = load_templates()
    plain = extract([_page(KHAI_SINH_OCR)], templates).fields["cha_noi_cu_tru"]
    assert plain.value == "Số 7 đường Láng, Phường Láng, Thành phố Hà Nội" and not plain.needs_review
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 7", "Nơi cư trú: (2) Số 7 đường Lê tợi, Phường Láng, "
                     "Thành phố Hà Nội ..............")
    got = extract([_page(lines)], templates).fields["cha_noi_cu_tru"]
    assert got.value == "Số 7 đường Lê tợi, Phường Láng, Thành phố Hà Nội"
    assert (got.needs_review, got.reason) == (True, "low_confidence") and got.confidence < plain.confidence


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 128. đường Tây Sơn", "Số 128 đường Tây Sơn"),   # a speck after the number
    ("Số 12. Phường 5", "Số 12. Phường 5"),               # a capital may start anything: left alone
])
def test_full_stop_after_a_number_before_small_letters_is_dropped(text: str, expected: str) -> None:
    assert tidy_punctuation(text) == (True, None, expected)


def test_residence_request_words_spelt_as_known() -> None:
    title = CT01_TABLE.index("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ") + 1
    lines = [*CT01_TABLE[:title], "10. Nội dung đề nghị: Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú,"
             " nơi ở hiện tải: Số 81, ngõ 74 Tây Sơn, Phường Ngọc Hà, Thành phố Hà Nội", *CT01_TABLE[title:]]
    got = extract([_page(lines)], load_templates()).fields["noi_dung"]
    assert got.value == ("Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú, nơi ở hiện tại: Số 81, "
                         "ngõ 74 Tây Sơn, Phường Ngọc Hà, Thành phố Hà Nội")


@pytest.mark.parametrize(("text", "broken"), [
    ("SỐ 192/30 Võ Văn Tần, Phường 15, Quận Bình Thạnh", True),     # a syllable in capitals among small letters
    ("Số 5, KĐT Linh Đàm, Phường Hoàng Liệt, TP Hà Nội", False),     # abbreviations have no vowel
])
def test_a_syllable_in_capitals_in_an_address(text: str, broken: bool) -> None:
    assert name_broken(text) is broken


@pytest.mark.parametrize(("text", "expected"), [
    ("Thànhphố Đà Nẵng", "Thành phố Đà Nẵng"),                       # a unit's type glued
    ("Số 181, ngõ: 118 Bến Nghé", "Số 181, ngõ 118 Bến Nghé"),        # a speck read as a colon
    ("nơi ở hiện tại: Số 81", "nơi ở hiện tại: Số 81"),               # a colon before the address stays
    ("Số 96/31 Đội Cấn , Phường Cống Vị", "Số 96/31 Đội Cấn, Phường Cống Vị"),
])
def test_tidy_punctuation_of_unit_words(text: str, expected: str) -> None:
    assert tidy_punctuation(text) == (True, None, expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 96/31 Đội Cấn Phường Cống Vị, Quận Ba Đình", "Số 96/31 Đội Cấn, Phường Cống Vị, Quận Ba Đình"),
    ("Phường 5 Quận 10 Thành phố Hồ Chí Minh", "Phường 5, Quận 10, Thành phố Hồ Chí Minh"),
    ("Số 5 đường Tỉnh lộ 10, Xã An Phú", "Số 5 đường Tỉnh lộ 10, Xã An Phú"),   # a road's name, no unit
])
def test_comma_lost_before_a_unit_is_put_back(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text) == expected


def test_glued_name_after_a_small_word_is_flagged() -> None:
    from fields.validators import glued_camel

    assert glued_camel("Ủy ban nhân dân nhườngCống Vị") and not glued_camel("Số 5 McDonald, iPhone")
    lines = _replace(KHAI_SINH_OCR, "Kính gửi", "Kính gửi: (1) Ủy ban nhân dân nhườngCầu Giấy, Thành phố Hà Nội ...")
    got = extract([_page(lines)], load_templates()).fields["co_quan"]
    assert (got.needs_review, got.reason) == (True, "glued_words")


@pytest.mark.parametrize(("text", "keywords", "expected"), [
    ("Sẽ 102 đường Lê Lợi, Phường Phú Hội", True, "Số 102 đường Lê Lợi, Phường Phú Hội"),
    ("SỐ 192/30 Võ Văn Tần", True, "Số 192/30 Võ Văn Tần"),
    ("Sơn 12, ngõ 3", True, "Sơn 12, ngõ 3"),                                   # three letters: a name
    ("Ủy ban nhân dân bhường Thạch Thang, quận Hải Châu", False,
     "Ủy ban nhân dân phường Thạch Thang, quận Hải Châu"),                       # one letter off a unit's type
    ("Số 5 trường Lê Lợi", True, "Số 5 trường Lê Lợi"),                          # two letters off: left
])
def test_house_number_word_and_unit_type_put_right(text: str, keywords: bool, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text, keywords=keywords) == expected


def test_date_in_words_a_letter_short_is_read_and_checked_against_its_figures() -> None:
    from fields.date_words import correct_words

    assert correct_words("Ngày mười lăm tháng sáu năm hai nghìn khôn trăm hai mươi lăm")[0] \
        == "Ngày mười lăm tháng sáu năm hai nghìn không trăm hai mươi lăm"
    assert correct_words("Ngày hai tháng ha năm")[2] is False                   # ha: hai or ba
    lines = _replace(KHAI_SINH_OCR, "ghi bằng chữ", "ghi bằng chữ: Ngày mười lăm tháng sáu năm hai nghìn khôn trăm"
                     " hai mươi lăm ...")
    got = extract([_page(lines)], load_templates()).fields["ngay_sinh_chu"]
    assert (got.value, got.needs_review) == ("Ngày mười lăm tháng sáu năm hai nghìn không trăm hai mươi lăm", False)
    lines = _replace(KHAI_SINH_OCR, "ghi bằng chữ", "ghi bằng chữ: Ngày mười bốn tháng sáu năm hai nghìn khôn trăm"
                     " hai mươi lăm ...")
    got = extract([_page(lines)], load_templates()).fields["ngay_sinh_chu"]
    assert (got.needs_review, got.reason) == (True, "date_words_mismatch")     # 14, not the 15 in figures


def test_word_cut_by_the_column_edge_goes_with_the_nearer_word() -> None:
    """``(2)     Số 160 đường`` in a wide face: the edge drawn from the header cuts ``Số`` (603–636 at
    628.5); it sits a word space from ``160`` and far from ``(2)``: the cell's first word."""
    from fields.tables import cell_tokens
    from ocr.model import BBox

    def tok(text: str, left: int, right: int) -> Token:
        return Token(text, text.lower(), BBox(left, 840, right - left, 26), 0.95, 0, 10)

    line = [tok("Nơi", 233, 287), tok("cư", 311, 347), tok("trú", 367, 423), tok("(2)", 452, 492),
            tok("Số", 603, 636), tok("160", 662, 712), tok("đường", 736, 829), tok("Mậu", 850, 905)]
    assert [t.text for t in cell_tokens(line, (628.5, 1057.0), 3)] == ["Số", "160", "đường", "Mậu"]
    near = [*line[:3], tok("(2)", 560, 590), *line[4:]]                # as near the label as the value: left out
    assert [t.text for t in cell_tokens(near, (628.5, 1057.0), 3)][0] == "160"


def test_word_cut_by_an_edge_between_two_value_columns_stays_by_its_centre() -> None:
    """A member row: ``Nữ`` in a narrow column, cut by the ID number column's edge and nearer the number
    than the date: it is no first word after a row label, so it stays in its own column."""
    from fields.tables import cell_tokens
    from ocr.model import BBox

    def tok(text: str, left: int, right: int) -> Token:
        return Token(text, text.lower(), BBox(left, 840, right - left, 26), 0.95, 0, 10)

    line = [tok("1", 100, 112), tok("Đặng", 200, 260), tok("Hương", 280, 360), tok("22/01/2013", 500, 640),
            tok("Nữ", 700, 740), tok("092313279793", 770, 970)]
    assert [t.text for t in cell_tokens(line, (725.0, 980.0), 1)] == ["092313279793"]
    assert [t.text for t in cell_tokens(line, (660.0, 725.0), 1)] == ["Nữ"]


def test_a_date_that_runs_a_little_past_its_columns_edge_keeps_the_sex_beside_it_apart() -> None:
    """``25/12/2012.`` ends 2 px past the edge between the date and sex columns, ``Nam`` a word space
    after it: the edge still falls between them, so the date is no ``25/12/2012. Nam``."""
    from fields.tables import cell_tokens
    from ocr.model import BBox

    def tok(text: str, left: int, right: int) -> Token:
        return Token(text, text.lower(), BBox(left, 1403, right - left, 28), 0.95, 0, 22)

    line = [tok("1", 235, 250), tok("Phạm", 311, 400), tok("Hoàng", 415, 520), tok("25/12/2012.", 668, 868),
            tok("Nam", 893, 966), tok("079212248705", 1040, 1300)]
    assert [t.text for t in cell_tokens(line, (669.0, 866.0), 1)] == ["25/12/2012."]
    assert [t.text for t in cell_tokens(line, (866.0, 1014.5), 1)] == ["Nam"]
    # a word of letters the edge clips stays with the next: one name (``Thanh | Hương``)
    name = [tok("1", 100, 112), tok("Nguyễn", 120, 240), tok("Thị", 250, 300), tok("Thanh", 255 + 60, 340 + 60),
            tok("Hương", 350 + 60, 435 + 60)]
    assert [t.text for t in cell_tokens(name, (-1e9, 395.0), 1)] == ["Nguyễn", "Thị", "Thanh", "Hương"]
    # a word the edge cuts through its middle goes by its centre, as before
    wide = [*line[:3], tok("25/12/2012.", 700, 900), tok("Nam", 920, 990), line[-1]]
    assert [t.text for t in cell_tokens(wide, (669.0, 866.0), 1)] == ["25/12/2012.", "Nam"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 142 đường Lê LỢI", "Số 142 đường Lê Lợi"),                   # capitals slipped beside a title-case word
    ("Số 2 đường LÊ Lợi, Phường Ngô Quyền", "Số 2 đường Lê Lợi, Phường Ngô Quyền"),
    ("NGÕ 7 ĐƯỜNG LÁNG, PHƯỜNG LÁNG", "NGÕ 7 ĐƯỜNG LÁNG, PHƯỜNG LÁNG"),   # an address in capitals stays
    ("Số 5 KĐT Văn Quán", "Số 5 KĐT Văn Quán"),                        # an abbreviation: no syllable
    ("Khu VI Văn Quán", "Khu VI Văn Quán"),                            # a Roman numeral
])
def test_a_syllable_in_capitals_beside_a_name_is_recased(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 141 đường Láng Hạ, \"Phường Kim Mã", (True, None, "Số 141 đường Láng Hạ, Phường Kim Mã")),   # a lone quote
    ("Phường 2, “Quận Bình Thạnh", (True, None, "Phường 2, Quận Bình Thạnh")),
    ("Cửa hàng \"Hoa Mai\"", (True, None, "Cửa hàng \"Hoa Mai\"")),                                  # paired: kept
    ("Số 21⁄14 Lê Lợi", (True, None, "Số 21/14 Lê Lợi")),                                          # a fraction slash
    ("phường Sài Gòn, Thành phố-Hồ Chí Minh", (True, None, "phường Sài Gòn, Thành phố Hồ Chí Minh")),  # after a type
    ("Phường Tân Định, Quận-1, Thành phố Hồ Chí Minh", (True, None, "Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh")),
    ("Bán lẻ-điện thoại", (False, "glued_words", "Bán lẻ điện thoại")),                              # maybe printed
    ("Số 161 đường LạchTray", (False, "glued_words", "Số 161 đường Lạch Tray")),                     # a space lost
    ("HỘ KINH DOANH SỬAXE NGỌC", (False, "glued_words", "HỘ KINH DOANH SỬA XE NGỌC")),
    ("PhanLêThanhHương", (True, None, "PhanLêThanhHương")),       # a name: split by split_glued_name, unflagged
    ("COFFEE SALON", (True, None, "COFFEE SALON")),               # foreign words in capitals
])
def test_specks_and_lost_spaces_in_free_text(text: str, expected: tuple) -> None:
    assert tidy_punctuation(text) == expected


def test_a_word_in_capitals_that_splits_two_ways_is_left_glued() -> None:
    from fields.validators import split_glued_words

    assert split_glued_words("THANHAN") == "THANHAN"   # THA NHAN, THAN HAN, THANH AN: only the paper tells
    assert split_glued_words("KINHDOANH") == "KINH DOANH"


@pytest.mark.parametrize(("text", "expected"), [
    ("Quín 3", "Quận 3"),                                   # no syllable, one letter off a unit's type
    ("Số 5 Quang Trung", "Số 5 Quang Trung"),               # a syllable: a street's name, left alone
    ("Phường Kinh Bắc, Tỉnh Bắc Ninh R", "Phường Kinh Bắc, Tỉnh Bắc Ninh"),   # a speck after the province
    ("Số 12 Khu A", "Số 12 Khu A"),                         # a lone letter that names a block
])
def test_unit_type_and_trailing_speck_in_an_address(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text) == expected


@pytest.mark.parametrize(("read", "meant"), [
    ("Công an phường Thành Vinh, Tinh Nghệ An", "Công an phường Thành Vinh, Tỉnh Nghệ An"),  # a mark lost
    ("PhƯỜng 15, Quận Bình Thạnh", "Phường 15, Quận Bình Thạnh"),  # a capital slipped
    ("Ủy ban nhân dân phường: Ngọc Hà, quận Ba Đình", "Ủy ban nhân dân phường Ngọc Hà, quận Ba Đình"),
    ("Phường Phú Hội, Tỉnh - Thừa Thiên Huế", "Phường Phú Hội, Tỉnh Thừa Thiên Huế"),
    # inside a name, or a word that only folds like a type: left as read
    ("Số 71 đường Xô Viết Nghệ Tĩnh, Phường 2", "Số 71 đường Xô Viết Nghệ Tĩnh, Phường 2"),
    ("Quan Hoa, Cầu Giấy", "Quan Hoa, Cầu Giấy"),
    ("Tinh thần tự nguyện", "Tinh thần tự nguyện"),
])
def test_a_units_type_is_written_as_the_type_and_no_speck_follows_it(read: str, meant: str) -> None:
    from fields.validators import tidy_punctuation

    assert tidy_punctuation(read) == (True, None, meant)


@pytest.mark.parametrize(("read", "meant"), [
    ("Số 94, ngõ39 Nguyễn Huệ", (True, None, "Số 94, ngõ 39 Nguyễn Huệ")),          # keyword glued to figures
    ("Số 125, ngõ'73 Trần Thái Tông", (True, None, "Số 125, ngõ 73 Trần Thái Tông")),  # a speck between
    ("-Số 39/38 Trần Phú", (True, None, "Số 39/38 Trần Phú")),                      # a speck before the value
    ("Kinh doanhcà phê, giải khát", (False, "glued_words", "Kinh doanh cà phê, giải khát")),  # reviewed
    ("ngõ 3.5, tổ 12", (True, None, "ngõ 3.5, tổ 12")),
])
def test_house_numbers_and_small_words_whose_space_was_lost(read: str, meant: tuple) -> None:
    from fields.validators import tidy_punctuation

    assert tidy_punctuation(read) == meant


@pytest.mark.parametrize(("text", "reason"), [
    ("Số 9 đường Lê Thánh Số 95 Tôn, Phường Nha Trang, Tỉnh Khánh Hòa", "address_mixed"),  # two house numbers
    ("đường Tô Hiệu, Phường Lê Chân, Thành phố Hải Phòng", "address_start_lost"),  # its Số 95 went next door
    ("Số 95 đường Tô Hiệu, Phường Lê Chân, Thành phố Hải Phòng", None),
    ("quận Cầu Giấy", None),  # a unit's type: capitalised (capital_start), not a lost start
])
def test_an_address_pieced_from_two_columns_goes_to_review(text: str, reason: str | None) -> None:
    from fields.address_words import capital_start, mixed_columns

    assert mixed_columns(text) == reason
    assert capital_start("quận Cầu Giấy") == "Quận Cầu Giấy" and capital_start(text) in (text, "Quận Cầu Giấy")


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 168, ngõ 64 Quang Trụng, Xã Nghi Phong", "Số 168, ngõ 64 Quang Trung, Xã Nghi Phong"),  # a mark misread
    ("Số 153, ngõ 72 Nguyễn Văn Cù, Phường Xuân Khánh", "Số 153, ngõ 72 Nguyễn Văn Cừ, Phường Xuân Khánh"),
    ("Số 71 đường Xê Viết Nghệ Tĩnh", "Số 71 đường Xê Viết Nghệ Tĩnh"),  # letters differ: left to the checks
    ("Số 161 đường LạchTray", "Số 161 đường LạchTray"),  # glued: another count of words, not touched here
])
def test_a_common_streets_marks_are_put_back(text: str, expected: str) -> None:
    from fields.streets import restore_streets

    assert restore_streets(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 124, ngõ 4i Trần Thái Tông", (False, "ocr_digits_guessed", "Số 124, ngõ 41 Trần Thái Tông")),
    ("Số l24 đường Lê Lợi", (False, "ocr_digits_guessed", "Số 124 đường Lê Lợi")),
    ("Số 4A đường Lê Lợi", (True, None, "Số 4A đường Lê Lợi")),  # a house's own letter
    ("Số 10 Ô Chợ Dừa", (True, None, "Số 10 Ô Chợ Dừa")),
])
def test_a_letter_read_for_a_figure_in_a_house_number(text: str, expected: tuple) -> None:
    from fields.validators import tidy_punctuation

    assert tidy_punctuation(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Tỉnh Thừa Thiên HUế", "Tỉnh Thừa Thiên Huế"),           # a capital slipped into the small letters
    ("Công an Phường NGhĩa Đô", "Công an Phường Nghĩa Đô"),
    ("HỘ KINH DOANH CÀ PHÊ", "HỘ KINH DOANH CÀ PHÊ"),          # all in capitals: as written
    ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"),
])
def test_a_capital_slipped_into_a_word_is_put_back(text: str, expected: str) -> None:
    from fields.validators import tidy_punctuation

    assert tidy_punctuation(text) == (True, None, expected)


@pytest.mark.parametrize(("read", "meant"), [
    ("Số 151/10 Nguyễn Văn T inh, Phường An Hải Bắc", "Số 151/10 Nguyễn Văn Linh, Phường An Hải Bắc"),  # one word as two
    ("Số 16 đường Xnân Thủy, Phường Dịch Vọng", "Số 16 đường Xuân Thủy, Phường Dịch Vọng"),
    ("Số 105 đường Nguyủn Huệ", "Số 105 đường Nguyễn Huệ"),
    ("Số 138, ngõ 30 Nguyễn Văn Iinh", "Số 138, ngõ 30 Nguyễn Văn Linh"),
    ("Số 5 đường Lê Thánh Tôn, Phường 2", "Số 5 đường Lê Thánh Tôn, Phường 2"),    # a listed street as read
    ("Số 5 đường Trần Thái Tông, Phường 2", "Số 5 đường Trần Thái Tông, Phường 2"),  # not Trần Nhân Tông
    ("Số 7 đường Lê Hai, Phường 2", "Số 7 đường Lê Hai, Phường 2"),                  # sound syllables: left
    ("Phường Xnân Khánh, Quận Ninh Kiều", "Phường Xnân Khánh, Quận Ninh Kiều"),      # no street's place
    ("Số 12 B Trần Phú, Phường 5", "Số 12 B Trần Phú, Phường 5"),                    # the house number's letter
])
def test_a_garbled_word_of_a_listed_street_after_a_house_number_is_put_back(read: str, meant: str) -> None:
    from fields.streets import mend_streets

    assert mend_streets(read) == meant
