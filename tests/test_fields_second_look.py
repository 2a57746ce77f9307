"""Figures read unsurely are read again from their own box, with the real Tesseract (fields.second_look)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from fields import load_templates
from fields.model import FieldValue
from fields.reread import seal_free_reader
from fields.second_look import REASON, second_look
from fields.text import Token, fold
from fields.validators import check_phone
from fields.values import RawValue
from ocr.model import BBox, PageText
from tests.test_fields_numbers_again import figures_page

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
PHONE = "0357711428"
PAGE = PageText(1, 1654, 2339, 200)


@pytest.fixture(scope="module")
def phone_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BBox]:
    """A page with a phone number, and the box its figures cover."""
    return figures_page(tmp_path_factory.mktemp("second"), PHONE, FONT, 34)


def _look(path: Path, box: BBox, read: str, confidence: float, *, by_hand: bool = False) -> FieldValue:
    ct01 = next(t for t in load_templates() if t.form_type == "ct01")
    raws = {"dien_thoai": RawValue(read, confidence, tokens=(Token(read, fold(read), box, confidence, 0, 0),))}
    values = {"dien_thoai": FieldValue(read, 0.85, False, None, 1, None)}
    reread = seal_free_reader({1: path}, {1: PAGE})
    return second_look(ct01, raws, values, [PAGE], reread, lambda key: check_phone, lambda raw: by_hand)["dien_thoai"]


def test_a_figure_misread_into_another_is_read_otherwise_again_and_goes_to_review(phone_page) -> None:
    path, box = phone_page
    got = _look(path, box, "0357741428", 0.62)   # a 1 read as a 4: a valid number, lifted to 0.85
    assert (got.value, got.needs_review, got.reason) == (PHONE, True, REASON)   # two readings agree on it
    assert got.confidence < 0.75


def test_a_value_read_the_same_again_or_read_surely_or_by_hand_stands(phone_page) -> None:
    path, box = phone_page
    same = _look(path, box, PHONE, 0.62)
    assert (same.value, same.needs_review, same.reason) == (PHONE, False, None)
    for got in (_look(path, box, "0357741428", 0.96), _look(path, box, "0357741428", 0.62, by_hand=True)):
        assert (got.value, got.needs_review) == ("0357741428", False)   # not read again


def test_readings_that_are_no_valid_value_are_no_evidence(tmp_path: Path) -> None:
    blank = tmp_path / "page-0001.png"
    Image.new("L", (1654, 2339), 255).save(blank, dpi=(200, 200))   # nothing to read in the box
    got = _look(blank, BBox(600, 750, 200, 30), "0357741428", 0.62)
    assert (got.value, got.needs_review) == ("0357741428", False)
