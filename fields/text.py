"""Text helpers for matching OCR'd words: diacritic folding, leader junk, tokens with boxes.

Tesseract turns the dotted leader lines of a form into junk (``.....``, ``…``, ``,,,``, ``-.-``) that is
often glued to a label or a value (``sinh:......Nguyễn``). Words are therefore split into *tokens* at
colons and leader runs before any matching; each token keeps its share of the word's box and the word's
confidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from ocr.model import BBox, PageText, Word, nfc

GARBAGE_CONFIDENCE = 0.3
"""Text after an empty leader line read below this mean confidence is dropped as junk."""
_LEADER_RUN = set(".…_,-:;·")
_SPLIT = re.compile(r"(:|[.…_,\-;·]{2,}|…+|\|)")
_LEADING_JUNK = re.compile(r"^[.…_,\-:;·'\"`~|\[\]{}!*=+\\]+")
_TRAILING_JUNK = re.compile(r"[.…_,\-:;·'\"`~|\[\]{}!*=+\\]{2,}$|[:;|\[\]{}~`=+\\]$")
_FOOTNOTE = re.compile(r"^[(Il{\[]\d{1,2}\)[:.]?$|^\(\d{1,2}[:.]?$|^\d{1,2}\)[:.]?$|^\([Il|\d]{1,2}\)[:.]?$"
                       r"|^[(¡{\[][\dIlŠ]{1,2}[)\]}jJ][:.]?$|^[¡L|]\d{1,2}\)[:.]?$")
"""A form's footnote mark before a value: ``(1)``, ``1)``, ``(2``, and ``(I)`` (its figure read as a letter);
its brackets misread too: ``¡2)``, ``L2):`` (the opening one), ``(2j`` (the closing one), ``(Š)`` (both
and the figure)."""


@dataclass(frozen=True)
class Token:
    """A piece of an OCR word, with its folded form for matching."""

    text: str
    folded: str
    bbox: BBox
    confidence: float
    page: int
    line: int
    """Index of the line in the document (all pages), in reading order."""


_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(text: str) -> str:
    """Lower-case, diacritic-free, alphanumeric-only form used for fuzzy matching.

    Args:
        text: Any text.

    Returns:
        ``"Họ, chữ đệm"`` → ``"hochudem"`` (đ folds to d).
    """
    # ``Ð``/``ð`` (eth) is what OCR reads for ``Đ``/``đ`` now and then (``Ð a chỉ``): the same letter
    decomposed = unicodedata.normalize("NFD", text.translate(_D_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in stripped.lower() if c.isalnum())


_HORN_LOST = re.compile(r"(?<![qQ])([uU])(?=[ơờớởỡợƠỜỚỞỠỢ][nNcCtTiImMpPuU])")


def horn_lost(text: str) -> str:
    """``Huơng``, ``TRUỜNG`` → ``Hương``, ``TRƯỜNG``: ``uơ`` before a final letter is no Vietnamese
    rhyme, ``ươ`` is (the horn of the ``u`` lost in print). ``thuở``, ``huơ`` and ``quơ`` end there
    and are left."""
    return _HORN_LOST.sub(lambda m: "ư" if m.group(1) == "u" else "Ư", text)


def fold_words(text: str) -> list[str]:
    """The folded, non-empty words of ``text`` (``"Họ, chữ đệm:"`` → ``["ho", "chu", "dem"]``)."""
    return [w for w in (fold(p) for p in re.split(r"[\s,.:;()/\-]+", text)) if w]


def ratio(a: str, b: str) -> float:
    """Similarity of two strings in [0, 1] (difflib's ratio)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def one_off(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one character changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def edits(a: str, b: str) -> int:
    """The number of characters changed, added or dropped that make ``a`` into ``b`` (Levenshtein)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


TWO_OFF_LETTERS = 6
"""A name of a closed list of this many letters or more, read with two of them wrong (a unit's ``Quận
Cề‹: Giấy``, a province's ``Đà Niing``, a nationality's ``Viiit Nam``), is put back when one name of
the list (for a unit, of its province) is two letters off it and none is one letter off; it is still
sent to review. Shorter names are too close to each other to guess."""


def near_keys(folded: str, keys: Iterable[str], *, shortest: int = 4, two_off: bool = True) -> set[str]:
    """The folded names of a closed list ``folded`` is one letter off (names of ``shortest`` letters or
    more); when none is and ``two_off``, those a long name (:data:`TWO_OFF_LETTERS`) is two letters off."""
    keys = list(keys)
    near = {key for key in keys if len(key) >= shortest and one_off(folded, key)}
    if not near and two_off and len(folded) >= TWO_OFF_LETTERS:
        near = {key for key in keys if len(key) >= TWO_OFF_LETTERS and edits(folded, key) <= 2}
    return near


def is_junk(text: str) -> bool:
    """True for leader junk, cell rules and footnote marks: text that is never part of a value."""
    if _FOOTNOTE.match(text):
        return True
    return not any(c.isalnum() and unicodedata.category(c) != "Lm" for c in text)


def is_leader(text: str) -> bool:
    """True for a dotted-leader run (``.....``, ``…``, ``,,,``, ``-.-``): a typed value ends there."""
    return "…" in text and is_junk(text) or (
        len(text) >= 3 and all(c in _LEADER_RUN for c in text))


def until_leader(tokens: list[Token]) -> tuple[list[Token], bool]:
    """The tokens before the first leader run that follows some text; and whether one was found.

    Tesseract reads the rest of a leader line as junk that may contain letters (``HTn HH nh``), so
    everything after the leader is dropped.
    """
    started = False
    for i, token in enumerate(tokens):
        if started and is_leader(token.text):
            return tokens[:i], True
        if not started and is_leader(token.text) and _garbage(tokens[i + 1:]):
            return [], True
        started = started or not is_junk(token.text)
    return tokens, False


def _garbage(tokens: list[Token]) -> bool:
    """What OCR makes of the end of an empty leader line: junk read at very low confidence."""
    text = [t for t in tokens if not is_junk(t.text)]
    return bool(text) and sum(t.confidence for t in text) / len(text) < GARBAGE_CONFIDENCE


def clean_token_text(text: str) -> str:
    """Strip leader junk glued to either end of a value token (a single trailing comma stays)."""
    text = _LEADING_JUNK.sub("", text)
    return _TRAILING_JUNK.sub("", text)


def _split_word(word: Word) -> list[tuple[str, BBox]]:
    """Split one word at colons and leader runs; pieces get a proportional share of the box."""
    pieces = [p for p in _SPLIT.split(word.text) if p]
    if len(pieces) <= 1:
        return [(word.text, word.bbox)]
    total = max(sum(len(p) for p in pieces), 1)
    out, offset = [], 0
    for piece in pieces:
        left = word.bbox.left + word.bbox.width * offset // total
        width = max(word.bbox.width * len(piece) // total, 1)
        out.append((piece, BBox(left, word.bbox.top, width, word.bbox.height)))
        offset += len(piece)
    return out


def document_lines(pages: list[PageText] | tuple[PageText, ...]) -> list[list[Token]]:
    """All lines of all pages, in reading order, as lists of tokens sorted left to right.

    Args:
        pages: The OCR'd pages of one dossier, in order.

    Returns:
        One list of tokens per non-empty line; ``Token.line`` is the index in this list.
    """
    lines: list[list[Token]] = []
    for page_index, page in enumerate(pages):
        for words in _same_rows(sorted(page.lines(), key=_line_key)):
            n = len(lines)
            tokens = [Token(nfc(text), fold(text), box, w.confidence, page_index, n)
                      for w in words for text, box in _split_word(w)]
            if tokens:
                lines.append(tokens)
    return lines


SAME_ROW = 0.6
"""Two OCR lines side by side whose heights overlap by this share of the lower one are one printed line."""


def _same_rows(lines: list[list[Word]]) -> list[list[Word]]:
    """OCR lines that sit side by side on one printed line merged (a table's cells read one by one:
    ``Nữ`` / ``0383… Con`` / ``Dương Thanh Linh 06-05-2004`` are one row). Lines are merged only when
    they share the height and not a single column of pixels."""
    out: list[list[Word]] = []
    for words in lines:
        if out and _beside(out[-1], words):
            out[-1] = sorted(out[-1] + words, key=lambda w: w.bbox.left)
        else:
            out.append(list(words))
    return out


def _beside(row: list[Word], words: list[Word]) -> bool:
    if min(_mean_confidence(row), _mean_confidence(words)) < MERGE_CONFIDENCE:
        return False  # what OCR makes of the rest of a leader line stays apart, to be dropped
    top, bottom = _band(words)
    r_top, r_bottom = _band(row)
    overlap = min(bottom, r_bottom) - max(top, r_top)
    if overlap < SAME_ROW * min(bottom - top, r_bottom - r_top):
        return False
    return all(w.bbox.right <= v.bbox.left or v.bbox.right <= w.bbox.left for w in words for v in row)


MERGE_CONFIDENCE = 0.5


def _mean_confidence(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words)


def _band(words: list[Word]) -> tuple[float, float]:
    """The line's core height: the median top and bottom of its words (a tall glyph or a rule aside)."""
    tops = sorted(w.bbox.top for w in words)
    bottoms = sorted(w.bbox.top + w.bbox.height for w in words)
    return tops[len(tops) // 2], bottoms[len(bottoms) // 2]


def _line_key(words: list[Word]) -> tuple[float, int]:
    """Lines sorted top to bottom (Tesseract's block order can put a signature block first)."""
    centres = sorted(w.bbox.top + w.bbox.height / 2 for w in words)
    return centres[len(centres) // 2], words[0].bbox.left


def collapse(text: str) -> str:
    """NFC and inner whitespace collapsed to single spaces, trimmed."""
    return " ".join(nfc(text).split())


_SAME_SHAPE = frozenset("cosvwxz")
"""Letters whose capital is their small letter drawn larger: OCR tells them apart by size alone."""


def capital_lost(value: str) -> str:
    """A value that starts with one of :data:`_SAME_SHAPE` in small letters, with its capital put back
    (``cắt tóc`` → ``Cắt tóc``, ``sửa chữa`` → ``Sửa chữa``): a value typed after a form's label starts
    with a capital; a small ``c`` there is a capital ``C`` read by its shape."""
    first = value[:1]
    return first.upper() + value[1:] if first.islower() and fold(first)[:1] in _SAME_SHAPE else value
