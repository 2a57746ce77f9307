"""A dateline whose ``ngày`` lost or changed a letter (``hgày``, ``nöày``): the words after it tell."""

from __future__ import annotations

from datetime import date

import pytest

from fields import extract, load_templates
from fields.dates import parse_date
from tests.test_fields_units import DECISION, _page


@pytest.mark.parametrize(("text", "expected"), [
    ("Nghĩa Đô, hgày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Nghĩa Đô, gày 26 tháng 7 năm 2022", date(2022, 7, 26)),
    ("Quan Hoa, nöày 06 tháng 12 năm 2023", date(2023, 12, 6)),     # a letter inside changed
    ("Quan Hoa, ngy 06 tháng 12 năm 2023", date(2023, 12, 6)),      # … or lost
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


def test_signer_name_with_a_speck_after_it() -> None:
    lines = [line.replace("|| Nguyễn Văn Bình", "|| Nguyễn Văn Bình-") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["signer"] == "Nguyễn Văn Bình" and "signer" not in decision.reasons


@pytest.mark.parametrize(("name", "cut"), [
    ("Lê Thị", True), ("Trần Văn", True), ("Lê Thị Uyên", False), ("Nguyễn Thị Văn", False), ("Lê Uyên", False),
])
def test_a_name_that_stops_at_its_middle_name_is_doubted(name: str, cut: bool) -> None:
    from fields.names import ends_at_middle

    assert ends_at_middle(name) is cut
    lines = [line.replace("|| Nguyễn Văn Bình", f"|| {name}") for line in DECISION]
    decision = extract([_page(lines, source_page=1)], load_templates()).documents[0]
    assert decision.elements["signer"] == name and (decision.reasons.get("signer") == "low_confidence") is cut


def test_a_form_name_that_stops_at_its_middle_name_is_flagged() -> None:
    from tests.test_fields import KHAI_SINH_OCR, _replace
    from tests.test_fields import _page as _form_page

    lines = _replace(KHAI_SINH_OCR, "Họ, chữ đệm, tên: Vũ", "Họ, chữ đệm, tên: Vũ Thị ...........")
    got = extract([_form_page(lines)], load_templates()).fields["ho_ten"]
    assert (got.value, got.needs_review, got.reason) == ("Vũ Thị", True, "invalid_name")
