"""Dates checked against the form they are on: no later than its own date, a worded date the same
day as in figures, a birth date a CCCD number is checked against."""

from __future__ import annotations

from datetime import date

from configs.form_schema import FieldSpec
from fields import validators as v
from fields.date_words import correct_words, parse_date_words, reading_of
from fields.dates import format_date, parse_date, repair_date, slash_read_as_seven
from fields.values import RawValue, text_of

Raws = dict[str, RawValue | None | bool]


def check_date_words(spec: FieldSpec, value: str, raws: Raws) -> tuple[bool, str | None, str]:
    """A worded date: number words only (misread diacritics put back) and the same day as in figures."""
    text, _, known = correct_words(value)
    spelt = parse_date_words(text) if known else None
    figures = text_of(raws, spec.date_field)
    ok, _, normal = v.check_date(figures) if figures is not None else (False, None, "")
    if ok and (spelt is None or normal != spelt.strftime("%d/%m/%Y")):
        # a word misread into several number words, or into the wrong one: the reading the date in
        # figures agrees with, if exactly one does (each figure then vouched for twice)
        reading = reading_of(value, parse_date(normal, whole=True)[0])  # type: ignore[index]
        if reading is not None:
            return True, None, reading
    if spelt is None:
        return False, "invalid_date_words", value
    if figures is not None and (not ok or normal != spelt.strftime("%d/%m/%Y")):
        return False, "date_words_mismatch", text
    return True, None, text


def check_form_date(value: str, *, latest: date) -> tuple[bool, str | None, str]:
    """:func:`fields.validators.check_date`, no later than ``latest`` (the form's own date: nothing on
    it happens later); when it fails, the one real date the value stands for if some of its 0s were
    read as 6, 8 or 9 (``94/61/2922``, ``21/12/2091`` on a form of 2024): kept, sent to a clerk to confirm."""
    ok, reason, normal = v.check_date(value)
    if ok and parse_date(normal, whole=True)[0] > latest:  # type: ignore[index]
        ok, reason = False, "invalid_date"
    if not ok:
        repaired = repair_date(value, whole=True, latest=latest) or slash_read_as_seven(value, whole=True, latest=latest)
        if repaired is not None:
            return False, "ocr_digits_guessed", format_date(repaired)
    return ok, reason, normal


def birth_date(raws: Raws, key: str | None, on: date | None) -> str | None:
    """The birth date a CCCD number is checked against: as read, or the real date a reading that is
    none stands for (``12/04/2061`` on a form of 2024 → ``12/04/2001``: the number's ``61`` is no
    agreement)."""
    text = text_of(raws, key)
    if text is None or len(text) < 8:
        return text  # a year of birth, or nothing
    ok, reason, normal = check_form_date(text, latest=on or date.today())
    return normal if not ok and reason == "ocr_digits_guessed" else text
