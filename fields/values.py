"""Turning the tokens found for a field into a clean value, and scoring it.

Cleaning: drop leader junk and footnote marks, strip junk glued to token ends, strip the printed
prefix (``Căn cước công dân số``), NFC, collapse whitespace. Digits read from boxed cells are cleaned
of cell rules; letters that OCR'd in place of digits (``O``, ``l``, ``I`` …) are replaced, and the
replacement is reported so the field's confidence is lowered and it goes to review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from fields.labels import label_words
from fields.text import Token, clean_token_text, collapse, is_junk, ratio
from ocr.syllables import is_syllable

_DIGIT_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "!": "1",
                     "L": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9", "q": "9"}
_CELL_RULES = set("|[](){}/\\")
_KEEP_INSIDE = {"-", "–", "@"}
_NUMBERING = re.compile(r"^\(?\d{1,2}[.),;]$")
_FAR_GAP = 3.0
"""A gap wider than this many word heights on one line ends a typed value (the rest was a leader)."""
_SPECK_CONFIDENCE = 0.5
"""Text beyond such a gap read below this mean confidence is a speck or leftover leader, not text."""
WEAK_WORD_MARGIN = 0.12
"""A value is no more confident than its weakest word plus this margin (one misread word in ten)."""


@dataclass(frozen=True)
class RawValue:
    """A cleaned value with the mean confidence of the tokens it came from."""

    text: str
    confidence: float
    substituted: bool = False
    """True when OCR look-alike letters were turned into digits."""
    tokens: tuple[Token, ...] = ()
    """The tokens the value was read from (where it is on the page)."""


def _trim_edges(tokens: list[Token]) -> list[Token]:
    """Drop junk and empty tokens at both ends; inside, keep only real text and lone dashes."""
    kept: list[Token] = []
    for token in tokens:
        glued_colon = token.text == ":" and kept and token.line == kept[-1].line and \
            token.bbox.left <= kept[-1].bbox.right + 1  # ``tại:`` split from its word, not a leader
        if token.text in _KEEP_INSIDE or glued_colon or not is_junk(token.text):
            kept.append(token)
    while kept and (kept[0].text in _KEEP_INSIDE or not clean_token_text(kept[0].text)):
        kept.pop(0)
    while kept and (kept[-1].text in _KEEP_INSIDE or kept[-1].text == ":" or not clean_token_text(kept[-1].text)):
        kept.pop()
    return kept


def _strip_prefix(tokens: list[Token], prefixes: Sequence[str]) -> list[Token]:
    for prefix in prefixes:
        words = label_words(prefix)
        target = "".join(words)
        for size in (len(words), len(words) + 1, len(words) - 1):
            if 0 < size <= len(tokens) and ratio("".join(t.folded for t in tokens[:size]), target) >= 0.8:
                return tokens[size:]
    return tokens


def drop_trailing_numbering(tokens: list[Token]) -> list[Token]:
    """Drop an item number (``4.``) printed just before the next label on the same line."""
    if tokens and _NUMBERING.match(tokens[-1].text):
        return tokens[:-1]
    return tokens


def drop_far_specks(tokens: Sequence[Token]) -> list[Token]:
    """Drop runs of tokens that lie far right of the value on its line and were read as junk.

    Dotted leaders are erased before OCR, but their leftovers (a dot, a speck at the end of the line)
    come back as one or two letters at confidence near 0, hundreds of pixels right of the value.
    """
    kept: list[Token] = []
    run: list[Token] = []
    for token in tokens:
        prev = run[-1] if run else (kept[-1] if kept else None)
        far = prev is not None and prev.line == token.line and \
            token.bbox.left - prev.bbox.right > _FAR_GAP * max(prev.bbox.height, 20)
        if far or (prev is not None and prev.line != token.line):
            kept += _unless_speck(run, first=not kept, wrapped=_wrapped(kept, run))
            run = []
        run.append(token)
    return kept + _unless_speck(run, first=not kept, wrapped=_wrapped(kept, run))


def _wrapped(kept: list[Token], run: list[Token]) -> bool:
    """True when ``run`` starts a line of its own below the value kept so far."""
    return bool(kept) and bool(run) and kept[-1].line != run[0].line


def _unless_speck(run: list[Token], *, first: bool, wrapped: bool = False) -> list[Token]:
    """The run, unless it is read too weakly after the value's first run; a value's wrapped line of
    Vietnamese syllables is kept however weakly read (``Cân`` under ``Hoàng Hoàng``: dropped, the
    name was ``Hoàng Hoàng`` at 0.95; kept, its weak word sends it to review)."""
    if first or not run:
        return run
    if wrapped and all(len(t.text) >= 2 and t.text.isalpha() and is_syllable(t.text) for t in run):
        return run
    return run if sum(t.confidence for t in run) / len(run) >= _SPECK_CONFIDENCE else []


def clean_value(tokens: Sequence[Token], prefixes: Sequence[str] = ()) -> RawValue | None:
    """The cleaned text of ``tokens``, or None when nothing but junk is left.

    Args:
        tokens: The tokens found for one field, in reading order.
        prefixes: Printed prefixes to strip from the start of the value.

    Returns:
        The value and the mean confidence of the tokens it kept.
    """
    kept = _trim_edges(_strip_prefix(_trim_edges(drop_far_specks(tokens)), prefixes))
    texts = [clean_token_text(t.text) if i in (0, len(kept) - 1)
             else _INNER_TRAILING_QUOTE.sub("", _INNER_LEADING_JUNK.sub("", t.text)) for i, t in enumerate(kept)]
    pairs = [(t, s) for t, s in zip(kept, texts, strict=True) if s]
    if not pairs:
        return None
    confidence = token_confidence([t for t, _ in pairs])
    text = _tidy(_join(pairs))
    return RawValue(text, confidence, tokens=tuple(t for t, _ in pairs)) if text else None


_INNER_LEADING_JUNK = re.compile(r"^[.\-–'`‘’]+(?=[^\W\d_])")
"""A dot, dash or quote glued to the start of a word inside a value (``-Phường``, ``.Phường``)."""
_INNER_TRAILING_QUOTE = re.compile(r"(?<=[^\W\d_])['`‘’]+$")
"""A speck read as a quote glued to the end of a word inside a value (``tạp' hóa``): Vietnamese has no
apostrophe; one inside a word (a foreign name's ``O'Brien``) is kept."""
_GLUED_FOOTNOTE = re.compile(r"^[(/|Il{\[]?\d{1,2}\)[.:]?\s*")
"""A footnote mark before the value; its bracket is often read as ``I``, ``l``, ``{`` (``I2):``)."""


def _tidy(text: str) -> str:
    """Drop a footnote mark glued to the value (``(4).Bệnh viện``), a low comma read for a comma
    (``Vinh„``) and stray quotes or stops at the end."""
    text = _GLUED_FOOTNOTE.sub("", text).replace("„", ",")
    return text.rstrip(".,;:'\"`‘’“”-–").rstrip()


def token_confidence(tokens: Sequence[Token]) -> float:
    """Mean token confidence, but no higher than the mean of its weakest line (a garbled wrap) nor
    than its weakest word plus :data:`WEAK_WORD_MARGIN`: one word misread in a long address barely
    moves the mean, and a wrong value that looks right is worse than one sent to review."""
    by_line: dict[int, list[float]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token.confidence)
    mean = sum(t.confidence for t in tokens) / len(tokens)
    weakest = min(t.confidence for t in tokens if not is_junk(t.text)) if any(
        not is_junk(t.text) for t in tokens) else mean
    return min([mean, weakest + WEAK_WORD_MARGIN] + [sum(c) / len(c) for c in by_line.values()])


def _join(pairs: list[tuple[Token, str]]) -> str:
    """Join tokens with a space, except pieces split from one word (adjacent boxes); two syllables
    that make no syllable together are two words set close (``Dịch`` ``vụ``, not ``Dịchvụ``)."""
    out = pairs[0][1]
    for (prev, before), (tok, text) in pairwise(pairs):
        glued = tok.line == prev.line and tok.bbox.left <= prev.bbox.right + 1 and not _two_words(before, text)
        out += text if glued else " " + text
    return collapse(out)


def _two_words(left: str, right: str) -> bool:
    """Two syllables making none together, or a number and a syllable (``107`` ``Lê``, ``56`` ``đường``: a
    house number's letter is one capital, ``12A``; a unit after figures is no syllable, ``100m2``)."""
    from ocr.syllables import is_syllable

    if left[-1:].isdigit():
        return len(right) > 1 and right.isalpha() and (right[0].isupper() and right[1:].islower() or right.islower()) \
            and is_syllable(right)
    return left.isalpha() and right.isalpha() and is_syllable(left) and is_syllable(right) \
        and not is_syllable(left + right)


def _digit_like(text: str) -> bool:
    """A token that can hold digits: it has one, or it is a single look-alike in a box."""
    letters = [c for c in text if c.isalnum()]
    return any(c.isdigit() for c in letters) or len(letters) == 1 and letters[0] in _DIGIT_LOOKALIKES


def clean_digits(tokens: Sequence[Token], prefixes: Sequence[str] = ()) -> RawValue | None:
    """Digits of a number read from printed boxes (``|0|1|5|…``) or typed with spaces.

    Cell rules and separators are dropped; letters that look like digits are replaced and reported.

    Args:
        tokens: The tokens found for the field.
        prefixes: Printed prefixes to strip first.

    Returns:
        The digits (``substituted`` set when a look-alike was replaced), or None if there are none.
    """
    kept = [t for t in _strip_prefix(_trim_edges(list(tokens)), prefixes) if _digit_like(t.text)]
    digits, substituted = [], False
    for token in kept:
        for char in token.text:
            if char.isdigit():
                digits.append(char)
            elif char in _DIGIT_LOOKALIKES:
                digits.append(_DIGIT_LOOKALIKES[char])
                substituted = True
            elif char not in _CELL_RULES and not char.isspace() and char not in ".,-:;_…":
                substituted = True
    if not digits:
        return None
    return RawValue("".join(digits), token_confidence(kept), substituted, tokens=tuple(kept))


def text_of(raws: dict[str, RawValue | None | bool], key: str | None) -> str | None:
    """The text read for field ``key``, None when it was not read."""
    raw = raws.get(key) if key else None
    return raw.text if isinstance(raw, RawValue) else None
