"""The form's own date line (``Vinh, ngày 17 tháng 3 năm 2024``), told from the lines of values.

A line holding ``ngày … tháng … năm …`` with figures is the form's date line: no value above runs on
into it, and a label matched loosely on it is its place read as a label, not a field's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from fields.labels import Match
from fields.text import Token, fold, one_off

DATELINE = re.compile(r"ngay\W*([0-9a-z]{1,2})\W*thang\W*([0-9a-z]{1,2})\W*nam\W*([0-9a-z]{2,5})")


_DATE_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}


def _has_digit(token: Token | None) -> bool:
    return token is not None and any(c.isdigit() for c in token.text)


def date_words_mended(line: Sequence[Token]) -> list[Token]:
    """The line with a printed date word misread by one letter put back (``táng`` → ``tháng``, ``hăm`` →
    ``năm``) where figures stand on its sides (``ngày``: after it): the form's printed words, not a
    value (``Việt Nam`` stays)."""
    out = list(line)
    for i, token in enumerate(line):
        before, after = line[i - 1] if i else None, line[i + 1] if i + 1 < len(line) else None
        for folded, word in _DATE_WORDS.items():
            if token.folded == folded or not one_off(folded, token.folded) or not _has_digit(after):
                continue
            if word != "ngày" and not _has_digit(before):
                continue
            out[i] = replace(token, text=word, folded=folded)
    return out


def is_dateline(line: Sequence[Token]) -> bool:
    """``…, ngày 05 tháng 3 năm 2024``: the form's date line, never the end of a value above it."""
    line = date_words_mended(line)
    match = DATELINE.search("".join(t.folded for t in line))
    return bool(match) and any(c.isdigit() for c in "".join(match.groups()))


def drop_on_dateline(lines: Sequence[Sequence[Token]], matches: list[list[Match]]) -> None:
    """Drop the labels matched loosely on a date line that end at its ``ngày``: the place before it
    read as a label (``Vinh, ngày`` as ``Sinh ngày``, which took the form's date for the birth date).
    A label read whole is kept (a birth date typed ``Sinh ngày: ngày 05 tháng 3 năm 1990``)."""
    for index, line in enumerate(lines):
        if not matches[index] or not is_dateline(line):
            continue
        mended = date_words_mended(line)
        matches[index] = [m for m in matches[index]
                          if m.score >= 1.0 or mended[m.end - 1].folded != "ngay" or not _has_digit(
                              mended[m.end] if m.end < len(mended) else None)]


_CITED = re.compile(r"\d\s*/|/\s*\d")


def cites(before: str) -> bool:
    """True when the text before a line's ``ngày`` names a numbered text (``số 01/2021/TT-BKHĐT ngày
    16 tháng 3 …``: a circular's date, not the form's); a slash a speck made in the place's name
    (``Làm tại: /ạC Thành, ngày …``) cites nothing."""
    return bool(_CITED.search(before))


_NOT_THE_FORMS = frozenset({"sinh", "cap", "hieu", "luc"})
"""Words on a line whose date is another's: a birth date, an ID card's issue date, a law's effect."""


_DATE_WORD_GAP = 5
"""Tokens from one date word to the next at most: ``ngày 23 th áng 9g năm``, its middle word garbled."""


def _near(folded: str, word: str) -> bool:
    """``folded`` is ``word`` or, three letters or more, one letter off it."""
    return folded == word or len(folded) >= 3 and one_off(word, folded)


def _date_word(folded: str) -> bool:
    """``ngày`` or ``tháng`` one letter off at most, ``năm`` exactly (``làm`` is one off it)."""
    return folded == "nam" or _near(folded, "ngay") or _near(folded, "thang")


def loose_dateline(lines: Sequence[Sequence[Token]]) -> list[Token] | None:
    """The form's date line when no line reads ``ngày … tháng … năm …`` whole: the last line with two
    of those printed words (:func:`_date_word`) at most :data:`_DATE_WORD_GAP` tokens apart, a figure
    between the first two, nothing cited before them (:func:`cites`), no ``sinh`` nor ``cấp``. A hand's
    figures written close to the printed words garble them on the page (``ngày 25 nắng 01 năm 2023``,
    ``ngày 07 tháng 092 năm 2024``). Its tokens from ``ngày``, or from after the place's comma: a value
    read again and checked as a date."""
    for line in reversed(lines):
        words = [t.folded for t in line]
        found = [i for i, w in enumerate(words) if _date_word(w)]
        day = next((i for i in found if _near(words[i], "ngay")), None)
        found = [i for i in found if day is None or i >= day]  # ``Thành, ngày …``: a place is no month
        if len(found) < 2 or _NOT_THE_FORMS & set(words) or not any(_has_digit(t) for t in line[found[0]:found[1]]):
            continue
        if any(b - a > _DATE_WORD_GAP for a, b in zip(found, found[1:])):
            continue  # ``ngày 77 kim Mã, phường …, Thằnh phố``: words far apart are no date
        if cites(" ".join(t.text for t in line[:found[0]])):
            continue
        if day is not None:
            return list(line[day:])
        commas = [i for i in range(found[0]) if line[i].text.endswith((",", "."))]
        return list(line[commas[-1] + 1 if commas else max(0, found[0] - 2):])
    return None


_SHAPED = re.compile(r"(?P<day>\d{1,2})[.,]?\s+(?P<word>\S{1,8}(?:\s\S{1,4})?)\s+(?P<month>\d{1,2})[.,]?\s+"
                     r"(?P<year_word>\S{2,4})\s+(?P<year>\S*\d\S*\d\S*)\s*$")


def date_shape(text: str) -> str:
    """A reading of a form's date line in the shape its printed words give (``… ngày D tháng M năm Y``)
    when the figures stand where they go and a printed word between them was garbled by the hand's
    figures beside it: ``ngày 25 nắng 01 năm 2023``, ``ngày 11 thán9 02 năm 2o23``, ``9àý 27 tháng 01
    năm 2026`` → ``ngày 25 tháng 01 năm 2023`` …; the year's look-alikes are left to the date's check.
    Any other text as it is."""
    shaped = _SHAPED.search(text)
    if shaped is None or not (fold(shaped["year_word"]) == "nam" or one_off("nam", fold(shaped["year_word"]))):
        return text
    return f"ngày {shaped['day']} tháng {shaped['month']} năm {shaped['year']}"
