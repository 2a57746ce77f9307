"""Tests of the repairs that put a misread value right only when one reading fits: 0s read as 6, 8 or 9
in dates (kept, flagged ``ocr_digits_guessed``), name syllables with one listed name for their letters,
and the seal's ink read before a signer's name."""

from __future__ import annotations

from datetime import date

import pytest

from fields import extract, load_templates
from fields.dates import repair_date
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
])
def test_zero_read_as_six_eight_or_nine(text: str, expected: date | None) -> None:
    assert repair_date(text, latest=date(2026, 1, 1)) == expected


def test_repair_keeps_to_the_latest_date() -> None:
    assert repair_date("10/10/2624", latest=date(2026, 1, 1)) == date(2024, 10, 10)
    assert repair_date("10/10/2624", latest=date(2023, 1, 1)) is None      # 2024 is later than allowed


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
