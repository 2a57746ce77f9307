"""A handwritten value read several ways and put to the vote (``fields.hand_read``)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from fields import load_templates
from fields.extract import extract_with
from fields.hand_read import Vote, taken, vote, word_vote
from fields.handwriting import _binary, deslant, slant
from fields.text import Token, fold
from ocr.model import BBox
from tests.test_fields_units import FORM, _page


def test_the_vote_takes_the_most_agreed_valid_reading() -> None:
    assert vote([(False, "Nũ"), (True, "Nữ"), (True, "Nam"), (True, "Nữ")]) == Vote("Nữ", 2, 3)
    assert vote([(True, "Nam"), (True, "Nữ")]) == Vote("Nam", 1, 2)  # a tie: the first reading given
    assert vote([(False, "W#"), (True, "")]) is None  # nothing valid to go on


def test_only_the_deciding_readings_decide_whether_a_value_is_taken() -> None:
    """The page's and the first three readings again decide; the further two only help choose."""
    four = [(True, "05/03/1986")] * 4
    assert taken([*four, (True, "05/08/1986"), (False, "")], closed=False) == Vote("05/03/1986", 4, 5)
    assert taken([*four[:3], (False, "0S/03"), (True, "05/03/1986"), (True, "05/03/1986")], closed=False) is None
    assert taken(four[:3], closed=False) is None  # no image to read again: never all four
    assert taken([(True, "Nữ"), (False, "W#"), (True, "Nữ"), (False, "N")], closed=True) == Vote("Nữ", 2, 2)
    assert taken([(True, "Nữ"), (True, "Nam"), (True, "Nữ"), (False, "N")], closed=True) is None
    assert taken([(True, "Nữ"), (False, "W#"), (False, "N"), (False, "")], closed=True) is None  # once only


def test_readings_no_two_of_which_agree_are_pieced_together_word_by_word() -> None:
    readings = ["Số 98, ngõ 28 rây Sơn, Quận Đống 2a", "Số 98, ngõ 28 Tây Sơn, Quận Đống Đa",
                "Số 9B, ngõ 28 Tây Sơn, Quận Đống Đa.", "Số 98 ngõ", "Số 98, ngõ 2B Tây Sơn, Quận Đống Đa"]
    assert word_vote(readings) == "Số 98, ngõ 28 Tây Sơn, Quận Đống Đa"  # the two-word one has no say
    assert word_vote(readings[:2] + readings[3:4]) is None  # two readings of a length: no majority to take
    assert word_vote(["", " "]) is None


def test_deslant_makes_a_leaning_hand_upright_and_keeps_its_ink() -> None:
    """Bars leaning 0.25 (x per y, as the generator's and a right-handed writer's hand do) stand
    upright after :func:`deslant` by that much; no ink is cut off."""
    image = Image.new("L", (240, 60), 255)
    draw = ImageDraw.Draw(image)
    for x in range(30, 200, 24):
        draw.line([(x + 0.25 * 25, 5), (x - 0.25 * 25, 55)], fill=0, width=4)
    crop = np.asarray(image)
    assert slant(_binary(crop)) == pytest.approx(0.25, abs=0.05)
    upright = deslant(crop, 0.25)
    assert slant(_binary(upright)) == pytest.approx(0.0, abs=0.05)
    assert (upright < 128).sum() == pytest.approx((crop < 128).sum(), rel=0.1)


def _read(line: str, again: list[str]):  # noqa: ANN202 - the extracted fields
    """CT01's fields with every value handwritten, the value of ``line`` read again as ``again``."""
    template = next(t for t in load_templates() if t.form_type == "ct01")
    label = line.split(":")[0]
    lines = [line if f.split(":")[0] == label else f for f in FORM]
    lines = lines if line in lines else [*FORM[:-2], line, *FORM[-2:]]  # a line the form lacks: before its date
    words = [[Token(w, fold(w), BBox(100 + 80 * i, 100, 70, 40), 0.9, 0, 0) for i, w in enumerate(text.split())]
             for text in again]
    return extract_with([_page(lines)], template, handwritten=lambda page, tokens: True,
                        hand_reads=lambda page, tokens: words)


@pytest.mark.parametrize(("line", "again", "key", "value", "review"), [
    # every reading agrees and the date is real: written as dates are written, and still asked about —
    # a hand's figure is misread the same way in every reading
    ("2. Ngày, tháng, năm sinh: 05.03.1986", ["05/03/1986", "05-03-1986", "5/3/1986"], "ngay_sinh",
     "05/03/1986", True),
    # one reading differs: the vote's value, for the clerk to confirm
    ("2. Ngày, tháng, năm sinh: 05.03.1986", ["05/03/1986", "05/08/1986", "05/03/1986"], "ngay_sinh",
     "05/03/1986", True),
    # one reading is no date at all: not every reading vouches for it
    ("2. Ngày, tháng, năm sinh: 05.03.1986", ["05/03/1986", "0g/0S/1g86", "05/03/1986"], "ngay_sinh",
     "05/03/1986", True),
    # a full name of three syllables, agreed: taken, in a name's case whatever the sizes of the letters
    ("1. Họ, chữ đệm và tên: Vũ Thu Uyên", ["Vũ Thu Uyên", "VŨ thu Uyên", "Vũ Thu uyên"], "ho_ten",
     "Vũ Thu Uyên", False),
    # two syllables agreed: the same box lost a word in every reading, so asked
    ("1. Họ, chữ đệm và tên: Vũ Thu", ["Vũ Thu"] * 3, "ho_ten", "Vũ Thu", True),
    # a listed choice two readings agree on, the others no choice at all: taken
    ("3. Giới tính: Nữ", ["Nữ", "W#", "N"], "gioi_tinh", "Nữ", False),
    # … but not when a reading says another choice
    ("3. Giới tính: Nữ", ["Nữ", "Nam", "Nữ"], "gioi_tinh", "Nữ", True),
    # no second reading (a page image missing): the page's reading alone is never taken
    ("1. Họ, chữ đệm và tên: Vũ Thu Uyên", [], "ho_ten", "Vũ Thu Uyên", True),
])
def test_a_handwritten_value_is_taken_only_when_every_reading_agrees(
        line: str, again: list[str], key: str, value: str, review: bool) -> None:
    got = _read(line, again)[key]
    assert (got.value, got.needs_review) == (value, review)
    assert got.reason == ("handwritten" if review else None)
    assert got.confidence <= 0.3 if review else got.confidence >= 0.75


def test_a_handwritten_form_date_every_reading_agrees_on_still_dates_the_dossier_doubtfully() -> None:
    """A hand's figure is misread the same way in every reading, so an agreed handwritten date is
    still asked about, and the dossier it dates is dated as doubtful (``handwritten``), not for sure."""
    from fields.extract import _issued

    template = next(t for t in load_templates() if t.form_type == "ct01")
    again = [[Token(w, fold(w), BBox(100 + 80 * i, 100, 70, 40), 0.9, 0, 0)
              for i, w in enumerate("Cầu Giấy, ngày 12 tháng 8 năm 2025".split())]] * 5
    got = extract_with([_page(FORM)], template, handwritten=lambda page, tokens: True,
                       hand_reads=lambda page, tokens: again)
    assert (got["ngay_lap"].value, got["ngay_lap"].reason) == ("12/08/2025", "handwritten")
    assert _issued(template, got) == ("2025-08-12", "handwritten")
