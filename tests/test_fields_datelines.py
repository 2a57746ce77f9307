"""A dateline whose ``ngày`` lost or changed its first letter (``hgày``): the words after it tell."""

from __future__ import annotations

from datetime import date

import pytest

from fields import extract, load_templates
from fields.dates import parse_date
from tests.test_fields_units import DECISION, _page


@pytest.mark.parametrize(("text", "expected"), [
    ("Nghĩa Đô, hgày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Nghĩa Đô, gày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Hà Nội, ngày 5 tháng 3 năm 2024", date(2024, 3, 5)),
    ("Hà Nội, hgày 5 năm 2024", None),                  # no month: no date
])
def test_dateline_with_its_first_letter_misread(text: str, expected: date | None) -> None:
    got = parse_date(text)
    assert (got[0] if got else None) == expected


def test_decision_dated_through_a_misread_ngay() -> None:
    lines = [line.replace("ngày 2O tháng 8", "hgày 20 tháng 8") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["issued"] == "2025-08-20"
