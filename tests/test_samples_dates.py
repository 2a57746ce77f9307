"""The generator's dates agree with the form's own date: nothing on a form happens after it is signed."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sample_docs._values import FORM_TYPES, random_values


def _day(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%d/%m/%Y").date()


@pytest.mark.parametrize("form", FORM_TYPES)
def test_no_birth_after_the_form_over_many_seeds(form: str) -> None:
    for seed in range(300):
        fields = random_values(form, random.Random(seed))
        signed = _day(fields["ngay_lap"])
        for key, value in fields.items():
            if key.endswith("ngay_sinh"):
                assert _day(value) <= signed, (seed, key, value, fields["ngay_lap"])


def test_a_member_moved_before_the_form_keeps_a_matching_cccd() -> None:
    moved = 0
    for seed in range(300):
        fields = random_values("ct01", random.Random(seed))
        for i in (1, 2, 3):
            born, number = _day(fields[f"tv{i}_ngay_sinh"]), fields[f"tv{i}_so_cccd"]
            assert number[4:6] == f"{born.year % 100:02d}"
            assert int(number[3]) == (0 if born.year < 2000 else 2) + (fields[f"tv{i}_gioi_tinh"] == "Nữ")
            moved += born.year < 2000 and number[3] in "01" and _day(fields["ngay_lap"]).year < 2021
    assert moved  # the range of seeds reaches early forms
