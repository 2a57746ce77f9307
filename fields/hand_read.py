"""A handwritten value read several ways, and the readings put to the vote.

Tesseract reads a hand one way on the page and another way when the value's line is read alone,
straightened (the hand's slant undone, :func:`fields.handwriting.deslant`) or enlarged: each reading
misreads other letters. Each reading is checked as the field's type checks a value (a real date, a
CCCD number that agrees with the form, a listed ethnic group …); the value most readings agree on
wins, ties going to the line read alone, the surest single reading. When no two readings agree,
their words are put together word by word (:func:`word_vote`), and that is shown when its type
checks it (tuning seeds 186 and 200: 5 more of 1,140 values right).

Measured on the generator's handwriting (tuning seed 186, 458 one-line handwritten values,
2026-12-07): the page's reading alone gave 274 values right, the vote 350. When all four readings
are valid and agree (171 values), 170 were right; the vote of fewer readings is right far less often
(3 of 4: 59/64, 2: 76/84). So only a value all four readings agree on, checked by its type, is taken
without asking the clerk (:data:`AGREED`), or a listed value no reading contradicts
(:data:`CLOSED_AGREED`), and never one that holds figures; every other handwritten value is still
flagged ``handwritten`` ("viết tay — cần nhập lại"), now with the vote's value for the clerk to
confirm. On every handwritten value of
tuning seeds 186 and 200 (1,140), exact went from 0.33 (the page's reading, unchecked) to 0.68, with
70 % still asked (it was all).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from configs.form_schema import FieldSpec
from fields.model import Box, FieldValue
from fields.datelines import date_shape
from fields.hand_case import hand_case
from fields.text import Token
from fields.values import RawValue, clean_digits, clean_value

if TYPE_CHECKING:
    from fields.handwriting import HandwritingCheck
    from fields.reread import Reread
    from ocr.model import PageText

HandReads = Callable[[int, Sequence[Token]], list[list[Token]]]
"""(page index, value tokens) → the value's words read again: alone, straightened, enlarged."""
DECIDING = 4
"""The readings that decide whether a value is taken: the page's, the line alone, straightened, and
straightened and enlarged twice. Two more (enlarged 1.5 times, straightened and not) only help the
vote choose the value to show (tuning seeds 186 and 200: 752 → 773 of 1,140 handwritten values right)."""
AGREED = 4
"""Valid readings among the deciding ones that must agree before a handwritten value is taken
without review: all of them."""
CLOSED_AGREED = 2
"""… for a value from a closed list (an ethnic group, a nationality, a province, a form's choices):
two readings that agree, with no valid reading saying otherwise. A misreading rarely lands on another
listed name: on tuning seeds 186 and 200 (2026-12-07), 105 such values had no valid dissent and every
one was right, 22 of them read validly once only."""
MARGIN = 0.004
"""Room kept around the value's box when its line is read again (of the page's width and height)."""


def taken(readings: Sequence[tuple[bool, str]], *, closed: bool) -> Vote | None:
    """The vote of all ``readings`` when the :data:`DECIDING` first ones agree enough to take it
    without asking the clerk (:data:`AGREED`, :data:`CLOSED_AGREED`), else None."""
    won, sure = vote(readings), vote(readings[:DECIDING])
    if won is None or sure is None or sure.value != won.value:
        return None
    if closed:
        return won if sure.agree >= CLOSED_AGREED and sure.agree == sure.valid else None
    return won if sure.agree >= AGREED and sure.agree == len(readings[:DECIDING]) == DECIDING else None


@dataclass(frozen=True)
class Vote:
    """The value the readings agree on most, how many agree, and how many readings were valid."""

    value: str
    agree: int
    valid: int


def vote(readings: Sequence[tuple[bool, str]]) -> Vote | None:
    """The winner among the valid readings (``(valid, value written back by its type)``), in the order
    given when votes tie; None when no reading is valid."""
    counts = Counter(value for ok, value in readings if ok and value)
    if not counts:
        return None
    value, agree = counts.most_common(1)[0]  # ties: the first reading given (Counter keeps order)
    return Vote(value, agree, sum(counts.values()))


HANDWRITTEN_CONFIDENCE = 0.3
"""A handwritten value's confidence when it is asked about: Tesseract's reading of a hand is a guess."""
HAND_AGREED_CONFIDENCE = 0.85
"""A handwritten value the readings agree on enough (:func:`taken`), checked by its type."""
HAND_NAME_WORDS = 3
"""A handwritten full name read shorter than this is asked about even when the readings agree: every
reading takes the same box, so a word the page's reading lost is lost in all (``Huỳnh Hồng`` for
``Huỳnh Hồng Giang``, tuning seed 200)."""
Check = Callable[[str], tuple[bool, "str | None", str]]
"""A value's text → (valid, reason, the value written as its type writes it): the field's checks."""


def _letters_only(spec: FieldSpec, value: str) -> bool:
    """May an agreed handwritten value be taken? Not when it holds figures: a hand's figure is misread
    the same way in every reading (``24/05`` agreed for ``24/06``; held-out seed 9009: 5 of 6 values
    taken wrong were dates and house numbers), so a handwritten date, number or ID is always asked
    about, and a form dated by its handwritten date stays dated doubtfully. Nor is a full name of
    fewer than :data:`HAND_NAME_WORDS` syllables taken."""
    if any(char.isdigit() for char in value):
        return False
    return spec.type != "name" or len(value.split()) >= HAND_NAME_WORDS


def choice_head(text: str, choices: Sequence[str]) -> str | None:
    """The listed choice a reading begins with when what follows is another cell's text read on (a
    figure or a capital: ``Con 10 năm 2g 9``, ``Nữ An Hải Bắc``, ``Nam Nam``), the longest such; None
    when none does, or when a small word follows (``Con dầu``: a longer choice misread, not junk)."""
    words = text.split()
    heads = [c for c in choices if len(words) > (n := len(c.split())) and " ".join(words[:n]).lower() == c.lower()
             and (words[n][:1].isdigit() or words[n][:1].isupper())]
    return max(heads, key=lambda c: len(c.split()), default=None)


_GUESSED = ("ocr_digits_guessed",)
"""Reasons a reading was put right by its type: a look-alike letter read for a figure (``2g23`` →
``2023``). For a handwritten value, a valid reading to vote with; nothing with figures is taken
unasked (:func:`_letters_only`), so it is shown for the clerk to confirm. (A unit's name put right,
``admin_unit_one_off``, is not: on tuning seed 186 an agency that lost its first word to the box,
``bạn nhân dân phường …``, was then agreed and taken.)"""


def _checked(spec: FieldSpec, check: Check, text: str) -> tuple[bool, str | None, str]:
    """A reading checked by its type: a form's choice followed by a neighbour's text, as that choice
    (:func:`choice_head`); a reading its type put right (:data:`_GUESSED`), valid."""
    if not text:
        return False, None, ""
    got = check(text)
    head = choice_head(text, spec.choices) if spec.choices and not got[0] else None
    got = check(head) if head else got
    return (True, None, got[2]) if got[1] in _GUESSED else got


def hand_value(spec: FieldSpec, raw: RawValue, check: Check, hand_reads: HandReads | None, *, closed: bool,
               threshold: float, where: tuple[int | None, Box | None]) -> FieldValue:
    """A handwritten value: the vote of its readings (the line read alone first, then the page's),
    each cleaned as the page's reading is and written back as its type writes it (``04/02/1978``,
    ``Nữ``). Flagged ``handwritten`` unless the readings agree enough (:func:`taken`); ``closed``: the
    field's values come from a closed list."""
    again = hand_reads(raw.tokens[0].page, raw.tokens) if hand_reads is not None else []
    digits = spec.type == "cccd" or spec.where == "boxed-digits"
    cleaned = [(clean_digits if digits else clean_value)(words, spec.prefixes) for words in again]
    texts = [got.text if got else "" for got in cleaned]
    texts = [hand_case(spec, text) for text in (*texts[:1], raw.text, *texts[1:])]
    texts = [date_shape(text) for text in texts] if spec.where == "dateline" else texts
    readings = [(ok, value) for ok, _, value in (_checked(spec, check, text) for text in texts)]
    sure = taken(readings, closed=closed)
    won = sure or vote(readings)
    pieced = word_vote(texts) if won is None or won.agree < 2 else None
    if pieced is not None and (joined := check(pieced))[0]:
        won = Vote(joined[2], 1, 1)  # no reading agrees with another: their words, put together
    if sure and _letters_only(spec, sure.value) and HAND_AGREED_CONFIDENCE >= threshold:
        return FieldValue(sure.value, HAND_AGREED_CONFIDENCE, False, None, *where)
    return FieldValue(won.value if won else hand_case(spec, raw.text), min(raw.confidence, HANDWRITTEN_CONFIDENCE),
                      True, "handwritten", *where)


def hand_reader(pages: Sequence[PageText], check: HandwritingCheck, reread: Reread) -> HandReads:
    """:data:`HandReads` over a document's pages: each line of a value is read alone, then straightened
    by the value's slant, then straightened and enlarged twice, then 1.5 times straightened and not
    (Tesseract's one-line mode each time); a way's reading is its lines' readings joined."""

    def box_of(page: PageText, words: Sequence[Token]) -> tuple[float, float, float, float]:
        w, h = max(page.width, 1), max(page.height, 1)
        return (max(0.0, min(t.bbox.left for t in words) / w - MARGIN),
                max(0.0, min(t.bbox.top for t in words) / h - MARGIN),
                min(1.0, max(t.bbox.right for t in words) / w + MARGIN),
                min(1.0, max(t.bbox.bottom for t in words) / h + MARGIN))

    def reads(page_index: int, tokens: Sequence[Token]) -> list[list[Token]]:
        words = [t for t in tokens if t.page == page_index]
        if not words or len(words) != len(tokens):
            return []  # a value over two pages is not read again
        page = pages[page_index]
        lines: dict[int, list[Token]] = {}
        for word in words:
            lines.setdefault(word.line, []).append(word)
        shear = check.lean(page_index, words) or 0.0
        ways = (({}, {"shear": shear}, {"shear": shear, "scale": 2.0}, {"shear": shear, "scale": 1.5}, {"scale": 1.5})
                if shear else ({}, {"scale": 2.0}))
        return [[replace(t, page=page_index, line=n)
                 for n, line in enumerate(lines.values())
                 for read in reread(page.source_page, box_of(page, line), psm=7, whiten=False, **way)
                 for t in read]
                for way in ways]

    return reads


def word_vote(texts: Sequence[str]) -> str | None:
    """The readings put together word by word: among the readings of the most common number of words,
    each word is the one most of them read there (ties: the first reading's). None when fewer than
    three readings have that many words."""
    split = [t.split() for t in texts if t.strip()]
    if not split:
        return None
    size = Counter(len(words) for words in split).most_common(1)[0][0]
    same = [words for words in split if len(words) == size]
    if len(same) < 3:
        return None
    return " ".join(Counter(words[i] for words in same).most_common(1)[0][0] for i in range(size))
