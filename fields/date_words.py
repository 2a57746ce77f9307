"""Dates written in words (``Ngày hai mươi tư tháng năm năm hai nghìn không trăm hai mươi ba``).

The vocabulary of a worded date is closed, so a misread diacritic (``trắm``, ``nặm``, ``ñghìn``) can
be put right when exactly one number word has the same letters; the date it spells must then agree
with the date written in figures on the same form, or the value goes to review.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from itertools import product

from fields.text import collapse, fold, one_off

DIGITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
          "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
OTHER = ("mười", "mươi", "trăm", "nghìn", "ngàn", "linh", "lẻ", "ngày", "tháng")
VOCABULARY = frozenset(DIGITS) | frozenset(OTHER)
_BY_FOLD: dict[str, set[str]] = {}
for _word in VOCABULARY:
    _BY_FOLD.setdefault(fold(_word), set()).add(_word)


def correct_words(text: str) -> tuple[str, bool, bool]:
    """Put each word of a worded date into the vocabulary where its letters leave one choice (or, for a
    word of no number, one letter off one: ``khôn`` → ``không``; the date is checked against its figures).

    Args:
        text: The value as read, e.g. ``"Ngày ba tháng chín năm hai nghìn không trắm hai mươi ba"``.

    Returns:
        ``(text, corrected, all_known)``: the corrected text (first word capitalised as read), whether
        a word was changed, and whether every word is now a number word.
    """
    out, corrected, known = [], False, True
    for i, word in enumerate(_words(text)):
        lower = word.lower()
        if lower not in VOCABULARY:
            can_be = choices(word, longer_than=2)
            if len(can_be) == 1:
                lower, corrected = next(iter(can_be)), True
            else:
                known = False
        out.append(lower.capitalize() if i == 0 and word[:1].isupper() else lower if lower in VOCABULARY
                   else word)
    return " ".join(out), corrected, known


def _words(text: str) -> list[str]:
    """A worded date's words; ``nghìn.không``, ``mươi-tư``: a speck read as a stop or a dash between two."""
    return collapse(re.sub(r"[.\-–]", " ", text)).split()


def choices(word: str, *, longer_than: int = 1) -> set[str]:
    """The number words ``word`` may stand for: itself when it is one; else those with its letters,
    else those one letter off, both longer than ``longer_than`` letters (``nột``: một; ``bai``: ba,
    hai, bảy or bẩy); the date in figures chooses."""
    lower = word.lower()
    if lower in VOCABULARY:
        return {lower}
    folded = fold(word)
    return set(_BY_FOLD.get(folded) or {w for f, ws in _BY_FOLD.items() if min(len(f), len(folded)) > longer_than
                                        and one_off(folded, f) for w in ws})


_MAX_READINGS = 64


def reading_of(text: str, want: date) -> str | None:
    """The worded date ``text`` spells ``want`` when each word not in the vocabulary is read as one of
    the number words it may stand for (:func:`choices`): the one such reading, first word capitalised;
    None when none or several do, or there are too many to try. The date in figures on the same form
    chooses between the words a misread one may be (``mười nột``: một; ``hai mươi bai``: ba)."""
    words = _words(text)
    options = [sorted(choices(w)) for w in words]
    count = 1
    for option in options:
        count *= len(option)
    if not words or not count or count > _MAX_READINGS:
        return None
    found = [pick for pick in product(*options) if parse_date_words(" ".join(pick)) == want]
    # spellings of one number (``mười một`` / ``mười mốt``): the one whose marks the words read have
    cost = {pick: sum(_distance(w, c) for w, c in zip(words, pick, strict=True)) for pick in found}
    best = [pick for pick in found if cost[pick] == min(cost.values())]
    if len(best) != 1:
        return None
    reading = " ".join(best[0])
    return reading[:1].upper() + reading[1:] if words[0][:1].isupper() else reading


def _distance(read: str, word: str) -> int:
    """0 when a number word is the word read, 1 when only letters differ (its marks the same), else 2."""
    if read.lower() == word:
        return 0
    marks = [unicodedata.normalize("NFD", x.lower()) for x in (read, word)]
    return 1 if [c for c in marks[0] if unicodedata.combining(c)] == [c for c in marks[1] if unicodedata.combining(c)] \
        else 2


def words_to_number(words: list[str]) -> int | None:
    """``["hai", "mươi", "tư"]`` → 24; None when the words do not spell a number."""
    total = part = current = 0
    seen = False
    for word in words:
        if word in DIGITS:
            current, seen = DIGITS[word], True
        elif word == "mươi":
            part, current = part + current * 10, 0
        elif word == "mười":
            part, seen = part + 10, True
        elif word == "trăm":
            part, current = part + current * 100, 0
        elif word in ("nghìn", "ngàn"):
            total, part, current = total + (part + current) * 1000, 0, 0
        elif word not in ("linh", "lẻ"):
            return None
    return total + part + current if seen else None


def parse_date_words(text: str) -> date | None:
    """The date spelt by ``Ngày … tháng … năm …``, or None.

    Args:
        text: A worded date in the vocabulary (see :func:`correct_words`).

    Returns:
        The date, or None when it is not a well-formed worded date of a real day.
    """
    words = [w.lower() for w in collapse(text).split()]
    if len(words) < 6 or words[0] != "ngày" or "tháng" not in words:
        return None
    month_at = words.index("tháng")
    rest = words[month_at + 1:]
    year_at = next((i for i in range(1, len(rest)) if rest[i] == "năm"), None)
    if year_at is None:
        return None
    day, month, year = (words_to_number(words[1:month_at]), words_to_number(rest[:year_at]),
                        words_to_number(rest[year_at + 1:]))
    if day is None or month is None or year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
