"""A value of a closed list of choices read short or a letter off: the one choice it stands for."""

from __future__ import annotations

import pytest

from fields import extract, load_templates
from fields.closed_lists import complete_choice
from tests.test_fields import CT01_TABLE, KET_HON_OCR, KHAI_SINH_OCR, _page

TIMES = ["Lần thứ nhất", "Lần thứ hai", "Lần thứ ba", "Lần thứ tư", "Lần thứ năm"]
KIN = ["Con", "Vợ", "Chồng", "Cha", "Mẹ", "Bố", "Ông", "Bà", "Anh", "Chị", "Em", "Cháu", "Con dâu", "Con rể"]


@pytest.mark.parametrize(("value", "choices", "expected"), [
    ("thứ nhất", TIMES, ("Lần thứ nhất", True)),      # the first word lost: the end of one choice only
    ("thứ hai", TIMES, ("Lần thứ hai", True)),
    ("nhất", TIMES, (None, False)),                    # one word is too little to go on
    ("Can", KIN, ("Con", False)),                       # one letter off one choice: for a clerk to confirm
    ("Cn", KIN, ("Con", True)),                         # no word: a letter of the one choice lost
    ("NE", ["Nam", "Nữ"], ("Nữ", False)),               # Nam is two letters off; ``ne`` is spelt as a word
    ("NP", ["Nam", "Nữ"], ("Nữ", True)),                # no Vietnamese syllable: a misread Nữ
    ("Nữđ", ["Nam", "Nữ"], ("Nữ", True)),
    ("Lầr thứ nhất", TIMES, ("Lần thứ nhất", True)),
    ("Tin thứ nhất", TIMES, ("Lần thứ nhất", False)),     # its first word misread into another word: asked
    ("Tin thứ bảy", TIMES, (None, False)),                # … and the rest no choice's
    ("N3", ["Nam", "Nữ"], ("Nữ", False)),               # a figure: not read as letters, for a clerk
    ("N", ["Nam", "Nữ"], (None, False)),                # too short to tell
    ("Bác", KIN, ("Bà", False)),                        # a word of its own, maybe: never taken as sure
    ("Dượng", KIN, (None, False)),                      # one letter off none
])
def test_complete_choice(value: str, choices: list[str], expected: tuple[str | None, bool]) -> None:
    assert complete_choice(value, choices) == expected


def test_times_married_read_without_its_first_word() -> None:
    lines = [line.replace("|| Lần thứ nhất ||", "|| thứ nhất ||") for line in KET_HON_OCR]
    got = extract([_page(lines, columns=(100, 700, 1500))], load_templates()).fields["nu_lan_ket_hon"]
    assert (got.value, got.needs_review, got.reason) == ("Lần thứ nhất", False, None)


@pytest.mark.parametrize(("read", "expected"), [
    ("Mẹ@0.6", ("Mẹ", False, None)),                  # a listed relation: not reviewed for its score alone
    ("Mọ", ("Mọ", True, "invalid_choice")),            # a mark misread: no listed relation, a clerk looks
])
def test_who_asks_to_register_a_birth_is_a_listed_relation(read: str, expected: tuple) -> None:
    lines = [line.replace("khai sinh: Mẹ.", f"khai sinh: {read} .") for line in KHAI_SINH_OCR]
    got = extract([_page(lines)], load_templates()).fields["quan_he"]
    assert (got.value, got.needs_review, got.reason) == expected


def test_relationship_a_letter_off_is_put_right_and_reviewed() -> None:
    lines = [line.replace("|| Nữ || 001302415868 || Con", "|| Nữ || 001302415868 || Can") for line in CT01_TABLE]
    got = extract([_page(lines)], load_templates()).fields["tv1_quan_he"]
    assert (got.value, got.needs_review, got.reason) == ("Con", True, "invalid_choice")


@pytest.mark.parametrize(("text", "expected"), [
    ("3", (True, None, "3")), ("12.", (True, None, "12")),
    ("I", (False, "ocr_digits_guessed", "1")),          # a look-alike letter read for a figure: put back
    ("ba", (False, "invalid_chars", "ba")),
])
def test_a_count_is_figures_only(text: str, expected: tuple[bool, str | None, str]) -> None:
    from fields.validators import check_number

    assert check_number(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Thành phế Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Thị trân Đông Anh", "Thị trấn Đông Anh"),
    ("Đăng ký thường trú tại Sổ 184, ngõ 39", "Đăng ký thường trú tại Số 184, ngõ 39"),
    ("Số 5 đường Nguyễn Thị Hà", "Số 5 đường Nguyễn Thị Hà"),                  # a name: left alone
])
def test_unit_type_second_word_put_right(text: str, expected: str) -> None:
    from fields.address_words import tidy_address

    assert tidy_address(text, keywords=False) == expected


def test_an_empty_cell_on_a_members_row_with_a_name_goes_to_review() -> None:
    """A household member's row read in part (the sex and relation cells not found) is not taken as a
    row left blank; an unused row stays quiet."""
    lines = [line.replace("|| Nữ || 001302415868 || Con", "||  || 001302415868 ||") for line in CT01_TABLE]
    fields = extract([_page(lines)], load_templates()).fields
    assert (fields["tv1_gioi_tinh"].value, fields["tv1_gioi_tinh"].needs_review, fields["tv1_gioi_tinh"].reason) == (
        "", True, "empty")
    assert (fields["tv1_quan_he"].needs_review, fields["tv1_quan_he"].reason) == (True, "empty")
    assert not fields["tv3_gioi_tinh"].value and not fields["tv3_gioi_tinh"].needs_review  # no third member
