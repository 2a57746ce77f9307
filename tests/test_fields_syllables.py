"""A word that is no Vietnamese syllable, put right only when one mark-level change leaves one syllable."""

from __future__ import annotations

import pytest

from fields.syllables import mend_syllables, mend_word


@pytest.mark.parametrize(("word", "expected"), [
    ("Ñgô", "Ngô"), ("Đằñg", "Đằng"),           # a tilde no Vietnamese consonant has
    ("đườnäg", "đường"),                          # a marked speck that is no letter of the syllable
    ("Đạơ", "Đạo"), ("Nguyẽn", "Nguyễn"),        # the wrong vowel of a family: one gives a syllable
    ("NGUYẼN", "NGUYỄN"),                         # in the word's case
    ("Hùng", "Hùng"), ("Ngõ", "Ngõ"),             # syllables already
    ("Nhmnz", "Nhmnz"), ("Thanhh", "Thanhh"),     # letters wrong, not marks: left for a clerk
    ("Nguy¿n", "Nguy¿n"), ("H3", "H3"),           # a symbol or a figure: not a letter to mend
    ("NGUYIšN", "NGUYIšN"),                       # taking the mark off leaves no syllable
    ("KĐT", "KĐT"), ("UBND", "UBND"), ("COFFEE", "COFFEE"),   # abbreviations and foreign words
    ("Khoé", "Khoé"),
    ("HồAnh", "HồAnh"),                           # two words glued: ``Hòanh`` would be a syllable, and wrong
])
def test_mend_word(word: str, expected: str) -> None:
    assert mend_word(word) == expected


def test_several_syllables_one_change_away_leave_the_word() -> None:
    assert mend_word("Ngăy") == "Ngăy"  # ``Ngay`` or ``Ngây``: only the paper tells
    assert mend_word("Hôa") == "Hoa"     # ``Hơa`` is no syllable: one choice


def test_mend_syllables_keeps_figures_and_punctuation() -> None:
    assert mend_syllables("Số 20/39 Bạch Đằñg, Phường Hòa Cường") == "Số 20/39 Bạch Đằng, Phường Hòa Cường"
