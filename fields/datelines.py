"""The form's own date line (``Vinh, ngày 17 tháng 3 năm 2024``), told from the lines of values.

A line holding ``ngày … tháng … năm …`` with figures is the form's date line: no value above runs on
into it, and a label matched loosely on it is its place read as a label, not a field's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from fields.labels import Match
from fields.text import Token, one_off

DATELINE = re.compile(r"ngay\W*([0-9a-z]{1,2})\W*thang\W*([0-9a-z]{1,2})\W*nam\W*([0-9a-z]{4})")


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
