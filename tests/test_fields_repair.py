"""Tests of the repairs that put a misread value right only when one reading fits: 0s read as 6, 8 or 9
in dates (kept, flagged ``ocr_digits_guessed``), name syllables with one listed name for their letters,
and the seal's ink read before a signer's name."""

from __future__ import annotations

from datetime import date

import pytest

from fields import extract, load_templates
from fields.dates import repair_date
from fields.text import Token
from tests.test_fields import KHAI_SINH_OCR, _replace
from tests.test_fields import _page as _form_page
from tests.test_fields_units import DECISION, _page


@pytest.mark.parametrize(("text", "expected"), [
    ("94/61/2922", date(2022, 1, 4)),                        # every 0 of 04/01/2022 read as 9 or 6
    ("Đà Lạt, ngày 94 tháng 61 năm 2922", date(2022, 1, 4)),
    ("12/04/2901", date(2001, 4, 12)), ("24-62-1989", date(1989, 2, 24)),
    ("19/06/2925", date(2025, 6, 19)),                        # 2925 → 2025, 19 stays (valid as read)
    ("31/02/2020", None),                                     # no 6/8/9 to repair: not a date
    ("19/13/2020", None),                                     # the month has no 6/8/9 to repair
    ("99/99/2020", date(2020, 9, 9)), ("88/88/2988", date(2008, 8, 8)),   # the fewest changes win
    ("38/19/1999", date(1999, 10, 30)),
    ("18/09/4979", date(1979, 9, 18)), ("46/94/2991", date(2001, 4, 16)),   # a monospaced 1 read as 4 (and 0s)
    ("14/41/2020", date(2020, 11, 14)), ("44/11/2020", date(2020, 11, 14)),   # a leading 4 only; 41/11 no date
])
def test_zero_read_as_six_eight_or_nine(text: str, expected: date | None) -> None:
    assert repair_date(text, latest=date(2026, 1, 1)) == expected


def test_repair_keeps_to_the_latest_date() -> None:
    assert repair_date("10/10/2624", latest=date(2026, 1, 1)) == date(2024, 10, 10)
    assert repair_date("10/10/2624", latest=date(2023, 1, 1)) is None      # 2024 is later than allowed


def test_a_slash_read_as_a_seven_is_tried_as_a_slash_and_flagged() -> None:
    from fields.date_checks import check_form_date
    from fields.dates import slash_read_as_seven

    on = date(2026, 1, 1)
    assert check_form_date("21709⁄2000", latest=on) == (False, "ocr_digits_guessed", "21/09/2000")
    assert check_form_date("18710/2002", latest=on) == (False, "ocr_digits_guessed", "18/10/2002")
    assert check_form_date("27/0771988", latest=on) == (False, "ocr_digits_guessed", "27/07/1988")
    assert slash_read_as_seven("1777/2000", latest=on) == date(2000, 7, 17)   # 1/77 is no month: one reading
    assert slash_read_as_seven("1717/2000", latest=on) is None                # 1/17/2000 is none; its last 7 is by a slash
    assert slash_read_as_seven("11711/2000", latest=on) == date(2000, 11, 11)
    assert slash_read_as_seven("2170972000", latest=on) is None               # no slash left to read: not a date
    assert slash_read_as_seven("07/07/2007", latest=on) is None               # a 7 beside a slash is a figure


def test_a_date_s_accented_o_for_a_zero_and_a_closing_bracket_after_it() -> None:
    from fields.dates import parse_date

    assert parse_date("Ò4/10/2023", whole=True) == (date(2023, 10, 4), True)    # a guess: goes to review
    assert parse_date("13.8.2009)", whole=True) == (date(2009, 8, 13), False)
    assert parse_date("13.8.2009 Nữ", whole=True) is None


def test_form_date_with_zeros_misread_is_repaired_and_flagged() -> None:
    lines = _replace(KHAI_SINH_OCR, "Ngày,tháng", "Ngày, tháng, năm sinh: 15/96/2925 ..........")
    got = extract([_form_page(lines)], load_templates()).fields["ngay_sinh"]
    assert (got.value, got.reason, got.needs_review) == ("15/06/2025", "ocr_digits_guessed", True)


def test_decision_date_repaired_and_signer_after_seal_ink() -> None:
    lines = [line.replace("ngày 2O tháng 8 năm 2025", "ngày 2O tháng 8 năm 2925") for line in DECISION[:-1]]
    lines.append("|| TT@0.3 Cừ@0.1 Nguyễn Văn Bình")                # the seal's ink read before the name
    doc = extract([_page(lines)], load_templates()).documents[0]
    assert doc.elements["issued"] == "2025-08-20" and doc.reasons["issued"] == "ocr_digits_guessed"
    assert doc.elements["signer"] == "Nguyễn Văn Bình"        # read, though the ink around it sends it to review


def test_address_that_stops_before_its_province_is_flagged() -> None:
    from fields.address_words import ends_with_province

    assert not ends_with_province("Số 173 đường Tây")                         # the rest was not read
    assert ends_with_province("Số 5, Phường Láng, Thành phố Hà Nội")
    assert ends_with_province("Đăng ký tạm trú")                              # names no place
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 195", "Nơi cư trú: (2) Số 195 đường Trần Thái Tông .......")
    got = extract([_form_page(lines)], load_templates()).fields["nyc_noi_cu_tru"]
    assert (got.value, got.reason, got.needs_review) == ("Số 195 đường Trần Thái Tông", "address_incomplete", True)


def test_name_without_a_family_name_and_street_words_kept() -> None:
    from fields.names import correct_street, has_surname
    from fields.validators import tidy_punctuation

    assert has_surname("Võ Hồng Giang") and has_surname("THẠCH THỊ SA") and not has_surname("Hồng Giang")
    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên người mẹ", "Họ, chữ đệm, tên người mẹ: Thu Thảo ........")
    got = extract([_form_page(lines)], load_templates()).fields["me_ho_ten"]
    assert (got.value, got.reason, got.needs_review) == ("Thu Thảo", "invalid_name", True)
    # a unit's type after a number is no street name (``Tổ`` is not the family name ``Tô``)
    assert correct_street("Số 12, Tổ 5, đường Trân Phú, Phường 9, Quận 3") == "Số 12, Tổ 5, đường Trần Phú, Phường 9, Quận 3"
    assert tidy_punctuation("Số 131-đường Nguyễn Văn Cừ")[2] == "Số 131 đường Nguyễn Văn Cừ"
    assert tidy_punctuation("Số 12-14 phố Huế") == (True, None, "Số 12-14 phố Huế")   # a printed range


def test_footnote_mark_with_a_misread_bracket_and_known_issuer() -> None:
    from configs.form_schema import FormTemplate
    from fields import extract_with
    from fields.text import is_junk
    from fields.values import _tidy

    assert is_junk("I2):") and is_junk("(2)") and not is_junk("12")
    assert is_junk("(I)") and is_junk("(l)") and not is_junk("(A)")   # the mark's figure read as a letter
    assert _tidy("I2): Đăng ký thường trú") == "Đăng ký thường trú"
    hkd: FormTemplate = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    page = _form_page(["Nơi cấp: Cúc@0.6 Cảnh sát quản Lý hành chính về trật tự xã hội ......."])
    got = extract_with([page], hkd)["noi_cap"]
    assert (got.value, got.needs_review) == ("Cục Cảnh sát quản lý hành chính về trật tự xã hội", False)


def test_signer_whose_family_name_was_read_unsurely() -> None:
    lines = DECISION[:-1] + ["|| Dương@0.3 Phương Mai"]
    doc = extract([_page(lines)], load_templates()).documents[0]
    assert doc.elements["signer"] == "Dương Phương Mai"


def test_address_punctuation_keywords_and_cut_streets() -> None:
    from fields.address_words import ends_mid_street, tidy_address
    from fields.admin_units import check_units
    from fields.validators import tidy_punctuation

    assert tidy_address("Số 88 đưởng Trần Phú, Phường Xuân Khánh; Quận Ninh Kiều") == \
        "Số 88 đường Trần Phú, Phường Xuân Khánh, Quận Ninh Kiều"
    assert tidy_address("đường Dương Quảng Hàm") == "đường Dương Quảng Hàm"          # a name, capitalised
    assert tidy_address("trong Cơ sở dữ liệu", keywords=False) == "trong Cơ sở dữ liệu"
    assert ends_mid_street("Số 171 đường") and not ends_mid_street("Số 171 đường Láng")
    assert tidy_punctuation("nơi ở hiện tại:Số 196") == (True, None, "nơi ở hiện tại: Số 196")
    assert tidy_punctuation("Số 66.đường Láng")[2] == "Số 66 đường Láng"
    assert tidy_punctuation("Số 12.5")[2] == "Số 12.5"
    # no province to check against, but one spelling in the whole country for these letters
    assert check_units("Phường Cống VỊ") == ("Phường Cống Vị", None, True)


def test_value_never_taken_from_the_form_date_line() -> None:


    hkd = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    from fields import extract_with
    lines = ["3. Ngành, nghề kinh doanh:", "Đống Đa, ngày 14 tháng 5 năm 2019"]
    got = extract_with([_form_page(lines)], hkd)["nganh_nghe"]
    assert (got.value, got.reason) == ("", "empty") and got.needs_review



def test_unit_words_checked_against_the_lists_do_not_lower_the_score() -> None:
    from fields.address_words import verified_words
    from fields.admin_units import check_units

    assert {"phuong", "may", "chai", "thanh", "pho", "hai", "phong"} <= verified_words(
        "Số 4 đường Lạch Tray, Phường Máy Chai, Thành phố Hải Phòng")
    assert {"maychai", "haiphong", "phohai"} <= verified_words("Phường Máy Chai, Thành phố Hải Phòng")  # read glued
    assert "laychai" not in verified_words("Phường Máy Chai") and "trayphuong" not in verified_words(
        "đường Lạch Tray, Phường Máy Chai")                                   # nothing across a unit's edge
    assert verified_words("Phường 9, Quận 3") == frozenset()                   # numbers: not in the lists
    assert "chai" not in verified_words("Phường Máy Chải, Thành phố Hải Phòng")
    assert check_units("Bệnh viện Trung ương Huế, Tỉnh Thừa Thiên Huề")[0] == \
        "Bệnh viện Trung ương Huế, Tỉnh Thừa Thiên Huế"                      # the province's old name
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 195",
                     "Nơi cư trú: (2) Số 195 đường Trần Thái Tông, Phường@0.4 Cầu Giấy, Thành phố Hà@0.5 Nội ....")
    got = extract([_form_page(lines)], load_templates()).fields["nyc_noi_cu_tru"]
    assert got.value == "Số 195 đường Trần Thái Tông, Phường Cầu Giấy, Thành phố Hà Nội" and not got.needs_review
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 195",
                     "Nơi cư trú: (2) Số 195@0.4 đường Trần Thái Tông, Phường Cầu Giấy, Thành phố Hà Nội ....")
    got = extract([_form_page(lines)], load_templates()).fields["nyc_noi_cu_tru"]
    assert got.needs_review and got.reason == "low_confidence"                # the house number: unchecked


def test_known_agency_names_start_a_value() -> None:
    from fields.closed_lists import known_prefix

    known = ("Ủy ban nhân dân", "Công an", "Phòng Tài chính - Kế hoạch")
    assert known_prefix("Ủy ban nhan dân phường Cầu Giấy", known) == (
        "Ủy ban nhân dân phường Cầu Giấy", frozenset({"uy", "ban", "nhan", "dan"}))
    assert known_prefix("Phòng Tài chính Kế hoạch quận Đống Đa", known)[0] == \
        "Phòng Tài chính - Kế hoạch quận Đống Đa"                            # the lost dash put back
    assert known_prefix("Công an", known) == ("Công an", frozenset())          # nothing after it: no prefix
    assert known_prefix("Sở Tư pháp", known) == ("Sở Tư pháp", frozenset())
    # a "Kính gửi" read unsurely but all of it checked (agency name and units) is not sent to review
    lines = _replace(KHAI_SINH_OCR, "Kính gửi:",
                     "Kính gửi: (1) Ủy@0.5 ban nhan@0.4 dân phường Cầu@0.6 Giấy, Thành phố Hà Nội ........")
    got = extract([_form_page(lines)], load_templates()).fields["co_quan"]
    assert (got.value, got.needs_review) == ("Ủy ban nhân dân phường Cầu Giấy, Thành phố Hà Nội", False)


def test_dates_no_later_than_the_form_and_cities_of_a_province() -> None:
    from fields.address_words import ends_mid_street, ends_with_province
    from fields.admin_units import check_units
    from fields.date_checks import check_form_date as _check_date

    assert _check_date("21/12/2091", latest=date(2024, 5, 1)) == (False, "ocr_digits_guessed", "21/12/2001")
    assert _check_date("21/12/2025", latest=date(2024, 5, 1)) == (False, "invalid_date", "21/12/2025")
    assert _check_date("21/12/2021", latest=date(2024, 5, 1)) == (True, None, "21/12/2021")
    # a city of a province (Thành phố Thanh Hóa, Tỉnh Thanh Hóa) does not end an address; Hà Nội does
    assert not ends_with_province("Số 5 Trần Phú, Phường Điện Biên, Thành phố Thanh Hóa")
    assert ends_with_province("Số 5 Láng, Phường Láng, Thành phố Hà Nội")
    assert ends_mid_street("Số 123 đường Lê") and not ends_mid_street("Số 5 phố Huế")
    assert check_units("phường 9, quận3, Thành phố Hồ Chí Minh")[0] == "phường 9, quận 3, Thành phố Hồ Chí Minh"


def test_hyphen_inside_a_name_and_a_known_value_nearly_read() -> None:
    from fields import extract_with

    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên người mẹ", "Họ, chữ đệm, tên người mẹ: Hồ Thu-Thảo ........")
    got = extract([_form_page(lines)], load_templates()).fields["me_ho_ten"]
    assert (got.value, got.reason) == ("Hồ Thu Thảo", "glued_words")
    hkd = next(t for t in load_templates() if t.form_type == "ho_kinh_doanh")
    page = _form_page(["Nơi cấp: Cục Cảnh sát quản tý hành chính về trật tử xã: hội@0.3 ......."])
    got = extract_with([page], hkd)["noi_cap"]
    assert got.value == "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    assert got.needs_review and got.reason == "low_confidence"             # letters changed: still looked at


def test_decision_number_read_unsurely_is_read_again_with_the_real_tesseract(tmp_path) -> None:
    """``Số: 23/QĐ-UBND`` first read as ``223`` at confidence 0 (the colon glued to the figures) is
    read again on its own from the page image: the number comes right, still for a clerk to confirm."""
    from PIL import Image, ImageDraw, ImageFont

    from ocr.model import BBox, PageText, Word

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 44)
    image = Image.new("L", (2400, 3400), 255)
    draw = ImageDraw.Draw(image)
    draw.text((100, 100), "ỦY BAN NHÂN DÂN", font=font, fill=0)
    draw.text((100, 180), "PHƯỜNG CẦU GIẤY", font=font, fill=0)
    draw.text((100, 260), "Số: 23/QĐ-UBND", font=font, fill=0)
    path = tmp_path / "page-0001.png"
    image.save(path, dpi=(200, 200))
    lines = ["ỦY BAN NHÂN DÂN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "PHƯỜNG CẦU GIẤY || Độc lập - Tự do - Hạnh phúc",
             "Số 223/QĐ-UBND@0.0 || Cầu Giấy, ngày 20 tháng 8 năm 2025", "QUYẾT ĐỊNH",
             "Về việc xác nhận thông tin về cư trú", "|| CHỦ TỊCH", "|| Nguyễn Văn Bình"]
    first = _page(lines)
    # the first reading's boxes where the image has the words (the header lines at y = 100, 180, 260)
    words = tuple(Word(w.text, BBox(w.bbox.left, 100 + 80 * w.line + 4, w.bbox.width, 44), w.confidence, w.line)
                  if w.line < 3 else w for w in first.words)
    page = PageText(1, 2400, 3400, 200, words)
    doc = extract([page], load_templates(), images={1: path}).documents[0]
    assert (doc.elements["number"], doc.elements["notation"]) == ("23", "QĐ-UBND")
    assert doc.reasons.get("number") == "low_confidence"                    # no surer than the first reading
    assert extract([page], load_templates()).documents[0].elements["number"] == "223"   # without the image


def test_form_whose_title_is_garbled_is_typed_by_its_labels() -> None:
    """A photocopy of a photocopy: the title reads ``TỪ KHAI ĐÌÌNG KÝ KIIAI SỈNII``, the labels still read."""
    lines = _replace(KHAI_SINH_OCR, "TỜ KHAI ĐĂNG KÝ KHAI SINH", "TỪ@0.9 KHAI@0.8 ĐÌÌNG@0.2 KÝ KIIAI@0.3 SỈNII@0.2")
    result = extract([_form_page(lines)], load_templates())
    assert result.form_type == "khai_sinh" and result.fields["nyc_ho_ten"].value == "Hồ Thu Thảo"
    letter = ["ĐƠN XIN XÁC NHẬN", "Kính gửi: Ủy ban nhân dân phường Cầu Giấy", "Tôi tên là Vũ Thu Uyên"]
    assert extract([_form_page(letter)], load_templates()).form_type == "unknown"   # a label or two: not a form


def test_table_cells_read_as_separate_lines_are_one_row() -> None:
    """Tesseract may read each cell of a table row as its own line (``Nữ`` / ``0383… Con`` /
    ``Dương Thanh Linh 06-05-2004``, each a line at the same height): they are one printed line; the
    rest of a leader line read as junk beside a value stays apart."""
    from fields.text import document_lines
    from ocr.model import BBox, PageText, Word

    def word(text: str, x: int, y: int, line: int, conf: float = 0.95) -> Word:
        return Word(text, BBox(x, y, 18 * len(text), 36), conf, line)

    page = PageText(1, 2400, 3400, 200, (
        word("Nữ", 891, 1574, 1), word("038304791765", 1035, 1575, 2), word("Con", 1324, 1575, 2),
        word("Dương", 312, 1573, 3), word("Thanh", 433, 1574, 3), word("Linh", 547, 1573, 3),
        word("06-05-2004", 666, 1573, 3),
        word("Mẹ", 997, 2000, 4), word("VU", 1072, 2001, 5, 0.2), word("HO", 1120, 2000, 5, 0.1)))
    lines = document_lines([page])
    assert [t.text for t in lines[0]] == ["Dương", "Thanh", "Linh", "06-05-2004", "Nữ", "038304791765", "Con"]
    assert [t.text for t in lines[1]] == ["Mẹ"] and [t.text for t in lines[2]] == ["VU", "HO"]


def test_unit_names_with_figures_and_stray_words_before_a_unit() -> None:
    from fields.admin_units import check_units

    assert check_units("Xã Ngh1. Phong")[1] == "unknown_admin_unit"           # a misread, not Phường 14
    assert check_units("Phường 14, Quận 3, Thành phố Hồ Chí Minh")[1] is None
    assert check_units("Số 194 đường Lê Duẩn, Xã Nghi Phong, Lộc Tỉnh Nghệ An")[1] == "invalid_address"
    assert check_units("Số 5, Tổ 3 phường Quang Trung, Thành phố Hà Nội")[1] is None   # a hamlet before it


def test_members_without_their_row_numbers_stay_in_their_rows() -> None:
    """No row number read (the TT column blank to OCR): a second birth date in the date column starts
    the next member, so a member's name never runs on into the next ones'."""
    from tests.test_fields import CT01_TABLE

    lines = [line for line in CT01_TABLE if not line.startswith(("1_", "2 ", "|| Huy"))]
    at = lines.index("Ý KIẾN CỦA CHỦ HỘ (3) || NGƯỜI KÊ KHAI (6)")
    lines[at:at] = ["|| Hồ Hồng Giang || 27/06/2002 || Nữ || 001302415868 || Con",
                    "|| Hồ Anh Huy || 31/08/2020 || Nam || 079220073662 || Con",
                    "|| Hồ Minh Tâm || 02/04/2019 || Nam || 079219073662 || Con"]
    fields = extract([_form_page(lines)], load_templates()).fields
    assert [fields[f"tv{n}_ho_ten"].value for n in (1, 2, 3)] == ["Hồ Hồng Giang", "Hồ Anh Huy", "Hồ Minh Tâm"]
    assert [fields[f"tv{n}_ngay_sinh"].value for n in (1, 2, 3)] == ["27/06/2002", "31/08/2020", "02/04/2019"]


def test_province_name_cut_short_is_flagged() -> None:
    from fields.admin_units import check_units

    assert check_units("Ủy ban nhân dân phường Phú Hội, thành phố Huế, Tỉnh Thừa Thiên")[1] == "unknown_admin_unit"


def test_cell_whose_first_word_starts_left_of_the_column_edge() -> None:
    """``Nơi cư trú (2)  Số 80 đường Láng Hạ``: the column edge drawn from the header falls between
    ``Số`` and ``80``; ``Số`` starts the cell (a wide gap before it, a word space after)."""
    from fields.tables import cell_tokens
    from ocr.model import BBox

    def tok(text: str, left: int, right: int) -> Token:
        return Token(text, text.lower(), BBox(left, 400, right - left, 36), 0.95, 0, 11)

    line = [tok("(2)", 461, 500), tok("Số", 601, 628), tok("80", 650, 680), tok("đường", 700, 800)]
    assert [t.text for t in cell_tokens(line, (630.0, 1059.0))] == ["Số", "80", "đường"]
    assert "Số" not in [t.text for t in cell_tokens(line, (float("-inf"), 630.0))]


def test_zeros_misread_on_a_page_send_its_other_sixes_eights_and_nines_to_review() -> None:
    templates = load_templates()
    plain = extract([_form_page(KHAI_SINH_OCR)], templates).fields
    assert not plain["nyc_noi_cu_tru"].needs_review and not plain["nyc_so_cccd"].needs_review
    # a date that is no calendar date until its 9s and 6s are read as 0: the page's font misreads zeros
    lines = _replace(KHAI_SINH_OCR, "Ngày,tháng", "Ngày, tháng, năm sinh: 15/96/2925 ..........")
    got = extract([_form_page(lines)], templates).fields
    for key in ("nyc_noi_cu_tru", "nyc_so_cccd"):                    # Số 195 …, 001185669074: 9s and 6s
        assert (got[key].value, got[key].needs_review, got[key].reason) == (plain[key].value, True, "zero_lookalike")
    assert not got["co_quan"].needs_review                            # no 6, 8 or 9 in it
    # an ID number with no province until its 9s are read as 0 tells the same
    lines = _replace(KHAI_SINH_OCR, "Giấy tờ tùy thân", "Giấy tờ tùy thân: (3) Căn cước công dân số 991185669074...")
    got = extract([_form_page(lines)], templates).fields
    assert (got["nyc_so_cccd"].value, got["nyc_so_cccd"].reason) == ("091185669074", "ocr_digits_guessed")  # mended
    assert (got["nyc_noi_cu_tru"].needs_review, got["nyc_noi_cu_tru"].reason) == (True, "zero_lookalike")
    # a real date merely later than the form's is no sign of the font (a 2019 birth on a 2019 form)
    lines = _replace(KHAI_SINH_OCR, "Ngày,tháng", "Ngày, tháng, năm sinh: 15/06/2095 ..........")
    got = extract([_form_page(lines)], templates).fields
    assert not got["nyc_noi_cu_tru"].needs_review


@pytest.mark.parametrize(("text", "expected"), [
    ("Công an phường Thạch Thang. quận Hải Châu", "Công an phường Thạch Thang, quận Hải Châu"),  # a comma read as a dot
    ("Số 97/29 Tây. Sơn, Phường Quan Hoa", "Số 97/29 Tây Sơn, Phường Quan Hoa"),      # a speck inside a name
    ("Thôn Đông. Xã An Bình", "Thôn Đông, Xã An Bình"),
    ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"), ("Tổ 5, P. Bến Nghé, Q. 1", "Tổ 5, P. Bến Nghé, Q. 1"),   # abbreviations
    ("Số 12. Lê Lợi", "Số 12. Lê Lợi"),                                                # a figure's dot: left alone
])
def test_stray_dot_inside_an_address(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text, keywords=False) == expected


def test_misread_unit_after_a_dot_is_checked_as_a_unit() -> None:
    from fields.address_words import tidy_address
    from fields.admin_units import check_units

    # with the dot the district was read as part of the commune's name and passed; now it is checked
    text = tidy_address("Công an phường Thạch Thang. quận Hải Chân, Thành phố Đà Nẵng", keywords=False)
    assert check_units(text)[:2] == ("Công an phường Thạch Thang, quận Hải Châu, Thành phố Đà Nẵng", "admin_unit_one_off")


def _tok(text: str, left: int, top: int = 100, height: int = 40, *, line: int = 0) -> Token:
    from fields.text import fold
    from ocr.model import BBox

    return Token(text, fold(text), BBox(left, top, 18 * len(text), height), 0.95, 0, line)


def _centred(words: list[str], middle: int, *, line: int) -> list[Token]:
    width = 18 * len(" ".join(words))
    x, out = middle - width // 2, []
    for word in words:
        out.append(_tok(word, x, 100 + 60 * line, line=line))
        x += 18 * (len(word) + 1)
    return out


def test_signer_whose_first_word_the_seal_hid_is_flagged() -> None:
    from fields.nd30 import read_elements

    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    whole = _centred(["Lê", "Lê", "Hồng", "Nhung"], 1800, line=2)
    head = [[_tok("Số:", 100), _tok("12/QĐ-UBND", 170), _tok("ngày", 1500), _tok("5", 1600), _tok("tháng", 1640),
             _tok("3", 1750), _tok("năm", 1790), _tok("2024", 1870)]]
    seal_hid = whole[1:]                                               # the seal hid the first "Lê"
    for block, reason in ((whole, None), (seal_hid, "signer_partly_read")):
        got = read_elements(head + [[]], width=2400, title_line=None, reread=lambda _lines, b=block: [title, b])
        assert got.values["signer"] == " ".join(t.text for t in block) and got.reasons.get("signer") == reason


def test_figure_touched_by_ink_in_the_issue_date_is_flagged() -> None:
    from fields.nd30 import read_elements

    def head(month_top: int, month_height: int) -> list[list[Token]]:
        return [[_tok("Số:", 100), _tok("12/QĐ-UBND", 170), _tok("ngày", 1400), _tok("13", 1500),
                 _tok("tháng", 1560), _tok("3", 1670, month_top, month_height), _tok("năm", 1700),
                 _tok("2024", 1780)]]

    clean = read_elements(head(100, 40), width=2400, title_line=None)
    assert clean.values["issued"] == "2024-03-13" and "issued" not in clean.reasons
    specked = read_elements(head(88, 52), width=2400, title_line=None)  # a speck above the month's figure
    assert specked.values["issued"] == "2024-03-13" and specked.reasons["issued"] == "ink_on_figure"


@pytest.mark.parametrize(("name", "reason"), [
    ("Trần Hồng Yễn", "name_syllable"),        # the letters of Yên and of Yến: no one correction
    ("Trần Hồng Yến", None), ("Vũ Thị Hoà", None),   # listed; Hoà is Hòa with its mark placed the old way
    ("Lê Văn Hưởng", None),                     # a listed name of its own, not a misread Hương
])
def test_name_syllable_with_the_letters_of_several_listed_names(name: str, reason: str | None) -> None:
    from fields.names import check_syllables

    assert check_syllables(name) == (name, reason)


@pytest.mark.parametrize(("text", "expected", "reason"), [
    ("Số 80, Phường Cống Vị, Quận Ba Đình, Thành phỗ Hà Nội",          # a mark misread on a fixed type
     "Số 80, Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội", None),
    ("Số 5, Thị xẫ Sơn Tây, Thành phố Hà Nội", "Số 5, Thị xã Sơn Tây, Thành phố Hà Nội", None),
    ("Số 80, ngõ 113 Kim Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội",   # a comma (and Mã) lost
     "Số 80, ngõ 113 Kim Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội", "invalid_address"),
    ("Ủy Ban Nhân Dân Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội",     # an agency runs into its unit
     "Ủy Ban Nhân Dân Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội", None),
    ("Tổ 3 Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội", "Tổ 3 Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội", None),
])
def test_unit_types_misread_or_run_into_a_street(text: str, expected: str, reason: str | None) -> None:
    from fields.admin_units import check_units

    assert check_units(text)[:2] == (expected, reason)


def test_words_in_capitals_glued_together_are_flagged() -> None:
    from fields.validators import glued_capitals

    assert glued_capitals("HỘ KINH DOANHTẠP HÓA THẢO") and glued_capitals("HOÀNGANH")
    assert not glued_capitals("HỘ KINH DOANH TẠP HÓA THẢO")
    assert not glued_capitals("TRUNG NGUYÊN COFFEE") and not glued_capitals("SALON TÓC")    # foreign words
    assert not glued_capitals("NGUYỄN VĂN QUYẾT") and glued_capitals("KINHDOANH")
    lines = _replace(KHAI_SINH_OCR, "Nơi sinh", "Nơi sinh: (4) BỆNH VIỆN PHỤ SẢNHÀ NỘI ................")
    got = extract([_form_page(lines)], load_templates()).fields["noi_sinh"]
    assert (got.needs_review, got.reason) == (True, "glued_words")


def test_signer_line_read_again_on_its_own_gives_back_the_hidden_first_word() -> None:
    from fields.nd30 import read_elements

    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    whole = _centred(["Lê", "Lê", "Hồng", "Nhung"], 1800, line=2)
    head = [[_tok("Số:", 100), _tok("12/QĐ-UBND", 170), _tok("ngày", 1500), _tok("5", 1600), _tok("tháng", 1640),
             _tok("3", 1750), _tok("năm", 1790), _tok("2024", 1870)]]
    block = lambda _lines: [title, whole[1:]]                          # noqa: E731 — the seal hid "Lê"
    for line, signer, reason in (
            (whole, "Lê Lê Hồng Nhung", None),                         # read whole on its own: centred
            (whole[1:], "Lê Hồng Nhung", "signer_partly_read"),           # the same words: nothing added
            ([_tok("Cừ", 1400, line=2), *whole[1:]], "Lê Hồng Nhung", "signer_partly_read")):  # ink, not a name
        got = read_elements(head + [[]], width=2400, title_line=None, reread=block,
                            reread_line=lambda _tokens, got_line=line: [got_line])
        assert (got.values["signer"], got.reasons.get("signer")) == (signer, reason)


def test_seal_free_reader_reads_one_line_with_the_real_tesseract(tmp_path) -> None:
    """The signer's line read again on its own (psm 7): a seal's mid-grey ring over its first word is
    whitened, the black name is read whole."""
    from PIL import Image, ImageDraw, ImageFont

    from fields.reread import seal_free_reader
    from ocr.model import PageText

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf", 44)
    image = Image.new("L", (2400, 3400), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((1380, 2900, 1680, 3200), outline=150, width=14)               # the seal's ring, mid-grey
    draw.text((1500, 3030), "Lê Lê Hồng Nhung", font=font, fill=0)
    path = tmp_path / "page-0001.png"
    image.save(path, dpi=(200, 200))
    reread = seal_free_reader({1: path}, {1: PageText(1, 2400, 3400, 200)})
    lines = reread(1, (0.5, 3000 / 3400, 1.0, 3110 / 3400), psm=7)
    assert [" ".join(t.text for t in line) for line in lines] == ["Lê Lê Hồng Nhung"]
    assert lines[0][0].bbox.left > 1400                                        # page coordinates


@pytest.mark.parametrize(("text", "expected"), [
    ("Đăng Ký tạm trú tại Số 1, Phường Láng", "Đăng ký tạm trú tại Số 1, Phường Láng"),      # a capital misread
    ("I2 Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú, nơi ở: Số 6",         # a footnote mark
     "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú, nơi ở: Số 6"),          # … and its comma kept
    ("12 Lê Lợi, Phường Láng", "12 Lê Lợi, Phường Láng"),                                   # no known text: as read
    ("Đăng ký tường trú tại Số 1, Phường Láng", "Đăng ký thường trú tại Số 1, Phường Láng"),  # a letter lost
])
def test_request_of_a_residence_form_starts_with_its_known_text(text: str, expected: str) -> None:
    from fields.closed_lists import known_prefix

    known = next(s for s in next(t for t in load_templates() if t.form_type == "ct01").fields
                 if s.key == "noi_dung").known
    assert known_prefix(text, known)[0] == expected


@pytest.mark.parametrize(("name", "two"), [
    ("Võ Thùy Hà Hoàng Văn", True),              # the husband's name read on after the wife's
    ("Trần Thị Mai Lê Văn", True), ("Nguyễn Văn An", False), ("Nguyễn Thị Minh Khai", False),
    ("Hoàng Lê Văn Minh", False), ("Tôn Nữ Thị Hà", False),
])
def test_a_name_holding_a_second_name_is_flagged(name: str, two: bool) -> None:
    from fields.names import two_names

    assert two_names(name) is two
    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên: Vũ", f"Họ, chữ đệm, tên: {name} ...........")
    got = extract([_form_page(lines)], load_templates()).fields["ho_ten"]
    assert (got.reason == "invalid_name") is two


def test_comma_before_an_address_is_dropped() -> None:
    lines = _replace(KHAI_SINH_OCR, "Nơi cư trú: (2) Số 195",
                     "Nơi cư trú: (2) , Số 195 đường Trần Thái Tông, Phường Cầu Giấy, Thành phố Hà Nội ......")
    got = extract([_form_page(lines)], load_templates()).fields["nyc_noi_cu_tru"]
    assert got.value == "Số 195 đường Trần Thái Tông, Phường Cầu Giấy, Thành phố Hà Nội" and not got.needs_review


def test_zero_lookalikes_leave_checked_figures_alone() -> None:
    from fields.zeros import _unchecked

    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    spec = {s.key: s for s in ct01.fields}
    assert _unchecked(spec["ngay_sinh"], "04/06/1990") == "04/06/90"        # the century 19 is no misread 0
    assert _unchecked(spec["tv1_so_cccd"], "001185669074") == "669074"     # province, century, year checked
    assert _unchecked(spec["dien_thoai"], "0912345678") == "0912345678"


def test_form_date_read_with_a_doubt_still_dates_the_form() -> None:
    from tests.test_fields_units import FORM

    sure = extract([_page(FORM)], load_templates())
    assert sure.documents[0].elements == {"issued": "2025-08-12"} and not sure.fields["ngay_lap"].needs_review
    lines = [line.replace("ngày 12 tháng 8 năm 2025", "ngày 12 tháng 8 năm 2925") for line in FORM]
    doubt = extract([_page(lines)], load_templates())
    assert doubt.fields["ngay_lap"].reason == "ocr_digits_guessed"             # a clerk confirms the figures …
    assert doubt.documents[0].elements == {"issued": "2025-08-12"}            # … days off at worst, not years


@pytest.mark.parametrize(("text", "expected"), [
    # a photocopy's ``d`` broken in two: the known text's letters but for two, split otherwise
    ("Ủy ban nhân ci ân phường Kim Mã, quận Ba Đình", "Ủy ban nhân dân phường Kim Mã, quận Ba Đình"),
    ("Ủy ban hhần dân phường Bình Thạnh", "Ủy ban nhân dân phường Bình Thạnh"),
    ("Ủy bannhân dân xã Nghi Phong", "Ủy ban nhân dân xã Nghi Phong"),
    ("Ủy ban nhân ci ân", "Ủy ban nhân ci ân"),                     # nothing after it: no agency to name
    ("Ủy ban nhân dân, phường Kim Mã", "Ủy ban nhân dân phường Kim Mã"),  # a speck read as a comma before its unit
    ("Ủy ban Mặt trận xã Nghi Phong", "Ủy ban Mặt trận xã Nghi Phong"),  # three letters off: another body
    # letters beyond the known text are the next words', not misread ones: left as read, for the checks
    ("Ủy ban nhân dânxã Mỹ Hòa", "Ủy ban nhân dânxã Mỹ Hòa"), ("Ủy ban nhân xã An Phú", "Ủy ban nhân xã An Phú"),
    ("Ủy ban nhân An Phú", "Ủy ban nhân An Phú"), ("Ủy ban nhân quận 3", "Ủy ban nhân quận 3"),
    ("Ủy ban nhân ciân phường Kim Mã", "Ủy ban nhân dân phường Kim Mã"),     # … but the broken letter is
])
def test_an_agency_s_known_start_read_split_or_two_letters_off(text: str, expected: str) -> None:
    from fields.closed_lists import known_prefix

    assert known_prefix(text, ["Ủy ban nhân dân", "Sở Tư pháp", "Phòng Tư pháp"])[0] == expected


def test_a_province_one_or_two_letters_off_is_the_one_province_that_near() -> None:
    from fields.provinces import near_province

    assert near_province("Đà Niing").short == "Đà Nẵng"        # two off, long enough
    assert near_province("Bắc Ninb").short == "Bắc Ninh"
    assert near_province("Khánh Hòa").short == "Khánh Hòa"     # its own letters: itself, not Thanh Hóa one off
    assert near_province("Xhanh Hoa") is None                  # one off Khánh Hòa and Thanh Hóa alike
    assert near_province("Huế") is None and near_province("Hà Nam") is not None  # too short; its own name


def test_a_date_mended_by_its_ones_says_nothing_of_the_page_s_zeros() -> None:
    """``46/94/2991`` needs its leading 4s read as 1s: without them no date fits, so the page is not
    taken for one whose zeros look like 6, 8 or 9 (its other figures are not all sent to review)."""
    assert repair_date("46/94/2991", latest=date(2026, 1, 1)) == date(2001, 4, 16)
    assert repair_date("46/94/2991", latest=date(2026, 1, 1), ones=False) is None
    assert repair_date("23/94/1994", latest=date(2026, 1, 1), ones=False) == date(1994, 4, 23)


def test_a_year_after_its_misread_footnote_mark_is_the_year() -> None:
    from fields.closed_lists import check_year

    for read in ("I5 1993", "j5) 1993", "jö)1992", "(5) 1993"):
        assert check_year(read, latest=2026) == (True, None, read[-4:], True), read   # less sure: guessed
    for read in ("11993", "41993", "I51993", "I1993", "S1993"):   # a figure or look-alike run into it: no year
        assert not check_year(read, latest=2026)[0], read


def test_a_date_read_otherwise_the_second_time_still_dates_the_dossier_as_doubtful() -> None:
    from fields.extract import _issued
    from fields.model import FieldValue
    from fields.second_look import REASON

    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    key = ct01.dossier_dates.end[0] if ct01.dossier_dates.end else ct01.dossier_dates.start[0]
    got = _issued(ct01, {key: FieldValue("15/06/2023", 0.5, True, REASON, 1, None)})
    assert got == ("2023-06-15", REASON)
