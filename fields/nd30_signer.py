"""Reading a signer's name on a line of a decision's signature block (NĐ 30/2020, Phụ lục I).

The name is printed in title case under the title, with a seal and a signature over or beside it: their
ink is read as stray letters, figures or words glued before the name, which are taken off here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fields.names import SURNAMES, check_syllables, correct_name
from fields.text import Token, fold
from fields.validators import check_name, split_glued_name

def has_surname(name: str) -> bool:
    """True when a full name starts with one of the family names (``fields.names.SURNAMES``)."""
    words = name.split()
    return bool(words) and fold(words[0]) in _SURNAMES


_SURNAMES = frozenset(fold(s) for s in SURNAMES)


_STAMP_PREFIX = re.compile(r"^.*[^\w\s](?=[^\W\d_]{2,}$)")


def unstamped(token: Token) -> Token:
    """A word with the seal's ink glued before it taken off (``⁄/Phan`` → ``Phan``)."""
    if token.text.rstrip("-–.,").isalpha() and token.text[-1] in "-–.,":  # ``Uyên-``: a speck after the name
        token = Token(token.text.rstrip("-–.,"), fold(token.text), token.bbox, token.confidence, token.page, token.line)
    text = _STAMP_PREFIX.sub("", token.text)
    return token if text == token.text else Token(text, fold(text), token.bbox, min(token.confidence, 0.6),
                                                  token.page, token.line)


def unglued(tokens: Sequence[Token]) -> list[Token]:
    """Words a tight font let OCR glue together split again (``HoàngGia`` → ``Hoàng`` ``Gia``)."""
    out: list[Token] = []
    for token in tokens:
        parts = split_glued_name(token.text).split()
        if len(parts) == 1:
            out.append(token)
            continue
        width = token.bbox.width / max(len(token.text), 1)
        left = token.bbox.left
        for part in parts:
            box = token.bbox.__class__(round(left), token.bbox.top, max(1, round(width * len(part))), token.bbox.height)
            out.append(Token(part, fold(part), box, token.confidence, token.page, token.line))
            left += width * len(part)
    return out


_SPECK = 0.5
"""A word before the name on its line read below this confidence (and no family name) is ink of the
seal or the signature."""


def is_surname(word: str) -> bool:
    return fold(word) in _SURNAMES


def _after_ink(tokens: list[Token]) -> list[Token]:
    """The tokens from the name's first word: words read unsurely before it are the seal's or the
    signature's ink (``TT Cừ Hoàng Văn An``): the name starts at the first word read surely when it
    is a family name, else at the nearest family name before it, else at that word."""
    lead = 0
    while lead < len(tokens) and tokens[lead].confidence < _SPECK:
        lead += 1
    if lead == 0:
        return _after_junk(tokens)
    if lead < len(tokens) and is_surname(tokens[lead].text):
        return tokens[lead:]
    # the family name itself read unsurely: the nearest one before the first sure word
    starts = [i for i in range(lead - 1, -1, -1) if is_surname(tokens[i].text)]
    return tokens[starts[0]:] if starts else tokens[lead:]


def name_word(token: Token) -> bool:
    """A word that can be part of a name: two letters or more, title case."""
    text = token.text
    return len(text) > 1 and text.isalpha() and text[0].isupper() and text[1:].islower()


def _after_junk(tokens: list[Token]) -> list[Token]:
    """The tokens from the first family name when all before it are no name's words (``XS 4.2 Ngô
    Hoàng Tuấn``, ``N Dương Ngọc Hà``): a seal's or signature's ink read as letters or figures."""
    for index, token in enumerate(tokens):
        if is_surname(token.text) and name_word(token):
            return tokens[index:]
        if token.text.isalpha() and not (len(token.text) <= 2 and token.text.isupper()):
            break  # a word (``phố Kim Mã``): the line is text, not a name after ink
    return tokens


def name_line(tokens: Sequence[Token]) -> list[Token] | None:
    """The tokens of a signer's name on a line: two to five title-case words of letters."""
    tokens = unglued([unstamped(t) for t in tokens])
    tokens = _after_ink(tokens)
    words = [t for t in tokens if t.text.isalpha()]
    if not 2 <= len(words) <= 5 or len(words) < len(tokens) - 3:
        return None
    if not all(w.text[0].isupper() and (w.text[1:].islower() or len(w.text) == 1) for w in words):
        return None  # title case only: capitals lines are offices and headings
    return words


def mended_name(words: Sequence[Token], again: list[list[Token]]) -> str | None:
    """A name read with garbled words (``Võ Eoàng Minh Khanơ``) mended word by word from its line read
    again (``… Hoàng Minh Khang``): each word is replaced by the word read more surely in its place (its
    box overlapping most of both). Returned only when the name then is a valid one with a family name."""
    others = [t for line in again for t in unglued([unstamped(t) for t in line]) if name_word(t)]
    out = []
    for word in words:
        best = word
        for other in others:
            overlap = min(word.bbox.right, other.bbox.right) - max(word.bbox.left, other.bbox.left)
            if overlap > 0.7 * max(word.bbox.width, other.bbox.width) and other.confidence > best.confidence:
                best = other
        out.append(best.text)
    name, syllable = check_syllables(correct_name(" ".join(out)))
    ok, _, name = check_name(name)
    return name if ok and not syllable and has_surname(name) else None
